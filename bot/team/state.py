"""A team's state as the planner, the board and the App Home see it, and loading it
in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.domain.activities import Activity
from bot.domain.goals import GoalBook, RepWeek, rep_week
from bot.domain.weeks import iso_week, local_date, week_start
from bot.messages.weekly import RepLine
from bot.runtime import Runtime
from bot.team.roster import is_rep
from storage import ledger, queries
from storage.ledger import LedgerKey, LedgerRow
from storage.models import Person
from storage.queries import WeeksData


@dataclass(frozen=True)
class Member:
    user_id: str
    name: str
    timezone: ZoneInfo
    since: date = date.min
    """Monday of the week Huddle first knew them: earlier weeks are not judged."""


@dataclass(frozen=True)
class TeamState:
    """What the planner needs to know, loaded in a fixed number of queries."""

    team_id: str
    reps: Sequence[Member]
    managers: Sequence[str]
    activities: Sequence[Activity]
    weeks: WeeksData
    ledger: Mapping[LedgerKey, LedgerRow]


def rep_weeks(state: TeamState, week: date) -> list[RepLine]:
    return rep_lines(state, GoalBook(state.weeks.goal_rows), state.reps, week)


def rep_lines(
    state: TeamState, goals: GoalBook, reps: Iterable[Member], week: date
) -> list[RepLine]:
    """One line per rep, in O(len(reps)): every lookup inside is a dict access."""
    return [
        RepLine(rep.user_id, rep.name, week_of(state, goals, rep.user_id, week)) for rep in reps
    ]


def week_of(state: TeamState, goals: GoalBook, user_id: str, week: date) -> RepWeek:
    return rep_week(
        user_id,
        week,
        state.activities,
        state.weeks.totals.get((user_id, week), {}),
        goals.rows_for(user_id),
        state.weeks.away.get(user_id, []),
    )


def is_away(state: TeamState, user_id: str, day: date) -> bool:
    return any(first <= day <= last for first, last in state.weeks.away.get(user_id, []))


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
