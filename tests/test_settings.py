"""Configuration: defaults, every variable's valid and invalid forms, secrets, .env."""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dotenv import dotenv_values

from bot.domain.settings import (
    DEFAULTS,
    ConfigError,
    Schedule,
    Settings,
    load_settings,
)
from bot.serving.environment import read_environment

BOT_TOKEN = "xoxb-1111-2222-BOTSECRETvalue"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
APP_TOKEN = "xapp-1-A111-222-APPSECRETvalue"
DB_PASSWORD = "pw-Sup3rS3cret"
ROOT = Path(__file__).resolve().parent.parent

MINIMAL = {
    "SLACK_BOT_TOKEN": BOT_TOKEN,
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "HUDDLE_CHANNEL": "C0123ABCD",
}


def load(**overrides: str) -> Settings:
    return load_settings({**MINIMAL, **overrides})


def problems(**overrides: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load(**overrides)
    return info.value.problems


def only_problem(name: str, **overrides: str) -> str:
    found = problems(**overrides)
    assert len(found) == 1, found
    assert found[0].startswith(f"{name}"), found
    return found[0]


# --- defaults -------------------------------------------------------------------------


def test_defaults() -> None:
    s = load_settings(MINIMAL)
    assert s.bot_token == BOT_TOKEN
    assert s.signing_secret == SIGNING_SECRET
    assert s.app_token is None
    assert s.socket_mode is False
    assert s.api_url == "https://slack.com/api/"
    assert s.database_url == "sqlite+aiosqlite:///huddle.db"
    assert s.channel == "C0123ABCD"
    assert s.timezone == ZoneInfo("UTC")
    assert s.managers == frozenset()
    assert dict(s.goals) == {"meeting": 6}
    assert s.huddle_at == Schedule(frozenset({0, 1, 2, 3}), time(9, 0))
    assert s.nudge_at == Schedule(frozenset({3}), time(15, 0))
    assert s.summary_at == Schedule(frozenset({4}), time(9, 0))
    assert (s.max_count, s.backdate_days, s.port) == (50, 7, 3000)


def test_empty_values_count_as_unset() -> None:
    blank = dict.fromkeys(
        [
            "SLACK_APP_TOKEN",
            "SLACK_API_URL",
            "DATABASE_URL",
            "HUDDLE_TIMEZONE",
            "HUDDLE_HUDDLE_AT",
            "HUDDLE_NUDGE_AT",
            "HUDDLE_SUMMARY_AT",
            "HUDDLE_MAX_COUNT",
            "HUDDLE_BACKDATE_DAYS",
            "HUDDLE_POSTS_PER_MINUTE",
            "PORT",
        ],
        "  ",
    )
    assert load(**blank) == load_settings(MINIMAL)


def test_values_are_stripped() -> None:
    s = load(
        SLACK_BOT_TOKEN=f"  {BOT_TOKEN}\t",
        HUDDLE_CHANNEL=" C0123ABCD ",
        HUDDLE_TIMEZONE=" Europe/Berlin ",
        PORT=" 8080 ",
    )
    assert (s.bot_token, s.channel, s.timezone.key, s.port) == (
        BOT_TOKEN,
        "C0123ABCD",
        "Europe/Berlin",
        8080,
    )


def test_settings_are_immutable() -> None:
    s = load()
    with pytest.raises(AttributeError):
        s.port = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        s.goals["call"] = 5  # type: ignore[index]


# --- Slack tokens ---------------------------------------------------------------------


def test_bot_token_required() -> None:
    environ = dict(MINIMAL)
    del environ["SLACK_BOT_TOKEN"]
    with pytest.raises(ConfigError) as info:
        load_settings(environ)
    assert [p.split(":")[0] for p in info.value.problems] == ["SLACK_BOT_TOKEN"]
    assert "xoxb-" in info.value.problems[0]


@pytest.mark.parametrize("token", ["xoxp-123-user", "abc", APP_TOKEN])
def test_bot_token_must_be_a_bot_token(token: str) -> None:
    message = only_problem("SLACK_BOT_TOKEN", SLACK_BOT_TOKEN=token)
    assert "xoxb-" in message
    assert token not in message


def test_bot_token_given_the_app_token_says_where_it_belongs() -> None:
    assert "SLACK_APP_TOKEN" in only_problem("SLACK_BOT_TOKEN", SLACK_BOT_TOKEN=APP_TOKEN)


def test_signing_secret_required_in_http_mode() -> None:
    message = only_problem("SLACK_SIGNING_SECRET", SLACK_SIGNING_SECRET="")
    assert "SLACK_APP_TOKEN" in message  # says how to use Socket Mode instead


def test_socket_mode_needs_no_signing_secret() -> None:
    s = load(SLACK_SIGNING_SECRET="", SLACK_APP_TOKEN=APP_TOKEN)
    assert s.socket_mode is True
    assert s.app_token == APP_TOKEN
    assert s.signing_secret is None


def test_socket_mode_keeps_a_signing_secret_when_given() -> None:
    s = load(SLACK_APP_TOKEN=APP_TOKEN)
    assert s.socket_mode and s.signing_secret == SIGNING_SECRET


@pytest.mark.parametrize("token", ["xoxb-wrong-place", "app-token", "XAPP-1"])
def test_app_token_must_start_with_xapp(token: str) -> None:
    message = only_problem("SLACK_APP_TOKEN", SLACK_APP_TOKEN=token)
    assert "xapp-" in message
    assert token not in message


# --- SLACK_API_URL --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://slack.com/api/", "https://slack.com/api/"),
        ("https://slack-gov.com/api", "https://slack-gov.com/api/"),
        ("http://127.0.0.1:8765/api", "http://127.0.0.1:8765/api/"),
    ],
)
def test_api_url_valid(given: str, expected: str) -> None:
    assert load(SLACK_API_URL=given).api_url == expected


