"""Managers' CSV export of check-ins, sent as a file in their direct message with
Huddle (``/huddle export [weeks]`` and the App Home's button).

Callers check that the presser is a manager; this module only loads, writes and
uploads. The CSV itself is :mod:`bot.messages.checkins_csv`'s, the same as ``huddle export``'s.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.team import Team
from bot.domain.weeks import iso_week, week_start
from bot.messages import Message
from bot.messages.checkin import notice
from bot.messages.checkins_csv import checkins_csv
from bot.runtime import Runtime
from storage.export import checkins_since

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Exported:
    ok: bool
    message: Message
    """What to tell the manager: where the file went, or why it did not."""


def first_day(today: date, weeks: int) -> date:
    """The Monday ``weeks - 1`` weeks before this week's: this week counts as one."""
    return week_start(today) - timedelta(weeks=weeks - 1)


async def export_to_dm(
    runtime: Runtime, client: AsyncWebClient, team: Team, user_id: str, weeks: int
) -> Exported:
    """The team's check-ins (its members', of the activities it counts or counted)."""
    today = runtime.today(None, team.settings.timezone)
    since = first_day(today, weeks)
    async with runtime.sessions() as session:
        rows = await checkins_since(session, team.workspace, since, team.ref)
    span = iso_week(since) if weeks == 1 else f"{iso_week(since)}-to-{iso_week(today)}"
    filename = f"huddle-checkins-{span}.csv"
    what = f"{len(rows)} check-in{'' if len(rows) == 1 else 's'} since {since:%a %-d %b %Y}"
    try:
        opened = await client.conversations_open(users=user_id)
        await client.files_upload_v2(
            channel=opened["channel"]["id"],
            content=checkins_csv(rows),
            filename=filename,
            title=f"Huddle check-ins, {span}",
            initial_comment=f"📄 Huddle export: {what} ({weeks} week{'' if weeks == 1 else 's'}).",
        )
    except (SlackApiError, aiohttp.ClientError, OSError, TimeoutError) as error:
        reason = (
            f"Slack answered {error.response.get('error')}"
            if isinstance(error, SlackApiError)
            else "Slack didn't answer"
        )
        log.warning("export upload for %s failed: %s", user_id, reason)
        return Exported(False, notice(f"I couldn't send the export: {reason}. Please try again."))
    return Exported(True, notice(f"📄 Sent {filename} ({what}) to our direct messages."))
