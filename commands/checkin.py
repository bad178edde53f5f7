"""``/logmeeting``, ``/logcall``, ``/logfollowup``, ``/logreferral``, ``/log`` and the
buttons on their replies.

Order of events for a check-in: parse, commit, acknowledge with the private reply,
then announce to the team. The rep is told "recorded" only after the commit, and
the channel post (a Slack round trip) happens after Slack already has its answer.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.activities import BUILT_IN, Activity
from bot.domain.checkin import Logged
from bot.domain.team_settings import TeamSettings
from bot.domain.weeks import week_start
from bot.live.updates import LiveUpdates
from bot.messages import Message, team_choice
from bot.messages import checkin as messages
from bot.messages.announcements import replace_line
from bot.messages.blocks import BROKEN_BUTTON
from bot.messages.checkin import LOG_AGAIN_ACTION, UNDO_ACTION
from bot.messages.weekly import NUDGE_LOG_ACTION, nudge_activity
from bot.runtime import Runtime
from bot.team.roster import known_person
from commands.checkin_teams import CheckInTeams, checkin_teams, every_activity
from commands.grammar.checkin import InvalidCheckIn, parse_checkin, split_activity, usage
from commands.grammar.tokens import as_typed
from commands.recording import CannotUndo, Outcome, Undone, record, undo
from storage import queries
from storage.deadline import Deadline, NotSaved, SaveUnknown, within
from storage.errors import DB_ERRORS
from storage.models import Person

log = logging.getLogger(__name__)

NOT_SAVED = (
    "I couldn't save that check-in: the database isn't answering. Nothing was recorded — "
    "please try again in a moment."
)
UNCONFIRMED = (
    "I couldn't confirm that check-in: the database stopped answering while saving it, so "
    "it may or may not be recorded. Check /progress before logging it again."
)
CHECKIN_SECONDS = 2.0
"""How long a check-in's database work may take: Slack shows the rep an error at 3 s,
and the answer still has to travel back."""


def _usage(limits: TeamSettings, activity: Activity | None) -> str:
    return usage(activity, max_count=limits.max_count, backdate_days=limits.backdate_days)


def announce(
    live: LiveUpdates,
    client: AsyncWebClient,
    person: Person,
    teams: CheckInTeams,
    logged: Logged,
    outcome: Outcome,
) -> None:
    """Queue each team's line (``bot.live.announcer``), its board update and a refresh
    of the rep's App Home; all go out in tasks of their own, after the rep has their
    reply."""
    runtime = live.runtime
    for seat in teams.counting(logged.activity.key):
        team = seat[0]
        zone = team.settings.timezone
        named = replace(logged, activity=team.known(logged.activity.key) or logged.activity)
        line = messages.announcement(  # in the team's own words for the activity
            person.display_name,
            named,
            outcome.progress(seat, named),
            runtime.today(person.timezone, zone),
            week_start(runtime.today(None, zone)),
        )
        live.announcer.announce(client, team, outcome.checkin.id, line)
        live.boards.refresh(client, team)
    live.homes.refresh(client, person.team_id, person.user_id)


async def retract(
    live: LiveUpdates, client: AsyncWebClient, undone: Undone, person: Person
) -> None:
    """After an undo: strike through the team's line (the day in the rep's words), and
    bring the board and the rep's App Home up to date."""
    runtime, checkin = live.runtime, undone.checkin
    await live.announcer.posted(checkin.id)
    try:
        async with runtime.sessions() as session:
            posted = await queries.announcements(session, checkin.id)
    except DB_ERRORS as error:
        log.warning("could not find the lines to strike through: %r", error)
        posted = []
    teams = await runtime.teams(checkin.team_id)
    for channel, ts in posted:
        team = teams.by_channel(channel)
        zone = team.settings.timezone if team is not None else None
        today = runtime.today(person.timezone, zone)
        struck = messages.announcement_undone(person.display_name, undone.logged, today)
        try:
            async with runtime.sessions() as session:
                shared = len(await queries.announced_with(session, channel, ts)) > 1
            update = (
                await _struck_in_place(client, channel, ts, checkin.id, struck)
                if shared
                else struck
            )
            if update is not None:
                await client.chat_update(channel=channel, ts=ts, **update)
        except (*DB_ERRORS, SlackApiError) as error:
            log.warning("could not strike through announcement: %r", error)
        if team is not None:
            live.boards.refresh(client, team)
    live.homes.refresh(client, checkin.team_id, checkin.user_id)


async def _struck_in_place(
    client: AsyncWebClient, channel: str, ts: str, checkin_id: int, struck: Message
) -> Message | None:
    """A message several check-ins share, as posted, with only this one's line struck
    (None if Slack no longer has it: then nobody else's line is touched either)."""
    found = await client.conversations_replies(
        channel=channel, ts=ts, oldest=ts, latest=ts, inclusive=True, limit=2
    )
    posted = next((m for m in found["messages"] if m.get("ts") == ts), None)
    return replace_line(posted.get("blocks") or [], checkin_id, struck) if posted else None


