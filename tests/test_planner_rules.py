"""Rules of the planner that mutation testing showed no test held: each test says
what a user (or the ledger) would see go wrong if the rule broke."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.goals import TEAM_DEFAULT, GoalRow
from bot.domain.settings import Settings
from bot.scheduled.planner import Force, Plan, Send, chart_filename, plan
from bot.team.state import Member, TeamState
from storage.ledger import (
    CLAIMED,
    DIGEST,
    DIGEST_CHART,
    FAILED,
    HUDDLE,
    NUDGE,
    SUMMARY,
    SUMMARY_CHART,
    UNKNOWN,
    LedgerKey,
    LedgerRow,
)
from storage.queries import WeeksData
from tests.teams import TEAM_REF, team_state
from tests.test_planner import NY, settings
from tests.test_planner import state as planner_state

W48 = date(2026, 11, 23)
THURSDAY_3PM = datetime(2026, 11, 26, 15, 0, tzinfo=NY)
FRIDAY_9AM = datetime(2026, 11, 27, 9, 0, tzinfo=NY)
EARLY = date(2000, 1, 3)
CONFIG = settings(HUDDLE_HUDDLE_AT="off")


def state(
    reps: Iterable[tuple[str, str]], weeks: WeeksData | None = None, config: Settings = CONFIG
) -> TeamState:
    """The planner tests' team, without a daily board unless ``config`` has one."""
    return planner_state(reps, weeks, config)


def with_ledger(team: TeamState, *rows: LedgerRow) -> TeamState:
    return replace(team, ledger={row.key: row for row in rows})


def nudges(due: Plan) -> dict[str, Send]:
    return {s.key.recipient: s for s in due.sends if s.key.kind == NUDGE}


def digest_text(due: Plan) -> str:
    [digest] = [s for s in due.sends if s.key.kind == DIGEST]
    return str(digest.message)


def test_the_digest_names_only_reps_who_missed_a_goal() -> None:
    weeks = WeeksData()
    weeks.totals[("UHIT", W48)] = {"meeting": 6}
    team = state([("UHIT", "America/New_York"), ("UMISS", "America/New_York")], weeks)
    text = digest_text(plan(FRIDAY_9AM, [team]))
    assert "1 rep missed a goal this week" in text
    assert "Umiss" in text and "Uhit" not in text


def test_a_reps_own_goal_is_what_the_nudge_asks_for() -> None:
    """Alice's own goal of 2 beats the team's 6: she is at goal and not nudged; Bob,
    on the team goal, has 4 to go."""
    weeks = WeeksData()
    weeks.goals[TEAM_REF] = [
        GoalRow("meeting", TEAM_DEFAULT, EARLY, 6),
        GoalRow("meeting", "UALICE", EARLY, 2),
    ]
    weeks.totals[("UALICE", W48)] = {"meeting": 2}
    weeks.totals[("UBOB", W48)] = {"meeting": 2}
    team = state([("UALICE", "America/New_York"), ("UBOB", "America/New_York")], weeks)
    sent = nudges(plan(THURSDAY_3PM, [team]))
    assert set(sent) == {"UBOB"}
    assert "4 meetings to go (2 of 6)" in sent["UBOB"].message["text"]


def test_a_team_goal_from_a_later_week_does_not_hide_a_reps_own_goal() -> None:
    """Rows in any order: the team's goal changes to 8 from next week, listed before
    Alice's own goal of 3 from this week; this week she is asked for 3."""
    weeks = WeeksData()
    weeks.goals[TEAM_REF] = [
        GoalRow("meeting", TEAM_DEFAULT, EARLY, 6),
        GoalRow("meeting", TEAM_DEFAULT, W48 + timedelta(weeks=1), 8),
        GoalRow("meeting", "UALICE", W48, 3),
    ]
    weeks.totals[("UALICE", W48)] = {"meeting": 1}
    team = state([("UALICE", "America/New_York")], weeks)
    [nudge] = nudges(plan(THURSDAY_3PM, [team])).values()
    assert "2 meetings to go (1 of 3)" in nudge.message["text"]


