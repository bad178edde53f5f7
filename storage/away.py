"""Away periods: the days a rep is not judged and not nudged.

Like every storage module, functions take an open session and leave committing to
the caller."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AwayPeriod


async def add_away(
    session: AsyncSession,
    *,
    team_id: str,
    user_id: str,
    first: date,
    last: date,
    created_by: str,
    now: datetime,
) -> None:
    """Overlapping periods are fine: proration asks only whether a day is covered."""
    session.add(
        AwayPeriod(
            team_id=team_id,
            user_id=user_id,
            first_day=first,
            last_day=last,
            created_by=created_by,
            created_at=now,
        )
    )
    await session.flush()


@dataclass
class Return:
    """What ``end_away`` changed, as (first, last) days before the change."""

    shortened: list[tuple[date, date]] = field(default_factory=list)
    """Periods that had started before today; they now end yesterday."""
    cancelled: list[tuple[date, date]] = field(default_factory=list)
    """Periods from today on, deleted."""

    @property
    def changed(self) -> bool:
        return bool(self.shortened or self.cancelled)


async def end_away(session: AsyncSession, team_id: str, user_id: str, today: date) -> Return:
    """``user_id`` is back today: periods covering today end yesterday, and periods
    starting today or later are cancelled. Days already past stay away."""
    result = Return()
    periods = await session.scalars(
        select(AwayPeriod)
        .where(
            AwayPeriod.team_id == team_id,
            AwayPeriod.user_id == user_id,
            AwayPeriod.last_day >= today,
        )
        .order_by(AwayPeriod.first_day, AwayPeriod.id)
    )
    cancelled: list[int] = []
    for period in periods:
        span = (period.first_day, period.last_day)
        if period.first_day < today:
            period.last_day = today - timedelta(days=1)
            result.shortened.append(span)
        else:
            cancelled.append(period.id)
            result.cancelled.append(span)
    if cancelled:
        await session.execute(delete(AwayPeriod).where(AwayPeriod.id.in_(cancelled)))
    await session.flush()
    return result
