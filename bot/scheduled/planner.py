"""What scheduled messages are due: a pure function of the database state and now.

The tick, ``huddle nudge`` and ``huddle summary`` all ask the same question here;
only the sender talks to Slack. Every item carries its ledger key, and the ledger
rows already present decide whether an item is new, a retry after a definite
failure, or a send whose outcome must first be checked in Slack (see ``bot.scheduled.sender``).
The summary and each digest come with a chart: a send of its own (an :class:`Upload`,
with its own ledger row) whose parent is the message it belongs to, so the text never
depends on the picture.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, partial
from zoneinfo import ZoneInfo

from bot.domain.goals import PATTERN_WEEKS, GoalBook
from bot.domain.team_calendar import MAX_SUMMARY_DELAY, TeamCalendar
from bot.domain.weeks import iso_week, local_date, week_start
from bot.domain.windows import (
    Timetable,
    Window,
    at,
    huddle_window,
    nudge_window,
    summary_day,
    summary_window,
)
from bot.messages import Message
from bot.messages import weekly as messages
from bot.messages.weekly import RepLine
from bot.messages.weekly_charts import CHART_WEEKS, Chart, summary_chart_of, trend_chart_of
from bot.team.state import Member, TeamState, is_away, rep_lines, week_of
from storage.ledger import (
    CLAIMED,
    DIGEST,
    DIGEST_CHART,
    FAILED,
    HUDDLE,
    NUDGE,
    OUT_OF_OFFICE,
    SENT,
    SUMMARY,
    SUMMARY_CHART,
    UNKNOWN,
    LedgerKey,
    LedgerRow,
)

CLAIM_LEASE = timedelta(minutes=5)
"""A claim older than this belongs to a process that died mid-send."""
MAX_ATTEMPTS = 5
HISTORY_WEEKS = max(PATTERN_WEEKS, CHART_WEEKS)
"""Weeks a summary and digest look back on: patterns, and the charts' history."""
EARLIEST_CLOCK = ZoneInfo("Etc/GMT-14")
"""UTC+14, the first clock on Earth to reach any time: no rep's nudge opens before it."""
LATE_WEEKS = MAX_SUMMARY_DELAY.days // 7 + 1
"""Weeks back whose summary may still be due: holidays move a summary up to a month."""


def _weeks_around(this_week: date) -> list[date]:
    """The weeks whose nudge or summary may be due in ``this_week``: the week after
    (a nudge opens early on the clocks east of the team's), and those before whose
    summary holidays moved later."""
    return [this_week + timedelta(weeks=i) for i in range(-LATE_WEEKS, 2)]


@dataclass(frozen=True)
class Force:
    """Run these jobs for ``week`` now, whatever the clock says (the CLI's manual run).
    The ledger still rules: nothing already sent goes out again."""

    kinds: frozenset[str]
    week: date


@dataclass(frozen=True)
class Upload:
    """A chart for the sender to render (off the event loop) and share beside the
    message it belongs to, or in that message's thread."""

    chart: Chart
    filename: str
    """Unique in its conversation: how a send of unknown outcome is found again."""
    in_thread: bool
    """The message was split: the chart joins the rest of it in the thread."""


@dataclass(frozen=True)
class Send:
    key: LedgerKey
    to: str
    """A channel ID, or a user ID for a direct message."""
    message: Message
    """The message, or for an upload the comment it is shared with."""
    previous: LedgerRow | None = None
    """The ledger row to take over, or None for a first attempt."""
    parent: LedgerKey | None = None
    """For a continuation part: post in the thread of this message. For an upload: the
    message it belongs to, posted first."""
    upload: Upload | None = None
    opens_at: datetime | None = None
    """When its window opened: who has waited longest goes first (``fair_order``)."""

    @property
    def verify_first(self) -> bool:
        """The last attempt may have reached Slack: look before sending again."""
        return self.previous is not None and self.previous.state in (UNKNOWN, CLAIMED)


