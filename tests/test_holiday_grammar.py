"""``/huddle holiday``: listing, adding and removing a team's holidays, and the
``holidays`` setting read with the ``holidays`` package's country codes."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.team_calendar import Region
from bot.messages.usage import USAGE
from commands.grammar.admin import InvalidCommand, parse_huddle
from commands.grammar.team_admin import ChangeHolidays, ChangeSetting, ListHolidays


def rejects(text: str, *fragments: str) -> InvalidCommand:
    with pytest.raises(InvalidCommand) as caught:
        parse_huddle(text)
    for fragment in fragments:
        assert fragment in str(caught.value)
    assert caught.value.topic in ("holiday", "settings")
    return caught.value


def test_listing() -> None:
    assert parse_huddle("holiday") == ListHolidays()
    assert parse_huddle("holidays list") == ListHolidays()


def test_adding_a_day_a_span_and_a_name() -> None:
    assert parse_huddle("holiday add 2026-12-24") == ChangeHolidays(
        True, date(2026, 12, 24), date(2026, 12, 24)
    )
    span = parse_huddle("holiday add 2026-12-24 2026-12-26 Christmas break")
    assert span == ChangeHolidays(True, date(2026, 12, 24), date(2026, 12, 26), "Christmas break")
    assert isinstance(span, ChangeHolidays) and len(span.days) == 3
    assert parse_huddle('holiday add 2026-11-27 "Day after"') == ChangeHolidays(
        True, date(2026, 11, 27), date(2026, 11, 27), "Day after"
    )


def test_removing() -> None:
    assert parse_huddle("holiday remove 2026-12-24") == ChangeHolidays(
        False, date(2026, 12, 24), date(2026, 12, 24)
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("holiday add", "Say which day"),
        ("holiday add 24-12-2026", "YYYY-MM-DD"),
        ("holiday add 2026-02-30", "isn't a real date"),
        ("holiday add 2026-12-26 2026-12-24", "before the first"),
        ("holiday add 2026-01-01 2026-03-01", "more than 31 days"),
        ("holiday remove 2026-12-24 Christmas", "takes nothing more"),
        ("holiday move 2026-12-24", "Say `list`, `add` or `remove`"),
        ("holiday add 2026-12-24 " + "x" * 70, "keep it to 60"),
    ],
)
def test_mistakes_are_explained(text: str, says: str) -> None:
    rejects(text, says)


def test_the_holidays_setting_takes_a_region_or_off() -> None:
    assert parse_huddle("settings holidays us") == ChangeSetting("holidays", Region("US"))
    assert parse_huddle("settings holidays DE-BY") == ChangeSetting("holidays", Region("DE", "BY"))
    assert parse_huddle("settings holidays off") == ChangeSetting("holidays", None)


def test_a_bad_country_code_names_it() -> None:
    rejects("settings holidays XX", "`XX`", "two-letter country code")
    rejects("settings holidays DE-ZZ", "DE has no region `ZZ`")


def test_holiday_changes_are_for_managers_and_listing_for_everyone() -> None:
    lines = {u.syntax: u.managers_only for u in USAGE if u.topic == "holiday"}
    assert lines["/huddle holiday"] is False
    assert all(only for syntax, only in lines.items() if syntax != "/huddle holiday")
