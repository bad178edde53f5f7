"""The planner with a team's holidays: moved nudges and summaries, prorated goals, no
board on a holiday, a week of holidays, one team's holidays never another's, and reps
whose Slack status says out of office. Pure: the planner fed in memory."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.team_calendar import Region
from bot.scheduled.planner import Plan, plan
from bot.team.state import TeamState
from storage.ledger import DIGEST, HUDDLE, NUDGE, OUT_OF_OFFICE, SUMMARY, LedgerKey, LedgerRow
from tests.test_planner import NY, settings, simulate, state

LA = ZoneInfo("America/Los_Angeles")
CONFIG = settings(HUDDLE_HOLIDAYS="US")
REPS = [("UALICE", "America/New_York"), ("UBOB", "America/Los_Angeles")]


def us_team(**added: str) -> TeamState:
    """A US team; ``added`` days (``d2026_11_27="Day after"``) are its own holidays."""
    team = state(REPS, config=CONFIG)
    days = {date.fromisoformat(k[1:].replace("_", "-")): v for k, v in added.items()}
    return replace(team, team=replace(team.team, added_holidays=days))


def sent_at(team: TeamState, start: datetime, end: datetime) -> dict[LedgerKey, datetime]:
    steps = simulate(CONFIG, team, start, end, timedelta(minutes=15))
    return {key: times[0] for key, times in steps.items()}


def test_thanksgiving_moves_the_nudge_to_wednesday_and_the_summary_to_monday() -> None:
    team = us_team(d2026_11_27="Day after Thanksgiving")
    sent = sent_at(team, datetime(2026, 11, 23, tzinfo=NY), datetime(2026, 12, 1, tzinfo=NY))
    assert sent[LedgerKey(NUDGE, "UALICE", "2026-W48")] == datetime(2026, 11, 25, 15, tzinfo=NY)
    assert sent[LedgerKey(NUDGE, "UBOB", "2026-W48")] == datetime(2026, 11, 25, 15, tzinfo=LA)
    assert sent[LedgerKey(SUMMARY, "CTEAM", "2026-W48")] == datetime(2026, 11, 30, 9, tzinfo=NY)
    boards = {k.period for k in sent if k.kind == HUDDLE}
    assert "2026-11-26" not in boards and "2026-11-25" in boards  # none on Thanksgiving


def test_thanksgiving_goals_are_prorated_to_three_of_five_workdays() -> None:
    team = us_team(d2026_11_27="Day after Thanksgiving")
    due = plan(datetime(2026, 11, 25, 15, 0, tzinfo=NY), [team])
    [nudge] = [s for s in due.sends if s.key == LedgerKey(NUDGE, "UALICE", "2026-W48")]
    assert "4 meetings to go (0 of 4)" in nudge.message["text"]  # 6 × 3/5 = 3.6 → 4
    assert "Wednesday" not in nudge.message["text"] and "Monday's summary" in nudge.message["text"]


def test_the_summary_names_the_short_week() -> None:
    team = us_team(d2026_11_27="Day after Thanksgiving")
    due = plan(datetime(2026, 11, 30, 9, 0, tzinfo=NY), [team])
    [summary] = [s for s in due.sends if s.key == LedgerKey(SUMMARY, "CTEAM", "2026-W48")]
    blocks = str(summary.message["blocks"])
    assert "short week: Thu 26 Nov Thanksgiving Day, Fri 27 Nov Day after Thanksgiving" in blocks


def test_a_christmas_break_across_two_iso_weeks() -> None:
    """24 Dec 2026 to 1 Jan 2027: week 52 is short (nudge on Wednesday 23rd), week 53 all
    holidays (no nudge, no goals); both summaries go out on Monday 4 January."""
    days = {date(2026, 12, 24) + timedelta(days=i): "Christmas break" for i in range(9)}
    team = state(REPS, config=CONFIG)
    team = replace(team, team=replace(team.team, added_holidays=days))
    sent = sent_at(team, datetime(2026, 12, 21, tzinfo=NY), datetime(2027, 1, 5, tzinfo=NY))
    assert sent[LedgerKey(NUDGE, "UALICE", "2026-W52")] == datetime(2026, 12, 23, 15, tzinfo=NY)
    assert LedgerKey(NUDGE, "UALICE", "2026-W53") not in sent
    monday = datetime(2027, 1, 4, 9, 0, tzinfo=NY)
    assert sent[LedgerKey(SUMMARY, "CTEAM", "2026-W52")] == monday
    assert sent[LedgerKey(SUMMARY, "CTEAM", "2026-W53")] == monday
    due = plan(monday, [team])
    [w53] = [s for s in due.sends if s.key == LedgerKey(SUMMARY, "CTEAM", "2026-W53")]
    assert "Every workday this week was a team holiday" in w53.message["text"]


def test_a_holiday_added_midweek_reprorates_and_moves_the_next_nudge() -> None:
    before = plan(datetime(2026, 12, 3, 15, 0, tzinfo=NY), [state(REPS, config=CONFIG)])
    assert any(s.key.recipient == "UALICE" for s in before.sends)
    team = us_team(d2026_12_03="Offsite")
    assert not plan(datetime(2026, 12, 3, 15, 0, tzinfo=NY), [team]).sends  # a holiday
    due = plan(datetime(2026, 12, 2, 15, 0, tzinfo=NY), [team])
    [nudge] = [s for s in due.sends if s.key == LedgerKey(NUDGE, "UALICE", "2026-W49")]
    assert "5 meetings to go (0 of 5)" in nudge.message["text"]  # 6 × 4/5 = 4.8 → 5


def test_one_teams_holidays_never_touch_another() -> None:
    east = us_team(d2026_12_03="Offsite")
    other = state([("UCARA", "America/New_York")], config=settings())
    other = replace(other, team=replace(other.team, ref=2, channel="COTHER"))
    other.weeks.goals[2] = other.goal_rows or other.weeks.goals[1]
    due = plan(datetime(2026, 12, 3, 15, 0, tzinfo=NY), [east, other])
    assert {s.key.recipient for s in due.sends if s.key.kind == NUDGE} == {"UCARA"}


def test_a_rep_out_of_office_is_not_nudged_and_the_digest_says_why() -> None:
    team = state(REPS, config=settings())
    now = datetime(2026, 12, 3, 15, 0, tzinfo=NY)
    due: Plan = plan(now, [team], out_of_office={"UALICE"})
    assert due.out_of_office == [LedgerKey(NUDGE, "UALICE", "2026-W49")]
    assert "UALICE" not in {s.key.recipient for s in due.sends}
    row = LedgerRow(1, due.out_of_office[0], OUT_OF_OFFICE, 0, now, None, None)
    later = replace(team, ledger={row.key: row})
    assert plan(now + timedelta(hours=1), [later]).out_of_office == []  # recorded once
    digest = plan(datetime(2026, 12, 4, 9, 0, tzinfo=NY), [later])
    [text] = [s.message["text"] for s in digest.sends if s.key.kind == DIGEST]
    assert "not nudged: out of office (Slack status)" in str(
        [s.message for s in digest.sends if s.key.kind == DIGEST]
    ), text


def test_the_holidays_setting_is_the_region() -> None:
    assert us_team().team.calendar.region == Region("US")
