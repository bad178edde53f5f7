"""``/huddle``: help, goals, away days, undo, managers, the board and export, and
(in :mod:`commands.team_admin`) setup, settings, activities, the roster and holidays.

Every answer is private (the slash command's own reply). The text is parsed by
:mod:`commands.grammar.admin` before anything is read or written; refusals and
mistakes change nothing. A command acts on one team (:mod:`commands.caller` chooses
it), and only that team's managers change its goals, roles and settings or mark
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

from bot.domain.activities import Activity
from bot.domain.goals import TEAM_DEFAULT
from bot.domain.team import Team
from bot.domain.weeks import local_date, week_start
from bot.live.updates import LiveUpdates
from bot.messages import Message
from bot.messages import admin as replies
from bot.messages import checkin as checkin_messages
from bot.messages.checkin import notice
from bot.team.setup import load_roster
from bot.team.state import board_of, load_state
from commands import team_admin
from commands.caller import Caller, NoTeam, caller_of, refusal
from commands.checkin import retract
from commands.checkin_teams import checkin_teams, every_activity
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
    Undo,
    away_days,
    parse_scoped,
)
from commands.grammar.team_admin import (
    AddActivity,
    ChangeHolidays,
    ChangeSetting,
    ListActivities,
    ListHolidays,
    RemoveActivity,
    RosterChange,
    Setup,
    ShowSettings,
)
from commands.recording import CannotUndo, undo
from storage import away, goals, memberships, people, queries
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
        scoped = parse_scoped(body.get("text") or "")
    except InvalidCommand as invalid:
        return Reply(replies.command_problem(str(invalid), invalid.topic))
    command = scoped.command
    team_id, user_id = body["team_id"], body["user_id"]
    try:
        caller = await caller_of(
            live,
            client,
            team_id,
            user_id,
            body.get("user_name", ""),
            typed_in=body.get("channel_id"),
            named=scoped.channel,
        )
        if isinstance(command, Setup):
            message, made = await team_admin.setup(caller, scoped.channel or body.get("channel_id"))
            if not made:
                return Reply(message)

            async def roster(_respond: AsyncRespond) -> None:
                await load_roster(live.runtime, client, team_id)

            return Reply(message, roster)
        return await _carry_out(caller, command)
    except NoTeam as none:
        return Reply(none.message)
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
            return Reply(await team_admin.show_settings(caller))
        case ChangeSetting():
            return Reply(await team_admin.change_setting(caller, command))
        case ListActivities():
            return Reply(team_admin.list_activities(caller))
        case AddActivity():
            return Reply(await team_admin.add_activity(caller, command))
        case RemoveActivity():
            return Reply(await team_admin.remove_activity(caller, command))
        case RosterChange():
            return Reply(await team_admin.change_roster(caller, command))
        case ListHolidays():
            return Reply(team_admin.list_holidays(caller))
        case ChangeHolidays():
            return Reply(await team_admin.change_holidays(caller, command))
        case Export():
            return await _export(caller, command)
        case Setup():  # handled before a team is chosen
            raise AssertionError("setup is carried out by huddle_reply")


async def _board(caller: Caller) -> Message:
    """The same board the team's channel gets each morning, privately and up to the
    minute."""
    team, runtime = caller.team, caller.runtime
    today = runtime.today(None, team.settings.timezone)
    week = week_start(today)
    state = await load_state(runtime, team, week, week)
    return board_of(state, today)


# Goals ----------------------------------------------------------------------------


async def _list_goals(caller: Caller) -> Message:
    team, runtime = caller.team, caller.runtime
    week = week_start(runtime.today(None, team.settings.timezone))
    async with runtime.sessions() as session:
        rows = await goals.goals_for_week(session, team.ref, week)
        reps = {r.user_id for r in rows if r.user_id != TEAM_DEFAULT}
        names = await people.display_names(session, caller.team_id, reps)
    return replies.goals_list(week, list(team.activities), rows, names)


def _activity(name: str, team: Team) -> Activity:
    activity = team.resolve(name)
    if activity is None:
        choices = ", ".join(a.singular for a in team.activities)
        raise InvalidCommand(
            f"I don't know the activity `{name[:40]}`. Try one of: {choices}.", "goal"
        )
    return activity


async def _set_goal(caller: Caller, command: SetGoal) -> Message:
    team = caller.team
    if not caller.manager:
        return await refusal(caller, "change goals")
    runtime = caller.runtime
    activity = _activity(command.activity_name, team)
    rep = None if command.user_id is None else await caller.person_named(command.user_id)
    this_week = week_start(runtime.today(None, team.settings.timezone))
    async with runtime.sessions.begin() as session:
        summarised = await summary_posted(session, caller.team_id, team.channel, this_week)
        week = this_week + timedelta(weeks=1) if summarised else this_week
        await goals.set_goal(
            session,
            team_id=caller.team_id,
            team_ref=team.ref,
            activity=activity.key,
            user_id=TEAM_DEFAULT if rep is None else rep.user_id,
            week=week,
            target=command.target,
            updated_by=caller.person.user_id,
            now=runtime.now(),
        )
        rows = await goals.goals_for_week(session, team.ref, week)
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
    """The person an away/back command is about, or the refusal when someone who is
    not a manager of the team names someone else."""
    if user_id is None or user_id == caller.person.user_id:
        return caller.person
    if not caller.manager:
        return await refusal(caller, what)
    team = caller.team  # a manager, so the command has a team
    known = await caller.runtime.known(caller.team_id, user_id)
    if not any(s.team_ref == team.ref and s.in_channel for s in (known.seats if known else ())):
        return notice(
            f"<@{user_id}> isn't in <#{team.channel}>: a manager marks away only the people"
            " of their own team. Nothing was changed."
        )
    return await caller.person_named(user_id)


def _backdate_days(caller: Caller) -> int:
    """Your own away days need no team: a person on none gets the defaults."""
    chosen = caller.chosen.settings if caller.chosen else caller.runtime.team_defaults
    return chosen.backdate_days


async def _away(caller: Caller, command: Away) -> Message:
    whose = await _whose_days(caller, command.user_id, "mark someone else away")
    if not isinstance(whose, Person):
        return whose
    runtime = caller.runtime
    today = runtime.today(whose.timezone, caller.zone)
    first, last = away_days(command, today=today, backdate_days=_backdate_days(caller))
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
    today = runtime.today(whose.timezone, caller.zone)
    async with runtime.sessions.begin() as session:
        changed = await away.end_away(session, caller.team_id, whose.user_id, today)
    name = None if whose is caller.person else whose.display_name
    return replies.back_marked(name, changed.shortened, changed.cancelled, today)


# Undo -----------------------------------------------------------------------------


async def _undo(caller: Caller) -> Reply:
    """A check-in is the person's, whichever teams it counts on: undo needs no team.
    The progress shown is on the team it counts on for them, as the Undo button's."""
    runtime, person = caller.runtime, caller.person
    teams = await checkin_teams(runtime, person, None)
    zone = runtime.zone(person.timezone, teams.limits(runtime.team_defaults).timezone)
    today = local_date(runtime.now(), zone)
    week = week_start(today)
    began = datetime.combine(week, time(), tzinfo=zone)
    async with runtime.sessions() as session:
        latest = await queries.latest_checkin(
            session, caller.team_id, person.user_id, week=week, week_began=began
        )
    if latest is None:
        return Reply(notice("You have no check-in this week to undo. Nothing was changed."))
    try:
        result = await undo(
            runtime, caller.team_id, latest.id, person.user_id, every_activity(teams)
        )
    except CannotUndo as refusal:
        return Reply(notice(str(refusal)))

    async def strike(_respond: AsyncRespond) -> None:
        await retract(caller.live, caller.client, result, person)

    progress = result.progress(teams.judged_by(result.logged.activity.key))
    return Reply(checkin_messages.undone(result.logged, progress, today), strike)


