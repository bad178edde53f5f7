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
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain.schedule import Schedule
from bot.domain.weeks import iso_week, local_date, week_start


class Timetable(Protocol):
    """A team's clock and schedule (``TeamSettings``; the ``HUDDLE_*`` defaults too)."""

    @property
    def timezone(self) -> ZoneInfo: ...
    @property
    def huddle_at(self) -> Schedule | None: ...
    @property
    def nudge_at(self) -> Schedule: ...
    @property
    def summary_at(self) -> Schedule: ...


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


def summary_window(week: date, settings: Timetable) -> Window:
    day = weekly_day(week, settings.summary_at)
    zone = settings.timezone
    return Window(at(day, settings.summary_at.at, zone), end_of_day(day, zone))


NUDGE_LEAD = timedelta(hours=2)
"""The least time a nudge leaves before the summary: enough to act on it."""


def nudge_window(week: date, rep_zone: ZoneInfo, settings: Timetable) -> Window:
    """From Thursday 15:00 on the rep's own clock until the summary goes out; for a rep
    so far west that their own 15:00 comes after the summary, or less than
    :data:`NUDGE_LEAD` before it, from Thursday 15:00 on the team's clock."""
    zone = settings.timezone if nudged_at_team_time(week, rep_zone, settings) else rep_zone
    return Window(_own_nudge(week, zone, settings), summary_window(week, settings).start)


def nudged_at_team_time(week: date, rep_zone: ZoneInfo, settings: Timetable) -> bool:
    """Whether a rep in ``rep_zone`` gets the week's nudge at the team-timezone time,
    because their own would leave them less than :data:`NUDGE_LEAD` to act."""
    summary = summary_window(week, settings).start
    return _own_nudge(week, rep_zone, settings) > summary - NUDGE_LEAD


def _own_nudge(week: date, zone: ZoneInfo, settings: Timetable) -> datetime:
    return at(weekly_day(week, settings.nudge_at), settings.nudge_at.at, zone)


def huddle_window(day: date, settings: Timetable) -> Window | None:
    """The daily board's window on ``day``, or None when no board is due that day."""
    schedule = settings.huddle_at
    if schedule is None or day.weekday() not in schedule.weekdays:
        return None
    zone = settings.timezone
    return Window(at(day, schedule.at, zone), end_of_day(day, zone))


def summary_week(now: datetime, settings: Timetable, named: date | None = None) -> date:
    """The week ``huddle summary`` posts: ``named`` (``--week``), else the latest week
    whose summary time has passed, which on a Monday is last week, never the new,
    empty one. ValueError, in words for the person at the terminal, for a week that
    has not begun, or that has not ended when ``--week`` did not name it."""
    this_week = week_start(local_date(now, settings.timezone))
    if named is None:
        due = summary_window(this_week, settings).start <= now
        week = this_week if due else this_week - timedelta(weeks=1)
    else:
        week = named
    label = f"The week of {week:%a %-d %b %Y} ({iso_week(week)})"
    if at(week, time(0, 0), settings.timezone) > now:
        raise ValueError(f"{label} has not begun yet: there is nothing to summarise.")
    last_day = week + timedelta(days=6)
    if named is None and now < end_of_day(last_day, settings.timezone):
        raise ValueError(
            f"{label} has not ended: it runs until {last_day:%a %-d %b} "
            f"({settings.timezone.key}). To post its summary now, name it: "
            f"huddle summary --week {iso_week(week)}"
        )
    return week


def next_runs(now: datetime, settings: Timetable) -> tuple[datetime, datetime]:
    """When the team's next nudge (at the team's time; a rep far from it gets theirs
    at their own) and next summary go out after ``now``, on the team's clock: what a
    manager who just changed the schedule wants to know."""
    zone = settings.timezone
    week = week_start(local_date(now, zone))
    weeks = [week + timedelta(weeks=i) for i in range(3)]
    nudge = next(s for w in weeks if (s := nudge_window(w, zone, settings).start) > now)
    summary = next(s for w in weeks if (s := summary_window(w, settings).start) > now)
    return nudge.astimezone(zone), summary.astimezone(zone)
