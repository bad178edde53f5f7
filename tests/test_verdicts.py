"""One verdict for a week everywhere it is shown, and the summary's order.

A week a rep was away every workday has a prorated goal of 0: it asks nothing, so
``/progress``, the App Home, the summary and the digest all show it as ➖ (no goal),
and the summary lists such reps after everyone who had a goal.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.domain.activities import BUILT_IN
from bot.domain.goals import TEAM_DEFAULT, GoalRow, RepWeek, rep_week
from bot.messages.home import HomeData, home
from bot.messages.progress import rep_progress
from bot.messages.weekly import RepLine, digest, summary
from bot.standin import visible_text

W47 = date(2026, 11, 16)
W48 = date(2026, 11, 23)
GOALS = [GoalRow("meeting", TEAM_DEFAULT, date(2026, 1, 5), 6)]
AWAY_ALL_W47 = [(date(2026, 11, 16), date(2026, 11, 20))]


def week(start: date, meetings: int = 0, away: list[tuple[date, date]] | None = None) -> RepWeek:
    totals: Mapping[str, int] = {"meeting": meetings} if meetings else {}
    return rep_week("UALICE", start, BUILT_IN, totals, GOALS, away or [])


def test_a_week_away_entirely_is_no_goal_in_progress_home_summary_and_digest() -> None:
    away_week, this_week = week(W47, away=AWAY_ALL_W47), week(W48, meetings=2)

    progress = visible_text(**rep_progress("Alice", this_week, [away_week]))
    assert "2026-W47 ➖ no goal" in progress
    assert "✅" not in progress

    view = home(HomeData([away_week, this_week], date(2026, 1, 5), True, "CTEAM"))
    history = visible_text("", view["blocks"])
    assert "16 Nov ➖" in history

    [post] = summary(W47, [RepLine("UALICE", "Alice", away_week)])
    assert "➖ Alice — no goal this week" in visible_text(**post)
    assert "No goals were set this week." in visible_text(**post)

    [dm] = digest(W47, [], {})
    assert "Nobody missed a goal" in visible_text(**dm)


def test_summary_sorts_by_share_of_goal_met_and_reps_without_a_goal_go_last() -> None:
    lines = [
        RepLine("UAWAY", "Aaron", week(W47, away=AWAY_ALL_W47)),
        RepLine("UHALF", "Bea", week(W47, meetings=3)),
        RepLine("UNONE", "Abe", rep_week("UNONE", W47, BUILT_IN, {"call": 4}, [], [])),
        RepLine("UFULL", "Cy", week(W47, meetings=6)),
        RepLine("UZERO", "Al", week(W47)),
    ]
    [post] = summary(W47, lines)
    text = visible_text(**post)
    order = [text.index(name) for name in ("✅ Cy", "❌ Bea", "❌ Al", "➖ Aaron", "➖ Abe")]
    assert order == sorted(order), text
