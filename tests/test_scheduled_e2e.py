"""Scheduled messages through the real tick, database and Slack stand-in: the right
people, at the right time, exactly once — across restarts, instances and faults."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.domain.settings import load_settings
from bot.scheduled.jobs import Ticker
from bot.serving.server import prepare
from storage.models import SendLedger
from tests.conftest import CHANNEL, MANAGER, REPS, TEAM_TZ, Running, environment
from tests.seats import MANAGER_DIGEST

NY = ZoneInfo(TEAM_TZ)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in the fixture's week: November 2026, New York time."""
    return datetime(2026, 11, day, hour, minute, tzinfo=NY)


def nudged(running: Running) -> dict[str, int]:
    return {
        user: len(running.slack.dms_to(user))
        for user in [*REPS, MANAGER, "UOUTSIDER"]
        if running.slack.dms_to(user)
    }


async def ledger_states(running: Running) -> dict[tuple[str, str], str]:
    async with running.huddle.runtime.sessions() as session:
        rows = await session.scalars(select(SendLedger))
        return {(r.kind, r.recipient): r.state for r in rows}


async def test_nudges_go_to_reps_short_of_goal_at_3pm_not_before(running: Running) -> None:
    await running.users.command("UCARA", "/logmeeting", "6")
    await running.users.command("UCARA", "/logcall", "20")
    ticker = running.ticker()
    running.clock.set(at(26, 14, 59))
    await ticker.tick()
    assert nudged(running) == {}

    running.clock.set(at(26, 15, 0))
    await ticker.tick()
    await ticker.tick()
    assert nudged(running) == {"UALICE": 1, "UBOB": 1}
    [dm] = running.slack.dms_to("UALICE")
    assert "6 meetings to go (0 of 6)" in dm.text and "20 calls to go" in dm.text
    assert running.slack.rejections == []


async def test_rep_who_reaches_goal_at_2_59_gets_no_nudge(running: Running) -> None:
    running.clock.set(at(26, 14, 59))
    await running.users.command("UALICE", "/logmeeting", "6")
    await running.users.command("UALICE", "/logcall", "20")
    running.clock.set(at(26, 15, 0))
    await running.ticker().tick()
    assert "UALICE" not in nudged(running)
    assert nudged(running) == {"UBOB": 1, "UCARA": 1}


async def test_away_rep_gets_no_nudge(running: Running) -> None:
    await running.users.command("UBOB", "/huddle", "away 2026-11-26 2026-11-27")
    running.clock.set(at(26, 15, 0))
    await running.ticker().tick()
    assert "UBOB" not in nudged(running)


async def test_down_at_3pm_back_at_3_40_still_nudges_back_friday_does_not(running: Running) -> None:
    running.clock.set(at(26, 15, 40))
    await running.ticker().tick()
    assert nudged(running) == {"UALICE": 1, "UBOB": 1, "UCARA": 1}


async def test_back_on_friday_morning_sends_no_nudge_but_the_summary(running: Running) -> None:
    running.clock.set(at(27, 10, 0))
    await running.ticker().tick()
    assert all(user == MANAGER for user in nudged(running))  # only the manager's digest
    [summary, chart] = running.slack.top_level_messages(CHANNEL)
    assert "results" in summary.all_text and chart.files
    states = await ledger_states(running)
    assert states[("summary", CHANNEL)] == "sent"
    assert states[("digest", MANAGER_DIGEST)] == "sent"
    assert states[("summary_chart", CHANNEL)] == states[("digest_chart", MANAGER_DIGEST)] == "sent"
    assert not any(kind == "nudge" for kind, _ in states)


async def test_restart_sends_nothing_twice(running: Running, database_url: str) -> None:
    running.clock.set(at(26, 15, 0))
    await running.ticker().tick()
    again = await prepare(load_settings(environment(database_url, running.slack)), running.clock)
    try:
        report = await Ticker(
            again.runtime, again.app.client, again.team_id, again.runtime.today()
        ).tick()
    finally:
        await again.close()
    assert report.sent == []
    assert nudged(running) == {"UALICE": 1, "UBOB": 1, "UCARA": 1}