@pytest.mark.parametrize("given", ["slack.com/api", "ftp://slack.com/api/", "https://", "api"])
def test_api_url_invalid(given: str) -> None:
    assert "http" in only_problem("SLACK_API_URL", SLACK_API_URL=given)


# --- DATABASE_URL ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite+aiosqlite:///data/huddle.db", "sqlite+aiosqlite:///data/huddle.db"),
        ("sqlite:///huddle.db", "sqlite+aiosqlite:///huddle.db"),
        ("sqlite://", "sqlite+aiosqlite://"),
        ("postgresql+asyncpg://u:p@db/huddle", "postgresql+asyncpg://u:p@db/huddle"),
        ("postgresql://u:p@db:5432/huddle", "postgresql+asyncpg://u:p@db:5432/huddle"),
        ("postgres://u:p@db/huddle", "postgresql+asyncpg://u:p@db/huddle"),
        ("postgres://u:p%40ss@db/huddle", "postgresql+asyncpg://u:p%40ss@db/huddle"),
        ("postgres://u@db/huddle?sslmode=require", "postgresql+asyncpg://u@db/huddle?ssl=require"),
    ],
)
def test_database_url_valid(given: str, expected: str) -> None:
    assert load(DATABASE_URL=given).database_url == expected


@pytest.mark.parametrize(
    "given",
    [
        "huddle.db",
        "mysql://u:p@db/huddle",
        "postgresql+psycopg2://u@db/huddle",
        "sqlite+pysqlite:///huddle.db",
    ],
)
def test_database_url_invalid(given: str) -> None:
    message = only_problem("DATABASE_URL", DATABASE_URL=given)
    assert "sqlite+aiosqlite" in message and "postgresql+asyncpg" in message


def test_database_password_hidden_in_errors() -> None:
    for url in (f"mysql://user:{DB_PASSWORD}@db/x", f"not a url {DB_PASSWORD}"):
        message = only_problem("DATABASE_URL", DATABASE_URL=url)
        assert DB_PASSWORD not in message


