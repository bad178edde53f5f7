"""The App Home, the logging modal, the modal's form rules and the export CSV: the
pure pieces, without Slack or a database."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.activities import BUILT_IN, Activity
from bot.domain.goals import TEAM_DEFAULT, GoalRow, RepWeek, rep_week
from bot.messages.checkins_csv import COLUMNS, checkins_csv, inert
from bot.messages.home import HomeData, home, mark, streak
from bot.messages.log_modal import log_modal
from bot.messages.weekly import RepLine, board
from bot.standin import view_errors, visible_text
from commands.grammar.log_form import FormErrors, LogForm, read_log_form
from storage.export import ExportRow
from tests.forms import FormValues, modal_values

THURSDAY = date(2026, 11, 26)
THIS_WEEK = date(2026, 11, 23)
GOALS = [
    GoalRow("meeting", TEAM_DEFAULT, date(2026, 1, 5), 6),
    GoalRow("call", TEAM_DEFAULT, date(2026, 1, 5), 20),
]
HIT_WEEK = {"meeting": 6, "call": 20}
MISSED_WEEK = {"meeting": 6, "call": 3}


def week(
    start: date,
    totals: Mapping[str, int] | None = None,
    away: list[tuple[date, date]] | None = None,
) -> RepWeek:
    return rep_week("UALICE", start, BUILT_IN, totals or {}, GOALS, away or [])


def history(*totals: Mapping[str, int] | None) -> list[RepWeek]:
    """Weeks ending with this one, oldest first."""
    first = THIS_WEEK - timedelta(weeks=len(totals) - 1)
    return [week(first + timedelta(weeks=i), t) for i, t in enumerate(totals)]


# streak and marks ---------------------------------------------------------------------


def test_streak_counts_back_from_last_week_and_stops_at_a_miss() -> None:
    weeks = history(HIT_WEEK, MISSED_WEEK, HIT_WEEK, HIT_WEEK, {"meeting": 2})
    started = weeks[0].week
    assert [mark(w, started) for w in weeks[:-1]] == ["✅", "❌", "✅", "✅"]
    assert streak(weeks, started) == 2  # this week is not hit yet, and does not break it


def test_this_week_joins_the_streak_once_every_goal_is_met() -> None:
    weeks = history(MISSED_WEEK, HIT_WEEK, HIT_WEEK)
    assert streak(weeks, weeks[0].week) == 2


def test_a_week_away_neither_counts_nor_breaks_the_streak() -> None:
    weeks = history(HIT_WEEK, None, HIT_WEEK, {})
    away = weeks[1].week
    weeks[1] = week(away, {}, away=[(away, away + timedelta(days=4))])
    assert mark(weeks[1], weeks[0].week) == "➖"
    assert streak(weeks, weeks[0].week) == 2


def test_weeks_before_the_first_checkin_are_not_judged() -> None:
    weeks = history({}, {}, HIT_WEEK, {})
    started = weeks[2].week + timedelta(days=3)
    assert [mark(w, started) for w in weeks[:-1]] == ["", "", "✅"]
    assert streak(weeks, started) == 1


# the Home view --------------------------------------------------------------------------


def home_text(data: HomeData) -> str:
    view = home(data)
    assert view_errors(view) == []
    return visible_text("", view["blocks"])


def test_new_rep_home_explains_instead_of_showing_misses() -> None:
    data = HomeData(history(*[None] * 9), THIS_WEEK, on_roster=True, channel="CTEAM")
    text = home_text(data)
    assert "Your week · Mon 23 Nov – Sun 29 Nov" in text
    assert "0 of 6 meetings · 6 to go" in text and "0 of 20 calls · 20 to go" in text
    assert "Your first week" in text
    assert "❌ ·" not in text
    assert "Team (managers)" not in text


def test_home_buttons_open_the_modal_per_activity() -> None:
    view = home(HomeData(history(None), THIS_WEEK, on_roster=False, channel="CTEAM"))
    buttons = [b["accessory"] for b in view["blocks"] if "accessory" in b]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        (f"home_log:{a.key}", a.key) for a in BUILT_IN
    ]
    assert "Log a meeting" in visible_text("", view["blocks"])
    assert "You're not in <#CTEAM> yet" in visible_text("", view["blocks"])


def test_many_activities_and_a_huge_team_stay_within_slacks_limits() -> None:
    many = tuple(Activity(f"act{i:03d}", f"thing {i}", f"things {i}") for i in range(150))
    current = rep_week("UALICE", THIS_WEEK, many, {}, GOALS, [])
    weeks = [current] * 9
    reps = [
        RepLine(
            f"U{i:04d}", "Very Long Name " * 10, rep_week(f"U{i:04d}", THIS_WEEK, many, {}, [], [])
        )
        for i in range(500)
    ]
    data = HomeData(weeks, THIS_WEEK, True, "CTEAM", board(THURSDAY, reps, in_channel=False))
    view = home(data)
    assert len(view["blocks"]) <= 50
    assert view_errors(view) == []


# the modal and its form -----------------------------------------------------------------


def test_modal_starts_on_the_pressed_activity_and_today() -> None:
    view = log_modal(BUILT_IN, BUILT_IN[1], THURSDAY, max_count=50, backdate_days=7, max_note=280)
    assert view_errors(view) == []
    activity, count, day, note = view["blocks"]
    assert activity["element"]["initial_option"]["value"] == "call"
    assert count["element"]["max_value"] == "50"
    assert day["element"]["initial_date"] == "2026-11-26"
    assert note["optional"] is True and note["element"]["max_length"] == 280


def read(form: FormValues) -> LogForm:
    return read_log_form(form, BUILT_IN, today=THURSDAY, max_count=50, backdate_days=7)


def errors_of(form: FormValues) -> dict[str, str]:
    with pytest.raises(FormErrors) as caught:
        read(form)
    return caught.value.errors


def test_a_valid_form() -> None:
    assert read(modal_values()) == LogForm(BUILT_IN[0], 2, date(2026, 11, 25), "Acme")
    assert read(modal_values(note=None)).note == ""
    assert read(modal_values(note="  spaced  ")).note == "spaced"
    assert read(modal_values(day="2026-11-19")).day == date(2026, 11, 19)  # 7 days back


@pytest.mark.parametrize(
    ("form", "field", "words"),
    [
        (modal_values(activity=None), "activity", "Pick an activity"),
        (modal_values(activity="dancing"), "activity", "Pick an activity"),
        (modal_values(count=None), "count", "whole number from 1 to 50"),
        (modal_values(count="0"), "count", "whole number from 1 to 50 — you typed 0"),
        (modal_values(count="51"), "count", "you typed 51"),
        (modal_values(count="2.5"), "count", "you typed 2.5"),
        (modal_values(count="lots"), "count", "Enter a whole number from 1 to 50"),
        (modal_values(day=None), "day", "Pick the day"),
        (modal_values(day="2026-11-27"), "day", "can't log a day in the future"),
        (modal_values(day="2026-11-18"), "day", "at most 7 days back (the earliest is 2026-11-19)"),
        (modal_values(day="2026-02-30"), "day", "isn't a real date"),
        (modal_values(note="x" * 281), "note", "281 characters long; the limit is 280"),
    ],
)
def test_each_invalid_field_is_named(form: FormValues, field: str, words: str) -> None:
    errors = errors_of(form)
    assert set(errors) == {field}
    assert words in errors[field]
    assert "`" not in errors[field]


def test_every_invalid_field_at_once() -> None:
    errors = errors_of(modal_values(activity=None, count="0", day="2027-01-01", note="y" * 300))
    assert set(errors) == {"activity", "count", "day", "note"}


# the CSV ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Acme = big", "Acme = big"),
        ("", ""),
    ],
)
def test_formula_cells_become_text(cell: str, shown: str) -> None:
    assert inert(cell) == shown


def test_csv_rows_and_quoting() -> None:
    logged = datetime(2026, 11, 26, 15, 0, 1, tzinfo=UTC)
    rows = [
        ExportRow(
            7,
            THURSDAY,
            "UALICE",
            "Alice",
            "meeting",
            2,
            'said "hi", then =2',
            "modal",
            logged,
            None,
            "CTEAM",
            "meeting",
        ),
        ExportRow(
            8, THURSDAY, "UEVE", "=evil()", "call", 1, "", "command", logged, logged, "C1", "=x"
        ),
    ]
    text = checkins_csv(rows)
    parsed = list(csv.reader(io.StringIO(text)))
    assert tuple(parsed[0]) == COLUMNS
    assert parsed[1] == [
        "7",
        "2026-11-26",
        "2026-W48",
        "UALICE",
        "Alice",
        "meeting",
        "2",
        'said "hi", then =2',
        "modal",
        "2026-11-26T15:00:01Z",
        "",
        "CTEAM",
        "meeting",
    ]
    assert parsed[2][4] == "'=evil()" and parsed[2][10] == "2026-11-26T15:00:01Z"
    assert parsed[2][12] == "'=x"
    assert text.endswith("\r\n")


def test_a_long_standing_rep_sees_eight_weeks_and_the_streak() -> None:
    weeks = history(*[HIT_WEEK] * 8, {"meeting": 1})
    text = home_text(HomeData(weeks, date(2026, 1, 5), on_roster=True, channel="CTEAM"))
    assert "*Last 8 weeks* (week starting)\n28 Sep ✅ · 5 Oct ✅" in text
    assert "16 Nov ✅\n🔥 *Streak: 8 weeks* with every goal hit" in text


def test_a_rep_who_started_this_week_has_no_finished_weeks_yet() -> None:
    weeks = history(*[None] * 8, {"meeting": 1})
    text = home_text(HomeData(weeks, THIS_WEEK, on_roster=True, channel="CTEAM"))
    assert "Your first week" in text and "Streak" not in text
