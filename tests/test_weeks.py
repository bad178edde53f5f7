"""Huddle's weeks: the ``YYYY-Www`` labels the CLI reads and the ledger writes, and the
workdays an away period leaves."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.weeks import (
    iso_week,
    parse_iso_week,
    system_clock,
    week_days,
    week_start,
    workdays_present,
)


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W48", date(2026, 11, 23)),
        (" 2026-W01 ", date(2025, 12, 29)),
        ("2026-W53", date(2026, 12, 28)),
        ("2020-W53", date(2020, 12, 28)),
    ],
)
def test_parse_iso_week_gives_the_monday(text: str, monday: date) -> None:
    assert parse_iso_week(text) == monday
    assert iso_week(monday) == text.strip()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("last", "'last' is not a week; use the form 2026-W48"),
        ("2026-48", "'2026-48' is not a week; use the form 2026-W48"),
        ("2026-W4", "'2026-W4' is not a week; use the form 2026-W48"),
        ("2026-W480", "'2026-W480' is not a week; use the form 2026-W48"),
        ("x2026-W48", "'x2026-W48' is not a week; use the form 2026-W48"),
        ("2025-W53", "'2025-W53' is not a week of that year"),
        ("2026-W00", "'2026-W00' is not a week of that year"),
    ],
)
def test_parse_iso_week_says_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_iso_week(text)
    assert str(error.value) == problem


def test_a_week_is_monday_to_sunday() -> None:
    assert week_start(date(2026, 11, 29)) == date(2026, 11, 23)
    assert week_days(date(2026, 11, 23)) == [date(2026, 11, d) for d in range(23, 30)]


def test_workdays_present_counts_mon_to_fri_outside_every_away_period() -> None:
    monday = date(2026, 11, 23)
    assert workdays_present(monday, []) == 5
    assert workdays_present(monday, [(date(2026, 11, 26), date(2026, 11, 26))]) == 4
    assert workdays_present(monday, [(date(2026, 11, 20), date(2026, 11, 23))]) == 4
    assert workdays_present(monday, [(date(2026, 11, 27), date(2026, 11, 30))]) == 4
    assert workdays_present(monday, [(date(2026, 11, 28), date(2026, 11, 29))]) == 5
    assert (
        workdays_present(monday, [(monday, monday), (date(2026, 11, 25), date(2026, 12, 1))]) == 1
    )


def test_the_process_timezone_option_reaches_the_clock(pytestconfig: pytest.Config) -> None:
    """``--process-tz`` (``.ci/run`` passes Pacific/Auckland) moves the server's clock."""
    zone = pytestconfig.getoption("--process-tz")
    if zone is None:
        pytest.skip("runs under --process-tz")
    assert datetime(2026, 11, 26, 12, tzinfo=UTC).astimezone().utcoffset() == ZoneInfo(
        zone
    ).utcoffset(datetime(2026, 11, 26, 12))


def test_the_system_clock_is_now_in_utc() -> None:
    before = datetime.now(UTC)
    now = system_clock()
    assert now.tzinfo is UTC and before <= now <= datetime.now(UTC)