# --- HUDDLE_CHANNEL -------------------------------------------------------------------


@pytest.mark.parametrize("given", ["C0123ABCD", "G01ABC", "C1"])
def test_channel_valid(given: str) -> None:
    assert load(HUDDLE_CHANNEL=given).channel == given


def test_channel_required() -> None:
    message = only_problem("HUDDLE_CHANNEL", HUDDLE_CHANNEL="")
    assert "required" in message and "C0123456789" in message


@pytest.mark.parametrize("given", ["#sales", "sales", "<#C0123|sales>", "c0123abcd"])
def test_channel_name_is_not_an_id(given: str) -> None:
    message = only_problem("HUDDLE_CHANNEL", HUDDLE_CHANNEL=given)
    assert "channel ID" in message
    assert "About" in message  # how to find it


@pytest.mark.parametrize("given", ["D0123ABCD", "U0123ABCD", "C01-23"])
def test_channel_invalid_id(given: str) -> None:
    assert "channel ID" in only_problem("HUDDLE_CHANNEL", HUDDLE_CHANNEL=given)


# --- HUDDLE_TIMEZONE ------------------------------------------------------------------


@pytest.mark.parametrize(
    "given", ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Etc/UTC"]
)
def test_timezone_valid(given: str) -> None:
    assert load(HUDDLE_TIMEZONE=given).timezone == ZoneInfo(given)


@pytest.mark.parametrize(
    "given", ["Mars/Olympus", "+02:00", "europe/berlin", "../etc/passwd", "/etc/localtime"]
)
def test_timezone_unknown(given: str) -> None:
    assert "IANA" in only_problem("HUDDLE_TIMEZONE", HUDDLE_TIMEZONE=given)


@pytest.mark.parametrize("given", ["Etc/GMT+5", "GMT-3", "EST", "MST", "HST"])
def test_timezone_fixed_offsets_rejected(given: str) -> None:
    message = only_problem("HUDDLE_TIMEZONE", HUDDLE_TIMEZONE=given)
    assert "daylight saving" in message


# --- HUDDLE_MANAGERS ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("U0123ABCD", {"U0123ABCD"}),
        ("U0123ABCD, W0456EFGH ,", {"U0123ABCD", "W0456EFGH"}),
        (" U1 ,U2,U1", {"U1", "U2"}),
        ("", set()),
    ],
)
def test_managers_valid(given: str, expected: set[str]) -> None:
    assert load(HUDDLE_MANAGERS=given).managers == frozenset(expected)


@pytest.mark.parametrize("given", ["@alice", "U0123ABCD,alice", "<@U0123ABCD>", "u0123abcd"])
def test_managers_invalid(given: str) -> None:
    assert "user ID" in only_problem("HUDDLE_MANAGERS", HUDDLE_MANAGERS=given)


# --- HUDDLE_GOALS ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("meeting=6,call=50", {"meeting": 6, "call": 50}),
        ("Meetings = 4 , calls=1000", {"meeting": 4, "call": 1000}),
        ("follow-ups=10,referral=1", {"followup": 10, "referral": 1}),
        ("followups=3,", {"followup": 3}),
        ("", {}),
        ("   ", {}),
    ],
)
def test_goals_valid(given: str, expected: dict[str, int]) -> None:
    assert dict(load(HUDDLE_GOALS=given).goals) == expected


@pytest.mark.parametrize(
    ("given", "needle"),
    [
        ("meeting=0", "1 to 1000"),
        ("meeting=1001", "1 to 1000"),
        ("meeting=-1", "1 to 1000"),
        ("meeting=2.5", "1 to 1000"),
        ("meeting=", "1 to 1000"),
        ("lunch=3", "'lunch' is not an activity"),
        ("meeting", "not ACTIVITY=N"),
        ("=5", "not ACTIVITY=N"),
        ("meeting=6,meetings=7", "more than once"),
    ],
)
def test_goals_invalid(given: str, needle: str) -> None:
    message = only_problem("HUDDLE_GOALS", HUDDLE_GOALS=given)
    assert needle in message
    assert "meeting=6,call=50" in message  # the expected form