def test_a_rep_away_one_day_is_asked_for_four_days_worth() -> None:
    """Away on Monday only: 4 of 5 workdays, so 6 meetings become 5."""
    weeks = WeeksData()
    weeks.away["UREP"] = [(W48, W48)]
    team = state([("UREP", "America/New_York")], weeks)
    [nudge] = nudges(plan(THURSDAY_3PM, [team])).values()
    assert "5 meetings to go (0 of 5)" in nudge.message["text"]


def test_a_failed_nudge_is_retried_on_its_own_ledger_row_and_an_unknown_one_looked_for() -> None:
    team = state([("UFAILED", "America/New_York"), ("ULOST", "America/New_York")])
    failed = LedgerRow(
        1, LedgerKey(NUDGE, "UFAILED", "2026-W48"), FAILED, 2, THURSDAY_3PM, None, None
    )
    lost = LedgerRow(2, LedgerKey(NUDGE, "ULOST", "2026-W48"), UNKNOWN, 1, THURSDAY_3PM, None, None)
    later = THURSDAY_3PM + timedelta(minutes=1)
    sent = nudges(plan(later, [with_ledger(team, failed, lost)]))
    assert (sent["UFAILED"].previous, sent["UFAILED"].verify_first) == (failed, False)
    assert (sent["ULOST"].previous, sent["ULOST"].verify_first) == (lost, True)


def test_a_claim_is_left_to_its_owner_until_the_lease_runs_out() -> None:
    team = state([("UREP", "America/New_York")])
    key = LedgerKey(NUDGE, "UREP", "2026-W48")
    claim = LedgerRow(1, key, CLAIMED, 1, THURSDAY_3PM, None, None)
    seconds_later = plan(THURSDAY_3PM + timedelta(seconds=10), [with_ledger(team, claim)])
    assert seconds_later.sends == [] and seconds_later.skipped == [
        (key, "being sent by another run")
    ]
    at_the_lease = plan(THURSDAY_3PM + timedelta(minutes=5), [with_ledger(team, claim)])
    assert at_the_lease.sends == []
    abandoned = plan(THURSDAY_3PM + timedelta(minutes=6), [with_ledger(team, claim)])
    [takeover] = abandoned.sends
    assert takeover.previous == claim and takeover.verify_first


def test_a_send_is_given_up_after_five_attempts() -> None:
    team = state([("UREP", "America/New_York")])
    key = LedgerKey(NUDGE, "UREP", "2026-W48")
    fourth = LedgerRow(1, key, FAILED, 4, THURSDAY_3PM, None, None)
    fifth = LedgerRow(1, key, FAILED, 5, THURSDAY_3PM, None, None)
    later = THURSDAY_3PM + timedelta(minutes=1)
    assert [s.key for s in plan(later, [with_ledger(team, fourth)]).sends] == [key]
    given_up = plan(later, [with_ledger(team, fifth)])
    assert given_up.sends == [] and given_up.skipped == [(key, "gave up after 5 attempts")]


def test_a_rep_who_missed_every_week_since_joining_three_weeks_ago_has_a_pattern() -> None:
    """Joined on the Monday three weeks back and missed all four weeks since: 4 of 4."""
    team = state([("UNEW", "America/New_York")])
    joined = W48 - timedelta(weeks=3)
    team = replace(team, reps=[Member("UNEW", "New", NY, joined=joined)])
    text = digest_text(plan(FRIDAY_9AM, [team]))
    assert "1 with a pattern, 0 one-off" in text
    assert "missed 4 of the last 4 weeks" in text


