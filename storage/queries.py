"""The questions Huddle asks its database, one query each.

Functions take an open session and leave committing to the caller, so a handler
decides what one transaction covers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.progress import GoalRow
from bot.weeks import week_start
from commands.activities import Activity
from storage.models import (
    TEAM_DEFAULT,
    ActivityType,
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


async def seed_team(
    session: AsyncSession,
    team_id: str,
    activities: Iterable[Activity],
    goals: Mapping[str, int],
    now: datetime,
) -> None:
    """Give a workspace the built-in activities and, the first time only, the
    configured team goals. Safe to run from several instances at once."""
    insert = dialect_insert(session)
    await session.execute(
        insert(ActivityType)
        .values(
            [
                dict(team_id=team_id, key=a.key, singular=a.singular, plural=a.plural)
                for a in activities
            ]
        )
        .on_conflict_do_nothing()
    )
    has_goals = await session.scalar(select(Goal.team_id).where(Goal.team_id == team_id).limit(1))
    if goals and has_goals is None:
        await session.execute(
            insert(Goal)
            .values(
                [
                    dict(
                        team_id=team_id,
                        activity=key,
                        user_id=TEAM_DEFAULT,
                        valid_from=SEED_WEEK,
                        target=target,
                        updated_by="config",
                        updated_at=now,
                    )
                    for key, target in goals.items()
                ]
            )
            .on_conflict_do_nothing()
        )


async def team_activities(session: AsyncSession, team_id: str) -> list[Activity]:
    rows = await session.scalars(
        select(ActivityType).where(ActivityType.team_id == team_id).order_by(ActivityType.key)
    )
    order = {"meeting": 0, "call": 1, "followup": 2, "referral": 3}
    return sorted(
        (Activity(r.key, r.singular, r.plural) for r in rows),
        key=lambda a: (order.get(a.key, len(order)), a.key),
    )


async def get_person(session: AsyncSession, team_id: str, user_id: str) -> Person | None:
    return await session.get(Person, (team_id, user_id))


async def save_people(session: AsyncSession, people: Collection[Person]) -> None:
    """Insert or refresh what Slack told us about users, keeping the manager flag."""
    insert = dialect_insert(session)
    rows = [{column: getattr(person, column) for column in _PERSON_COLUMNS} for person in people]
    for start in range(0, len(rows), UPSERT_BATCH):
        statement = insert(Person).values(rows[start : start + UPSERT_BATCH])
        refreshed = {
            column: statement.excluded[column]
            for column in _PERSON_COLUMNS
            if column not in ("team_id", "user_id", "is_manager", "first_seen")
        }
        await session.execute(
            statement.on_conflict_do_update(index_elements=["team_id", "user_id"], set_=refreshed)
        )


_PERSON_COLUMNS = (
    "team_id",
    "user_id",
    "display_name",
    "timezone",
    "is_manager",
    "is_bot",
    "is_deleted",
    "in_channel",
    "first_seen",
    "updated_at",
)


async def save_person(session: AsyncSession, person: Person) -> None:
    await save_people(session, [person])


async def set_flags(
    session: AsyncSession, team_id: str, user_id: str, now: datetime, **flags: bool
) -> None:
    """Set ``in_channel``/``is_manager`` on a person; a stranger gets a stub that the
    next roster sync fills in."""
    stub = {
        "team_id": team_id,
        "user_id": user_id,
        "display_name": user_id,
        "timezone": None,
        "is_manager": False,
        "is_bot": False,
        "is_deleted": False,
        "in_channel": False,
        "first_seen": now,
        "updated_at": now,
    }
    await session.execute(
        dialect_insert(session)(Person)
        .values({**stub, **flags})
        .on_conflict_do_update(
            index_elements=["team_id", "user_id"], set_={**flags, "updated_at": now}
        )
    )


async def lock_rep(session: AsyncSession, team_id: str, user_id: str) -> None:
    """Serialise one rep's check-ins so the repeat guard and week totals are exact.

    SQLite needs nothing: ``BEGIN IMMEDIATE`` already serialises writers.
    """
    if is_postgres(session):
        await session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"{team_id}:{user_id}"}
        )


async def find_repeat(session: AsyncSession, candidate: CheckIn) -> CheckIn | None:
    """The same check-in (person, activity, count, day, note) logged moments ago."""
    return await session.scalar(
        select(CheckIn)
        .where(
            CheckIn.team_id == candidate.team_id,
            CheckIn.user_id == candidate.user_id,
            CheckIn.activity == candidate.activity,
            CheckIn.count == candidate.count,
            CheckIn.day == candidate.day,
            CheckIn.note == candidate.note,
            CheckIn.undone_at.is_(None),
            CheckIn.created_at > candidate.created_at - REPEAT_WINDOW,
        )
        .limit(1)
    )


async def get_checkin(session: AsyncSession, team_id: str, checkin_id: int) -> CheckIn | None:
    checkin = await session.get(CheckIn, checkin_id)
    return checkin if checkin is not None and checkin.team_id == team_id else None


async def set_announcement(session: AsyncSession, checkin_id: int, channel: str, ts: str) -> None:
    await session.execute(
        update(CheckIn)
        .where(CheckIn.id == checkin_id)
        .values(announcement_channel=channel, announcement_ts=ts)
    )


@dataclass
class WeeksData:
    """Everything needed to judge some reps' weeks, loaded in three queries."""

    totals: dict[tuple[str, date], dict[str, int]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    goal_rows: list[GoalRow] = field(default_factory=list)
    away: dict[str, list[tuple[date, date]]] = field(default_factory=lambda: defaultdict(list))


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

    totals = (
        select(CheckIn.user_id, CheckIn.day, CheckIn.activity, func.sum(CheckIn.count))
        .where(
            CheckIn.team_id == team_id,
            CheckIn.day.between(first_week, until),
            CheckIn.undone_at.is_(None),
        )
        .group_by(CheckIn.user_id, CheckIn.day, CheckIn.activity)
    )
    away = select(AwayPeriod.user_id, AwayPeriod.first_day, AwayPeriod.last_day).where(
        AwayPeriod.team_id == team_id,
        AwayPeriod.last_day >= first_week,
        AwayPeriod.first_day <= until,
    )
    if user_ids is not None:
        totals = totals.where(CheckIn.user_id.in_(user_ids))
        away = away.where(AwayPeriod.user_id.in_(user_ids))

    for user_id, day, activity, total in await session.execute(totals):
        bucket = data.totals[(user_id, week_start(day))]
        bucket[activity] = bucket.get(activity, 0) + int(total)
    goals = await session.execute(
        select(Goal.activity, Goal.user_id, Goal.valid_from, Goal.target).where(
            Goal.team_id == team_id, Goal.valid_from <= last_week
        )
    )
    data.goal_rows = [GoalRow(*row) for row in goals]
    for user_id, first, last in await session.execute(away):
        data.away[user_id].append((first, last))
    return data


async def team_people(session: AsyncSession, team_id: str) -> list[Person]:
    """Everyone who may be a rep or a manager: channel members and flagged managers."""
    rows = await session.scalars(
        select(Person)
        .where(Person.team_id == team_id, (Person.in_channel) | (Person.is_manager))
        .order_by(Person.display_name, Person.user_id)
    )
    return list(rows)
