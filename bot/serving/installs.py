"""Many workspaces: "Add to Slack" with Bolt's OAuth flow, the setup of a workspace's
first team after the install, and uninstalls.

What Bolt and slack_sdk do: the install page and its state cookie, the state's
single use and expiry (``AsyncSQLAlchemyOAuthStateStore``), ``oauth.v2.access``,
storing the installation (``AsyncSQLAlchemyInstallationStore``, tables made by
Huddle's migrations), finding each request's token (Bolt's authorize: every listener's
``client`` carries the token of the workspace the request came from), and deleting the
tokens when Slack says they are revoked (``enable_token_revocation_listeners``).

What Huddle adds here: its record of the workspace (installed, by whom, uninstalled:
``storage.workspaces``), the setup DM and modal after an install, which create the
team exactly as ``/huddle setup`` does (``bot.team.setup.create_team``), and clear
pages when an install link is forged, replayed or expired. A workspace with no team
yet is answered as any workspace without one is (``/huddle setup`` in a channel).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.activities import BUILT_IN
from bot.domain.settings import OAuthCredentials
from bot.domain.team_settings import parse_setting, whole_number_parser
from bot.domain.windows import next_runs
from bot.messages import onboarding as messages
from bot.messages.team_admin import team_created
from bot.runtime import Runtime
from bot.team.setup import Outcome, create_team
from storage import workspaces

log = logging.getLogger(__name__)

BOT_SCOPES = (
    "commands",
    "chat:write",
    "users:read",
    "channels:read",
    "groups:read",
    "channels:history",
    "groups:history",
    "im:write",
    "im:history",
    "files:write",
)
"""The bot scopes Huddle asks for; ``manifest.yml`` lists the same (a test checks)."""
STATE_SECONDS = 10 * 60
"""How long an install link stays good: long enough to read Slack's consent page."""
REVOCATIONS = frozenset({"app_uninstalled", "tokens_revoked"})
_GOAL = whole_number_parser(1, 1000)
_REFUSED = {
    Outcome.ALREADY: messages.ALREADY_A_TEAM,
    Outcome.NOT_IN_CHANNEL: messages.NOT_IN_CHANNEL,
    Outcome.NO_ANSWER: messages.NO_ANSWER,
}

_PAGES = {
    "invalid_state": (
        "This install link has expired or was already used",
        "Each link from the install page works once, for 10 minutes.",
    ),
    "invalid_browser": (
        "This install was started in another browser",
        "Finish the install in the browser that opened the install page.",
    ),
    "access_denied": ("Huddle was not installed", "The install was cancelled in Slack."),
}


def authorization_url(api_url: str) -> str:
    """Slack's consent page beside its Web API (slack.com, GovSlack, or the stand-in)."""
    return api_url.removesuffix("api/") + "oauth/v2/authorize"


def oauth_settings(
    runtime: Runtime, oauth: OAuthCredentials, client: AsyncWebClient
) -> AsyncOAuthSettings:
    """Bolt's OAuth settings on slack_sdk's SQLAlchemy stores in Huddle's database."""
    return AsyncOAuthSettings(
        callback_options=callbacks(runtime, client),
        client_id=oauth.client_id,
        client_secret=oauth.client_secret,
        scopes=list(BOT_SCOPES),
        redirect_uri=oauth.redirect_uri,
        authorization_url=authorization_url(runtime.settings.api_url),
        installation_store=AsyncSQLAlchemyInstallationStore(
            client_id=oauth.client_id, engine=runtime.engine, logger=log
        ),
        state_store=AsyncSQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_SECONDS, engine=runtime.engine, logger=log
        ),
        state_expiration_seconds=STATE_SECONDS,
        installation_store_bot_only=True,
    )


def refused_page(reason: str, status: int) -> BoltResponse:
    title, advice = _PAGES.get(reason, ("Huddle could not be installed", f"Slack said: {reason}."))
    body = (
        f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(advice)} Nothing was installed.</p>"
        '<p><a href="/slack/install">Start the install again</a>.</p></body></html>'
    )
    return BoltResponse(
        status=status, body=body, headers={"Content-Type": "text/html; charset=utf-8"}
    )


