"""A team's planner input built in memory, for the pure planner and chart tests: one
builder instead of a ``Team`` and a ``TeamState`` spelled out in every test file."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from bot.domain.activities import BUILT_IN, Activity
from bot.domain.settings import Settings
from bot.domain.team import Team
from bot.team.state import Member, TeamState
from storage.ledger import LedgerKey, LedgerRow
from storage.queries import WeeksData

TEAM_REF = 1


def team_state(
    settings: Settings,
    reps: Sequence[Member],
    managers: Iterable[str],
    weeks: WeeksData,
    *,
    ledger: Mapping[LedgerKey, LedgerRow] | None = None,
    activities: Sequence[Activity] = BUILT_IN,
    workspace: str = "T1",
    ref: int = TEAM_REF,
    channel: str | None = None,
) -> TeamState:
    """A team of ``workspace`` in ``settings.channel`` (unless ``channel``) running with
    ``settings``' team defaults; its goals are ``weeks.goals[ref]``."""
    managed = list(managers)
    team = Team(
        ref,
        workspace,
        channel or settings.channel,
        settings.team_defaults,
        tuple(activities),
        managers=frozenset(managed),
    )
    return TeamState(team, reps, managed, weeks, ledger or {})


def configured(state: TeamState, settings: Settings) -> TeamState:
    """The same team running with ``settings`` (its timezone, schedule and limits)."""
    return replace(state, team=replace(state.team, settings=settings.team_defaults))
