"""Events that keep the rosters current. Each team's roster follows its channel."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.live.updates import LiveUpdates
from bot.team.roster import person_from_slack, set_membership
from storage import queries


def register(app: AsyncApp, live: LiveUpdates) -> None:
    runtime = live.runtime

    async def membership(event: dict[str, Any], body: dict[str, Any], *, joined: bool) -> None:
        team = (await runtime.teams(body["team_id"])).by_channel(event.get("channel"))
        if team is not None:
            await set_membership(runtime, body["team_id"], team.ref, event["user"], joined)

    @app.event("member_joined_channel")
    async def joined(event: dict[str, Any], body: dict[str, Any]) -> None:
        await membership(event, body, joined=True)

    @app.event("member_left_channel")
    async def left(event: dict[str, Any], body: dict[str, Any]) -> None:
        await membership(event, body, joined=False)

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
                person_from_slack(team_id, user, now=runtime.now()),
            )
        runtime.forget_people(team_id, [user["id"]])
