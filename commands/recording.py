"""Recording and undoing check-ins: the transaction behind every way of logging
(slash command, **Log it again**, the nudge's buttons, the modal)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.domain.activities import Activity
from bot.domain.checkin import Logged
from bot.domain.goals import ActivityProgress, rep_week
from bot.domain.team import Team
from bot.domain.weeks import week_start
from bot.runtime import Runtime
from bot.team.state import Member, judged_week
from storage import queries
from storage.deadline import CommitPoint
from storage.models import CheckIn
from storage.queries import WeeksData


@dataclass(frozen=True)
class Outcome:
    checkin: CheckIn
    weeks: WeeksData
    totals: Mapping[str, int]
    """The rep's totals for the check-in's week, including it."""
    repeat: bool
    """True when nothing was stored because the same check-in was just logged."""

    def progress(self, seat: TeamSeat | None, logged: Logged) -> ActivityProgress:
        """The rep's progress on the activity on a team (no goal on no team)."""
        return progress_on(seat, self.weeks, self.totals, logged)


TeamSeat = tuple[Team, Member]
"""A team and the rep as that team judges them (from when they joined it)."""


def progress_on(
    seat: TeamSeat | None, data: WeeksData, totals: Mapping[str, int], logged: Logged
) -> ActivityProgress:
    week = week_start(logged.day)
    if seat is None:
        away = data.away.get(logged.user_id, [])
        return rep_week(logged.user_id, week, [logged.activity], totals, [], away).of(
            logged.activity.key
        )
    team, member = seat
    judged = judged_week(member, week, team, data, data.goals.get(team.ref, []), totals)
    return judged.of(logged.activity.key)


async def record(
    runtime: Runtime,
    team_id: str,
    logged: Logged,
    source: str,
    *,
    allow_repeat: bool = False,
    commit: CommitPoint | None = None,
) -> Outcome:
    """Store a check-in and return the rep's progress including it.

    Commits before returning: a caller may tell the rep "recorded" only after this.
    A database error before the commit propagates, and then nothing was stored;
    ``commit`` (see :func:`storage.deadline.within`) learns when the commit starts.
    Check-ins arriving together are committed together (``Runtime.store_checkin``).
    """
    candidate = CheckIn(
        team_id=team_id,
        user_id=logged.user_id,
        activity=logged.activity.key,
        count=logged.count,
        day=logged.day,
        note=logged.note,
        source=source,
        created_at=runtime.now(),
    )
    stored = await runtime.store_checkin(candidate, allow_repeat=allow_repeat, commit=commit)
    return Outcome(stored.checkin, stored.weeks, stored.totals, stored.repeat)


@dataclass(frozen=True)
class Undone:
    checkin: CheckIn
    logged: Logged
    weeks: WeeksData

    def progress(self, seat: TeamSeat | None) -> ActivityProgress:
        week = week_start(self.logged.day)
        totals = self.weeks.totals.get((self.logged.user_id, week), {})
        return progress_on(seat, self.weeks, totals, self.logged)


class CannotUndo(Exception):
    """A user-facing reason the undo did not happen."""


async def undo(
    runtime: Runtime, team_id: str, checkin_id: int, user_id: str, activities: Sequence[Activity]
) -> Undone:
    """Undo the rep's check-in; ``activities`` name it (a retired one included)."""
    async with runtime.sessions.begin() as session:
        await queries.lock_reps(session, team_id, [user_id])
        checkin = await queries.get_checkin(session, team_id, checkin_id)
        if checkin is None or checkin.user_id != user_id:
            raise CannotUndo("You can only undo your own check-ins.")
        if checkin.undone_at is not None:
            raise CannotUndo("That check-in was already undone.")
        checkin.undone_at = runtime.now()
        await session.flush()
        activity = next(
            (a for a in activities if a.key == checkin.activity),
            Activity(checkin.activity, checkin.activity, checkin.activity),
        )
        logged = logged_from(checkin, activity)
        week = week_start(logged.day)
        data = await queries.load_weeks(session, team_id, [user_id], week, week)
    return Undone(checkin, logged, data)


def logged_from(checkin: CheckIn, activity: Activity) -> Logged:
    return Logged(checkin.user_id, activity, checkin.count, checkin.day, checkin.note)
