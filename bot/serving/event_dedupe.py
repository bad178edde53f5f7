"""Each Events API delivery is handled once, however often Slack sends it.

Slack redelivers an event, with the same ``event_id`` and an ``X-Slack-Retry-Num``
header (Socket Mode: ``retry_attempt``, which Bolt turns into the same header), when
the first answer was slow or failed. Handling it again would publish a Home twice or
repeat a membership change, so a global middleware claims each ``event_id`` in the
database before any listener runs: the claim survives restarts and is shared by every
instance. A redelivery is answered 200 at once so that Slack stops retrying.

The trade-off is at most once: an event whose first handling failed after the claim
is not handled again. Every event Huddle listens to is also repaired by something
else (the Home is rebuilt whenever it is opened, the roster every day).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from slack_bolt.response import BoltResponse

from bot.runtime import Runtime
from storage.errors import DB_ERRORS
from storage.events import claim_event, forget_events

log = logging.getLogger(__name__)

REMEMBER = timedelta(days=1)
"""How long an event id is kept: Slack stops retrying after about an hour."""
PRUNE_EVERY = timedelta(hours=1)

Middleware = Callable[..., Awaitable[BoltResponse | None]]


def once_per_event(runtime: Runtime) -> Middleware:
    """The Bolt global middleware (``app.use(once_per_event(runtime))``)."""
    pruned: list[datetime] = []

    async def middleware(
        body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id, team_id = body.get("event_id"), body.get("team_id")
        if body.get("type") != "event_callback" or not event_id or not team_id:
            await next()
            return None
        now = runtime.now()
        try:
            async with runtime.sessions.begin() as session:
                first = await claim_event(session, team_id, event_id, now)
                if first and (not pruned or now - pruned[-1] >= PRUNE_EVERY):
                    await forget_events(session, now - REMEMBER)
                    pruned[:] = [now]
        except DB_ERRORS as error:
            # Without the database the handlers cannot work either; let them try and
            # say so, rather than dropping the event unseen.
            log.warning("could not record event %s; handling it anyway: %r", event_id, error)
            first = True
        if not first:
            log.info("event %s already handled; redelivery ignored", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None

    return middleware
