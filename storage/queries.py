"""The questions Huddle asks its database, one query each.

Functions take an open session and leave committing to the caller, so a handler
decides what one transaction covers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from typing import cast as typing_cast

from sqlalchemy import (
    Date,
    Table,
    cast,
    func,
    insert,
    or_,
    select,
    text,
    tuple_,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.goals import GoalRow
from storage.models import (
    Announcement,
    AwayPeriod,
    CheckIn,
    Goal,
    Person,
)

REPEAT_WINDOW = timedelta(seconds=30)
UPSERT_BATCH = 1000
"""Rows per multi-row upsert: well under both databases' bound-parameter limits."""
SEED_WEEK = date(2000, 1, 3)
"""``valid_from`` of goals seeded from configuration: a Monday before any check-in."""


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def dialect_insert(session: AsyncSession) -> Callable[..., Any]:
    """The dialect's INSERT, which knows ON CONFLICT."""
    return pg_insert if is_postgres(session) else sqlite_insert


async def get_person(session: AsyncSession, team_id: str, user_id: str) -> Person | None:
    return await session.get(Person, (team_id, user_id))


async def people(session: AsyncSession, team_id: str, user_ids: Collection[str]) -> list[Person]:
    """The stored people among ``user_ids`` (strangers are simply absent)."""
    rows = await session.execute(
        select(*Person.__table__.columns).where(
            Person.team_id == team_id, Person.user_id.in_(user_ids)
        )
    )
    return [Person(**row._mapping) for row in rows]


async def save_people(session: AsyncSession, people: Collection[Person]) -> None:
    """Insert or refresh what Slack told us about users."""
    insert = dialect_insert(session)
    rows = [{column: getattr(person, column) for column in _PERSON_COLUMNS} for person in people]
    for start in range(0, len(rows), UPSERT_BATCH):
        statement = insert(Person).values(rows[start : start + UPSERT_BATCH])
        refreshed = {
            column: statement.excluded[column]
            for column in _PERSON_COLUMNS
            if column not in ("team_id", "user_id")
        }
        await session.execute(
            statement.on_conflict_do_update(index_elements=["team_id", "user_id"], set_=refreshed)
        )


_PERSON_COLUMNS = (
    "team_id",
    "user_id",
    "display_name",
    "timezone",
    "is_bot",
    "is_deleted",
    "updated_at",
)


async def save_person(session: AsyncSession, person: Person) -> None:
    await save_people(session, [person])


async def lock_reps(session: AsyncSession, team_id: str, user_ids: Collection[str]) -> None:
    """Serialise each rep's check-ins so the repeat guard and week totals are exact,
    across instances too. Locks are taken in one order, so two writers never deadlock.

    SQLite needs nothing: ``BEGIN IMMEDIATE`` already serialises writers.
    """
    if is_postgres(session):
        keys = sorted(f"{team_id}:{user_id}" for user_id in set(user_ids))
        await session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest(CAST(:keys AS text[])) k"),
            {"keys": keys},
        )


async def earlier_same(
    session: AsyncSession, team_id: str, candidates: Collection[CheckIn], since: datetime
) -> list[CheckIn]:
    """Check-ins after ``since``, not undone, identical to one of ``candidates`` (same
    person, activity, count, day and note): the rows a repeat would repeat."""
    if not candidates:
        return []
    key = (CheckIn.user_id, CheckIn.activity, CheckIn.count, CheckIn.day, CheckIn.note)
    rows = await session.execute(
        select(*CheckIn.__table__.columns).where(
            CheckIn.team_id == team_id,
            CheckIn.created_at > since,
            CheckIn.undone_at.is_(None),
            tuple_(*key).in_([(c.user_id, c.activity, c.count, c.day, c.note) for c in candidates]),
        )
    )
    return [CheckIn(**row._mapping) for row in rows]


async def insert_checkins(session: AsyncSession, checkins: Sequence[CheckIn]) -> None:
    """Insert new check-ins in one statement and give each its id.

    Rows come back in no promised order, so each is matched by its values; rows
    alike in every value are interchangeable.
    """
    if not checkins:
        return
    table = typing_cast(Table, CheckIn.__table__)
    columns = [c for c in table.columns if c.name != "id"]
    rows = await session.execute(
        insert(table).returning(table.c.id, *columns),
        [{c.name: getattr(checkin, c.name) for c in columns} for checkin in checkins],
    )
    ids: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for checkin_id, *values in rows:
        ids[tuple(values)].append(checkin_id)
    for checkin in checkins:
        checkin.id = ids[tuple(getattr(checkin, c.name) for c in columns)].pop()


