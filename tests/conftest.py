"""Fixtures: both databases, the Slack stand-in, and Huddle served over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.settings import load_settings
from bot.live.updates import LiveUpdates
from bot.scheduled.jobs import Ticker
from bot.serving.server import Huddle, prepare, serving_http
from bot.serving.server import drain as settle
from bot.standin import SignedSlackClient, SlackWebAPIStandIn
from tests.clock import FakeClock
from tests.databases import PostgresDatabase, SqliteTemplate
from tests.secrets_guard import BOT_TOKEN, SIGNING_SECRET, secrets_never_leak

__all__ = ["BOT_TOKEN", "SIGNING_SECRET", "secrets_never_leak"]  # the guard is autouse

CHANNEL = "CHUDDLE01"
TEAM_TZ = "America/New_York"
MANAGER = "UMANAGER1"
REPS = {"UALICE": "Alice", "UBOB": "Bob", "UCARA": "Cara"}
# Thursday 26 Nov 2026, 10:00 in New York.
THURSDAY_MORNING = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo(TEAM_TZ))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabase]:
    database = PostgresDatabase()
    yield database
    database.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: SqliteTemplate
) -> str:
    if request.param == "sqlite":
        return sqlite_template.fresh(tmp_path)
    postgres: PostgresDatabase = request.getfixturevalue("postgres")
    return postgres.fresh()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(THURSDAY_MORNING)


@pytest.fixture
async def slack(clock: FakeClock) -> AsyncIterator[SlackWebAPIStandIn]:
    async with SlackWebAPIStandIn(ts_clock=lambda: clock().timestamp()) as standin:
        standin.add_user(MANAGER, "Morgan", tz=TEAM_TZ)
        for user_id, name in REPS.items():
            standin.add_user(user_id, name, tz=TEAM_TZ)
        standin.add_user("UOUTSIDER", "Olive", tz="Europe/London")
        standin.add_channel(CHANNEL, members=[MANAGER, *REPS, "UHUDDLEBOT"])
        yield standin


def environment(database_url: str, slack: SlackWebAPIStandIn, **overrides: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": database_url,
        "HUDDLE_CHANNEL": CHANNEL,
        "HUDDLE_TIMEZONE": TEAM_TZ,
        "HUDDLE_MANAGERS": MANAGER,
        "HUDDLE_GOALS": "meeting=6,call=20",
        **overrides,
    }


@dataclass
class Running:
    """Huddle served over HTTP, and the means to talk to it the way Slack does."""

    huddle: Huddle
    url: str
    slack: SlackWebAPIStandIn
    users: SignedSlackClient
    clock: FakeClock

    def ticker(self) -> Ticker:
        """The scheduler's tick, to call by hand at the instants a test chooses."""
        runtime = self.huddle.runtime
        return Ticker(runtime, self.huddle.app.client, self.huddle.team_id, runtime.today())


TEST_PACE_SECONDS = 0.05


def pace_quickly(live: LiveUpdates) -> None:
    """The stand-in has no rate limits, so tests need not wait out Slack's: a second
    announcement, board update or Home is due 50 ms after the first, not a second or
    two (the pacing itself is tested at its real intervals in test_checkin_burst_e2e)."""
    for pacer in live.pacers:
        pacer.interval = TEST_PACE_SECONDS


@asynccontextmanager
async def served(
    huddle: Huddle, slack: SlackWebAPIStandIn
) -> AsyncIterator[tuple[str, SignedSlackClient]]:
    """Huddle on a free local port, and a client that calls it the way Slack does."""
    async with (
        serving_http(huddle, "127.0.0.1", 0) as url,
        SignedSlackClient(
            f"{url}/slack/events", SIGNING_SECRET, team_id=slack.team_id, standin=slack
        ) as users,
    ):
        yield url, users


@pytest.fixture
async def running(
    database_url: str, slack: SlackWebAPIStandIn, clock: FakeClock
) -> AsyncIterator[Running]:
    settings = load_settings(environment(database_url, slack))
    huddle = await prepare(settings, clock)
    pace_quickly(huddle.live)
    try:
        async with served(huddle, slack) as (url, users):
            yield Running(huddle, url, slack, users, clock)
            await settle()
    finally:
        await huddle.close()
