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
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.settings import load_settings
from bot.scheduled.jobs import Ticker
from bot.scheduled.planner import CLAIM_LEASE
from bot.serving.server import prepare
from bot.standin import SlackWebAPIStandIn
from storage.ledger import CLAIMED, SENT
from tests.clock import FakeClock
from tests.reliability.processes import (
    BOT_TOKEN,
    SIGNING_SECRET,
    Process,
    fan_out_environment,
    fan_out_team,
    free_port,
    ledger,
)

pytestmark = pytest.mark.slow

REPS = 500
KILL_AFTER = 150
"""Nudges posted before the kill: well into the fan-out, far from its end."""


async def test_kill_9_mid_fan_out_then_restart_sends_the_rest_once(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with SlackWebAPIStandIn(ts_clock=lambda: datetime.now(UTC).timestamp()) as slack:
        reps = fan_out_team(slack, REPS)
        environment = fan_out_environment(slack, database_url, datetime.now(UTC))

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
