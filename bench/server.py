"""A server under test, in a process of its own (``python -m bench.server``).

``huddle``: the real app (``bot.serving.server.prepare`` + ``serving_http``), with the roster
loaded from the stand-in and today's huddle board posted, so every check-in also
updates the board as it would on a weekday.
``bare``: a Bolt ``AsyncApp`` with the same client, signing secret, aiohttp adapter
and ``/logmeeting`` command, whose listener only acks: the ceiling for this stack.

Prints ``READY <url>``, serves until standard input closes. ``--profile FILE`` writes
a cProfile of the event loop's thread (the check-in path; aiosqlite's thread is not in it).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bench.standin import CHANNEL
from bot.domain.settings import load_settings
from bot.domain.weeks import Clock, system_clock
from bot.scheduled.jobs import Ticker
from bot.serving.server import prepare, serving_http

SIGNING_SECRET = "bench-signing-secret-5c1e"
BOT_TOKEN = "xoxb-bench-0000-huddle"
TEAM_TZ = "America/New_York"
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo(TEAM_TZ))
"""The benchmark's "now": the daily board is up, no nudge or summary is due."""


def tuesday_clock() -> Clock:
    """Real time passing, from Tuesday 10:00, so every run sees the same weekday."""
    offset = TUESDAY_MORNING - system_clock()
    return lambda: system_clock() + offset


def environment(api_url: str, database_url: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "HUDDLE_CHANNEL": CHANNEL,
        "HUDDLE_TIMEZONE": TEAM_TZ,
        "HUDDLE_GOALS": "meeting=6,call=20",
    }


@asynccontextmanager
async def huddle(api_url: str, database_url: str) -> AsyncIterator[str]:
    settings = load_settings(environment(api_url, database_url))
    app = await prepare(settings, tuesday_clock())
    try:
        runtime = app.runtime
        await Ticker(runtime, app.app.client, app.team_id, runtime.today()).tick()
        async with serving_http(app, "127.0.0.1", 0) as url:
            yield url
    finally:
        await app.close()


@asynccontextmanager
async def bare(api_url: str) -> AsyncIterator[str]:
    app = AsyncApp(
        client=AsyncWebClient(token=BOT_TOKEN, base_url=api_url),
        signing_secret=SIGNING_SECRET,
    )

    @app.command("/logmeeting")
    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def serve(kind: str, api_url: str, database_url: str) -> None:
    server = huddle(api_url, database_url) if kind == "huddle" else bare(api_url)
    async with server as url:
        print(f"READY {url}", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=["huddle", "bare"])
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", help="write a cProfile of the event loop's thread here")
    args = parser.parse_args()
    if not args.profile:
        asyncio.run(serve(args.kind, args.api_url, args.database_url))
        return
    with cProfile.Profile() as profile:
        asyncio.run(serve(args.kind, args.api_url, args.database_url))
    profile.dump_stats(args.profile)


if __name__ == "__main__":
    main()
