"""The posting pacer on a clock the test moves: spacing, pauses Slack asks for, and
the rate it learns. Also the stand-in's limit it is measured against."""

from __future__ import annotations

import asyncio

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.post_pacer import DECREASE, PostPacer
from bot.standin import RateLimit, SlackWebAPIStandIn


class Time:
    """A clock that moves only when the pacer sleeps."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


async def slots(pacer: PostPacer, time: Time, count: int) -> list[float]:
    taken = []
    for _ in range(count):
        await pacer.slot()
        taken.append(time.now)
    return taken


async def test_posts_are_spaced_at_the_rate() -> None:
    time = Time()
    pacer = PostPacer(600, clock=time, sleep=time.sleep)  # 10 a second
    assert await slots(pacer, time, 4) == pytest.approx([100.0, 100.1, 100.2, 100.3])


async def test_a_429_pauses_every_post_until_retry_after_and_lowers_the_rate_once() -> None:
    time = Time()
    pacer = PostPacer(600, clock=time, sleep=time.sleep)
    await pacer.slot()
    pacer.throttled(2)
    pacer.throttled(2)  # a second refusal of the same pause lowers nothing more
    assert pacer.rate == pytest.approx(10 * DECREASE)
    waiting = [asyncio.create_task(pacer.slot()) for _ in range(3)]
    started = time.now
    await asyncio.gather(*waiting)
    assert time.now - started >= 2  # none went before Retry-After had passed


async def test_accepted_posts_raise_the_rate_again_up_to_twice_the_expected() -> None:
    pacer = PostPacer(60)
    for _ in range(1000):
        pacer.posted()
    assert pacer.rate == pytest.approx(2.0)


def test_rate_limit_check_sees_a_stretch_over_the_limit() -> None:
    limit = RateLimit(per_minute=60, burst=2)  # one a second, two at once
    assert limit.allows([0.0, 0.0, 1.0, 2.0, 3.0])
    assert not limit.allows([0.0, 0.0, 0.5, 3.0])  # three within half a second
    assert limit.take(10.0) is None and limit.take(10.0) is None
    assert limit.take(10.0) == 1  # the bucket is empty: wait a second


async def test_standin_answers_429_with_retry_after_over_the_workspace_limit() -> None:
    async with SlackWebAPIStandIn(post_limit=RateLimit(per_minute=60, burst=2)) as slack:
        slack.add_user("UREP", "Rep")
        client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
        for _ in range(2):
            await client.chat_postMessage(channel="UREP", text="hello")
        with pytest.raises(SlackApiError) as refused:
            await client.chat_postMessage(channel="UREP", text="hello")
    assert refused.value.response.status_code == 429
    assert refused.value.response.headers["Retry-After"] == "1"
    assert len(slack.dms_to("UREP")) == 2
    assert [c.outcome for c in slack.calls] == ["ok", "ok", "ratelimited"]
