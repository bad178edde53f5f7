"""PostgreSQL unreachable in the middle of the day.

Huddle talks to PostgreSQL through a TCP proxy the test cuts: refused (the server
stopped) or blackholed (a network partition: nothing fails, everything waits). Reps
checking in are told "not saved" before Slack's 3-second deadline, nothing is half
written, ``/healthz`` says 503, and once the database is back Huddle recovers on its
own: no restart, and the next check-in is saved.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.domain.settings import load_settings
from bot.scheduled.jobs import Ticker
from bot.serving.server import prepare, serving_http
from bot.standin import SignedSlackClient, SlackWebAPIStandIn
from storage.engine import POSTGRES_COMMAND_TIMEOUT_SECONDS, create_engine
from storage.models import Announcement, CheckIn
from tests.clock import FakeClock
from tests.conftest import CHANNEL, SIGNING_SECRET, environment, pace_quickly
from tests.reliability.proxy import TcpProxy

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]
NOT_SAVED = "couldn't save that check-in"
RECOVERY_SECONDS = POSTGRES_COMMAND_TIMEOUT_SECONDS + 2
"""How soon after a partition ends the next check-in must be saved. Typically about a
second (the ping replaces the connections caught in it); at worst a batch of work
caught mid-statement holds its queue until the statement timeout. Without connect,
command and ping timeouts it took a minute or more: connections caught in the
partition kept their place in the pool until TCP gave up on them."""


@dataclass
class Proxied:
    url: str
    users: SignedSlackClient
    slack: SlackWebAPIStandIn
    proxy: TcpProxy
    ticker: Ticker

    async def health(self) -> int:
        async with aiohttp.ClientSession() as http, http.get(f"{self.url}/healthz") as answer:
            return answer.status


@pytest.fixture
async def proxied(
    database_url: str, slack: SlackWebAPIStandIn, clock: FakeClock
) -> AsyncIterator[Proxied]:
    """Huddle with its database behind the proxy."""
    real = make_url(database_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    through = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    huddle = await prepare(load_settings(environment(through, slack)), clock)
    pace_quickly(huddle.live)
    try:
        async with (
            serving_http(huddle, "127.0.0.1", 0) as url,
            SignedSlackClient(
                f"{url}/slack/events", SIGNING_SECRET, team_id=slack.team_id, standin=slack
            ) as users,
        ):
            runtime = huddle.runtime
            ticker = Ticker(runtime, huddle.app.client, huddle.team_id, runtime.today())
            yield Proxied(url, users, slack, proxy, ticker)
    finally:
        proxy.restore()
        await huddle.close()
        await proxy.stop()


async def stored(database_url: str) -> list[tuple[int, str]]:
    """The check-ins as PostgreSQL has them, read past the proxy."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(CheckIn.count, CheckIn.note).order_by(CheckIn.id)
            )
            return [(count, note) for count, note in rows]
    finally:
        await engine.dispose()


async def announced(database_url: str) -> None:
    """Wait until the last check-in's announcement is recorded (a write after the reply)."""
    engine = create_engine(database_url)
    try:
        for _ in range(50):
            async with engine.connect() as connection:
                if await connection.scalar(select(Announcement.ts)):
                    return
            await asyncio.sleep(0.1)
    finally:
        await engine.dispose()
    raise AssertionError("the announcement was never recorded")


@pytest.mark.parametrize("delivered", [True, False], ids=["commit-applied", "commit-lost"])
async def test_partition_during_the_commit_is_never_called_not_saved(
    proxied: Proxied, database_url: str, delivered: bool
) -> None:
    """Once COMMIT is on its way the check-in may be stored, so the rep hears "couldn't
    confirm", never "not saved" — whether PostgreSQL applied it (first case) or not."""
    users = proxied.users
    await users.reply(await users.command("UALICE", "/logmeeting", "1 before"))
    await proxied.slack.wait_for("chat.postMessage")
    await announced(database_url)  # the announcement's own COMMIT is behind us
    proxied.proxy.blackhole_at(b"COMMIT", deliver=delivered)
    during = await users.command("UALICE", "/logmeeting", "2 during")
    assert during.within_deadline
    reply = await users.reply(during)
    assert "couldn't confirm" in reply.text and NOT_SAVED not in reply.text
    proxied.proxy.restore()
    expected = [(1, "before"), (2, "during")] if delivered else [(1, "before")]
    for _ in range(50):  # the server applies a delivered COMMIT by itself
        if await stored(database_url) == expected:
            break
        await asyncio.sleep(0.1)
    assert await stored(database_url) == expected


