"""Goals in force, overrides, 'off', and proration for away reps."""

from __future__ import annotations

from datetime import date

from bot.domain.activities import BUILT_IN
from bot.domain.goals import TEAM_DEFAULT, GoalRow, goals_in_force, prorate, rep_week

W1 = date(2026, 11, 16)
W2 = date(2026, 11, 23)
EARLY = date(2000, 1, 3)


def test_team_goal_applies_to_everyone() -> None:
    rows = [GoalRow("meeting", TEAM_DEFAULT, EARLY, 6)]
    assert goals_in_force(rows, "UALICE", W2) == {"meeting": 6}


def test_override_beats_team_goal_from_its_week_on() -> None:
    rows = [GoalRow("meeting", TEAM_DEFAULT, EARLY, 6), GoalRow("meeting", "UALICE", W2, 8)]
    assert goals_in_force(rows, "UALICE", W1) == {"meeting": 6}
    assert goals_in_force(rows, "UALICE", W2) == {"meeting": 8}
    assert goals_in_force(rows, "UBOB", W2) == {"meeting": 6}


def test_override_off_falls_back_to_team_goal() -> None:
    rows = [
        GoalRow("meeting", TEAM_DEFAULT, EARLY, 6),
        GoalRow("meeting", "UALICE", W1, 8),
        GoalRow("meeting", "UALICE", W2, None),
    ]
    assert goals_in_force(rows, "UALICE", W1) == {"meeting": 8}
    assert goals_in_force(rows, "UALICE", W2) == {"meeting": 6}


def test_team_goal_off_removes_it_but_keeps_history() -> None:
    rows = [GoalRow("call", TEAM_DEFAULT, EARLY, 20), GoalRow("call", TEAM_DEFAULT, W2, None)]
    assert goals_in_force(rows, "UALICE", W1) == {"call": 20}
    assert goals_in_force(rows, "UALICE", W2) == {}


def test_prorate_rounds_up() -> None:
    assert prorate(6, 5) == 6
    assert prorate(6, 3) == 4  # 3.6 -> 4
    assert prorate(6, 0) == 0
    assert prorate(1, 1) == 1


def test_rep_week_prorates_for_away_days_and_reports_what_is_left() -> None:
    rows = [GoalRow("meeting", TEAM_DEFAULT, EARLY, 6)]
    away = [(date(2026, 11, 23), date(2026, 11, 24))]  # Mon-Tue out
    week = rep_week("UALICE", date(2026, 11, 26), BUILT_IN, {"meeting": 2}, rows, away)
    meeting = week.of("meeting")
    assert week.workdays_present == 3
    assert (meeting.goal, meeting.done, meeting.left) == (4, 2, 2)
    assert week.of("call").goal is None
    assert [p.activity.key for p in week.short] == ["meeting"]


def test_share_met_caps_each_activity() -> None:
    rows = [GoalRow("meeting", TEAM_DEFAULT, EARLY, 6), GoalRow("call", TEAM_DEFAULT, EARLY, 10)]
    week = rep_week("UALICE", W2, BUILT_IN, {"meeting": 12, "call": 5}, rows, [])
    assert week.share_met == 0.75
