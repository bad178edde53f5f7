"""The summary's and digest's charts show what their text shows: the same reps, in
the same order, with the same numbers (asserted on the charts' inputs; the pictures
themselves are tested in test_charts.py), planned once per week beside their text."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.goals import TEAM_DEFAULT, GoalRow
from bot.messages.charts import ALT_TEXT_LIMIT, percent
from bot.messages.weekly import RepLine, digest, summary
from bot.messages.weekly_charts import (
    CHART_WEEKS,
    SummaryChart,
    TrendChart,
    summary_chart_of,
    trend_chart_of,
)
from bot.scheduled.planner import Send, digest_recipient, plan
from bot.team.state import Member, TeamState
from storage.ledger import (
    DIGEST,
    DIGEST_CHART,
    FAILED,
    SENT,
    SUMMARY,
    SUMMARY_CHART,
    LedgerKey,
    LedgerRow,
)
from storage.queries import WeeksData
from tests.teams import TEAM_REF, team_state
from tests.test_planner import settings
from tests.test_weekly_messages import MONDAY, blocks_text, rep

NY = ZoneInfo("America/New_York")
FRIDAY_9AM = datetime(2026, 11, 27, 9, 0, tzinfo=NY)
WEEK = "2026-W48"
AWAY = [(date(2026, 11, 23), date(2026, 11, 25))]


def team_lines() -> list[RepLine]:
    return [
        rep("U2", "Bob", {"meeting": 4, "call": 20}),
        rep("U1", "Alice", {"meeting": 6, "call": 22}),
        rep("U3", "Cara", {"meeting": 3, "call": 8}, away=AWAY),
        rep("U4", "Dan", {"meeting": 0, "call": 2}),
    ]


def no_history(_week: date) -> list[RepLine]:
    return []


def test_summary_chart_shows_the_texts_reps_in_its_order_with_its_numbers() -> None:
    lines = team_lines()
    chart = summary_chart_of(MONDAY, lines, no_history)
    text = blocks_text(summary(MONDAY, lines))

    assert chart.title == "Week of Mon 23 Nov — results" and chart.title in text
    assert chart.activities == ("meetings", "calls")
    names = [r.name for r in chart.reps]
    assert names == ["Alice", "Cara", "Bob", "Dan"]
    assert sorted(names, key=lambda name: text.index(f" {name} — ")) == names
    shares = {r.name: dict(r.shares) for r in chart.reps}
    # The text's "done/goal" per rep and activity is the bar's share.
    tallies = [
        (name, activity, int(done), int(goal))
        for name, rest in re.findall(r"[✅❌] (\w+) — (.*)", text)
        for activity, done, goal in re.findall(r"(\w+) (\d+)/(\d+)", rest)
    ]
    assert len(tallies) == 8
    for name, activity, done, goal in tallies:
        assert shares[name][activity] == done / goal, (name, activity)
    assert [r.name for r in chart.reps if r.away] == ["Cara"] and "Cara (3 days)" in text


def test_summary_chart_history_is_the_teams_last_8_weeks_this_one_as_the_text_says() -> None:
    lines = team_lines()
    earlier = {
        MONDAY - timedelta(weeks=1): [rep("U1", "Alice", {"meeting": 3, "call": 20})],
        MONDAY - timedelta(weeks=2): [],  # nobody judged yet
    }
    chart = summary_chart_of(MONDAY, lines, lambda week: earlier.get(week, []))
    labels = [label for label, _ in chart.history]
    assert len(labels) == CHART_WEEKS and labels[-2:] == ["16 Nov", "23 Nov"]
    assert chart.history[-2][1] == 0.75  # Alice alone: meetings 3/6 and calls 20/20
    assert chart.history[-3][1] is None and chart.history[0][1] is None
    this_week = chart.history[-1][1]
    assert this_week is not None
    text = blocks_text(summary(MONDAY, lines))
    assert f"on average reps met {percent(this_week)} of their goals" in text


def test_trend_chart_shows_the_digests_reps_in_its_order_pattern_first() -> None:
    lines = team_lines()
    missed = [line for line in lines if line.week.short]  # Bob and Dan
    patterns = {"U2": 3, "U4": 1}
    judged = {MONDAY - timedelta(weeks=i): lines for i in range(3)}
    chart = trend_chart_of(MONDAY, missed, patterns, lambda week: judged.get(week, []))
    text = blocks_text(digest(MONDAY, missed, patterns))

    assert [name for name, _ in chart.reps] == ["Bob", "Dan"]
    order = [text.index(s) for s in ("— pattern", "• Bob", "— one-off", "• Dan")]
    assert order == sorted(order)
    assert len(chart.weeks) == CHART_WEEKS and chart.weeks[-1] == "23 Nov"
    for (_, shares), line in zip(chart.reps, missed, strict=True):
        assert len(shares) == CHART_WEEKS
        assert shares[-3:] == (line.week.share_met,) * 3
        assert shares[:-3] == (None,) * (CHART_WEEKS - 3)  # before they were judged


# ------------------------------------------------------------------ the planner


def state(reps: int = 3, ledger: dict[LedgerKey, LedgerRow] | None = None) -> TeamState:
    members = [Member(f"U{i:03d}", f"Rep {i}", NY) for i in range(reps)]
    data = WeeksData()
    data.goals[TEAM_REF] = [GoalRow("meeting", TEAM_DEFAULT, date(2000, 1, 3), 6)]
    data.totals[("U000", date(2026, 11, 23))] = {"meeting": 6}
    config = settings(HUDDLE_MANAGERS="UBOSS,UCHIEF")
    return team_state(config, members, ["UBOSS", "UCHIEF"], data, ledger=ledger)


def charts(sends: list[Send]) -> dict[LedgerKey, Send]:
    return {s.key: s for s in sends if s.upload is not None}


def test_friday_plans_one_chart_beside_the_summary_and_one_per_digest() -> None:
    sends = plan(FRIDAY_9AM, [state()]).sends
    planned = charts(sends)
    summary_chart = planned[LedgerKey(SUMMARY_CHART, "CTEAM", WEEK)]
    assert summary_chart.parent == LedgerKey(SUMMARY, "CTEAM", WEEK)
    assert summary_chart.to == "CTEAM" and summary_chart.upload is not None
    assert not summary_chart.upload.in_thread  # one message: the chart goes beside it
    assert isinstance(summary_chart.upload.chart, SummaryChart)
    assert [r.name for r in summary_chart.upload.chart.reps] == ["Rep 0", "Rep 1", "Rep 2"]

    managers = [digest_recipient(m, TEAM_REF) for m in ("UBOSS", "UCHIEF")]
    digests = [planned[LedgerKey(DIGEST_CHART, m, WEEK)] for m in managers]
    assert [d.parent for d in digests] == [LedgerKey(DIGEST, m, WEEK) for m in managers]
    assert [d.to for d in digests] == ["UBOSS", "UCHIEF"]
    trend = digests[0].upload.chart if digests[0].upload else None
    assert isinstance(trend, TrendChart) and [n for n, _ in trend.reps] == ["Rep 1", "Rep 2"]
    assert all(d.upload and d.upload.chart is trend for d in digests)  # drawn once
    names = {s.upload.filename for s in planned.values() if s.upload}
    assert len(names) == 3 and all(n.endswith(".png") and WEEK in n for n in names)


def test_a_split_summary_gets_its_chart_in_the_thread() -> None:
    sends = plan(FRIDAY_9AM, [state(reps=400)]).sends
    parts = [s for s in sends if s.key.kind == SUMMARY]
    assert len(parts) > 1
    chart = charts(sends)[LedgerKey(SUMMARY_CHART, "CTEAM", WEEK)]
    assert chart.upload is not None and chart.upload.in_thread
    assert len(chart.upload.chart.reps) == 400  # the picture shows 50 of them, and says so
    assert len(chart.upload.chart.alt_text()) <= ALT_TEXT_LIMIT


def test_a_sent_chart_is_not_planned_again_a_failed_one_is() -> None:
    key = LedgerKey(SUMMARY_CHART, "CTEAM", WEEK)
    when = FRIDAY_9AM
    sent = {key: LedgerRow(1, key, SENT, 1, when, "CTEAM", None)}
    assert key not in charts(plan(when + timedelta(minutes=1), [state(3, sent)]).sends)
    failed = {key: LedgerRow(1, key, FAILED, 1, when, None, None)}
    retry = charts(plan(when + timedelta(minutes=1), [state(3, failed)]).sends)[key]
    assert retry.previous == failed[key]
    assert not charts(plan(datetime(2026, 11, 28, 9, 0, tzinfo=NY), [state()]).sends)


def test_the_planned_charts_draw_as_pngs() -> None:
    planned = charts(plan(FRIDAY_9AM, [state()]).sends)
    for send in planned.values():
        assert send.upload is not None
        png = send.upload.chart.png()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and 10_000 < len(png) < 1_000_000
        assert 0 < len(send.upload.chart.alt_text()) <= ALT_TEXT_LIMIT
