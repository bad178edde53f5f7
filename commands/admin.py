"""``/huddle``: help, goals, away days, undo, managers and settings.

Every answer is private (the slash command's own reply). The text is parsed by
:mod:`commands.grammar.admin` before anything is read or written; refusals and
mistakes change nothing. Only managers change goals, roles and settings or mark
someone else away (SPEC, "People").
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.activities import Activity, resolve_activity
from bot.domain.goals import TEAM_DEFAULT
from bot.domain.weeks import week_start
from bot.domain.windows import nudged_at_team_time
from bot.live.updates import LiveUpdates
from bot.messages import Message, weekly
from bot.messages import admin as replies
from bot.messages import checkin as checkin_messages
from bot.messages.checkin import notice
from bot.team.roster import known_person
from bot.team.state import load_state, rep_weeks
from commands.caller import Caller, refusal
from commands.checkin import retract
from commands.export import export_to_dm, first_day
from commands.grammar.admin import (
    Away,
    Back,
    Board,
    Export,
    Help,
    HuddleCommand,
    InvalidCommand,
    ListGoals,
    Manager,
    SetGoal,
    ShowSettings,
    Undo,
    away_days,
    parse_huddle,
)
from commands.recording import CannotUndo, undo
from storage import away, goals, people, queries
from storage.errors import DB_ERRORS
from storage.ledger import summary_posted
from storage.models import Person

log = logging.getLogger(__name__)

NOT_CHANGED = (
    "I couldn't do that: the database isn't answering. Nothing was changed — please try "
    "again in a moment."
)


@dataclass(frozen=True)
class Reply:
    """The private answer, and work to do once Slack has it (a channel edit)."""

    message: Message
    then: Callable[[AsyncRespond], Awaitable[None]] | None = None
    """Called with the command's ``respond`` for anything to say afterwards."""


async def huddle_reply(live: LiveUpdates, client: AsyncWebClient, body: dict[str, Any]) -> Reply:
    """Parse and carry out one ``/huddle`` command; never raises for bad input."""
    try:
        command = parse_huddle(body.get("text") or "")
    except InvalidCommand as invalid:
        return Reply(replies.command_problem(str(invalid), invalid.topic))
    runtime = live.runtime
    team_id, user_id = body["team_id"], body["user_id"]
    try:
        person = await known_person(runtime, client, team_id, user_id, body.get("user_name", ""))
        return await _carry_out(Caller(live, client, team_id, person), command)
    except InvalidCommand as invalid:
        return Reply(replies.command_problem(str(invalid), invalid.topic))
    except DB_ERRORS as error:
        log.warning("/huddle %s by %s failed: %r", type(command).__name__, user_id, error)
        return Reply(notice(NOT_CHANGED))


async def _carry_out(caller: Caller, command: HuddleCommand) -> Reply:
    match command:
        case Help():
            return Reply(replies.help_message(is_manager=caller.manager))
        case Board():
            return Reply(await _board(caller))
        case ListGoals():
            return Reply(await _list_goals(caller))
        case SetGoal():
            return Reply(await _set_goal(caller, command))
        case Away():
            return Reply(await _away(caller, command))
        case Back():
            return Reply(await _back(caller, command))
        case Undo():
            return await _undo(caller)
        case Manager():
            return Reply(await _manager(caller, command))
        case ShowSettings():
            return Reply(await _settings(caller))
        case Export():
            return await _export(caller, command)
        case _:  # setup, a settings change, activities, the roster: wired with teams
            return Reply(replies.command_problem("That isn't available yet.", None))


async def _board(caller: Caller) -> Message:
    """The same board the channel gets each morning, privately and up to the minute."""
    runtime = caller.runtime
    today = runtime.today()
    week = week_start(today)
    state = await load_state(runtime, caller.team_id, week, week)
    return weekly.board(today, rep_weeks(state, week))


# Goals ----------------------------------------------------------------------------


