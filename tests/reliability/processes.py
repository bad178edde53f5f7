"""``huddle run`` as a real process against the stand-in, and what it leaves behind.

Shared by the tests that start, kill and stop the real command (``test_crash``,
``test_shutdown``, ``test_run_socket_mode``): the child process with its log, a
schedule whose nudge is due now on the real clock, a big team to fan out to, and the
send ledger read straight from the database.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.domain.settings import DAY_NAMES
from bot.standin import (
    SignedSlackClient,
    SlackUsers,
    SlackWebAPIStandIn,
    SocketModeStandIn,
    SocketModeUsers,
)
from storage.engine import create_engine
from storage.ledger import NUDGE
from storage.models import SendLedger
from tests import conftest
from tests.conftest import APP_TOKEN, environment

BOT_TOKEN = "xoxb-CRASH-TEST-BOT-TOKEN-7c4e1f"
SIGNING_SECRET = "CRASH-TEST-SIGNING-SECRET-51d9a0"
FAN_OUT_CHANNEL = "CCRASH001"
POST_DELAY_SECONDS = 0.05
"""Each ``chat.postMessage`` of a fan-out is slowed this much, so a kill lands mid-way."""


def schedule(now: datetime) -> tuple[str, str]:
    """``HUDDLE_NUDGE_AT`` a minute ago and ``HUDDLE_SUMMARY_AT`` later the same week,
    in UTC; skips in the few minutes of the week where no such pair exists."""
    nudge = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)
    if nudge.date() != now.date() or (nudge.weekday() == 6 and now.hour == 23 and now.minute > 50):
        pytest.skip(f"{now:%a %H:%M} UTC: no nudge time just past with a summary after it")
    day = DAY_NAMES[nudge.weekday()]
    summary = f"{DAY_NAMES[nudge.weekday() + 1]} 12:00" if nudge.weekday() < 6 else "sun 23:59"
    return f"{day} {nudge:%H:%M}", summary


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fan_out_team(slack: SlackWebAPIStandIn, reps: int) -> list[str]:
    """``reps`` reps in one channel, every nudge post slowed down; their user IDs."""
    users = [f"UCR{i:05d}" for i in range(reps)]
    for user_id in users:
        slack.add_user(user_id, f"Rep {user_id}", tz="UTC")
    slack.add_channel(FAN_OUT_CHANNEL, members=users)
    slack.fail("chat.postMessage", times=reps, mode="delay", seconds=POST_DELAY_SECONDS)
    return users


UNLIMITED_POSTS = "60000"
"""The stand-in has no posting limit unless a test gives it one: Huddle's pacer need
not hold the fan-out to Slack's few hundred a minute (tests/test_fanout_e2e.py does)."""


def fan_out_environment(
    slack: SlackWebAPIStandIn, database_url: str, now: datetime
) -> dict[str, str]:
    """``huddle run``'s environment for that team, its nudge due at ``now``."""
    nudge_at, summary_at = schedule(now)
    return {
        "PATH": "/usr/bin:/bin",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": database_url,
        "HUDDLE_CHANNEL": FAN_OUT_CHANNEL,
        "HUDDLE_TIMEZONE": "UTC",
        "HUDDLE_MANAGERS": "",
        "HUDDLE_GOALS": "meeting=6",
        "HUDDLE_HUDDLE_AT": "off",
        "HUDDLE_NUDGE_AT": nudge_at,
        "HUDDLE_SUMMARY_AT": summary_at,
        "HUDDLE_POSTS_PER_MINUTE": UNLIMITED_POSTS,
    }


