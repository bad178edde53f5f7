"""The ``/huddle`` grammar of a team: setup, settings, activities, the roster, a
``#channel`` naming the team, and ``/log`` with names of several words."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.activities import BUILT_IN, new_activity
from bot.domain.schedule import Schedule
from bot.domain.settings import ConfigError, load_settings
from bot.messages.usage import TOPICS, USAGE
from commands.grammar.admin import (
    AddActivity,
    ChangeSetting,
    HuddleCommand,
    InvalidCommand,
    ListActivities,
    ListGoals,
    Manager,
    RemoveActivity,
    RosterChange,
    Scoped,
    SetGoal,
    Setup,
    ShowSettings,
    parse_huddle,
    parse_scoped,
)
from commands.grammar.checkin import InvalidCheckIn, split_activity

ALICE = "<@UALICE|alice>"


def rejects(text: str, *fragments: str, topic: str | None = None) -> InvalidCommand:
    with pytest.raises(InvalidCommand) as caught:
        parse_scoped(text)
    for fragment in fragments:
        assert fragment in str(caught.value)
    assert caught.value.topic == topic
    return caught.value


def test_every_new_subcommand_has_usage() -> None:
    assert {"setup", "activity", "rep"} <= set(TOPICS)
    syntaxes = {u.syntax: u.managers_only for u in USAGE}
    assert syntaxes["/huddle settings WORD VALUE"] is True
    assert syntaxes["/huddle rep add|remove @user"] is True
    assert syntaxes["/huddle setup"] is False
    assert syntaxes["/huddle activity"] is False


# setup ---------------------------------------------------------------------------------


def test_setup() -> None:
    assert parse_huddle("setup") == Setup()
    assert parse_huddle(" SETUP ") == Setup()
    rejects("setup now", "takes nothing more", topic="setup")


# settings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("settings", ShowSettings()),
        ("settings timezone Europe/Berlin", ChangeSetting("timezone", ZoneInfo("Europe/Berlin"))),
        ("settings nudge thu 14:00", ChangeSetting("nudge", Schedule(frozenset({3}), time(14)))),
        (
            "setting Summary fri 08:30",
            ChangeSetting("summary", Schedule(frozenset({4}), time(8, 30))),
        ),
        ("settings huddle off", ChangeSetting("huddle", None)),
        (
            "settings huddle mon – thu 09:00",
            ChangeSetting("huddle", Schedule(frozenset(range(4)), time(9))),
        ),
        ("settings maxcount 100", ChangeSetting("maxcount", 100)),
        ("settings backdate 14", ChangeSetting("backdate", 14)),
    ],
)
def test_settings(text: str, expected: HuddleCommand) -> None:
    assert parse_huddle(text) == expected


def test_an_unknown_setting_lists_the_words() -> None:
    rejects(
        "settings colour blue",
        "I don't know the setting `colour`",
        "timezone, huddle, nudge, summary, maxcount, backdate",
        topic="settings",
    )


def test_a_setting_without_a_value_shows_an_example() -> None:
    rejects("settings nudge", "`/huddle settings nudge thu 15:00`", topic="settings")


@pytest.mark.parametrize(
    ("text", "variable", "value"),
    [
        ("settings timezone EST", "HUDDLE_TIMEZONE", "EST"),
        ("settings nudge daily 15:00", "HUDDLE_NUDGE_AT", "daily 15:00"),
        ("settings summary off", "HUDDLE_SUMMARY_AT", "off"),
        ("settings huddle 9am", "HUDDLE_HUDDLE_AT", "9am"),
        ("settings maxcount 5000", "HUDDLE_MAX_COUNT", "5000"),
        ("settings backdate 2.5", "HUDDLE_BACKDATE_DAYS", "2.5"),
    ],
)
def test_a_bad_value_says_what_the_environment_would(text: str, variable: str, value: str) -> None:
    invalid = rejects(text, topic="settings")
    word = text.split()[1]
    with pytest.raises(ConfigError) as caught:
        load_settings(
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "HUDDLE_CHANNEL": "C1",
             variable: value}
        )  # fmt: skip
    (problem,) = caught.value.problems
    assert str(invalid) == f"`{word}`: " + problem.removeprefix(f"{variable}: ")


# activities ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("activity", ListActivities()),
        ("activities", ListActivities()),
        ("activity list", ListActivities()),
        ("activity add demo", AddActivity("demo", None, None)),
        ("activity add Demo", AddActivity("demo", None, None)),
        ("activity add demo demo", AddActivity("demo", "demo", None)),
        (
            'activity add demo "demo booked" "demos booked"',
            AddActivity("demo", "demo booked", "demos booked"),
        ),
        (
            "activity add demo “demo  booked” “demos booked”",
            AddActivity("demo", "demo booked", "demos booked"),
        ),
        ('activity add qa "Q&amp;A call"', AddActivity("qa", "Q&A call", None)),
        ("activity add lunch lunch lunches", AddActivity("lunch", "lunch", "lunches")),
        ("activity remove demo", RemoveActivity("demo")),
        ('activity remove "demos booked"', RemoveActivity("demos booked")),
    ],
)
def test_activity(text: str, expected: HuddleCommand) -> None:
    assert parse_huddle(text) == expected


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("activity rename demo", ["Say `list`, `add` or `remove`"]),
        ("activity list all", ["takes nothing more"]),
        ("activity add", ["Say which activity", "/huddle activity add demo"]),
        ("activity remove", ["Say which activity", "/huddle activity remove demo"]),
        ("activity remove demo now", ["takes nothing more"]),
        ("activity add demo-call", ["lower-case letters and digits"]),
        ("activity add 2024", ["starting with a letter"]),
        ("activity add " + "a" * 21, ["at most 20 characters"]),
        ("activity add demo demo booked demos", ["more than a singular and a plural", "quotes"]),
        ('activity add demo "demo booked', ["opens a quote that doesn't close"]),
        ('activity add demo ""', ["can't be empty"]),
        ('activity add demo "' + "x" * 31 + '"', ["at most 30 characters"]),
        ('activity add demo "<@U1> demo"', ["can't contain `<` or `>`"]),
        ('activity add demo "&lt;!channel&gt;"', ["can't contain `<` or `>`"]),
    ],
)
def test_activity_mistakes(text: str, fragments: list[str]) -> None:
    rejects(text, *fragments, topic="activity")


# the roster ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"rep add {ALICE}", RosterChange("UALICE", True)),
        ("rep REMOVE <@UALICE>", RosterChange("UALICE", False)),
        (f"reps remove {ALICE}", RosterChange("UALICE", False)),
    ],
)
def test_rep(text: str, expected: HuddleCommand) -> None:
    assert parse_huddle(text) == expected


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("rep", ["Say `add` or `remove`", "/huddle rep add @alice"]),
        ("rep add", ["Say who", "/huddle rep add @alice"]),
        ("rep add @alice", ["can't tell who `@alice` is"]),
        ("rep add <@UALICE> <@UBOB>", ["One person at a time"]),
    ],
)
def test_rep_mistakes(text: str, fragments: list[str]) -> None:
    rejects(text, *fragments, topic="rep")


def test_manager_still_reads_the_same_way() -> None:
    assert parse_huddle(f"manager add {ALICE}") == Manager(True, "UALICE")
    rejects("manager promote", "e.g. `/huddle manager add @alice`", topic="manager")


# #channel ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("goal", Scoped(ListGoals(), None)),
        ("goal <#C0SALES|sales>", Scoped(ListGoals(), "C0SALES")),
        ("<#C0SALES> goal meetings 6", Scoped(SetGoal(None, "meetings", 6), "C0SALES")),
        (
            f"goal {ALICE} <#G0PRIV|private> calls 3",
            Scoped(SetGoal("UALICE", "calls", 3), "G0PRIV"),
        ),
        ("settings <#C0SALES|sales>", Scoped(ShowSettings(), "C0SALES")),
        ("settings maxcount <#C0SALES> 80", Scoped(ChangeSetting("maxcount", 80), "C0SALES")),
        ("activity add demo <#C0SALES>", Scoped(AddActivity("demo", None, None), "C0SALES")),
        (f"rep remove {ALICE} <#C0SALES>", Scoped(RosterChange("UALICE", False), "C0SALES")),
        ("<#C0SALES|sales>", Scoped(parse_huddle(""), "C0SALES")),
        ("setup <#C0SALES|sales> <#C0SALES>", Scoped(Setup(), "C0SALES")),
    ],
)
def test_a_channel_anywhere_names_the_team(text: str, expected: Scoped) -> None:
    assert parse_scoped(text) == expected


def test_channel_mistakes() -> None:
    rejects("goal #sales", "can't tell which channel `#sales` is")
    rejects("goal <#C1|a> <#C2|b>", "One channel at a time")


def test_a_channel_name_inside_quotes_is_a_name() -> None:
    assert parse_scoped('activity add no1 "#1 deal"') == Scoped(
        AddActivity("no1", "#1 deal", None), None
    )


# /log with a team's own activities -----------------------------------------------------

DEMO = new_activity("demo", "demo booked", "demos booked")
TEAM = (*BUILT_IN, DEMO)


@pytest.mark.parametrize(
    ("text", "activity", "rest"),
    [
        ("demo 2 yesterday", DEMO, "2 yesterday"),
        ("demos booked 2 yesterday Acme", DEMO, "2 yesterday Acme"),
        ("Demo  Booked", DEMO, ""),
        ("meetings 3", BUILT_IN[0], "3"),
        ("follow-ups", BUILT_IN[2], ""),
    ],
)
def test_log_finds_a_name_of_several_words(text: str, activity: object, rest: str) -> None:
    assert split_activity(text, TEAM) == (activity, rest)


def test_log_unknown_names_the_first_word() -> None:
    with pytest.raises(InvalidCheckIn, match="I don't know the activity `demos`"):
        split_activity("demos 2", TEAM)