async def _log(
    live: LiveUpdates,
    client: AsyncWebClient,
    body: dict[str, Any],
    activity: Activity | None,
    ack: AsyncAck,
) -> None:
    runtime = live.runtime
    team_id, user_id = body["team_id"], body["user_id"]
    text = as_typed(body.get("text") or "")
    deadline = Deadline(CHECKIN_SECONDS)
    person = await rep_within(
        runtime, client, team_id, user_id, body.get("user_name", ""), deadline, ack
    )
    if person is None:
        return
    teams = await checkin_teams(runtime, person, body.get("channel_id"))
    limits = teams.limits(runtime.team_defaults)
    today = runtime.today(person.timezone, limits.timezone)
    try:
        if activity is None:
            activity, text = split_activity(text, teams.activities)
        elif not any(a.key == activity.key for a in teams.activities):
            raise InvalidCheckIn(not_counted(teams, activity))
        request = parse_checkin(
            text, today=today, max_count=limits.max_count, backdate_days=limits.backdate_days
        )
    except InvalidCheckIn as invalid:
        await ack(
            response_type="ephemeral", **messages.problem(str(invalid), _usage(limits, activity))
        )
        return
    logged = Logged(user_id, activity, request.count, request.day, request.note)
    await record_and_reply(
        live, client, person, teams, logged, today, ack, source="command", deadline=deadline
    )


def not_counted(teams: CheckInTeams, activity: Activity) -> str:
    """Why a built-in activity's command logs nothing for this person."""
    where = f"<#{teams.home.channel}>" if teams.home else "Your team"
    counted = ", ".join(a.plural for a in teams.activities) or "nothing yet"
    return f"{where} doesn't count {activity.plural}. It counts: {counted}."


async def rep_within(
    runtime: Runtime,
    client: AsyncWebClient,
    team_id: str,
    user_id: str,
    name: str,
    deadline: Deadline,
    reply: Any,
    **reply_options: Any,
) -> Person | None:
    """Who is checking in, looked up within the check-in's deadline; None, with the rep
    told nothing was saved, when the database cannot say."""
    try:
        return await within(
            deadline, lambda _: known_person(runtime, client, team_id, user_id, name)
        )
    except NotSaved as error:
        log.warning("check-in by %s not saved: %s", user_id, error)
        await reply(response_type="ephemeral", **messages.notice(NOT_SAVED), **reply_options)
        return None


async def record_and_reply(
    live: LiveUpdates,
    client: AsyncWebClient,
    person: Person,
    teams: CheckInTeams,
    logged: Logged,
    today: date,
    reply: Any,
    *,
    source: str,
    allow_repeat: bool = False,
    deadline: Deadline | None = None,
    **reply_options: Any,
) -> None:
    """Save within the deadline (a fresh one unless the caller's clock is running) and
    answer: recorded, not saved, or — when the commit went unanswered — unconfirmed.
    A workspace with no team at all (installed with "Add to Slack", not set up yet)
    has nowhere to count it: the answer says how to make a team, nothing is saved."""
    runtime = live.runtime
    if teams.home is None:
        await reply(response_type="ephemeral", **team_choice.no_team(), **reply_options)
        return
    try:
        outcome = await within(
            deadline or Deadline(CHECKIN_SECONDS),
            lambda commit: record(
                runtime, person.team_id, logged, source, allow_repeat=allow_repeat, commit=commit
            ),
        )
    except (NotSaved, SaveUnknown) as error:
        log.warning("check-in by %s: %s", logged.user_id, error)
        answer = NOT_SAVED if isinstance(error, NotSaved) else UNCONFIRMED
        await reply(response_type="ephemeral", **messages.notice(answer), **reply_options)
        return
    progress = outcome.progress(teams.judged_by(logged.activity.key), logged)
    if outcome.repeat:
        reply_message: Message = messages.repeated(logged, progress, today)
    else:
        reply_message = messages.recorded(
            logged,
            outcome.checkin.id,
            progress,
            today,
            on_roster=teams.on_roster,
            channel=teams.home.channel if teams.home else runtime.settings.channel,
        )
    await reply(response_type="ephemeral", **reply_message, **reply_options)
    if not outcome.repeat:
        announce(live, client, person, teams, logged, outcome)


MAX_CHECKIN_ID = 2**31 - 1
"""Check-in ids are 32-bit integers on every database."""


def _checkin_id(value: object) -> int:
    """The check-in an **Undo** button names; ValueError when it names none."""
    if not (isinstance(value, str) and value.isascii() and value.isdigit()):
        raise ValueError("not a check-in id")
    checkin_id = int(value)
    if not 0 < checkin_id <= MAX_CHECKIN_ID:
        raise ValueError("not a check-in id")
    return checkin_id


