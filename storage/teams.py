"""Teams: making them, loading a workspace's teams, and changing their settings and
activities.

Like every storage module, functions take an open session and leave committing to
the caller.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.activities import Activity
from bot.domain.goals import TEAM_DEFAULT
from bot.domain.team import Team
from bot.domain.team_settings import TEAM_SETTINGS, TeamSettings, setting_text
from storage import holidays
from storage.models import ActivityType, Goal, Membership, TeamActivity
from storage.models import Team as TeamRow
from storage.queries import SEED_WEEK, dialect_insert


async def load(session: AsyncSession, workspace: str, defaults: TeamSettings) -> list[Team]:
    """Every team of the workspace that has a channel, in four queries whatever
    their number. A stored setting wins over ``defaults`` (the ``HUDDLE_*`` variables)."""
    rows = list(
        await session.scalars(
            select(TeamRow)
            .where(TeamRow.team_id == workspace, TeamRow.channel_id.is_not(None))
            .order_by(TeamRow.id)
        )
    )
    activities: dict[int, list[TeamActivity]] = defaultdict(list)
    for activity in await session.scalars(
        select(TeamActivity)
        .where(TeamActivity.team_id == workspace)
        .order_by(TeamActivity.position, TeamActivity.key)
    ):
        activities[activity.team_ref].append(activity)
    managers: dict[int, set[str]] = defaultdict(set)
    for team_ref, user_id in await session.execute(
        select(Membership.team_ref, Membership.user_id).where(
            Membership.team_id == workspace, Membership.is_manager.is_(True)
        )
    ):
        managers[team_ref].add(user_id)
    days = await holidays.load(session, workspace)
    return [
        Team(
            ref=row.id,
            workspace=workspace,
            channel=row.channel_id or "",
            settings=stored_settings(row.settings, defaults),
            activities=_activities(activities[row.id], active=True),
            retired=_activities(activities[row.id], active=False),
            managers=frozenset(managers[row.id]),
            changed={word: (who, at) for word, (who, at) in row.changed.items()},
            created_at=row.created_at,
            added_holidays=dict(days[row.id].added),
            removed_holidays=frozenset(days[row.id].removed),
        )
        for row in rows
    ]


def stored_settings(texts: Mapping[str, str], defaults: TeamSettings) -> TeamSettings:
    """A team's settings: what it stored, ``defaults`` for anything it did not."""
    merged = {word: setting_text(defaults, word) for word in TEAM_SETTINGS}
    return TeamSettings.from_texts({**merged, **texts})


def _activities(rows: Iterable[TeamActivity], *, active: bool) -> tuple[Activity, ...]:
    return tuple(Activity(r.key, r.singular, r.plural) for r in rows if r.active == active)


async def ensure_first_team(
    session: AsyncSession,
    workspace: str,
    channel: str,
    texts: Mapping[str, str],
    activities: Iterable[Activity],
    goals: Mapping[str, int],
    now: datetime,
) -> None:
    """Single-workspace mode: make ``HUDDLE_CHANNEL`` a team if it is not one yet.

    A workspace upgraded from one-team Huddle already has its team, without a
    channel: it gets this one, and its data stays with it. Safe to run at every
    start-up and from several instances at once.
    """
    exists = await session.scalar(
        select(TeamRow.id).where(TeamRow.team_id == workspace, TeamRow.channel_id == channel)
    )
    if exists is not None:
        return
    upgraded = await session.scalar(
        select(TeamRow.id).where(TeamRow.team_id == workspace, TeamRow.channel_id.is_(None))
    )
    if upgraded is not None:
        await session.execute(
            update(TeamRow)
            .where(TeamRow.id == upgraded, TeamRow.channel_id.is_(None))
            .values(channel_id=channel, settings=dict(texts), created_at=now)
        )
        await seed_activities(session, workspace, upgraded, activities, now)
        has_goals = await session.scalar(select(Goal.team_ref).where(Goal.team_ref == upgraded))
        if has_goals is None:
            await _seed_goals(session, workspace, upgraded, goals, "config", now)
        return
    await create(session, workspace, channel, texts, activities, goals, "config", now)


