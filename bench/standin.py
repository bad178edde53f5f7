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

from bench.company import company, user_id, zone_of
from bot.standin import RateLimit, SlackWebAPIStandIn

CHANNEL = "CBENCH001"
"""The check-in benchmark's one team channel."""


def _populate(slack: SlackWebAPIStandIn, users: int, whole_company: bool) -> None:
    """``users`` reps in ``CHANNEL``; or the company of ``bench.company``: its reps, its
    managers, and every team's channel with its members."""
    if not whole_company:
        members = [user_id(n) for n in range(users)]
        for member in members:
            slack.add_user(member, f"Rep {member[1:]}", tz=zone_of(member))
        slack.add_channel(CHANNEL, members=members, name="sales-huddle")
        return
    firm = company()
    for rep in firm.reps:
        slack.add_user(rep, f"Rep {rep[1:]}", tz=zone_of(rep))
    for team in firm.teams:
        slack.add_user(team.manager, f"Manager {team.number}")
        members = [*team.reps, team.manager]
        slack.add_channel(team.channel, members=members, name=f"sales-{team.number}")


async def serve(users: int, whole_company: bool, limit: RateLimit | None) -> dict[str, object]:
    async with SlackWebAPIStandIn(post_limit=limit) as slack:
        _populate(slack, users, whole_company)
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
    parser.add_argument("--company", action="store_true", help="bench.company's workspace")
    parser.add_argument("--posts-per-minute", type=float, help="the workspace's posting limit")
    parser.add_argument(
        "--burst", type=int, default=10, help="posts the limit lets through at once"
    )
    args = parser.parse_args()
    limit = RateLimit(args.posts_per_minute, args.burst) if args.posts_per_minute else None
    print(json.dumps(asyncio.run(serve(args.users, args.company, limit))), flush=True)


if __name__ == "__main__":
    main()