async def _presser(
    runtime: Runtime, client: AsyncWebClient, body: dict[str, Any], respond: AsyncRespond
) -> tuple[Person, CheckInTeams, date, Deadline] | None:
    """Who pressed a logging button, their teams, their today, and the check-in's
    clock, started now."""
    deadline = Deadline(CHECKIN_SECONDS)
    person = await rep_within(
        runtime,
        client,
        body["team"]["id"],
        body["user"]["id"],
        body["user"].get("name", ""),
        deadline,
        respond,
        replace_original=False,
    )
    if person is None:
        return None
    teams = await checkin_teams(runtime, person, (body.get("channel") or {}).get("id"))
    today = runtime.today(person.timezone, teams.limits(runtime.team_defaults).timezone)
    return person, teams, today, deadline


def register(app: AsyncApp, live: LiveUpdates) -> None:
    runtime = live.runtime

    def activity_command(activity: Activity) -> Any:
        async def log_activity(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
            await _log(live, client, body, activity, ack)

        return log_activity

    for activity in BUILT_IN:
        app.command(activity.command)(activity_command(activity))

    @app.command("/log")
    async def log_any(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await _log(live, client, body, None, ack)

    @app.action(UNDO_ACTION)
    async def undo_button(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        try:
            checkin_id = _checkin_id(body["actions"][0].get("value"))
            person = await known_person(runtime, client, team_id, user_id, user_id)
            teams = await checkin_teams(runtime, person, None)
            result = await undo(runtime, team_id, checkin_id, user_id, every_activity(teams))
        except (ValueError, CannotUndo) as refusal:
            reason = str(refusal) if isinstance(refusal, CannotUndo) else BROKEN_BUTTON
            await respond(
                replace_original=False, response_type="ephemeral", **messages.notice(reason)
            )
            return
        except DB_ERRORS:
            log.exception("undo of %s failed", body["actions"][0].get("value"))
            await respond(
                replace_original=False,
                **messages.notice(
                    "I couldn't undo that: the database isn't answering. Please try again."
                ),
            )
            return
        today = runtime.today(person.timezone, teams.limits(runtime.team_defaults).timezone)
        progress = result.progress(teams.judged_by(result.logged.activity.key))
        await respond(replace_original=True, **messages.undone(result.logged, progress, today))
        await retract(live, client, result, person)

    @app.action(re.compile(rf"^{NUDGE_LOG_ACTION}:"))
    async def nudge_log_button(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """**Log a meeting** on the Thursday nudge: one, today, for whoever pressed it."""
        await ack()
        user_id = body["user"]["id"]
        key = nudge_activity(body["actions"][0]["action_id"])
        presser = await _presser(runtime, client, body, respond)
        if presser is None:
            return
        person, teams, today, deadline = presser
        activity = next((a for a in teams.activities if a.key == key), None)
        if activity is None:
            await respond(replace_original=False, **messages.notice(BROKEN_BUTTON))
            return
        logged = Logged(user_id, activity, 1, today, "")
        await record_and_reply(
            live,
            client,
            person,
            teams,
            logged,
            today,
            respond,
            source="nudge",
            deadline=deadline,
            replace_original=False,
        )

    @app.action(LOG_AGAIN_ACTION)
    async def log_again_button(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        user_id = body["user"]["id"]
        presser = await _presser(runtime, client, body, respond)
        if presser is None:
            return
        person, teams, today, deadline = presser
        try:
            value = json.loads(body["actions"][0].get("value") or "")
            activity = next(a for a in teams.activities if a.key == value["a"])
            count, note = value["c"], value["n"]
            if not (isinstance(count, int) and isinstance(note, str)):
                raise TypeError("the count must be a number and the note text")
            logged = Logged(value["u"], activity, count, date.fromisoformat(value["d"]), note)
        except (ValueError, KeyError, TypeError, StopIteration):
            await respond(replace_original=False, **messages.notice(BROKEN_BUTTON))
            return
        if logged.user_id != user_id:
            await respond(
                replace_original=False, **messages.notice("You can only log for yourself.")
            )
            return
        limits = teams.limits(runtime.team_defaults)
        try:
            replay = parse_checkin(
                f"{logged.count} {logged.day.isoformat()} {logged.note}",
                today=today,
                max_count=limits.max_count,
                backdate_days=limits.backdate_days,
            )
        except InvalidCheckIn as invalid:
            await respond(replace_original=False, **messages.notice(str(invalid)))
            return
        if replay.note != logged.note:
            await respond(replace_original=False, **messages.notice(BROKEN_BUTTON))
            return
        await record_and_reply(
            live,
            client,
            person,
            teams,
            logged,
            today,
            respond,
            source="log-again",
            allow_repeat=True,
            deadline=deadline,
            replace_original=True,
        )
