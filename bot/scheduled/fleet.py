"""The tick for every installed workspace (OAuth mode): each one's rosters, boards,
nudges and summaries, for all its teams in one pass (``run_due``), with its own token.

Which workspaces is read on every tick (one query), so an install or an uninstall
handled by any instance counts from the next minute; an uninstalled workspace is
simply not on the list, so nothing of it is claimed or retried. Slack's revocation
events say so (``bot.serving.installs``); should one never arrive, a tick whose sends
Slack refuses because the token is dead records the uninstall itself. A workspace's ticker
(its client and pacer, its roster day) lives as long as the install it was made for;
a reinstall makes a new one with the new token.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.runtime import Runtime
from bot.runtime.slack_client import shared_connections, web_client
from bot.scheduled.jobs import Ticker
from bot.scheduled.sender import Report
from storage import workspaces

log = logging.getLogger(__name__)

REVOKED = frozenset({"invalid_auth", "token_revoked", "account_inactive"})
"""Slack's answers to a token that no longer works: the workspace uninstalled Huddle."""

TokenOf = Callable[[str], Awaitable[str | None]]
"""A workspace's bot token, from the installation store; None when it has none."""


@dataclass
class Fleet:
    runtime: Runtime
    token_of: TokenOf
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the process stops: the tick in progress sends nothing new."""
    _tickers: dict[str, tuple[datetime, Ticker]] = field(default_factory=dict)

    async def tick(self) -> Report:
        async with self.runtime.sessions() as session:
            installed = await workspaces.installed_workspaces(session)
        total = Report()
        for row in installed:
            if self.stopping.is_set():
                break
            ticker = await self._ticker(row.team_id, row.installed_at)
            if ticker is None:
                continue
            try:
                report = await ticker.tick()
            except Exception:  # one workspace's trouble must not hold back the others
                log.exception("the tick of workspace %s failed; the others go on", row.team_id)
                continue
            _add(total, report)
            if any(reason in REVOKED for _, reason in report.failed):
                await self._revoked(row.team_id)
        for gone in self._tickers.keys() - {row.team_id for row in installed}:
            del self._tickers[gone]
        return total

    async def _revoked(self, team_id: str) -> None:
        async with self.runtime.sessions.begin() as session:
            await workspaces.record_uninstall(session, team_id, self.runtime.now())
        log.warning("workspace %s: Slack refuses its token; nothing more is sent there", team_id)

    async def _ticker(self, team_id: str, installed_at: datetime) -> Ticker | None:
        known = self._tickers.get(team_id)
        if known is not None and known[0] == installed_at:
            return known[1]
        token = await self.token_of(team_id)
        if token is None:
            log.warning("workspace %s has no bot token; skipped until reinstalled", team_id)
            return None
        client = shared_connections(web_client(self.runtime, token), self.runtime)
        ticker = Ticker(self.runtime, client, team_id, stopping=self.stopping)
        self._tickers[team_id] = (installed_at, ticker)
        return ticker


def _add(total: Report, report: Report) -> None:
    for name in vars(total):
        getattr(total, name).extend(getattr(report, name))
