"""The App Home tab: the rep's own week, the same view ``/progress`` gives."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import Runtime
from commands.progress import progress_message


def register(app: AsyncApp, runtime: Runtime) -> None:
    @app.event("app_home_opened")
    async def home_opened(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if event.get("tab") != "home":
            return
        message = await progress_message(runtime, client, body["team_id"], event["user"])
        await client.views_publish(
            user_id=event["user"], view={"type": "home", "blocks": message["blocks"]}
        )