# --- schedules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "weekdays", "at", "canonical"),
    [
        ("mon-thu 09:00", {0, 1, 2, 3}, time(9, 0), "mon-thu 09:00"),
        ("thu 15:00", {3}, time(15, 0), "thu 15:00"),
        ("mon,wed,fri 8:30", {0, 2, 4}, time(8, 30), "mon,wed,fri 08:30"),
        ("Monday, Thursday 12:00", {0, 3}, time(12, 0), "mon,thu 12:00"),
        ("daily 07:05", set(range(7)), time(7, 5), "daily 07:05"),
        ("weekdays 18:00", set(range(5)), time(18, 0), "mon-fri 18:00"),
        ("fri-mon 10:00", {4, 5, 6, 0}, time(10, 0), "mon,fri-sun 10:00"),
        ("mon-wed,sat 23:59", {0, 1, 2, 5}, time(23, 59), "mon-wed,sat 23:59"),
        ("SUN 00:00", {6}, time(0, 0), "sun 00:00"),
    ],
)
def test_schedule_parse(text: str, weekdays: set[int], at: time, canonical: str) -> None:
    schedule = Schedule.parse(text)
    assert schedule == Schedule(frozenset(weekdays), at)
    assert str(schedule) == canonical


@pytest.mark.parametrize(
    "weekdays",
    [
        {0},
        {6},
        {0, 1},
        {0, 6},
        {0, 2, 4},
        {1, 2, 3},
        {0, 1, 2, 3, 4},
        {0, 1, 3, 4, 5},
        set(range(7)),
    ],
)
@pytest.mark.parametrize("at", [time(0, 0), time(9, 5), time(23, 59)])
def test_schedule_round_trips_through_str(weekdays: set[int], at: time) -> None:
    schedule = Schedule(frozenset(weekdays), at)
    assert Schedule.parse(str(schedule)) == schedule


@pytest.mark.parametrize(
    "text",
    ["", "mon", "09:00", "mon 9", "mon 24:00", "mon 9:60", "mon 9am", "funday 09:00", "mon- 9:00"],
)
def test_schedule_parse_invalid(text: str) -> None:
    with pytest.raises(ValueError, match=r"HH:MM|weekday|DAYS"):
        Schedule.parse(text)


def test_schedule_rejects_bad_values() -> None:
    with pytest.raises(ValueError):
        Schedule(frozenset(), time(9, 0))
    with pytest.raises(ValueError):
        Schedule(frozenset({7}), time(9, 0))


def test_huddle_at_valid_and_off() -> None:
    assert load(HUDDLE_HUDDLE_AT="daily 08:45").huddle_at == Schedule(
        frozenset(range(7)), time(8, 45)
    )
    assert load(HUDDLE_HUDDLE_AT="off").huddle_at is None
    assert load(HUDDLE_HUDDLE_AT="OFF").huddle_at is None


def test_huddle_at_invalid() -> None:
    message = only_problem("HUDDLE_HUDDLE_AT", HUDDLE_HUDDLE_AT="mornings")
    assert "mon-thu 09:00" in message and "'off'" in message


def test_nudge_and_summary_valid() -> None:
    s = load(HUDDLE_NUDGE_AT="wed 16:30", HUDDLE_SUMMARY_AT="thu 16:30")
    assert s.nudge_at == Schedule(frozenset({2}), time(16, 30))
    assert s.summary_at == Schedule(frozenset({3}), time(16, 30))
    same_day = load(HUDDLE_NUDGE_AT="fri 09:00", HUDDLE_SUMMARY_AT="fri 17:00")
    assert same_day.nudge_at.at < same_day.summary_at.at


