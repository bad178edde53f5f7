"""Start-up and serving: migrate, identify the workspace, load the roster, then
serve HTTP (``POST /slack/events``, ``GET /healthz``) or Socket Mode until told to stop.

Stopping (SIGTERM, SIGINT: see ``bot.serving.cli``) is orderly, within
``SHUTDOWN_SECONDS``: no new request or envelope is taken; requests in flight are
answered; the scheduled tick stops claiming, finishes the posts it started and gives
back the claims it had not started, so another instance takes them at once; the work
handlers do after answering (announcements, the board, the Home) finishes; then the
socket, the HTTP connections and the database close.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from sqlalchemy import text

from bot.domain.settings import Settings
from bot.domain.weeks import Clock
from bot.live.updates import LiveUpdates
from bot.runtime import Runtime
from bot.runtime.batching import PACED
from bot.runtime.slack_client import keep_connections
from bot.scheduled import tick as scheduling
from bot.scheduled.fleet import Fleet
from bot.scheduled.jobs import Ticker
from bot.serving import gate
from bot.serving.app import create_app
from bot.serving.credentials import BOT_TOKEN_VARIABLE, CredentialRefused
from bot.serving.socket_mode import serving_socket_mode
from bot.team.roster import sync_roster
from bot.team.setup import ensure_first_team
from storage.errors import DB_ERRORS
from storage.migrate import upgrade

log = logging.getLogger(__name__)
SHUTDOWN_SECONDS = 10.0
"""The most a stop takes: in-flight answers, the tick's posts, then the handlers' work."""
ANSWER_GRACE_SECONDS = 3.0
"""Requests in flight at a stop get Slack's own deadline to be answered."""
HEALTH_TIMEOUT_SECONDS = 2.0


BOLT_BACKGROUND = "run_ack_function_asynchronously"
"""Bolt runs every listener in a task of this name, which outlives Slack's answer."""


async def drain(timeout: float = 10.0) -> None:  # noqa: ASYNC109 - one deadline for all
    """Wait for the work handlers do after acknowledging (announcements, the board, the
    App Home): Bolt's listener tasks and the paced tasks they start. Run before the
    database closes, so none of it is cut off half-way (and by tests, to look at its
    outcome, or its absence)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        pending = [
            task
            for task in asyncio.all_tasks()
            if not task.done()
            and (
                BOLT_BACKGROUND in getattr(task.get_coro(), "__qualname__", "")
                or task.get_name().startswith(PACED)
            )
        ]
        if not pending:
            return
        await asyncio.wait(pending, timeout=deadline - loop.time())


@dataclass
class Huddle:
    runtime: Runtime
    live: LiveUpdates
    app: AsyncApp
    team_id: str
    """The one workspace of the bot token; empty in OAuth mode (see ``ticker``)."""

    def ticker(self, stopping: asyncio.Event) -> Ticker | Fleet:
        """The scheduler's work: the one workspace, or every installed one."""
        if self.runtime.settings.oauth is None:
            return Ticker(
                self.runtime, self.app.client, self.team_id, self.runtime.now().date(), stopping
            )
        store = self.app.installation_store
        assert store is not None

        async def token_of(team_id: str) -> str | None:
            bot = await store.async_find_bot(enterprise_id=None, team_id=team_id)
            return bot.bot_token if bot is not None else None

        return Fleet(self.runtime, token_of, stopping)

    async def close(self) -> None:
        await self.live.close()
        await self.runtime.close()


