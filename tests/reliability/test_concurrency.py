"""Many check-ins at once: every one answered, none lost, none counted twice.

SQLite allows one writer at a time and PostgreSQL runs transactions side by side;
either way the totals must be exact, the 30-second repeat guard must hold when the
same check-in arrives many times at once, and no "database is locked" (or any other
failure) may reach a rep.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.standin import AppResponse, SlackWebAPIStandIn
from tests.conftest import CHANNEL, TEAM_TZ, Running
from tests.reliability.helpers import live_total

pytestmark = pytest.mark.slow
TEAM = [f"UCC{i:03d}" for i in range(100)]


@pytest.fixture
async def slack(slack: SlackWebAPIStandIn) -> AsyncIterator[SlackWebAPIStandIn]:
    for user_id in TEAM:
        slack.add_user(user_id, f"Rep {user_id}", tz=TEAM_TZ)
        slack.add_member(CHANNEL, user_id)
    yield slack


async def all_logged(running: Running, responses: list[AppResponse]) -> None:
    """Every answer is a private "Logged", in time: no "database is locked", no "not saved"."""
    for response in responses:
        assert response.status == 200 and response.within_deadline
        text = (await running.users.reply(response)).text
        assert text.startswith("Logged"), text


async def test_200_at_once_from_one_rep(running: Running) -> None:
    responses = await asyncio.gather(
        *(running.users.command("UCC000", "/logcall", f"2 call {i}") for i in range(200))
    )
    await all_logged(running, responses)
    assert await live_total(running, "UCC000") == 400
    progress = await running.users.reply(await running.users.command("UCC000", "/progress"))
    assert "400 of 20 calls" in progress.all_text


async def test_the_same_checkin_50_times_at_once_counts_once(running: Running) -> None:
    responses = await asyncio.gather(
        *(running.users.command("UCC001", "/logmeeting", "1 Acme") for _ in range(50))
    )
    texts = [(await running.users.reply(r)).text for r in responses]
    assert sum(t.startswith("Logged") for t in texts) == 1
    assert sum("not counted twice" in t for t in texts) == 49
    assert await live_total(running, "UCC001") == 1


async def test_1000_at_once_from_100_reps(running: Running) -> None:
    counts = {user_id: [1 + (i + n) % 3 for i in range(10)] for n, user_id in enumerate(TEAM)}
    responses = await asyncio.gather(
        *(
            running.users.command(user_id, "/logmeeting", f"{count} deal {i}")
            for user_id, mine in counts.items()
            for i, count in enumerate(mine)
        )
    )
    await all_logged(running, responses)
    for user_id, mine in counts.items():
        assert await live_total(running, user_id) == sum(mine)
    assert await live_total(running) == sum(map(sum, counts.values()))
