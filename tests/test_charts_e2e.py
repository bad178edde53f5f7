"""The charts through the real tick, database and Slack stand-in: the summary's PNG
beside the summary (in its thread when split), each digest's in the manager's DM, once
a week; a failed upload leaves the text alone and is retried; an unknown outcome is
looked up, not repeated."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.messages.charts import ALT_TEXT_LIMIT
from bot.scheduled.planner import HISTORY_WEEKS, plan
from bot.standin import SlackWebAPIStandIn, UploadedFile
from bot.standin.records import Message
from bot.team.state import TeamState, load_state
from storage.models import SendLedger
from tests.conftest import CHANNEL, MANAGER, Running, environment
from tests.seats import MANAGER_DIGEST
from tests.test_cli import huddle as huddle_cli
from tests.test_scheduled_e2e import at

PNG = b"\x89PNG\r\n\x1a\n"


def shared(slack: SlackWebAPIStandIn) -> list[UploadedFile]:
    return [f for f in slack.files.values() if f.completed]


def file_messages(messages: list[Message]) -> list[Message]:
    return [m for m in messages if m.files]


async def states(running: Running) -> dict[tuple[str, str], tuple[str, int]]:
    async with running.huddle.runtime.sessions() as session:
        rows = await session.scalars(select(SendLedger))
        return {(r.kind, r.recipient): (r.state, r.attempts) for r in rows}


async def state_now(running: Running) -> TeamState:
    """The team as a plan now would see it, with nothing sent yet."""
    week = date(2026, 11, 23)
    runtime = running.huddle.runtime
    [team] = await runtime.teams(running.huddle.team_id)
    state = await load_state(runtime, team, week - timedelta(weeks=HISTORY_WEEKS - 1), week)
    return replace(state, ledger={})


async def friday(running: Running, minute: int = 0) -> None:
    running.clock.set(at(27, 9, minute))
    await running.ticker().tick()


async def test_summary_and_digest_carry_their_charts_once(running: Running) -> None:
    slack = running.slack
    await running.users.command("UALICE", "/logmeeting", "6")
    await friday(running)
    await friday(running, 1)  # and again: nothing is uploaded twice
    summary, chart = slack.top_level_messages(CHANNEL)[-2:]
    assert "results" in summary.all_text and not summary.files
    assert chart.files and chart.thread_ts is None and chart.ts > summary.ts
    digest, trend = slack.dms_to(MANAGER)
    assert "Manager digest" in digest.all_text and trend.files

    by_channel = {tuple(f.channels): f for f in shared(slack)}
    assert set(by_channel) == {(CHANNEL,), (digest.channel,)}
    for upload in by_channel.values():
        assert upload.content is not None and upload.content.startswith(PNG)
        assert 20_000 < len(upload.content) < 2_000_000 and upload.length == len(upload.content)
        assert "-2026-W48-" in upload.filename and upload.filename.endswith(".png")
        assert upload.alt_txt and len(upload.alt_txt) <= ALT_TEXT_LIMIT
        assert upload.thread_ts is None
    summary_png = by_channel[(CHANNEL,)]
    assert summary_png.alt_txt is not None
    assert summary_png.alt_txt.startswith("Bar chart: Week of Mon 23 Nov — results.")
    assert "Alice: meetings 100%, calls 0%" in summary_png.alt_txt
    assert "Bob" in summary_png.alt_txt and "Cara" in summary_png.alt_txt
    trend_png = by_channel[(digest.channel,)]
    assert trend_png.alt_txt is not None and "Line chart" in trend_png.alt_txt
    assert {"Alice", "Bob", "Cara"} <= {w for w in trend_png.alt_txt.replace(":", " ").split()}
    ledger = await states(running)
    assert ledger[("summary_chart", CHANNEL)] == ("sent", 1)
    assert ledger[("digest_chart", MANAGER_DIGEST)] == ("sent", 1)
    assert slack.rejections == []


async def test_a_split_summary_gets_its_chart_in_its_thread(running: Running) -> None:
    slack = running.slack
    many = [f"UREP{i:03d}" for i in range(180)]
    for user in many:
        slack.add_user(user, f"Representative number {user[4:]} of the big team", tz="UTC")
    slack.channels[CHANNEL].members.extend(many)
    running.clock.set(at(26, 12, 0))
    ticker = running.ticker()
    ticker.roster_day = None  # a new day: the roster is loaded again
    await ticker.tick()
    running.clock.set(at(27, 9, 0))
    await ticker.tick()
    [summary] = [m for m in slack.top_level_messages(CHANNEL) if "results" in m.all_text]
    assert "part 1 of" in summary.all_text
    thread = slack.thread(CHANNEL, summary.ts)
    [chart] = file_messages(thread)
    assert chart.thread_ts == summary.ts and chart is thread[-1]  # after the text's parts
    assert file_messages(slack.top_level_messages(CHANNEL)) == []


async def test_a_failed_upload_leaves_the_text_and_is_retried(running: Running) -> None:
    slack = running.slack
    slack.fail("files.completeUploadExternal", times=2, mode="error", error="internal_error")
    await friday(running)
    assert len(shared(slack)) == 0
    assert ["results" in m.all_text for m in slack.top_level_messages(CHANNEL)] == [True]
    assert len(slack.dms_to(MANAGER)) == 1  # the digest went out all the same
    ledger = await states(running)
    assert ledger[("summary", CHANNEL)] == ledger[("digest", MANAGER_DIGEST)] == ("sent", 1)
    assert {ledger[("summary_chart", CHANNEL)][0], ledger[("digest_chart", MANAGER_DIGEST)][0]} == {
        "failed"
    }

    await friday(running, 1)  # the next tick, still inside the window
    assert len(shared(slack)) == 2
    assert len(file_messages(slack.top_level_messages(CHANNEL))) == 1
    ledger = await states(running)
    assert (
        ledger[("summary_chart", CHANNEL)]
        == ledger[("digest_chart", MANAGER_DIGEST)]
        == ("sent", 2)
    )


async def test_an_upload_of_unknown_outcome_is_looked_up_not_repeated(running: Running) -> None:
    slack = running.slack
    slack.fail("files.completeUploadExternal", times=2, mode="drop_after")  # shared, no answer
    await friday(running)
    assert len(shared(slack)) == 2  # each chart once, though no answer came
    assert len(slack.calls_to("files.completeUploadExternal", applied_only=False)) == 2
    assert len(slack.calls_to("conversations.history")) == 2  # looked for, and found
    ledger = await states(running)
    assert (
        ledger[("summary_chart", CHANNEL)]
        == ledger[("digest_chart", MANAGER_DIGEST)]
        == ("sent", 1)
    )
    await friday(running, 1)
    assert len(shared(slack)) == 2


async def test_huddle_report_writes_the_chart_the_summary_carries(
    running: Running, tmp_path: Path
) -> None:
    await running.users.command("UALICE", "/logmeeting", "4 Acme")
    await running.users.command("UBOB", "/logcall", "25")
    await friday(running)
    [uploaded] = [f for f in shared(running.slack) if f.channels == [CHANNEL]]
    env = environment(str(running.huddle.runtime.settings.database_url), running.slack)
    out = tmp_path / "week.png"
    code, said, _ = await huddle_cli(
        "report", "--team", CHANNEL, "--week", "2026-W48", "--out", str(out), env=env, cwd=tmp_path
    )
    assert code == 0 and f"Wrote {out}" in said and "Alice: meetings 66%, calls 0%" in said
    png = out.read_bytes()
    assert png.startswith(PNG) and png[12:16] == b"IHDR"
    assert int.from_bytes(png[16:20], "big") == 1000  # px wide, like every chart
    assert png == uploaded.content  # the very picture the summary carries

    code, _, err = await huddle_cli(
        "report", "--team", "CELSEWHERE", "--out", str(out), env=env, cwd=tmp_path
    )
    assert code == 2 and "CELSEWHERE is not a team" in err
    code, _, err = await huddle_cli(
        "report", "--week", "2099-W01", "--out", "x.png", env=env, cwd=tmp_path
    )
    assert code == 1 and "has not begun" in err  # refused like `huddle summary`


async def test_drawing_the_charts_leaves_the_event_loop_free(running: Running) -> None:
    """Charts are drawn in a worker thread: the loop keeps serving check-ins meanwhile."""
    slack = running.slack
    many = [f"UREP{i:03d}" for i in range(300)]
    for user in many:
        slack.add_user(user, f"Rep {user[4:]}", tz="UTC")
    slack.channels[CHANNEL].members.extend(many)
    running.clock.set(at(27, 9, 0))
    ticker = running.ticker()
    ticker.roster_day = None
    gaps: list[float] = []
    stop = asyncio.Event()

    async def heartbeat() -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while not stop.is_set():
            await asyncio.sleep(0.005)
            gaps.append(loop.time() - last)
            last = loop.time()

    beating = asyncio.create_task(heartbeat())
    await ticker.tick()
    stop.set()
    await beating
    [summary_png] = [f for f in shared(slack) if f.channels == [CHANNEL]]
    assert summary_png.content is not None
    due = plan(running.clock(), [await state_now(running)])
    [chart] = [s.upload.chart for s in due.sends if s.upload and s.key.kind == "summary_chart"]
    began = time.perf_counter()
    chart.png()
    drawing = time.perf_counter() - began
    assert max(gaps) < drawing / 2, (max(gaps), drawing)
