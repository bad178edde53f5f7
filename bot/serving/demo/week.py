"""The demo's week: Monday's board, check-ins over the days (a note with ``&`` and
``<!channel>``, a backdated one, an undone one), a rep who joins on Wednesday,
Thursday 15:00's nudges, Friday 09:00's summary with its chart and the manager's
digest with its one-off and its pattern (from seven earlier weeks, seeded first).

Nothing inside Huddle is simulated but the clock: requests go through Bolt's signature
check and the handlers, scheduled posts through the scheduler's tick, the planner and
the sender, into a temporary SQLite database and out to the stand-in. The tick runs at
the moments the script names instead of every minute, so the week takes seconds.
"""

from __future__ import annotations

import asyncio
import secrets
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.settings import load_settings
from bot.scheduled.jobs import Ticker
from bot.serving.demo.clock import SimulatedClock
from bot.serving.demo.transcript import Transcript, render
from bot.serving.server import drain, prepare, serving_http
from bot.standin import SignedSlackClient, SlackWebAPIStandIn
from bot.standin.signed import UserReply

CHANNEL = "CDEMOHUDL"
TEAM_TZ = ZoneInfo("America/New_York")
REPS = {"UALICE": "Alice", "UBOB": "Bob", "UCARA": "Cara", "UDAN": "Dan"}
NEWCOMER = ("UEVE", "Eve")
MANAGER = ("UMORGAN", "Morgan")
MONDAY = datetime(2026, 2, 2, tzinfo=TEAM_TZ)
"""The week the demo plays: a fixed one, so every run tells the same story."""
SEEDED_WEEKS = 7
PACE_SECONDS = 0.02
"""The stand-in has no rate limits: announcements need not wait out Slack's."""

EARLIER: dict[str, list[tuple[int, int]]] = {
    # (meetings, calls) per earlier week, oldest first; goals are 6 meetings, 20 calls.
    "UALICE": [(6, 22), (7, 20), (6, 25), (8, 21), (6, 20), (7, 24), (6, 22)],
    "UBOB": [(6, 20), (6, 21), (7, 20), (6, 23), (6, 20), (6, 22), (7, 20)],
    "UCARA": [(5, 15), (6, 20), (4, 18), (6, 21), (7, 20), (6, 20), (6, 20)],
    "UDAN": [(6, 20), (4, 20), (6, 20), (6, 22), (6, 20), (3, 14), (4, 20)],
}
"""Dan missed two of the last three weeks (a third this week makes a pattern); Bob
never missed (this week is a one-off)."""


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of the demo's week: day 0 is Monday, team time."""
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


async def run_demo(out_dir: Path | None = None) -> int:
    """Play the week; charts are saved in ``out_dir`` (``./huddle-demo`` by default).
    Exit code 0 unless the stand-in rejected a payload the app sent."""
    out = out_dir or Path.cwd() / "huddle-demo"
    clock = SimulatedClock(MONDAY - timedelta(weeks=SEEDED_WEEKS, days=1))
    names = {**REPS, NEWCOMER[0]: NEWCOMER[1], MANAGER[0]: MANAGER[1]}
    async with SlackWebAPIStandIn(ts_clock=lambda: clock().timestamp()) as slack:
        for user_id, name in [*REPS.items(), MANAGER]:
            slack.add_user(user_id, name, tz=str(TEAM_TZ))
        slack.add_channel(CHANNEL, members=[MANAGER[0], *REPS], name="sales-huddle")
        signing_secret = secrets.token_hex(16)
        with tempfile.TemporaryDirectory() as directory:
            settings = load_settings(
                {
                    "SLACK_BOT_TOKEN": "xoxb-demo-" + secrets.token_hex(8),
                    "SLACK_SIGNING_SECRET": signing_secret,
                    "SLACK_API_URL": slack.api_url,
                    "DATABASE_URL": f"sqlite+aiosqlite:///{Path(directory) / 'demo.db'}",
                    "HUDDLE_CHANNEL": CHANNEL,
                    "HUDDLE_TIMEZONE": str(TEAM_TZ),
                    "HUDDLE_MANAGERS": MANAGER[0],
                    "HUDDLE_GOALS": "meeting=6,call=20",
                }
            )
            huddle = await prepare(settings, clock)
            for pacer in huddle.live.pacers:
                pacer.interval = PACE_SECONDS
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
                    ticker = Ticker(huddle.runtime, huddle.app.client, huddle.team_id)
                    transcript = Transcript(slack, CHANNEL, names, out)
                    week = Week(slack, users, ticker, clock, transcript)
                    await week.seed()
                    await week.play()
                await drain()
            finally:
                await huddle.close()
        return 0 if not slack.rejections else 1


