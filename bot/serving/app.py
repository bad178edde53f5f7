"""The Bolt app: one factory for HTTP mode and Socket Mode."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.live.updates import LiveUpdates
from bot.runtime.slack_client import web_client
from bot.serving import gate, installs
from bot.serving.event_dedupe import once_per_event
from commands import admin, checkin, events, home, progress

log = logging.getLogger(__name__)


def create_app(live: LiveUpdates) -> AsyncApp:
    """In OAuth mode (``settings.oauth``), Bolt's OAuth flow and each workspace's token
    from the installation store; otherwise the configured bot token, as always. Huddle
    passes Bolt its mode explicitly, so ``SLACK_CLIENT_ID`` in the environment cannot
    switch it."""
    runtime = live.runtime
    client = web_client(runtime)
    oauth = runtime.settings.oauth
    app = AsyncApp(
        client=client,
        signing_secret=runtime.settings.signing_secret or "",
        logger=logging.getLogger("bolt"),
        oauth_settings=installs.oauth_settings(runtime, oauth, client) if oauth else None,
    )
    if oauth is not None:
        installs.register(app, runtime)
    gate.register(app)
    app.use(once_per_event(runtime))
    for module in (checkin, progress, events, home, admin):
        module.register(app, live)

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error(
            "unhandled %s in a %s request",
            type(error).__name__,
            body.get("type") or body.get("command"),
            exc_info=error,
        )

    return app
