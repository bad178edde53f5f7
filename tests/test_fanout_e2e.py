"""Thursday's nudges at Slack's pace: the workspace's posting limit, two instances.

The stand-in holds the workspace's limit on ``chat.postMessage`` (a token bucket,
429 with ``Retry-After`` over it), shared by both instances as Slack's is. The tests
assert on what Slack saw: every rep nudged exactly once, the posts it accepted never
over the limit in any stretch of time, and both instances carried part of the work.
No test measures speed (``bench/fanout.py`` does).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.domain.settings import load_settings
from bot.scheduled.jobs import Ticker
from bot.serving.server import Huddle, prepare
from bot.standin import RateLimit, SlackWebAPIStandIn
from storage.ledger import NUDGE
from storage.models import SendLedger
from tests.clock import FakeClock
from tests.conftest import CHANNEL, MANAGER, TEAM_TZ, environment

REPS = 200
LIMIT = RateLimit(per_minute=6000, burst=10)
"""Slack's shape (a rate and a small burst), sped up so the test takes seconds."""
THURSDAY_3PM = datetime(2026, 11, 26, 15, 0, tzinfo=ZoneInfo(TEAM_TZ))
ZONES = ("Europe/London", TEAM_TZ)


def rep(n: int) -> str:
    return f"UREP{n:04d}"


@pytest.fixture
async def company_slack() -> AsyncIterator[SlackWebAPIStandIn]:
    async with SlackWebAPIStandIn() as slack:
        slack.add_user(MANAGER, "Morgan", tz=TEAM_TZ)
        for n in range(REPS):
            slack.add_user(rep(n), f"Rep {n}", tz=ZONES[n % len(ZONES)])
        slack.add_channel(CHANNEL, members=[MANAGER, *map(rep, range(REPS)), "UHUDDLEBOT"])
        yield slack


async def instances(
    database_url: str, slack: SlackWebAPIStandIn, clock: FakeClock, count: int
) -> list[Huddle]:
    env = environment(database_url, slack, HUDDLE_POSTS_PER_MINUTE=str(LIMIT.per_minute))
    return [await prepare(load_settings(env), clock) for _ in range(count)]


def accepted_nudges(slack: SlackWebAPIStandIn) -> list[str]:
    """The recipient of every nudge Slack accepted (one entry per post)."""
    return [
        str(call.args["channel"])
        for call in slack.calls_to("chat.postMessage")
        if str(call.args["channel"]).startswith("UREP")
    ]


async def test_two_instances_share_the_limit_and_nudge_every_rep_exactly_once(
    database_url: str, company_slack: SlackWebAPIStandIn
) -> None:
    slack = company_slack
    clock = FakeClock(THURSDAY_3PM)
    huddles = await instances(database_url, slack, clock, 2)
    slack.post_limit = RateLimit(LIMIT.per_minute, LIMIT.burst)
    try:
        tickers = [Ticker(h.runtime, h.app.client, h.team_id, h.runtime.today()) for h in huddles]
        reports = await asyncio.gather(*(t.tick() for t in tickers))
        async with huddles[0].runtime.sessions() as session:
            nudges = select(SendLedger.state).where(SendLedger.kind == NUDGE)
            states = Counter((await session.scalars(nudges)).all())
    finally:
        for huddle in huddles:
            await huddle.close()

    recipients = accepted_nudges(slack)
    assert Counter(recipients) == Counter({rep(n): 1 for n in range(REPS)})  # none twice, none lost
    assert states == Counter({"sent": REPS})
    accepted = sorted(call.at for call in slack.calls_to("chat.postMessage"))
    assert LIMIT.allows(accepted)
    sent_by = [sum(1 for key in r.sent if key.kind == NUDGE) for r in reports]
    assert sum(sent_by) == REPS and min(sent_by) > 0  # the work was shared
    refused = [c for c in slack.calls if c.outcome == "ratelimited"]
    assert len(refused) < REPS // 4  # each 429 paused its instance; none was hammered


async def test_nudges_go_out_earliest_timezone_first(
    database_url: str, company_slack: SlackWebAPIStandIn
) -> None:
    slack = company_slack
    clock = FakeClock(THURSDAY_3PM)
    (huddle,) = await instances(database_url, slack, clock, 1)
    slack.post_limit = RateLimit(LIMIT.per_minute, LIMIT.burst)
    try:
        await Ticker(
            huddle.runtime, huddle.app.client, huddle.team_id, huddle.runtime.today()
        ).tick()
    finally:
        await huddle.close()
    zones = [slack.users[user].tz for user in accepted_nudges(slack)]
    assert len(zones) == REPS
    # London's 15:00 came five hours before New York's: all of London first.
    assert zones == sorted(zones, key=lambda zone: ZONES.index(zone))
