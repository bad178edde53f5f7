"""The in-process tick. APScheduler only says "a minute has passed"; what is due and
what was sent lives in the database, so restarts and extra instances change nothing."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.scheduled.fleet import Fleet
from bot.scheduled.jobs import Ticker

log = logging.getLogger(__name__)
TICK_SECONDS = 60


class Schedule:
    """The running tick, and the means to stop it without cutting a post in half."""

    def __init__(self, scheduler: AsyncIOScheduler, ticker: Ticker | Fleet) -> None:
        self.scheduler = scheduler
        self.ticker = ticker
        self.running: set[asyncio.Task[object]] = set()

    async def stop(self, timeout: float) -> None:  # noqa: ASYNC109 - a share of the stop's budget
        """No further tick; the one running stops claiming (``ticker.stopping``), gives
        back what it claimed but had not sent and finishes its posts, within ``timeout``."""
        self.scheduler.pause()  # shutting down now would cancel the tick under way
        self.ticker.stopping.set()
        if self.running:
            _, late = await asyncio.wait(set(self.running), timeout=timeout)
            if late:
                log.warning("the scheduled tick did not finish in time; it is cut off")
        self.scheduler.shutdown(wait=False)


def start(ticker: Ticker | Fleet) -> Schedule:
    schedule: Schedule

    async def tick() -> None:
        task = asyncio.current_task()
        assert task is not None
        schedule.running.add(task)
        try:
            report = await ticker.tick()
        except Exception:  # a failed tick must not stop the next one
            log.exception("scheduled tick failed; the next tick tries again")
            return
        finally:
            schedule.running.discard(task)
        if report.sent or report.failed or report.unknown or report.released:
            log.info(
                "tick: %d sent, %d failed, %d unknown, %d given back",
                len(report.sent),
                len(report.failed),
                len(report.unknown),
                len(report.released),
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
    schedule = Schedule(scheduler, ticker)
    return schedule
