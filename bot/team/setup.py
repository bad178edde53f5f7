"""Making a channel a team: the first team from ``HUDDLE_CHANNEL`` at start-up, and
:func:`create_team`, the one way a team is made in Slack (``/huddle setup``, and the
setup modal after an "Add to Slack" install)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import Enum

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.activities import BUILT_IN
from bot.domain.team import Team
from bot.domain.team_settings import TEAM_SETTINGS, TeamSettings, setting_text
from bot.runtime import Runtime
from bot.team.roster import sync_roster
from storage import teams

log = logging.getLogger(__name__)
_SLACK_ERRORS = (SlackApiError, aiohttp.ClientError, TimeoutError)
_NOT_A_MEMBER = frozenset({"channel_not_found", "not_in_channel"})


def setting_texts(settings: TeamSettings) -> dict[str, str]:
    """What a new team stores: the text of every setting, so a later change of the
    ``HUDDLE_*`` variables does not change a team that exists."""
    return {word: setting_text(settings, word) for word in TEAM_SETTINGS}


async def ensure_first_team(runtime: Runtime, team_id: str) -> None:
    """Single-workspace mode: ``HUDDLE_CHANNEL`` is a team, with the ``HUDDLE_*``
    variables as its first settings (data from before teams belongs to it)."""
    settings = runtime.settings
    async with runtime.sessions.begin() as session:
        await teams.ensure_first_team(
            session,
            team_id,
            settings.channel,
            setting_texts(runtime.team_defaults),
            BUILT_IN,
            settings.goals,
            runtime.now(),
        )
    runtime.forget_teams(team_id)


class Outcome(Enum):
    CREATED = "created"
    ALREADY = "already a team"
    NOT_IN_CHANNEL = "Huddle is not in the channel"
    NO_ANSWER = "Slack did not answer"


@dataclass(frozen=True)
class Setup:
    """What :func:`create_team` did; ``team`` is the new (or existing) team."""

    outcome: Outcome
    team: Team | None = None


async def create_team(
    runtime: Runtime,
    client: AsyncWebClient,
    workspace: str,
    channel: str,
    manager_id: str,
    settings: TeamSettings,
    goals: Mapping[str, int],
    created: Callable[[], Awaitable[object]] | None = None,
    *,
    roster: bool = True,
) -> Setup:
    """Make ``channel`` a team of ``workspace`` with ``manager_id`` its first manager,
    these settings, the built-in activities and the team goals ``goals`` (activity key
    to weekly target), and load its roster from the channel's members. Nothing is
    written when the channel is a team already or Huddle is not a member of it.
    ``created`` runs as soon as the team exists, before the roster is read (the setup
    modal answers Slack there, which allows it 3 seconds); ``roster`` False leaves the
    roster to the caller (``/huddle setup`` reads it after its reply)."""
    existing = (await runtime.teams(workspace)).by_channel(channel)
    if existing is not None:
        return Setup(Outcome.ALREADY, existing)
    try:
        info = await client.conversations_info(channel=channel)
    except SlackApiError as error:
        if error.response.get("error") in _NOT_A_MEMBER:
            return Setup(Outcome.NOT_IN_CHANNEL)
        log.warning("conversations.info for %s failed: %r", channel, error.response.get("error"))
        return Setup(Outcome.NO_ANSWER)
    except (aiohttp.ClientError, TimeoutError) as error:
        log.warning("conversations.info for %s failed: %r", channel, error)
        return Setup(Outcome.NO_ANSWER)
    if not info["channel"].get("is_member"):
        return Setup(Outcome.NOT_IN_CHANNEL)
    async with runtime.sessions.begin() as session:
        ref = await teams.create(
            session,
            workspace,
            channel,
            setting_texts(settings),
            BUILT_IN,
            goals,
            manager_id,
            runtime.now(),
        )
    runtime.forget_teams(workspace)
    runtime.forget_people(workspace, [manager_id])
    made = (await runtime.teams(workspace)).by_channel(channel)
    if ref is None:  # someone else set it up a moment ago
        return Setup(Outcome.ALREADY, made) if made else Setup(Outcome.NOT_IN_CHANNEL)
    if created is not None:
        await created()
    if roster:
        await load_roster(runtime, client, workspace)
    return Setup(Outcome.CREATED, made)


async def load_roster(runtime: Runtime, client: AsyncWebClient, workspace: str) -> None:
    """A new team's roster: a full sync (a big workspace takes longer than Slack waits
    for an answer, so it runs after the reply)."""
    try:
        await sync_roster(runtime, client, workspace)
    except _SLACK_ERRORS as error:  # the scheduler's roster sync fills it in later
        log.warning("reading the rosters of %s failed: %r", workspace, error)
