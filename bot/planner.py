"""What scheduled messages are due: a pure function of the database state and now.

The tick, ``huddle nudge`` and ``huddle summary`` all ask the same question here;
only the sender talks to Slack. Every item carries its ledger key, and the ledger
rows already present decide whether an item is new, a retry after a definite
failure, or a send whose outcome must first be checked in Slack (see ``bot.sender``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.messages import Message
from bot.messages import weekly as messages
from bot.messages.weekly import RepLine
from bot.progress import RepWeek, rep_week
from bot.schedule import Window, huddle_window, nudge_window, summary_window, weekly_day
from bot.settings import Settings
from bot.weeks import iso_week, local_date, week_start
from commands.activities import Activity
from storage.ledger import CLAIMED, FAILED, SENT, UNKNOWN, LedgerKey, LedgerRow
from storage.queries import WeeksData

HUDDLE, NUDGE, SUMMARY, DIGEST = "huddle", "nudge", "summary", "digest"
CLAIM_LEASE = timedelta(minutes=5)
"""A claim older than this belongs to a process that died mid-send."""
MAX_ATTEMPTS = 5
PATTERN_WEEKS, PATTERN_MISSES = 4, 3


@dataclass(frozen=True)
class Member:
    user_id: str
    name: str
    timezone: ZoneInfo
    since: date = date.min
    """Monday of the week Huddle first knew them: earlier weeks are not judged."""


@dataclass(frozen=True)
class TeamState:
    """What the planner needs to know, loaded by ``bot.jobs`` in a fixed number of queries."""

    team_id: str
    reps: Sequence[Member]
    managers: Sequence[str]
    activities: Sequence[Activity]
    weeks: WeeksData
    ledger: Mapping[LedgerKey, LedgerRow]


@dataclass(frozen=True)
class Force:
    """Run these jobs for ``week`` now, whatever the clock says (the CLI's manual run).
    The ledger still rules: nothing already sent goes out again."""

    kinds: frozenset[str]
    week: date


@dataclass(frozen=True)
class Send:
    key: LedgerKey
    to: str
    """A channel ID, or a user ID for a direct message."""
    message: Message
    previous: LedgerRow | None = None
    """The ledger row to take over, or None for a first attempt."""
    parent: LedgerKey | None = None
    """For a continuation part: post in the thread of this message."""

    @property
    def verify_first(self) -> bool:
        """The last attempt may have reached Slack: look before sending again."""
        return self.previous is not None and self.previous.state in (UNKNOWN, CLAIMED)


@dataclass
class Plan:
    sends: list[Send] = field(default_factory=list)
    skipped: list[tuple[LedgerKey, str]] = field(default_factory=list)
    """Items that were due but not planned, and why (already sent, being sent…)."""


def weeks_to_load(now: datetime, settings: Settings) -> tuple[date, date]:
    """First and last Monday whose data any plan at ``now`` may need."""
    this_week = week_start(local_date(now, settings.timezone))
    return this_week - timedelta(weeks=PATTERN_WEEKS), this_week + timedelta(weeks=1)


def rep_weeks(state: TeamState, week: date) -> list[RepLine]:
    return [
        RepLine(rep.user_id, rep.name, _week_of(state, rep.user_id, week)) for rep in state.reps
    ]


def _week_of(state: TeamState, user_id: str, week: date) -> RepWeek:
    return rep_week(
        user_id,
        week,
        state.activities,
        state.weeks.totals.get((user_id, week), {}),
        state.weeks.goal_rows,
        state.weeks.away.get(user_id, []),
    )


def _is_away(state: TeamState, user_id: str, day: date) -> bool:
    return any(first <= day <= last for first, last in state.weeks.away.get(user_id, []))


def _parts(kind: str, to: str, period: str, parts: Sequence[Message]) -> list[Send]:
    """One ledger row per message; parts after the first go in the first one's thread."""
    first = LedgerKey(kind, to, period)
    sends = [Send(first, to, parts[0])]
    sends += [
        Send(LedgerKey(kind, f"{to}#{i}", period), to, part, parent=first)
        for i, part in enumerate(parts[1:], start=2)
    ]
    return sends


def _decide(
    candidate: Send, ledger: Mapping[LedgerKey, LedgerRow], now: datetime, plan: Plan
) -> None:
    row = ledger.get(candidate.key)
    if row is None:
        plan.sends.append(candidate)
    elif row.state == SENT:
        plan.skipped.append((candidate.key, "already sent"))
    elif row.attempts >= MAX_ATTEMPTS:
        plan.skipped.append((candidate.key, f"gave up after {row.attempts} attempts"))
    elif row.state in (FAILED, UNKNOWN) or (
        row.state == CLAIMED and now - row.claimed_at > CLAIM_LEASE
    ):
        plan.sends.append(
            Send(candidate.key, candidate.to, candidate.message, row, candidate.parent)
        )
    else:
        plan.skipped.append((candidate.key, "being sent by another run"))


def _due(window: Window | None, now: datetime, kind: str, week: date, force: Force | None) -> bool:
    if force is not None and kind in force.kinds:
        return week == force.week
    return window is not None and window.contains(now)


def plan(now: datetime, settings: Settings, state: TeamState, force: Force | None = None) -> Plan:
    """Everything due at ``now`` that the ledger does not already account for."""
    result = Plan()
    channel = settings.channel
    this_week = week_start(local_date(now, settings.timezone))
    candidates: list[Send] = []

    today = local_date(now, settings.timezone)
    if force is None and _due(huddle_window(today, settings), now, HUDDLE, this_week, None):
        board = messages.board(today, rep_weeks(state, this_week))
        candidates.append(Send(LedgerKey(HUDDLE, channel, today.isoformat()), channel, board))

    weeks = (
        [force.week]
        if force is not None
        else [this_week - timedelta(weeks=1), this_week, this_week + timedelta(weeks=1)]
    )
    for week in weeks:
        period = iso_week(week)
        lines = rep_weeks(state, week)
        summary_label = f"{weekly_day(week, settings.summary_at):%A}'s summary"
        for rep, line in zip(state.reps, lines, strict=True):
            window = nudge_window(week, rep.timezone, settings)
            if _due(window, now, NUDGE, week, force) and _needs_nudge(state, rep, line, window):
                nudge = messages.nudge(line, summary_label)
                candidates.append(Send(LedgerKey(NUDGE, rep.user_id, period), rep.user_id, nudge))
        if _due(summary_window(week, settings), now, SUMMARY, week, force):
            candidates += _parts(SUMMARY, channel, period, messages.summary(week, lines))
        if _due(summary_window(week, settings), now, DIGEST, week, force):
            missed = [line for line in lines if line.week.has_goals and line.week.short]
            digest = messages.digest(week, missed, _pattern_counts(state, week))
            for manager in state.managers:
                candidates += _parts(DIGEST, manager, period, digest)

    for candidate in candidates:
        _decide(candidate, state.ledger, now, result)
    return result


def _needs_nudge(state: TeamState, rep: Member, line: RepLine, window: Window) -> bool:
    """Short of a goal, and not away on the day of the nudge (their own calendar)."""
    nudge_day = local_date(window.start, rep.timezone)
    return bool(line.week.short) and not _is_away(state, rep.user_id, nudge_day)


def _pattern_counts(state: TeamState, week: date) -> dict[str, int]:
    """Per rep: in how many of the last four weeks (this one included) a goal was missed."""
    counts: dict[str, int] = {}
    for rep in state.reps:
        starts = [week - timedelta(weeks=i) for i in range(PATTERN_WEEKS)]
        weeks = [_week_of(state, rep.user_id, start) for start in starts if start >= rep.since]
        counts[rep.user_id] = sum(1 for w in weeks if w.has_goals and w.short)
    return counts
