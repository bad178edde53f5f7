"""Publishing someone's App Home: when they open it and after each of their check-ins
and undos, whichever way those came (command, button, modal).

Slack takes about 100 ``views.publish`` a minute per workspace, so the Homes of reps
who just logged are republished one at a time at that pace: at once when the team is
quiet, in turn under a burst, and only once for a rep who logged twice meanwhile."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.weeks import week_start
from bot.messages import Message
from bot.messages.home import HISTORY_WEEKS, MAX_HOME_TEAMS, HomeData, home
from bot.runtime import Runtime
from bot.runtime.batching import Pacer
from bot.team.roster import known_person
from bot.team.state import board_of, load_rep_history, load_state, member_of
from storage.errors import DB_ERRORS

log = logging.getLogger(__name__)


async def home_view(
    runtime: Runtime, client: AsyncWebClient, team_id: str, user_id: str
) -> Message:
    """The Home of ``user_id``: their part of each of their teams (a person on none
    sees the first team's, with how to join), in one round of queries per team shown
    (plus the team's state for a manager): never one query per rep."""
    person = await known_person(runtime, client, team_id, user_id, user_id)
    known = await runtime.known(team_id, user_id)
    seats = known.seats if known is not None else ()
    teams = await runtime.teams(team_id)
    human = not (person.is_bot or person.is_deleted)
    reps_on = teams.rep_teams(seats, human=human)
    shown = reps_on + [t for t in teams.managed_by(user_id) if t not in reps_on]
    if not shown:
        shown = list(teams)[:1]
    parts = []
    for team in shown[:MAX_HOME_TEAMS]:
        seat = next((s for s in seats if s.team_ref == team.ref), None)
        rep = member_of(runtime, team, person, seat)
        today = runtime.today(person.timezone, team.settings.timezone)
        weeks = await load_rep_history(runtime, team, rep, week_start(today), HISTORY_WEEKS)
        board = None
        if user_id in team.managers:
            team_today = runtime.today(None, team.settings.timezone)
            this_week = week_start(team_today)
            state = await load_state(runtime, team, this_week, this_week)
            board = board_of(state, team_today, in_channel=False)
        started = rep.since if rep.since != date.min else week_start(today)
        parts.append(HomeData(weeks, started, team in reps_on, team.channel, board))
    return home(parts)


PUBLISH_INTERVAL_SECONDS = 0.6
"""``views.publish`` is a Tier 4 method: about 100 calls a minute per workspace."""


@dataclass
class HomeRefresher:
    runtime: Runtime
    pacer: Pacer = field(default_factory=lambda: Pacer(PUBLISH_INTERVAL_SECONDS))
    _due: dict[str, dict[str, None]] = field(default_factory=lambda: defaultdict(dict))
    """Per team, the reps whose Home is out of date, oldest first."""

    def refresh(self, client: AsyncWebClient, team_id: str, user_id: str) -> None:
        """Republish ``user_id``'s Home soon (in a task of its own)."""
        self._due[team_id][user_id] = None
        self.pacer.due(team_id, lambda: self._publish_next(client, team_id))

    async def _publish_next(self, client: AsyncWebClient, team_id: str) -> None:
        due = self._due[team_id]
        if not due:
            return
        user_id = next(iter(due))
        del due[user_id]
        if due:  # the next one, an interval from now
            self.pacer.due(team_id, lambda: self._publish_next(client, team_id))
        await publish_home(self.runtime, client, team_id, user_id)


async def publish_home(
    runtime: Runtime, client: AsyncWebClient, team_id: str, user_id: str
) -> None:
    """Rebuild and publish. Failures are logged, not raised: the Home is rebuilt the
    next time it is opened, and nothing else waits on it."""
    try:
        view = await home_view(runtime, client, team_id, user_id)
        await client.views_publish(user_id=user_id, view=view)
    except (*DB_ERRORS, SlackApiError, aiohttp.ClientError) as error:
        log.warning("App Home of %s not published: %r", user_id, error)
