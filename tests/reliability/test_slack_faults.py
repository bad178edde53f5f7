"""Slack misbehaving during every scheduled job: each due message still arrives once.

For the summary the team is big enough (163 reps) to need thread replies, so the
board, the nudge fan-out, the summary with its continuation parts and the managers'
digest all meet each fault: 429 bursts with ``Retry-After``, 5xx answers (before and
*after* Slack did the work), connections dropped before and after the call was
applied, and answers slower than the client's timeout. The tick then runs once a
minute, as the scheduler does, until the ledger says everything went out; every
message in Slack carries its ledger key, so "exactly once" is counted, not assumed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.scheduled.planner import chart_filename
from bot.scheduled.sender import METADATA_EVENT
from bot.standin import Fault, SlackWebAPIStandIn
from storage.ledger import SENT, LedgerKey
from storage.models import SendLedger
from tests.conftest import CHANNEL, TEAM_TZ, Running

NY = ZoneInfo(TEAM_TZ)
EXTRA_REPS = 160
CLIENT_TIMEOUT = 0.5


JOBS = {
    "board": datetime(2026, 11, 26, 10, 0, tzinfo=NY),
    "nudge": datetime(2026, 11, 26, 15, 0, tzinfo=NY),
    "summary-and-digest": datetime(2026, 11, 27, 9, 0, tzinfo=NY),
}
FAULTS: dict[str, Callable[[SlackWebAPIStandIn], list[Fault]]] = {
    "429-burst": lambda s: [s.fail("chat.postMessage", times=2, status=429, retry_after=1)],
    "5xx": lambda s: [s.fail("chat.postMessage", times=2, status=503)],
    "5xx-after-posting": lambda s: [s.fail("chat.postMessage", mode="status_after", status=500)],
    "dropped": lambda s: [s.fail("chat.postMessage", times=2, mode="drop")],
    "dropped-after-posting": lambda s: [s.fail("chat.postMessage", mode="drop_after")],
    "timeout": lambda s: [s.fail("chat.postMessage", mode="delay", seconds=CLIENT_TIMEOUT + 1)],
}


@pytest.fixture(params=sorted(JOBS))
def job(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def slack(slack: SlackWebAPIStandIn, job: str) -> AsyncIterator[SlackWebAPIStandIn]:
    """For the summary, a team large enough that it continues in the thread."""
    for i in range(EXTRA_REPS if job == "summary-and-digest" else 0):
        user_id = f"UREP{i:04d}"
        slack.add_user(user_id, f"Rep {i:03d} with a fairly long display name", tz=TEAM_TZ)
        slack.add_member(CHANNEL, user_id)
    yield slack


def posted_keys(slack: SlackWebAPIStandIn, states: dict[str, str]) -> Counter[str]:
    """How many messages in Slack carry each scheduled message's ledger key (a chart:
    its file name)."""
    messages = [m for conversation in slack.messages.values() for m in conversation]
    charts = {chart_filename(LedgerKey(*key.split(":"))): key for key in states if "chart" in key}
    return Counter(
        message.metadata["event_payload"]["key"]
        for message in messages
        if message.metadata and message.metadata.get("event_type") == METADATA_EVENT
    ) + Counter(charts.get(f["name"], f["name"]) for m in messages for f in m.files or [])


async def ledger(running: Running) -> dict[str, str]:
    async with running.huddle.runtime.sessions() as session:
        rows = await session.scalars(select(SendLedger))
        return {f"{r.kind}:{r.recipient}:{r.period}": r.state for r in rows}


@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_every_due_message_arrives_exactly_once(
    running: Running, job: str, fault: str
) -> None:
    slack = running.slack
    running.huddle.app.client.timeout = CLIENT_TIMEOUT  # so a slow answer is a timeout
    running.clock.set(JOBS[job])
    faults = FAULTS[fault](slack)
    injected = sum(f.remaining for f in faults)
    ticker = running.ticker()
    for _ in range(6):  # the scheduler ticks once a minute
        await ticker.tick()
        await slack.wait_until(  # a late answer lands after the client gave up on it
            lambda: (
                len([c for c in slack.calls if c.fault in faults])
                >= injected - sum(f.remaining for f in faults)
            ),
            timeout=10,
        )
        states = await ledger(running)
        if states and set(states.values()) == {SENT}:
            break
        running.clock.advance(minutes=1)

    states = await ledger(running)
    assert set(states.values()) == {SENT}, Counter(states.values())
    posted = posted_keys(slack, states)
    assert set(posted) == set(states)
    assert [key for key, n in posted.items() if n > 1] == []  # nothing twice
    assert sum(f.remaining for f in faults) == 0  # every fault was met
    assert slack.rejections == []
    if job == "summary-and-digest":
        parts = [m for m in slack.messages_in(CHANNEL) if m.is_reply]
        assert parts, "the summary needed thread replies"
        [parent] = slack.top_level_messages(CHANNEL)
        assert {m.thread_ts for m in parts} == {parent.ts}
        assert parts[-1].files  # the chart, after the summary's parts