@pytest.mark.parametrize("name", ["HUDDLE_NUDGE_AT", "HUDDLE_SUMMARY_AT"])
@pytest.mark.parametrize("text", ["mon-thu 15:00", "daily 15:00", "mon,wed 15:00", "off"])
def test_nudge_and_summary_name_one_weekday(name: str, text: str) -> None:
    found = problems(**{name: text})
    assert found[0].startswith(name), found
    assert f"e.g. '{DEFAULTS[name]}'" in found[0]


@pytest.mark.parametrize(
    ("nudge", "summary"),
    [("fri 10:00", "fri 09:00"), ("fri 09:00", "fri 09:00"), ("sat 09:00", "mon 09:00")],
)
def test_nudge_must_come_before_summary(nudge: str, summary: str) -> None:
    message = only_problem("HUDDLE_NUDGE_AT", HUDDLE_NUDGE_AT=nudge, HUDDLE_SUMMARY_AT=summary)
    assert "before HUDDLE_SUMMARY_AT" in message


# --- integers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "attribute", "low", "high"),
    [
        ("HUDDLE_MAX_COUNT", "max_count", 1, 1000),
        ("HUDDLE_BACKDATE_DAYS", "backdate_days", 0, 60),
        ("HUDDLE_POSTS_PER_MINUTE", "posts_per_minute", 1, 100_000),
        ("PORT", "port", 1, 65535),
    ],
)
def test_integers(name: str, attribute: str, low: int, high: int) -> None:
    for good in (low, high):
        assert getattr(load(**{name: str(good)}), attribute) == good
    for bad in (str(low - 1), str(high + 1), "ten", "5.0", "-1", "1_0", "0x10"):
        message = only_problem(name, **{name: bad})
        assert f"from {low} to {high}" in message


# --- reporting ------------------------------------------------------------------------


def test_every_problem_reported_together() -> None:
    environ = {
        "SLACK_BOT_TOKEN": "nope",
        "HUDDLE_CHANNEL": "#sales",
        "HUDDLE_TIMEZONE": "Nowhere/City",
        "HUDDLE_GOALS": "meeting=0",
        "HUDDLE_NUDGE_AT": "daily 15:00",
        "PORT": "http",
    }
    with pytest.raises(ConfigError) as info:
        load_settings(environ)
    names = [p.split(":")[0] for p in info.value.problems]
    assert names == [
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "HUDDLE_CHANNEL",
        "HUDDLE_TIMEZONE",
        "HUDDLE_GOALS",
        "HUDDLE_NUDGE_AT",
        "PORT",
    ]
    text = str(info.value)
    assert text.startswith("Invalid configuration (7 problems):")
    for problem in info.value.problems:
        assert problem in text


def test_secrets_never_in_repr() -> None:
    s = load(
        SLACK_APP_TOKEN=APP_TOKEN,
        DATABASE_URL=f"postgresql://huddle:{DB_PASSWORD}@db.internal:5432/huddle",
    )
    text = repr(s) + str(s)
    for secret in (BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, DB_PASSWORD):
        assert secret not in text
    assert "db.internal" in text  # the database is still identifiable
    assert s.safe_database_url == "postgresql+asyncpg://huddle:***@db.internal:5432/huddle"
    assert DB_PASSWORD in s.database_url  # the real URL is still there for the engine


def test_secrets_never_in_config_error() -> None:
    environ = {
        "SLACK_BOT_TOKEN": BOT_TOKEN.replace("xoxb-", "xoxp-"),
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": APP_TOKEN.replace("xapp-", "xoxb-"),
        "DATABASE_URL": f"mysql://huddle:{DB_PASSWORD}@db/huddle",
        "HUDDLE_CHANNEL": "sales",
    }
    with pytest.raises(ConfigError) as info:
        load_settings(environ)
    text = str(info.value) + repr(info.value)
    assert len(info.value.problems) == 4
    for secret in environ.values():
        if secret != "sales":
            assert secret not in text
    assert DB_PASSWORD not in text