def test_a_summary_too_big_for_one_message_continues_in_its_thread() -> None:
    """Each part is its own ledger row, posted to the channel in the first part's thread."""
    team = state([(f"U{n:04d}", "America/New_York") for n in range(400)])
    summary = [s for s in plan(FRIDAY_9AM, [team]).sends if s.key.kind == "summary"]
    first, *rest = summary
    assert first.key == LedgerKey("summary", "CTEAM", "2026-W48") and first.parent is None
    assert rest, "400 reps do not fit in one message"
    for k, part in enumerate(rest, start=2):
        assert part.key == LedgerKey("summary", f"CTEAM#{k}", "2026-W48")
        assert (part.to, part.parent) == ("CTEAM", first.key)
        assert f"(continued, part {k} of {len(summary)})" in part.message["text"]


def test_a_message_already_sent_is_not_sent_again_and_the_run_says_so() -> None:
    team = state([("UREP", "America/New_York")])
    key = LedgerKey(NUDGE, "UREP", "2026-W48")
    sent = LedgerRow(1, key, "sent", 1, THURSDAY_3PM, "D1", "1.0")
    due = plan(THURSDAY_3PM + timedelta(minutes=1), [with_ledger(team, sent)])
    assert due.sends == [] and due.skipped == [(key, "already sent")]


