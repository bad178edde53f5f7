"""The workspaces that installed Huddle with "Add to Slack": installed, uninstalled,
purged.

The tokens are not here: slack_sdk's installation store keeps them (its tables are in
``storage.models``); a workspace's teams are in ``storage.teams``. Like every storage
module, functions take an open session and leave committing to the caller.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import queries
from storage.models import Announcement, Base, CheckIn, Workspace
from storage.models import Team as TeamRow


async def record_install(
    session: AsyncSession, team_id: str, name: str, installer_id: str, now: datetime
) -> None:
    """An install or a reinstall: a reinstall resumes with the teams and data the
    workspace had."""
    statement = queries.dialect_insert(session)(Workspace).values(
        team_id=team_id, name=name, installer_id=installer_id, installed_at=now
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["team_id"],
            set_={"name": name, "installed_at": now, "uninstalled_at": None},
        )
    )


async def record_uninstall(session: AsyncSession, team_id: str, now: datetime) -> None:
    await session.execute(
        update(Workspace)
        .where(Workspace.team_id == team_id, Workspace.uninstalled_at.is_(None))
        .values(uninstalled_at=now)
    )


async def all_workspaces(session: AsyncSession) -> list[Workspace]:
    """Installed and uninstalled, oldest install first."""
    rows = await session.scalars(select(Workspace).order_by(Workspace.installed_at))
    return list(rows)


async def installed_workspaces(session: AsyncSession) -> list[Workspace]:
    """Installed now: the workspaces the scheduler works for."""
    rows = await session.scalars(
        select(Workspace).where(Workspace.uninstalled_at.is_(None)).order_by(Workspace.team_id)
    )
    return list(rows)


async def team_channels(session: AsyncSession) -> dict[str, list[str]]:
    """Every workspace's team channels, oldest team first, in one query."""
    channels: dict[str, list[str]] = defaultdict(list)
    for team_id, channel in await session.execute(
        select(TeamRow.team_id, TeamRow.channel_id).order_by(TeamRow.id)
    ):
        if channel is not None:  # a one-team workspace upgraded, before its start-up
            channels[team_id].append(channel)
    return dict(channels)


async def purge(session: AsyncSession, team_id: str) -> dict[str, int]:
    """Delete every row of the workspace: its check-ins' announcements, then every
    table that has a ``team_id`` (the teams, check-ins and the rest, slack_sdk's
    installation rows, the workspace record), children before parents; returns the
    rows deleted per table."""
    deleted: dict[str, int] = {}
    announced = await session.execute(
        delete(Announcement).where(
            Announcement.checkin_id.in_(select(CheckIn.id).where(CheckIn.team_id == team_id))
        )
    )
    if announced.rowcount:  # type: ignore[attr-defined]
        deleted[Announcement.__tablename__] = announced.rowcount  # type: ignore[attr-defined]
    for table in reversed(Base.metadata.sorted_tables):
        if "team_id" in table.c:
            result = await session.execute(delete(table).where(table.c.team_id == team_id))
            if result.rowcount:  # type: ignore[attr-defined]
                deleted[table.name] = result.rowcount  # type: ignore[attr-defined]
    return deleted
