"""Company scale, measured in a process of its own (``python -m bench.scale``), against
a database ``bench.company`` filled and the Slack stand-in in another process.

Thursday 18:00 in New York (15:00 in Los Angeles: every rep's nudge is due): count the
statements one tick's planning issues for the company (50 teams) and for a workspace of
one team of ten; plan every team's nudges in one tick; then deliver them and take the
CPU time per direct message. Friday 09:30: every team's summary with its chart and the
managers' digests, planned and posted. Last, this process's peak RSS. Prints one JSON
object.
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

from bench.company import SMALL_WORKSPACE, WORKSPACE, company, settings
from bot.runtime import Runtime
from bot.runtime.slack_client import keep_connections, web_client
from bot.scheduled.jobs import run_due
from bot.scheduled.sender import Sender
from storage.engine import statements
from storage.ledger import DIGEST, DIGEST_CHART, NUDGE, SUMMARY, SUMMARY_CHART

NEW_YORK = ZoneInfo("America/New_York")
THURSDAY_EVENING = datetime(2026, 11, 26, 18, 0, tzinfo=NEW_YORK)
FRIDAY_MORNING = datetime(2026, 11, 27, 9, 30, tzinfo=NEW_YORK)
UNPACED = "60000"
"""The stand-in here has no posting limit, and the pacer's rate is set far above what
it needs: this measures Huddle's work per message; ``bench.fanout`` measures the pace."""
PLAN_PASSES = 3
"""Planning changes nothing, so it is timed three times and the best kept: on a shared
machine another process's burst only ever makes a pass slower."""


class SetClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def prepared(runtime: Runtime) -> None:
    """The per-process caches filled, as after start-up (the teams)."""
    for workspace in (WORKSPACE, SMALL_WORKSPACE):
        await runtime.teams(workspace)


async def measure(database_url: str, api_url: str) -> dict[str, Any]:
    clock = SetClock(THURSDAY_EVENING)
    result: dict[str, Any] = {"rss_imported_mb": _peak_rss_mb()}
    runtime = Runtime.create(
        settings(database_url, api_url, HUDDLE_POSTS_PER_MINUTE=UNPACED), clock
    )
    client = web_client(runtime)
    keep_connections(client, runtime)
    result |= {"teams": len(company().teams), "reps": len(company().reps)}
    try:
        await prepared(runtime)
        for name, workspace in (("company", WORKSPACE), ("small", SMALL_WORKSPACE)):
            with statements(runtime.engine) as sent:
                await run_due(runtime, client, workspace, dry_run=True)
            result[f"tick_statements_{name}"] = len(sent)

        passes, cpu_passes = [], []
        for _ in range(PLAN_PASSES):
            started, cpu = time.perf_counter(), time.process_time()
            due, _ = await run_due(runtime, client, WORKSPACE, dry_run=True)
            passes.append(time.perf_counter() - started)
            cpu_passes.append(time.process_time() - cpu)
        result["plan_seconds"] = min(passes)
        result["plan_cpu_seconds"] = min(cpu_passes)
        result["plan_passes"] = passes
        result["nudges_planned"] = sum(1 for s in due.sends if s.key.kind == NUDGE)
        result["rss_after_plan_mb"] = _peak_rss_mb()

        cpu = time.process_time()
        started = time.perf_counter()
        report = await Sender(runtime, client).deliver(WORKSPACE, due)
        result["deliver_seconds"] = time.perf_counter() - started
        result["dms_sent"] = sum(1 for key in report.sent if key.kind == NUDGE)
        result["cpu_ms_per_dm"] = 1000 * (time.process_time() - cpu) / max(result["dms_sent"], 1)

        clock.now = FRIDAY_MORNING
        started, cpu = time.perf_counter(), time.process_time()
        _, report = await run_due(runtime, client, WORKSPACE)
        result["summary_seconds"] = time.perf_counter() - started
        result["summary_cpu_seconds"] = time.process_time() - cpu
        kinds = (SUMMARY, SUMMARY_CHART, DIGEST, DIGEST_CHART)
        for kind in kinds:
            result[f"{kind}_sent"] = sum(1 for key in report.sent if key.kind == kind)
        result["summary_failed"] = [f"{key}: {why}" for key, why in report.failed]
    finally:
        await runtime.close()
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--api-url", required=True)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.database_url, args.api_url))))


if __name__ == "__main__":
    main()
