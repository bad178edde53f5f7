"""A team's own holidays: the days it added, and the public ones it removed.

Loaded for every team of a workspace in one query (with the teams themselves);
the region's public holidays are never stored (``bot.domain.team_calendar``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Holiday
from storage.queries import dialect_insert


@dataclass
class TeamDays:
    """One team's stored days: added (day -> name) and removed public ones."""

    added: dict[date, str] = field(default_factory=dict)
    removed: set[date] = field(default_factory=set)


async def load(session: AsyncSession, workspace: str) -> dict[int, TeamDays]:
    """Every team's stored days, by team ref, in one query."""
    days: dict[int, TeamDays] = defaultdict(TeamDays)
    rows = await session.execute(
        select(Holiday.team_ref, Holiday.day, Holiday.name, Holiday.kept).where(
            Holiday.team_id == workspace
        )
    )
    for team_ref, day, name, kept in rows:
        if kept:
            days[team_ref].added[day] = name
        else:
            days[team_ref].removed.add(day)
    return days


async def set_days(
    session: AsyncSession,
    workspace: str,
    team_ref: int,
    days: Iterable[tuple[date, str]],
    *,
    kept: bool,
    by: str,
    now: datetime,
) -> None:
    """Make ``days`` (day, name) holidays of the team (``kept``), or working days (not
    ``kept``: a public holiday removed, or an added one taken back), in one statement."""
    values = [
        dict(
            team_ref=team_ref,
            day=day,
            team_id=workspace,
            name=name,
            kept=kept,
            changed_by=by,
            changed_at=now,
        )
        for day, name in days
    ]
    if not values:
        return
    insert = dialect_insert(session)(Holiday).values(values)
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=["team_ref", "day"],
            set_=dict(
                name=insert.excluded.name,
                kept=insert.excluded.kept,
                changed_by=insert.excluded.changed_by,
                changed_at=insert.excluded.changed_at,
            ),
        )
    )
