"""Each process keeps the people it has read (``bot.runtime.runtime``, ``PEOPLE_TTL``):
a change it handles itself shows at once; a change another instance handled (Slack
sends each event to one instance) shows within ``PEOPLE_TTL``. Two instances on one
database, each served over HTTP; what the reps see is what is asserted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.domain.settings import load_settings
from bot.runtime.runtime import PEOPLE_TTL
from bot.serving.server import prepare
from bot.standin import SignedSlackClient, SlackWebAPIStandIn, UserReply
from tests.conftest import CHANNEL, MANAGER, Running, environment, pace_quickly, served, settle


@dataclass
class Other:
    """The second instance, reached the way Slack reaches it."""

    users: SignedSlackClient


@pytest.fixture
async def other(
    running: Running, database_url: str, slack: SlackWebAPIStandIn
) -> AsyncIterator[Other]:
    huddle = await prepare(load_settings(environment(database_url, slack)), running.clock)
    pace_quickly(huddle.live)
    try:
        async with served(huddle, slack) as (_url, users):
            yield Other(users)
            await settle()
    finally:
        await huddle.close()


async def check_in(users: SignedSlackClient, user_id: str, text: str) -> UserReply:
    return await users.reply(await users.command(user_id, "/logmeeting", text))


async def announced(slack: SlackWebAPIStandIn, note: str) -> str:
    """The team's line for the check-in with this note, once it is posted."""
    await slack.wait_until(lambda: any(note in m.text for m in slack.messages_in(CHANNEL)))
    return next(m.text for m in slack.messages_in(CHANNEL) if note in m.text)


def renamed(slack: SlackWebAPIStandIn, user_id: str, name: str) -> dict[str, object]:
    user = slack.users[user_id]
    user.name = user.real_name = name
    return {"type": "user_change", "user": user.to_slack(slack.team_id, slack.now())}


async def test_a_rename_shows_at_once_here_and_within_the_bound_on_the_other_instance(
    running: Running, other: Other, slack: SlackWebAPIStandIn
) -> None:
    await check_in(other.users, "UALICE", "first")  # the other instance now knows Alice
    assert "*Alice*" in await announced(slack, "first")

    await running.users.event(renamed(slack, "UALICE", "Alicia"))  # handled by this one
    await settle()
    await check_in(running.users, "UALICE", "here")
    assert "*Alicia*" in await announced(slack, "here")

    running.clock.advance(seconds=PEOPLE_TTL.total_seconds())
    await check_in(other.users, "UALICE", "there")
    assert "*Alicia*" in await announced(slack, "there")


async def test_a_join_shows_within_the_bound_on_the_other_instance(
    running: Running, other: Other, slack: SlackWebAPIStandIn
) -> None:
    first = await check_in(other.users, "UOUTSIDER", "before joining")
    assert f"<#{CHANNEL}>" in first.all_text  # not on the roster: told where the team is

    joined = {"type": "member_joined_channel", "user": "UOUTSIDER", "channel": CHANNEL}
    await running.users.event(joined)
    await settle()
    here = await check_in(running.users, "UOUTSIDER", "joined, here")
    assert f"<#{CHANNEL}>" not in here.all_text

    running.clock.advance(seconds=PEOPLE_TTL.total_seconds())
    there = await check_in(other.users, "UOUTSIDER", "joined, there")
    assert f"<#{CHANNEL}>" not in there.all_text


async def test_a_promotion_shows_at_once_here_and_within_the_bound_on_the_other_instance(
    running: Running, other: Other
) -> None:
    async def goal(users: SignedSlackClient, calls: int) -> str:
        return (
            await users.reply(await users.command("UALICE", "/huddle", f"goal calls {calls}"))
        ).text

    assert "Only managers can change goals" in await goal(other.users, 25)

    promoted = await running.users.command(MANAGER, "/huddle", "manager add <@UALICE|alice>")
    assert "Alice is now a manager" in (await running.users.reply(promoted)).text
    assert "Team goal: 25 calls" in await goal(running.users, 25)

    running.clock.advance(seconds=PEOPLE_TTL.total_seconds())
    assert "Team goal: 30 calls" in await goal(other.users, 30)
