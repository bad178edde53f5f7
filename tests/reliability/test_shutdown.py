"""``huddle run`` stopped the way operators stop it: SIGTERM (``systemctl stop``, a
container stop, a deploy) and SIGINT (Ctrl-C), in HTTP mode and in Socket Mode.

A real process against the stand-in: it answers what is in flight, finishes the posts
it started, gives back the nudges it had claimed but not sent (so a second instance on
the same database sends them at once, not after the 5-minute claim lease), closes its
socket with a close frame and its connections, and exits 0 — with nothing in the log
that an operator would have to worry about.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from aiohttp import WSCloseCode

from bot.standin import SlackWebAPIStandIn
from storage.ledger import CLAIMED, SENT
from tests.conftest import CHANNEL
from tests.reliability.processes import (
    QUIET_WEEK,
    SHUTDOWN_BOUND_SECONDS,
    Process,
    assert_clean_log,
    fan_out_environment,
    fan_out_team,
    free_port,
    huddle_run,
    ledger,
    real_clock_workspace,
)

pytestmark = pytest.mark.slow


@pytest.fixture
async def slack() -> AsyncIterator[SlackWebAPIStandIn]:
    async with real_clock_workspace() as standin:
        yield standin


@pytest.mark.parametrize("mode", ["http", "socket_mode"])
@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_stop_finishes_the_checkin_in_flight_and_exits_0(
    mode: str,
    number: signal.Signals,
    database_url: str,
    slack: SlackWebAPIStandIn,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The signal lands while the check-in's announcement is still on its way to Slack
    (slowed down to 1.5 s): the announcement is posted before the process goes."""
    async with huddle_run(mode, database_url, slack, tmp_path, **QUIET_WEEK) as (
        process,
        users,
        socket,
    ):
        slack.fail("chat.postMessage", times=1, mode="delay", seconds=1.5)
        reply = await users.reply(await users.command("UALICE", "/logmeeting", "2 Acme"))
        assert "Logged 2 meetings" in reply.text
        code, took = await process.stop_with(number)
        assert code == 0 and took < SHUTDOWN_BOUND_SECONDS
        [announcement] = slack.messages_in(CHANNEL)
        assert "*Alice* logged 2 meetings" in announcement.text
        assert "stopping: no new work" in process.stderr and "Huddle stopped in" in process.stderr
        assert_clean_log(process)
        if socket is not None:
            [connection] = socket.connections
            await socket.wait_until(lambda: not connection.is_open)
            assert connection.close_reason == "app_closed"
            assert connection.websocket.close_code == WSCloseCode.OK  # 1000, not 1006
        else:
            with pytest.raises(aiohttp.ClientConnectionError):
                await users.command("UBOB", "/logmeeting", "1")  # the port is closed
    with capsys.disabled():
        print(f"\n[shutdown] {mode} {number.name}: exit {code} in {took:.2f}s")


REPS = 500
STOP_AFTER = 150
"""Nudges posted before the SIGTERM: well into the fan-out, far from its end."""


async def test_sigterm_mid_fan_out_gives_the_rest_to_the_next_instance_at_once(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with SlackWebAPIStandIn(ts_clock=lambda: datetime.now(UTC).timestamp()) as slack:
        reps = fan_out_team(slack, REPS)
        env = fan_out_environment(slack, database_url, datetime.now(UTC))
        first = Process({**env, "PORT": str(free_port())}, tmp_path, "first")
        await first.start()
        await slack.wait_until(
            lambda: len(slack.calls_to("chat.postMessage")) >= STOP_AFTER, timeout=60
        )
        code, took = await first.stop_with(signal.SIGTERM)
        assert code == 0 and took < SHUTDOWN_BOUND_SECONDS
        at_stop = await ledger(database_url)
        assert CLAIMED not in at_stop.values()  # finished or given back, none stranded
        sent_first = sum(1 for state in at_stop.values() if state == SENT)
        assert STOP_AFTER <= sent_first < REPS
        assert sent_first == len(slack.calls_to("chat.postMessage"))
        assert_clean_log(first)

        second = Process({**env, "PORT": str(free_port())}, tmp_path, "second")
        started = time.monotonic()
        await second.start()
        try:
            for _ in range(600):  # no lease to wait out: everyone is nudged in seconds
                states = await ledger(database_url)
                if sum(1 for state in states.values() if state == SENT) == REPS:
                    break
                await asyncio.sleep(0.1)
            took_over = time.monotonic() - started
        finally:
            await second.stop()
        assert {user_id: len(slack.dms_to(user_id)) for user_id in reps} == dict.fromkeys(reps, 1)
        assert set((await ledger(database_url)).values()) == {SENT}
        assert took_over < 60  # far inside the 5-minute lease
    with capsys.disabled():
        print(
            f"\n[shutdown] {REPS} reps: SIGTERM after {STOP_AFTER}+ posts, exit {code} in "
            f"{took:.2f}s with {sent_first} sent and no claim left; the second instance sent "
            f"the other {REPS - sent_first} within {took_over:.1f}s of starting; none twice"
        )