async def _list_goals(caller: Caller) -> Message:
    runtime = caller.runtime
    week = week_start(runtime.today())
    activities = await runtime.activities(caller.team_id)
    async with runtime.sessions() as session:
        rows = await goals.goals_for_week(session, caller.team_id, week)
        reps = {r.user_id for r in rows if r.user_id != TEAM_DEFAULT}
        names = await people.display_names(session, caller.team_id, reps)
    return replies.goals_list(week, activities, rows, names)


def _activity(name: str, activities: list[Activity]) -> Activity:
    activity = resolve_activity(name, activities)
    if activity is None:
        choices = ", ".join(a.singular for a in activities)
        raise InvalidCommand(
            f"I don't know the activity `{name[:40]}`. Try one of: {choices}.", "goal"
        )
    return activity


async def _set_goal(caller: Caller, command: SetGoal) -> Message:
    if not caller.manager:
        return await refusal(caller, "change goals")
    runtime = caller.runtime
    activity = _activity(command.activity_name, await runtime.activities(caller.team_id))
    rep = None if command.user_id is None else await caller.person_named(command.user_id)
    this_week = week_start(runtime.today())
    async with runtime.sessions.begin() as session:
        summarised = await summary_posted(
            session, caller.team_id, runtime.settings.channel, this_week
        )
        week = this_week + timedelta(weeks=1) if summarised else this_week
        await goals.set_goal(
            session,
            team_id=caller.team_id,
            activity=activity.key,
            user_id=TEAM_DEFAULT if rep is None else rep.user_id,
            week=week,
            target=command.target,
            updated_by=caller.person.user_id,
            now=runtime.now(),
        )
        rows = await goals.goals_for_week(session, caller.team_id, week)
    team_target = next(
        (r.target for r in rows if r.user_id == TEAM_DEFAULT and r.activity == activity.key),
        None,
    )
    return replies.goal_changed(
        activity,
        command.target,
        week,
        name=None if rep is None else rep.display_name,
        team_target=team_target,
        summarised=summarised,
    )


# Away days ------------------------------------------------------------------------


def _workdays(first: date, last: date) -> int:
    days = (first + timedelta(days=i) for i in range((last - first).days + 1))
    return sum(1 for day in days if day.weekday() < 5)


async def _whose_days(caller: Caller, user_id: str | None, what: str) -> Person | Message:
    """The person an away/back command is about, or the refusal when a rep names
    someone else."""
    if user_id is None or user_id == caller.person.user_id:
        return caller.person
    if not caller.manager:
        return await refusal(caller, what)
    return await caller.person_named(user_id)


async def _away(caller: Caller, command: Away) -> Message:
    whose = await _whose_days(caller, command.user_id, "mark someone else away")
    if not isinstance(whose, Person):
        return whose
    runtime = caller.runtime
    today = runtime.today(whose.timezone)
    first, last = away_days(command, today=today, backdate_days=runtime.settings.backdate_days)
    async with runtime.sessions.begin() as session:
        await away.add_away(
            session,
            team_id=caller.team_id,
            user_id=whose.user_id,
            first=first,
            last=last,
            created_by=caller.person.user_id,
            now=runtime.now(),
        )
    name = None if whose is caller.person else whose.display_name
    return replies.away_marked(name, first, last, today, _workdays(first, last))


async def _back(caller: Caller, command: Back) -> Message:
    whose = await _whose_days(caller, command.user_id, "mark someone else back")
    if not isinstance(whose, Person):
        return whose
    runtime = caller.runtime
    today = runtime.today(whose.timezone)
    async with runtime.sessions.begin() as session:
        changed = await away.end_away(session, caller.team_id, whose.user_id, today)
    name = None if whose is caller.person else whose.display_name
    return replies.back_marked(name, changed.shortened, changed.cancelled, today)


# Undo -----------------------------------------------------------------------------


