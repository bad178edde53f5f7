"""Slack's redeliveries (same ``event_id``, ``X-Slack-Retry-Num``) are handled once:
by the same instance, after a restart, or by another instance on the same database."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.settings import load_settings
from bot.serving.server import prepare
from bot.standin import SlackWebAPIStandIn
from storage.models import ProcessedEvent
from tests.conftest import BOTH_TRANSPORTS, CHANNEL, Running, environment, served, settle
from tests.seats import seat

HOME_OPENED = {"type": "app_home_opened", "user": "UALICE", "channel": "DUALICE", "tab": "home"}


def publishes(running: Running, user_id: str) -> int:
    return len(
        [c for c in running.slack.calls_to("views.publish") if c.args.get("user_id") == user_id]
    )


async def remembered(running: Running) -> list[str]:
    async with running.huddle.runtime.sessions() as session:
        return list(await session.scalars(select(ProcessedEvent.event_id).order_by("event_id")))


@BOTH_TRANSPORTS
async def test_a_retried_app_home_opened_publishes_once(running: Running) -> None:
    first = await running.users.event(HOME_OPENED, event_id="Ev0001")
    retry = await running.users.event(HOME_OPENED, event_id="Ev0001", retry_num=1)
    assert first.status == retry.status == 200
    await settle()
    assert publishes(running, "UALICE") == 1

    await running.users.event(HOME_OPENED, event_id="Ev0002")  # a new opening is new
    await settle()
    assert publishes(running, "UALICE") == 2
    assert await remembered(running) == ["Ev0001", "Ev0002"]


async def in_channel(running: Running, user_id: str) -> bool:
    membership = await seat(running, user_id)
    return membership is not None and membership.in_channel


@BOTH_TRANSPORTS
async def test_a_late_retry_of_a_join_does_not_undo_a_leave(running: Running) -> None:
    join = {"type": "member_joined_channel", "user": "UOUTSIDER", "channel": CHANNEL}
    leave = {"type": "member_left_channel", "user": "UOUTSIDER", "channel": CHANNEL}
    await running.users.event(join, event_id="EvJoin")
    await settle()
    assert await in_channel(running, "UOUTSIDER")
    await running.users.event(leave, event_id="EvLeave")
    await settle()
    await running.users.event(join, event_id="EvJoin", retry_num=2, retry_reason="http_error")
    await settle()
    assert not await in_channel(running, "UOUTSIDER")


async def test_another_instance_skips_what_the_first_handled(
    running: Running, database_url: str, slack: SlackWebAPIStandIn
) -> None:
    await running.users.event(HOME_OPENED, event_id="EvShared")
    await settle()
    other = await prepare(load_settings(environment(database_url, slack)), running.clock)
    try:
        async with served(other, slack) as (_url, users):
            retry = await users.event(HOME_OPENED, event_id="EvShared", retry_num=1)
            assert retry.status == 200
            await settle()
    finally:
        await other.close()
    assert publishes(running, "UALICE") == 1


async def test_event_ids_are_forgotten_after_a_day(running: Running) -> None:
    await running.users.event(HOME_OPENED, event_id="EvOld")
    await settle()
    running.clock.advance(hours=25)
    await running.users.event(HOME_OPENED, event_id="EvNew")
    await settle()
    assert await remembered(running) == ["EvNew"]
    assert publishes(running, "UALICE") == 2
