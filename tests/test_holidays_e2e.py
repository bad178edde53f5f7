"""Holidays and out of office through Slack: ``/huddle settings holidays``, ``/huddle
holiday``, the nudge moved off Thanksgiving, and a 🌴 status keeping a rep from being
nudged. Signed requests into the real app, the stand-in as Slack, on SQLite and
PostgreSQL. The fixture's team is ``CHUDDLE01`` in New York, run by Morgan."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.standin import UserReply
from storage.models import Holiday, Team
from tests.conftest import CHANNEL, MANAGER, TEAM_TZ, Running

NY = ZoneInfo(TEAM_TZ)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NY)


async def huddle(running: Running, user_id: str, text: str) -> UserReply:
    response = await running.users.command(user_id, "/huddle", text, channel_id=CHANNEL)
    assert response.status == 200
    return await running.users.reply(response)


async def stored(running: Running) -> list[object]:
    async with running.huddle.runtime.sessions() as session:
        teams = [dict(t.settings) for t in await session.scalars(select(Team))]
        days = [(h.team_ref, h.day, h.name, h.kept) for h in await session.scalars(select(Holiday))]
        return [teams, days]


async def test_thanksgiving_week_nudges_on_wednesday_with_goals_for_three_days(
    running: Running,
) -> None:
    running.clock.set(at(11, 23, 10))
    reply = await huddle(running, MANAGER, "settings holidays US")
    assert "Public holidays is now *US*" in reply.all_text
    reply = await huddle(running, MANAGER, "holiday add 2026-11-27 Day after Thanksgiving")
    assert "Holiday added: Fri 27 Nov 2026 — Day after Thanksgiving" in reply.all_text
    listed = await huddle(running, "UALICE", "holiday")
    assert "Thu 26 Nov 2026 — Thanksgiving Day" in listed.all_text
    ticker = running.ticker()
    running.clock.set(at(11, 25, 14, 59))
    await ticker.tick()
    assert running.slack.dms_to("UALICE") == []
    running.clock.set(at(11, 25, 15, 0))
    await ticker.tick()
    [dm] = running.slack.dms_to("UALICE")
    assert "4 meetings to go (0 of 4)" in dm.text and "12 calls to go (0 of 12)" in dm.text
    running.clock.set(at(11, 27, 9, 0))
    await ticker.tick()
    assert not [m for m in running.slack.messages_in(CHANNEL) if "results" in m.all_text]
    running.clock.set(at(11, 30, 9, 0))
    await ticker.tick()
    [summary] = [m for m in running.slack.messages_in(CHANNEL) if "results" in m.all_text]
    assert "short week: Thu 26 Nov Thanksgiving Day, Fri 27 Nov Day after" in summary.all_text
    assert running.slack.rejections == []


async def test_a_bad_country_code_is_refused_and_nothing_changes(running: Running) -> None:
    before = await stored(running)
    reply = await huddle(running, MANAGER, "settings holidays XX")
    assert "`XX` is not a country I know public holidays for" in reply.all_text
    assert await stored(running) == before


async def test_only_managers_change_holidays(running: Running) -> None:
    before = await stored(running)
    reply = await huddle(running, "UALICE", "holiday add 2026-12-24")
    assert "Only managers" in reply.all_text
    missing = await huddle(running, MANAGER, "holiday remove 2026-12-02")
    assert "not one of the team's holidays" in missing.all_text
    assert await stored(running) == before


async def test_a_rep_with_a_palm_tree_is_not_nudged_and_the_digest_says_why(
    running: Running,
) -> None:
    running.slack.set_status("UBOB", ":palm_tree:", "Back Monday")
    ticker = running.ticker()
    running.clock.set(at(12, 3, 15, 0))
    await ticker.tick()
    assert running.slack.dms_to("UBOB") == []
    assert len(running.slack.dms_to("UALICE")) == 1
    running.clock.set(at(12, 4, 9, 0))
    await ticker.tick()
    digest = " ".join(m.all_text for m in running.slack.dms_to(MANAGER))
    assert "Bob" in digest and "not nudged: out of office (Slack status)" in digest
