"""A team's settings: read in Slack exactly as from the environment, canonical text that
round-trips, coherence, and the activity names a manager may choose."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.activities import (
    BUILT_IN,
    MAX_KEY,
    MAX_LABEL,
    Activity,
    name_clash,
    new_activity,
    resolve_activity,
    validate_key,
    validate_label,
)
from bot.domain.schedule import Schedule
from bot.domain.settings import DEFAULTS, ConfigError, load_settings
from bot.domain.team_settings import (
    TEAM_SETTINGS,
    TeamSettings,
    parse_setting,
    setting_text,
    with_setting,
)

MINIMAL = {
    "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
    "SLACK_SIGNING_SECRET": "secret",
    "HUDDLE_CHANNEL": "C0123ABCD",
}
DEFAULT_TEAM = load_settings(MINIMAL).team_defaults
THU_1500 = Schedule(frozenset({3}), time(15, 0))
FRI_0900 = Schedule(frozenset({4}), time(9, 0))


def env_problem(variable: str, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings({**MINIMAL, variable: text})
    (problem,) = caught.value.problems
    return problem


# the table ------------------------------------------------------------------------------


def test_the_words_and_their_variables() -> None:
    assert {word: s.variable for word, s in TEAM_SETTINGS.items()} == {
        "timezone": "HUDDLE_TIMEZONE",
        "huddle": "HUDDLE_HUDDLE_AT",
        "nudge": "HUDDLE_NUDGE_AT",
        "summary": "HUDDLE_SUMMARY_AT",
        "maxcount": "HUDDLE_MAX_COUNT",
        "backdate": "HUDDLE_BACKDATE_DAYS",
        "holidays": "HUDDLE_HOLIDAYS",
    }
    for setting in TEAM_SETTINGS.values():
        assert DEFAULTS[setting.variable] == setting.default


def test_team_defaults_are_the_variables() -> None:
    team = load_settings(
        {
            **MINIMAL,
            "HUDDLE_TIMEZONE": "Europe/Berlin",
            "HUDDLE_HUDDLE_AT": "off",
            "HUDDLE_NUDGE_AT": "wed 14:00",
            "HUDDLE_SUMMARY_AT": "thu 08:30",
            "HUDDLE_MAX_COUNT": "100",
            "HUDDLE_BACKDATE_DAYS": "14",
        }
    ).team_defaults
    assert team == TeamSettings(
        timezone=ZoneInfo("Europe/Berlin"),
        huddle_at=None,
        nudge_at=Schedule(frozenset({2}), time(14, 0)),
        summary_at=Schedule(frozenset({3}), time(8, 30)),
        max_count=100,
        backdate_days=14,
    )
    assert DEFAULT_TEAM.nudge_at == THU_1500 and DEFAULT_TEAM.summary_at == FRI_0900


# the same words as the environment ------------------------------------------------------

BAD_VALUES = [
    ("timezone", "Nowhere/City"),
    ("timezone", "europe/berlin"),
    ("timezone", "EST"),
    ("timezone", "Etc/GMT+5"),
    ("timezone", "CET"),
    ("huddle", "mornings"),
    ("huddle", "mon-thu 9"),
    ("nudge", "thu"),
    ("nudge", "thu 25:00"),
    ("nudge", "weekdays 15:00"),
    ("nudge", "off"),
    ("summary", "fri 9am"),
    ("summary", "mon-fri 09:00"),
    ("maxcount", "0"),
    ("maxcount", "1001"),
    ("maxcount", "ten"),
    ("backdate", "61"),
    ("backdate", "-1"),
    ("backdate", "2.5"),
]


@pytest.mark.parametrize(("word", "text"), BAD_VALUES)
def test_a_bad_value_is_refused_in_the_words_of_its_variable(word: str, text: str) -> None:
    variable = TEAM_SETTINGS[word].variable
    with pytest.raises(ValueError) as caught:
        parse_setting(word, text)
    assert env_problem(variable, text) == f"{variable}: {caught.value}"


def test_an_unknown_word_lists_the_words() -> None:
    with pytest.raises(ValueError, match="timezone, huddle, nudge, summary, maxcount, backdate"):
        parse_setting("colour", "blue")


@pytest.mark.parametrize(
    ("word", "text", "value"),
    [
        ("timezone", " Europe/Berlin ", ZoneInfo("Europe/Berlin")),
        ("timezone", "UTC", ZoneInfo("UTC")),
        ("huddle", "OFF", None),
        ("huddle", "Weekdays 8:45", Schedule(frozenset(range(5)), time(8, 45))),
        ("nudge", "Thursday 15:00", THU_1500),
        ("summary", "fri 09:00", FRI_0900),
        ("maxcount", "100", 100),
        ("backdate", "0", 0),
    ],
)
def test_good_values(word: str, text: str, value: object) -> None:
    assert parse_setting(word, text) == value


# canonical text -------------------------------------------------------------------------


def test_canonical_texts_of_the_defaults() -> None:
    texts = {word: setting_text(DEFAULT_TEAM, word) for word in TEAM_SETTINGS}
    assert texts == {
        "timezone": "UTC",
        "huddle": "mon-thu 09:00",
        "nudge": "thu 15:00",
        "summary": "fri 09:00",
        "maxcount": "50",
        "backdate": "7",
        "holidays": "off",
    }
    assert TeamSettings.from_texts(texts) == DEFAULT_TEAM


@pytest.mark.parametrize(
    ("word", "typed", "canonical"),
    [
        ("timezone", "America/New_York", "America/New_York"),
        ("huddle", "off", "off"),
        ("huddle", "Mon,Tue,Wed,Thu 9:00", "mon-thu 09:00"),
        ("huddle", "fri-mon 07:05", "mon,fri-sun 07:05"),
        ("huddle", "daily 08:00", "daily 08:00"),
        ("nudge", "WEDNESDAY 9:30", "wed 09:30"),
        ("summary", "sun 23:59", "sun 23:59"),
        ("maxcount", "007", "7"),
        ("backdate", "60", "60"),
    ],
)
def test_a_changed_value_round_trips_through_its_text(
    word: str, typed: str, canonical: str
) -> None:
    changed = with_setting(DEFAULT_TEAM, word, parse_setting(word, typed))
    assert setting_text(changed, word) == canonical
    assert parse_setting(word, canonical) == parse_setting(word, typed)
    texts = {w: setting_text(changed, w) for w in TEAM_SETTINGS}
    assert TeamSettings.from_texts(texts) == changed


def test_from_texts_needs_every_word_and_names_a_bad_one() -> None:
    texts = {word: setting_text(DEFAULT_TEAM, word) for word in TEAM_SETTINGS}
    with pytest.raises(ValueError, match="missing settings: backdate"):
        TeamSettings.from_texts({w: t for w, t in texts.items() if w != "backdate"})
    with pytest.raises(ValueError, match=r"^maxcount: '0' must be a whole number"):
        TeamSettings.from_texts({**texts, "maxcount": "0"})


# coherence ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "text"), [("nudge", "fri 09:00"), ("nudge", "sat 10:00"), ("summary", "thu 14:59")]
)
def test_the_nudge_must_stay_before_the_summary(word: str, text: str) -> None:
    with pytest.raises(ValueError) as caught:
        with_setting(DEFAULT_TEAM, word, parse_setting(word, text))
    assert "must come before summary" in str(caught.value)
    assert "e.g. nudge='thu 15:00' with summary='fri 09:00'" in str(caught.value)


def test_the_environment_words_the_same_rule_with_its_variables() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({**MINIMAL, "HUDDLE_NUDGE_AT": "fri 10:00"})
    assert caught.value.problems == [
        "HUDDLE_NUDGE_AT (fri 10:00) must come before HUDDLE_SUMMARY_AT (fri 09:00) in the "
        "Monday-to-Sunday week, or reps could never act on the nudge; e.g. "
        "HUDDLE_NUDGE_AT='thu 15:00' with HUDDLE_SUMMARY_AT='fri 09:00'"
    ]


def test_with_setting_changes_only_that_setting() -> None:
    changed = with_setting(DEFAULT_TEAM, "summary", parse_setting("summary", "sat 10:00"))
    assert changed.summary_at == Schedule(frozenset({5}), time(10, 0))
    assert changed.nudge_at == DEFAULT_TEAM.nudge_at
    assert DEFAULT_TEAM.summary_at == FRI_0900  # frozen: the original is untouched
    with pytest.raises(ValueError, match="not a setting"):
        with_setting(DEFAULT_TEAM, "colour", "blue")


# activities -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["demo", "d", "demo2", "a" * MAX_KEY])
def test_valid_keys(key: str) -> None:
    assert validate_key(key) == key


@pytest.mark.parametrize(
    ("key", "needle"),
    [
        ("", "needs a key"),
        ("a" * (MAX_KEY + 1), f"at most {MAX_KEY} characters"),
        ("Demo", "lower-case letters and digits"),
        ("demo-call", "lower-case letters and digits"),
        ("2024", "starting with a letter"),
        ("démo", "lower-case letters and digits"),
    ],
)
def test_invalid_keys(key: str, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        validate_key(key)


def test_labels_are_tidied() -> None:
    assert validate_label("  demo \u00a0 booked ") == "demo booked"
    assert validate_label("Q&A call") == "Q&A call"
    assert validate_label("x" * MAX_LABEL) == "x" * MAX_LABEL


@pytest.mark.parametrize(
    ("label", "needle"),
    [
        ("", "can't be empty"),
        ("   ", "can't be empty"),
        ("x" * (MAX_LABEL + 1), f"at most {MAX_LABEL} characters"),
        ("demo\nbooked", "one line"),
        ("<@U1> demo", "can't contain `<` or `>`"),
        ("<!channel>", "can't contain `<` or `>`"),
        ("demo\u200bbooked", "printable"),
    ],
)
def test_invalid_labels(label: str, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        validate_label(label)


def test_new_activity_defaults() -> None:
    assert new_activity("demo") == Activity("demo", "demo", "demos")
    assert new_activity("demo", "demo booked") == Activity("demo", "demo booked", "demo bookeds")
    assert new_activity("demo", "demo booked", "demos booked") == Activity(
        "demo", "demo booked", "demos booked"
    )
    with pytest.raises(ValueError, match="at most 30"):
        new_activity("demo", "x" * MAX_LABEL)  # the default plural is one too long


def test_a_name_that_means_another_activity_clashes() -> None:
    assert name_clash(new_activity("meet", "meeting", "meets"), BUILT_IN) == BUILT_IN[0]
    assert name_clash(new_activity("calls2", "Calls"), BUILT_IN) == BUILT_IN[1]
    assert name_clash(new_activity("demo"), BUILT_IN) is None
    assert name_clash(BUILT_IN[0], BUILT_IN) is None  # the same key is itself


def test_names_match_in_any_case_and_spacing() -> None:
    demo = new_activity("demo", "demo booked", "demos booked")
    team = (*BUILT_IN, demo)
    for typed in ["demo", "DEMO", "Demo Booked", "demos  booked", " demos booked "]:
        assert resolve_activity(typed, team) == demo
    assert resolve_activity("followups", team) == BUILT_IN[2]
    assert resolve_activity("demos", team) is None
