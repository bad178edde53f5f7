"""Guards against per-rep query loops: the planner's load, the daily board and the
Friday summary send the same number of SQL statements for 10 reps as for 1,000, on
SQLite and PostgreSQL. (Counts, not clocks: no test here measures time.)"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from bot.domain.activities import BUILT_IN
from bot.domain.settings import load_settings
from bot.domain.team import Team
from bot.domain.weeks import week_start
from bot.domain.windows import NO_HOLIDAYS
from bot.live.board import BoardKeeper
from bot.runtime import Runtime
from bot.runtime.slack_client import keep_connections, web_client
from bot.scheduled.jobs import run_due
from bot.scheduled.planner import weeks_to_load
from bot.standin import SlackWebAPIStandIn
from bot.team.setup import setting_texts
from bot.team.state import load_state
from storage import memberships, queries, teams
from storage.engine import statements
from storage.ledger import SUMMARY
from storage.models import AwayPeriod, CheckIn, Goal, Person
from tests.clock import FakeClock
from tests.conftest import CHANNEL, MANAGER, TEAM_TZ, environment

NY = ZoneInfo(TEAM_TZ)
THURSDAY_NOON = datetime(2026, 11, 26, 12, 0, tzinfo=NY)
FRIDAY_SUMMARY = datetime(2026, 11, 27, 9, 30, tzinfo=NY)
SIZES = (10, 1000)


@pytest.fixture
async def runtime(
    database_url: str, slack: SlackWebAPIStandIn, clock: FakeClock
) -> AsyncIterator[Runtime]:
    clock.set(THURSDAY_NOON)
    runtime = Runtime.create(load_settings(environment(database_url, slack)), clock)
    try:
        yield runtime
    finally:
        await runtime.close()


async def team_of(
    runtime: Runtime, team_id: str, reps: int, channels: tuple[str, ...] = (CHANNEL,)
) -> None:
    """A workspace whose teams (one per channel) each have ``reps`` reps with four weeks
    of check-ins, personal goals and away days."""
    now = runtime.now()
    week = week_start(runtime.today())
    refs = []
    async with runtime.sessions.begin() as session:
        for channel in channels:
            ref = await teams.create(
                session,
                team_id,
                channel,
                setting_texts(runtime.team_defaults),
                BUILT_IN,
                runtime.settings.goals,
                MANAGER,
                now,
            )
            assert ref is not None
            refs.append(ref)
    runtime.forget_teams(team_id)
    users = [f"U{team_id}{n:04d}" for n in range(reps * len(channels))]
    rows = [
        dict(
            team_id=team_id,
            user_id=u,
            activity=a,
            count=2,
            day=week - timedelta(days=d),
            note="",
            source="command",
            created_at=now,
        )
        for u in users
        for a in ("meeting", "call")
        for d in (-3, -1, 4, 9, 16, 23)
    ]
    async with runtime.sessions.begin() as session:
        await queries.save_people(
            session,
            [
                Person(
                    team_id=team_id,
                    user_id=u,
                    display_name=f"Rep {u}",
                    timezone=TEAM_TZ,
                    is_bot=False,
                    is_deleted=False,
                    updated_at=now,
                )
                for u in users
            ],
        )
        for i, ref in enumerate(refs):
            members = users[i * reps : (i + 1) * reps]
            await memberships.sync_channel(session, team_id, ref, members, now - timedelta(weeks=8))
        await session.execute(insert(CheckIn), rows)
        await session.execute(
            insert(Goal),
            [
                dict(
                    team_id=team_id,
                    team_ref=refs[0],
                    activity="meeting",
                    user_id=u,
                    valid_from=week,
                    target=8,
                    updated_by=MANAGER,
                    updated_at=now,
                )
                for u in users[::5]
            ],
        )
        await session.execute(
            insert(AwayPeriod),
            [
                dict(
                    team_id=team_id,
                    user_id=u,
                    first_day=week,
                    last_day=week,
                    created_by=u,
                    created_at=now,
                )
                for u in users[::7]
            ],
        )


async def first_team(runtime: Runtime, team_id: str) -> Team:
    team = (await runtime.teams(team_id)).by_channel(CHANNEL)
    assert team is not None
    return team


Job = Callable[[str], Awaitable[None]]


async def count(runtime: Runtime, job: Job, team_id: str) -> int:
    """Statements ``job(team_id)`` sends, once the per-process caches are warm."""
    await job(team_id)
    with statements(runtime.engine) as sent:
        await job(team_id)
    return len(sent)


async def per_size(runtime: Runtime, job: Job) -> list[int]:
    """Statements ``job`` sends for a team of each size."""
    for size in SIZES:
        await team_of(runtime, f"T{size}", size)
    return [await count(runtime, job, f"T{size}") for size in SIZES]


async def test_planner_load_is_a_fixed_number_of_statements(runtime: Runtime) -> None:
    first, last = weeks_to_load(
        FRIDAY_SUMMARY, [(runtime.team_defaults, NO_HOLIDAYS)]
    )  # the widest load

    async def load(team_id: str) -> None:
        state = await load_state(runtime, await first_team(runtime, team_id), first, last)
        assert len(state.reps) in SIZES

    small, large = await per_size(runtime, load)
    assert small == large <= 8


async def test_board_update_is_a_fixed_number_of_statements(
    runtime: Runtime, slack: SlackWebAPIStandIn, clock: FakeClock
) -> None:
    client = web_client(runtime)
    keep_connections(client, runtime)

    async def update(team_id: str) -> None:
        await BoardKeeper(runtime).update(client, await first_team(runtime, team_id))

    for size in SIZES:  # the morning's board, posted for each team
        await team_of(runtime, f"B{size}", size)
        _, report = await run_due(runtime, client, f"B{size}")
        assert report.sent and not report.failed
    small, large = [await count(runtime, update, f"B{size}") for size in SIZES]
    assert small == large <= 10
    boards = [m for m in slack.messages_in(CHANNEL) if "Daily huddle" in m.all_text]
    assert len(boards) == 2 and all(m.edited for m in boards)  # both really updated
    assert slack.rejections == []


async def test_summary_plan_is_a_fixed_number_of_statements(
    runtime: Runtime, slack: SlackWebAPIStandIn, clock: FakeClock
) -> None:
    client = web_client(runtime)
    clock.set(FRIDAY_SUMMARY)
    planned: dict[str, int] = {}

    async def plan_summary(team_id: str) -> None:
        due, _ = await run_due(runtime, client, team_id, dry_run=True)
        planned[team_id] = sum(1 for send in due.sends if send.key.kind == SUMMARY)

    small, large = await per_size(runtime, plan_summary)
    assert small == large <= 8
    assert planned["T10"] == 1 and planned["T1000"] > 1  # a 1,000-rep summary is split


async def test_a_tick_plans_fifty_teams_in_the_statements_of_one(
    runtime: Runtime, slack: SlackWebAPIStandIn, clock: FakeClock
) -> None:
    """One pass plans every team of a workspace (SPEC: scale stays flat)."""
    client = web_client(runtime)
    clock.set(FRIDAY_SUMMARY)
    planned: dict[str, int] = {}

    async def plan_all(team_id: str) -> None:
        due, _ = await run_due(runtime, client, team_id, dry_run=True)
        planned[team_id] = sum(1 for send in due.sends if send.key.kind == SUMMARY)

    await team_of(runtime, "TONE", 10)
    await team_of(runtime, "TFIFTY", 10, tuple(f"C{n:04d}" for n in range(50)))
    one, fifty = await count(runtime, plan_all, "TONE"), await count(runtime, plan_all, "TFIFTY")
    assert one == fifty <= 8
    assert planned == {"TONE": 1, "TFIFTY": 50}
