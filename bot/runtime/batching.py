"""Doing one job for many requests: group commit, and pacing what Slack rate-limits.

Every trip to the database costs this process a fixed slice of CPU (SQLAlchemy, the
driver, for SQLite a hop to the driver's thread) whatever the trip carries. Under a
burst of check-ins a trip per request saturates the process at a few dozen requests a
second; one trip for everything that arrived while the previous trip ran keeps the
trips per second flat while the requests per second grow.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

PACED = "huddle-paced"
"""Name prefix of the tasks that run paced jobs (tests wait for them to settle)."""
BATCH_LIMIT = 500
"""Most items one call of the work function takes (bound parameters stay far below
both databases' limits)."""


class Batcher(Generic[T, R]):
    """Calls ``work`` with everything submitted while its previous call was running.

    An item submitted to an idle batcher goes at once, alone: there is no waiting
    window, so a quiet team sees no added latency. ``work`` returns one result per
    item, in order; if it raises, every item of that call gets the exception.
    """

    def __init__(self, work: Callable[[Sequence[T]], Awaitable[Sequence[R]]]) -> None:
        self._work = work
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._drain: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._drain is None:
            self._drain = asyncio.create_task(self._run())
        return await future

    async def _run(self) -> None:
        batch: list[tuple[T, asyncio.Future[R]]] = []
        try:
            while self._queue:
                batch = self._queue[:BATCH_LIMIT]
                del self._queue[:BATCH_LIMIT]
                try:
                    results = await self._work([item for item, _ in batch])
                except Exception as error:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
        finally:
            self._drain = None
            for _, future in batch + self._queue:  # only when cancelled mid-batch
                future.cancel()


@dataclass
class Pacer:
    """Runs a job per key at most once every ``interval`` seconds of real time.

    ``due`` starts the key's job in a task of its own and returns at once; a call
    while the job runs or waits only marks it due again, and one more run covers it.
    The first call after a quiet spell runs at once. Pacing is by the event loop's
    clock, not the injected one: it is about Slack's rate limits.
    """

    interval: float
    _tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    _due: set[str] = field(default_factory=set)
    _last: dict[str, float] = field(default_factory=dict)

    def due(self, key: str, job: Callable[[], Awaitable[None]]) -> None:
        self._due.add(key)
        if key not in self._tasks:
            self._tasks[key] = asyncio.create_task(self._run(key, job), name=f"{PACED}:{key}")

    async def _run(self, key: str, job: Callable[[], Awaitable[None]]) -> None:
        loop = asyncio.get_running_loop()
        try:
            while key in self._due:
                next_run = self._last.get(key, -self.interval) + self.interval
                await asyncio.sleep(max(0.0, next_run - loop.time()))
                self._due.discard(key)
                self._last[key] = loop.time()
                try:
                    await job()
                except Exception:
                    log.exception("paced job for %s failed", key)
        finally:
            del self._tasks[key]

    async def close(self) -> None:
        """Stop every waiting or running job (at shutdown)."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
