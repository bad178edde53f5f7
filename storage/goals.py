"""Goals as a history: which target is in force for which week.

Like every storage module, functions take an open session and leave committing to
the caller."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.goals import GoalRow
from storage import queries
from storage.models import Goal


async def set_goal(
    session: AsyncSession,
    *,
    team_id: str,
    team_ref: int,
    activity: str,
    user_id: str,
    week: date,
    target: int | None,
    updated_by: str,
    now: datetime,
) -> None:
    """The goal of ``user_id`` (``TEAM_DEFAULT`` for the team) from the week starting
    ``week`` on; ``target`` None switches it off. Earlier weeks keep their goals: a new
    row is added, except that a second change in the same week replaces that week's row."""
    insert = queries.dialect_insert(session)
    values = {"target": target, "updated_by": updated_by, "updated_at": now}
    await session.execute(
        insert(Goal)
        .values(
            team_id=team_id,
            team_ref=team_ref,
            activity=activity,
            user_id=user_id,
            valid_from=week,
            **values,
        )
        .on_conflict_do_update(
            index_elements=["team_id", "team_ref", "activity", "user_id", "valid_from"],
            set_=values,
        )
    )


async def goals_for_week(session: AsyncSession, team_ref: int, week: date) -> list[GoalRow]:
    """The goals in force in the week starting ``week``: per activity and owner (the
    team or one rep) the latest row from that week or before, when it is on."""
    rows = await session.execute(
        select(Goal.activity, Goal.user_id, Goal.valid_from, Goal.target).where(
            Goal.team_ref == team_ref, Goal.valid_from <= week
        )
    )
    latest: dict[tuple[str, str], GoalRow] = {}
    for row in (GoalRow(*r) for r in rows):
        key = (row.activity, row.user_id)
        if key not in latest or latest[key].valid_from < row.valid_from:
            latest[key] = row
    return [row for row in latest.values() if row.target is not None]