async def prepare(settings: Settings, clock: Clock) -> Huddle:
    runtime = Runtime.create(settings, clock)
    await upgrade(runtime.engine)
    live = LiveUpdates.create(runtime)
    app = create_app(live)
    keep_connections(app.client, runtime)
    if settings.oauth is not None:
        log.info("mode: many workspaces, installed with Add to Slack at /slack/install")
        settle_memory()
        return Huddle(runtime, live, app, "")
    log.info("mode: one workspace, with SLACK_BOT_TOKEN")
    try:
        identity = await app.client.auth_test()
    except SlackApiError as error:
        await live.close()
        await runtime.close()
        raise CredentialRefused(BOT_TOKEN_VARIABLE, error) from None
    team_id = identity["team_id"]
    await ensure_first_team(runtime, team_id)
    try:
        reps = await sync_roster(runtime, app.client, team_id)
        log.info("rosters loaded: %d reps in the team channels", reps)
    except SlackApiError as error:
        log.warning(
            "roster not loaded (%s); it will be on the next refresh", error.response.get("error")
        )
    settle_memory()
    return Huddle(runtime, live, app, team_id)


def settle_memory() -> None:
    """Start-up is done: what it built (modules, Bolt, SQLAlchemy's metadata and
    compiled statements, the roster) lives as long as the process. Frozen, the
    garbage collector no longer walks it on every full collection, which otherwise
    stopped the event loop for tens to hundreds of milliseconds at a time under load,
    every request waiting (measured with ``gc.callbacks``; docs/PERFORMANCE.md)."""
    gc.collect()
    gc.freeze()


def web_application(huddle: Huddle) -> web.Application:
    application = web.Application()
    application.router.add_post(
        "/slack/events", gate.slack_events(huddle.app, huddle.runtime.settings.signing_secret or "")
    )

    async def healthz(_request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
                async with huddle.runtime.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except DB_ERRORS as error:  # TimeoutError is an OSError
            return web.json_response({"ok": False, "database": type(error).__name__}, status=503)
        return web.json_response({"ok": True})

    application.router.add_get("/healthz", healthz)
    flow = huddle.app.oauth_flow
    if flow is not None:
        # What Bolt's own aiohttp server does for these two paths.
        async def oauth_page(request: web.Request) -> web.Response:
            bolt_request = await to_bolt_request(request)
            if request.path == flow.install_path:
                return await to_aiohttp_response(await flow.handle_installation(bolt_request))
            return await to_aiohttp_response(await flow.handle_callback(bolt_request))

        application.router.add_get(flow.install_path, oauth_page)
        application.router.add_get(flow.redirect_uri_path, oauth_page)
    return application


@asynccontextmanager
async def serving_http(huddle: Huddle, host: str, port: int) -> AsyncIterator[str]:
    """Serve until the block exits; yields the base URL (``port=0`` picks a free port).
    On exit the port closes first, then requests in flight get their answer."""
    runner = web.AppRunner(
        web_application(huddle), access_log=None, shutdown_timeout=ANSWER_GRACE_SECONDS
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def serving(huddle: Huddle) -> AsyncIterator[None]:
    """The app reachable by Slack, in the mode the settings choose, until the block exits."""
    settings = huddle.runtime.settings
    if settings.app_token:
        async with serving_socket_mode(huddle.app, settings.app_token):
            log.info("Huddle is running in Socket Mode")
            yield
    else:
        async with serving_http(huddle, "0.0.0.0", settings.port) as url:
            log.info("Huddle is listening on %s/slack/events", url)
            yield


async def serve_forever(settings: Settings, clock: Clock, stop: asyncio.Event) -> None:
    """Serve and tick until ``stop`` is set, then stop in order (see the module doc)."""
    huddle = await prepare(settings, clock)
    loop = asyncio.get_running_loop()
    ticker = huddle.ticker(stop)
    schedule: scheduling.Schedule | None = None
    deadline = 0.0
    try:
        async with serving(huddle):
            schedule = scheduling.start(ticker)
            await stop.wait()
            deadline = loop.time() + SHUTDOWN_SECONDS
            log.info("stopping: no new work; finishing what is in flight")
    finally:
        stop.set()
        deadline = deadline or loop.time() + SHUTDOWN_SECONDS
        if schedule is not None:
            await schedule.stop(max(0.0, deadline - loop.time()))
        await drain(max(0.0, deadline - loop.time()))
        await huddle.close()
        took = SHUTDOWN_SECONDS - (deadline - loop.time())
        log.info("Huddle stopped in %.1fs", took)
