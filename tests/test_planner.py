"""The planner, minute by minute, with an injected clock: every message at the
right local time, exactly once, across timezones and daylight-saving changes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.goals import TEAM_DEFAULT, GoalRow
from bot.domain.settings import Settings, load_settings
from bot.scheduled.planner import fair_order, plan
from bot.team.state import Member, TeamState
from storage.ledger import (
    DIGEST,
    DIGEST_CHART,
    HUDDLE,
    NUDGE,
    SENT,
    SUMMARY,
    SUMMARY_CHART,
    LedgerKey,
    LedgerRow,
)
from storage.queries import WeeksData
from tests.teams import TEAM_REF, configured, team_state

NY = ZoneInfo("America/New_York")
GOALS = [GoalRow("meeting", TEAM_DEFAULT, date(2000, 1, 3), 6)]


def settings(timezone: str = "America/New_York", **extra: str) -> Settings:
    return load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-planner-test",
            "SLACK_SIGNING_SECRET": "s" * 16,
            "HUDDLE_CHANNEL": "CTEAM",
            "HUDDLE_TIMEZONE": timezone,
            "HUDDLE_MANAGERS": "UBOSS",
            **extra,
        }
    )


def state(
    reps: Iterable[tuple[str, str]], weeks: WeeksData | None = None, config: Settings | None = None
) -> TeamState:
    """A team run by UBOSS with these (user ID, timezone) reps, on ``settings()``
    unless ``config``, its goals GOALS unless ``weeks`` has some for it."""
    members = [Member(user_id, user_id.title(), ZoneInfo(tz)) for user_id, tz in reps]
    data = weeks or WeeksData()
    data.goals[TEAM_REF] = data.goals.get(TEAM_REF) or GOALS
    return team_state(config or settings(), members, ["UBOSS"], data)


def simulate(
    config: Settings,
    team: TeamState,
    start: datetime,
    end: datetime,
    step: timedelta = timedelta(minutes=1),
) -> dict[LedgerKey, list[datetime]]:
    """Plan at every step, marking whatever was planned as sent, like the sender would."""
    sent: dict[LedgerKey, list[datetime]] = defaultdict(list)
    ledger: dict[LedgerKey, LedgerRow] = {}
    now = start
    while now < end:
        for send in plan(now, [replace(configured(team, config), ledger=ledger)]).sends:
            sent[send.key].append(now)
            ledger[send.key] = LedgerRow(len(ledger), send.key, SENT, 1, now, "C", "1.0")
        now += step
    return sent


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def test_each_rep_is_nudged_at_their_own_thursday_3pm_once() -> None:
    zones = {
        "ULA": "America/Los_Angeles",
        "UKOL": "Asia/Kolkata",
        "UAKL": "Pacific/Auckland",
        "UNY": "America/New_York",
    }
    team = state(zones.items())
    start = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)  # Sunday before the week
    end = start + timedelta(days=8)
    sent = simulate(settings(), team, start, end, step=timedelta(minutes=5))
    nudges = {key.recipient: times for key, times in sent.items() if key.kind == NUDGE}
    assert set(nudges) == set(zones)
    for user_id, zone in zones.items():
        [when] = nudges[user_id]
        assert local(when, zone).strftime("%a %H:%M") == "Thu 15:00", user_id
        assert local(when, zone).date() == date(2026, 11, 26)


def test_reps_at_goal_away_or_with_no_goal_are_not_nudged() -> None:
    weeks = WeeksData()
    weeks.totals[("UDONE", date(2026, 11, 23))] = {"meeting": 6}
    weeks.away["UAWAY"] = [(date(2026, 11, 26), date(2026, 11, 27))]
    team = state(
        [
            ("UDONE", "America/New_York"),
            ("UAWAY", "America/New_York"),
            ("USHORT", "America/New_York"),
        ],
        weeks,
    )
    thursday_3pm = datetime(2026, 11, 26, 15, 0, tzinfo=NY)
    nudged = {s.key.recipient for s in plan(thursday_3pm, [team]).sends if s.key.kind == NUDGE}
    assert nudged == {"USHORT"}


def test_prorated_goal_is_what_the_nudge_asks_for() -> None:
    weeks = WeeksData()
    weeks.totals[("UPART", date(2026, 11, 23))] = {"meeting": 1}
    weeks.away["UPART"] = [(date(2026, 11, 23), date(2026, 11, 24))]  # Mon-Tue: 3 of 5 days
    team = state([("UPART", "America/New_York")], weeks)
    sends = plan(datetime(2026, 11, 26, 15, 0, tzinfo=NY), [team]).sends
    [nudge] = [s for s in sends if s.key.kind == NUDGE]
    assert "3 meetings to go (1 of 4)" in nudge.message["text"]


def test_nudge_window_runs_until_the_summary_and_not_after() -> None:
    team = state([("UREP", "America/New_York")])
    config = settings()
    late = plan(datetime(2026, 11, 26, 15, 40, tzinfo=NY), [configured(team, config)])
    assert [s.key for s in late.sends if s.key.kind == NUDGE] == [
        LedgerKey(NUDGE, "UREP", "2026-W48")
    ]
    friday = plan(datetime(2026, 11, 27, 10, 0, tzinfo=NY), [configured(team, config)])
    assert [s for s in friday.sends if s.key.kind == NUDGE] == []
    assert {s.key.kind for s in friday.sends} == {SUMMARY, SUMMARY_CHART, DIGEST, DIGEST_CHART}
    saturday = plan(datetime(2026, 11, 28, 0, 1, tzinfo=NY), [configured(team, config)])
    assert saturday.sends == []


@pytest.mark.parametrize(
    ("zone", "sunday"),
    [
        ("America/New_York", date(2026, 3, 8)),
        ("America/New_York", date(2026, 11, 1)),
        ("Europe/London", date(2026, 3, 29)),
    ],
    ids=["ny-spring", "ny-fall", "london-spring"],
)
def test_daylight_saving_weeks_nothing_skipped_doubled_or_an_hour_off(
    zone: str, sunday: date
) -> None:
    """The week before and the week after each change, every message at its wall time."""
    team = state([("UREP", zone)])
    config = settings(zone, HUDDLE_HUDDLE_AT="daily 09:00")
    start = datetime.combine(sunday - timedelta(days=7), datetime.min.time(), tzinfo=ZoneInfo(zone))
    end = datetime.combine(sunday + timedelta(days=8), datetime.min.time(), tzinfo=ZoneInfo(zone))
    sent = simulate(config, team, start, end, step=timedelta(minutes=5))
    assert all(len(times) == 1 for times in sent.values())
    boards = sorted(local(t[0], zone) for k, t in sent.items() if k.kind == HUDDLE)
    assert len(boards) == 15
    assert {b.strftime("%H:%M") for b in boards} == {"09:00"}
    for kind, expected in ((NUDGE, "Thu 15:00"), (SUMMARY, "Fri 09:00")):
        times = [local(t[0], zone) for k, t in sent.items() if k.kind == kind]
        assert len(times) == 2
        assert {t.strftime("%a %H:%M") for t in times} == {expected}


def test_a_time_inside_the_spring_gap_happens_once_just_after_it() -> None:
    team = state([("UREP", "America/New_York")])
    config = settings(HUDDLE_HUDDLE_AT="sun 02:30")
    start = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    sent = simulate(config, team, start, start + timedelta(days=2))
    [board] = [t for k, t in sent.items() if k.kind == HUDDLE]
    assert len(board) == 1 and local(board[0], "America/New_York").strftime("%H:%M") == "03:30"


def test_a_time_that_happens_twice_in_the_fall_is_sent_once() -> None:
    team = state([("UREP", "America/New_York")])
    config = settings(HUDDLE_HUDDLE_AT="sun 01:30")
    start = datetime(2026, 10, 31, 12, 0, tzinfo=UTC)
    sent = simulate(config, team, start, start + timedelta(days=2))
    [board] = [t for k, t in sent.items() if k.kind == HUDDLE]
    assert len(board) == 1


def test_weeks_before_a_rep_joined_are_not_counted_as_misses() -> None:
    team = state([("UNEW", "America/New_York")])
    team = replace(team, reps=[Member("UNEW", "New", NY, joined=date(2026, 11, 23))])
    sends = plan(datetime(2026, 11, 27, 9, 0, tzinfo=NY), [team]).sends
    [digest] = [s for s in sends if s.key.kind == DIGEST]
    assert "one-off" in str(digest.message) and "missed 1 of the last 4 weeks" in str(
        digest.message
    )


def test_digest_names_patterns() -> None:
    weeks = WeeksData()
    for i in (1, 2):  # UHABIT missed in 3 of the last 4 weeks; UONCE only this week
        weeks.totals[("UONCE", date(2026, 11, 23) - timedelta(weeks=i))] = {"meeting": 6}
    weeks.totals[("UHABIT", date(2026, 11, 23) - timedelta(weeks=3))] = {"meeting": 6}
    team = state([("UHABIT", "America/New_York"), ("UONCE", "America/New_York")], weeks)
    sends = plan(datetime(2026, 11, 27, 9, 0, tzinfo=NY), [team]).sends
    [digest] = [s for s in sends if s.key.kind == DIGEST]
    assert digest.to == "UBOSS"
    text = str(digest.message)
    assert "Uhabit" in text and "Uonce" in text


def nudged(now: datetime, team: TeamState, config: Settings | None = None) -> set[str]:
    sends = plan(now, [configured(team, config) if config else team]).sends
    return {s.key.recipient for s in sends if s.key.kind == NUDGE}


def test_a_late_nudge_checks_away_for_the_day_it_goes_out() -> None:
    """App down on Thursday, back on Friday 08:30: the nudge still goes out before the
    09:00 summary, but not to a rep away on Friday, and to one away only on Thursday."""
    weeks = WeeksData()
    weeks.away["UFRIDAY"] = [(date(2026, 11, 27), date(2026, 11, 27))]
    weeks.away["UTHURSDAY"] = [(date(2026, 11, 26), date(2026, 11, 26))]
    team = state([("UFRIDAY", "America/New_York"), ("UTHURSDAY", "America/New_York")], weeks)
    assert nudged(datetime(2026, 11, 26, 15, 0, tzinfo=NY), team) == {"UFRIDAY"}
    assert nudged(datetime(2026, 11, 27, 8, 30, tzinfo=NY), team) == {"UTHURSDAY"}


def test_no_nudge_goes_out_once_the_weeks_summary_is_posted() -> None:
    """A manager posted W48's summary by hand on Thursday morning: the week is judged,
    so Thursday afternoon nudges nobody about it."""
    team = state([("UREP", "America/New_York")])
    summary_key = LedgerKey(SUMMARY, "CTEAM", "2026-W48")
    posted = datetime(2026, 11, 26, 8, 0, tzinfo=NY)
    team = replace(
        team, ledger={summary_key: LedgerRow(1, summary_key, SENT, 1, posted, "CTEAM", "1.0")}
    )
    due = plan(datetime(2026, 11, 26, 15, 0, tzinfo=NY), [team])
    assert [s for s in due.sends if s.key.kind == NUDGE] == []
    assert (summary_key, "posted, so that week's nudges no longer go out") in due.skipped


def test_reps_far_west_of_the_team_are_nudged_at_the_team_time_before_the_summary() -> None:
    """A Sydney team's Friday 09:00 summary is Thursday 14:00 in Los Angeles: the LA and
    Honolulu reps' own Thursday 15:00 would come after it, so they get their nudge at
    15:00 Sydney time, once, and the Sydney rep at their own 15:00."""
    zones = {"ULA": "America/Los_Angeles", "UHNL": "Pacific/Honolulu", "USYD": "Australia/Sydney"}
    config = settings("Australia/Sydney")
    start = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)
    end = start + timedelta(days=8)
    sent = simulate(config, state(zones.items()), start, end, step=timedelta(minutes=5))
    [summary_time] = sent[LedgerKey(SUMMARY, "CTEAM", "2026-W48")]
    for user_id in zones:
        [when] = sent[LedgerKey(NUDGE, user_id, "2026-W48")]
        assert local(when, "Australia/Sydney").strftime("%a %d %H:%M") == "Thu 26 15:00"
        assert when < summary_time


def test_a_nudge_leaves_at_least_two_hours_before_the_summary() -> None:
    """Nudge Friday 06:00, summary Friday 09:00 in New York: Chicago's 06:00 is exactly
    2 hours before the summary (their own time); Denver's, 1 hour before, and Los
    Angeles', at the summary, move to 06:00 New York time."""
    zones = {"UCHI": "America/Chicago", "UDEN": "America/Denver", "ULA": "America/Los_Angeles"}
    config = settings(HUDDLE_NUDGE_AT="fri 06:00")
    start = datetime(2026, 11, 26, 0, 0, tzinfo=NY)
    end = start + timedelta(days=2)
    sent = simulate(config, state(zones.items()), start, end, step=timedelta(minutes=5))
    times = {
        user_id: local(sent[LedgerKey(NUDGE, user_id, "2026-W48")][0], "America/New_York")
        for user_id in zones
    }
    assert {user_id: t.strftime("%H:%M") for user_id, t in times.items()} == {
        "UCHI": "07:00",
        "UDEN": "06:00",
        "ULA": "06:00",
    }