@dataclass
class Plan:
    sends: list[Send] = field(default_factory=list)
    skipped: list[tuple[LedgerKey, str]] = field(default_factory=list)
    """Items that were due but not planned, and why (already sent, being sent…)."""
    out_of_office: list[LedgerKey] = field(default_factory=list)
    """Nudges due to reps whose Slack status says out of office: not sent, and recorded
    so (``ledger.OUT_OF_OFFICE``) for the digest."""

    @property
    def nudges_due(self) -> bool:
        """Whether a nudge would go out: only then are Slack statuses looked up."""
        return any(send.key.kind == NUDGE for send in self.sends)


def weeks_to_load(
    now: datetime, timetables: Iterable[tuple[Timetable, TeamCalendar]]
) -> tuple[date, date]:
    """First and last Monday whose data a plan of these teams at ``now`` needs (each
    team's timetable and calendar)."""
    spans = [_weeks_to_load(now, timetable, calendar) for timetable, calendar in timetables]
    if not spans:
        return (week_start(now.date()),) * 2
    return min(first for first, _ in spans), max(last for _, last in spans)


def _weeks_to_load(now: datetime, settings: Timetable, calendar: TeamCalendar) -> tuple[date, date]:
    """First and last Monday whose data a plan at ``now`` needs: this week (the board),
    a week whose nudge can be open on any rep's clock or whose summary is due, and the
    weeks before a due digest (patterns). On a Thursday evening that is one week of a
    company's check-ins instead of six."""
    this_week = week_start(local_date(now, settings.timezone))
    weeks = [this_week]
    for week in _weeks_around(this_week):
        summary = summary_window(week, settings, calendar)
        if summary.contains(now):
            weeks += [week - timedelta(weeks=i) for i in range(HISTORY_WEEKS)]
        elif nudge_window(week, EARLIEST_CLOCK, settings, calendar).start <= now < summary.start:
            weeks.append(week)
    return min(weeks), max(weeks)


@dataclass(frozen=True)
class _Offer:
    """A message that is due, built only if the ledger does not already account for it:
    every tick re-plans, and most of what is due was sent on an earlier one."""

    key: LedgerKey
    to: str
    build: Callable[[], Message]
    opens_at: datetime
    parent: LedgerKey | None = None
    upload: Callable[[], Upload] | None = None


def _parts(
    kind: str,
    to: str,
    period: str,
    parts: Sequence[Message],
    opens_at: datetime,
    recipient: str | None = None,
) -> list[_Offer]:
    """One ledger row per message; parts after the first go in the first one's thread.
    ``recipient`` is the ledger's name for ``to`` when it differs (a digest's)."""
    name = recipient or to
    first = LedgerKey(kind, name, period)
    offers = [_Offer(first, to, _built(parts[0]), opens_at)]
    offers += [
        _Offer(LedgerKey(kind, f"{name}#{i}", period), to, _built(part), opens_at, parent=first)
        for i, part in enumerate(parts[1:], start=2)
    ]
    return offers


def _built(message: Message) -> Callable[[], Message]:
    return lambda: message


def _posted(row: LedgerRow | None) -> bool:
    return row is not None and row.state == SENT


CHART_COMMENTS = {
    SUMMARY_CHART: "📊 The week in a picture (every number is in the summary too).",
    DIGEST_CHART: f"📈 Each rep who missed, over the last {CHART_WEEKS} weeks.",
}


def chart_filename(key: LedgerKey) -> str:
    """A chart's file name, unique in its conversation: its ledger key, readable."""
    recipient = key.recipient.replace("@", "-")
    return f"huddle-{key.kind.replace('_', '-')}-{key.period}-{recipient}.png"


def _chart(
    kind: str,
    to: str,
    period: str,
    parts: Sequence[_Offer],
    chart: Callable[[], Chart],
    recipient: str | None = None,
) -> _Offer:
    """The chart of a summary or digest (``parts``): shared after its first part, in
    its thread when it was split, under a ledger row of its own."""
    key = LedgerKey(kind, recipient or to, period)
    split = len(parts) > 1

    def upload() -> Upload:
        return Upload(chart(), chart_filename(key), in_thread=split)

    comment: Message = {"text": CHART_COMMENTS[kind]}
    first = parts[0]
    return _Offer(key, to, _built(comment), first.opens_at, parent=first.key, upload=upload)