async def get_checkin(session: AsyncSession, team_id: str, checkin_id: int) -> CheckIn | None:
    checkin = await session.get(CheckIn, checkin_id)
    return checkin if checkin is not None and checkin.team_id == team_id else None


async def set_announcement(
    session: AsyncSession, checkin_ids: Collection[int], channel: str, ts: str
) -> None:
    """Where a team's line for these check-ins went (one message may carry several)."""
    await session.execute(
        dialect_insert(session)(Announcement)
        .values([dict(checkin_id=i, channel=channel, ts=ts) for i in checkin_ids])
        .on_conflict_do_update(index_elements=["checkin_id", "channel"], set_={"ts": ts})
    )


async def announcements(session: AsyncSession, checkin_id: int) -> list[tuple[str, str]]:
    """Every (channel, ts) where the check-in's lines went, one per team."""
    rows = await session.execute(
        select(Announcement.channel, Announcement.ts)
        .where(Announcement.checkin_id == checkin_id)
        .order_by(Announcement.channel)
    )
    return [(channel, ts) for channel, ts in rows]


async def undone_among(session: AsyncSession, checkin_ids: Collection[int]) -> set[int]:
    """Which of these check-ins were undone (say, before their line was posted)."""
    rows = await session.scalars(
        select(CheckIn.id).where(CheckIn.id.in_(checkin_ids), CheckIn.undone_at.is_not(None))
    )
    return set(rows)


async def announced_with(session: AsyncSession, channel: str, ts: str) -> list[int]:
    """The check-ins whose lines share the message at (channel, ts)."""
    rows = await session.scalars(
        select(Announcement.checkin_id).where(
            Announcement.channel == channel, Announcement.ts == ts
        )
    )
    return list(rows)


@dataclass
class WeeksData:
    """Everything needed to judge some reps' weeks on every team of a workspace,
    loaded in three queries: check-ins belong to the person and count on each of
    their teams, goals belong to a team (``goals`` by team ref)."""

    totals: dict[tuple[str, date], dict[str, int]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    goals: dict[int, list[GoalRow]] = field(default_factory=lambda: defaultdict(list))
    away: dict[str, list[tuple[date, date]]] = field(default_factory=lambda: defaultdict(list))


def _monday(session: AsyncSession, day: Any) -> Any:
    """The Monday of ``day``'s week, worked out by the database: grouping by it there
    sends one row per rep, week and activity instead of one per day (4x fewer)."""
    if is_postgres(session):
        return cast(func.date_trunc("week", day), Date)
    return type_coerce(func.date(day, "weekday 0", "-6 days"), Date)


async def load_weeks(
    session: AsyncSession,
    team_id: str,
    user_ids: Collection[str] | None,
    first_week: date,
    last_week: date,
) -> WeeksData:
    """Check-in totals per (rep, week), goal history and away periods for the weeks
    from ``first_week`` to ``last_week`` (Mondays); ``user_ids`` None means everyone."""
    data = WeeksData()
    until = last_week + timedelta(days=6)

    by: list[Any] = [CheckIn.user_id, CheckIn.activity]
    if last_week != first_week:  # one week needs no date arithmetic on every row
        by.append(_monday(session, CheckIn.day))
    totals = (
        select(*by, func.sum(CheckIn.count))
        .where(
            CheckIn.team_id == team_id,
            CheckIn.day.between(first_week, until),
            CheckIn.undone_at.is_(None),
        )
        .group_by(*by)
    )
    away = select(AwayPeriod.user_id, AwayPeriod.first_day, AwayPeriod.last_day).where(
        AwayPeriod.team_id == team_id,
        AwayPeriod.last_day >= first_week,
        AwayPeriod.first_day <= until,
    )
    if user_ids is not None:
        totals = totals.where(CheckIn.user_id.in_(user_ids))
        away = away.where(AwayPeriod.user_id.in_(user_ids))

    for user_id, activity, *monday, total in await session.execute(totals):
        data.totals[(user_id, monday[0] if monday else first_week)][activity] = int(total)
    goals = await session.execute(
        select(Goal.team_ref, Goal.activity, Goal.user_id, Goal.valid_from, Goal.target).where(
            Goal.team_id == team_id, Goal.valid_from <= last_week
        )
    )
    for team_ref, activity, user_id, valid_from, target in goals:
        data.goals[team_ref].append(GoalRow(activity, user_id, valid_from, target))
    for user_id, first, last in await session.execute(away):
        data.away[user_id].append((first, last))
    return data


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
