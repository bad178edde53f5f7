"""``/progress [@user] [#channel]``: anyone may look at any teammate; the board is
public anyway.

Answered within a check-in's deadline, so a database that does not answer gets the
rep a "try again" before Slack's 3 seconds are up rather than Slack's own error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.weeks import week_start
from bot.live.updates import LiveUpdates
from bot.messages import Message
from bot.messages.checkin import notice
from bot.messages.progress import rep_progress
from bot.messages.team_admin import which_team
from bot.runtime import Runtime
from bot.team.roster import known_person
from bot.team.state import load_rep_history, member_of
from commands.checkin import CHECKIN_SECONDS
from commands.grammar.tokens import CHANNEL, MENTION, as_typed
from storage.deadline import Deadline, NotSaved, within

log = logging.getLogger(__name__)

HISTORY_WEEKS = 4
NOT_ANSWERED = (
    "I couldn't look that up: the database isn't answering. Nothing was changed — please "
    "try again in a moment."
)


@dataclass(frozen=True)
class Asked:
    """``/progress [@user] [#channel]``: whose week, on which team (None: find it)."""

    user_id: str
    channel: str | None


def parse_progress(text: str, caller: str) -> Asked | None:
    """The caller's or one escaped ``<@U…|name>`` mention's week, optionally on the
    team of one ``<#C…>``; None for anything else."""
    user_id, channel = caller, None
    for token in text.split():
        if (mention := MENTION.fullmatch(token)) and user_id == caller:
            user_id = mention[1]
        elif (named := CHANNEL.fullmatch(token)) and channel is None:
            channel = named[1]
        else:
            return None
    return Asked(user_id, channel)


async def progress_message(
    runtime: Runtime, client: AsyncWebClient, team_id: str, asked: Asked, typed_in: str | None
) -> Message:
    """One rep's week and their last four weeks on one team, loaded in one round of
    queries: the ``#channel`` named, else the team of the channel typed in when they
    are on it, else their one team (on several, the reply asks which)."""
    person = await known_person(runtime, client, team_id, asked.user_id, asked.user_id)
    teams = await runtime.teams(team_id)
    known = await runtime.known(team_id, asked.user_id)
    seats = known.seats if known is not None else ()
    theirs = teams.rep_teams(seats, human=not (person.is_bot or person.is_deleted))
    if asked.channel is not None:
        team = teams.by_channel(asked.channel)
        if team is None:
            return notice(f"<#{asked.channel}> is not a team. Nothing to show.")
    elif (here := teams.by_channel(typed_in)) is not None and (here in theirs or not theirs):
        team = here
    elif len(theirs) > 1:
        return which_team([t.channel for t in theirs])
    elif theirs or len(teams):
        team = theirs[0] if theirs else next(iter(teams))
    else:
        return notice("There is no team yet: a manager can run /huddle setup in a channel.")
    seat = next((s for s in seats if s.team_ref == team.ref), None)
    rep = member_of(runtime, team, person, seat)
    this_week = week_start(runtime.today(person.timezone, team.settings.timezone))
    weeks = await load_rep_history(runtime, team, rep, this_week, HISTORY_WEEKS)
    return rep_progress(person.display_name, weeks[-1], weeks[:-1])


def register(app: AsyncApp, live: LiveUpdates) -> None:
    runtime = live.runtime

    @app.command("/progress")
    async def progress(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        team_id = body["team_id"]
        asked = parse_progress(as_typed(body.get("text") or ""), body["user_id"])
        if asked is None:
            await ack(
                **notice(
                    "Use /progress for your own week, /progress @teammate for theirs, and"
                    " add #channel to pick the team."
                )
            )
            return
        whose = asked
        try:
            message = await within(
                Deadline(CHECKIN_SECONDS),
                lambda _: progress_message(runtime, client, team_id, whose, body.get("channel_id")),
            )
        except NotSaved as error:  # a read, so never unconfirmed
            log.warning("/progress for %s failed: %r", asked.user_id, error)
            message = notice(NOT_ANSWERED)
        await ack(**message)
