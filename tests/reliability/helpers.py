"""What the reliability tests look at: the database as users would be told about it."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import CheckIn, Person
from tests.conftest import Running


async def live_total(running: Running, user_id: str | None = None) -> int:
    """The sum of counts of check-ins that are not undone: what progress adds up."""
    query = select(func.coalesce(func.sum(CheckIn.count), 0)).where(CheckIn.undone_at.is_(None))
    if user_id is not None:
        query = query.where(CheckIn.user_id == user_id)
    async with running.huddle.runtime.sessions() as session:
        return int(await session.scalar(query) or 0)


async def checkin_rows(running: Running) -> list[CheckIn]:
    async with running.huddle.runtime.sessions() as session:
        return list(await session.scalars(select(CheckIn).order_by(CheckIn.id)))


async def person(running: Running, user_id: str) -> Person | None:
    async with running.huddle.runtime.sessions() as session:
        return await session.get(Person, (running.slack.team_id, user_id))
