"""Which week ``huddle summary`` posts, and when it refuses (what the person at the
terminal reads)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.windows import summary_week
from tests.test_planner import settings

NY = ZoneInfo("America/New_York")
W47, W48 = date(2026, 11, 16), date(2026, 11, 23)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 30, 0, 0, tzinfo=NY),  # Monday, the first minute of W49
        datetime(2026, 12, 4, 8, 59, tzinfo=NY),  # Friday, a minute before W49's summary
    ],
)
def test_without_a_week_the_latest_summarised_week_that_has_ended(moment: datetime) -> None:
    assert summary_week(moment, settings()) == W48


def test_a_week_whose_summary_time_passed_but_has_not_ended_must_be_named() -> None:
    sunday_night = datetime(2026, 11, 29, 23, 59, tzinfo=NY)
    with pytest.raises(ValueError) as refusal:
        summary_week(sunday_night, settings())
    assert str(refusal.value) == (
        "The week of Mon 23 Nov 2026 (2026-W48) has not ended: it runs until Sun 29 Nov "
        "(America/New_York). To post its summary now, name it: huddle summary --week 2026-W48"
    )
    assert summary_week(sunday_night, settings(), W48) == W48


def test_before_this_weeks_summary_time_last_week_is_the_default() -> None:
    thursday = datetime(2026, 11, 26, 10, 0, tzinfo=NY)
    assert summary_week(thursday, settings()) == W47
    assert summary_week(thursday, settings(), W48) == W48


def test_a_week_that_has_not_begun_is_refused_even_when_named() -> None:
    sunday_night = datetime(2026, 11, 29, 23, 59, tzinfo=NY)
    with pytest.raises(ValueError) as refusal:
        summary_week(sunday_night, settings(), date(2026, 11, 30))
    assert str(refusal.value) == (
        "The week of Mon 30 Nov 2026 (2026-W49) has not begun yet: there is nothing to summarise."
    )
    monday = datetime(2026, 11, 30, 0, 0, tzinfo=NY)
    assert summary_week(monday, settings(), date(2026, 11, 30)) == date(2026, 11, 30)


def test_at_the_summary_time_this_week_is_the_one_due_and_must_be_named() -> None:
    friday_9am = datetime(2026, 11, 27, 9, 0, tzinfo=NY)
    with pytest.raises(ValueError, match=r"\(2026-W48\) has not ended"):
        summary_week(friday_9am, settings())


def test_a_sunday_evening_summary_in_los_angeles_is_judged_on_los_angeles_time() -> None:
    """Summary Sunday 23:00 in Los Angeles: at 22:00 (Monday in UTC) this week's has not
    come, so the default is last week, which has ended."""
    la = settings("America/Los_Angeles", HUDDLE_NUDGE_AT="sun 15:00", HUDDLE_SUMMARY_AT="sun 23:00")
    sunday_10pm = datetime(2026, 11, 29, 22, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert summary_week(sunday_10pm, la) == W47
