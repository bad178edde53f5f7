"""Buttons on replies and nudges, pressed by their owner and by someone else: a user
can only ever log or undo for themself. Signed clicks over HTTP, on both databases."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.standin import Message
from storage.models import CheckIn
from tests.conftest import BOTH_TRANSPORTS, TEAM_TZ, Running, settle

THURSDAY_3PM = datetime(2026, 11, 26, 15, 0, tzinfo=ZoneInfo(TEAM_TZ))


async def checkins(running: Running) -> list[tuple[str, str, int, date, str]]:
    async with running.huddle.runtime.sessions() as session:
        rows = await session.scalars(select(CheckIn).order_by(CheckIn.id))
        return [(c.user_id, c.activity, c.count, c.day, c.source) for c in rows]


@BOTH_TRANSPORTS
async def test_someone_elses_log_it_again_logs_nothing(running: Running) -> None:
    await running.users.command("UALICE", "/logmeeting", "2 Acme")
    repeat = await running.users.command("UALICE", "/logmeeting", "2 Acme")
    reply = await running.users.reply(repeat)
    assert reply.element("log_again") is not None

    pressed = await running.users.block_action("UBOB", "log_again", message=reply)
    [refusal] = await running.users.wait_replies(pressed, 1)
    assert "You can only log for yourself." in refusal.text
    await settle()
    assert await checkins(running) == [("UALICE", "meeting", 2, date(2026, 11, 26), "command")]


async def nudge_for(running: Running, user_id: str) -> Message:
    running.clock.set(THURSDAY_3PM)
    await running.ticker().tick()
    [dm] = running.slack.dms_to(user_id)
    return dm


@BOTH_TRANSPORTS
async def test_log_one_from_the_nudge_records_one_for_today(running: Running) -> None:
    dm = await nudge_for(running, "UALICE")
    pressed = await running.users.block_action("UALICE", "nudge_log:meeting", message=dm)
    [reply] = await running.users.wait_replies(pressed, 1)
    assert "Logged 1 meeting for today" in reply.text
    assert "1 of 6 meetings · 5 to go" in reply.all_text
    await settle()
    assert await checkins(running) == [("UALICE", "meeting", 1, date(2026, 11, 26), "nudge")]
    assert running.slack.rejections == []


async def test_pressing_someone_elses_nudge_logs_nothing_for_them(running: Running) -> None:
    alices = await nudge_for(running, "UALICE")
    pressed = await running.users.block_action("UBOB", "nudge_log:call", message=alices)
    [reply] = await running.users.wait_replies(pressed, 1)
    assert "Logged 1 call for today" in reply.text  # for Bob, who pressed
    await settle()
    assert await checkins(running) == [("UBOB", "call", 1, date(2026, 11, 26), "nudge")]


async def test_a_forged_nudge_button_for_an_unknown_activity_logs_nothing(
    running: Running,
) -> None:
    pressed = await running.users.block_action("UALICE", "nudge_log:dancing", value="dancing")
    [reply] = await running.users.wait_replies(pressed, 1)
    assert "That button is broken." in reply.text
    assert await checkins(running) == []
