"""Publishing someone's App Home: when they open it and after each of their check-ins
and undos, whichever way those came (command, button, modal)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.messages import Message, weekly
from bot.messages.home import HISTORY_WEEKS, HomeData, home
from bot.planner import rep_weeks
from bot.roster import is_manager, known_person
from bot.state import judged_from, load_rep_history, load_state
from bot.weeks import week_start

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


async def home_view(
    runtime: Runtime, client: AsyncWebClient, team_id: str, user_id: str
) -> Message:
    """The Home of ``user_id``, loaded in one round of queries (plus the team's state
    for a manager): never one query per rep."""
    person = await known_person(runtime, client, team_id, user_id, user_id)
    today = runtime.today(person.timezone)
    weeks = await load_rep_history(runtime, person, week_start(today), HISTORY_WEEKS)
    started = judged_from(runtime, person)
    board = None
    if is_manager(runtime, person):
        team_today = runtime.today()
        this_week = week_start(team_today)
        state = await load_state(runtime, team_id, this_week, this_week)
        board = weekly.board(team_today, rep_weeks(state, this_week), in_channel=False)
    data = HomeData(weeks, started, person.in_channel, runtime.settings.channel, board)
    return home(data)


async def publish_home(
    runtime: Runtime, client: AsyncWebClient, team_id: str, user_id: str
) -> None:
    """Rebuild and publish. Failures are logged, not raised: the Home is rebuilt the
    next time it is opened, and nothing else waits on it."""
    try:
        view = await home_view(runtime, client, team_id, user_id)
        await client.views_publish(user_id=user_id, view=view)
    except (SlackApiError, SQLAlchemyError, aiohttp.ClientError, OSError, TimeoutError) as error:
        log.warning("App Home of %s not published: %r", user_id, error)
