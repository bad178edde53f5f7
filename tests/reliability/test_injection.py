"""Hostile notes and display names never become a mention, a link or a broken payload.

Three reps with hostile display names log hostile notes, then the whole week runs:
the board, announcements and their undo, ``/progress``, every ``/huddle`` reply that
names someone, App Home, the nudge, the summary and the managers' digest. Everything
Huddle sent is then read the way Slack reads it: in mrkdwn (``plain_text`` is never
parsed), every ``<…>`` control sequence must be one Huddle meant — the huddle channel,
or a known user in a private reply — and what a person typed must read back verbatim.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.standin import SlackWebAPIStandIn, block_errors
from tests.conftest import CHANNEL, MANAGER, TEAM_TZ, Running, settle

NAMES = {
    "UEVIL1": "Eve <!channel> <@UVICTIM> <!subteam^S0SALES|sales> <#C0SECRET>",
    "UEVIL2": "<https://evil.example|click here> &lt;!here&gt; `x` *y* ~z~ > quote",
    "UEVIL3": "@channel @here @everyone <!everyone>\n```" + "<!here>" * 40,
}
NOTES = {
    "UEVIL1": "<!here> call <@UVICTIM> and <!subteam^S0SALES> in <#C0SECRET>",
    "UEVIL2": "see <https://evil.example|deck> or <mailto:a@evil.example|mail> &lt;!channel&gt;",
    "UEVIL3": '`unclosed ``` *bold _it ~st > <!date^1392734382^{date}|x> "quote" \\ } ]',
}
TOKEN = re.compile(r"<[^<>]*>")


@pytest.fixture
async def slack(slack: SlackWebAPIStandIn) -> AsyncIterator[SlackWebAPIStandIn]:
    """The fixture's workspace plus three reps with hostile names, all in the channel."""
    for user_id, name in NAMES.items():
        slack.add_user(user_id, name, tz=TEAM_TZ, real_name=name)
        slack.add_member(CHANNEL, user_id)
    yield slack


def mrkdwn(node: Any) -> Iterator[str]:
    """Every string Slack would parse as mrkdwn: top-level ``text`` and every text
    object that is not ``plain_text`` (button labels, headers)."""
    if isinstance(node, dict):
        if node.get("type") == "plain_text":
            return
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            elif key not in ("value", "action_id", "block_id", "url", "private_metadata"):
                yield from mrkdwn(value)
    elif isinstance(node, list):
        for item in node:
            yield from mrkdwn(item)


def shown(text: str) -> str:
    """What Slack displays for mrkdwn text with no control sequences left in it."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=ZoneInfo(TEAM_TZ))


async def test_hostile_names_and_notes_stay_inert_everywhere(running: Running) -> None:
    slack, users, clock = running.slack, running.users, running.clock
    ticker = running.ticker()
    await ticker.tick()  # Thursday 10:00: today's board
    private: list[dict[str, Any]] = []  # ack bodies: only the user's own HTTP answer has them

    async def ask(user: str, command: str, text: str = "") -> None:
        response = await users.command(user, command, text)
        assert response.status == 200
        if isinstance(response.json, dict) and response.json:
            private.append(response.json)

    for user, note in NOTES.items():
        await ask(user, "/logmeeting", f"2 {note}")
    await settle()  # every line posted (lines logged together may share a message)
    repeat = await users.reply(await users.command("UEVIL2", "/logmeeting", f"2 {NOTES['UEVIL2']}"))
    await users.wait_replies(await users.block_action("UEVIL2", "log_again", message=repeat), 1)
    logged = await users.reply(await users.command("UEVIL1", "/logcall", f"1 {NOTES['UEVIL1']}"))
    await users.wait_replies(await users.block_action("UEVIL1", "undo_checkin", message=logged), 1)

    await ask("UEVIL1", "/progress")
    await ask(MANAGER, "/progress", "<@UEVIL3|x>")
    await ask("UEVIL2", "/huddle", "board")
    await ask(MANAGER, "/huddle", "goal <@UEVIL1|eve> meetings 8")
    await ask(MANAGER, "/huddle", "goal")
    await ask(MANAGER, "/huddle", "away <@UEVIL2|x> 2026-11-30 2026-12-01")
    await ask(MANAGER, "/huddle", "manager add <@UEVIL3|x>")
    await ask(MANAGER, "/huddle", "settings")
    await ask("UEVIL3", "/logcall", "1")
    await ask("UEVIL3", "/huddle", "undo")  # strikes through the call, not the noted meeting
    await users.app_home_opened("UEVIL1")
    await slack.wait_for("views.publish")

    clock.set(at(26, 15))
    await ticker.tick()  # the nudges
    nudged = await users.block_action(
        "UEVIL1", "nudge_log:meeting", message=slack.dms_to("UEVIL1")[0]
    )
    await users.wait_replies(nudged, 1)
    clock.set(at(27, 9))
    await ticker.tick()  # the summary and the digests (UEVIL3 is a manager now)
    assert slack.dms_to("UEVIL3"), "the digest reached the hostile-named manager"

    sent: list[tuple[str, Any]] = [
        (c.method, c.args) for c in slack.calls if c.method in ("chat.postMessage", "chat.update")
    ]
    sent += [("views.publish", c.args["view"]) for c in slack.calls_to("views.publish")]
    sent += [("response_url", r.body) for r in slack.responses]
    sent += [("ack", body) for body in private]
    assert slack.rejections == []
    assert all(block_errors(body.get("blocks", [])) == [] for body in private)

    known = {f"<@{user}>" for user in slack.users}
    for method, message in sent:
        in_channel = method.startswith("chat.") and message.get("channel") == CHANNEL
        allowed = {f"<#{CHANNEL}>"} | (set() if in_channel else known)
        for text in mrkdwn(message):
            assert set(TOKEN.findall(text)) <= allowed, (method, text)
            assert "@channel" not in text and "@here" not in text and "@everyone" not in text

    channel_text = [shown(t) for m in slack.messages_in(CHANNEL) for t in mrkdwn(m.to_slack())]
    for note in NOTES.values():  # read back exactly as typed
        assert any(note in text for text in channel_text), note
    assert any(NAMES["UEVIL1"] in text for text in channel_text)