@pytest.mark.parametrize("cut", ["refuse", "blackhole"])
async def test_checkins_during_an_outage_say_not_saved_and_recovery_needs_no_restart(
    proxied: Proxied, database_url: str, cut: str
) -> None:
    users = proxied.users
    before = await users.reply(await users.command("UALICE", "/logmeeting", "1 before"))
    assert "Logged 1 meeting" in before.text
    assert await proxied.health() == 200
    await proxied.slack.wait_for("chat.postMessage")  # its line is out before the cut

    getattr(proxied.proxy, cut)()
    during = await users.command("UALICE", "/logmeeting", "2 during")
    assert during.within_deadline
    assert NOT_SAVED in (await users.reply(during)).text
    click = await users.block_action("UBOB", "nudge_log:meeting", "meeting")
    [answer] = await users.wait_replies(click, 1, timeout=5)
    assert NOT_SAVED in answer.text
    assert await proxied.health() == 503

    proxied.proxy.restore()
    for _ in range(100):  # recovers by itself, typically at once
        if await proxied.health() == 200:
            break
        await asyncio.sleep(0.2)
    after = await users.reply(await users.command("UALICE", "/logmeeting", "3 after"))
    assert "Logged 3 meetings" in after.text
    assert "4 of 6 meetings" in after.all_text

    assert await stored(database_url) == [(1, "before"), (3, "after")]
    await proxied.slack.wait_for("chat.postMessage", count=2)
    lines = [m.text for m in proxied.slack.messages_in(CHANNEL)]
    assert len(lines) == 2 and not any("during" in line for line in lines)


async def test_partition_that_leaves_dead_connections_behind_still_recovers(
    proxied: Proxied, database_url: str
) -> None:
    """Connections caught in the partition never hear back (their packets are lost):
    Huddle must not wait on them forever, even when they held the whole pool — here
    taken by ``/progress`` requests Slack gave up on and by a scheduler tick."""
    users = proxied.users
    assert "Logged" in (await users.reply(await users.command("UALICE", "/logmeeting", "1"))).text
    proxied.proxy.blackhole()
    stuck = [asyncio.create_task(users.command(f"UREP{i}", "/progress")) for i in range(16)]
    stuck.append(asyncio.create_task(proxied.ticker.tick()))
    during = await asyncio.gather(
        *(users.command(f"UREP{i}", "/logmeeting", "1") for i in range(4))
    )
    assert all(r.within_deadline for r in during)
    assert all([NOT_SAVED in (await users.reply(r)).text for r in during])
    proxied.proxy.heal()
    loop = asyncio.get_running_loop()
    healed = loop.time()
    for attempt in range(60):
        reply = await users.reply(await users.command("UBOB", "/logmeeting", f"{attempt + 1}"))
        if "Logged" in reply.text:
            break
        await asyncio.sleep(0.5)
    assert "Logged" in reply.text
    recovery = loop.time() - healed
    print(f"recovered {recovery:.1f} s after the partition ended, with the pool full")
    assert recovery < RECOVERY_SECONDS
    assert len(await stored(database_url)) == 2
    for task in stuck:
        task.cancel()
    await asyncio.gather(*stuck, return_exceptions=True)


@pytest.mark.parametrize("end", ["restore", "heal"])
async def test_after_a_partition_the_next_checkin_is_saved_within_seconds(
    proxied: Proxied, database_url: str, end: str
) -> None:
    """Mid-day partition: the pool's connections are idle or in the middle of a request
    when the network stops. When it comes back (``restore``: those connections are
    reset; ``heal``: they never hear back), a rep checking in a few seconds later is
    answered "Logged" and the check-in is stored."""
    users, loop = proxied.users, asyncio.get_running_loop()
    first = await users.reply(await users.command("UALICE", "/logmeeting", "1 before"))
    assert "Logged" in first.text
    await proxied.slack.wait_for("chat.postMessage")
    proxied.proxy.blackhole()
    caught = [asyncio.create_task(users.command(f"UREP{i}", "/progress")) for i in range(4)]
    caught.append(asyncio.create_task(proxied.ticker.tick()))
    during = await users.command("UBOB", "/logmeeting", "1 during")
    assert during.within_deadline and NOT_SAVED in (await users.reply(during)).text

    getattr(proxied.proxy, end)()
    ended, attempt = loop.time(), 0
    while loop.time() - ended < 90:  # long enough to measure a slow recovery, too
        attempt += 1
        answer = await users.command("UCARA", "/logmeeting", f"1 after, try {attempt}")
        if "Logged 1 meeting" in (await users.reply(answer)).text:
            break
        await asyncio.sleep(0.25)
    recovery = loop.time() - ended
    print(f"recovered {recovery:.1f} s after the partition ended ({end}), try {attempt}")
    assert recovery < RECOVERY_SECONDS
    assert await stored(database_url) == [(1, "before"), (1, f"after, try {attempt}")]
    for task in caught:
        task.cancel()
    await asyncio.gather(*caught, return_exceptions=True)


@pytest.mark.parametrize(
    ("cut", "command", "text"),
    [
        ("refuse", "/progress", ""),
        ("blackhole", "/progress", ""),
        ("refuse", "/huddle", "away 2026-12-01"),
    ],
)
async def test_progress_and_huddle_say_the_database_is_not_answering(
    proxied: Proxied, cut: str, command: str, text: str
) -> None:
    """The real thing behind ``tests/faults.py``: refused and reset connections are a
    database failure, not a 500; ``/progress`` (a read) also answers within Slack's
    3 seconds when the database does not answer at all."""
    users = proxied.users
    assert "Logged" in (await users.reply(await users.command("UALICE", "/logmeeting", "1"))).text
    await proxied.slack.wait_for("chat.postMessage")
    getattr(proxied.proxy, cut)()
    response = await users.command("UALICE", command, text)
    assert response.status == 200 and response.within_deadline
    reply = await users.reply(response)
    assert "database isn't answering" in reply.text
