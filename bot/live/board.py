"""The daily huddle board, kept current in place as check-ins arrive."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.team import Team
from bot.domain.weeks import week_start
from bot.runtime import Runtime
from bot.runtime.batching import Pacer
from bot.team.state import board_of, load_state
from storage import ledger
from storage.ledger import HUDDLE

log = logging.getLogger(__name__)


UPDATE_INTERVAL_SECONDS = 2.0
"""Least time between two updates of one team's board. Slack allows ``chat.update``
about once a second on average (Tier 3); a busy team logs faster than that, and each
update loads and redraws the whole team. Whatever arrives in between is in the next."""


@dataclass
class BoardKeeper:
    """Keeps today's board current as check-ins arrive.

    Updates for one team never overlap, and a check-in during an update is followed by
    one more, so the last update always shows the latest state. The first check-in
    after a quiet spell updates the board at once; a burst, once every interval.
    """

    runtime: Runtime
    pacer: Pacer = field(default_factory=lambda: Pacer(UPDATE_INTERVAL_SECONDS))

    def refresh(self, client: AsyncWebClient, team: Team) -> None:
        """Bring the team's board up to date soon (in a task of its own)."""
        self.pacer.due(f"{team.workspace}:{team.channel}", lambda: self.update(client, team))

    async def update(self, client: AsyncWebClient, team: Team) -> None:
        """Update today's board now, if it was posted (``refresh`` paces calls to this)."""
        runtime = self.runtime
        today = runtime.today(None, team.settings.timezone)
        key = ledger.LedgerKey(HUDDLE, team.channel, today.isoformat())
        async with runtime.sessions() as session:
            board = await ledger.sent(session, team.workspace, key)
        if board is None or board.ts is None or board.channel is None:
            return
        week = week_start(today)
        state = await load_state(runtime, team, week, week)
        try:
            await client.chat_update(channel=board.channel, ts=board.ts, **board_of(state, today))
        except SlackApiError as error:
            log.warning("board update failed: %s", error.response.get("error"))