# --- .env -----------------------------------------------------------------------------


def test_environment_wins_over_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# comment\n"
        "HUDDLE_TEST_FROM_FILE=file\n"
        "HUDDLE_TEST_BOTH=file\n"
        'HUDDLE_TEST_QUOTED="mon-thu 09:00"\n'
        "HUDDLE_TEST_NO_VALUE\n"
    )
    monkeypatch.setenv("HUDDLE_TEST_BOTH", "environment")
    monkeypatch.delenv("HUDDLE_TEST_FROM_FILE", raising=False)
    monkeypatch.delenv("HUDDLE_TEST_NO_VALUE", raising=False)
    before = dict(os.environ)

    values = read_environment(env_file)

    assert values["HUDDLE_TEST_FROM_FILE"] == "file"
    assert values["HUDDLE_TEST_BOTH"] == "environment"
    assert values["HUDDLE_TEST_QUOTED"] == "mon-thu 09:00"
    assert "HUDDLE_TEST_NO_VALUE" not in values
    assert dict(os.environ) == before  # no mutation of os.environ


def test_missing_env_file_reads_environment_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUDDLE_TEST_ONLY_ENV", "yes")
    values = read_environment(tmp_path / "absent.env")
    assert values["HUDDLE_TEST_ONLY_ENV"] == "yes"


def test_env_file_feeds_load_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in DEFAULTS:
        monkeypatch.delenv(name, raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"SLACK_BOT_TOKEN={BOT_TOKEN}\nSLACK_SIGNING_SECRET={SIGNING_SECRET}\n"
        "HUDDLE_CHANNEL=C0FILE\nPORT=4000\n"
    )
    monkeypatch.setenv("PORT", "5000")
    s = load_settings(read_environment(env_file))
    assert (s.channel, s.port) == ("C0FILE", 5000)


def test_env_example_lists_every_variable_with_its_default() -> None:
    example = dotenv_values(ROOT / ".env.example")
    assert set(example) == set(DEFAULTS)
    for name, default in DEFAULTS.items():
        assert (example[name] or "") == default, name
    text = (ROOT / ".env.example").read_text()
    assert "xoxb-" in text  # the form is documented…
    filled = {k: v or "" for k, v in example.items()} | MINIMAL
    assert load_settings(filled) == load_settings(MINIMAL)  # …and its values are the defaults


# --- hints: each problem's example is a value its own variable accepts -------------------

_EXAMPLE = re.compile(r"e\.g\. '([^']+)'")


@pytest.mark.parametrize(
    ("name", "given"),
    [
        ("HUDDLE_SUMMARY_AT", "fri"),
        ("HUDDLE_SUMMARY_AT", "fri 9am"),
        ("HUDDLE_SUMMARY_AT", "mon-fri 09:00"),
        ("HUDDLE_SUMMARY_AT", "off"),
        ("HUDDLE_NUDGE_AT", "thu 25:00"),
        ("HUDDLE_NUDGE_AT", "thu"),
        ("HUDDLE_NUDGE_AT", "weekdays 15:00"),
        ("HUDDLE_HUDDLE_AT", "mon-thu 9"),
    ],
)
def test_each_schedule_problem_hints_at_a_value_its_own_variable_accepts(
    name: str, given: str
) -> None:
    message = only_problem(name, **{name: given})
    examples = _EXAMPLE.findall(message)
    assert examples, message
    for example in examples:
        assert load(**{name: example}), (name, example)


@pytest.mark.parametrize("given", ["Factory", "localtime", "posixrules", "CET", "EST5EDT"])
def test_timezone_must_be_a_named_geographic_zone(given: str) -> None:
    message = only_problem("HUDDLE_TIMEZONE", HUDDLE_TIMEZONE=given)
    assert "Europe/Berlin" in message
