"""The send ledger: at most once per (team, kind, recipient, period).

A send starts by *claiming* its row. A new row is claimed by inserting it; whoever
loses the insert race (another instance, a manual run) gets nothing back and sends
nothing. A row left ``failed`` or ``unknown``, or a claim abandoned by a crashed
process, is re-claimed with a compare-and-set on its state and claim time, so two
instances can never both take it over.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.weeks import iso_week
from storage.models import SendLedger
from storage.queries import dialect_insert

CLAIMED, SENT, FAILED, UNKNOWN = "claimed", "sent", "failed", "unknown"
OUT_OF_OFFICE = "out_of_office"
"""A nudge not sent because the rep's Slack status said out of office: it stays unsent
that week, and the digest says why."""
HUDDLE, NUDGE, SUMMARY, DIGEST = "huddle", "nudge", "summary", "digest"
"""The kinds of scheduled message, one ledger row per recipient and period each."""
SUMMARY_CHART, DIGEST_CHART = "summary_chart", "digest_chart"
"""The charts uploaded with the summary and each digest: rows of their own, so a
failed upload is retried without touching the text it belongs to."""


@dataclass(frozen=True)
class LedgerKey:
    kind: str
    recipient: str
    period: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.recipient}:{self.period}"


@dataclass(frozen=True)
class LedgerRow:
    id: int
    key: LedgerKey
    state: str
    attempts: int
    claimed_at: datetime
    channel: str | None
    ts: str | None


async def load(
    session: AsyncSession, team_id: str, periods: Collection[str]
) -> dict[LedgerKey, LedgerRow]:
    rows = await session.execute(
        select(
            SendLedger.id,
            SendLedger.kind,
            SendLedger.recipient,
            SendLedger.period,
            SendLedger.state,
            SendLedger.attempts,
            SendLedger.claimed_at,
            SendLedger.channel,
            SendLedger.ts,
        ).where(SendLedger.team_id == team_id, SendLedger.period.in_(periods))
    )
    loaded = {}
    for row_id, kind, recipient, period, state, attempts, claimed_at, channel, ts in rows:
        key = LedgerKey(kind, recipient, period)
        loaded[key] = LedgerRow(row_id, key, state, attempts, claimed_at, channel, ts)
    return loaded


async def sent(session: AsyncSession, team_id: str, key: LedgerKey) -> LedgerRow | None:
    """The row of a message that went out (so its channel and ts are known)."""
    row = (await load(session, team_id, [key.period])).get(key)
    return row if row is not None and row.state == SENT and row.ts and row.channel else None


async def summary_posted(session: AsyncSession, team_id: str, channel: str, week: date) -> bool:
    """Whether the team's summary of the week starting ``week`` went out to ``channel``
    (by the tick or by hand): that week is judged, so nothing may change it any more."""
    key = LedgerKey(SUMMARY, channel, iso_week(week))
    return await sent(session, team_id, key) is not None


async def claim_new(
    session: AsyncSession, keys: Collection[tuple[str, LedgerKey]], now: datetime
) -> dict[tuple[str, LedgerKey], LedgerRow]:
    """Insert the (team_id, key) rows as ``claimed``, all in one statement, whatever
    teams they belong to; a row that already exists (someone else's) is missing from
    the answer."""
    if not keys:
        return {}
    inserted = await session.execute(
        _new_rows(session, keys, CLAIMED, 1, now).returning(
            SendLedger.id,
            SendLedger.team_id,
            SendLedger.kind,
            SendLedger.recipient,
            SendLedger.period,
        )
    )
    claimed = {}
    for row_id, team_id, kind, recipient, period in inserted:
        key = LedgerKey(kind, recipient, period)
        claimed[(team_id, key)] = LedgerRow(row_id, key, CLAIMED, 1, now, None, None)
    return claimed


async def mark_out_of_office(
    session: AsyncSession, team_id: str, keys: Collection[LedgerKey], now: datetime
) -> None:
    """Record nudges not sent for an out-of-office status, in one statement; a row
    already there (sent, or being sent elsewhere) is left alone."""
    if not keys:
        return
    await session.execute(_new_rows(session, [(team_id, k) for k in keys], OUT_OF_OFFICE, 0, now))


def _new_rows(
    session: AsyncSession,
    keys: Collection[tuple[str, LedgerKey]],
    state: str,
    attempts: int,
    now: datetime,
) -> Any:
    """One INSERT of these (team_id, key) rows in ``state``, leaving any that exist."""
    rows = [
        dict(
            team_id=team_id,
            kind=key.kind,
            recipient=key.recipient,
            period=key.period,
            state=state,
            attempts=attempts,
            claimed_at=now,
        )
        for team_id, key in keys
    ]
    return dialect_insert(session)(SendLedger).values(rows).on_conflict_do_nothing()


async def reclaim(session: AsyncSession, seen: LedgerRow, now: datetime) -> LedgerRow | None:
    """Take over a row still exactly as ``seen``; None when someone got there first."""
    result = await session.execute(
        update(SendLedger)
        .where(
            SendLedger.id == seen.id,
            SendLedger.state == seen.state,
            SendLedger.claimed_at == seen.claimed_at,
        )
        .values(state=CLAIMED, attempts=SendLedger.attempts + 1, claimed_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return LedgerRow(seen.id, seen.key, CLAIMED, seen.attempts + 1, now, seen.channel, seen.ts)


@dataclass(frozen=True)
class Outcome:
    """What became of a claimed send: its new state and, when known, where it went."""

    row_id: int
    state: str
    channel: str | None = None
    ts: str | None = None
    error: str | None = None


_ledger = cast(Table, SendLedger.__table__)
_RECORD = (
    update(_ledger)
    .where(_ledger.c.id == bindparam("row_id"))
    .values(
        state=bindparam("new_state"),
        error=bindparam("new_error"),
        channel=func.coalesce(bindparam("new_channel"), _ledger.c.channel),
        ts=func.coalesce(bindparam("new_ts"), _ledger.c.ts),
        sent_at=func.coalesce(bindparam("new_sent_at"), _ledger.c.sent_at),
    )
)
"""One statement for any number of outcomes: a channel or ts not given is kept."""


async def record(session: AsyncSession, outcomes: Collection[Outcome], now: datetime) -> None:
    await session.execute(
        _RECORD,
        [
            dict(
                row_id=o.row_id,
                new_state=o.state,
                new_error=o.error,
                new_channel=o.channel,
                new_ts=o.ts,
                new_sent_at=now if o.state == SENT else None,
            )
            for o in outcomes
        ],
    )


@dataclass(frozen=True)
class Release:
    """A claim given back unsent: ``claimed`` is the row as claimed, ``previous`` the
    row it took over (None for a new claim)."""

    claimed: LedgerRow
    previous: LedgerRow | None


_FORGET_CLAIM = delete(_ledger).where(
    _ledger.c.id == bindparam("row_id"),
    _ledger.c.state == CLAIMED,
    _ledger.c.claimed_at == bindparam("claimed"),
)
_RESTORE_CLAIM = (
    update(_ledger)
    .where(
        _ledger.c.id == bindparam("row_id"),
        _ledger.c.state == CLAIMED,
        _ledger.c.claimed_at == bindparam("claimed"),
    )
    .values(
        state=bindparam("old_state"),
        attempts=bindparam("old_attempts"),
        claimed_at=bindparam("old_claimed_at"),
    )
)


async def release(session: AsyncSession, releases: Collection[Release]) -> None:
    """Undo claims whose message was never sent, so that the next run anywhere takes
    them without waiting out the lease: a new claim's row goes (as if never claimed), a
    taken-over row gets back the state, attempts and claim time it had. Each statement
    matches only a row still exactly as claimed, so a claim someone else has since taken
    over is left alone."""
    fresh = [r.claimed for r in releases if r.previous is None]
    taken = [r for r in releases if r.previous is not None]
    if fresh:
        await session.execute(
            _FORGET_CLAIM, [dict(row_id=row.id, claimed=row.claimed_at) for row in fresh]
        )
    if taken:
        await session.execute(
            _RESTORE_CLAIM,
            [
                dict(
                    row_id=r.claimed.id,
                    claimed=r.claimed.claimed_at,
                    old_state=r.previous.state,
                    old_attempts=r.previous.attempts,
                    old_claimed_at=r.previous.claimed_at,
                )
                for r in taken
                if r.previous is not None
            ],
        )
