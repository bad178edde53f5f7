"""Fixtures: both databases, the Slack stand-in, and Huddle served the way Slack reaches
it: signed HTTP posts by default, or Socket Mode envelopes for a test parametrized with
:data:`BOTH_TRANSPORTS` (the same scenario, the same assertions, both modes)."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import pytest

from bot.domain.settings import load_settings
from bot.live.updates import LiveUpdates
from bot.scheduled.jobs import Ticker
from bot.serving.server import Huddle, prepare, serving_http
from bot.serving.server import drain as settle
from bot.serving.socket_mode import serving_socket_mode
from bot.standin import (
    Ack,
    SignedSlackClient,
    SlackUsers,
    SlackWebAPIStandIn,
    SocketModeStandIn,
    SocketModeUsers,
)
from tests.clock import FakeClock
from tests.databases import PostgresDatabase, SqliteTemplate
from tests.secrets_guard import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, secrets_never_leak

__all__ = ["APP_TOKEN", "BOT_TOKEN", "SIGNING_SECRET", "secrets_never_leak"]  # the guard is autouse

CHANNEL = "CHUDDLE01"
TEAM_TZ = "America/New_York"
MANAGER = "UMANAGER1"
REPS = {"UALICE": "Alice", "UBOB": "Bob", "UCARA": "Cara"}
# Thursday 26 Nov 2026, 10:00 in New York.
THURSDAY_MORNING = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo(TEAM_TZ))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--process-tz",
        metavar="ZONE",
        help="run with the process timezone set to ZONE (e.g. Pacific/Auckland), so any "
        "use of the server's clock instead of a team's or rep's timezone fails a test",
    )


def pytest_configure(config: pytest.Config) -> None:
    zone = config.getoption("--process-tz")
    if zone:
        ZoneInfo(zone)  # a typo must not quietly run the suite on UTC
        os.environ["TZ"] = zone
        time.tzset()


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
        "HUDDLE_POSTS_PER_MINUTE": "60000",  # the stand-in has no limit unless given one
        **overrides,
    }


Transport = Literal["http", "socket_mode"]
BOTH_TRANSPORTS = pytest.mark.parametrize("transport", ["http", "socket_mode"])
"""Runs a ``running`` test over HTTP and over Socket Mode (it overrides :func:`transport`)."""
SOCKET_PING_SECONDS = 1.0
"""The app's websocket ping in tests: a dropped socket is noticed within about one. Much
shorter, and a busy machine's late pong looks like a dead socket (a needless reconnect)."""


ACK_LATENCIES: list[float] = []
"""Every Socket Mode ack of the session, in seconds, for the summary at the end."""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if ACK_LATENCIES:
        ordered = sorted(ACK_LATENCIES)
        p50, p99 = (ordered[min(len(ordered) - 1, int(len(ordered) * q))] for q in (0.5, 0.99))
        terminalreporter.write_line(
            f"Socket Mode acks: {len(ordered)}, p50 {p50 * 1000:.0f} ms, "
            f"p99 {p99 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms (Slack allows 3000)"
        )


@pytest.fixture
def transport() -> Transport:
    """How Slack reaches the app in ``running``: HTTP unless a test says both."""
    return "http"


@dataclass
class Running:
    """Huddle served, and the means to talk to it the way Slack does (``users``)."""

    huddle: Huddle
    url: str
    """The HTTP base URL; empty in Socket Mode."""
    slack: SlackWebAPIStandIn
    users: SlackUsers
    clock: FakeClock
    socket_mode: SocketModeStandIn | None = None
    """Slack's Socket Mode side, when that is the transport."""
    acks: list[Ack] = field(default_factory=list)

    @asynccontextmanager
    async def users_from(self, team_id: str) -> AsyncIterator[SlackUsers]:
        """Users of another workspace, reaching this app the same way ``users`` do."""
        if self.socket_mode is not None:
            yield SocketModeUsers(self.socket_mode, team_id=team_id)
            return
        async with SignedSlackClient(
            f"{self.url}/slack/events", SIGNING_SECRET, team_id=team_id, standin=self.slack
        ) as users:
            yield users

    @property
    def signed(self) -> SignedSlackClient:
        """The HTTP client, for tests of what only HTTP has (signatures, raw bodies)."""
        assert isinstance(self.users, SignedSlackClient), "an HTTP-only test"
        return self.users

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


@asynccontextmanager
async def connected(
    huddle: Huddle, slack: SlackWebAPIStandIn
) -> AsyncIterator[tuple[SocketModeStandIn, SocketModeUsers]]:
    """Huddle connected to the Socket Mode stand-in, and users whose actions arrive as
    envelopes on that socket."""
    async with (
        SocketModeStandIn(slack, app_token=APP_TOKEN) as socket_mode,
        serving_socket_mode(huddle.app, APP_TOKEN, ping_interval=SOCKET_PING_SECONDS),
    ):
        await socket_mode.wait_for_connections(1)
        yield socket_mode, SocketModeUsers(socket_mode, team_id=slack.team_id)


@pytest.fixture
async def running(
    database_url: str, slack: SlackWebAPIStandIn, clock: FakeClock, transport: Transport
) -> AsyncIterator[Running]:
    async with running_with(database_url, slack, clock, transport) as huddle:
        yield huddle


@asynccontextmanager
async def running_with(
    database_url: str,
    slack: SlackWebAPIStandIn,
    clock: FakeClock,
    transport: Transport = "http",
    **overrides: str,
) -> AsyncIterator[Running]:
    """Huddle as :func:`running` serves it, with some variables of :func:`environment`
    changed (another team timezone or schedule)."""
    if transport == "socket_mode":
        overrides = {"SLACK_APP_TOKEN": APP_TOKEN, **overrides}
    settings = load_settings(environment(database_url, slack, **overrides))
    huddle = await prepare(settings, clock)
    pace_quickly(huddle.live)
    try:
        if transport == "socket_mode":
            async with connected(huddle, slack) as (socket_mode, users):
                yield Running(huddle, "", slack, users, clock, socket_mode, socket_mode.acks)
                await settle()
                ACK_LATENCIES.extend(ack.latency for ack in socket_mode.acks)
        else:
            async with served(huddle, slack) as (url, users):
                yield Running(huddle, url, slack, users, clock)
                await settle()
    finally:
        await huddle.close()
