"""The check-ins a CSV export contains, with the names to show beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CheckIn, Person


@dataclass(frozen=True)
class ExportRow:
    checkin_id: int
    day: date
    user_id: str
    name: str
    activity: str
    count: int
    note: str
    source: str
    logged_at: datetime
    undone_at: datetime | None


async def checkins_since(
    session: AsyncSession, team_id: str, since: date | None
) -> list[ExportRow]:
    """Every check-in for ``since`` or a later day (all when None), undone ones too (the
    export is the record; ``undone_at`` says which no longer count), oldest first.
    One query: names come from a join, and a rep Huddle never looked up keeps their ID."""
    query = (
        select(
            CheckIn.id,
            CheckIn.day,
            CheckIn.user_id,
            func.coalesce(Person.display_name, CheckIn.user_id),
            CheckIn.activity,
            CheckIn.count,
            CheckIn.note,
            CheckIn.source,
            CheckIn.created_at,
            CheckIn.undone_at,
        )
        .outerjoin(
            Person, and_(Person.team_id == CheckIn.team_id, Person.user_id == CheckIn.user_id)
        )
        .where(CheckIn.team_id == team_id)
        .order_by(CheckIn.day, CheckIn.created_at, CheckIn.id)
    )
    if since is not None:
        query = query.where(CheckIn.day >= since)
    rows = await session.execute(query)
    return [
        ExportRow(id_, day, user_id, name, activity, count, note, source, logged, undone)
        for id_, day, user_id, name, activity, count, note, source, logged, undone in rows
    ]
