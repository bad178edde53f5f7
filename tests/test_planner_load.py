"""The planner's load reads only the weeks a plan at that moment can need
(``weeks_to_load``). Guard: planning from just those weeks gives exactly the plan made
from every week, at every hour of a fortnight, for reps on the earliest and the latest
clocks on Earth, whatever the team's timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.goals import TEAM_DEFAULT, GoalRow
from bot.domain.windows import NO_HOLIDAYS
from bot.scheduled.planner import plan, weeks_to_load
from storage.queries import WeeksData
from tests.teams import TEAM_REF
from tests.test_planner import settings, state

ZONES = {
    "UKIRITIMATI": "Pacific/Kiritimati",  # UTC+14
    "UPAGO": "Pacific/Pago_Pago",  # UTC-11
    "UNY": "America/New_York",
    "ULONDON": "Europe/London",
}
MONDAYS = [date(2026, 11, 2) + timedelta(weeks=i) for i in range(6)]


def history() -> WeeksData:
    """Six weeks in which every rep logs a little more each week, one away day."""
    data = WeeksData()
    for n, user_id in enumerate(ZONES):
        for i, monday in enumerate(MONDAYS):
            data.totals[(user_id, monday)] = {"meeting": (n + i) % 7, "call": 3 * i}
    data.goals[TEAM_REF] = [
        GoalRow("meeting", TEAM_DEFAULT, date(2000, 1, 3), 6),
        GoalRow("call", "UNY", MONDAYS[2], 10),
    ]
    data.away["ULONDON"] = [(MONDAYS[4] + timedelta(days=3), MONDAYS[4] + timedelta(days=3))]
    return data


def only(data: WeeksData, first: date, last: date) -> WeeksData:
    """What ``load_weeks`` returns for the Mondays ``first`` to ``last``."""
    loaded = WeeksData()
    until = last + timedelta(days=6)
    for (user_id, monday), totals in data.totals.items():
        if first <= monday <= last:
            loaded.totals[(user_id, monday)] = totals
    for ref, rows in data.goals.items():
        loaded.goals[ref] = [row for row in rows if row.valid_from <= last]
    for user_id, periods in data.away.items():
        kept = [(a, b) for a, b in periods if b >= first and a <= until]
        if kept:
            loaded.away[user_id] = kept
    return loaded


@pytest.mark.parametrize(
    "team_zone", ["America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago"]
)
def test_plans_from_the_loaded_weeks_equal_plans_from_every_week(team_zone: str) -> None:
    config = settings(team_zone)
    full = history()
    now = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)
    checked = 0
    while now < datetime(2026, 12, 6, 0, 0, tzinfo=UTC):
        first, last = weeks_to_load(now, [(config.team_defaults, NO_HOLIDAYS)])
        everything = plan(now, [state(ZONES.items(), full, config)])
        loaded = plan(now, [state(ZONES.items(), only(full, first, last), config)])
        assert [(s.key, s.message) for s in loaded.sends] == [
            (s.key, s.message) for s in everything.sends
        ], now
        checked += len(everything.sends)
        now += timedelta(minutes=30)
    assert checked > 40  # boards, nudges, summaries and digests were all in there


def test_a_nudge_that_opens_in_the_teams_next_week_counts_that_weeks_check_ins() -> None:
    """A Pago Pago team (UTC-11) nudges on Monday 01:00: for its Kiritimati rep (UTC+14)
    that is Sunday 00:00 on the team's clock, still the team's old week. The nudge must
    count what the rep already logged in the new week: 2 to go, not 6."""
    config = settings("Pacific/Pago_Pago", HUDDLE_HUDDLE_AT="off", HUDDLE_NUDGE_AT="mon 01:00")
    new_week = date(2026, 11, 30)
    full = WeeksData()
    full.totals[("UKIRITIMATI", new_week)] = {"meeting": 4}
    full.goals[TEAM_REF] = [GoalRow("meeting", TEAM_DEFAULT, date(2000, 1, 3), 6)]
    for minute in (0, 30):  # from the very minute it opens
        now = datetime(2026, 11, 30, 1, minute, tzinfo=ZoneInfo("Pacific/Kiritimati"))
        first, last = weeks_to_load(now, [(config.team_defaults, NO_HOLIDAYS)])
        team = state([("UKIRITIMATI", "Pacific/Kiritimati")], only(full, first, last), config)
        [nudge] = plan(now, [team]).sends
        assert "2 meetings to go (4 of 6)" in nudge.message["text"], now
