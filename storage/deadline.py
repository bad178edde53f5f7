"""Database work with a deadline that knows whether it reached COMMIT.

A rep must hear back within Slack's 3 seconds, so a check-in cannot wait for a
database that does not answer (a network partition fails nothing, it only waits).
But "not saved" is only honest *before* COMMIT is sent: once it is, the row may be
stored whatever becomes of the answer. So :func:`within` runs the work in a task and
stops waiting at the deadline:

* nothing reached the commit point: the work is abandoned — cancelled, and should it
  still get that far, refused at the commit point — so it can never commit; the
  caller hears :class:`NotSaved`. The same for a database error before the commit.
* the commit was under way: the caller hears :class:`SaveUnknown`; the work is left
  to finish and its outcome is logged.

What counts as the database failing is :data:`storage.errors.DB_ERRORS`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from storage.errors import DB_ERRORS

log = logging.getLogger(__name__)

T = TypeVar("T")


class NotSaved(Exception):
    """Nothing was stored: the database failed, or did not answer, before the commit."""


class SaveUnknown(Exception):
    """The commit was sent but not confirmed: the data may or may not be stored."""


@dataclass
class CommitPoint:
    """Passed to the work; it calls :meth:`reach` just before committing."""

    reached: bool = False
    abandoned: bool = False

    def reach(self) -> None:
        if self.abandoned:
            raise NotSaved("abandoned at the deadline; not committing")
        self.reached = True


@dataclass
class Deadline:
    """An instant on the event loop's clock, shared by the steps of one request."""

    seconds: float
    at: float = field(init=False)

    def __post_init__(self) -> None:
        self.at = asyncio.get_running_loop().time() + self.seconds

    def left(self) -> float:
        return max(0.0, self.at - asyncio.get_running_loop().time())


async def within(deadline: Deadline, work: Callable[[CommitPoint], Awaitable[T]]) -> T:
    """The result of ``work``, or NotSaved / SaveUnknown as explained above."""
    point = CommitPoint()
    task = asyncio.ensure_future(work(point))
    done, _ = await asyncio.wait({task}, timeout=deadline.left())
    if not done:
        task.add_done_callback(_log_late)
        if point.reached:
            raise SaveUnknown("the commit was not confirmed in time")
        point.abandoned = True
        task.cancel()
        raise NotSaved("the database did not answer in time")
    try:
        return task.result()
    except DB_ERRORS as error:
        if point.reached:
            raise SaveUnknown(f"the commit failed: {type(error).__name__}") from error
        raise NotSaved(f"the database failed: {type(error).__name__}") from error


def _log_late(task: asyncio.Future[Any]) -> None:
    """What became of work the caller stopped waiting for."""
    if task.cancelled():
        return
    error = task.exception()
    if error is None:
        log.warning("work given up at its deadline completed afterwards")
    elif not isinstance(error, NotSaved):
        log.warning("work given up at its deadline failed afterwards: %r", error)
