"""What every workspace command of ``huddle`` shares: opening the workspace the way the
server starts, choosing the team(s) a command is about, and ``huddle team list|add``.

A refusal is a :class:`CliError`: one line for the person at the terminal, and the
exit code; nothing has been written when it is raised.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.domain.settings import Settings
from bot.domain.team import Team, Teams
from bot.domain.team_settings import parse_setting, setting_text, with_setting
from bot.domain.weeks import Clock, week_start
from bot.serving.server import Huddle, prepare
from bot.team.roster import sync_roster
from bot.team.setup import Outcome, create_team
from bot.team.state import load_states

"""``created_by`` of a team added on the command line without ``--manager``."""


class CliError(Exception):
    """A clear refusal: ``huddle: <message>`` on stderr, and exit ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


@asynccontextmanager
async def workspace(settings: Settings, clock: Clock) -> AsyncIterator[Huddle]:
    """The server's own start-up (schema, ``auth.test`` for the workspace, the first
    team, the rosters), so a command sees the teams exactly as the tick does. It needs
    the one workspace of ``SLACK_BOT_TOKEN``: with OAuth installs the scheduler and
    Slack itself serve every workspace, and this says so instead of doing nothing."""
    if settings.oauth is not None:
        raise CliError(
            "this command runs on one workspace, with SLACK_BOT_TOKEN; with OAuth installs"
            " (SLACK_CLIENT_ID) use Slack (/huddle …) or let the scheduler run the jobs",
            2,
        )
    try:
        huddle = await prepare(settings, clock)
    except aiohttp.ClientError as error:
        raise CliError(f"Slack can't be reached ({type(error).__name__})", 1) from None
    try:
        yield huddle
    finally:
        await huddle.close()


def _names(teams: Teams) -> str:
    return ", ".join(t.channel for t in teams) or "none yet"


def chosen_team(teams: Teams, channel: str | None) -> Team | None:
    """``--team``'s team, or None (every team) without it."""
    if channel is None:
        return None
    team = teams.by_channel(channel)
    if team is None:
        raise CliError(f"{channel} is not a team here (teams: {_names(teams)})")
    return team


def one_team(teams: Teams, channel: str | None) -> Team:
    """``--team``'s team, or the only one; a workspace of several must say which."""
    team = chosen_team(teams, channel)
    if team is not None:
        return team
    if len(teams) != 1:
        raise CliError(
            f"this workspace has {len(teams)} teams ({_names(teams)}): name one with --team"
        )
    [only] = teams
    return only


async def team_list(huddle: Huddle) -> str:
    """One line per team: its channel, clock, schedule, and how many reps and managers
    it has (the roster as the planner counts it, every team in one round of queries)."""
    runtime = huddle.runtime
    this_week = week_start(runtime.now().date())
    states = await load_states(runtime, huddle.team_id, this_week, this_week)
    if not states:
        return "No teams yet: /huddle setup in a channel, or huddle team add --channel C…"
    lines = []
    for state in states:
        settings = state.team.settings
        schedule = " · ".join(
            f"{word} {setting_text(settings, word)}" for word in ("huddle", "nudge", "summary")
        )
        reps, managers = len(state.reps), len(state.managers)
        lines.append(
            f"{state.team.channel}  {settings.timezone.key}  {schedule}  "
            f"{reps} rep{'' if reps == 1 else 's'}, "
            f"{managers} manager{'' if managers == 1 else 's'}"
        )
    return "\n".join(lines)


async def team_add(huddle: Huddle, channel: str, timezone: str | None, manager: str) -> str:
    """Make ``channel`` a team exactly as ``/huddle setup`` does (``create_team``), with
    the ``HUDDLE_*`` defaults (``timezone`` read exactly as ``HUDDLE_TIMEZONE`` is) and
    ``manager`` as its first manager; its roster is the channel's members. Every check
    comes before the one write."""
    runtime = huddle.runtime
    if not channel.startswith(("C", "G")):
        raise CliError(f"--channel {channel!r} is not a channel ID (they start with C or G)")
    if not manager.startswith(("U", "W")):
        raise CliError(f"--manager {manager!r} is not a user ID (they start with U or W)")
    defaults = runtime.team_defaults
    if timezone is not None:
        try:
            defaults = with_setting(defaults, "timezone", parse_setting("timezone", timezone))
        except ValueError as problem:
            raise CliError(f"--timezone: {problem}") from None
    client = huddle.app.client
    done = await create_team(
        runtime,
        client,
        huddle.team_id,
        channel,
        manager,
        defaults,
        runtime.settings.goals,
        roster=False,
    )
    if done.outcome is Outcome.ALREADY:
        raise CliError(f"{channel} is already a team; nothing was changed (huddle team list)")
    if done.outcome is Outcome.NOT_IN_CHANNEL:
        raise CliError(
            f"Huddle is not a member of {channel} (or Slack can't see it): invite Huddle"
            f" first (/invite @Huddle in {channel}); nothing was changed"
        )
    if done.outcome is Outcome.NO_ANSWER:
        raise CliError("Slack didn't answer, so nothing was changed; try again", 1)
    made = f"{channel} is a team now."
    try:
        await sync_roster(runtime, client, huddle.team_id)
    except (SlackApiError, aiohttp.ClientError) as error:
        reason = error.response.get("error") if isinstance(error, SlackApiError) else "no answer"
        made += f" Its members could not be read yet ({reason}); the server reads them daily."
    return f"{made}\n{await team_list(huddle)}"