def _skipped_because(row: LedgerRow | None, now: datetime) -> str | None:
    """Why a due message is not sent now, or None: send it (taking ``row`` over if any)."""
    if row is None:
        return None
    if _posted(row):
        return "already sent"
    if row.state == OUT_OF_OFFICE:
        return "not nudged: out of office (Slack status)"
    if row.attempts >= MAX_ATTEMPTS:
        return f"gave up after {row.attempts} attempts"
    if row.state in (FAILED, UNKNOWN) or (
        row.state == CLAIMED and now - row.claimed_at > CLAIM_LEASE
    ):
        return None
    return "being sent by another run"


def _due(window: Window | None, now: datetime, kind: str, week: date, force: Force | None) -> bool:
    if force is not None and kind in force.kinds:
        return week == force.week
    return window is not None and window.contains(now)


_Parts = Callable[[Collection[str] | None], None]
"""Adds a team's part of the nudges of these users (None: every rep short of a goal)."""


@dataclass(frozen=True)
class _NudgePart:
    """What is left on one team, for a rep's nudge."""

    channel: str
    line: RepLine
    summary_label: str
    opens_at: datetime


def plan(
    now: datetime,
    states: Sequence[TeamState],
    force: Force | None = None,
    out_of_office: Collection[str] = frozenset(),
) -> Plan:
    """Everything due at ``now`` for these teams (of one workspace) that the ledger
    does not already account for. A rep on several teams gets one nudge a week,
    listing what is left on each; within a window the teams take turns. A rep in
    ``out_of_office`` (their Slack status says so, looked up when nudges are due) is
    not nudged: the plan lists their nudge among ``out_of_office`` instead."""
    result = Plan()
    offers: list[tuple[_Offer, int]] = []
    nudges: dict[tuple[str, date], list[_NudgePart]] = defaultdict(list)
    due_nudges: set[tuple[str, date]] = set()
    deferred: dict[date, list[_Parts]] = defaultdict(list)
    ledger_rows: dict[LedgerKey, LedgerRow] = {}
    teams_of: dict[str, int] = defaultdict(int)
    for state in states:
        ledger_rows.update(state.ledger)
        for rep in state.reps:
            teams_of[rep.user_id] += 1
        team_offers = _team_offers(now, state, force, nudges, due_nudges, deferred, result)
        offers += _turns(team_offers)
    for week, parts_of in deferred.items():  # their other teams, for the reps now due
        due_users = {user_id for user_id, due_week in due_nudges if due_week == week}
        if due_users:
            for add_parts in parts_of:
                add_parts(due_users)
    nudge_turns: dict[tuple[str, datetime], int] = defaultdict(int)
    for user_id, week in sorted(due_nudges, key=lambda k: (k[1], k[0])):
        parts = sorted(nudges[(user_id, week)], key=lambda p: p.opens_at)
        key = LedgerKey(NUDGE, user_id, iso_week(week))
        if user_id in out_of_office and key not in ledger_rows:
            result.out_of_office.append(key)
            continue
        build = partial(
            messages.team_nudge,
            [(p.channel, p.line, p.summary_label) for p in parts],
            several_teams=teams_of[user_id] > 1,
        )
        # The nudge takes its turn on the team of its first part: a team of 500 in
        # the same window does not hold back a team of 20.
        turn = (parts[0].channel, parts[0].opens_at)
        offers.append((_Offer(key, user_id, build, parts[0].opens_at), nudge_turns[turn]))
        nudge_turns[turn] += 1

    # Earliest window first; within a window the teams take turns (a stable sort keeps
    # each team's order).
    for offer, _turn in sorted(offers, key=lambda item: (item[0].opens_at, item[1])):
        row = ledger_rows.get(offer.key)
        reason = _skipped_because(row, now)
        if reason is None:
            upload = offer.upload() if offer.upload is not None else None
            send = Send(
                offer.key, offer.to, offer.build(), row, offer.parent, upload, offer.opens_at
            )
            result.sends.append(send)
        else:
            result.skipped.append((offer.key, reason))
    return result


def _turns(offers: Sequence[_Offer]) -> list[tuple[_Offer, int]]:
    """Each offer with its turn among the team's offers of the same window."""
    seen: dict[datetime, int] = defaultdict(int)
    turns = []
    for offer in sorted(offers, key=lambda o: o.opens_at):
        turns.append((offer, seen[offer.opens_at]))
        seen[offer.opens_at] += 1
    return turns


