"""The in-process tick. APScheduler only says "a minute has passed"; what is due and
what was sent lives in the database, so restarts and extra instances change nothing."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.scheduled.jobs import Ticker

log = logging.getLogger(__name__)
TICK_SECONDS = 60


def start(ticker: Ticker) -> AsyncIOScheduler:
    async def tick() -> None:
        try:
            report = await ticker.tick()
        except Exception:  # a failed tick must not stop the next one
            log.exception("scheduled tick failed; the next tick tries again")
            return
        if report.sent or report.failed or report.unknown:
            log.info(
                "tick: %d sent, %d failed, %d unknown",
                len(report.sent),
                len(report.failed),
                len(report.unknown),
            )

    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        tick,
        "interval",
        seconds=TICK_SECONDS,
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=TICK_SECONDS,
    )
    scheduler.start()
    return scheduler
