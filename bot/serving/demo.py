"""``huddle demo``: the real app, served over HTTP, driven by signed requests from
three reps against the local Slack stand-in, printed as a transcript.

Nothing is simulated inside Huddle: the requests go through Bolt's signature check,
the handlers, a real (temporary) SQLite database and the Web API client.
"""

from __future__ import annotations

import secrets
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.domain.settings import load_settings
from bot.domain.weeks import system_clock
from bot.serving.server import drain, prepare, serving_http
from bot.standin import SignedSlackClient, SlackWebAPIStandIn
from bot.standin.signed import UserReply

CHANNEL = "CDEMOHUDL"
TEAM_TZ = "America/New_York"
REPS = {"UALICE": "Alice", "UBOB": "Bob", "UCARA": "Cara"}
MANAGER = "UMORGAN"


def render(blocks: list[dict[str, Any]] | None, fallback: str) -> str:
    """Blocks as a person reads them: section and context text, buttons in brackets."""
    lines: list[str] = []
    for block in blocks or []:
        if block["type"] in ("section", "header"):
            lines.append(block["text"]["text"])
        elif block["type"] == "context":
            lines.extend(e.get("text", "") for e in block["elements"])
        elif block["type"] == "actions":
            lines.append("  ".join(f"[{e['text']['text']}]" for e in block["elements"]))
    shown = "\n".join(lines) if lines else fallback
    return shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


async def run_demo() -> int:
    async with SlackWebAPIStandIn() as slack:
        slack.add_user(MANAGER, "Morgan", tz=TEAM_TZ)
        for user_id, name in REPS.items():
            slack.add_user(user_id, name, tz=TEAM_TZ)
        slack.add_channel(CHANNEL, members=[MANAGER, *REPS], name="sales-huddle")
        signing_secret = secrets.token_hex(16)
        with tempfile.TemporaryDirectory() as directory:
            settings = load_settings(
                {
                    "SLACK_BOT_TOKEN": "xoxb-demo-" + secrets.token_hex(8),
                    "SLACK_SIGNING_SECRET": signing_secret,
                    "SLACK_API_URL": slack.api_url,
                    "DATABASE_URL": f"sqlite+aiosqlite:///{Path(directory) / 'demo.db'}",
                    "HUDDLE_CHANNEL": CHANNEL,
                    "HUDDLE_TIMEZONE": TEAM_TZ,
                    "HUDDLE_MANAGERS": MANAGER,
                    "HUDDLE_GOALS": "meeting=6,call=20",
                }
            )
            huddle = await prepare(settings, system_clock)
            try:
                async with (
                    serving_http(huddle, "127.0.0.1", 0) as url,
                    SignedSlackClient(
                        f"{url}/slack/events",
                        signing_secret,
                        team_id=slack.team_id,
                        standin=slack,
                        channel_id=CHANNEL,
                    ) as users,
                ):
                    await _script(users, slack)
                await drain()
            finally:
                await huddle.close()
        _print_channel(slack)
        return 0 if not slack.rejections else 1


async def _say(users: SignedSlackClient, user_id: str, command: str, text: str) -> UserReply:
    print(f"\n{REPS.get(user_id, user_id)} types: {command} {text}".rstrip())
    reply = await users.reply(await users.command(user_id, command, text))
    print(indent(render(reply.blocks, reply.text)) + "\n    (only they see this)")
    return reply


async def _script(users: SignedSlackClient, slack: SlackWebAPIStandIn) -> None:
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%a").lower()
    print("=== Huddle demo: three reps log their week (#sales-huddle) ===")
    await _say(users, "UALICE", "/logmeeting", f"2 {yesterday} Acme renewal")
    await _say(users, "UBOB", "/logcall", "12 cold list, 3 callbacks")
    await _say(users, "UCARA", "/logmeeting", "Intro with <!channel> at Globex")
    await _say(users, "UALICE", "/logmeeting", f"2 {yesterday} Acme renewal")
    await _say(users, "UBOB", "/logmeeting", "0")
    oops = await _say(users, "UBOB", "/log", "meetings 1 Initech")
    print("\nBob presses [Undo]")
    pressed = await users.block_action("UBOB", "undo_checkin", message=oops)
    [undone] = await users.wait_replies(pressed, 1)
    print(indent(render(undone.blocks, undone.text)))
    await _say(users, "UCARA", "/progress", "")
    await slack.wait_until(lambda: _lines_announced(slack) >= 3, timeout=10)


def _lines_announced(slack: SlackWebAPIStandIn) -> int:
    """Announcement lines in the channel: lines logged close together share a message."""
    return sum(m.all_text.count(" logged ") for m in slack.messages_in(CHANNEL))


def _print_channel(slack: SlackWebAPIStandIn) -> None:
    print("\n=== What the team sees in #sales-huddle ===")
    for message in slack.messages_in(CHANNEL):
        print(indent(render(message.blocks, message.text), "  • "))
