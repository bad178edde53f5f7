"""What the charts show, before any drawing: one rep's shares, which rows fit, and
how a share reads as a number. Shared by the pictures and their alt texts, so both
always show the same reps and the same numbers."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from math import floor, isfinite
from typing import Generic, TypeVar

T = TypeVar("T")

Share = float | None
"""A share of goal (1.0 = at goal), or None: no goal that week (or away all of it)."""

MAX_ROWS = 50
"""Most reps one chart shows; beyond it the first and last halves, and a count."""
SHARE_CAP = 2.0
"""Bars stop at 200% of goal, so one huge week does not squash everyone else's; the
label still says the real number."""


@dataclass(frozen=True)
class RepShare:
    """One rep's week for the summary chart."""

    name: str
    shares: Mapping[str, Share]
    """Share of goal per activity label; None or absent: no goal for it."""
    away: bool = False
    """Away part of the week (their goals were prorated)."""

    def known(self, activities: Sequence[str]) -> list[Share]:
        """The rep's share per activity in ``activities``' order, None for no goal."""
        return [known(self.shares.get(label)) for label in activities]


@dataclass(frozen=True)
class Shown(Generic[T]):
    """Which rows a chart draws: all of them, or the first and last halves of
    :data:`MAX_ROWS` with ``hidden`` rows left out in between."""

    head: tuple[T, ...]
    hidden: int
    tail: tuple[T, ...]

    @property
    def items(self) -> tuple[T, ...]:
        return self.head + self.tail

    @property
    def gap_label(self) -> str | None:
        """What stands where rows were left out, e.g. "… 12 more reps"."""
        if not self.hidden:
            return None
        return f"… {self.hidden} more {'rep' if self.hidden == 1 else 'reps'}"

    def rows(self) -> Iterator[T | str]:
        """Rows top to bottom: the items, with :attr:`gap_label` between the halves."""
        yield from self.head
        if self.gap_label:
            yield self.gap_label
        yield from self.tail

    def described(self, describe: Callable[[T], str]) -> list[str]:
        """Each row in words, the gap included."""
        return [row if isinstance(row, str) else describe(row) for row in self.rows()]


def shown(items: Sequence[T], limit: int = MAX_ROWS) -> Shown[T]:
    """All of ``items`` when they fit, else the first and last ``limit // 2``: in a
    ranked list those are the leaders and the ones who most need help."""
    if len(items) <= limit:
        return Shown(tuple(items), 0, ())
    half = limit // 2
    return Shown(tuple(items[:half]), len(items) - 2 * half, tuple(items[len(items) - half :]))


def known(share: Share) -> Share:
    """``share`` when it is a real number of at least 0, else None (no goal)."""
    return share if share is not None and isfinite(share) and share >= 0 else None


def series(shares: Sequence[Share], weeks: int) -> list[Share]:
    """Exactly ``weeks`` shares: cut, or padded with None (no goal) at the end."""
    return [known(s) for s in [*shares[:weeks], *[None] * (weeks - len(shares))]]


def percent(share: float) -> str:
    """Reads 0.83 as "83%"; rounded down, so a week just short of goal never reads 100%."""
    return f"{floor(share * 100 + 1e-9)}%"


def weeks_count(n: int) -> str:
    return f"{n} week" if n == 1 else f"{n} weeks"


def misses(shares: Sequence[Share]) -> tuple[int, int]:
    """(weeks short of goal, weeks with a goal)."""
    goaled = [s for s in shares if s is not None]
    return sum(1 for s in goaled if s < 1), len(goaled)