# Managers -------------------------------------------------------------------------


async def _manager(caller: Caller, command: Manager) -> Message:
    team = caller.team
    if not caller.manager:
        return await refusal(caller, "add or remove managers")
    runtime = caller.runtime
    target = await caller.person_named(command.user_id)
    name = target.display_name
    configured = team.channel == runtime.settings.channel and (
        target.user_id in runtime.settings.managers
    )
    if command.add:
        if target.user_id in team.managers:
            return notice(f"{name} is already a manager. Nothing was changed.")
        if target.is_bot or target.is_deleted:
            return notice(f"{name} can't be a manager: only active people can.")
    else:
        if configured:
            return notice(
                f"{name} is a manager through HUDDLE_MANAGERS, which a command can't change. "
                "Remove them there and restart Huddle. Nothing was changed."
            )
        if target.user_id not in team.managers:
            return notice(f"{name} isn't a manager. Nothing was changed.")
        if not team.managers - {target.user_id}:
            return notice(
                f"{name} is the only manager; add another one first. Nothing was changed."
            )
    async with runtime.sessions.begin() as session:
        await memberships.set_role(
            session, caller.team_id, team.ref, target.user_id, runtime.now(), is_manager=command.add
        )
    runtime.forget_teams(caller.team_id)
    runtime.forget_people(caller.team_id, [target.user_id])
    if command.add:
        return notice(
            f"{name} is now a manager: they can change goals, roles and settings and mark "
            "others away. Managers aren't counted as reps on the board or nudged."
        )
    return notice(f"{name} is no longer a manager.")


# Export ---------------------------------------------------------------------------


async def _export(caller: Caller, command: Export) -> Reply:
    """Answer at once, then upload: a big export may take longer than Slack's three
    seconds. How the upload went follows as a second private reply."""
    team = caller.team
    if not caller.manager:
        return Reply(await refusal(caller, "export check-ins"))
    weeks = command.weeks
    since = first_day(caller.runtime.today(None, team.settings.timezone), weeks)

    async def upload(respond: AsyncRespond) -> None:
        result = await export_to_dm(
            caller.runtime, caller.client, team, caller.person.user_id, weeks
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