def _team_offers(
    now: datetime,
    state: TeamState,
    force: Force | None,
    nudges: dict[tuple[str, date], list[_NudgePart]],
    due_nudges: set[tuple[str, date]],
    deferred: dict[date, list[_Parts]],
    result: Plan,
) -> list[_Offer]:
    """One team's board, summary and digests, and its part of each rep's nudge."""
    settings = state.team.settings
    calendar = state.team.calendar
    channel = state.team.channel
    this_week = week_start(local_date(now, settings.timezone))
    offers: list[_Offer] = []
    goals = GoalBook(state.goal_rows)
    computed: dict[date, list[RepLine]] = {}

    def lines(week: date) -> list[RepLine]:
        """Every rep's line for ``week``, worked out once however many posts show it."""
        if week not in computed:
            computed[week] = rep_lines(state, goals, state.reps, week)
        return computed[week]

    def judged(week: date) -> list[RepLine]:
        """The lines of the reps who had joined by ``week`` (the charts' history)."""
        return [
            line for rep, line in zip(state.reps, lines(week), strict=True) if week >= rep.since
        ]

    today = local_date(now, settings.timezone)
    board_window = huddle_window(today, settings, calendar)
    if force is None and _due(board_window, now, HUDDLE, this_week, None):
        key = LedgerKey(HUDDLE, channel, today.isoformat())
        off = calendar.workday_holidays(this_week)
        board = _Offer(key, channel, lambda: messages.board(today, lines(this_week), off), now)
        offers.append(board)

    weeks = [force.week] if force is not None else _weeks_around(this_week)
    for week in weeks:
        period = iso_week(week)
        summary_label = f"{summary_day(week, settings, calendar):%A}'s summary"
        windows = _nudge_windows(state.reps, week, settings, calendar)
        due = {zone for zone, window in windows.items() if _due(window, now, NUDGE, week, force)}
        summary_key = LedgerKey(SUMMARY, channel, period)
        summary_posted = _posted(state.ledger.get(summary_key))
        if due and summary_posted:
            result.skipped.append((summary_key, "posted, so that week's nudges no longer go out"))
        if summary_posted or not _listed(now, week, settings, calendar, force):
            continue_parts = None
        else:

            def continue_parts(
                users: Collection[str] | None,
                week: date = week,
                label: str = summary_label,
                windows: Mapping[ZoneInfo, Window] = windows,
            ) -> None:
                """What is left on this team for ``users`` (None: every rep)."""
                for rep, line in zip(state.reps, lines(week), strict=True):
                    if users is not None and rep.user_id not in users:
                        continue
                    if _needs_nudge(state, rep, line, now):
                        opens = windows[rep.timezone].start
                        nudges[(rep.user_id, week)].append(_NudgePart(channel, line, label, opens))

        if continue_parts is not None and due:
            continue_parts(None)
            due_nudges.update(
                (rep.user_id, week)
                for rep in state.reps
                if rep.timezone in due
                and any(p.channel == channel for p in nudges.get((rep.user_id, week), []))
            )
        elif continue_parts is not None:
            deferred[week].append(continue_parts)
        window = summary_window(week, settings, calendar)
        if _due(window, now, SUMMARY, week, force):
            text = messages.summary(week, lines(week), calendar.workday_holidays(week))
            summary = _parts(SUMMARY, channel, period, text, window.start)
            chart = partial(summary_chart_of, week, lines(week), judged)
            offers += [*summary, _chart(SUMMARY_CHART, channel, period, summary, chart)]
        if _due(window, now, DIGEST, week, force):
            missed = [line for line in lines(week) if line.week.has_goals and line.week.short]
            patterns = _pattern_counts(state, goals, missed, week)
            quiet = _not_nudged(state.ledger, period)
            digest = messages.digest(week, missed, patterns, channel=channel, out_of_office=quiet)
            # One chart for every manager, built once, so the sender draws it once.
            trend = cache(partial(trend_chart_of, week, missed, patterns, judged))
            for manager in state.managers:
                recipient = digest_recipient(manager, state.team.ref)
                parts = _parts(DIGEST, manager, period, digest, window.start, recipient)
                offers += [*parts, _chart(DIGEST_CHART, manager, period, parts, trend, recipient)]
    return offers


