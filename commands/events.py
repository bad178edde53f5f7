"""Events that keep the roster current. The roster follows the channel."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.live.updates import LiveUpdates
from bot.team.roster import person_from_slack, set_membership
from storage import queries


def register(app: AsyncApp, live: LiveUpdates) -> None:
    runtime = live.runtime
    channel = runtime.settings.channel

    @app.event("member_joined_channel")
    async def joined(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("channel") == channel:
            await set_membership(runtime, body["team_id"], event["user"], joined=True)

    @app.event("member_left_channel")
    async def left(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("channel") == channel:
            await set_membership(runtime, body["team_id"], event["user"], joined=False)

    @app.event("user_change")
    async def user_changed(event: dict[str, Any], body: dict[str, Any]) -> None:
        """Renames, timezone moves and deactivations, without losing membership."""
        team_id, user = body["team_id"], event["user"]
        async with runtime.sessions.begin() as session:
            known = await queries.get_person(session, team_id, user["id"])
            if known is None:
                return
            await queries.save_person(
                session,
                person_from_slack(team_id, user, in_channel=known.in_channel, now=runtime.now()),
            )
        runtime.forget_people(team_id, [user["id"]])