async def create(
    session: AsyncSession,
    workspace: str,
    channel: str,
    texts: Mapping[str, str],
    activities: Iterable[Activity],
    goals: Mapping[str, int],
    created_by: str,
    now: datetime,
) -> int | None:
    """Make ``channel`` a team with these settings, activities and goals; its creator
    (a user ID, or ``config``) becomes its manager. None when it already is a team."""
    inserted: int | None = await session.scalar(
        dialect_insert(session)(TeamRow)
        .values(
            team_id=workspace,
            channel_id=channel,
            settings=dict(texts),
            changed={},
            created_by=created_by,
            created_at=now,
        )
        .on_conflict_do_nothing()
        .returning(TeamRow.id)
    )
    if inserted is None:
        return None
    await seed_activities(session, workspace, inserted, activities, now)
    await _seed_goals(session, workspace, inserted, goals, created_by, now)
    if created_by.startswith(("U", "W")):
        await session.execute(
            dialect_insert(session)(Membership)
            .values(
                team_ref=inserted,
                user_id=created_by,
                team_id=workspace,
                in_channel=False,
                is_manager=True,
                updated_at=now,
            )
            .on_conflict_do_update(
                index_elements=["team_ref", "user_id"], set_={"is_manager": True}
            )
        )
    return inserted


async def seed_activities(
    session: AsyncSession,
    workspace: str,
    team_ref: int,
    activities: Iterable[Activity],
    now: datetime,
) -> None:
    """Give a team these activities (and the workspace their keys), leaving any it
    already has, retired or not, as they are."""
    activities = list(activities)
    insert = dialect_insert(session)
    await session.execute(
        insert(ActivityType)
        .values(
            [
                dict(team_id=workspace, key=a.key, singular=a.singular, plural=a.plural)
                for a in activities
            ]
        )
        .on_conflict_do_nothing()
    )
    await session.execute(
        insert(TeamActivity)
        .values(
            [
                dict(
                    team_ref=team_ref,
                    key=a.key,
                    team_id=workspace,
                    singular=a.singular,
                    plural=a.plural,
                    position=position,
                    active=True,
                    changed_at=now,
                )
                for position, a in enumerate(activities)
            ]
        )
        .on_conflict_do_nothing()
    )


async def _seed_goals(
    session: AsyncSession,
    workspace: str,
    team_ref: int,
    goals: Mapping[str, int],
    by: str,
    now: datetime,
) -> None:
    if not goals:
        return
    await session.execute(
        dialect_insert(session)(Goal)
        .values(
            [
                dict(
                    team_id=workspace,
                    team_ref=team_ref,
                    activity=key,
                    user_id=TEAM_DEFAULT,
                    valid_from=SEED_WEEK,
                    target=target,
                    updated_by=by,
                    updated_at=now,
                )
                for key, target in goals.items()
            ]
        )
        .on_conflict_do_nothing()
    )


async def set_setting(
    session: AsyncSession, team_ref: int, word: str, text: str, by: str, now: datetime
) -> None:
    """Store one setting's canonical text, and who changed it when."""
    row = await session.get(TeamRow, team_ref, with_for_update=True)
    assert row is not None
    row.settings = {**row.settings, word: text}
    row.changed = {**row.changed, word: [by, now.isoformat()]}


async def add_activity(
    session: AsyncSession, team: Team, activity: Activity, now: datetime
) -> None:
    """Count ``activity`` on the team: new, or a retired one brought back (with the
    labels given now)."""
    insert = dialect_insert(session)
    await session.execute(
        insert(ActivityType)
        .values(
            team_id=team.workspace,
            key=activity.key,
            singular=activity.singular,
            plural=activity.plural,
        )
        .on_conflict_do_nothing()
    )
    values = dict(singular=activity.singular, plural=activity.plural, active=True, changed_at=now)
    await session.execute(
        insert(TeamActivity)
        .values(
            team_ref=team.ref,
            key=activity.key,
            team_id=team.workspace,
            position=len(team.activities) + len(team.retired),
            **values,
        )
        .on_conflict_do_update(index_elements=["team_ref", "key"], set_=values)
    )


async def retire_activity(session: AsyncSession, team_ref: int, key: str, now: datetime) -> None:
    await session.execute(
        update(TeamActivity)
        .where(TeamActivity.team_ref == team_ref, TeamActivity.key == key)
        .values(active=False, changed_at=now)
    )
