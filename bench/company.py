"""A company's worth of data, written straight into the database.

5,000 reps in 50 workspaces (one of 500 reps, the others about 92 each), in four
timezones; team goals of 6 meetings and 20 calls, a personal meeting goal for one rep
in ten, one rep in fifty away two days. This week, Monday to Thursday lunchtime: about
30 check-ins per rep (150,000 rows), some reps at goal, most not yet. Earlier weeks:
one row per rep and activity per week (enough history for the managers' patterns).
Thursday's daily boards went out at 09:00.
Deterministic: the same seed gives the same company.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.standin import CHANNEL, TIMEZONES, manager_id, user_id
from bot.domain.activities import BUILT_IN
from bot.domain.weeks import week_start
from storage.engine import create_engine, is_sqlite, session_factory
from storage.ledger import HUDDLE, SENT
from storage.models import AwayPeriod, CheckIn, Goal, Person, SendLedger
from storage.queries import seed_team

TEAMS = 50
REPS = 5_000
BIG_TEAM_REPS = 500
CHECKINS_PER_REP = 30
HISTORY_WEEKS = 4
THIS_WEEK = date(2026, 11, 23)
"""Monday of the benchmark's week (Thursday is 26 November 2026)."""
CHUNK = 5_000


def team_id(n: int) -> str:
    return f"T{n:04d}"


@dataclass(frozen=True)
class Team:
    team_id: str
    reps: list[str]


def teams() -> list[Team]:
    """Team 0 has 500 reps; the other 4,500 are spread over 49 teams."""
    sizes = [BIG_TEAM_REPS] + [
        (REPS - BIG_TEAM_REPS) // (TEAMS - 1)
        + (1 if i < (REPS - BIG_TEAM_REPS) % (TEAMS - 1) else 0)
        for i in range(TEAMS - 1)
    ]
    result, first = [], 0
    for n, size in enumerate(sizes):
        result.append(Team(team_id(n), [user_id(first + i) for i in range(size)]))
        first += size
    return result


def _people(team: Team, now: datetime) -> Iterator[dict[str, Any]]:
    """The reps, in the four timezones by turns, and the team's manager."""
    for rep in team.reps:
        zone = TIMEZONES[int(rep[1:]) % len(TIMEZONES)]
        yield _person(team.team_id, rep, f"Rep {rep[1:]}", zone, False, now)
    manager = manager_id(int(team.team_id[1:]))
    yield _person(team.team_id, manager, "Manager", TIMEZONES[0], True, now)


def _person(
    team: str, user: str, name: str, zone: str, manager: bool, now: datetime
) -> dict[str, Any]:
    """Someone Huddle has known for longer than the history goes back."""
    return dict(
        team_id=team,
        user_id=user,
        display_name=name,
        timezone=zone,
        is_manager=manager,
        is_bot=False,
        is_deleted=False,
        in_channel=True,
        first_seen=now - timedelta(weeks=HISTORY_WEEKS + 4),
        updated_at=now,
    )


def _checkins(team: Team, rng: random.Random, now: datetime) -> Iterator[dict[str, Any]]:
    days = [THIS_WEEK + timedelta(days=d) for d in range(4)]  # Monday to Thursday
    for rep in team.reps:
        pace = rng.random()  # how busy this rep is: some are at goal, most not yet
        weights = [1 + 3 * pace, 6, 3, 1]
        for n in range(CHECKINS_PER_REP):
            activity = rng.choices(["meeting", "call", "followup", "referral"], weights)[0]
            count = 1 if activity != "call" else 1 + round(pace * rng.randint(0, 2))
            yield _row(team.team_id, rep, activity, count, days[n % 4], now)
        for week in range(1, HISTORY_WEEKS + 1):
            monday = THIS_WEEK - timedelta(weeks=week)
            yield _row(team.team_id, rep, "meeting", rng.randint(2, 8), monday, now)
            yield _row(team.team_id, rep, "call", rng.randint(10, 30), monday, now)