class Week:
    """The script, step by step; each step prints what it made appear in Slack."""

    def __init__(
        self,
        slack: SlackWebAPIStandIn,
        users: SignedSlackClient,
        ticker: Ticker,
        clock: SimulatedClock,
        transcript: Transcript,
    ) -> None:
        self.slack = slack
        self.users = users
        self.ticker = ticker
        self.clock = clock
        self.out = transcript

    async def seed(self) -> None:
        """Seven earlier weeks of check-ins, logged on each week's Wednesday."""
        for week in range(SEEDED_WEEKS):
            self.clock.set(at(2 - 7 * (SEEDED_WEEKS - week), 11))
            await asyncio.gather(
                *(
                    self.users.command(user_id, command, str(count))
                    for user_id, weeks in EARLIER.items()
                    for command, count in zip(("/logmeeting", "/logcall"), weeks[week], strict=True)
                )
            )
        await drain()
        self.out.skip_to_now()

    async def play(self) -> None:
        out = self.out
        out.say(
            "=== Huddle demo: one week of #sales-huddle (New York time), played in seconds ===\n"
            f"Reps: {', '.join(REPS.values())} (and {NEWCOMER[1]}, who joins on Wednesday); "
            f"manager: {MANAGER[1]}. Goals: 6 meetings and 20 calls a week.\n"
            f"Seeded: {SEEDED_WEEKS} earlier weeks of check-ins "
            "(Dan missed two of the last three)."
        )
        await self.tick(0, 9, "Monday 9:00 — the daily huddle board")
        await self.log(0, 10, "UALICE", "/logmeeting", "2 Acme renewal")
        await self.log(0, 11, "UBOB", "/logcall", "12 cold list, 3 callbacks")
        await self.log(0, 14, "UCARA", "/logmeeting", "1 Intro with <!channel> & Q&A at Globex")

        await self.tick(1, 9, "Tuesday 9:00")
        await self.log(1, 10, "UDAN", "/logcall", "8 yesterday")
        oops = await self.log(1, 11, "UBOB", "/log", "meetings 1 Initech")
        await self.press_undo("UBOB", oops)

        await self.tick(2, 9, "Wednesday 9:00")
        await self.join(2, 10, NEWCOMER)
        await self.log(2, 10, "UEVE", "/logmeeting", "1 first day, Hooli")
        await self.log(2, 11, "UALICE", "/logmeeting", "2 mon Globex (logged late)")
        await self.log(2, 15, "UBOB", "/logmeeting", "4 Initech, Umbrella")
        await self.log(2, 16, "UCARA", "/logmeeting", "5")

        await self.tick(3, 9, "Thursday 9:00")
        await self.log(3, 10, "UALICE", "/logmeeting", "2")
        await self.log(3, 10, "UALICE", "/logcall", "22")
        await self.log(3, 11, "UCARA", "/logcall", "20")
        await self.log(3, 12, "UDAN", "/logmeeting", "2")
        await self.tick(3, 15, "Thursday 15:00 — nudges for whoever is still short")

        await self.tick(4, 9, "Friday 9:00 — the week's summary, and the manager's digest")
        if out.saved:
            out.say("\nCharts saved: " + ", ".join(str(path) for path in out.saved))

    async def tick(self, day: int, hour: int, title: str) -> None:
        self.clock.set(at(day, hour))
        self.out.heading(f"{at(day, hour):%a %-d %b %H:%M} · {title}")
        await self.ticker.tick()
        await self.settle()

    async def log(self, day: int, hour: int, user_id: str, command: str, text: str) -> UserReply:
        self.clock.set(max(self.clock(), at(day, hour)))
        who = REPS.get(user_id) or NEWCOMER[1]
        self.out.say(f"\n{who} types: {command} {text}")
        response = await self.users.command(user_id, command, text)
        reply = await self.users.reply(response)
        self.out.private(who, render(reply.blocks, reply.text))
        await self.settle()
        return reply

    async def press_undo(self, user_id: str, reply: UserReply) -> None:
        who = REPS[user_id]
        self.out.say(f"\n{who} presses [Undo]")
        pressed = await self.users.block_action(user_id, "undo_checkin", message=reply)
        [undone] = await self.users.wait_replies(pressed, 1)
        self.out.private(who, render(undone.blocks, undone.text))
        await self.settle()

    async def join(self, day: int, hour: int, newcomer: tuple[str, str]) -> None:
        self.clock.set(max(self.clock(), at(day, hour)))
        self.out.say(f"\n{newcomer[1]} joins the company and #sales-huddle (member_joined_channel)")
        self.slack.add_user(*newcomer, tz=str(TEAM_TZ))
        await self.users.member_joined_channel(newcomer[0], CHANNEL)
        await self.settle()

    async def settle(self) -> None:
        """Let the app finish what it does after answering, then show what appeared."""
        await drain()
        self.out.show_new()
