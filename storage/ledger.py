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
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SendLedger
from storage.queries import dialect_insert

CLAIMED, SENT, FAILED, UNKNOWN = "claimed", "sent", "failed", "unknown"


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


def _row(entry: SendLedger) -> LedgerRow:
    return LedgerRow(
        entry.id,
        LedgerKey(entry.kind, entry.recipient, entry.period),
        entry.state,
        entry.attempts,
        entry.claimed_at,
        entry.channel,
        entry.ts,
    )


async def load(
    session: AsyncSession, team_id: str, periods: Collection[str]
) -> dict[LedgerKey, LedgerRow]:
    entries = await session.scalars(
        select(SendLedger).where(SendLedger.team_id == team_id, SendLedger.period.in_(periods))
    )
    return {row.key: row for row in map(_row, entries)}


async def sent(session: AsyncSession, team_id: str, key: LedgerKey) -> LedgerRow | None:
    """The row of a message that went out (so its channel and ts are known)."""
    row = (await load(session, team_id, [key.period])).get(key)
    return row if row is not None and row.state == SENT and row.ts and row.channel else None


async def claim_new(
    session: AsyncSession, team_id: str, key: LedgerKey, now: datetime
) -> LedgerRow | None:
    """Insert the row as ``claimed``; None when it already exists (someone else's)."""
    inserted = await session.scalar(
        dialect_insert(session)(SendLedger)
        .values(
            team_id=team_id,
            kind=key.kind,
            recipient=key.recipient,
            period=key.period,
            state=CLAIMED,
            attempts=1,
            claimed_at=now,
        )
        .on_conflict_do_nothing()
        .returning(SendLedger.id)
    )
    if inserted is None:
        return None
    return LedgerRow(inserted, key, CLAIMED, 1, now, None, None)


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


async def record(
    session: AsyncSession,
    row_id: int,
    state: str,
    now: datetime,
    *,
    channel: str | None = None,
    ts: str | None = None,
    error: str | None = None,
) -> None:
    values: dict[str, object] = {"state": state, "error": error}
    if channel is not None:
        values["channel"] = channel
    if ts is not None:
        values["ts"] = ts
    if state == SENT:
        values["sent_at"] = now
    await session.execute(update(SendLedger).where(SendLedger.id == row_id).values(**values))
