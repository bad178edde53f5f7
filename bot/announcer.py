"""Posting the team's check-in lines: in today's huddle thread when there is one, and
never faster than Slack accepts messages in one channel.

The first check-in after a quiet spell is posted at once, alone, as it always was.
Check-ins that arrive while a post is in flight or within a second of the last one
wait for the next post and share it, one line each. A burst of check-ins then costs
Slack (and this process) one post and one database write a second, not one each.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.batching import Pacer
from bot.messages import Message
from bot.messages.announcements import Line, grouped
from bot.planner import HUDDLE
from storage import ledger, queries

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

POST_INTERVAL_SECONDS = 1.0
"""Slack posts about one message a second per channel and rate-limits bursts beyond."""


@dataclass
class Announcer:
    pacer: Pacer = field(default_factory=lambda: Pacer(POST_INTERVAL_SECONDS))
    _waiting: dict[str, list[tuple[date, Line]]] = field(default_factory=lambda: defaultdict(list))

    def announce(
        self, runtime: Runtime, client: AsyncWebClient, team_id: str, checkin_id: int, line: Message
    ) -> None:
        """Post the line soon (in a task of its own), in the thread of today's board."""
        self._waiting[team_id].append((runtime.today(), (checkin_id, line)))
        self.pacer.due(team_id, lambda: self._post(runtime, client, team_id))

    async def _post(self, runtime: Runtime, client: AsyncWebClient, team_id: str) -> None:
        """Post what is waiting and remember where, so an undo can strike its line.
        Failures are logged, not shown: the check-ins are safe and every rep already
        has their receipt."""
        by_day: dict[date, list[Line]] = defaultdict(list)
        for day, line in self._waiting.pop(team_id, []):
            by_day[day].append(line)
        posts = []
        for day, lines in by_day.items():
            posts += await self._send(runtime, client, team_id, day, lines)
        try:
            async with runtime.sessions.begin() as session:
                for ids, channel, ts in posts:
                    await queries.set_announcement(session, ids, channel, ts)
        except SQLAlchemyError as error:
            log.warning("where check-ins %s were announced is not saved: %r", posts, error)

    async def _send(
        self, runtime: Runtime, client: AsyncWebClient, team_id: str, day: date, lines: list[Line]
    ) -> list[tuple[list[int], str, str]]:
        """Each group's (check-in ids, channel, ts), up to the first post that failed."""
        channel = runtime.settings.channel
        posts: list[tuple[list[int], str, str]] = []
        try:
            key = ledger.LedgerKey(HUDDLE, channel, day.isoformat())
            async with runtime.sessions() as session:
                board = await ledger.sent(session, team_id, key)
            for ids, message in grouped(lines):
                posted = await client.chat_postMessage(
                    channel=channel, thread_ts=board.ts if board else None, **message
                )
                posts.append((ids, posted["channel"], posted["ts"]))
        except (SlackApiError, SQLAlchemyError, OSError) as error:
            log.warning("announcement of check-ins %s failed: %r", [i for i, _ in lines], error)
        return posts