async def _undo(caller: Caller) -> Reply:
    runtime, person = caller.runtime, caller.person
    today = runtime.today(person.timezone)
    week = week_start(today)
    began = datetime.combine(week, time(), tzinfo=runtime.zone(person.timezone))
    async with runtime.sessions() as session:
        latest = await queries.latest_checkin(
            session, caller.team_id, person.user_id, week=week, week_began=began
        )
    if latest is None:
        return Reply(notice("You have no check-in this week to undo. Nothing was changed."))
    try:
        result = await undo(runtime, caller.team_id, latest.id, person.user_id)
    except CannotUndo as refusal:
        return Reply(notice(str(refusal)))

    async def strike(_respond: AsyncRespond) -> None:
        await retract(caller.live, caller.client, result, person)

    return Reply(checkin_messages.undone(result.logged, result.progress, today), strike)


# Managers and settings ------------------------------------------------------------


async def _manager(caller: Caller, command: Manager) -> Message:
    if not caller.manager:
        return await refusal(caller, "add or remove managers")
    runtime = caller.runtime
    target = await caller.person_named(command.user_id)
    name = target.display_name
    configured = target.user_id in runtime.settings.managers
    if command.add:
        if configured or target.is_manager:
            return notice(f"{name} is already a manager. Nothing was changed.")
        if target.is_bot or target.is_deleted:
            return notice(f"{name} can't be a manager: only active people can.")
    else:
        if configured:
            return notice(
                f"{name} is a manager through HUDDLE_MANAGERS, which a command can't change. "
                "Remove them there and restart Huddle. Nothing was changed."
            )
        if not target.is_manager:
            return notice(f"{name} isn't a manager. Nothing was changed.")
    async with runtime.sessions.begin() as session:
        if not command.add and not runtime.settings.managers:
            others = set(await people.stored_managers(session, caller.team_id)) - {target.user_id}
            if not others:
                return notice(
                    f"{name} is the only manager; add another one first. Nothing was changed."
                )
        await queries.set_flags(
            session, caller.team_id, target.user_id, runtime.now(), is_manager=command.add
        )
    runtime.forget_people(caller.team_id, [target.user_id])
    if command.add:
        return notice(
            f"{name} is now a manager: they can change goals, roles and settings and mark "
            "others away. Managers aren't counted as reps on the board or nudged."
        )
    return notice(f"{name} is no longer a manager.")


async def _settings(caller: Caller) -> Message:
    if not caller.manager:
        return await refusal(caller, "see the settings")
    runtime = caller.runtime
    week = week_start(runtime.today())
    activities = await runtime.activities(caller.team_id)
    async with runtime.sessions() as session:
        stored = await people.stored_managers(session, caller.team_id)
        rows = await goals.goals_for_week(session, caller.team_id, week)
        team_people = await queries.team_people(session, caller.team_id)
    team = {r.activity: r.target for r in rows if r.user_id == TEAM_DEFAULT and r.target}
    team_time = [
        (p.display_name, zone.key)
        for p in team_people
        if is_rep(p, runtime.settings.managers)
        and nudged_at_team_time(week, zone := runtime.zone(p.timezone), runtime.settings)
    ]
    return replies.settings_view(runtime.settings, stored, activities, team, team_time)


# Export ---------------------------------------------------------------------------


async def _export(caller: Caller, command: Export) -> Reply:
    """Answer at once, then upload: a big export may take longer than Slack's three
    seconds. How the upload went follows as a second private reply."""
    if not caller.manager:
        return Reply(await refusal(caller, "export check-ins"))
    weeks = command.weeks
    since = first_day(caller.runtime.today(), weeks)

    async def upload(respond: AsyncRespond) -> None:
        result = await export_to_dm(
            caller.runtime, caller.client, caller.team_id, caller.person.user_id, weeks
        )
        await respond(response_type="ephemeral", replace_original=False, **result.message)

    return Reply(
        notice(
            f"Preparing a CSV of the check-ins since {since:%a %-d %b %Y} "
            f"({weeks} week{'' if weeks == 1 else 's'}); it will arrive in our direct messages."
        ),
        upload,
    )


def register(app: AsyncApp, live: LiveUpdates) -> None:

    @app.command("/huddle")
    async def huddle(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        reply = await huddle_reply(live, client, body)
        await ack(response_type="ephemeral", **reply.message)
        if reply.then is not None:
            await reply.then(respond)
