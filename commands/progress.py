"""``/progress [@user]``: anyone may look at any teammate; the board is public anyway.

Answered within a check-in's deadline, so a database that does not answer gets the
rep a "try again" before Slack's 3 seconds are up rather than Slack's own error.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.weeks import week_start
from bot.live.updates import LiveUpdates
from bot.messages import Message
from bot.messages.checkin import notice
from bot.messages.progress import rep_progress
from bot.runtime import Runtime
from bot.team.roster import known_person
from bot.team.state import load_rep_history, member_of
from commands.checkin import CHECKIN_SECONDS
from commands.checkin_teams import checkin_teams
from commands.grammar.tokens import MENTION
from storage.deadline import Deadline, NotSaved, within

log = logging.getLogger(__name__)

HISTORY_WEEKS = 4
NOT_ANSWERED = (
    "I couldn't look that up: the database isn't answering. Nothing was changed — please "
    "try again in a moment."
)


def target_user(text: str, caller: str) -> str | None:
    """Whose progress was asked for: the caller, or one escaped ``<@U…|name>`` mention."""
    text = text.strip()
    if not text:
        return caller
    match = MENTION.fullmatch(text)
    return match[1] if match else None


async def progress_message(
    runtime: Runtime, client: AsyncWebClient, team_id: str, user_id: str, channel: str | None
) -> Message:
    """One rep's week and their last four weeks on the team of ``channel`` (else their
    first team), loaded in one round of queries."""
    person = await known_person(runtime, client, team_id, user_id, user_id)
    teams = await checkin_teams(runtime, person, channel)
    team = teams.home
    if team is None:
        return notice("There is no team yet: a manager can run /huddle setup in a channel.")
    known = await runtime.known(team_id, user_id)
    seat = next((s for s in known.seats if s.team_ref == team.ref), None) if known else None
    rep = member_of(runtime, team, person, seat)
    this_week = week_start(runtime.today(person.timezone, team.settings.timezone))
    weeks = await load_rep_history(runtime, team, rep, this_week, HISTORY_WEEKS)
    return rep_progress(person.display_name, weeks[-1], weeks[:-1])


def register(app: AsyncApp, live: LiveUpdates) -> None:
    runtime = live.runtime

    @app.command("/progress")
    async def progress(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        team_id = body["team_id"]
        user_id = target_user(body.get("text") or "", body["user_id"])
        if user_id is None:
            await ack(**notice("Use /progress for your own week, or /progress @teammate."))
            return
        whose = user_id
        try:
            message = await within(
                Deadline(CHECKIN_SECONDS),
                lambda _: progress_message(runtime, client, team_id, whose, body.get("channel_id")),
            )
        except NotSaved as error:  # a read, so never unconfirmed
            log.warning("/progress for %s failed: %r", user_id, error)
            message = notice(NOT_ANSWERED)
        await ack(**message)