async def ledger(database_url: str) -> dict[str, str]:
    """Nudge ledger state per rep, read directly from the database."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(SendLedger.recipient, SendLedger.state).where(SendLedger.kind == NUDGE)
            )
            return {recipient: state for recipient, state in rows}
    finally:
        await engine.dispose()


class Process:
    """``huddle run`` in a child process, its stderr kept for inspection."""

    def __init__(self, environment: dict[str, str], directory: Path, name: str) -> None:
        self.environment = environment
        self.directory = directory
        self.log = directory / f"{name}.stderr"
        self.child: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("wb") as stderr:
            self.child = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.serving.cli",
                "run",
                cwd=self.directory,  # no .env there: the environment is all it reads
                env=self.environment,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=stderr,
            )

    @property
    def stderr(self) -> str:
        return self.log.read_text()

    async def wait_for_log(self, words: str, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Until ``words`` appear in the log (start-up done, say); fails if it exits first."""
        assert self.child is not None
        deadline = time.monotonic() + timeout
        while words not in self.stderr:
            if self.child.returncode is not None or time.monotonic() > deadline:
                raise AssertionError(f"never logged {words!r}:\n{self.stderr[-3000:]}")
            await asyncio.sleep(0.05)

    async def kill(self) -> None:
        assert self.child is not None
        self.child.kill()  # SIGKILL: no cleanup, no goodbye
        await self.child.wait()

    async def stop_with(self, number: signal.Signals, timeout: float = 30.0) -> tuple[int, float]:  # noqa: ASYNC109
        """Send the signal an operator's tool would; the exit code and seconds it took."""
        assert self.child is not None
        started = time.monotonic()
        self.child.send_signal(number)
        code = await asyncio.wait_for(self.child.wait(), timeout)
        return code, time.monotonic() - started

    async def exit_code(self, timeout: float = 30.0) -> int:  # noqa: ASYNC109
        assert self.child is not None
        return await asyncio.wait_for(self.child.wait(), timeout)

    async def stop(self) -> None:
        if self.child is not None and self.child.returncode is None:
            self.child.terminate()
            await self.child.wait()


SHUTDOWN_BOUND_SECONDS = 10.0
"""What the SPEC calls bounded: ``bot.serving.server.SHUTDOWN_SECONDS``, plus start-up
slack for a loaded machine."""
WORRYING = ("Traceback", "Unclosed", "Event loop is closed", "Task was destroyed", "ERROR")


def assert_clean_log(process: Process) -> None:
    log = process.stderr
    for words in WORRYING:
        assert words not in log, f"{words!r} in the log:\n{log[-3000:]}"
    for secret in (BOT_TOKEN, conftest.BOT_TOKEN, APP_TOKEN, conftest.SIGNING_SECRET):
        assert secret not in log


QUIET_WEEK = {
    "HUDDLE_HUDDLE_AT": "off",
    "HUDDLE_NUDGE_AT": "mon 00:00",
    "HUDDLE_SUMMARY_AT": "mon 00:01",
}
"""Nothing scheduled is due (bar one minute a week), so the only post is the check-in's."""


@asynccontextmanager
async def real_clock_workspace(tz: str = conftest.TEAM_TZ) -> AsyncIterator[SlackWebAPIStandIn]:
    """The usual test workspace (``tests.conftest``), on the real clock the process reads,
    everyone in ``tz``."""
    async with SlackWebAPIStandIn(ts_clock=time.time) as standin:
        for user_id, name in {conftest.MANAGER: "Morgan", **conftest.REPS}.items():
            standin.add_user(user_id, name, tz=tz)
        standin.add_channel(
            conftest.CHANNEL, members=[conftest.MANAGER, *conftest.REPS, "UHUDDLEBOT"]
        )
        yield standin


@asynccontextmanager
async def huddle_run(
    mode: str, database_url: str, slack: SlackWebAPIStandIn, directory: Path, **overrides: str
) -> AsyncIterator[tuple[Process, SlackUsers, SocketModeStandIn | None]]:
    """``huddle run`` in ``mode`` ("http" or "socket_mode") for the usual test team
    (``tests.conftest.environment`` with ``overrides``), started and reachable, with
    users who reach it the way Slack would."""
    port = free_port()
    env = {**environment(database_url, slack, **overrides), "PATH": "/usr/bin:/bin"}
    env["PORT"] = str(port)
    if mode == "socket_mode":
        async with SocketModeStandIn(slack, app_token=APP_TOKEN) as socket:
            process = Process({**env, "SLACK_APP_TOKEN": APP_TOKEN}, directory, mode)
            await process.start()
            try:
                await socket.wait_for_connections(1, timeout=30)
                yield process, SocketModeUsers(socket, team_id=slack.team_id), socket
            finally:
                await process.stop()
        return
    process = Process(env, directory, mode)
    await process.start()
    try:
        await process.wait_for_log("Huddle is listening")
        url = f"http://127.0.0.1:{port}/slack/events"
        async with SignedSlackClient(
            url, conftest.SIGNING_SECRET, team_id=slack.team_id, standin=slack
        ) as users:
            yield process, users, None
    finally:
        await process.stop()