def _not_nudged(rows: Mapping[LedgerKey, LedgerRow], period: str) -> frozenset[str]:
    """The reps whose nudge of ``period`` was not sent for an out-of-office status."""
    return frozenset(
        key.recipient
        for key, row in rows.items()
        if key.kind == NUDGE and key.period == period and row.state == OUT_OF_OFFICE
    )


def digest_recipient(manager: str, team_ref: int) -> str:
    """A digest's ledger recipient: a manager of two teams gets one digest of each."""
    return f"{manager}@{team_ref}"


def digest_team_ref(recipient: str) -> int | None:
    """The team a digest's ledger recipient (:func:`digest_recipient`) is about; None
    for any other recipient."""
    _, at, ref = recipient.rpartition("@")
    return int(ref) if at and ref.isdigit() else None


def _listed(
    now: datetime, week: date, settings: Timetable, calendar: TeamCalendar, force: Force | None
) -> bool:
    """Whether a nudge going out at ``now`` (this team's, or another team's of the
    same rep) lists what is left on this team for ``week``: it has begun on the first
    clock on Earth (a rep's may run ahead of the team's) and its summary is still to
    come."""
    if force is not None:
        return NUDGE in force.kinds and week == force.week
    begun = at(week, time(0, 0), EARLIEST_CLOCK) <= now
    return begun and now < summary_window(week, settings, calendar).start


def fair_order(plans: Mapping[str, Plan]) -> list[tuple[str, Send]]:
    """The first messages of several teams' plans in one queue for one workspace's
    posting limit: the earliest window first (a rep in London before one in Los Angeles
    whose nudge opened eight hours later), and within a window the teams take turns,
    so a team of 500 never holds back a team of 20. Continuation parts are left out:
    each follows its first part, in its team's order."""
    by_window: dict[datetime | None, dict[str, list[Send]]] = defaultdict(dict)
    for team_id, team_plan in plans.items():
        for send in team_plan.sends:
            if send.parent is None:
                by_window[send.opens_at].setdefault(team_id, []).append(send)
    queue: list[tuple[str, Send]] = []
    for opens_at in sorted(by_window, key=lambda at: (at is not None, at)):  # None: unknown
        turns = by_window[opens_at]
        longest = max(len(sends) for sends in turns.values())
        for turn in range(longest):
            queue += [(team, sends[turn]) for team, sends in turns.items() if turn < len(sends)]
    return queue


def _needs_nudge(state: TeamState, rep: Member, line: RepLine, now: datetime) -> bool:
    """Short of a goal, and not away on the day the nudge goes out (their own calendar:
    a nudge sent late, on Friday morning, asks whether they are here on Friday), nor is
    that day one of the team's holidays."""
    today = local_date(now, rep.timezone)
    return (
        bool(line.week.short)
        and not is_away(state, rep.user_id, today)
        and state.team.calendar.holiday(today) is None
    )


def _nudge_windows(
    reps: Iterable[Member], week: date, settings: Timetable, calendar: TeamCalendar
) -> dict[ZoneInfo, Window]:
    """Each timezone's nudge window, worked out once: a team has many reps, few zones."""
    zones = {rep.timezone for rep in reps}
    return {zone: nudge_window(week, zone, settings, calendar) for zone in zones}


def _pattern_counts(
    state: TeamState, goals: GoalBook, missed: Iterable[RepLine], week: date
) -> dict[str, int]:
    """Per rep who missed this week: in how many of the last four weeks (this one
    included) a goal was missed. Only the digest asks, and only about them."""
    counts: dict[str, int] = {}
    reps = {rep.user_id: rep for rep in state.reps}
    for line in missed:
        starts = [week - timedelta(weeks=i) for i in range(PATTERN_WEEKS)]
        weeks = [
            week_of(state, goals, reps[line.user_id], start)
            for start in starts
            if start >= reps[line.user_id].since
        ]
        counts[line.user_id] = sum(1 for w in weeks if w.has_goals and w.short)
    return counts