def _row(
    team: str, rep: str, activity: str, count: int, day: date, now: datetime
) -> dict[str, Any]:
    """A check-in typed as a command, with no note, never undone."""
    values = (team, rep, activity, count, day, "", "command", now, None)
    return dict(zip(_CHECKIN_COLUMNS, values, strict=True))


_CHECKIN_COLUMNS = ("team_id", "user_id", "activity", "count", "day")
_CHECKIN_COLUMNS += ("note", "source", "created_at", "undone_at")


def _goals(team: Team, now: datetime) -> Iterator[dict[str, Any]]:
    for rep in team.reps[::10]:
        yield dict(
            team_id=team.team_id,
            activity="meeting",
            user_id=rep,
            valid_from=week_start(THIS_WEEK - timedelta(weeks=8)),
            target=8,
            updated_by="bench",
            updated_at=now,
        )


def _away(team: Team, now: datetime) -> Iterator[dict[str, Any]]:
    for rep in team.reps[3::50]:
        yield dict(
            team_id=team.team_id,
            user_id=rep,
            first_day=THIS_WEEK,
            last_day=THIS_WEEK + timedelta(days=1),
            created_by=rep,
            created_at=now,
        )


def _boards(team: Team) -> Iterator[dict[str, Any]]:
    """Thursday's daily board, posted at 09:00 as every morning."""
    posted = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
    yield dict(
        team_id=team.team_id,
        kind=HUDDLE,
        recipient=CHANNEL,
        period=(THIS_WEEK + timedelta(days=3)).isoformat(),
        state=SENT,
        attempts=1,
        claimed_at=posted,
        sent_at=posted,
        channel=CHANNEL,
        ts=f"{posted.timestamp():.6f}",
        error=None,
    )


async def _insert(engine: AsyncEngine, table: Table, rows: Iterator[dict[str, Any]]) -> int:
    total, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            total += await _write(engine, table, chunk)
            chunk = []
    return total + (await _write(engine, table, chunk) if chunk else 0)


async def _write(engine: AsyncEngine, table: Table, rows: list[dict[str, Any]]) -> int:
    async with engine.begin() as connection:
        await connection.execute(insert(table), rows)
    return len(rows)


async def seed(engine: AsyncEngine, goals: Mapping[str, int], seed: int = 7) -> dict[str, int]:
    """Write the company into a migrated, empty database; returns row counts.
    ``goals`` are the team goals (as ``HUDDLE_GOALS`` seeds them)."""
    rng = random.Random(seed)
    now = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    company = teams()
    sessions = session_factory(engine)
    for team in company:
        async with sessions.begin() as session:
            await seed_team(session, team.team_id, BUILT_IN, goals, now)
    counts = {}
    for name, model, rows in (
        ("people", Person, (r for t in company for r in _people(t, now))),
        ("checkins", CheckIn, (r for t in company for r in _checkins(t, rng, now))),
        ("goals", Goal, (r for t in company for r in _goals(t, now))),
        ("away", AwayPeriod, (r for t in company for r in _away(t, now))),
        ("boards", SendLedger, (r for t in company for r in _boards(t))),
    ):
        counts[name] = await _insert(engine, model.__table__, rows)  # type: ignore[arg-type]
    return counts


async def _main(database_url: str) -> dict[str, int]:
    """Seed, then do what a database in use has done by now on its own: PostgreSQL's
    autovacuum analyzes a freshly filled table within the minute, SQLite checkpoints."""
    engine = create_engine(database_url)
    try:
        counts = await seed(engine, {"meeting": 6, "call": 20})
        if not is_sqlite(database_url):
            async with engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    if is_sqlite(database_url):
        with closing(sqlite3.connect(str(make_url(database_url).database))) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    print(json.dumps(asyncio.run(_main(parser.parse_args().database_url))))


if __name__ == "__main__":
    main()
