"""The roster follows the channel: joins, leaves, bots, deactivated users, big channels."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.team.roster import sync_roster
from tests.conftest import BOTH_TRANSPORTS, CHANNEL, TEAM_TZ, Running
from tests.seats import seat

THURSDAY_3PM = datetime(2026, 11, 26, 15, 0, tzinfo=ZoneInfo(TEAM_TZ))


async def membership_settles(running: Running, user_id: str, in_channel: bool) -> None:
    """Events are acknowledged first and handled after, as Slack requires."""
    for _ in range(100):
        membership = await seat(running, user_id)
        if membership is not None and membership.in_channel == in_channel:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{user_id} never became in_channel={in_channel}")


async def nudge_recipients(running: Running) -> set[str]:
    running.clock.set(THURSDAY_3PM)
    report = await running.ticker().tick()
    return {key.recipient for key in report.sent if key.kind == "nudge"}


@BOTH_TRANSPORTS
async def test_joining_the_channel_joins_the_team(running: Running) -> None:
    response = await running.users.member_joined_channel("UOUTSIDER", CHANNEL)
    assert response.status == 200
    await membership_settles(running, "UOUTSIDER", True)
    reply = await running.users.reply(await running.users.command("UOUTSIDER", "/logcall", ""))
    assert "Join the channel" not in reply.all_text
    assert "UOUTSIDER" in await nudge_recipients(running)


@BOTH_TRANSPORTS
async def test_leaving_the_channel_leaves_the_team(running: Running) -> None:
    await running.users.member_left_channel("UBOB", CHANNEL)
    await membership_settles(running, "UBOB", False)
    assert await nudge_recipients(running) == {"UALICE", "UCARA"}


async def test_events_for_other_channels_change_nothing(running: Running) -> None:
    await running.users.member_left_channel("UBOB", "COTHER")
    assert "UBOB" in await nudge_recipients(running)


async def test_bots_deactivated_users_and_managers_are_never_reps(running: Running) -> None:
    slack = running.slack
    slack.add_user("UROBOT", "Robo", is_bot=True)
    slack.add_user("UGONE", "Gone", deleted=True)
    for user in ("UROBOT", "UGONE"):
        slack.add_member(CHANNEL, user)
    huddle = running.huddle
    slack.page_size_cap = 2  # every list comes in pages of two: the cursor must be followed
    reps = await sync_roster(huddle.runtime, huddle.app.client, huddle.team_id)
    assert reps == 3
    assert await nudge_recipients(running) == {"UALICE", "UBOB", "UCARA"}
    assert len(slack.calls_to("conversations.members")) >= 4
