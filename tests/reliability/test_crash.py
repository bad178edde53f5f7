"""``kill -9`` in the middle of the Thursday nudge fan-out, then a restart.

A real ``huddle run`` (HTTP mode, its own process, the real clock) nudges 500 reps
through the Slack stand-in, whose ``chat.postMessage`` is slowed down so that the
kill lands mid-fan-out. The restarted process sends the rest and nothing twice. The
nudges that were in flight at the kill are in the unknown-outcome state: claimed, not
known to be sent. The restarted process leaves them alone while their claim is fresh
(another instance might still be sending them); the first tick after the claim lease
looks for each in Slack and sends only those that are not there. That tick is run
in-process with the clock moved past the lease, rather than waiting five minutes.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.domain.settings import DAY_NAMES, load_settings
from bot.scheduled.jobs import Ticker
from bot.scheduled.planner import CLAIM_LEASE
from bot.serving.server import prepare
from bot.standin import SlackWebAPIStandIn
from storage.engine import create_engine
from storage.ledger import CLAIMED, NUDGE, SENT
from storage.models import SendLedger
from tests.clock import FakeClock

pytestmark = pytest.mark.slow

REPS = 500
CHANNEL = "CCRASH001"
BOT_TOKEN = "xoxb-CRASH-TEST-BOT-TOKEN-7c4e1f"
SIGNING_SECRET = "CRASH-TEST-SIGNING-SECRET-51d9a0"
KILL_AFTER = 150
"""Nudges posted before the kill: well into the fan-out, far from its end."""


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

    async def kill(self) -> None:
        assert self.child is not None
        self.child.kill()  # SIGKILL: no cleanup, no goodbye
        await self.child.wait()

    async def stop(self) -> None:
        if self.child is not None and self.child.returncode is None:
            self.child.terminate()
            await self.child.wait()


async def test_kill_9_mid_fan_out_then_restart_sends_the_rest_once(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nudge_at, summary_at = schedule(datetime.now(UTC))
    async with SlackWebAPIStandIn(ts_clock=lambda: datetime.now(UTC).timestamp()) as slack:
        reps = [f"UCR{i:05d}" for i in range(REPS)]
        for user_id in reps:
            slack.add_user(user_id, f"Rep {user_id}", tz="UTC")
        slack.add_channel(CHANNEL, members=reps)
        slack.fail("chat.postMessage", times=REPS, mode="delay", seconds=0.05)
        environment = {
            "PATH": "/usr/bin:/bin",
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": database_url,
            "HUDDLE_CHANNEL": CHANNEL,
            "HUDDLE_TIMEZONE": "UTC",
            "HUDDLE_MANAGERS": "",
            "HUDDLE_GOALS": "meeting=6",
            "HUDDLE_HUDDLE_AT": "off",
            "HUDDLE_NUDGE_AT": nudge_at,
            "HUDDLE_SUMMARY_AT": summary_at,
        }

        first = Process({**environment, "PORT": str(free_port())}, tmp_path, "first")
        await first.start()
        await slack.wait_until(
            lambda: len(slack.calls_to("chat.postMessage")) >= KILL_AFTER, timeout=60
        )
        await first.kill()
        at_kill = await ledger(database_url)
        in_flight = sorted(user for user, state in at_kill.items() if state == CLAIMED)
        assert 0 < len(slack.calls_to("chat.postMessage")) < REPS

        second = Process({**environment, "PORT": str(free_port())}, tmp_path, "second")
        await second.start()
        try:
            for _ in range(600):  # everyone not caught mid-send gets their nudge
                states = await ledger(database_url)
                if sum(1 for state in states.values() if state == SENT) == REPS - len(in_flight):
                    break
                await asyncio.sleep(0.1)
        finally:
            await second.stop()
        states = await ledger(database_url)
        assert sorted(u for u, s in states.items() if s != SENT) == in_flight  # left alone

        slack.clear_faults()
        after_lease = FakeClock(datetime.now(UTC) + CLAIM_LEASE + timedelta(minutes=1))
        huddle = await prepare(load_settings(environment), after_lease)
        try:
            runtime = huddle.runtime
            ticker = Ticker(runtime, huddle.app.client, huddle.team_id, runtime.today())
            report = await ticker.tick()
        finally:
            await runtime.close()

        delivered = {user_id: len(slack.dms_to(user_id)) for user_id in reps}
        assert delivered == dict.fromkeys(reps, 1)
        assert set((await ledger(database_url)).values()) == {SENT}
        found = len(report.found_already_posted)
        assert found + len(report.sent) == len(in_flight)
        for process in (first, second):
            stderr = process.log.read_text()
            assert "Huddle is listening" in stderr  # the log is there to be read
            assert BOT_TOKEN not in stderr and SIGNING_SECRET not in stderr
            assert "Traceback" not in stderr
        with capsys.disabled():
            print(
                f"\n[crash] {REPS} reps: killed after {KILL_AFTER}+ posts; "
                f"{len(in_flight)} nudges in the unknown-outcome state at the kill "
                f"({found} found already in Slack, {len(report.sent)} sent after the lease); "
                "none sent twice"
            )
