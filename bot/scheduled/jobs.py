"""The scheduled jobs: load the team's state, plan, deliver; and the live board.

The scheduler's tick, ``huddle nudge`` and ``huddle summary`` all come through
``run_due``; the difference is only the ``Force`` they pass to the planner.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.weeks import local_date
from bot.messages.weekly_charts import SummaryChart
from bot.runtime import Runtime
from bot.scheduled.planner import HISTORY_WEEKS, Force, Plan, plan, weeks_to_load
from bot.scheduled.sender import Report, Sender
from bot.team.roster import sync_roster
from bot.team.state import load_state
from storage.ledger import SUMMARY, SUMMARY_CHART

log = logging.getLogger(__name__)


async def run_due(
    runtime: Runtime,
    client: AsyncWebClient,
    team_id: str,
    *,
    force: Force | None = None,
    dry_run: bool = False,
    stopping: asyncio.Event | None = None,
) -> tuple[Plan, Report]:
    """Plan and deliver what is due; once ``stopping`` is set, nothing more is claimed."""
    now = runtime.now()
    first, last = weeks_to_load(now, runtime.settings)
    if force is not None:
        first = min(first, force.week - timedelta(weeks=HISTORY_WEEKS - 1))
        last = max(last, force.week)
    state = await load_state(runtime, team_id, first, last)
    due = plan(now, runtime.settings, state, force)
    if dry_run:
        return due, Report()
    report = await Sender(runtime, client, stopping).deliver(team_id, due)
    return due, report


async def summary_chart(runtime: Runtime, team_id: str, week: date) -> SummaryChart:
    """The chart ``week``'s summary carries (or would): planned exactly as the summary
    is, from a state that has sent nothing yet, so ``huddle report`` draws the same."""
    state = await load_state(runtime, team_id, week - timedelta(weeks=HISTORY_WEEKS - 1), week)
    unsent = replace(state, ledger={})
    due = plan(runtime.now(), runtime.settings, unsent, Force(frozenset({SUMMARY}), week))
    [chart] = [s.upload.chart for s in due.sends if s.upload and s.key.kind == SUMMARY_CHART]
    assert isinstance(chart, SummaryChart)
    return chart


@dataclass
class Ticker:
    """One tick: refresh the roster once a day, then send whatever is due."""

    runtime: Runtime
    client: AsyncWebClient
    team_id: str
    roster_day: date | None = None
    """The team-local day the roster was last loaded (start-up loads it)."""
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the process stops: the tick in progress sends nothing new."""

    async def tick(self) -> Report:
        today = local_date(self.runtime.now(), self.runtime.settings.timezone)
        if self.roster_day != today:
            try:
                await sync_roster(self.runtime, self.client, self.team_id)
                self.roster_day = today
            except SlackApiError as error:
                log.warning("roster refresh failed: %s", error.response.get("error"))
        _, report = await run_due(self.runtime, self.client, self.team_id, stopping=self.stopping)
        return report
