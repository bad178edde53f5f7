"""Posting the team's check-in lines: in today's huddle thread when there is one, and
never faster than Slack accepts messages in one channel.

The first check-in after a quiet spell is posted at once, alone, as it always was.
Check-ins that arrive while a post is in flight or within a second of the last one
wait for the next post and share it, one line each. A burst of check-ins then costs
Slack (and this process) one post and one database write a second, not one each.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.team import Team
from bot.messages import Message
from bot.messages.announcements import Line, grouped
from bot.runtime import Runtime
from bot.runtime.batching import Pacer
from storage import ledger, queries
from storage.errors import DB_ERRORS
from storage.ledger import HUDDLE

log = logging.getLogger(__name__)

UNDO_WAIT_SECONDS = 5.0
POST_INTERVAL_SECONDS = 1.0
"""Slack posts about one message a second per channel and rate-limits bursts beyond."""


@dataclass
class Announcer:
    runtime: Runtime
    pacer: Pacer = field(default_factory=lambda: Pacer(POST_INTERVAL_SECONDS))
    _waiting: dict[tuple[str, str], list[tuple[date, Line]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    """Per (workspace, team channel), the lines waiting for the next post."""
    _unposted: dict[int, asyncio.Event] = field(default_factory=dict)
    """Check-ins whose line is not posted (or given up on) yet, for :meth:`posted`."""

    def announce(self, client: AsyncWebClient, team: Team, checkin_id: int, line: Message) -> None:
        """Post the line soon (in a task of its own), in the thread of the team's board
        of today."""
        self._unposted.setdefault(checkin_id, asyncio.Event())
        where = (team.workspace, team.channel)
        today = self.runtime.today(None, team.settings.timezone)
        self._waiting[where].append((today, (checkin_id, line)))
        self.pacer.due(f"{team.workspace}:{team.channel}", lambda: self._post(client, where))

    async def posted(self, checkin_id: int) -> None:
        """Wait until this process has posted (or dropped) the check-in's line and
        recorded where, so an undo arriving meanwhile finds the line to strike."""
        event = self._unposted.get(checkin_id)
        if event is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), UNDO_WAIT_SECONDS)

    async def _post(self, client: AsyncWebClient, where: tuple[str, str]) -> None:
        """Post what is waiting and remember where, so an undo can strike its line.
        Failures are logged, not shown: the check-ins are safe and every rep already
        has their receipt."""
        waiting = self._waiting.pop(where, [])
        try:
            await self._post_lines(client, where, waiting)
        finally:
            for _, (checkin_id, _line) in waiting:
                if (event := self._unposted.pop(checkin_id, None)) is not None:
                    event.set()

    async def _post_lines(
        self,
        client: AsyncWebClient,
        where: tuple[str, str],
        waiting: list[tuple[date, Line]],
    ) -> None:
        try:
            async with self.runtime.sessions() as session:
                undone = await queries.undone_among(session, [line[0] for _, line in waiting])
        except DB_ERRORS as error:
            log.warning("could not check for undone check-ins before announcing: %r", error)
            undone = set()
        by_day: dict[date, list[Line]] = defaultdict(list)
        for day, line in waiting:
            if line[0] not in undone:  # undone before its line went out: nothing to say
                by_day[day].append(line)
        posts = []
        for day, lines in by_day.items():
            posts += await self._send(client, where, day, lines)
        try:
            async with self.runtime.sessions.begin() as session:
                for ids, channel, ts in posts:
                    await queries.set_announcement(session, ids, channel, ts)
        except DB_ERRORS as error:
            log.warning("where check-ins %s were announced is not saved: %r", posts, error)

    async def _send(
        self, client: AsyncWebClient, where: tuple[str, str], day: date, lines: list[Line]
    ) -> list[tuple[list[int], str, str]]:
        """Each group's (check-in ids, channel, ts), up to the first post that failed."""
        team_id, channel = where
        thread = await self._board_ts(team_id, channel, day)
        posts: list[tuple[list[int], str, str]] = []
        try:
            for ids, message in grouped(lines):
                posted = await client.chat_postMessage(channel=channel, thread_ts=thread, **message)
                posts.append((ids, posted["channel"], posted["ts"]))
        except (SlackApiError, OSError) as error:  # OSError: Slack unreachable, timed out
            log.warning("announcement of check-ins %s failed: %r", [i for i, _ in lines], error)
        return posts

    async def _board_ts(self, team_id: str, channel: str, day: date) -> str | None:
        """The thread for the day's lines: its board, if posted and the ledger can say
        where. Otherwise the lines go in the channel itself: a line out of its thread
        is better than no line."""
        key = ledger.LedgerKey(HUDDLE, channel, day.isoformat())
        try:
            async with self.runtime.sessions() as session:
                board = await ledger.sent(session, team_id, key)
        except DB_ERRORS as error:
            log.warning("today's board not found, posting in the channel: %r", error)
            return None
        return board.ts if board else None
