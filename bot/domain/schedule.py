"""When a scheduled job runs: weekdays and a wall-clock time, read from ``DAYS HH:MM``.

Its own module because both the environment (``bot.domain.settings``) and a team's
settings changed in Slack (``bot.domain.team_settings``) read schedules the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

__all__ = ["DAY_NAMES", "SCHEDULE_FORM", "Schedule"]

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

SCHEDULE_FORM = (
    "DAYS HH:MM, where DAYS is a weekday (mon…sun), a range (mon-thu), a list (mon,wed,fri), "
    "'daily' or 'weekdays', e.g. 'mon-thu 09:00'"
)
_TIME_RE = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


def _day_index(token: str) -> int | None:
    """``mon``, ``Monday``, ``thurs``: a weekday (0 = Monday) from 3+ letters of its name."""
    word = token.strip().lower()
    if len(word) < 3:
        return None
    return next((i for i, full in enumerate(_FULL_DAY_NAMES) if full.startswith(word)), None)


@dataclass(frozen=True)
class Schedule:
    """When a scheduled job runs: on these weekdays (0 = Monday) at this wall-clock time."""

    weekdays: frozenset[int]
    at: time

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise ValueError("a schedule needs one or more weekdays from 0 (Monday) to 6")
        if self.at.tzinfo is not None:
            raise ValueError("a schedule's time is wall-clock time: it must be naive")

    @classmethod
    def parse(cls, text: str, form: str = SCHEDULE_FORM) -> Schedule:
        """Parse ``DAYS HH:MM``; raise ``ValueError`` naming the problem and the form.

        DAYS is a weekday (``mon``…``sun``; full names and 3+ letter abbreviations are
        accepted, in any case), a range ``mon-thu`` (which may wrap: ``fri-mon``), a comma
        list of those (``mon,wed-fri``), ``daily`` or ``weekdays`` (Mon-Fri). HH:MM is a
        24-hour time (``9:00`` or ``09:00``). ``form`` is the expected form that problems
        name, with an example the variable being read accepts.
        """
        parts = text.strip().rsplit(None, 1)
        if len(parts) != 2:
            raise ValueError(f"expected {form}")
        days_text, time_text = parts
        match = _TIME_RE.fullmatch(time_text)
        if match is None:
            raise ValueError(f"'{time_text}' is not a 24-hour time HH:MM; expected {form}")
        at = time(int(match.group(1)), int(match.group(2)))
        return cls(_parse_days(days_text, form), at)

    @property
    def weekday(self) -> int | None:
        """The weekday of a once-a-week schedule, ``None`` when it runs on several days."""
        return next(iter(self.weekdays)) if len(self.weekdays) == 1 else None

    def __str__(self) -> str:
        return f"{_format_days(self.weekdays)} {self.at:%H:%M}"


def _parse_days(text: str, form: str) -> frozenset[int]:
    compact = re.sub(r"\s+", "", text).lower().replace("–", "-")
    if compact == "daily":
        return frozenset(range(7))
    if compact == "weekdays":
        return frozenset(range(5))
    days: set[int] = set()
    for item in compact.split(","):
        if not item:
            raise ValueError(f"empty day in '{text}'; expected {form}")
        ends = item.split("-")
        indexes = [_day_index(end) for end in ends]
        if len(ends) > 2 or None in indexes:
            raise ValueError(f"'{item}' is not a weekday or range; expected {form}")
        first, last = indexes[0], indexes[-1]
        assert first is not None and last is not None
        days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
    return frozenset(days)


def _format_days(weekdays: frozenset[int]) -> str:
    """Canonical text: ``daily``, else runs of 3+ days as ranges, the rest as a list."""
    if len(weekdays) == 7:
        return "daily"
    ordered = sorted(weekdays)
    runs: list[list[int]] = []
    for day in ordered:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    items: list[str] = []
    for run in runs:
        if len(run) >= 3:
            items.append(f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}")
        else:
            items.extend(DAY_NAMES[day] for day in run)
    return ",".join(items)
