"""The Thursday fan-out at Slack's pace: every nudge due at 15:00 for 5,000 reps in
one workspace of 50 teams, through a workspace-wide posting limit, by one or two
Huddle instances.

The company of ``bench.company`` is seeded; the stand-in (``bench.standin``) holds the
workspace's limit on ``chat.postMessage`` (a token bucket answering 429 with
``Retry-After``); each instance (``bench.deliver``) is a process of its own, started
together. What a rep feels is when the last nudge arrives: the time from the tick to
the last post Slack accepted, against the floor (nudges ÷ rate). The rate is sped up
from Slack's few hundred a minute so that a run takes seconds; the burst is scaled
with it (one second's worth) and the ratio to the floor is what is reported.
"""

from __future__ import annotations

import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from bench.company import company, zone_of
from bench.databases import database
from bench.processes import finish, run_json, service
from bot.standin import RateLimit

POSTS_PER_MINUTE = 6_000
BURST = POSTS_PER_MINUTE // 60
"""One second's worth, the shape of Slack's 'short bursts allowed' at the sped-up rate."""
WINDOW_ORDER = ("Europe/London", "America/New_York", "America/Chicago", "America/Los_Angeles")
"""The order in which these zones reach Thursday 15:00: the fair order of their nudges."""


@dataclass(frozen=True)
class Run:
    kind: str
    instances: int


RUNS = (Run("sqlite", 1), Run("postgresql", 1), Run("postgresql", 2))


def fan_out(run: Run) -> dict[str, Any]:
    """Seed, start the stand-in and the instances, say go, and read what Slack saw."""
    with database(run.kind) as url:
        run_json("bench.company", "--database-url", url)
        limit = ("--posts-per-minute", str(POSTS_PER_MINUTE), "--burst", str(BURST))
        with service("bench.standin", "--company", *limit) as (
            standin,
            api_url,
        ):
            with ExitStack() as stack:
                started = [
                    stack.enter_context(
                        service(
                            "bench.deliver",
                            "--database-url",
                            url,
                            "--api-url",
                            api_url,
                            "--posts-per-minute",
                            str(POSTS_PER_MINUTE),
                        )
                    )[0]
                    for _ in range(run.instances)
                ]
                go = time.time()
                for process in started:
                    assert process.stdin is not None
                    process.stdin.write("go\n")
                    process.stdin.flush()
                instances = [finish(process, timeout=600) for process in started]
            slack = finish(standin)
    return measure(go, instances, slack)


def measure(go: float, instances: list[dict[str, Any]], slack: dict[str, Any]) -> dict[str, Any]:
    posts = sorted(slack["posts"])
    nudges = [(at, to) for at, to in posts if to[1:].isdigit()]  # reps' IDs are U + digits
    # The instance that planned first saw every nudge due; one planning later finds
    # some already sent by the other and leaves them out.
    planned = max(i["nudges_planned"] for i in instances)
    per_second = POSTS_PER_MINUTE / 60
    floor = planned / per_second
    received = Counter(to for _, to in nudges)
    last = nudges[-1][0] - go if nudges else float("nan")
    ranks = [WINDOW_ORDER.index(zone_of(to)) for _, to in nudges]
    latest = list(accumulate(ranks, max))  # the latest window reached so far
    out_of_order = sum(1 for n, rank in enumerate(ranks) if n and rank < latest[n - 1])
    first_by_team: dict[int, float] = {}
    teams_of: dict[str, list[int]] = {}
    for team in company().teams:
        for rep in team.reps:
            teams_of.setdefault(rep, []).append(team.number)
    for at, to in nudges:  # a rep on two teams gets one nudge, naming both
        for number in teams_of[to]:
            first_by_team.setdefault(number, at - go)
    return {
        "instances": len(instances),
        "planned": planned,
        "received": len(received),
        "duplicates": sum(n - 1 for n in received.values()),
        "lost": planned - len(received),
        "last_seconds": last,
        "floor_seconds": floor,
        "ratio": last / floor,
        "plan_seconds": max(i["planned"] - i["started"] for i in instances),
        "sending_ratio": (nudges[-1][0] - min(i["planned"] for i in instances)) / floor
        if nudges
        else float("nan"),
        "sent_by": [i["sent"] for i in instances],
        "ratelimited": slack["ratelimited"],
        "most_over_limit": RateLimit(POSTS_PER_MINUTE, BURST).most_over([at for at, _ in posts]),
        "out_of_order": out_of_order,
        "every_team_by": max(first_by_team.values()) if first_by_team else float("nan"),
        "teams_reached": len(first_by_team),
        "failed": [f for i in instances for f in i["failed"]],
        "unknown": [u for i in instances for u in i["unknown"]],
        "cpu_ms_per_nudge": 1000 * sum(i["cpu_seconds"] for i in instances) / max(planned, 1),
        "standin_cpu_ms_per_post": 1000 * slack["cpu_seconds"] / max(len(posts), 1),
    }