async def test_two_instances_ticking_at_once_send_each_message_once(
    running: Running, database_url: str
) -> None:
    others = [
        await prepare(load_settings(environment(database_url, running.slack)), running.clock)
        for _ in range(2)
    ]
    try:
        tickers = [running.ticker()] + [
            Ticker(o.runtime, o.app.client, o.team_id, o.runtime.today()) for o in others
        ]
        running.clock.set(at(26, 15, 0))  # Thursday's nudges (a week's summary ends them)
        reports = await asyncio.gather(*(t.tick() for t in tickers))
        running.clock.set(at(27, 9, 0))  # then Friday: summary and digest
        await asyncio.gather(*(t.tick() for t in tickers))
    finally:
        for other in others:
            await other.close()
    assert sum(len(r.sent) for r in reports) == 4  # three nudges and Thursday's board
    assert nudged(running) == {"UALICE": 1, "UBOB": 1, "UCARA": 1, MANAGER: 2}  # digest, chart
    assert len(running.slack.top_level_messages(CHANNEL)) == 3  # summary, its chart, one board
    assert len([f for f in running.slack.files.values() if f.completed]) == 2  # charts, once


async def test_429_storm_and_5xx_bursts_still_deliver_each_nudge_once(running: Running) -> None:
    slack = running.slack
    slack.fail("chat.postMessage", times=4, status=429, retry_after=0)
    slack.fail("chat.postMessage", times=2, status=503)
    slack.fail("conversations.open", times=1, status=500)
    slack.fail("chat.postMessage", times=1, mode="drop_after")  # applied, answer lost
    slack.fail("chat.postMessage", times=1, mode="drop")  # lost before applied
    running.clock.set(at(26, 15, 0))
    ticker = running.ticker()
    await ticker.tick()
    running.clock.advance(minutes=6)  # past the claim lease, in case any was left unknown
    await ticker.tick()
    assert nudged(running) == {"UALICE": 1, "UBOB": 1, "UCARA": 1}
    assert set((await ledger_states(running)).values()) == {"sent"}
    assert len([c for c in slack.calls if c.fault]) == 9  # every fault was hit


async def test_unknown_outcome_is_checked_in_history_not_resent(running: Running) -> None:
    slack = running.slack
    for _ in range(3):  # every attempt in this tick: applied, but the answer is lost
        slack.fail("chat.postMessage", times=1, mode="drop_after")
        slack.fail("conversations.history", times=1, mode="drop")
    running.clock.set(at(27, 9, 0))
    ticker = running.ticker()
    await ticker.tick()
    running.clock.advance(minutes=1)
    await ticker.tick()
    assert len(slack.top_level_messages(CHANNEL)) == 2  # the summary and its chart, once
    assert len(slack.calls_to("conversations.history", applied_only=False)) >= 4
    assert (await ledger_states(running))[("summary", CHANNEL)] == "sent"


async def test_whole_week_over_signed_requests(running: Running) -> None:
    slack, users, clock = running.slack, running.users, running.clock
    ticker = running.ticker()
    clock.set(at(23, 9, 0))  # Monday's huddle
    await ticker.tick()
    [board] = slack.top_level_messages(CHANNEL)
    assert "Daily huddle" in board.all_text

    await users.command("UALICE", "/logmeeting", "2 Acme")
    await slack.wait_for("chat.update")
    assert [m.is_reply for m in slack.messages_in(CHANNEL)] == [False, True]
    assert "2/6 meetings" in slack.messages_in(CHANNEL)[0].all_text

    for day, (user, text) in zip(
        (24, 25, 26), [("UBOB", "6"), ("UALICE", "4"), ("UCARA", "1")], strict=True
    ):
        clock.set(at(day, 9, 0))
        await ticker.tick()
        clock.set(at(day, 11, 0))
        await users.command(user, "/logmeeting", text)
    await slack.wait_until(lambda: len(slack.calls_to("chat.postMessage")) >= 7)
    assert len(slack.top_level_messages(CHANNEL)) == 4  # Mon–Thu boards; lines in threads

    clock.set(at(26, 15, 0))
    await ticker.tick()
    assert {u for u in REPS if slack.dms_to(u)} == {"UALICE", "UBOB", "UCARA"}  # calls goal
    clock.set(at(27, 9, 0))
    await ticker.tick()
    summary, chart = slack.top_level_messages(CHANNEL)[-2:]
    assert "results" in summary.all_text and chart.files
    for raw in ("<@", "<!"):
        assert raw not in summary.all_text
    digest, trend = slack.dms_to(MANAGER)
    assert trend.files
    assert "Cara" in digest.all_text
    assert slack.rejections == []
    clock.set(at(27, 9, 30))
    report = await ticker.tick()
    assert report.sent == []
