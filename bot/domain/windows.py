"""When each scheduled message is due, and until when it may still go out.

Every time is a wall-clock time in a named zone, turned into an instant only for
the one date it applies to, so daylight-saving changes never move it: Thursday
15:00 in New York is 15:00 whether New York is on EST or EDT that week. A wall
time that does not exist that day (02:30 inside a spring-forward gap) happens as
the clock reads after the jump (03:30); one that happens twice, the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.settings import Schedule, Settings


@dataclass(frozen=True)
class Window:
    """``start <= now < end`` means the message is due and may still be sent."""

    start: datetime
    end: datetime

    def contains(self, now: datetime) -> bool:
        return self.start <= now < self.end


def at(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The instant a wall-clock time happens on ``day`` in ``zone``, in UTC."""
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return at(day + timedelta(days=1), time(0, 0), zone)


def weekly_day(week: date, schedule: Schedule) -> date:
    """The date a once-a-week schedule falls on in the week starting ``week``."""
    (weekday,) = schedule.weekdays
    return week + timedelta(days=weekday)


def summary_window(week: date, settings: Settings) -> Window:
    day = weekly_day(week, settings.summary_at)
    zone = settings.timezone
    return Window(at(day, settings.summary_at.at, zone), end_of_day(day, zone))


def nudge_window(week: date, rep_zone: ZoneInfo, settings: Settings) -> Window:
    """From Thursday 15:00 on the rep's own clock until the summary goes out."""
    start = at(weekly_day(week, settings.nudge_at), settings.nudge_at.at, rep_zone)
    return Window(start, summary_window(week, settings).start)


def huddle_window(day: date, settings: Settings) -> Window | None:
    """The daily board's window on ``day``, or None when no board is due that day."""
    schedule = settings.huddle_at
    if schedule is None or day.weekday() not in schedule.weekdays:
        return None
    zone = settings.timezone
    return Window(at(day, schedule.at, zone), end_of_day(day, zone))
