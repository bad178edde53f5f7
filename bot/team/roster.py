"""Who is on each team: the human, active members of its huddle channel.

The roster follows the channel. It is loaded at start-up (and refreshed by the
scheduler), then kept current from ``member_joined_channel`` / ``member_left_channel``;
a person joining is judged from that day (``Membership.joined_at``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.out_of_office import is_out_of_office
from bot.runtime import Runtime
from storage import memberships, queries
from storage.models import Person

log = logging.getLogger(__name__)
PAGE = 200
NEWCOMER_LOOKUP_SECONDS = 1.0
"""A newcomer's profile is fetched before the reply; Slack wants that within 3 s."""


def person_from_slack(team_id: str, user: dict[str, Any], *, now: datetime) -> Person:
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or user["id"]
    )
    return Person(
        team_id=team_id,
        user_id=user["id"],
        display_name=name,
        timezone=user.get("tz"),
        is_bot=bool(user.get("is_bot")) or user["id"] == "USLACKBOT",
        is_deleted=bool(user.get("deleted")),
        updated_at=now,
    )


async def known_person(
    runtime: Runtime, client: AsyncWebClient, team_id: str, user_id: str, fallback_name: str
) -> Person:
    """The stored person, or what Slack says about a newcomer (stored for next time).

    A newcomer is not on the roster: the start-up sync and the join events already
    recorded everyone in the channel. If Slack cannot be asked, the check-in still
    goes ahead under the name from the request and the team's timezone.
    """
    person = await runtime.person(team_id, user_id)
    if person is not None:
        return person
    now = runtime.now()
    try:
        async with asyncio.timeout(NEWCOMER_LOOKUP_SECONDS):
            user = (await client.users_info(user=user_id))["user"]
        person = person_from_slack(team_id, user, now=now)
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
        log.warning("users.info for %s failed: %r", user_id, error)
        person = Person(
            team_id=team_id,
            user_id=user_id,
            display_name=fallback_name or user_id,
            timezone=None,
            is_bot=False,
            is_deleted=False,
            updated_at=now,
        )
    async with runtime.sessions.begin() as session:
        await queries.save_person(session, person)
    runtime.forget_people(team_id, [user_id])
    return person


async def _pages(call: Any, key: str, **kwargs: Any) -> AsyncIterator[dict[str, Any]]:
    cursor = None
    while True:
        response = await call(limit=PAGE, cursor=cursor, **kwargs)
        for item in response[key]:
            yield item
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return


async def sync_roster(runtime: Runtime, client: AsyncWebClient, team_id: str) -> int:
    """Reload every team channel's members and everyone's profile; returns how many
    reps the channels hold by the channel rule (humans who manage no team; a person
    on two teams counts twice; ``/huddle rep add|remove`` choices aside)."""
    teams = list(await runtime.teams(team_id))
    members: dict[int, set[str]] = {}
    for team in teams:
        try:
            members[team.ref] = await channel_members(client, team.channel)
        except SlackApiError as error:  # e.g. Huddle was removed from a private channel
            log.warning(
                "members of %s not read (%s); that team's roster stays as it was",
                team.channel,
                error.response.get("error"),
            )
    now = runtime.now()
    people = [
        person_from_slack(team_id, u, now=now) async for u in _pages(client.users_list, "members")
    ]
    async with runtime.sessions.begin() as session:
        await queries.save_people(session, people)
        for ref, ids in members.items():
            await memberships.sync_channel(session, team_id, ref, ids, now)
    runtime.forget_people(team_id)
    humans = {p.user_id for p in people if not (p.is_bot or p.is_deleted)}
    managers = {m for team in teams for m in team.managers}
    return sum(len((ids & humans) - managers) for ids in members.values())


async def out_of_office(runtime: Runtime, client: AsyncWebClient) -> frozenset[str]:
    """Everyone whose Slack status says out of office now, from ``users.list`` (each
    page of 200 carries every profile's status: one Tier 2 call per 200 people, made
    only when nudges are due, once for the whole fan-out). If Slack cannot be asked,
    nobody is taken for out of office: a nudge too many beats a nudge missed."""
    now = runtime.now()
    emojis = runtime.settings.ooo_emojis
    try:
        return frozenset(
            [
                str(user["id"])
                async for user in _pages(client.users_list, "members")
                if is_out_of_office(user.get("profile") or {}, emojis, now)
            ]
        )
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
        log.warning("users.list for out-of-office statuses failed: %r", error)
        return frozenset()


async def channel_members(client: AsyncWebClient, channel: str) -> set[str]:
    pages = _pages(client.conversations_members, "members", channel=channel)
    return {str(member) async for member in pages}


async def set_membership(
    runtime: Runtime, team_id: str, team_ref: int, user_id: str, joined: bool
) -> None:
    async with runtime.sessions.begin() as session:
        await memberships.set_in_channel(session, team_id, team_ref, user_id, joined, runtime.now())
    runtime.forget_people(team_id, [user_id])
