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

Charts (the summary's and each digest's) are uploads with ledger rows of their own,
delivered after all the text: drawn in a worker thread, shared with
``files_upload_v2`` beside their message (in its thread when it was split), and, since
files carry no metadata, found again by their file name. A failed upload is logged
and retried like a post; the text never waits for it.

Direct messages fan out ``FAN_OUT`` at a time, at the pace of the process's posting
pacer (``bot.runtime.post_pacer``); the next sends are claimed while the last ones
go out, and the claims (and the outcomes) of sends in flight together are written in
one statement and one transaction. Several teams' plans share one queue in
``fair_order`` (the earliest window first, the teams taking turns), and the claims of
a queue's chunk are one statement whatever teams it holds.

When the process stops (``stopping`` is set), nothing more is claimed, the posts
already under way finish and are recorded, and the claims whose post had not begun are
given back (``ledger.release``): nothing was sent for them, so another instance may
take them at once instead of waiting out the claim lease.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.messages.weekly_charts import Chart
from bot.runtime import Runtime
from bot.runtime.batching import Batcher
from bot.scheduled.planner import Plan, Send, fair_order
from storage import ledger
from storage.ledger import FAILED, SENT, UNKNOWN, LedgerKey, LedgerRow

log = logging.getLogger(__name__)

METADATA_EVENT = "huddle_scheduled"
FAN_OUT = 16
"""Direct messages in flight at once: enough that a slow answer never holds back the
pace; the pacer decides how fast they leave."""
CLAIM_AHEAD = 2 * FAN_OUT
"""Sends claimed together, in one statement, while the chunk before goes out. Small
enough that a claim never waits long for its send (a claim older than the lease is
taken over), and that a second instance sharing the work takes every other chunk."""
TeamKey = tuple[str, LedgerKey]
"""(team_id, key): a ledger row's identity across the teams of one delivery."""
UNKNOWN_RETRIES = 3
UNKNOWN_BACKOFF_SECONDS = 0.5
HISTORY_MARGIN = timedelta(minutes=2)


class OutcomeUnknown(Exception):
    """The request may or may not have reached Slack."""


class MayStillLand(OutcomeUnknown):
    """No answer in time: Slack may still be working on the request."""


