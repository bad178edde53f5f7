"""Loading what the planner needs to know about a team."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.planner import Member, TeamState
from bot.progress import RepWeek, rep_week
from bot.roster import is_rep
from bot.weeks import iso_week, local_date, week_start
from storage import ledger, queries
from storage.models import Person

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def load_state(runtime: Runtime, team_id: str, first: date, last: date) -> TeamState:
    """The planner's input in a fixed number of queries, whatever the team's size."""
    activities = await runtime.activities(team_id)
    periods = [iso_week(first + timedelta(weeks=i)) for i in range((last - first).days // 7 + 1)]
    periods.append(runtime.today().isoformat())
    managers_configured = runtime.settings.managers
    async with runtime.sessions() as session:
        people = await queries.team_people(session, team_id)
        weeks = await queries.load_weeks(session, team_id, None, first, last)
        rows = await ledger.load(session, team_id, periods)
    reps = [
        Member(p.user_id, p.display_name, runtime.zone(p.timezone), judged_from(runtime, p))
        for p in people
        if is_rep(p, managers_configured)
    ]
    active_managers = {p.user_id for p in people if p.is_manager and not (p.is_bot or p.is_deleted)}
    managers = sorted(managers_configured | active_managers)
    return TeamState(team_id, reps, managers, activities, weeks, rows)


def judged_from(runtime: Runtime, person: Person) -> date:
    """The first week a person is judged hit or miss: the week Huddle first knew them."""
    return week_start(local_date(person.first_seen, runtime.zone(person.timezone)))


async def load_rep_history(
    runtime: Runtime, person: Person, this_week: date, weeks_back: int
) -> list[RepWeek]:
    """One rep's week starting ``this_week`` and up to ``weeks_back`` before it, oldest
    first, in one round of queries; weeks before they joined are left out."""
    team_id, user_id = person.team_id, person.user_id
    activities = await runtime.activities(team_id)
    first = max(
        this_week - timedelta(weeks=weeks_back), min(judged_from(runtime, person), this_week)
    )
    async with runtime.sessions() as session:
        data = await queries.load_weeks(session, team_id, [user_id], first, this_week)
    starts = [first + timedelta(weeks=i) for i in range((this_week - first).days // 7 + 1)]
    return [
        rep_week(
            user_id,
            start,
            activities,
            data.totals.get((user_id, start), {}),
            data.goal_rows,
            data.away[user_id],
        )
        for start in starts
    ]
