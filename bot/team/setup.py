"""Making a channel a team: the first team from ``HUDDLE_CHANNEL`` at start-up, and
``/huddle setup``."""

from __future__ import annotations

from bot.domain.activities import BUILT_IN
from bot.domain.team_settings import TEAM_SETTINGS, TeamSettings, setting_text
from bot.runtime import Runtime
from storage import teams


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
