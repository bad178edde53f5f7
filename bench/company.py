"""A company's worth of data in ONE Slack workspace, written straight into the database.

The one builder every company-scale measurement shares (``bench.scale``,
``bench.fanout``, ``bench.deliver``, the stand-in's users and channels): 5,000 reps in
50 teams (one channel each: one team of 500 reps, the others about 90 of their own),
in four timezones by turns; one rep in ten of every smaller team also on the next team
(so a nudge can list two teams); every fifth team counts a custom activity of its own
(``demo``, added as ``/huddle activity add`` adds it). Team goals of 6 meetings and 20
calls, a personal meeting goal for one rep in ten, one rep in fifty away two days. This
week, Monday to Thursday lunchtime: 30 check-ins per rep (150,000 rows), some reps at
goal, most not yet. Earlier weeks: one row per rep and activity per week (four weeks of
history for the managers' patterns). Thursday's daily boards went out at 09:00.

``BENCH_QUICK=1`` builds the same shape with a fifth of the reps (a team of 100, the
others about 18), for a run of a few minutes. Deterministic: the same seed gives the
same company.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Table, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.activities import BUILT_IN, Activity
from bot.domain.settings import Settings, load_settings
from bot.domain.weeks import week_start
from bot.team.setup import setting_texts
from storage import memberships, teams
from storage.engine import create_engine, is_sqlite, session_factory
from storage.ledger import HUDDLE, SENT
from storage.models import AwayPeriod, CheckIn, Goal, Person, SendLedger

QUICK = bool(os.environ.get("BENCH_QUICK"))
SCALE = 5 if QUICK else 1
WORKSPACE = "TCOMPANY"
SMALL_WORKSPACE = "TSMALL"
"""A workspace of one team of ten, seeded beside the company by the same builder: the
yardstick for "the statements of a tick do not grow with teams and reps"."""
TEAMS = 50
REPS = 5_000 // SCALE
BIG_TEAM_REPS = 500 // SCALE
SHARED_EVERY = 10
"""One rep in ten of every smaller team is a rep of the next team too."""
CUSTOM_EVERY = 5
"""Every fifth team counts a custom activity of its own."""
CUSTOM = Activity("demo", "demo", "demos")
GOALS = {"meeting": 6, "call": 20}
CHECKINS_PER_REP = 30
HISTORY_WEEKS = 4
THIS_WEEK = date(2026, 11, 23)
"""Monday of the benchmark's week (Thursday is 26 November 2026)."""
FOUNDED = datetime(2026, 9, 21, 12, 0, tzinfo=UTC)
"""When every team was set up, its reps already in the channel: no one is prorated."""
NOW = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
TIMEZONES = ("America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London")
CHUNK = 5_000


def user_id(n: int) -> str:
    return f"U{n:05d}"


def manager_id(n: int) -> str:
    return f"UM{n:04d}"


def channel_id(n: int) -> str:
    return f"CTEAM{n:04d}"


def zone_of(user: str) -> str:
    """A rep's timezone: the four by turns, by the number in their ID."""
    return TIMEZONES[int(user[1:]) % len(TIMEZONES)]


@dataclass(frozen=True)
class BenchTeam:
    number: int
    reps: tuple[str, ...]
    """Its own reps first, then the ones it shares with the team before it."""
    own: int
    custom: bool

    @property
    def channel(self) -> str:
        return channel_id(self.number)

    @property
    def manager(self) -> str:
        return manager_id(self.number)

    @property
    def activities(self) -> tuple[Activity, ...]:
        return (*BUILT_IN, CUSTOM) if self.custom else BUILT_IN


@dataclass(frozen=True)
class Company:
    workspace: str
    teams: tuple[BenchTeam, ...]

    @property
    def reps(self) -> list[str]:
        return sorted({rep for team in self.teams for rep in team.reps})

    def home(self) -> dict[str, BenchTeam]:
        """Each rep's first team (the one whose reps they were made as)."""
        return {rep: team for team in self.teams for rep in team.reps[: team.own]}

    def sizes(self) -> list[int]:
        return [len(team.reps) for team in self.teams]


