"""The check-ins a CSV export contains, with the names to show beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CheckIn, Membership, Person, Team, TeamActivity


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
    channel: str = ""
    """The team's channel: a check-in is a row for each team that counts it."""
    activity_label: str = ""
    """The activity as that team names it."""


def _member_when_logged() -> ColumnElement[bool]:
    """A check-in belongs to a team's record when its author was on the team when they
    logged it: from their first join (or a manager's ``rep add``) until they left, so
    a rep who moved to another team never shows there in this team's export."""
    joined = and_(Membership.joined_at.is_not(None), CheckIn.created_at >= Membership.joined_at)
    still_there = or_(Membership.in_channel.is_(True), CheckIn.created_at <= Membership.updated_at)
    return or_(Membership.on_roster.is_(True), and_(joined, still_there))


async def checkins_since(
    session: AsyncSession, team_id: str, since: date | None, team_ref: int | None = None
) -> list[ExportRow]:
    """Every check-in for ``since`` or a later day (all when None), undone ones too (the
    export is the record; ``undone_at`` says which no longer count), oldest first, once
    for each team (``team_ref``: that one only) that counts or counted its activity
    and has its author as a member. One query: names, channels and labels come from
    joins, and a rep Huddle never looked up keeps their ID."""
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
            func.coalesce(Team.channel_id, ""),
            TeamActivity.singular,
        )
        .join(
            Membership,
            and_(
                Membership.team_id == CheckIn.team_id,
                Membership.user_id == CheckIn.user_id,
                _member_when_logged(),
            ),
        )
        .join(
            TeamActivity,
            and_(
                TeamActivity.team_ref == Membership.team_ref, TeamActivity.key == CheckIn.activity
            ),
        )
        .join(Team, Team.id == Membership.team_ref)
        .outerjoin(
            Person, and_(Person.team_id == CheckIn.team_id, Person.user_id == CheckIn.user_id)
        )
        .where(CheckIn.team_id == team_id)
        .order_by(CheckIn.day, CheckIn.created_at, CheckIn.id, Team.id)
    )
    if since is not None:
        query = query.where(CheckIn.day >= since)
    if team_ref is not None:
        query = query.where(Membership.team_ref == team_ref)
    rows = await session.execute(query)
    return [ExportRow(*row) for row in rows]
