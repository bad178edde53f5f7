"""The App Home tab and what it opens: the logging modal, and managers' export.

The Home itself is built by :mod:`bot.messages.home` and published by
:mod:`bot.live.home_publisher`. A check-in from the modal goes through the same path as a slash
command (repeat guard, announcement, board and Home refresh); its confirmation comes
as a direct message from Huddle, because a modal has no conversation to reply in and
a DM, unlike an ephemeral message, is still there later and works in any channel.
A submission has a check-in's deadline, from the lookup of who sent it to the save.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.checkin import Logged
from bot.live.home_publisher import publish_home
from bot.live.updates import LiveUpdates
from bot.messages.home import HOME_EXPORT_ACTION, HOME_LOG_ACTION
from bot.messages.log_modal import LOG_MODAL, log_modal
from bot.messages.usage import DEFAULT_EXPORT_WEEKS
from bot.team.roster import known_person
from commands.caller import caller_of, refusal
from commands.checkin import CHECKIN_SECONDS, record_and_reply, rep_within
from commands.checkin_teams import checkin_teams
from commands.export import export_to_dm
from commands.grammar.checkin import MAX_NOTE
from commands.grammar.log_form import FormErrors, read_log_form
from storage.deadline import Deadline

log = logging.getLogger(__name__)


def direct_message(client: AsyncWebClient, user_id: str) -> Callable[..., Awaitable[None]]:
    """A ``reply`` that posts in the person's DM with Huddle (already private, so
    ``response_type`` means nothing there). Failures are logged: the work is done."""

    async def send(*, response_type: str = "ephemeral", **message: Any) -> None:
        try:
            await client.chat_postMessage(channel=user_id, **message)
        except SlackApiError as error:
            log.warning("DM to %s failed: %s", user_id, error.response.get("error"))

    return send


def register(app: AsyncApp, live: LiveUpdates) -> None:
    runtime = live.runtime

    @app.event("app_home_opened")
    async def home_opened(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if event.get("tab") == "home":
            await publish_home(runtime, client, body["team_id"], event["user"])

    @app.action(re.compile(rf"^{HOME_LOG_ACTION}:"))
    async def open_log_modal(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        key = body["actions"][0].get("value")
        person = await known_person(runtime, client, team_id, user_id, body["user"].get("name", ""))
        teams = await checkin_teams(runtime, person, None)
        limits = teams.limits(runtime.team_defaults)
        activities = teams.activities
        view = log_modal(
            activities,
            next((a for a in activities if a.key == key), None),
            runtime.today(person.timezone, limits.timezone),
            max_count=limits.max_count,
            backdate_days=limits.backdate_days,
            max_note=MAX_NOTE,
        )
        try:
            await client.views_open(trigger_id=body["trigger_id"], view=view)
        except SlackApiError as error:  # e.g. the trigger expired: pressing again works
            log.warning("log modal for %s not opened: %s", user_id, error.response.get("error"))

    @app.view(LOG_MODAL)
    async def log_submitted(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """Each invalid field gets its own error beside it and the modal stays open;
        a valid form closes it and is recorded like ``/logmeeting`` would record it."""
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        reply = direct_message(client, user_id)

        async def close_and_reply(**message: Any) -> None:
            await ack()
            await reply(**message)

        deadline = Deadline(CHECKIN_SECONDS)  # Slack's 3 s run from the submission
        name = body["user"].get("name", "")
        person = await rep_within(
            runtime, client, team_id, user_id, name, deadline, close_and_reply
        )
        if person is None:
            return
        teams = await checkin_teams(runtime, person, None)
        limits = teams.limits(runtime.team_defaults)
        today = runtime.today(person.timezone, limits.timezone)
        try:
            form = read_log_form(
                body["view"]["state"]["values"],
                teams.activities,
                today=today,
                max_count=limits.max_count,
                backdate_days=limits.backdate_days,
            )
        except FormErrors as invalid:
            await ack(response_action="errors", errors=invalid.errors)
            return
        await ack()
        logged = Logged(user_id, form.activity, form.count, form.day, form.note)
        await record_and_reply(
            live, client, person, teams, logged, today, reply, source="modal", deadline=deadline
        )

    @app.action(HOME_EXPORT_ACTION)
    async def export_button(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """Manager-only: checked again here, because anyone can send this action."""
        await ack()
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        tell = direct_message(client, user_id)
        channel = body["actions"][0].get("value")
        named = channel if isinstance(channel, str) and channel[:1] in ("C", "G") else None
        name = body["user"].get("name", "")
        caller = await caller_of(live, client, team_id, user_id, name, named=named)
        if not caller.manager:
            await tell(**await refusal(caller, "export check-ins"))
            return
        result = await export_to_dm(runtime, client, caller.team, user_id, DEFAULT_EXPORT_WEEKS)
        if not result.ok:
            await tell(**result.message)