def build(workspace: str, sizes: Sequence[int]) -> Company:
    """Teams of these sizes (own reps); each team but the first also takes in every
    ``SHARED_EVERY``-th rep of the team before it (the last's go to the second)."""
    own: list[list[str]] = []
    first = 0
    for size in sizes:
        own.append([user_id(first + i) for i in range(size)])
        first += size
    shared: list[list[str]] = [[] for _ in sizes]
    smaller = list(range(1, len(sizes)))
    for n, following in zip(smaller, smaller[1:] + smaller[:1], strict=True):
        if following != n:
            shared[following] += own[n][::SHARED_EVERY]
    return Company(
        workspace,
        tuple(
            BenchTeam(
                n,
                tuple(own[n] + shared[n]),
                len(own[n]),
                custom=n % CUSTOM_EVERY == CUSTOM_EVERY - 1,
            )
            for n in range(len(sizes))
        ),
    )


@cache
def company() -> Company:
    """The benchmark's company: one team of ``BIG_TEAM_REPS``, the rest over 49 teams."""
    rest, teams_left = REPS - BIG_TEAM_REPS, TEAMS - 1
    sizes = [BIG_TEAM_REPS] + [
        rest // teams_left + (1 if i < rest % teams_left else 0) for i in range(teams_left)
    ]
    return build(WORKSPACE, sizes)


@cache
def small_company() -> Company:
    return build(SMALL_WORKSPACE, [10])


def settings(database_url: str, api_url: str, **extra: str) -> Settings:
    """Huddle's configuration for the company (every team starts from it)."""
    return load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-bench-company",
            "SLACK_SIGNING_SECRET": "bench-company-secret",
            "SLACK_API_URL": api_url,
            "DATABASE_URL": database_url,
            "HUDDLE_CHANNEL": channel_id(0),
            "HUDDLE_TIMEZONE": "America/New_York",
            "HUDDLE_GOALS": ",".join(f"{key}={n}" for key, n in GOALS.items()),
            **extra,
        }
    )


def _people(firm: Company) -> Iterator[dict[str, Any]]:
    """The reps, and every team's manager."""
    for rep in firm.reps:
        yield _person(firm.workspace, rep, f"Rep {rep[1:]}", zone_of(rep))
    for team in firm.teams:
        yield _person(firm.workspace, team.manager, f"Manager {team.number}", TIMEZONES[0])


def _person(workspace: str, user: str, name: str, zone: str) -> dict[str, Any]:
    return dict(
        team_id=workspace,
        user_id=user,
        display_name=name,
        timezone=zone,
        is_bot=False,
        is_deleted=False,
        updated_at=NOW,
    )


def _checkins(firm: Company, rng: random.Random) -> Iterator[dict[str, Any]]:
    days = [THIS_WEEK + timedelta(days=d) for d in range(4)]  # Monday to Thursday
    for rep, team in firm.home().items():
        pace = rng.random()  # how busy this rep is: some are at goal, most not yet
        keys = [a.key for a in team.activities]
        weights = [1 + 3 * pace, 6, 3, 1, 2][: len(keys)]
        for n in range(CHECKINS_PER_REP):
            activity = rng.choices(keys, weights)[0]
            count = 1 if activity != "call" else 1 + round(pace * rng.randint(0, 2))
            yield _row(firm.workspace, rep, activity, count, days[n % 4])
        for week in range(1, HISTORY_WEEKS + 1):
            monday = THIS_WEEK - timedelta(weeks=week)
            yield _row(firm.workspace, rep, "meeting", rng.randint(2, 8), monday)
            yield _row(firm.workspace, rep, "call", rng.randint(10, 30), monday)


