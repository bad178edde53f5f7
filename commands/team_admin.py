"""``/huddle setup``, ``settings``, ``activity``, ``rep`` and ``holiday``: the
subcommands that shape a team itself.

The grammar (:mod:`commands.grammar.team_admin`) has read and validated every value;
what depends on the team (is it one yet, is the key known, is the limit reached, is
the caller its manager) is checked here, before anything is written. A change is
committed, then the teams cache is dropped, so the next check-in, tick and command
see it (SPEC, "Workspaces and teams", "Activities").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime

from bot.domain.activities import (
    BUILT_IN,
    MAX_ACTIVE_ACTIVITIES,
    Activity,
    name_clash,
    new_activity,
)
from bot.domain.team import Team
from bot.domain.team_settings import SettingChange, TeamSettings, setting_text, with_setting
from bot.domain.weeks import local_date, week_start
from bot.domain.windows import next_runs, nudged_at_team_time
from bot.messages import Message
from bot.messages import team_admin as replies
from bot.messages.admin import command_problem, team_time_lines
from bot.messages.blocks import sections
from bot.messages.checkin import notice
from bot.team.setup import Outcome, create_team
from bot.team.state import load_state
from commands.caller import Caller, refusal
from commands.grammar.team_admin import (
    AddActivity,
    ChangeHolidays,
    ChangeSetting,
    RemoveActivity,
    RosterChange,
)
from storage import holidays, memberships, teams


def _changes(team: Team) -> Mapping[str, SettingChange]:
    """Who changed which setting in Slack, on the team's calendar."""
    zone = team.settings.timezone
    return {
        word: SettingChange(who, local_date(datetime.fromisoformat(at), zone))
        for word, (who, at) in team.changed.items()
    }


def _settings_view(caller: Caller, team: Team) -> Message:
    return replies.team_settings_view(
        team.channel,
        team.settings,
        _changes(team),
        *next_runs(caller.runtime.now(), team.settings, team.calendar),
    )


# Setting a team up -------------------------------------------------------------------


async def setup(caller: Caller, channel: str | None) -> tuple[Message, bool]:
    """Make ``channel`` (where the command was typed, or the one it names) a team,
    with the caller as its first manager; True when it was made, and its roster (the
    channel's members) is then to be read once Slack has the reply."""
    if channel is None or not channel.startswith(("C", "G")):
        message = notice(
            "Type `/huddle setup` in the channel that should become a team: Huddle posts "
            "its board and summary there."
        )
        return message, False
    runtime = caller.runtime
    defaults = runtime.team_defaults
    done = await create_team(
        runtime,
        caller.client,
        caller.team_id,
        channel,
        caller.person.user_id,
        defaults,
        runtime.settings.goals,
        roster=False,
    )
    if done.outcome is Outcome.CREATED:
        return replies.team_created(channel, defaults, *next_runs(runtime.now(), defaults)), True
    if done.outcome is Outcome.ALREADY and done.team is not None:
        return _already(caller, done.team), False
    if done.outcome is Outcome.NO_ANSWER:
        return notice("Slack didn't answer, so nothing was set up. Please try again."), False
    return replies.not_in_channel(channel), False


def _already(caller: Caller, team: Team) -> Message:
    upcoming = next_runs(caller.runtime.now(), team.settings, team.calendar)
    return replies.already_a_team(team.channel, team.settings, _changes(team), *upcoming)


# Settings ------------------------------------------------------------------------------


async def show_settings(caller: Caller) -> Message:
    """Anyone on the team may look: when the nudge comes is no secret. Reps so far west
    that their nudge comes at the team's time are named."""
    team, runtime = caller.team, caller.runtime
    week = week_start(runtime.today(None, team.settings.timezone))
    state = await load_state(runtime, team, week, week)
    west = [
        (rep.name, rep.timezone.key)
        for rep in state.reps
        if nudged_at_team_time(week, rep.timezone, team.settings, team.calendar)
    ]
    view = _settings_view(caller, team)
    lines = team_time_lines(team.settings, west)
    return {**view, "blocks": [*view["blocks"], *sections(lines)]} if lines else view


async def change_setting(caller: Caller, command: ChangeSetting) -> Message:
    team = caller.team
    if not caller.manager:
        return await refusal(caller, "change settings")
    try:
        changed: TeamSettings = with_setting(team.settings, command.word, command.value)
    except ValueError as incoherent:
        return command_problem(str(incoherent), "settings")
    runtime = caller.runtime
    text = setting_text(changed, command.word)
    async with runtime.sessions.begin() as session:
        await teams.set_setting(
            session, team.ref, command.word, text, caller.person.user_id, runtime.now()
        )
    runtime.forget_teams(caller.team_id)
    calendar = replace(team, settings=changed).calendar
    upcoming = next_runs(runtime.now(), changed, calendar)
    return replies.setting_changed(command.word, changed, *upcoming)


# Activities ----------------------------------------------------------------------------


