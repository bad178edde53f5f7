"""The Slack Web API stand-in in a process of its own (``python -m bench.standin``).

Real Slack runs on someone else's machines; serving it from Huddle's own event loop
would bill Huddle for Slack's work. Prints ``READY <api_url>``, serves until its
standard input closes, then prints one JSON line: calls received, rejections, and the
time and recipient of every post Slack accepted with how many it refused with 429
(``--posts-per-minute``: the workspace's posting limit, shared by every client).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter

from bot.standin import RateLimit, SlackWebAPIStandIn

CHANNEL = "CBENCH001"
TIMEZONES = ("America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London")


def user_id(n: int) -> str:
    return f"U{n:05d}"


def manager_id(n: int) -> str:
    return f"UM{n:04d}"


async def serve(users: int, managers: int, limit: RateLimit | None) -> dict[str, object]:
    async with SlackWebAPIStandIn(post_limit=limit) as slack:
        members = [user_id(n) for n in range(users)]
        for n, member in enumerate(members):
            slack.add_user(member, f"Rep {n}", tz=TIMEZONES[n % len(TIMEZONES)])
        for n in range(managers):
            slack.add_user(manager_id(n), f"Manager {n}")
        slack.add_channel(CHANNEL, members=members, name="sales-huddle")
        print(f"READY {slack.api_url}", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        return {
            "calls": dict(Counter(c.method for c in slack.calls)),
            "rejections": [f"{r.method}: {r.error} {r.errors}" for r in slack.rejections],
            "posts": [[c.at, c.args["channel"]] for c in slack.calls_to("chat.postMessage")],
            "ratelimited": sum(1 for c in slack.calls if c.outcome == "ratelimited"),
            "cpu_seconds": time.process_time(),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--managers", type=int, default=0)
    parser.add_argument("--posts-per-minute", type=float, help="the workspace's posting limit")
    parser.add_argument(
        "--burst", type=int, default=10, help="posts the limit lets through at once"
    )
    args = parser.parse_args()
    limit = RateLimit(args.posts_per_minute, args.burst) if args.posts_per_minute else None
    print(json.dumps(asyncio.run(serve(args.users, args.managers, limit))), flush=True)


if __name__ == "__main__":
    main()
