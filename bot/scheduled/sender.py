"""Delivers a plan: claim in the ledger, post to Slack, record the outcome.

Outcomes of a Slack call fall in three groups:

* posted: Slack answered ``ok`` — the row becomes ``sent`` with the message's ts;
* refused: Slack answered with an error (``channel_not_found``…) — ``failed``, and a
  later tick tries again while the window is open (at most ``MAX_ATTEMPTS``);
* unknown: the request went out but no answer came back (dropped connection,
  timeout, a 5xx that may have been applied). Such a send is never blindly repeated.
  Every scheduled post carries ``metadata`` with its ledger key, so Huddle looks in
  the conversation's history for it first: found means sent; not found means it is
  safe to post again. If even the look fails, the row is left ``unknown`` and the
  next tick looks again. After a timeout the look waits for the next tick (a minute
  later): Slack may still be carrying the request out, and a look made at once
  would miss the message about to appear and post it a second time.

Direct messages fan out ``FAN_OUT`` at a time; the claims (and the outcomes) of the
sends in flight together are written in one statement and one transaction.

When the process stops (``stopping`` is set), nothing more is claimed, the posts
already under way finish and are recorded, and the claims whose post had not begun are
given back (``ledger.release``): nothing was sent for them, so another instance may
take them at once instead of waiting out the claim lease.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import Runtime
from bot.runtime.batching import Batcher
from bot.scheduled.planner import Plan, Send
from storage import ledger
from storage.ledger import FAILED, SENT, UNKNOWN, LedgerKey, LedgerRow

log = logging.getLogger(__name__)

METADATA_EVENT = "huddle_scheduled"
FAN_OUT = 8
"""Direct messages in flight at once: fast for big teams, gentle on rate limits."""
CLAIM_AHEAD = 2 * FAN_OUT
"""Sends claimed together, in one statement, before they go out. Small enough that a
claim never waits long for its send (a claim older than the lease is taken over)."""
UNKNOWN_RETRIES = 3
UNKNOWN_BACKOFF_SECONDS = 0.5
HISTORY_MARGIN = timedelta(minutes=2)


class OutcomeUnknown(Exception):
    """The request may or may not have reached Slack."""


class MayStillLand(OutcomeUnknown):
    """No answer in time: Slack may still be working on the request."""


@dataclass
class Report:
    sent: list[LedgerKey] = field(default_factory=list)
    found_already_posted: list[LedgerKey] = field(default_factory=list)
    failed: list[tuple[LedgerKey, str]] = field(default_factory=list)
    unknown: list[LedgerKey] = field(default_factory=list)
    lost_race: list[LedgerKey] = field(default_factory=list)
    waiting: list[LedgerKey] = field(default_factory=list)
    """Continuation parts whose first part is not posted yet."""
    released: list[LedgerKey] = field(default_factory=list)
    """Claimed, then given back unsent because the process was stopping."""


async def _call(call: Any, **kwargs: Any) -> Any:
    """A Web API call, with every way of not knowing the outcome folded into one error."""
    try:
        return await call(**kwargs)
    except SlackApiError as error:
        if error.response.status_code >= 500:
            raise OutcomeUnknown(f"HTTP {error.response.status_code}") from error
        raise
    except TimeoutError as error:
        raise MayStillLand(type(error).__name__) from error
    except (aiohttp.ClientError, OSError) as error:
        raise OutcomeUnknown(type(error).__name__) from error


class Sender:
    def __init__(
        self,
        runtime: Runtime,
        client: AsyncWebClient,
        team_id: str,
        stopping: asyncio.Event | None = None,
    ) -> None:
        self.runtime = runtime
        self.client = client
        self.team_id = team_id
        self.stopping = stopping or asyncio.Event()
        self.report = Report()
        self._claims = Batcher(self._claim_new)
        self._outcomes = Batcher(self._record_all)
        self._releases = Batcher(self._release_all)

    async def deliver(self, plan: Plan) -> Report:
        """Firsts fan out in parallel, claimed a few fan-outs ahead of their send so
        that new claims share a statement; continuation parts follow, in order."""
        firsts = [s for s in plan.sends if s.parent is None]
        parts = [s for s in plan.sends if s.parent is not None]
        gate = asyncio.Semaphore(FAN_OUT)

        async def gated(send: Send, row: LedgerRow | None) -> None:
            async with gate:
                if row is not None and self.stopping.is_set():
                    await self._release(send, row)
                    return
                await self._send(send, row, thread_ts=None)

        for start in range(0, len(firsts), CLAIM_AHEAD):
            if self.stopping.is_set():
                return self.report
            chunk = firsts[start : start + CLAIM_AHEAD]
            rows = await asyncio.gather(*(self._claim(s) for s in chunk))
            await asyncio.gather(*(gated(s, row) for s, row in zip(chunk, rows, strict=True)))
        for send in parts:
            if self.stopping.is_set():
                return self.report
            await self._deliver(send)
        return self.report

    async def _claim(self, send: Send) -> LedgerRow | None:
        if send.previous is not None:
            async with self.runtime.sessions.begin() as session:
                return await ledger.reclaim(session, send.previous, self.runtime.now())
        return await self._claims.submit(send.key)

    async def _claim_new(self, keys: Sequence[LedgerKey]) -> list[LedgerRow | None]:
        """The new claims of the sends in flight together, in one statement."""
        async with self.runtime.sessions.begin() as session:
            claimed = await ledger.claim_new(session, self.team_id, keys, self.runtime.now())
        return [claimed.get(key) for key in keys]

    async def _record(self, row: LedgerRow, state: str, **details: str | None) -> None:
        await self._outcomes.submit(ledger.Outcome(row.id, state, **details))

    async def _record_all(self, outcomes: Sequence[ledger.Outcome]) -> list[None]:
        """The outcomes of the sends finished together, in one statement."""
        async with self.runtime.sessions.begin() as session:
            await ledger.record(session, outcomes, self.runtime.now())
        return [None] * len(outcomes)

    async def _release(self, send: Send, row: LedgerRow) -> None:
        await self._releases.submit(ledger.Release(row, send.previous))
        self.report.released.append(send.key)

    async def _release_all(self, releases: Sequence[ledger.Release]) -> list[None]:
        """The claims given back together, in one transaction."""
        async with self.runtime.sessions.begin() as session:
            await ledger.release(session, releases)
        return [None] * len(releases)

    async def _deliver(self, send: Send) -> None:
        thread_ts = None
        if send.parent is not None:
            thread_ts = await self._posted_ts(send.parent)
            if thread_ts is None:
                self.report.waiting.append(send.key)
                return
        await self._send(send, await self._claim(send), thread_ts)

    async def _send(self, send: Send, row: LedgerRow | None, thread_ts: str | None) -> None:
        if row is None:
            self.report.lost_race.append(send.key)
            return
        look_first = send.verify_first
        since = (send.previous.claimed_at if send.previous else row.claimed_at) - HISTORY_MARGIN
        for attempt in range(UNKNOWN_RETRIES):
            try:
                # Slack posts to a user ID in the app's DM with them; the DM's own ID
                # is needed only to look in its history.
                channel = await self._channel(send.to) if look_first else send.to
                if look_first:
                    found = await self._find(send.key, channel, thread_ts, since)
                    if found is not None:
                        await self._record(row, SENT, channel=channel, ts=found)
                        self.report.found_already_posted.append(send.key)
                        return
                posted = await _call(
                    self.client.chat_postMessage,
                    channel=channel,
                    thread_ts=thread_ts,
                    metadata={
                        "event_type": METADATA_EVENT,
                        "event_payload": {"key": str(send.key)},
                    },
                    **send.message,
                )
            except SlackApiError as error:
                reason = str(error.response.get("error"))
                log.warning("%s refused by Slack: %s", send.key, reason)
                await self._record(row, FAILED, error=reason)
                self.report.failed.append((send.key, reason))
                return
            except OutcomeUnknown as error:
                log.warning("%s outcome unknown (%s), attempt %d", send.key, error, attempt + 1)
                if isinstance(error, MayStillLand):
                    break
                look_first = True
                await asyncio.sleep(UNKNOWN_BACKOFF_SECONDS * 2**attempt)
                continue
            await self._record(row, SENT, channel=posted["channel"], ts=posted["ts"])
            self.report.sent.append(send.key)
            return
        await self._record(row, UNKNOWN, error="no answer from Slack")
        self.report.unknown.append(send.key)

    async def _channel(self, to: str) -> str:
        """A channel ID as is; for a user, the ID of our DM with them."""
        if not to.startswith(("U", "W")):
            return to
        opened = await _call(self.client.conversations_open, users=to)
        return str(opened["channel"]["id"])

    async def _posted_ts(self, key: LedgerKey) -> str | None:
        async with self.runtime.sessions() as session:
            row = await ledger.sent(session, self.team_id, key)
        return row.ts if row is not None else None

    async def _find(
        self, key: LedgerKey, channel: str, thread_ts: str | None, since: datetime
    ) -> str | None:
        """The ts of a message we posted for ``key``, if Slack has it."""
        if thread_ts is not None:
            response = await _call(
                self.client.conversations_replies,
                channel=channel,
                ts=thread_ts,
                include_all_metadata=True,
                limit=200,
            )
        else:
            response = await _call(
                self.client.conversations_history,
                channel=channel,
                oldest=f"{since.timestamp():.6f}",
                include_all_metadata=True,
                limit=200,
            )
        return _with_key(response["messages"], str(key))


def _with_key(messages: Iterable[dict[str, Any]], key: str) -> str | None:
    for message in messages:
        metadata = message.get("metadata") or {}
        if (
            metadata.get("event_type") == METADATA_EVENT
            and (metadata.get("event_payload") or {}).get("key") == key
        ):
            return str(message["ts"])
    return None