def list_activities(caller: Caller) -> Message:
    team = caller.team
    return replies.activity_list(team.activities, team.retired)


def _labelled(command: AddActivity, team: Team) -> Activity:
    """The activity ``add`` means: a retired one keeps the labels it had unless new ones
    are given; a built-in key its built-in labels; a new key the defaults."""
    former = team.known(command.key) or next((a for a in BUILT_IN if a.key == command.key), None)
    if former is None:
        return new_activity(command.key, command.singular, command.plural)
    if command.singular is None:
        return replace(former, plural=command.plural or former.plural)
    return new_activity(command.key, command.singular, command.plural)


async def add_activity(caller: Caller, command: AddActivity) -> Message:
    team = caller.team
    if not caller.manager:
        return await refusal(caller, "change the team's activities")
    if team.counts(command.key):
        return command_problem(
            f"This team already counts `{command.key}`. Nothing to add.", "activity"
        )
    if len(team.activities) >= MAX_ACTIVE_ACTIVITIES:
        return replies.too_many_activities(team.activities)
    activity = _labelled(command, team)
    clash = name_clash(activity, team.activities)
    if clash is not None:
        return replies.activity_name_taken(activity, clash)
    revived = team.known(command.key) is not None
    runtime = caller.runtime
    async with runtime.sessions.begin() as session:
        await teams.add_activity(session, team, activity, runtime.now())
    runtime.forget_teams(caller.team_id)
    return replies.activity_added(activity, revived=revived)


async def remove_activity(caller: Caller, command: RemoveActivity) -> Message:
    team = caller.team
    if not caller.manager:
        return await refusal(caller, "change the team's activities")
    activity = team.resolve(command.name)
    if activity is None:
        return replies.unknown_activity(command.name, team.activities)
    if len(team.activities) == 1:
        return command_problem(
            f"`{activity.key}` is the only activity this team counts; add another one "
            "before retiring it.",
            "activity",
        )
    runtime = caller.runtime
    async with runtime.sessions.begin() as session:
        await teams.retire_activity(session, team.ref, activity.key, runtime.now())
    runtime.forget_teams(caller.team_id)
    return replies.activity_removed(activity)


# The roster ----------------------------------------------------------------------------


async def change_roster(caller: Caller, command: RosterChange) -> Message:
    team = caller.team
    if not caller.manager:
        return await refusal(caller, "change who is on the roster")
    runtime = caller.runtime
    target = await caller.person_named(command.user_id)
    if command.on_roster and (target.is_bot or target.is_deleted):
        return notice(f"{target.display_name} can't be a rep: only active people can.")
    async with runtime.sessions.begin() as session:
        await memberships.set_role(
            session,
            caller.team_id,
            team.ref,
            target.user_id,
            runtime.now(),
            on_roster=command.on_roster,
        )
    runtime.forget_people(caller.team_id, [target.user_id])
    return replies.roster_changed(target.user_id, on_roster=command.on_roster)


# Holidays ------------------------------------------------------------------------------

PLAIN_HOLIDAY = "Team holiday"
"""The name of a day added without one that is no public holiday."""


def list_holidays(caller: Caller) -> Message:
    """Anyone on the team may look: this year's holidays, on the team's calendar."""
    team = caller.team
    year = caller.runtime.today(None, team.settings.timezone).year
    calendar = team.calendar
    days = calendar.holidays_between(date(year, 1, 1), date(year, 12, 31))
    worked = sorted(d for d in team.removed_holidays if d.year == year)
    region = str(calendar.region) if calendar.region else None
    return replies.holiday_list(year, region, days, worked)


async def change_holidays(caller: Caller, command: ChangeHolidays) -> Message:
    """Managers only: add days (named as typed, else by their public name), or make
    holidays workdays again. Days before this week are refused: those weeks are judged."""
    team, runtime = caller.team, caller.runtime
    if not caller.manager:
        return await refusal(caller, "change the team's holidays")
    this_week = week_start(runtime.today(None, team.settings.timezone))
    if command.first < this_week:
        return replies.holiday_in_the_past(command.first, this_week)
    calendar = team.calendar
    if command.add:
        changed = [
            (day, command.name or calendar.holiday(day) or PLAIN_HOLIDAY) for day in command.days
        ]
    else:
        changed = [(day, name) for day in command.days if (name := calendar.holiday(day))]
        if not changed:
            return replies.not_a_holiday(command.first, command.last)
    async with runtime.sessions.begin() as session:
        await holidays.set_days(
            session,
            team.workspace,
            team.ref,
            changed,
            kept=command.add,
            by=caller.person.user_id,
            now=runtime.now(),
        )
    runtime.forget_teams(caller.team_id)
    updated = (await runtime.teams(caller.team_id)).by_ref(team.ref) or team
    upcoming = next_runs(runtime.now(), team.settings, updated.calendar)
    return replies.holidays_changed(
        changed, added=command.add, next_nudge=upcoming[0], next_summary=upcoming[1]
    )
