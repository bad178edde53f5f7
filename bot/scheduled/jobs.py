"""The scheduled jobs: load the teams' state, plan, deliver.

The scheduler's tick, ``huddle nudge`` and ``huddle summary`` all come through
``run_due``; the difference is only the ``Force`` they pass to the planner.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.team import Team
from bot.messages.weekly_charts import SummaryChart
from bot.runtime import Runtime
from bot.scheduled.planner import HISTORY_WEEKS, Force, Plan, plan, weeks_to_load
from bot.scheduled.sender import Report, Sender
from bot.team.roster import out_of_office, sync_roster
from bot.team.state import TeamState, load_state, load_states
from storage import ledger
from storage.ledger import NUDGE, SUMMARY, SUMMARY_CHART

log = logging.getLogger(__name__)


async def run_due(
    runtime: Runtime,
    client: AsyncWebClient,
    team_id: str,
    *,
    force: Force | None = None,
    dry_run: bool = False,
    stopping: asyncio.Event | None = None,
    only: Team | None = None,
) -> tuple[Plan, Report]:
    """Plan and deliver what is due for every team of the workspace (``only`` one);
    once ``stopping`` is set, nothing more is claimed. When nudges are due, the Slack
    statuses are read first: a rep out of office is not nudged, and that is recorded.

    Nudges are always planned over every team, since a rep's one nudge of the week
    lists each of their teams; with ``only``, just the nudges of its reps go out."""
    now = runtime.now()
    nudges_of = only if force is not None and NUDGE in force.kinds else None
    if nudges_of is not None:
        only = None
    teams = [only] if only is not None else list(await runtime.teams(team_id))
    first, last = weeks_to_load(now, [(t.settings, t.calendar) for t in teams])
    if force is not None:
        first = min(first, force.week - timedelta(weeks=HISTORY_WEEKS - 1))
        last = max(last, force.week)
    states = await load_states(runtime, team_id, first, last, only=only)
    due = plan(now, states, force)
    if due.nudges_due:  # the statuses, looked up once for the whole fan-out
        due = plan(now, states, force, await out_of_office(runtime, client))
    if nudges_of is not None:
        due = _to_reps_of(due, states, nudges_of)
    if dry_run:
        return due, Report()
    if due.out_of_office:
        async with runtime.sessions.begin() as session:
            await ledger.mark_out_of_office(session, team_id, due.out_of_office, now)
    report = await Sender(runtime, client, stopping).deliver(team_id, due)
    return due, report


def _to_reps_of(due: Plan, states: Sequence[TeamState], team: Team) -> Plan:
    """Only what goes to ``team``'s reps (``huddle nudge --team``)."""
    reps = {rep.user_id for state in states if state.team == team for rep in state.reps}
    return Plan(
        [send for send in due.sends if send.to in reps],
        [(key, why) for key, why in due.skipped if key.recipient in reps],
        [key for key in due.out_of_office if key.recipient in reps],
    )


async def summary_chart(runtime: Runtime, team: Team, week: date) -> SummaryChart:
    """The chart ``week``'s summary carries (or would): planned exactly as the summary
    is, from a state that has sent nothing yet, so ``huddle report`` draws the same."""
    state = await load_state(runtime, team, week - timedelta(weeks=HISTORY_WEEKS - 1), week)
    unsent = replace(state, ledger={})
    due = plan(runtime.now(), [unsent], Force(frozenset({SUMMARY}), week))
    [chart] = [s.upload.chart for s in due.sends if s.upload and s.key.kind == SUMMARY_CHART]
    assert isinstance(chart, SummaryChart)
    return chart


@dataclass
class Ticker:
    """One tick: refresh the rosters once a day, then send whatever is due."""

    runtime: Runtime
    client: AsyncWebClient
    team_id: str
    roster_day: date | None = None
    """The day (UTC) the rosters were last loaded (start-up loads them)."""
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the process stops: the tick in progress sends nothing new."""

    async def tick(self) -> Report:
        today = self.runtime.now().date()
        if self.roster_day != today:
            try:
                await sync_roster(self.runtime, self.client, self.team_id)
                self.roster_day = today
            except SlackApiError as error:
                log.warning("roster refresh failed: %s", error.response.get("error"))
        _, report = await run_due(self.runtime, self.client, self.team_id, stopping=self.stopping)
        return report
