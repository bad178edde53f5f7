"""One Huddle instance delivering Thursday's nudges (``python -m bench.deliver``).

The company ``bench.company`` wrote is in the database; the stand-in (with the
workspace's posting limit) in another process. Prints ``READY instance`` once set up
(the per-process caches filled, as after start-up), waits for a line on its standard
input (so several instances start together), then does what the tick at Thursday
18:00 New York does for the company's workspace: plan every team in one load, and
deliver the plan (one nudge per rep, earliest window first, the teams taking turns).
Prints one JSON object: when it started and finished, what it planned and sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from bench.company import WORKSPACE, settings
from bench.scale import THURSDAY_EVENING, SetClock, prepared
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
    try:
        await prepared(runtime)
        print("READY instance", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        started, cpu = time.time(), time.process_time()
        due, _ = await run_due(runtime, client, WORKSPACE, dry_run=True)
        planned = time.time()
        report = await Sender(runtime, client).deliver(WORKSPACE, due)
        finished = time.time()
    finally:
        await runtime.close()
    nudges = [s for s in due.sends if s.key.kind == NUDGE]
    return {
        "started": started,
        "planned": planned,
        "finished": finished,
        "cpu_seconds": time.process_time() - cpu,
        "nudges_planned": len(nudges),
        "sent": sum(1 for key in report.sent if key.kind == NUDGE),
        "lost_race": len(report.lost_race),
        "failed": [f"{key}: {why}" for key, why in report.failed],
        "unknown": [str(key) for key in report.unknown],
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