class ChartError(Exception):
    """A chart could not be drawn: nothing was sent, the next tick tries again."""


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
        self, runtime: Runtime, client: AsyncWebClient, stopping: asyncio.Event | None = None
    ) -> None:
        self.runtime = runtime
        self.client = client
        self.stopping = stopping or asyncio.Event()
        self.reports: dict[str, Report] = {}
        self._claims = Batcher(self._claim_new)
        self._outcomes = Batcher(self._record_all)
        self._releases = Batcher(self._release_all)
        self._drawn: dict[int, tuple[Chart, bytes]] = {}
        self._uses: Counter[int] = Counter()
        """Uploads still to come per drawn chart: a PNG is dropped after its last, so
        a Friday of many teams never holds every team's pictures at once."""

    async def deliver(self, team_id: str, plan: Plan) -> Report:
        """One team's plan (see ``deliver_all``)."""
        return (await self.deliver_all({team_id: plan}))[team_id]

    async def deliver_all(self, plans: Mapping[str, Plan]) -> dict[str, Report]:
        """Firsts fan out in ``fair_order``: ``FAN_OUT`` workers take claimed sends as
        they come (none waits for a slower one), while the next chunk is claimed ahead
        of them; continuation parts follow in their team's order, then every chart."""
        self.reports = {team_id: Report() for team_id in plans}
        queue = fair_order(plans)
        claimed: asyncio.Queue[tuple[str, Send, LedgerRow | None] | None] = asyncio.Queue(
            maxsize=CLAIM_AHEAD
        )

        async def claim_ahead() -> None:
            for start in range(0, len(queue), CLAIM_AHEAD):
                if self.stopping.is_set():
                    break
                chunk = queue[start : start + CLAIM_AHEAD]
                rows = await asyncio.gather(*(self._claim(team, send) for team, send in chunk))
                for (team_id, send), row in zip(chunk, rows, strict=True):
                    await claimed.put((team_id, send, row))
            for _ in range(FAN_OUT):
                await claimed.put(None)

        async def work() -> None:
            while (item := await claimed.get()) is not None:
                team_id, send, row = item
                if row is not None and self.stopping.is_set():
                    await self._release(team_id, send, row)
                else:
                    await self._send(team_id, send, row, thread_ts=None)

        await asyncio.gather(claim_ahead(), *(work() for _ in range(FAN_OUT)))
        sends = [(team_id, send) for team_id, plan in plans.items() for send in plan.sends]
        parts = [(team, s) for team, s in sends if s.parent is not None and s.upload is None]
        uploads = [(team, s) for team, s in sends if s.upload is not None]
        self._uses.update(id(s.upload.chart) for _, s in uploads if s.upload is not None)
        for team_id, send in [*parts, *uploads]:  # the text first: a chart only adds to it
            if self.stopping.is_set():
                return self.reports
            await self._deliver(team_id, send)
        return self.reports

    async def _claim(self, team_id: str, send: Send) -> LedgerRow | None:
        if send.previous is not None:
            async with self.runtime.sessions.begin() as session:
                return await ledger.reclaim(session, send.previous, self.runtime.now())
        return await self._claims.submit((team_id, send.key))

    async def _claim_new(self, keys: Sequence[TeamKey]) -> list[LedgerRow | None]:
        """The new claims of the sends in flight together, in one statement."""
        async with self.runtime.sessions.begin() as session:
            claimed = await ledger.claim_new(session, keys, self.runtime.now())
        return [claimed.get(key) for key in keys]

    async def _record(self, row: LedgerRow, state: str, **details: str | None) -> None:
        await self._outcomes.submit(ledger.Outcome(row.id, state, **details))

    async def _record_all(self, outcomes: Sequence[ledger.Outcome]) -> list[None]:
        """The outcomes of the sends finished together, in one statement."""
        async with self.runtime.sessions.begin() as session:
            await ledger.record(session, outcomes, self.runtime.now())
        return [None] * len(outcomes)

    async def _release(self, team_id: str, send: Send, row: LedgerRow) -> None:
        await self._releases.submit(ledger.Release(row, send.previous))
        self.reports[team_id].released.append(send.key)

    async def _release_all(self, releases: Sequence[ledger.Release]) -> list[None]:
        """The claims given back together, in one transaction."""
        async with self.runtime.sessions.begin() as session:
            await ledger.release(session, releases)
        return [None] * len(releases)

    async def _deliver(self, team_id: str, send: Send) -> None:
        thread_ts = None
        if send.parent is not None:
            parent = await self._posted(team_id, send.parent)
            if parent is None or parent.channel is None:
                self.reports[team_id].waiting.append(send.key)
                return
            if send.upload is not None:
                row = await self._claim(team_id, send)
                await self._share(team_id, send, row, parent.channel, parent.ts)
                return
            thread_ts = parent.ts
        await self._send(team_id, send, await self._claim(team_id, send), thread_ts)

    async def _send(
        self, team_id: str, send: Send, row: LedgerRow | None, thread_ts: str | None
    ) -> None:
        if row is None:
            self.reports[team_id].lost_race.append(send.key)
            return
        since = _since(send, row)

        async def find() -> tuple[str, str] | None:
            # Slack posts to a user ID in the app's DM with them; the DM's own ID is
            # needed only to look in its history.
            channel = await self._channel(send.to)
            found = await self._find(channel, thread_ts, since, _with_key, str(send.key))
            return (channel, found) if found is not None else None

        async def post() -> tuple[str, str | None]:
            posted = await _call(
                self.client.chat_postMessage,
                channel=send.to,
                thread_ts=thread_ts,
                metadata={"event_type": METADATA_EVENT, "event_payload": {"key": str(send.key)}},
                **send.message,
            )
            return str(posted["channel"]), str(posted["ts"])

        await self._settle(self.reports[team_id], send, row, find, post)

    async def _share(
        self,
        team_id: str,
        send: Send,
        row: LedgerRow | None,
        channel: str,
        message_ts: str | None,
    ) -> None:
        """Upload a chart beside its message (or in its thread). Files carry no
        metadata, so a share of unknown outcome is found by its file name."""
        upload = send.upload
        if row is None or upload is None:
            self.reports[team_id].lost_race.append(send.key)
            return
        thread_ts = message_ts if upload.in_thread else None
        since = _since(send, row)

        async def find() -> tuple[str, str] | None:
            found = await self._find(channel, thread_ts, since, _with_file, upload.filename)
            return (channel, found) if found is not None else None

        async def share() -> tuple[str, str | None]:
            png = await self._png(upload.chart)
            await _call(
                self.client.files_upload_v2,
                channel=channel,
                thread_ts=thread_ts,
                content=png,
                filename=upload.filename,
                title=upload.chart.title,
                alt_txt=upload.chart.alt_text(),
                initial_comment=send.message.get("text"),
            )
            return channel, None

        await self._settle(self.reports[team_id], send, row, find, share)

    async def _png(self, chart: Chart) -> bytes:
        """The chart's PNG, drawn in a worker thread (up to a second of CPU for a big
        team: check-ins must not wait for it), once however many managers get it."""
        drawn = self._drawn.get(id(chart))
        if drawn is None or drawn[0] is not chart:
            try:
                drawn = (chart, await asyncio.to_thread(chart.png))
            except Exception as error:  # a chart that cannot be drawn must not stop the tick
                log.exception("%s could not be drawn", chart.title)
                raise ChartError(f"chart not drawn ({type(error).__name__})") from error
            self._drawn[id(chart)] = drawn
        self._uses[id(chart)] -= 1
        if self._uses[id(chart)] <= 0:
            del self._drawn[id(chart)]
        return drawn[1]

    async def _settle(
        self,
        report: Report,
        send: Send,
        row: LedgerRow,
        find: Callable[[], Awaitable[tuple[str, str] | None]],
        go: Callable[[], Awaitable[tuple[str, str | None]]],
    ) -> None:
        """Send once, whatever Slack does: look first when an earlier attempt may have
        landed, record the outcome, and never repeat a send whose outcome is unknown
        without looking for it (see the module's docstring)."""
        look_first = send.verify_first
        for attempt in range(UNKNOWN_RETRIES):
            try:
                found = await find() if look_first else None
                if found is not None:
                    await self._record(row, SENT, channel=found[0], ts=found[1])
                    report.found_already_posted.append(send.key)
                    return
                channel, ts = await go()
            except (SlackApiError, SlackRequestError, ChartError) as error:
                reason = _refusal(error)
                log.warning("%s not sent: %s", send.key, reason)
                await self._record(row, FAILED, error=reason)
                report.failed.append((send.key, reason))
                return
            except OutcomeUnknown as error:
                log.warning("%s outcome unknown (%s), attempt %d", send.key, error, attempt + 1)
                if isinstance(error, MayStillLand):
                    break
                look_first = True
                await asyncio.sleep(UNKNOWN_BACKOFF_SECONDS * 2**attempt)
                continue
            await self._record(row, SENT, channel=channel, ts=ts)
            report.sent.append(send.key)
            return
        await self._record(row, UNKNOWN, error="no answer from Slack")
        report.unknown.append(send.key)

    async def _channel(self, to: str) -> str:
        """A channel ID as is; for a user, the ID of our DM with them."""
        if not to.startswith(("U", "W")):
            return to
        opened = await _call(self.client.conversations_open, users=to)
        return str(opened["channel"]["id"])

    async def _posted(self, team_id: str, key: LedgerKey) -> LedgerRow | None:
        async with self.runtime.sessions() as session:
            return await ledger.sent(session, team_id, key)

    async def _find(
        self,
        channel: str,
        thread_ts: str | None,
        since: datetime,
        match: Callable[[Iterable[dict[str, Any]], str], str | None],
        needle: str,
    ) -> str | None:
        """The ts of a message of ours that ``match``-es ``needle``, if Slack has it."""
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
        return match(response["messages"], needle)


def _since(send: Send, row: LedgerRow) -> datetime:
    """How far back a look for an earlier attempt goes."""
    return (send.previous.claimed_at if send.previous else row.claimed_at) - HISTORY_MARGIN


def _refusal(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error"))
    return str(error)


def _with_file(messages: Iterable[dict[str, Any]], filename: str) -> str | None:
    for message in messages:
        if any(f.get("name") == filename for f in message.get("files") or []):
            return str(message["ts"])
    return None


def _with_key(messages: Iterable[dict[str, Any]], key: str) -> str | None:
    for message in messages:
        metadata = message.get("metadata") or {}
        if (
            metadata.get("event_type") == METADATA_EVENT
            and (metadata.get("event_payload") or {}).get("key") == key
        ):
            return str(message["ts"])
    return None
