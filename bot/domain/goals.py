"""A rep's week against their goals: pure arithmetic over what storage loaded.

Goals are stored as a history (see ``storage.models.Goal``); this module decides
which row applies to which week, how an override beats the team goal, and how an
away rep's goal shrinks to the workdays they are present.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil

from bot.domain.activities import Activity
from bot.domain.weeks import WORKDAYS, week_start, workdays_present

TEAM_DEFAULT = ""
"""The ``user_id`` of a team-wide goal row (an empty string rather than NULL, so the
unique key (team, activity, user) also holds for team goals on every database); any
other value is one rep's own goal."""
HIT, MISSED, NO_GOAL = "hit", "missed", "no goal"
"""A judged week's verdict. A week whose goals are all 0 (away every workday) asks
nothing of the rep, so it is :data:`NO_GOAL`, like a week with no goal set: one rule,
shown the same way in ``/progress``, the App Home, the summary and the digest."""
PATTERN_WEEKS, PATTERN_MISSES = 4, 3
"""A pattern: missed in ``PATTERN_MISSES`` or more of the last ``PATTERN_WEEKS`` judged
weeks."""


@dataclass(frozen=True)
class GoalRow:
    activity: str
    user_id: str
    valid_from: date
    target: int | None


@dataclass(frozen=True)
class ActivityProgress:
    activity: Activity
    done: int
    goal: int | None

    @property
    def asks(self) -> bool:
        """A goal above 0: a prorated goal of 0 (away all week) asks nothing."""
        return self.goal is not None and self.goal > 0

    @property
    def left(self) -> int:
        return 0 if self.goal is None else max(self.goal - self.done, 0)

    @property
    def met(self) -> bool:
        return self.left == 0


@dataclass(frozen=True)
class RepWeek:
    """One rep's week: what they did and what was expected of them."""

    week: date
    progress: tuple[ActivityProgress, ...]
    workdays_present: int
    holidays: int = 0
    """The team's holidays among the week's workdays: they count like away days for
    everyone, but are not the rep's own."""
    before_joining: int = 0
    """Workdays of the week before the rep joined the team: not asked of them either."""

    @property
    def away_days(self) -> int:
        """Workdays the rep was away on their own account (holidays and the days before
        they joined aside)."""
        return WORKDAYS - self.holidays - self.before_joining - self.workdays_present

    @property
    def has_goals(self) -> bool:
        return any(p.asks for p in self.progress)

    @property
    def short(self) -> tuple[ActivityProgress, ...]:
        """The goals not met yet (a goal of 0 is always met)."""
        return tuple(p for p in self.progress if not p.met)

    @property
    def verdict(self) -> str:
        if not self.has_goals:
            return NO_GOAL
        return MISSED if self.short else HIT

    @property
    def share_met(self) -> float:
        """Share of the week's goals met, capped per activity so overshooting one
        activity cannot hide missing another."""
        goals = [p for p in self.progress if p.goal]
        if not goals:
            return 1.0
        return sum(min(p.done / p.goal, 1.0) for p in goals if p.goal) / len(goals)

    def of(self, activity_key: str) -> ActivityProgress:
        return next(p for p in self.progress if p.activity.key == activity_key)


class GoalBook:
    """Goal rows by owner. A rep's goals come from the team's rows and their own, so a
    team-wide loop looks up each rep in O(their rows) rather than scanning every
    override in the team for every rep (which grows with the square of the team)."""

    def __init__(self, rows: Iterable[GoalRow]) -> None:
        self._team: list[GoalRow] = []
        self._own: dict[str, list[GoalRow]] = defaultdict(list)
        for row in rows:
            (self._team if row.user_id == TEAM_DEFAULT else self._own[row.user_id]).append(row)

    def rows_for(self, user_id: str) -> list[GoalRow]:
        own = self._own.get(user_id)
        return self._team + own if own else self._team


def goals_in_force(rows: Iterable[GoalRow], user_id: str, week: date) -> dict[str, int]:
    """Unprorated weekly targets for ``user_id`` in the week starting ``week``: the
    rep's latest override when it is on, else the team's latest goal when it is on."""
    latest: dict[tuple[str, str], GoalRow] = {}
    for row in rows:
        if row.valid_from > week or row.user_id not in (TEAM_DEFAULT, user_id):
            continue
        key = (row.activity, row.user_id)
        if key not in latest or latest[key].valid_from < row.valid_from:
            latest[key] = row
    targets: dict[str, int] = {}
    for activity in {activity for activity, _ in latest}:
        for owner in (user_id, TEAM_DEFAULT):
            chosen = latest.get((activity, owner))
            if chosen is not None and chosen.target is not None:
                targets[activity] = chosen.target
                break
    return targets


def prorate(target: int, present: int) -> int:
    """A goal for ``present`` of the five workdays, rounded up (SPEC: away reps)."""
    return ceil(target * present / WORKDAYS)


def rep_week(
    user_id: str,
    day: date,
    activities: Sequence[Activity],
    totals: Mapping[str, int],
    goal_rows: Iterable[GoalRow],
    away: list[tuple[date, date]],
    holidays: Collection[date] = (),
    joined: date | None = None,
) -> RepWeek:
    """``holidays``: the team's holidays on the week's workdays, and the days before
    ``joined`` (the day a rep joined the team), count like away days (goals prorated
    by the workdays left, rounded up)."""
    start = week_start(day)
    absent = [*away, *((d, d) for d in holidays)]
    present = workdays_present(start, absent)
    before_joining = 0
    if joined is not None and start < joined <= start + timedelta(days=6):
        unjoined = workdays_present(start, [*absent, (start, joined - timedelta(days=1))])
        before_joining, present = present - unjoined, unjoined
    targets = goals_in_force(goal_rows, user_id, start)
    progress = tuple(
        ActivityProgress(
            activity=a,
            done=totals.get(a.key, 0),
            goal=prorate(targets[a.key], present) if a.key in targets else None,
        )
        for a in activities
    )
    return RepWeek(start, progress, present, len(holidays), before_joining)