def test_fair_order_earliest_window_first_and_teams_take_turns() -> None:
    """A big team and a small one at Thursday 18:00 New York (every window open):
    London's nudges first, then New York's, then Los Angeles'; within each, the teams
    alternate until the small team runs out."""
    now = datetime(2026, 11, 26, 18, 0, tzinfo=NY)
    zones = ["America/Los_Angeles", "Europe/London", "America/New_York"]
    big = state((f"UBIG{n:02d}", zones[n % 3]) for n in range(9))
    small = state((f"USMALL{n}", zones[n % 3]) for n in range(3))
    plans = {"TBIG": plan(now, [big]), "TSMALL": plan(now, [small])}
    queue = [(team, send.to) for team, send in fair_order(plans) if send.key.kind == NUDGE]
    assert queue == [
        ("TBIG", "UBIG01"),
        ("TSMALL", "USMALL1"),
        ("TBIG", "UBIG04"),
        ("TBIG", "UBIG07"),
        ("TBIG", "UBIG02"),
        ("TSMALL", "USMALL2"),
        ("TBIG", "UBIG05"),
        ("TBIG", "UBIG08"),
        ("TBIG", "UBIG00"),
        ("TSMALL", "USMALL0"),
        ("TBIG", "UBIG03"),
        ("TBIG", "UBIG06"),
    ]


def test_one_workspace_nudges_earliest_window_first_and_its_teams_take_turns() -> None:
    """Two teams of one workspace planned together (one tick): within each window the
    teams' nudges alternate, so the small team's reps do not wait for the big team's."""
    now = datetime(2026, 11, 26, 18, 0, tzinfo=NY)
    zones = ["America/Los_Angeles", "Europe/London", "America/New_York"]
    big = state((f"UBIG{n:02d}", zones[n % 3]) for n in range(9))
    reps = [Member(f"USMALL{n}", f"Small {n}", ZoneInfo(zones[n % 3])) for n in range(3)]
    small = team_state(
        settings(), reps, ["UBOSS"], WeeksData(goals={2: GOALS}), ref=2, channel="CSMALL"
    )
    queue = [send.to for send in plan(now, [big, small]).sends if send.key.kind == NUDGE]
    assert queue == [
        *("UBIG01", "USMALL1", "UBIG04", "UBIG07"),  # London
        *("UBIG02", "USMALL2", "UBIG05", "UBIG08"),  # New York
        *("UBIG00", "USMALL0", "UBIG03", "UBIG06"),  # Los Angeles
    ]
