"""The ``/huddle`` grammar: every subcommand, every mistake, and the away-day rules."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from bot.messages.usage import TOPICS, USAGE
from commands.grammar.admin import (
    MAX_AWAY_DAYS,
    Away,
    Back,
    Board,
    ChangeSetting,
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

TODAY = date(2026, 11, 26)  # a Thursday
ALICE = "<@UALICE|alice>"


def rejects(text: str, *fragments: str, topic: str | None = None) -> InvalidCommand:
    with pytest.raises(InvalidCommand) as caught:
        parse_huddle(text)
    for fragment in fragments:
        assert fragment in str(caught.value)
    if topic is not None:
        assert caught.value.topic == topic
    return caught.value


# help -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\t\n", "help", "HELP", " help ", "?", "help goal"])
def test_help(text: str) -> None:
    assert parse_huddle(text) == Help()


def test_unknown_subcommand_is_named() -> None:
    invalid = rejects("dance", "I don't know `/huddle dance`")
    assert invalid.topic is None


def test_board() -> None:
    assert parse_huddle("board") == Board()
    assert parse_huddle("BOARD") == Board()
    rejects("board now", topic="board")


def test_unknown_subcommand_echo_is_shortened() -> None:
    invalid = rejects("x" * 500)
    assert len(str(invalid)) < 100


def test_every_subcommand_has_usage() -> None:
    assert set(TOPICS) == {
        "help",
        "board",
        "goal",
        "away",
        "back",
        "undo",
        "manager",
        "settings",
        "export",
        "setup",
        "activity",
        "rep",
        "holiday",
    }
    managers_only = {u.syntax for u in USAGE if u.managers_only}
    assert "/huddle settings" in managers_only
    assert "/huddle export [WEEKS]" in managers_only
    assert "/huddle undo" not in managers_only


# export -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "weeks"),
    [("export", 4), ("EXPORT", 4), ("export 1", 1), ("export 08", 8), ("export 52", 52)],
)
def test_export(text: str, weeks: int) -> None:
    assert parse_huddle(text) == Export(weeks)


@pytest.mark.parametrize("typed", ["0", "53", "-1", "2.5", "four", "1" * 5000, "٣"])
def test_export_weeks_must_be_1_to_52(typed: str) -> None:
    invalid = rejects(f"export {typed}", "whole number from 1 to 52", topic="export")
    assert len(str(invalid)) < 200


def test_export_takes_one_number() -> None:
    rejects("export 4 weeks", "takes nothing more", topic="export")


# goal -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["goal", "GOAL", "goals", " goal  "])
def test_list_goals(text: str) -> None:
    assert parse_huddle(text) == ListGoals()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("goal meetings 6", SetGoal(None, "meetings", 6)),
        ("goal Meeting 6", SetGoal(None, "Meeting", 6)),
        ("goal calls 1000", SetGoal(None, "calls", 1000)),
        ("goal calls 007", SetGoal(None, "calls", 7)),
        ("goal 6 meetings", SetGoal(None, "meetings", 6)),
        ("goal meetings off", SetGoal(None, "meetings", None)),
        ("goal meetings OFF", SetGoal(None, "meetings", None)),
        ("goal off meetings", SetGoal(None, "meetings", None)),
        (f"goal {ALICE} meetings 8", SetGoal("UALICE", "meetings", 8)),
        ("goal <@UALICE> meetings 8", SetGoal("UALICE", "meetings", 8)),
        ("goal <@W0ALICE|Alice Smith> call 3", SetGoal("W0ALICE", "call", 3)),
        (f"goal meetings {ALICE} 8", SetGoal("UALICE", "meetings", 8)),
        (f"goal {ALICE} follow-ups off", SetGoal("UALICE", "follow-ups", None)),
        (f"goals {ALICE} {ALICE} calls 2", SetGoal("UALICE", "calls", 2)),
    ],
)
def test_set_goal(text: str, expected: HuddleCommand) -> None:
    assert parse_huddle(text) == expected


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("goal meetings 0", ["whole number from 1 to 1000", "`0`", "`off`"]),
        ("goal meetings 1001", ["from 1 to 1000", "`1001`"]),
        ("goal meetings 99999999999999999999", ["from 1 to 1000"]),
        ("goal meetings -3", ["`-3`"]),
        ("goal meetings 6.5", ["`6.5`"]),
        ("goal meetings six", ["`six`"]),
        ("goal meetings", ["the weekly target for `meetings`", "`/huddle goal meetings 6`"]),
        ("goal 6", ["which activity"]),
        ("goal off", ["which activity"]),
        (f"goal {ALICE}", ["which activity and the weekly target", "@alice meetings 8"]),
        (f"goal {ALICE} 8", ["which activity", "@alice meetings 8"]),
        ("goal meetings 6 calls", ["more than an activity and a target"]),
        ("goal @alice meetings 8", ["can't tell who `@alice` is"]),
        ("goal <@UALICE> <@UBOB> meetings 8", ["One person at a time"]),
        ("goal <!channel> meetings 8", ["`<!channel>` isn't a person"]),
        ("goal <#C123|sales> meetings 8", ["isn't a person"]),
    ],
)
def test_goal_mistakes(text: str, fragments: list[str]) -> None:
    rejects(text, *fragments, topic="goal")


# away / back --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("away 2026-12-01 2026-12-05", Away(None, date(2026, 12, 1), date(2026, 12, 5))),
        ("AWAY 2026-12-01 to 2026-12-05", Away(None, date(2026, 12, 1), date(2026, 12, 5))),
        ("away 2026-12-01 - 2026-12-05", Away(None, date(2026, 12, 1), date(2026, 12, 5))),
        ("away 2026-12-01", Away(None, date(2026, 12, 1), date(2026, 12, 1))),
        ("away 2026-12-01 2026-12-01", Away(None, date(2026, 12, 1), date(2026, 12, 1))),
        ("away until 2026-12-05", Away(None, None, date(2026, 12, 5))),
        ("away UNTIL 2026-12-05", Away(None, None, date(2026, 12, 5))),
        (
            f"away {ALICE} 2026-12-01 2026-12-05",
            Away("UALICE", date(2026, 12, 1), date(2026, 12, 5)),
        ),
        (f"away {ALICE} until 2026-12-05", Away("UALICE", None, date(2026, 12, 5))),
        (f"away until 2026-12-05 {ALICE}", Away("UALICE", None, date(2026, 12, 5))),
        ("away 2026-11-01 2027-01-31", Away(None, date(2026, 11, 1), date(2027, 1, 31))),
    ],
)
def test_away(text: str, expected: HuddleCommand) -> None:
    assert parse_huddle(text) == expected


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("away", ["Say when", "until 2026-12-05"]),
        (f"away {ALICE}", ["Say when"]),
        ("away until", ["Say the last day"]),
        ("away until 2026-12-01 2026-12-05", ["Say the last day"]),
        ("away 2026-12-05 2026-12-01", ["last day (2026-12-01) is before the first (2026-12-05)"]),
        ("away 2026-02-30", ["`2026-02-30` isn't a real date"]),
        ("away 12/01 12/05", ["can't read the date `12/01`", "YYYY-MM-DD"]),
        ("away tomorrow", ["can't read the date `tomorrow`"]),
        ("away 2026-12-1", ["can't read the date"]),
        ("away 2026-12-01 2026-12-02 2026-12-03", ["first and a last day"]),
        ("away 2026-11-01 2027-02-01", ["93 days", f"at most {MAX_AWAY_DAYS} days"]),
        ("away @bob 2026-12-01", ["can't tell who `@bob` is"]),
        ("away <@UBOB> <@UCARA> 2026-12-01", ["One person at a time"]),
    ],
)
def test_away_mistakes(text: str, fragments: list[str]) -> None:
    rejects(text, *fragments, topic="away")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("back", Back(None)), ("Back", Back(None)), (f"back {ALICE}", Back("UALICE"))],
)
def test_back(text: str, expected: HuddleCommand) -> None:
    assert parse_huddle(text) == expected


def test_back_takes_nothing_else() -> None:
    rejects("back tomorrow", "`/huddle back` takes nothing more", "`tomorrow`", topic="back")
    rejects("back @alice", "can't tell who", topic="back")


def test_away_days_passes_a_valid_period_through() -> None:
    command = Away(None, date(2026, 12, 1), date(2026, 12, 5))
    assert away_days(command, today=TODAY, backdate_days=7) == (
        date(2026, 12, 1),
        date(2026, 12, 5),
    )


def test_away_until_starts_today() -> None:
    command = Away(None, None, date(2026, 12, 5))
    assert away_days(command, today=TODAY, backdate_days=7) == (TODAY, date(2026, 12, 5))
    today_only = Away(None, None, TODAY)
    assert away_days(today_only, today=TODAY, backdate_days=7) == (TODAY, TODAY)


def test_away_until_a_past_day_is_refused() -> None:
    with pytest.raises(InvalidCommand, match="2026-11-20 is already past"):
        away_days(Away(None, None, date(2026, 11, 20)), today=TODAY, backdate_days=7)


def test_away_until_limits_the_length() -> None:
    with pytest.raises(InvalidCommand, match="at most 92 days"):
        away_days(Away(None, None, date(2027, 3, 1)), today=TODAY, backdate_days=7)
    last = date(2027, 2, 25)  # today plus 91 days: 92 days in all
    assert away_days(Away(None, None, last), today=TODAY, backdate_days=7) == (TODAY, last)


def test_away_may_start_in_the_backdating_window() -> None:
    week_ago = date(2026, 11, 19)
    command = Away(None, week_ago, date(2026, 11, 20))
    assert away_days(command, today=TODAY, backdate_days=7)[0] == week_ago
    with pytest.raises(InvalidCommand, match=r"at most 7 days back \(the earliest is 2026-11-19\)"):
        away_days(Away(None, date(2026, 11, 18), TODAY), today=TODAY, backdate_days=7)
    with pytest.raises(InvalidCommand, match="at most 0 days back"):
        away_days(Away(None, date(2026, 11, 25), TODAY), today=TODAY, backdate_days=0)


# undo, manager, settings --------------------------------------------------------------


def test_undo() -> None:
    assert parse_huddle("undo") == Undo()
    assert parse_huddle(" UNDO ") == Undo()
    rejects("undo 3", "takes nothing more", topic="undo")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"manager add {ALICE}", Manager(True, "UALICE")),
        ("manager ADD <@UALICE>", Manager(True, "UALICE")),
        (f"managers remove {ALICE}", Manager(False, "UALICE")),
    ],
)
def test_manager(text: str, expected: HuddleCommand) -> None:
    assert parse_huddle(text) == expected


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("manager", ["Say `add` or `remove`"]),
        (f"manager {ALICE}", ["Say `add` or `remove`"]),
        ("manager promote <@UALICE>", ["Say `add` or `remove`"]),
        ("manager add", ["Say who", "/huddle manager add @alice"]),
        ("manager remove", ["Say who", "/huddle manager remove @alice"]),
        ("manager add @alice", ["can't tell who `@alice` is"]),
        ("manager add <@UALICE> please", ["takes nothing more", "`please`"]),
        ("manager add <@UALICE> <@UBOB>", ["One person at a time"]),
        ("manager add <!here>", ["isn't a person"]),
    ],
)
def test_manager_mistakes(text: str, fragments: list[str]) -> None:
    rejects(text, *fragments, topic="manager")


def test_settings() -> None:
    assert parse_huddle("settings") == ShowSettings()
    assert parse_huddle("Settings") == ShowSettings()
    assert parse_huddle("settings timezone UTC") == ChangeSetting("timezone", ZoneInfo("UTC"))
