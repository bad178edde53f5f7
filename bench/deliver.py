"""One Huddle instance delivering Thursday's nudges (``python -m bench.deliver``).

The company ``bench.company`` wrote is in the database; the stand-in (with the
workspace's posting limit) in another process. Prints ``READY instance`` once set up
(the per-process caches filled, as after start-up), waits for a line on its standard
input (so several instances start together), then does what the tick at Thursday
18:00 New York does for every team: plan, and deliver every team's plan as one fair
queue. Prints one JSON object: when it started and finished, what it planned and sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from bench.company import teams
from bench.scale import THURSDAY_EVENING, SetClock, settings
from bot.runtime import Runtime
from bot.runtime.slack_client import keep_connections, web_client
from bot.scheduled.jobs import run_due
from bot.scheduled.sender import Sender
from storage.ledger import NUDGE


async def deliver(database_url: str, api_url: str, posts_per_minute: str) -> dict[str, Any]:
    runtime = Runtime.create(
        settings(database_url, api_url, HUDDLE_POSTS_PER_MINUTE=posts_per_minute),
        SetClock(THURSDAY_EVENING),
    )
    client = web_client(runtime)
    keep_connections(client, runtime)
    company = teams()
    try:
        for team in company:
            await runtime.activities(team.team_id)
        print("READY instance", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        started, cpu = time.time(), time.process_time()
        plans = {
            t.team_id: (await run_due(runtime, client, t.team_id, dry_run=True))[0] for t in company
        }
        planned = time.time()
        reports = await Sender(runtime, client).deliver_all(plans)
        finished = time.time()
    finally:
        await runtime.close()
    nudges = [s for plan in plans.values() for s in plan.sends if s.key.kind == NUDGE]
    return {
        "started": started,
        "planned": planned,
        "finished": finished,
        "cpu_seconds": time.process_time() - cpu,
        "nudges_planned": len(nudges),
        "sent": sum(1 for r in reports.values() for key in r.sent if key.kind == NUDGE),
        "lost_race": sum(len(r.lost_race) for r in reports.values()),
        "failed": [f"{key}: {why}" for r in reports.values() for key, why in r.failed],
        "unknown": [str(key) for r in reports.values() for key in r.unknown],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--posts-per-minute", required=True)
    args = parser.parse_args()
    result = asyncio.run(deliver(args.database_url, args.api_url, args.posts_per_minute))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
