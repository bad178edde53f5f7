"""The person behind a command or a button, the team it is about, and the answer every
manager-only action gives anyone else.

One place decides which team a command concerns (SPEC, "People"): a ``#channel`` the
command names; else the team of the channel it was typed in; else, typed elsewhere (a
DM, the App Home), the caller's team (one they manage or are a rep on), and when they
have several, a reply asking which. Being a manager means a manager of *that* team:
managers of one team have no rights in another.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.team import Seat, Team, Teams
from bot.live.updates import LiveUpdates
from bot.messages import Message, team_admin, team_choice
from bot.runtime import Runtime
from bot.team.roster import known_person
from storage import people
from storage.models import Person


class NoTeam(Exception):
    """The command needs a team and none could be chosen; ``message`` says why."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.get("text", ""))
        self.message = message


@dataclass(frozen=True)
class Caller:
    """Who typed a command or pressed a button, in which workspace, on which team, with
    what the answer needs."""

    live: LiveUpdates
    client: AsyncWebClient
    team_id: str
    """The Slack workspace."""
    person: Person
    seats: tuple[Seat, ...]
    teams: Teams
    chosen: Team | None
    """The team the command is about, when one could be chosen."""
    why_none: Message | None = None
    """Why no team was chosen (several, none, a channel that is not a team)."""

    @property
    def runtime(self) -> Runtime:
        return self.live.runtime

    @property
    def team(self) -> Team:
        """The command's team; raises :class:`NoTeam` (the reply) when there is none."""
        if self.chosen is None:
            raise NoTeam(self.why_none or team_choice.no_team())
        return self.chosen

    @property
    def zone(self) -> ZoneInfo | None:
        """The chosen team's timezone: a person's when Slack does not say theirs."""
        return self.chosen.settings.timezone if self.chosen is not None else None

    @property
    def manager(self) -> bool:
        """A manager of the command's team (False when it has none)."""
        return self.chosen is not None and self.person.user_id in self.chosen.managers

    async def person_named(self, user_id: str) -> Person:
        if user_id == self.person.user_id:
            return self.person
        return await known_person(self.runtime, self.client, self.team_id, user_id, user_id)


async def caller_of(
    live: LiveUpdates,
    client: AsyncWebClient,
    team_id: str,
    user_id: str,
    name: str = "",
    *,
    typed_in: str | None = None,
    named: str | None = None,
) -> Caller:
    """The caller, and the team of ``named`` (a ``#channel`` argument), else of
    ``typed_in`` (the channel the command came from), else their own one team."""
    runtime = live.runtime
    person = await known_person(runtime, client, team_id, user_id, name or user_id)
    known = await runtime.known(team_id, user_id)
    seats = known.seats if known is not None else ()
    teams = await runtime.teams(team_id)
    human = not (person.is_bot or person.is_deleted)
    chosen, why = choose_team(teams, seats, user_id, human=human, typed_in=typed_in, named=named)
    return Caller(live, client, team_id, person, seats, teams, chosen, why)


def choose_team(
    teams: Teams,
    seats: tuple[Seat, ...],
    user_id: str,
    *,
    human: bool,
    typed_in: str | None,
    named: str | None,
) -> tuple[Team | None, Message | None]:
    """The rule of the module's docstring: the team, or None and the reply saying why."""
    if named is not None:
        team = teams.by_channel(named)
        if team is None:
            return None, team_choice.not_a_team(named)
        return team, None
    team = teams.by_channel(typed_in)
    if team is not None:
        return team, None
    reps_on = teams.rep_teams(seats, human=human)
    own = [t for t in teams if user_id in t.managers or t in reps_on]
    if len(own) == 1:
        return own[0], None
    if not own:
        return None, team_choice.no_team()
    return None, team_admin.which_team([t.channel for t in own])


async def refusal(caller: Caller, what: str) -> Message:
    """``Only managers can …``, naming who the team's managers are. Every manager-only
    action answers anyone else with this, whichever way it arrived (command, App Home
    button)."""
    if caller.chosen is None:
        return caller.why_none or team_choice.no_team()
    team = caller.chosen
    ids = sorted(team.managers)
    async with caller.runtime.sessions() as session:
        names = await people.display_names(session, caller.team_id, ids)
    return team_choice.managers_only(what, team.channel, [names.get(u, u) for u in ids])
