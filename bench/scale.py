"""Company scale, measured in a process of its own (``python -m bench.scale``), against
a database ``bench.company`` filled and the Slack stand-in in another process.

Thursday 18:00 in New York (15:00 in Los Angeles: every rep's nudge is due):
count the statements the planner's load issues, plan every team's nudges, then
deliver them and take the CPU time per direct message. Friday 09:30: the 500-rep
team's summary and digests, planned and posted. Last, this process's peak RSS.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bench.company import THIS_WEEK, teams
from bench.standin import CHANNEL
from bot.domain.settings import load_settings
from bot.runtime import Runtime
from bot.runtime.slack_client import keep_connections, web_client
from bot.scheduled.jobs import run_due
from bot.scheduled.sender import Sender
from bot.team.state import load_state
from storage.engine import statements
from storage.ledger import DIGEST, NUDGE, SUMMARY

NEW_YORK = ZoneInfo("America/New_York")
THURSDAY_EVENING = datetime(2026, 11, 26, 18, 0, tzinfo=NEW_YORK)
FRIDAY_MORNING = datetime(2026, 11, 27, 9, 30, tzinfo=NEW_YORK)
PLAN_PASSES = 3
"""Planning changes nothing, so it is timed three times and the best kept: on a shared
machine another process's burst only ever makes a pass slower."""


class SetClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def settings(database_url: str, api_url: str, **extra: str) -> Any:
    return load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-bench-company",
            "SLACK_SIGNING_SECRET": "bench-company-secret",
            "SLACK_API_URL": api_url,
            "DATABASE_URL": database_url,
            "HUDDLE_CHANNEL": CHANNEL,
            "HUDDLE_TIMEZONE": "America/New_York",
            "HUDDLE_GOALS": "meeting=6,call=20",
            **extra,
        }
    )


async def measure(database_url: str, api_url: str) -> dict[str, Any]:
    clock = SetClock(THURSDAY_EVENING)
    runtime = Runtime.create(settings(database_url, api_url), clock)
    client = web_client(runtime)
    keep_connections(client, runtime)
    company = teams()
    result: dict[str, Any] = {}
    try:
        for team in company:  # the per-process caches, as after start-up
            await runtime.activities(team.team_id)
        big, small = company[0], company[-1]
        for team in (big, small):
            with statements(runtime.engine) as sent:
                await load_state(runtime, team.team_id, THIS_WEEK, THIS_WEEK)
            result[f"load_statements_{len(team.reps)}_reps"] = len(sent)

        passes = []
        for _ in range(PLAN_PASSES):
            started = time.perf_counter()
            plans = [await run_due(runtime, client, t.team_id, dry_run=True) for t in company]
            passes.append(time.perf_counter() - started)
        result["plan_seconds"] = min(passes)
        result["plan_passes"] = passes
        nudges = sum(1 for due, _ in plans for s in due.sends if s.key.kind == NUDGE)
        result["nudges_planned"] = nudges
        result["reps"] = sum(len(t.reps) for t in company)

        cpu = time.process_time()
        started = time.perf_counter()
        due_by_team = {team.team_id: due for team, (due, _) in zip(company, plans, strict=True)}
        reports = await Sender(runtime, client).deliver_all(due_by_team)
        sent = sum(1 for r in reports.values() for key in r.sent if key.kind == NUDGE)
        result["deliver_seconds"] = time.perf_counter() - started
        result["dms_sent"] = sent
        result["cpu_ms_per_dm"] = 1000 * (time.process_time() - cpu) / max(sent, 1)

        clock.now = FRIDAY_MORNING
        started = time.perf_counter()
        _, report = await run_due(runtime, client, big.team_id)
        result["summary_seconds"] = time.perf_counter() - started
        result["summary_messages"] = sum(1 for key in report.sent if key.kind == SUMMARY)
        result["digest_messages"] = sum(1 for key in report.sent if key.kind == DIGEST)
        result["summary_failed"] = [str(key) for key, _ in report.failed]
    finally:
        await runtime.close()
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--api-url", required=True)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.database_url, args.api_url))))


if __name__ == "__main__":
    main()
