"""When each scheduled message is due, and until when it may still go out.

Every time is a wall-clock time in a named zone, turned into an instant only for
the one date it applies to, so daylight-saving changes never move it: Thursday
15:00 in New York is 15:00 whether New York is on EST or EDT that week. A wall
time that does not exist that day (02:30 inside a spring-forward gap) happens as
the clock reads after the jump (03:30); one that happens twice, the first time.

A team's holidays (its :class:`TeamCalendar`) move the days, never the times: a nudge
day that is a holiday moves to the last workday before it in that week, a summary
day that is a holiday to the next workday (maybe in the next week: the week's
numbers and ledger key stay the same), each at the same wall-clock time; a board is
not posted on a holiday. The catch-up windows move with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain.schedule import Schedule
from bot.domain.team_calendar import TeamCalendar
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


NO_HOLIDAYS = TeamCalendar()
"""The calendar of a team that keeps no holidays (the environment's defaults)."""


def summary_day(week: date, settings: Timetable, calendar: TeamCalendar = NO_HOLIDAYS) -> date:
    """The day the summary of the week starting ``week`` goes out: its weekday, or the
    next workday when that is a holiday."""
    return calendar.summary_day(weekly_day(week, settings.summary_at))


def summary_window(week: date, settings: Timetable, calendar: TeamCalendar = NO_HOLIDAYS) -> Window:
    day = summary_day(week, settings, calendar)
    zone = settings.timezone
    return Window(at(day, settings.summary_at.at, zone), end_of_day(day, zone))


NUDGE_LEAD = timedelta(hours=2)
"""The least time a nudge leaves before the summary: enough to act on it."""


def nudge_window(
    week: date, rep_zone: ZoneInfo, settings: Timetable, calendar: TeamCalendar = NO_HOLIDAYS
) -> Window:
    """From Thursday 15:00 on the rep's own clock until the summary goes out; for a rep
    so far west that their own 15:00 comes after the summary, or less than
    :data:`NUDGE_LEAD` before it, from Thursday 15:00 on the team's clock. Thursday is
    the nudge's day, or the workday before it that week when it is a holiday; a week
    with no workday left before it has no nudge: an empty window, at the summary."""
    summary = summary_window(week, settings, calendar).start
    day = calendar.nudge_day(weekly_day(week, settings.nudge_at))
    if day is None:
        return Window(summary, summary)
    own = at(day, settings.nudge_at.at, rep_zone)
    zone = settings.timezone if own > summary - NUDGE_LEAD else rep_zone
    return Window(at(day, settings.nudge_at.at, zone), summary)


def nudged_at_team_time(
    week: date, rep_zone: ZoneInfo, settings: Timetable, calendar: TeamCalendar = NO_HOLIDAYS
) -> bool:
    """Whether a rep in ``rep_zone`` gets the week's nudge at the team-timezone time,
    because their own would leave them less than :data:`NUDGE_LEAD` to act."""
    day = calendar.nudge_day(weekly_day(week, settings.nudge_at))
    summary = summary_window(week, settings, calendar).start
    return day is not None and at(day, settings.nudge_at.at, rep_zone) > summary - NUDGE_LEAD


def huddle_window(
    day: date, settings: Timetable, calendar: TeamCalendar = NO_HOLIDAYS
) -> Window | None:
    """The daily board's window on ``day``, or None when no board is due that day (not
    on the schedule, or a holiday)."""
    schedule = settings.huddle_at
    if schedule is None or day.weekday() not in schedule.weekdays:
        return None
    if calendar.holiday(day) is not None:
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


NEXT_RUN_WEEKS = 8
"""How far ahead ``next_runs`` looks: past any run of holidays a team keeps."""


def next_runs(
    now: datetime, settings: Timetable, calendar: TeamCalendar = NO_HOLIDAYS
) -> tuple[datetime | None, datetime]:
    """When the team's next nudge (at the team's time; a rep far from it gets theirs
    at their own; None when holidays leave none in :data:`NEXT_RUN_WEEKS`) and next
    summary go out after ``now``, on the team's clock: what a manager who just changed
    the schedule wants to know; holidays move them."""
    zone = settings.timezone
    week = week_start(local_date(now, zone))
    weeks = [week + timedelta(weeks=i) for i in range(-1, NEXT_RUN_WEEKS)]
    nudges = (nudge_window(w, zone, settings, calendar) for w in weeks)
    nudge = next((n.start for n in nudges if n.start > now and n.start < n.end), None)
    summary = next(s for w in weeks if (s := summary_window(w, settings, calendar).start) > now)
    return (nudge.astimezone(zone) if nudge else None), summary.astimezone(zone)
