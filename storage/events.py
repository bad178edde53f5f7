"""Which Events API deliveries were already handled (see ``ProcessedEvent``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedEvent
from storage.queries import dialect_insert


async def claim_event(session: AsyncSession, team_id: str, event_id: str, now: datetime) -> bool:
    """True for the first delivery of ``event_id``; False for any redelivery. The
    insert itself decides, so two instances receiving the same event cannot both win."""
    inserted = await session.scalar(
        dialect_insert(session)(ProcessedEvent)
        .values(team_id=team_id, event_id=event_id, received_at=now)
        .on_conflict_do_nothing()
        .returning(ProcessedEvent.event_id)
    )
    return inserted is not None


async def forget_events(session: AsyncSession, before: datetime) -> None:
    """Drop the record of events received before ``before`` (every team's)."""
    await session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < before))
