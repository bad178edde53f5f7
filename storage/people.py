"""Who Huddle knows by name.

Like every storage module, functions take an open session and leave committing to
the caller."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person


async def display_names(
    session: AsyncSession, team_id: str, user_ids: Collection[str]
) -> dict[str, str]:
    """Display names of those users Huddle knows; unknown ones are left out."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(Person.user_id, Person.display_name).where(
            Person.team_id == team_id, Person.user_id.in_(user_ids)
        )
    )
    return {user_id: name for user_id, name in rows}
