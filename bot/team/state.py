"""Teams' state as the planner, the board and the App Home see it, and loading every
team of a workspace in a fixed number of queries, whatever their number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.domain.activities import Activity
from bot.domain.goals import GoalBook, GoalRow, RepWeek, rep_week
from bot.domain.team import Seat, Team, Teams, is_rep
from bot.domain.weeks import iso_week, local_date, week_start
from bot.messages import Message, weekly
from bot.messages.weekly import RepLine
from bot.runtime import Runtime
from bot.runtime.runtime import seat_of
from storage import ledger, memberships, queries
from storage.ledger import LedgerKey, LedgerRow
from storage.models import Membership, Person
from storage.queries import WeeksData


@dataclass(frozen=True)
class Member:
    user_id: str
    name: str
    timezone: ZoneInfo
    joined: date = date.min
    """The day they joined the team's channel (their own calendar): earlier weeks are
    not judged."""
    prorated: bool = False
    """They joined an existing team: that first week counts from ``joined`` on."""

    @property
    def since(self) -> date:
        """Monday of the first week they are judged in."""
        return week_start(self.joined) if self.joined != date.min else date.min


@dataclass(frozen=True)
class TeamState:
    """What the planner needs to know about one team."""

    team: Team
    reps: Sequence[Member]
    managers: Sequence[str]
    weeks: WeeksData
    ledger: Mapping[LedgerKey, LedgerRow]

    @property
    def team_id(self) -> str:
        return self.team.workspace

    @property
    def activities(self) -> Sequence[Activity]:
        return self.team.activities

    @property
    def goal_rows(self) -> list[GoalRow]:
        return self.weeks.goals.get(self.team.ref, [])

    def member(self, user_id: str) -> Member | None:
        return next((rep for rep in self.reps if rep.user_id == user_id), None)


def rep_weeks(state: TeamState, week: date) -> list[RepLine]:
    return rep_lines(state, GoalBook(state.goal_rows), state.reps, week)


def board_of(state: TeamState, today: date, *, in_channel: bool = True) -> Message:
    """The team's board on ``today``, naming the week's holidays: the channel's, the
    private ``/huddle board`` and a manager's App Home show the same."""
    week = week_start(today)
    holidays = state.team.calendar.workday_holidays(week)
    return weekly.board(today, rep_weeks(state, week), holidays, in_channel=in_channel)


def rep_lines(
    state: TeamState, goals: GoalBook, reps: Iterable[Member], week: date
) -> list[RepLine]:
    """One line per rep, in O(len(reps)): every lookup inside is a dict access."""
    return [RepLine(rep.user_id, rep.name, week_of(state, goals, rep, week)) for rep in reps]


def week_of(state: TeamState, goals: GoalBook, rep: Member, week: date) -> RepWeek:
    return judged_week(rep, week, state.team, state.weeks, goals.rows_for(rep.user_id))


def judged_week(
    rep: Member,
    week: date,
    team: Team,
    weeks: WeeksData,
    goal_rows: Iterable[GoalRow],
    totals: Mapping[str, int] | None = None,
) -> RepWeek:
    """A rep's week on one team: the team's holidays, and the days before they joined,
    count like away days. ``totals``: the week's, when not the stored ones."""
    away = weeks.away.get(rep.user_id, [])
    if totals is None:
        totals = weeks.totals.get((rep.user_id, week), {})
    holidays = [day for day, _ in team.calendar.workday_holidays(week)]
    joined = rep.joined if rep.prorated else None
    return rep_week(rep.user_id, week, team.activities, totals, goal_rows, away, holidays, joined)


def is_away(state: TeamState, user_id: str, day: date) -> bool:
    return any(first <= day <= last for first, last in state.weeks.away.get(user_id, []))


def member_of(runtime: Runtime, team: Team, person: Person, seat: Seat | None) -> Member:
    zone = runtime.zone(person.timezone, team.settings.timezone)
    joined = seat.joined_at if seat is not None else None
    if joined is None:
        return Member(person.user_id, person.display_name, zone)
    return Member(
        person.user_id,
        person.display_name,
        zone,
        local_date(joined, zone),
        prorated=team.joined_later(joined),
    )


async def load_states(
    runtime: Runtime, team_id: str, first: date, last: date, *, only: Team | None = None
) -> list[TeamState]:
    """Every team's planner input (``only`` one of them), in a fixed number of
    queries whatever the number of teams and reps."""
    teams = await runtime.teams(team_id)
    chosen = [only] if only is not None else list(teams)
    periods = [iso_week(first + timedelta(weeks=i)) for i in range((last - first).days // 7 + 1)]
    periods += sorted({runtime.today(None, t.settings.timezone).isoformat() for t in chosen})
    async with runtime.sessions() as session:
        seats = await memberships.of_workspace(session, team_id, only.ref if only else None)
        users = {s.user_id for s in seats}
        people = {p.user_id: p for p in await queries.people(session, team_id, users)}
        weeks = await queries.load_weeks(
            session, team_id, users if only is not None else None, first, last
        )
        rows = await ledger.load(session, team_id, periods)
    by_team: dict[int, list[Membership]] = defaultdict(list)  # each team reads only its own
    for seat in seats:
        by_team[seat.team_ref].append(seat)
    return [
        state_of(runtime, teams, team, by_team[team.ref], people, weeks, rows) for team in chosen
    ]


def state_of(
    runtime: Runtime,
    teams: Teams,
    team: Team,
    seats: Iterable[Membership],
    people: Mapping[str, Person],
    weeks: WeeksData,
    rows: Mapping[LedgerKey, LedgerRow],
) -> TeamState:
    managers = teams.managers
    reps: list[Member] = []
    for seat in seats:
        person = people.get(seat.user_id)
        if seat.team_ref != team.ref or person is None:
            continue
        human = not (person.is_bot or person.is_deleted)
        if is_rep(seat_of(seat), human=human, managers=managers):
            reps.append(member_of(runtime, team, person, seat_of(seat)))
    reps.sort(key=lambda m: (m.name, m.user_id))
    active = sorted(
        u
        for u in team.managers
        if u not in people or not (people[u].is_bot or people[u].is_deleted)
    )
    return TeamState(team, reps, active, weeks, rows)


async def load_state(runtime: Runtime, team: Team, first: date, last: date) -> TeamState:
    [state] = await load_states(runtime, team.workspace, first, last, only=team)
    return state


async def load_rep_history(
    runtime: Runtime, team: Team, rep: Member, this_week: date, weeks_back: int
) -> list[RepWeek]:
    """One rep's week starting ``this_week`` and up to ``weeks_back`` before it on one
    team, oldest first, in one round of queries; weeks before they joined are left out."""
    first = max(this_week - timedelta(weeks=weeks_back), min(rep.since, this_week))
    async with runtime.sessions() as session:
        data = await queries.load_weeks(session, team.workspace, [rep.user_id], first, this_week)
    starts = [first + timedelta(weeks=i) for i in range((this_week - first).days // 7 + 1)]
    goals = data.goals.get(team.ref, [])
    return [judged_week(rep, start, team, data, goals) for start in starts]
