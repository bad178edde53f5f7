"""Who is on which team: channel membership (with when they first joined), manager
roles and a manager's roster choices.

Like every storage module, functions take an open session and leave committing to
the caller.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Membership
from storage.queries import dialect_insert


async def of_workspace(
    session: AsyncSession, workspace: str, team_ref: int | None = None
) -> list[Membership]:
    """Every membership of every team of the workspace (the planner's roster), or of
    the team ``team_ref`` only."""
    query = select(Membership).where(Membership.team_id == workspace)
    if team_ref is not None:
        query = query.where(Membership.team_ref == team_ref)
    return list(await session.scalars(query))


async def of_people(
    session: AsyncSession, workspace: str, user_ids: Collection[str]
) -> list[Membership]:
    rows = await session.scalars(
        select(Membership).where(Membership.team_id == workspace, Membership.user_id.in_(user_ids))
    )
    return list(rows)


async def sync_channel(
    session: AsyncSession, workspace: str, team_ref: int, members: Collection[str], now: datetime
) -> None:
    """The channel's members as Slack listed them just now: those new to it joined
    now (a rejoin keeps the first join), everyone else has left."""
    if members:
        await _join(session, workspace, team_ref, members, now)
    await session.execute(
        update(Membership)
        .where(
            Membership.team_ref == team_ref,
            Membership.in_channel.is_(True),
            Membership.user_id.not_in(members) if members else Membership.in_channel.is_(True),
        )
        .values(in_channel=False, updated_at=now)
    )


async def _join(
    session: AsyncSession, workspace: str, team_ref: int, user_ids: Collection[str], now: datetime
) -> None:
    statement = dialect_insert(session)(Membership).values(
        [
            dict(
                team_ref=team_ref,
                user_id=user_id,
                team_id=workspace,
                in_channel=True,
                is_manager=False,
                on_roster=None,
                joined_at=now,
                updated_at=now,
            )
            for user_id in sorted(set(user_ids))
        ]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["team_ref", "user_id"],
            set_={
                "in_channel": True,
                "joined_at": func.coalesce(Membership.joined_at, now),
                "updated_at": now,
            },
            where=Membership.in_channel.is_(False) | Membership.joined_at.is_(None),
        )
    )


async def set_in_channel(
    session: AsyncSession, workspace: str, team_ref: int, user_id: str, joined: bool, now: datetime
) -> None:
    if joined:
        await _join(session, workspace, team_ref, [user_id], now)
    else:
        await session.execute(
            update(Membership)
            .where(Membership.team_ref == team_ref, Membership.user_id == user_id)
            .values(in_channel=False, updated_at=now)
        )


async def set_role(
    session: AsyncSession,
    workspace: str,
    team_ref: int,
    user_id: str,
    now: datetime,
    **role: bool | None,
) -> None:
    """Set ``is_manager`` and/or ``on_roster``; someone Huddle has not seen in the
    channel gets a row that the next channel sync completes. Put on the roster, a
    person without a join day is judged from now on, never for the weeks before."""
    changes: dict[str, Any] = {**role, "updated_at": now}
    if role.get("on_roster"):
        changes["joined_at"] = func.coalesce(Membership.joined_at, now)
    stub = dict(
        team_ref=team_ref,
        user_id=user_id,
        team_id=workspace,
        in_channel=False,
        is_manager=False,
        on_roster=None,
        joined_at=now if role.get("on_roster") else None,
        updated_at=now,
    )
    await session.execute(
        dialect_insert(session)(Membership)
        .values({**stub, **role})
        .on_conflict_do_update(index_elements=["team_ref", "user_id"], set_=changes)
    )
