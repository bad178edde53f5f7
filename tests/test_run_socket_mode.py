"""``huddle run`` in Socket Mode as an operator runs it: the real command in its own
process, ``SLACK_API_URL`` pointing at the stand-in and ``SLACK_APP_TOKEN`` set. It
connects, serves a check-in and runs its tick (the nudge is due as it starts); a token
Slack refuses stops it at once with the variable's name, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.standin import SlackWebAPIStandIn, SocketModeStandIn
from tests.conftest import APP_TOKEN, BOT_TOKEN, CHANNEL, REPS, environment
from tests.reliability.processes import (
    Process,
    assert_clean_log,
    huddle_run,
    real_clock_workspace,
    schedule,
)


@pytest.fixture
async def slack() -> AsyncIterator[SlackWebAPIStandIn]:
    async with real_clock_workspace(tz="UTC") as standin:
        yield standin


async def test_huddle_run_serves_a_checkin_and_ticks_over_socket_mode(
    database_url: str, slack: SlackWebAPIStandIn, tmp_path: Path
) -> None:
    nudge_at, summary_at = schedule(datetime.now(UTC))
    due_now = {"HUDDLE_TIMEZONE": "UTC", "HUDDLE_NUDGE_AT": nudge_at}
    due_now |= {"HUDDLE_SUMMARY_AT": summary_at, "HUDDLE_HUDDLE_AT": "off"}
    async with huddle_run("socket_mode", database_url, slack, tmp_path, **due_now) as running:
        process, users, socket = running
        assert socket is not None
        await slack.wait_until(  # the first tick, at start-up: every rep is short of 6
            lambda: all(slack.dms_to(user_id) for user_id in REPS), timeout=30, what="nudges"
        )
        nudge = slack.dms_to("UALICE")[0]
        assert "6 meetings* to go" in nudge.all_text

        response = await users.command("UALICE", "/logmeeting", "2 Acme & Co")
        assert response.within_deadline
        reply = await users.reply(response)
        assert "Logged 2 meetings for today" in reply.text
        pressed = await users.block_action("UALICE", "nudge_log:meeting", message=nudge)
        [from_nudge] = await users.wait_replies(pressed, 1)
        assert "3 of 6 meetings" in from_nudge.all_text
        await slack.wait_until(lambda: len(slack.messages_in(CHANNEL)) == 2, what="announcements")
        announced = slack.messages_in(CHANNEL)[0].text
        assert "Acme &amp; Co" in announced and "&amp;amp;" not in announced  # escaped once
        assert [a.within_deadline for a in socket.acks] == [True, True]

        code, _took = await process.stop_with(signal.SIGTERM)
        assert code == 0
    assert "Huddle is running in Socket Mode" in process.stderr
    assert_clean_log(process)
    assert len(slack.dms_to("UBOB")) == len(slack.dms_to("UCARA")) == 1  # one nudge each


async def refused_run(env: dict[str, str], directory: Path) -> tuple[int, str]:
    process = Process({**env, "PATH": "/usr/bin:/bin"}, directory, "refused")
    await process.start()
    return await process.exit_code(timeout=60), process.stderr


async def test_an_app_token_slack_refuses_stops_start_up_naming_it(
    database_url: str, slack: SlackWebAPIStandIn, tmp_path: Path
) -> None:
    wrong = "xapp-1-A0HUDDLE-1-not-this-apps-token"
    async with SocketModeStandIn(slack, app_token=APP_TOKEN) as socket:
        env = environment(database_url, slack, SLACK_APP_TOKEN=wrong)
        code, stderr = await refused_run(env, tmp_path)
        assert socket.opened == 0
    assert code == 1
    assert "huddle: Slack refused SLACK_APP_TOKEN (invalid_auth)" in stderr
    assert "Traceback" not in stderr and wrong not in stderr


async def test_a_bot_token_slack_refuses_stops_start_up_naming_it(
    database_url: str, tmp_path: Path
) -> None:
    async with SlackWebAPIStandIn(valid_tokens=["xoxb-the-one-slack-knows"]) as slack:
        code, stderr = await refused_run(environment(database_url, slack), tmp_path)
    assert code == 1
    assert "huddle: Slack refused SLACK_BOT_TOKEN (invalid_auth)" in stderr
    assert "Traceback" not in stderr and BOT_TOKEN not in stderr
