"""A team: a huddle channel with its own managers, activities and settings, and the
rule for who on it is a rep.

Pure values, so the planner, the board and every command judge the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from bot.domain.activities import Activity, resolve_activity
from bot.domain.team_calendar import TeamCalendar
from bot.domain.team_settings import TeamSettings

FOUNDING_GRACE = timedelta(hours=1)
"""Members found within this long of a team's creation were there before it."""


@dataclass(frozen=True)
class Team:
    ref: int
    """The team's row: what its goals, activities and memberships point at."""
    workspace: str
    channel: str
    settings: TeamSettings
    activities: tuple[Activity, ...]
    """What the team counts now, in the order every message shows them."""
    retired: tuple[Activity, ...] = ()
    """Activities it counted once: their history still shows, nothing new is logged."""
    managers: frozenset[str] = frozenset()
    changed: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Setting word -> (user ID, ISO instant) of its last change in Slack."""
    created_at: datetime | None = None
    added_holidays: Mapping[date, str] = field(default_factory=dict)
    """Days the team added as holidays (day -> name)."""
    removed_holidays: frozenset[date] = frozenset()
    """Public holidays of its region the team works on."""

    @cached_property
    def calendar(self) -> TeamCalendar:
        """The team's holidays: its region's (the ``holidays`` setting), its own."""
        return TeamCalendar(self.settings.holidays, self.added_holidays, self.removed_holidays)

    def joined_later(self, joined_at: datetime) -> bool:
        """Whether someone first seen in the channel at ``joined_at`` joined an existing
        team (their first week is prorated from that day), rather than being there when
        it was set up, or when Huddle was upgraded to teams (judged from that week)."""
        return self.created_at is not None and joined_at > self.created_at + FOUNDING_GRACE

    def counts(self, key: str) -> bool:
        return any(a.key == key for a in self.activities)

    def resolve(self, name: str) -> Activity | None:
        """The active activity a typed name means on this team."""
        return resolve_activity(name, self.activities)

    def known(self, key: str) -> Activity | None:
        """An activity of this team's, active or retired (history names it)."""
        return next((a for a in (*self.activities, *self.retired) if a.key == key), None)


@dataclass(frozen=True)
class Seat:
    """A person's membership of one team, as the roster rules need it."""

    team_ref: int
    user_id: str
    in_channel: bool
    is_manager: bool
    on_roster: bool | None
    """A manager's choice (``/huddle rep add|remove``); None follows the channel."""
    joined_at: datetime | None = None
    """First seen in the channel (or put on the roster): weeks before are not judged."""


def is_rep(seat: Seat, *, human: bool, managers: frozenset[str]) -> bool:
    """SPEC: a human member of the channel who is not a manager of the team, nor a
    manager of another team sitting in it (``managers``: of every team in the
    workspace); a manager's ``rep add|remove`` wins."""
    if not human:
        return False
    if seat.on_roster is not None:  # a rep added by a manager still sits in the channel
        return seat.on_roster and seat.in_channel
    return seat.in_channel and seat.user_id not in managers


@dataclass(frozen=True)
class Teams:
    """A workspace's teams."""

    teams: tuple[Team, ...]

    def __iter__(self) -> Iterator[Team]:
        return iter(self.teams)

    def __len__(self) -> int:
        return len(self.teams)

    def by_channel(self, channel: str | None) -> Team | None:
        return next((t for t in self.teams if t.channel == channel), None) if channel else None

    def by_ref(self, ref: int) -> Team | None:
        return next((t for t in self.teams if t.ref == ref), None)

    @property
    def managers(self) -> frozenset[str]:
        """Managers of any team: none of them is a rep by sitting in a channel."""
        return frozenset().union(*(t.managers for t in self.teams))

    def rep_teams(self, seats: Iterable[Seat], *, human: bool) -> list[Team]:
        """The teams on which the person with these seats is a rep, in team order."""
        refs = {s.team_ref for s in seats if is_rep(s, human=human, managers=self.managers)}
        return [t for t in self.teams if t.ref in refs]

    def managed_by(self, user_id: str) -> list[Team]:
        return [t for t in self.teams if user_id in t.managers]
