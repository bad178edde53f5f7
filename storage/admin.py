"""The queries behind ``/huddle``: goals, away periods and managers.

Like :mod:`storage.queries`, every function takes an open session and leaves
committing to the caller.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.progress import GoalRow
from storage import queries
from storage.models import AwayPeriod, CheckIn, Goal, Person

# Goals ----------------------------------------------------------------------------


async def set_goal(
    session: AsyncSession,
    *,
    team_id: str,
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
        .values(team_id=team_id, activity=activity, user_id=user_id, valid_from=week, **values)
        .on_conflict_do_update(
            index_elements=["team_id", "activity", "user_id", "valid_from"], set_=values
        )
    )


async def goals_for_week(session: AsyncSession, team_id: str, week: date) -> list[GoalRow]:
    """The goals in force in the week starting ``week``: per activity and owner (the
    team or one rep) the latest row from that week or before, when it is on."""
    rows = await session.execute(
        select(Goal.activity, Goal.user_id, Goal.valid_from, Goal.target).where(
            Goal.team_id == team_id, Goal.valid_from <= week
        )
    )
    latest: dict[tuple[str, str], GoalRow] = {}
    for row in (GoalRow(*r) for r in rows):
        key = (row.activity, row.user_id)
        if key not in latest or latest[key].valid_from < row.valid_from:
            latest[key] = row
    return [row for row in latest.values() if row.target is not None]


# Away periods ---------------------------------------------------------------------


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


# Check-ins ------------------------------------------------------------------------


async def latest_checkin(
    session: AsyncSession, team_id: str, user_id: str, *, week: date, week_began: datetime
) -> CheckIn | None:
    """The rep's most recently logged check-in that is not undone, among those for a
    day of the week starting ``week`` and those logged since ``week_began`` (that
    Monday's midnight for the rep): a check-in just backdated into last week is still
    the one "undo" means."""
    return await session.scalar(
        select(CheckIn)
        .where(
            CheckIn.team_id == team_id,
            CheckIn.user_id == user_id,
            CheckIn.undone_at.is_(None),
            or_(CheckIn.day >= week, CheckIn.created_at >= week_began),
        )
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
        .limit(1)
    )


# Managers and names ---------------------------------------------------------------


async def stored_managers(session: AsyncSession, team_id: str) -> list[str]:
    """Users made managers by command (``HUDDLE_MANAGERS`` is not stored)."""
    rows = await session.scalars(
        select(Person.user_id)
        .where(Person.team_id == team_id, Person.is_manager.is_(True))
        .order_by(Person.user_id)
    )
    return list(rows)


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