def callbacks(runtime: Runtime, client: AsyncWebClient) -> AsyncCallbackOptions:
    async def installed(args: AsyncSuccessArgs) -> BoltResponse:
        installation = args.installation
        team_id, installer = installation.team_id, installation.user_id
        assert team_id is not None
        async with runtime.sessions.begin() as session:
            await workspaces.record_install(
                session, team_id, installation.team_name or "", installer, runtime.now()
            )
        log.info("installed in workspace %s", team_id)
        try:
            await client.chat_postMessage(
                token=installation.bot_token, channel=installer, **messages.setup_invitation()
            )
        except SlackApiError as error:
            log.warning("setup invitation not sent: %s", error.response.get("error"))
        return await args.default.success(args)

    async def failed(args: AsyncFailureArgs) -> BoltResponse:
        log.warning("install refused: %s", args.reason)
        return refused_page(args.reason, args.suggested_status_code)

    return AsyncCallbackOptions(success=installed, failure=failed)


Next = Callable[[], Awaitable[BoltResponse]]


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Before any of Huddle's own listeners: the revocations and the setup modal."""
    app.enable_token_revocation_listeners()

    @app.middleware
    async def uninstalled(body: dict[str, Any], next: Next) -> BoltResponse:
        """Slack's revocation events: record that nothing more goes to the workspace
        (Bolt's listeners then delete its tokens); its data stays. A middleware, as
        Bolt hands an event to its first matching listener only, which is its own."""
        event = body.get("event") or {}
        kind = event.get("type")
        bots_revoked = kind == "app_uninstalled" or bool((event.get("tokens") or {}).get("bot"))
        if body.get("type") == "event_callback" and kind in REVOCATIONS and bots_revoked:
            team_id = body["team_id"]
            async with runtime.sessions.begin() as session:
                await workspaces.record_uninstall(session, team_id, runtime.now())
            log.info("workspace %s: %s; nothing more is sent there", team_id, kind)
        return await next()

    @app.action(messages.SETUP_OPEN_ACTION)
    async def open_setup(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user = (await client.users_info(user=body["user"]["id"]))["user"]
        timezone = user.get("tz") or runtime.team_defaults.timezone.key
        await client.views_open(
            trigger_id=body["trigger_id"],
            view=messages.setup_modal(timezone, runtime.settings.goals),
        )

    @app.view(messages.SETUP_VIEW)
    async def submitted(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        values = body["view"]["state"]["values"]
        errors: dict[str, str] = {}
        channel = values[messages.CHANNEL_BLOCK][messages.CHANNEL_ACTION].get(
            "selected_conversation"
        )
        if not channel:
            errors[messages.CHANNEL_BLOCK] = messages.CHOOSE_CHANNEL
        settings = runtime.team_defaults
        timezone = values[messages.TIMEZONE_BLOCK][messages.TIMEZONE_ACTION].get("value") or ""
        try:
            settings = replace(settings, timezone=parse_setting("timezone", timezone))
        except ValueError as problem:
            errors[messages.TIMEZONE_BLOCK] = str(problem)[:150]
        goals: dict[str, int] = {}
        for activity in BUILT_IN:
            block = messages.GOAL_BLOCK_PREFIX + activity.key
            text = (values.get(block, {}).get(messages.GOAL_ACTION, {}).get("value") or "").strip()
            try:
                if text:
                    goals[activity.key] = _GOAL(text)
            except ValueError as problem:
                errors[block] = f"{problem}, or empty for no goal"
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        assert context.team_id is not None and channel is not None
        manager = body["user"]["id"]
        done = await create_team(
            runtime, client, context.team_id, channel, manager, settings, goals, created=ack
        )
        if done.outcome is not Outcome.CREATED:
            errors = {messages.CHANNEL_BLOCK: _REFUSED[done.outcome]}
            await ack(response_action="errors", errors=errors)
            return
        await client.chat_postMessage(
            channel=manager, **team_created(channel, settings, *next_runs(runtime.now(), settings))
        )