def _row(workspace: str, rep: str, activity: str, count: int, day: date) -> dict[str, Any]:
    """A check-in typed as a command, with no note, never undone."""
    values = (workspace, rep, activity, count, day, "", "command", NOW, None)
    return dict(zip(_CHECKIN_COLUMNS, values, strict=True))


_CHECKIN_COLUMNS = ("team_id", "user_id", "activity", "count", "day")
_CHECKIN_COLUMNS += ("note", "source", "created_at", "undone_at")


def _goals(firm: Company, refs: Mapping[int, int]) -> Iterator[dict[str, Any]]:
    for team in firm.teams:
        for rep in team.reps[::10]:
            yield dict(
                team_id=firm.workspace,
                team_ref=refs[team.number],
                activity="meeting",
                user_id=rep,
                valid_from=week_start(THIS_WEEK - timedelta(weeks=8)),
                target=8,
                updated_by=team.manager,
                updated_at=NOW,
            )


def _away(firm: Company) -> Iterator[dict[str, Any]]:
    for rep in firm.reps[3::50]:
        yield dict(
            team_id=firm.workspace,
            user_id=rep,
            first_day=THIS_WEEK,
            last_day=THIS_WEEK + timedelta(days=1),
            created_by=rep,
            created_at=NOW,
        )


def _boards(firm: Company) -> Iterator[dict[str, Any]]:
    """Thursday's daily board in every team's channel, posted at 09:00 as every morning."""
    posted = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
    for team in firm.teams:
        yield dict(
            team_id=firm.workspace,
            kind=HUDDLE,
            recipient=team.channel,
            period=(THIS_WEEK + timedelta(days=3)).isoformat(),
            state=SENT,
            attempts=1,
            claimed_at=posted,
            sent_at=posted,
            channel=team.channel,
            ts=f"{posted.timestamp():.6f}.{team.number}",
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


async def _teams(engine: AsyncEngine, firm: Company, defaults: Settings) -> dict[int, int]:
    """Every team made as ``/huddle setup`` makes it (its manager first), its channel's
    members synced, custom activities added; returns team number -> team ref."""
    texts = setting_texts(defaults.team_defaults)  # what /huddle setup stores
    refs: dict[int, int] = {}
    async with session_factory(engine).begin() as session:
        for team in firm.teams:
            ref = await teams.create(
                session, firm.workspace, team.channel, texts, BUILT_IN, GOALS, team.manager, FOUNDED
            )
            assert ref is not None
            refs[team.number] = ref
            await memberships.sync_channel(session, firm.workspace, ref, team.reps, FOUNDED)
        made = {t.ref: t for t in await teams.load(session, firm.workspace, defaults.team_defaults)}
        for team in firm.teams:
            if team.custom:
                await teams.add_activity(session, made[refs[team.number]], CUSTOM, FOUNDED)
    return refs


async def seed(engine: AsyncEngine, firm: Company, seed: int = 7) -> dict[str, int]:
    """Write ``firm`` into a migrated database; returns row counts."""
    rng = random.Random(seed)
    refs = await _teams(engine, firm, settings(str(engine.url), "http://unused"))
    counts = {"teams": len(refs)}
    for name, model, rows in (
        ("people", Person, _people(firm)),
        ("checkins", CheckIn, _checkins(firm, rng)),
        ("goals", Goal, _goals(firm, refs)),
        ("away", AwayPeriod, _away(firm)),
        ("boards", SendLedger, _boards(firm)),
    ):
        counts[name] = await _insert(engine, model.__table__, rows)  # type: ignore[arg-type]
    return counts


async def _main(database_url: str) -> dict[str, int]:
    """Seed the company and the small workspace, then do what a database in use has
    done by now on its own: PostgreSQL's autovacuum analyzes a freshly filled table
    within the minute, SQLite checkpoints."""
    engine = create_engine(database_url)
    try:
        counts = await seed(engine, company())
        await seed(engine, small_company())
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
