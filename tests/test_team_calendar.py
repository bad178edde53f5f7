"""A team's holidays: public ones by region, the team's own, and where the nudge and
the summary move when their day is a holiday."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.team_calendar import (
    Region,
    TeamCalendar,
    UnknownRegion,
    parse_region,
    short_week_note,
)

US = TeamCalendar(Region("US"))
THANKSGIVING_WEEK = date(2026, 11, 23)


def test_a_region_is_a_country_optionally_with_a_subdivision() -> None:
    assert parse_region(" us ") == Region("US")
    assert parse_region("de-by") == Region("DE", "BY")
    assert str(parse_region("DE-BY")) == "DE-BY"


@pytest.mark.parametrize(
    ("code", "says"),
    [("XX", "two-letter country code"), ("DE-ZZ", "DE has no region `ZZ`"), ("", "country")],
)
def test_an_unknown_region_is_refused_with_what_is_accepted(code: str, says: str) -> None:
    with pytest.raises(UnknownRegion, match=says):
        parse_region(code)


def test_public_holidays_come_from_the_region() -> None:
    assert US.holiday(date(2026, 11, 26)) == "Thanksgiving Day"
    assert US.holiday(date(2026, 11, 25)) is None
    assert TeamCalendar(Region("DE", "BY")).holiday(date(2026, 1, 6)) == "Epiphany"
    assert TeamCalendar(Region("DE")).holiday(date(2026, 1, 6)) is None


def test_the_team_adds_its_own_days_and_removes_public_ones() -> None:
    calendar = TeamCalendar(
        Region("US"),
        added={date(2026, 11, 27): "Day after"},
        removed=frozenset({date(2026, 11, 26)}),
    )
    assert calendar.holiday(date(2026, 11, 27)) == "Day after"
    assert calendar.holiday(date(2026, 11, 26)) is None
    assert TeamCalendar().holiday(date(2026, 12, 25)) is None


def test_thanksgiving_week_moves_the_nudge_to_wednesday_and_the_summary_to_monday() -> None:
    calendar = TeamCalendar(Region("US"), added={date(2026, 11, 27): "Day after Thanksgiving"})
    assert calendar.nudge_day(date(2026, 11, 26)) == date(2026, 11, 25)
    assert calendar.summary_day(date(2026, 11, 27)) == date(2026, 11, 30)
    assert calendar.as_away(THANKSGIVING_WEEK) == [
        (date(2026, 11, 26), date(2026, 11, 26)),
        (date(2026, 11, 27), date(2026, 11, 27)),
    ]
    assert short_week_note(calendar.workday_holidays(THANKSGIVING_WEEK)) == (
        "short week: Thu 26 Nov Thanksgiving Day, Fri 27 Nov Day after Thanksgiving"
    )


def test_an_ordinary_week_keeps_its_days() -> None:
    assert US.nudge_day(date(2026, 12, 3)) == date(2026, 12, 3)
    assert US.summary_day(date(2026, 12, 4)) == date(2026, 12, 4)
    assert short_week_note(US.workday_holidays(date(2026, 11, 30))) is None


def test_a_week_of_holidays_before_the_nudge_has_no_nudge() -> None:
    week = {date(2026, 12, 21 + i): "Closed" for i in range(5)}
    calendar = TeamCalendar(added=week)
    assert calendar.nudge_day(date(2026, 12, 24)) is None
    assert calendar.summary_day(date(2026, 12, 25)) == date(2026, 12, 28)
    assert len(calendar.as_away(date(2026, 12, 21))) == 5


def test_christmas_spanning_two_weeks_moves_the_summary_past_new_year() -> None:
    closed = {date(2026, 12, 25): "Christmas", date(2026, 12, 28): "Closed"}
    closed |= {date(2026, 12, 29): "Closed", date(2026, 12, 30): "Closed"}
    calendar = TeamCalendar(Region("GB"), added=closed)
    assert calendar.summary_day(date(2026, 12, 25)) == date(2026, 12, 31)
    assert calendar.nudge_day(date(2026, 12, 31)) == date(2026, 12, 31)
    assert [d for d, _ in calendar.holidays_between(date(2026, 12, 24), date(2027, 1, 2))] == [
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2026, 12, 28),
        date(2026, 12, 29),
        date(2026, 12, 30),
        date(2027, 1, 1),
    ]