def test_a_late_evening_nudge_asks_about_the_reps_own_day() -> None:
    """20:00 on Thursday in Los Angeles is already Friday in UTC: a rep away only on
    Friday is here today and gets the nudge."""
    weeks = WeeksData()
    weeks.away["ULA"] = [(date(2026, 11, 27), date(2026, 11, 27))]
    team = state([("ULA", "America/Los_Angeles")], weeks)
    evening = datetime(2026, 11, 26, 20, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert set(nudges(plan(evening, [team]))) == {"ULA"}


def test_the_digest_counts_each_reps_own_misses_in_the_last_four_weeks() -> None:
    """Hit the three weeks before, missed this one: a one-off, 1 of the last 4."""
    weeks = WeeksData()
    for i in (1, 2, 3):
        weeks.totals[("UONCE", W48 - timedelta(weeks=i))] = {"meeting": 6}
    team = state([("UONCE", "America/New_York")], weeks)
    text = digest_text(plan(FRIDAY_9AM, [team]))
    assert "0 with a pattern, 1 one-off" in text
    assert "missed 1 of the last 4 weeks" in text


def test_a_manual_nudge_run_sends_that_weeks_nudges_whatever_the_clock() -> None:
    """``huddle nudge`` on a Tuesday: this week's nudges now, and nothing else."""
    team = state([("UREP", "America/New_York")])
    tuesday = datetime(2026, 11, 24, 11, 0, tzinfo=NY)
    due = plan(tuesday, [team], Force(frozenset({NUDGE}), W48))
    assert [(s.key, s.to) for s in due.sends] == [(LedgerKey(NUDGE, "UREP", "2026-W48"), "UREP")]
    assert plan(tuesday, [team]).sends == []


def test_a_manual_summary_run_posts_the_named_week_and_no_nudges() -> None:
    """``huddle summary --week 2026-W40`` on Thursday afternoon: W40's summary and
    digest, not this week's nudges, which the clock alone would send."""
    team = state([("UREP", "America/New_York")])
    due = plan(THURSDAY_3PM, [team], Force(frozenset({SUMMARY, DIGEST}), date(2026, 9, 28)))
    assert [s.key for s in due.sends] == [
        LedgerKey(SUMMARY, "CTEAM", "2026-W40"),
        LedgerKey(SUMMARY_CHART, "CTEAM", "2026-W40"),
        LedgerKey(DIGEST, "UBOSS@1", "2026-W40"),
        LedgerKey(DIGEST_CHART, "UBOSS@1", "2026-W40"),
    ]
    assert "Week of Mon 28 Sep — results" in due.sends[0].message["text"]


def test_the_daily_board_goes_to_the_channel_once_a_day() -> None:
    team = state([("UREP", "America/New_York")], config=settings())
    [board] = plan(datetime(2026, 11, 26, 9, 0, tzinfo=NY), [team]).sends
    assert (board.key, board.to) == (LedgerKey(HUDDLE, "CTEAM", "2026-11-26"), "CTEAM")
    assert board.message["text"].startswith("Daily huddle · Thu 26 Nov")


def test_an_auckland_teams_board_goes_out_at_nine_in_auckland() -> None:
    """09:00 on Thursday in Auckland is Wednesday evening in UTC (and on most servers)."""
    team = state([("UREP", "Pacific/Auckland")], config=settings("Pacific/Auckland"))
    morning = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Pacific/Auckland"))
    [board] = plan(morning, [team]).sends
    assert board.key == LedgerKey(HUDDLE, "CTEAM", "2026-11-26")
    assert plan(morning - timedelta(minutes=1), [team]).sends == []


def test_the_nudge_stops_at_the_summary_minute() -> None:
    team = state([("UREP", "America/New_York")])
    assert set(nudges(plan(FRIDAY_9AM - timedelta(minutes=1), [team]))) == {"UREP"}
    assert nudges(plan(FRIDAY_9AM, [team])) == {}


def test_a_late_summary_goes_out_until_midnight_in_the_team_timezone() -> None:
    """New York's Friday ends at 05:00 UTC on Saturday, not at UTC midnight."""
    team = state([("UREP", "America/New_York")])
    late = datetime(2026, 11, 27, 23, 59, tzinfo=NY)
    assert LedgerKey(SUMMARY, "CTEAM", "2026-W48") in [s.key for s in plan(late, [team]).sends]
    assert plan(late + timedelta(minutes=1), [team]).sends == []


def test_a_late_board_goes_out_until_midnight_in_the_team_timezone() -> None:
    team = state([("UREP", "America/New_York")], config=settings())
    late = datetime(2026, 11, 25, 23, 59, tzinfo=NY)
    assert [s.key for s in plan(late, [team]).sends] == [LedgerKey(HUDDLE, "CTEAM", "2026-11-25")]


def test_the_summary_and_digest_each_carry_their_chart_after_the_text() -> None:
    """The chart is its own ledger row, shared in the channel (or DM) beside the first
    part, with a line saying what it shows and a file name that finds it again."""
    team = state([("UREP", "America/New_York")])
    sends = {s.key: s for s in plan(FRIDAY_9AM, [team]).sends}
    summary_key, digest_key = (
        LedgerKey(SUMMARY, "CTEAM", "2026-W48"),
        LedgerKey(DIGEST, "UBOSS@1", "2026-W48"),
    )
    chart = sends[LedgerKey(SUMMARY_CHART, "CTEAM", "2026-W48")]
    assert (chart.to, chart.parent) == ("CTEAM", summary_key)
    assert chart.message == {
        "text": "📊 The week in a picture (every number is in the summary too)."
    }
    assert chart.upload is not None and not chart.upload.in_thread
    assert chart.upload.filename == "huddle-summary-chart-2026-W48-CTEAM.png"
    assert chart.upload.chart.title == "Week of Mon 23 Nov — results"
    trend = sends[LedgerKey(DIGEST_CHART, "UBOSS@1", "2026-W48")]
    assert (trend.to, trend.parent) == ("UBOSS", digest_key)
    assert trend.message == {"text": "📈 Each rep who missed, over the last 8 weeks."}
    assert trend.upload is not None
    assert trend.upload.filename == "huddle-digest-chart-2026-W48-UBOSS-1.png"


def test_the_chart_of_a_split_summary_goes_in_its_thread() -> None:
    team = state([(f"U{n:04d}", "America/New_York") for n in range(400)])
    sends = {s.key: s for s in plan(FRIDAY_9AM, [team]).sends}
    chart = sends[LedgerKey(SUMMARY_CHART, "CTEAM", "2026-W48")]
    assert chart.upload is not None and chart.upload.in_thread


def test_a_chart_file_name_holds_no_at_sign() -> None:
    assert chart_filename(LedgerKey(DIGEST_CHART, "U1@T2", "2026-W48")) == (
        "huddle-digest-chart-2026-W48-U1-T2.png"
    )


def test_the_summary_charts_history_counts_a_rep_from_the_week_they_joined() -> None:
    """Joined last week and met every goal then: the chart's bar for last week is
    100%, and the weeks before they joined have no bar."""
    weeks = WeeksData()
    joined = W48 - timedelta(weeks=1)
    weeks.totals[("UNEW", joined)] = {"meeting": 6}
    team = state([("UNEW", "America/New_York")], weeks)
    team = replace(team, reps=[Member("UNEW", "New", NY, joined=joined)])
    sends = {s.key: s for s in plan(FRIDAY_9AM, [team]).sends}
    upload = sends[LedgerKey(SUMMARY_CHART, "CTEAM", "2026-W48")].upload
    assert upload is not None
    history = dict(upload.chart.history)  # type: ignore[union-attr]
    assert history["16 Nov"] == 1.0
    assert history["9 Nov"] is None


def two_teams(weeks: WeeksData, reps: Iterable[tuple[str, str]]) -> list[TeamState]:
    """CTEAM (goal: 6 meetings) and COTHER (goal: 10 calls), both run by UBOSS, with
    the same reps: one workspace's check-ins, each team its own goals."""
    weeks.goals[TEAM_REF] = [GoalRow("meeting", TEAM_DEFAULT, EARLY, 6)]
    weeks.goals[2] = [GoalRow("call", TEAM_DEFAULT, EARLY, 10)]
    first = state(reps, weeks)
    other = team_state(CONFIG, first.reps, ["UBOSS"], weeks, ref=2, channel="COTHER")
    return [first, other]


def test_a_rep_on_two_teams_gets_one_nudge_listing_what_is_left_on_each() -> None:
    """UBOTH is short on both teams: one nudge naming both channels and what is left on
    each. UONE met CTEAM's goal: one nudge, naming COTHER only."""
    weeks = WeeksData()
    weeks.totals[("UBOTH", W48)] = {"meeting": 2, "call": 4}
    weeks.totals[("UONE", W48)] = {"meeting": 6, "call": 1}
    teams = two_teams(weeks, [("UBOTH", "America/New_York"), ("UONE", "America/New_York")])
    due = plan(THURSDAY_3PM, teams)
    sent = [s for s in due.sends if s.key.kind == NUDGE]
    assert sorted((s.key.recipient, s.key.period, s.to) for s in sent) == [
        ("UBOTH", "2026-W48", "UBOTH"),
        ("UONE", "2026-W48", "UONE"),
    ]
    both = nudges(due)["UBOTH"].message["text"]
    assert "<#CTEAM>: 4 meetings to go (2 of 6)" in both
    assert "<#COTHER>: 6 calls to go (4 of 10)" in both
    one = nudges(due)["UONE"].message["text"]
    assert "<#COTHER>" in one and "9 calls to go (1 of 10)" in one
    assert "CTEAM" not in one and "meeting" not in one


def test_a_manager_of_two_teams_gets_a_digest_of_each() -> None:
    """One digest (and chart) per team, each under its own ledger row, both to UBOSS."""
    weeks = WeeksData()
    due = plan(FRIDAY_9AM, two_teams(weeks, [("UREP", "America/New_York")]))
    digests = [s for s in due.sends if s.key.kind == DIGEST]
    assert [(s.key, s.to) for s in digests] == [
        (LedgerKey(DIGEST, "UBOSS@1", "2026-W48"), "UBOSS"),
        (LedgerKey(DIGEST, "UBOSS@2", "2026-W48"), "UBOSS"),
    ]
    first, other = (str(s.message) for s in digests)  # each judged by its own team's goals
    assert "meetings 0/6" in first and "calls" not in first
    assert "calls 0/10" in other and "meetings" not in other
    charts = {s.key.recipient: s.upload for s in due.sends if s.key.kind == DIGEST_CHART}
    assert {r: u.filename for r, u in charts.items() if u} == {
        "UBOSS@1": "huddle-digest-chart-2026-W48-UBOSS-1.png",
        "UBOSS@2": "huddle-digest-chart-2026-W48-UBOSS-2.png",
    }
