"""Which teams a check-in concerns: it belongs to the person and counts on every team
they are a rep of that counts the activity; the team of the channel it was typed in
(else their first team) sets the limits and the progress the reply shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.domain.activities import BUILT_IN, Activity
from bot.domain.team import Team
from bot.domain.team_settings import TeamSettings
from bot.runtime import Runtime
from bot.team.state import Member, member_of
from commands.recording import TeamSeat
from storage.models import Person


@dataclass(frozen=True)
class CheckInTeams:
    home: Team | None
    """The team whose limits apply and whose progress the reply shows."""
    reps_on: tuple[Team, ...]
    """Every team the person is a rep of (their check-in counts on those)."""
    members: Mapping[int, Member] = field(default_factory=dict)
    """The person as each of ``reps_on`` judges them (by team ref)."""

    @property
    def activities(self) -> list[Activity]:
        """What the person may log: the activities of their teams (the home team's
        first), or the built-ins for someone on no team."""
        teams = [t for t in (self.home, *self.reps_on) if t is not None]
        if not teams:
            return list(BUILT_IN)
        seen: dict[str, Activity] = {}
        for team in teams:
            for activity in team.activities:
                seen.setdefault(activity.key, activity)
        return list(seen.values())

    def counting(self, key: str) -> list[TeamSeat]:
        """The teams whose channel hears of a check-in of ``key``, with the person as
        each judges them."""
        return [(t, self.members[t.ref]) for t in self.reps_on if t.counts(key)]

    def judged_by(self, key: str) -> TeamSeat | None:
        """Where the reply's progress on ``key`` comes from: the home team if it
        counts it, else the first of the person's teams that does."""
        counting = self.counting(key)
        home = [seat for seat in counting if seat[0] == self.home]
        return next(iter(home or counting), None)

    @property
    def on_roster(self) -> bool:
        return bool(self.reps_on)

    def limits(self, defaults: TeamSettings) -> TeamSettings:
        """The home team's settings (its count and backdate limits, its clock)."""
        return self.home.settings if self.home is not None else defaults


async def checkin_teams(runtime: Runtime, person: Person, channel: str | None) -> CheckInTeams:
    known = await runtime.known(person.team_id, person.user_id)
    teams = await runtime.teams(person.team_id)
    human = not (person.is_bot or person.is_deleted)
    seats = known.seats if known else ()
    reps_on = tuple(teams.rep_teams(seats, human=human))
    typed_in = teams.by_channel(channel)
    home = typed_in if typed_in in reps_on else (reps_on[0] if reps_on else typed_in)
    if home is None and len(teams):
        home = next(iter(teams))
    members = {
        team.ref: member_of(runtime, team, person, next(s for s in seats if s.team_ref == team.ref))
        for team in reps_on
    }
    return CheckInTeams(home, reps_on, members)


def every_activity(teams: CheckInTeams) -> list[Activity]:
    """What names an old check-in: every activity of the person's teams, retired too."""
    found = {a.key: a for a in teams.activities}
    for team in (teams.home, *teams.reps_on):
        for activity in team.retired if team is not None else ():
            found.setdefault(activity.key, activity)
    return list(found.values())
