"""The check-ins CSV: ``/huddle export``, the App Home's export button and the
``huddle export`` command line all write the same file; only managers may have it.

Known data, seen from Thursday 26 Nov 2026 in New York (15:00 UTC): Bob's call of the
week before, then this week Alice's meetings with a formula for a note, Bob's calls,
a referral by someone whose name starts with ``@``, and a call Alice undid.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.standin import UserReply
from tests.conftest import CHANNEL, MANAGER, TEAM_TZ, Running, environment, settle
from tests.seats import joined_long_ago
from tests.test_cli import huddle as huddle_cli

NY = ZoneInfo(TEAM_TZ)
HEADER = (
    "checkin_id,date,iso_week,user_id,name,activity,count,note,source,"
    "logged_at_utc,undone_at_utc,team_channel,activity_label\r\n"
)
LAST_WEEK = (
    "1,2026-11-20,2026-W47,UBOB,Bob,call,4,,command,2026-11-20T14:00:00Z,,CHUDDLE01,call\r\n"
)
THIS_WEEK = (
    "2,2026-11-23,2026-W48,UALICE,Alice,meeting,2,"
    '"\'=HYPERLINK(""http://evil"",""click"")",command,2026-11-26T15:00:00Z,,'
    "CHUDDLE01,meeting\r\n"
    '3,2026-11-26,2026-W48,UBOB,Bob,call,5,"Acme, Inc.",command,2026-11-26T15:01:00Z,,'
    "CHUDDLE01,call\r\n"
    "4,2026-11-26,2026-W48,UEVIL,'@evil,referral,1,,command,2026-11-26T15:02:00Z,,"
    "CHUDDLE01,referral\r\n"
    "5,2026-11-26,2026-W48,UALICE,Alice,call,1,,command,"
    "2026-11-26T15:03:00Z,2026-11-26T15:04:00Z,CHUDDLE01,call\r\n"
)


async def command(running: Running, user_id: str, name: str, text: str = "") -> UserReply:
    reply = await running.users.reply(await running.users.command(user_id, name, text))
    await settle()
    return reply


async def log_known_checkins(running: Running) -> None:
    running.slack.add_user("UEVIL", "@evil", tz=TEAM_TZ)
    running.slack.add_member(CHANNEL, "UEVIL")  # on the team: the export is its members'
    await running.users.event(
        {"type": "member_joined_channel", "user": "UEVIL", "channel": CHANNEL}
    )
    await settle()
    await joined_long_ago(running)
    running.clock.set(datetime(2026, 11, 20, 9, tzinfo=NY))
    await command(running, "UBOB", "/logcall", "4")
    steps = [
        ("UALICE", "/logmeeting", '2 mon =HYPERLINK("http://evil","click")'),
        ("UBOB", "/logcall", "5 Acme, Inc."),
        ("UEVIL", "/logreferral", ""),
        ("UALICE", "/logcall", "1"),
        ("UALICE", "/huddle", "undo"),
    ]
    for minute, (user_id, name, text) in enumerate(steps):
        running.clock.set(datetime(2026, 11, 26, 10, minute, tzinfo=NY))
        await command(running, user_id, name, text)


def exported(running: Running) -> tuple[str, str, list[str]]:
    """(file name, CSV text, channels) of the one file uploaded."""
    [upload] = running.slack.files.values()
    assert upload.completed and upload.content is not None
    return upload.filename, upload.content.decode(), upload.channels


async def test_manager_exports_a_known_week(running: Running) -> None:
    await log_known_checkins(running)
    response = await running.users.command(MANAGER, "/huddle", "export 1")
    first, second = await running.users.wait_replies(response, 2)
    assert "Preparing a CSV of the check-ins since Mon 23 Nov 2026 (1 week)" in first.text
    assert "Sent huddle-checkins-2026-W48.csv (4 check-ins since Mon 23 Nov 2026)" in second.text

    name, content, channels = exported(running)
    assert name == "huddle-checkins-2026-W48.csv"
    assert content == HEADER + THIS_WEEK
    assert channels == [f"D{MANAGER}"]
    [message] = running.slack.dms_to(MANAGER)
    assert "4 check-ins since Mon 23 Nov 2026 (1 week)" in message.text
    assert running.slack.rejections == []


async def test_default_export_is_four_weeks(running: Running) -> None:
    await log_known_checkins(running)
    response = await running.users.command(MANAGER, "/huddle", "export")
    await running.users.wait_replies(response, 2)
    name, content, _ = exported(running)
    assert name == "huddle-checkins-2026-W45-to-2026-W48.csv"
    assert content == HEADER + LAST_WEEK + THIS_WEEK


@pytest.mark.parametrize("text", ["export", "export 4"])
async def test_reps_cannot_export(running: Running, text: str) -> None:
    await command(running, "UALICE", "/logmeeting", "2")
    reply = await command(running, "UALICE", "/huddle", text)
    assert "Only managers can export check-ins" in reply.text and "Morgan" in reply.text
    assert running.slack.files == {}
    assert running.slack.calls_to("files.getUploadURLExternal") == []


async def test_export_weeks_out_of_range_changes_nothing(running: Running) -> None:
    reply = await command(running, MANAGER, "/huddle", "export 53")
    assert "whole number from 1 to 52" in reply.text
    assert "/huddle export [WEEKS]" in reply.all_text
    assert running.slack.files == {}


async def test_failed_upload_is_reported(running: Running) -> None:
    running.slack.fail("files.completeUploadExternal", mode="error", error="not_allowed_token_type")
    response = await running.users.command(MANAGER, "/huddle", "export")
    _, second = await running.users.wait_replies(response, 2)
    assert "couldn't send the export: Slack answered not_allowed_token_type" in second.text


async def test_home_button_sends_the_manager_the_last_four_weeks(running: Running) -> None:
    await log_known_checkins(running)
    await running.users.app_home_opened(MANAGER)
    await settle()
    home = running.slack.home_views[MANAGER]
    await running.users.block_action(MANAGER, "home_export", view=home)
    await settle()
    name, content, channels = exported(running)
    assert name == "huddle-checkins-2026-W45-to-2026-W48.csv"
    assert content == HEADER + LAST_WEEK + THIS_WEEK
    assert channels == [f"D{MANAGER}"]


async def test_a_rep_forging_the_home_export_button_is_refused(running: Running) -> None:
    await running.users.app_home_opened(MANAGER)
    await settle()
    managers_home = running.slack.home_views[MANAGER]
    for forged in (
        running.users.block_action("UALICE", "home_export", view=managers_home),
        running.users.block_action("UALICE", "home_export", value="52"),
    ):
        response = await forged
        assert response.status == 200
        await settle()
    refusals = running.slack.dms_to("UALICE")
    assert len(refusals) == 2
    assert all("Only managers can export check-ins" in m.text for m in refusals)
    assert running.slack.files == {}


async def test_cli_export_writes_the_same_csv(running: Running, tmp_path: Path) -> None:
    await log_known_checkins(running)
    env = environment(str(running.huddle.runtime.settings.database_url), running.slack)
    code, out, _ = await huddle_cli("export", "--since", "2026-11-23", env=env, cwd=tmp_path)
    assert code == 0 and out == HEADER + THIS_WEEK
    code, out, _ = await huddle_cli("export", env=env, cwd=tmp_path)
    assert code == 0 and out == HEADER + LAST_WEEK + THIS_WEEK
    code, _, err = await huddle_cli("export", "--since", "23/11/2026", env=env, cwd=tmp_path)
    assert code == 2 and "YYYY-MM-DD" in err
