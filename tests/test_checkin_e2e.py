"""Check-ins end to end: signed slash commands over HTTP into the real app, Slack's
Web API played by the stand-in, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text

from storage.models import CheckIn
from tests.conftest import BOTH_TRANSPORTS, CHANNEL, Running, settle


async def checkins(running: Running) -> list[CheckIn]:
    async with running.huddle.runtime.sessions() as session:
        return list(await session.scalars(select(CheckIn).order_by(CheckIn.id)))


@BOTH_TRANSPORTS
async def test_logmeeting_stores_replies_privately_and_announces(running: Running) -> None:
    response = await running.users.command("UALICE", "/logmeeting", "2 yesterday Acme")
    assert response.status == 200
    assert response.within_deadline
    reply = await running.users.reply(response)
    assert "Logged 2 meetings for yesterday" in reply.text
    assert "2 of 6 meetings · 4 to go" in reply.all_text
    assert reply.element("undo_checkin") is not None

    [row] = await checkins(running)
    assert (row.user_id, row.activity, row.count, row.day, row.note, row.source) == (
        "UALICE",
        "meeting",
        2,
        date(2026, 11, 25),
        "Acme",
        "command",
    )

    [posted] = await running.slack.wait_for("chat.postMessage")
    assert posted.args["channel"] == CHANNEL
    [line] = running.slack.messages_in(CHANNEL)
    assert "*Alice* logged 2 meetings for yesterday" in line.text
    assert "2/6 this week" in line.text
    assert running.slack.rejections == []


async def test_log_by_name_and_week_progress_adds_up(running: Running) -> None:
    await running.users.command("UBOB", "/logcall", "5")
    response = await running.users.command("UBOB", "/log", "Calls 3 mon cold list")
    reply = await running.users.reply(response)
    assert "Logged 3 calls for Mon 23 Nov" in reply.text
    assert "8 of 20 calls · 12 to go" in reply.all_text


async def test_note_cannot_mention_anyone(running: Running) -> None:
    note = "hi <!channel> <!here> <@UBOB> <!subteam^S1|sales> <#C1> <https://evil|click> @channel"
    await running.users.command("UALICE", "/logmeeting", note)
    await running.slack.wait_for("chat.postMessage")
    [line] = running.slack.messages_in(CHANNEL)
    for raw in ("<!channel>", "<!here>", "<@UBOB>", "<!subteam", "<#C1>", "<https://"):
        assert raw not in line.all_text
    assert "&lt;!channel&gt;" in line.text
    assert "@channel" not in line.text  # neutralised with a word joiner


@BOTH_TRANSPORTS
async def test_repeat_within_30_seconds_is_not_counted_twice(running: Running) -> None:
    await running.users.command("UALICE", "/logmeeting", "1 Acme")
    running.clock.advance(seconds=10)
    response = await running.users.command("UALICE", "/logmeeting", "1 Acme")
    reply = await running.users.reply(response)
    assert "didn't count it twice" in reply.all_text
    assert len(await checkins(running)) == 1

    again = await running.users.block_action("UALICE", "log_again", message=reply)
    assert again.status == 200
    [confirmation] = await running.users.wait_replies(again, 1)
    assert "Logged 1 meeting for today" in confirmation.text
    assert len(await checkins(running)) == 2
    await running.slack.wait_for("chat.postMessage", count=2)

    running.clock.advance(seconds=31)
    response = await running.users.command("UALICE", "/logmeeting", "1 Acme")
    assert "Logged 1 meeting" in (await running.users.reply(response)).text
    assert len(await checkins(running)) == 3


@BOTH_TRANSPORTS
async def test_undo_removes_the_checkin_and_strikes_the_announcement(running: Running) -> None:
    response = await running.users.command("UALICE", "/logmeeting", "3")
    reply = await running.users.reply(response)
    await running.slack.wait_for("chat.postMessage")

    pressed = await running.users.block_action("UALICE", "undo_checkin", message=reply)
    [undone] = await running.users.wait_replies(pressed, 1)
    assert "Undone: 3 meetings for today" in undone.text
    assert "0 of 6 meetings" in undone.all_text
    [row] = await checkins(running)
    assert row.undone_at is not None
    await running.slack.wait_for("chat.update")
    [line] = running.slack.messages_in(CHANNEL)
    assert line.text.startswith("~") and "(undone)" in line.text


@BOTH_TRANSPORTS
async def test_nobody_can_undo_someone_elses_checkin(running: Running) -> None:
    reply = await running.users.reply(await running.users.command("UALICE", "/logmeeting", "2"))
    pressed = await running.users.block_action("UBOB", "undo_checkin", message=reply)
    [refusal] = await running.users.wait_replies(pressed, 1)
    assert "only undo your own" in refusal.text
    [row] = await checkins(running)
    assert row.undone_at is None


async def test_outsider_is_recorded_with_a_hint_to_join(running: Running) -> None:
    reply = await running.users.reply(await running.users.command("UOUTSIDER", "/logcall", ""))
    assert "Logged 1 call" in reply.text
    assert f"<#{CHANNEL}>" in reply.all_text and "Join the channel" in reply.all_text
    assert len(await checkins(running)) == 1


async def test_database_failure_says_not_saved(running: Running) -> None:
    async with running.huddle.runtime.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE checkin RENAME TO checkin_gone"))
    reply = await running.users.reply(await running.users.command("UALICE", "/logmeeting", "2"))
    assert "couldn't save" in reply.text and "try again" in reply.text
    assert "Logged" not in reply.text
    async with running.huddle.runtime.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE checkin_gone RENAME TO checkin"))
        count = await connection.scalar(text("SELECT count(*) FROM checkin"))
    assert count == 0
    assert running.slack.calls_to("chat.postMessage") == []


@BOTH_TRANSPORTS
async def test_progress_shows_week_and_history(running: Running) -> None:
    await running.users.command("UCARA", "/logmeeting", "6 mon")
    reply = await running.users.reply(
        await running.users.command("UALICE", "/progress", "<@UCARA|cara>")
    )
    assert "Cara's week" in reply.all_text
    assert "6 of 6 meetings · goal met" in reply.all_text
    assert "Last 4 weeks" in reply.all_text


async def test_a_checkin_undone_at_once_never_shows_as_logged_in_the_channel(
    running: Running,
) -> None:
    reply = await running.users.reply(await running.users.command("UALICE", "/logmeeting", "Zeta"))
    await running.users.block_action("UALICE", "undo_checkin", message=reply)
    await settle()
    lines = [
        line
        for m in running.slack.messages_in(CHANNEL)
        for line in m.all_text.splitlines()
        if "Zeta" in line
    ]
    assert all(line.startswith("~") for line in lines), lines
