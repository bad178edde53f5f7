"""A team's roster from its channel: who is in it now, with their profiles.

Run when a channel becomes a team (``/huddle setup``), so its board and nudges know
everyone from the first minute; the join and leave events keep it current after that.
"""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import Runtime
from bot.team.roster import pages, person_from_slack
from storage import memberships, queries


async def sync_team_channel(
    runtime: Runtime, client: AsyncWebClient, workspace: str, team_ref: int, channel: str
) -> set[str]:
    """Record the channel's members (and their profiles) as the team's; returns them.
    One paged pass over the channel and one over the workspace's users, whatever the
    channel's size."""
    members = {
        str(m) async for m in pages(client.conversations_members, "members", channel=channel)
    }
    now = runtime.now()
    profiles = [
        person_from_slack(workspace, user, now=now)
        async for user in pages(client.users_list, "members")
        if user["id"] in members
    ]
    async with runtime.sessions.begin() as session:
        await queries.save_people(session, profiles)
        await memberships.sync_channel(session, workspace, team_ref, members, now)
    runtime.forget_people(workspace, members)
    return members
