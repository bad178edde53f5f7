"""Calendar arithmetic for Huddle's Monday-to-Sunday weeks.

Everything here is about dates, not instants: a rep's "today" is the date on their
wall clock, and a week is seven such dates starting on a Monday.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]
"""Returns the current instant (timezone-aware). Injected everywhere logic needs "now"."""

WORKDAYS = 5
ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def system_clock() -> datetime:
    return datetime.now(UTC)


def local_date(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_days(start: date) -> list[date]:
    return [start + timedelta(days=i) for i in range(7)]


def iso_week(day: date) -> str:
    """``2026-W48``: the label used in the send ledger, the CLI and exports."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_iso_week(text: str) -> date:
    """The Monday of ``YYYY-Www``; ValueError with a readable message otherwise."""
    match = ISO_WEEK.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a week; use the form 2026-W48")
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(f"{text!r} is not a week of that year") from None


def workdays_present(start: date, away: list[tuple[date, date]]) -> int:
    """Mon–Fri of the week starting ``start`` that no away period covers."""
    if not away:
        return WORKDAYS
    return sum(
        1
        for day in week_days(start)[:WORKDAYS]
        if not any(first <= day <= last for first, last in away)
    )
