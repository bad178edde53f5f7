"""What every handler and job shares: settings, the database, the clock, and the
small per-process caches in front of the database.

The teams cache: every check-in needs its workspace's teams (activities, settings,
managers), so each process keeps them for ``PEOPLE_TTL`` too; a change made here
(``/huddle setup``, ``settings``, ``activity``, ``manager``) drops them at once.

The people cache: every check-in needs the rep's name and timezone, and reading them
was a database trip in series with the check-in's own. So each process keeps who it
has read, for ``PEOPLE_TTL``. A change this process makes (the roster sync, the join,
leave and profile events, ``/huddle manager``) drops the entries it touched at once;
a change another instance made (Slack sends each event to one instance) is seen here
within ``PEOPLE_TTL``, when the entry is read again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.domain.settings import Settings
from bot.domain.team import Seat, Team, Teams
from bot.domain.team_settings import TeamSettings
from bot.domain.weeks import Clock, local_date
from bot.runtime.batching import Batcher
from storage import checkins, memberships, queries, teams
from storage.checkins import Pending, Stored
from storage.deadline import CommitPoint
from storage.engine import create_engine, session_factory
from storage.models import CheckIn, Membership, Person

PersonKey = tuple[str, str]
"""(team_id, user_id)"""
PEOPLE_TTL = timedelta(seconds=30)
"""How long a process trusts what it read about a person: the bound within which a
rename, join, leave or promotion handled by another instance is seen by this one
(a team's settings and activities likewise)."""


@dataclass(frozen=True)
class Known:
    """A person and their seats on the workspace's teams."""

    person: Person
    seats: tuple[Seat, ...]


def seat_of(membership: Membership) -> Seat:
    return Seat(
        membership.team_ref,
        membership.user_id,
        membership.in_channel,
        membership.is_manager,
        membership.on_roster,
        membership.joined_at,
    )


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    slack_http: aiohttp.ClientSession | None = None
    """The Web API client's connection pool, closed with the runtime (see
    ``bot.runtime.slack_client``)."""
    _teams: Batcher[str, Teams] = field(init=False)
    _known_teams: dict[str, tuple[datetime, Teams]] = field(default_factory=dict)
    _teams_changes: int = 0
    _people: Batcher[PersonKey, Known | None] = field(init=False)
    _known: dict[PersonKey, tuple[datetime, Known]] = field(default_factory=dict)
    """People read, with when: the people cache (see the module's docstring)."""
    _people_changes: int = 0
    """Counts ``forget_people`` calls: a read that started before a change must not
    put what it read into the cache after the change dropped it."""
    _checkins: Batcher[Pending, Stored] = field(init=False)

    def __post_init__(self) -> None:
        self._people = Batcher(self._load_people)
        self._teams = Batcher(self._load_teams)
        self._checkins = Batcher(self._store_checkins)

    @classmethod
    def create(cls, settings: Settings, clock: Clock) -> Runtime:
        engine = create_engine(settings.database_url)
        return cls(settings, engine, session_factory(engine), clock)

    def now(self) -> datetime:
        return self.clock()

    @property
    def team_defaults(self) -> TeamSettings:
        """A new team's settings: the ``HUDDLE_*`` variables."""
        return self.settings.team_defaults

    def zone(self, name: str | None, fallback: ZoneInfo | None = None) -> ZoneInfo:
        """A person's timezone as Slack reported it; ``fallback`` (their team's) when
        unknown or bogus, else the default for new teams."""
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                pass
        return fallback or self.settings.timezone

    def today(self, timezone: str | None = None, fallback: ZoneInfo | None = None) -> date:
        return local_date(self.now(), self.zone(timezone, fallback))

    async def teams(self, team_id: str) -> Teams:
        """The workspace's teams, from the teams cache when read less than
        ``PEOPLE_TTL`` ago; concurrent requests share one load."""
        now = self.now()
        known = self._known_teams.get(team_id)
        if known is not None and now - known[0] < PEOPLE_TTL:
            return known[1]
        changes = self._teams_changes
        loaded = await self._teams.submit(team_id)
        if changes == self._teams_changes:
            self._known_teams[team_id] = (now, loaded)
        return loaded

    def forget_teams(self, team_id: str) -> None:
        """This process changed the workspace's teams and committed."""
        self._teams_changes += 1
        self._known_teams.pop(team_id, None)

    async def _load_teams(self, team_ids: Sequence[str]) -> list[Teams]:
        async with self.sessions() as session:
            loaded = {w: await teams.load(session, w, self.team_defaults) for w in set(team_ids)}
        return [Teams(tuple(self._configured(t) for t in loaded[w])) for w in team_ids]

    def _configured(self, team: Team) -> Team:
        """``HUDDLE_MANAGERS`` are managers of the first team (``HUDDLE_CHANNEL``)."""
        if team.channel != self.settings.channel or not self.settings.managers:
            return team
        return replace(team, managers=team.managers | self.settings.managers)

    async def person(self, team_id: str, user_id: str) -> Person | None:
        known = await self.known(team_id, user_id)
        return known.person if known is not None else None

    async def known(self, team_id: str, user_id: str) -> Known | None:
        """The stored person, from the people cache when read less than ``PEOPLE_TTL``
        ago; otherwise concurrent requests share one query (``bot.runtime.batching``).
        The answer is shared: callers read it, never change it."""
        key, now = (team_id, user_id), self.now()
        known = self._known.get(key)
        if known is not None and now - known[0] < PEOPLE_TTL:
            return known[1]
        changes = self._people_changes
        person = await self._people.submit(key)
        if person is not None and changes == self._people_changes:
            self._known[key] = (now, person)
        return person

    def forget_people(self, team_id: str, user_ids: Collection[str] | None = None) -> None:
        """This process changed these people (None: anyone on the team) and committed:
        the next lookup reads them again."""
        self._people_changes += 1
        for key in list(self._known):
            if key[0] == team_id and (user_ids is None or key[1] in user_ids):
                del self._known[key]

    async def store_checkin(
        self, candidate: CheckIn, *, allow_repeat: bool, commit: CommitPoint | None = None
    ) -> Stored:
        """Commit a check-in; concurrent ones share one transaction (group commit)."""
        return await self._checkins.submit(Pending(candidate, allow_repeat, commit))

    async def _load_people(self, keys: Sequence[PersonKey]) -> list[Known | None]:
        by_team: dict[str, set[str]] = defaultdict(set)
        for team_id, user_id in keys:
            by_team[team_id].add(user_id)
        found: dict[PersonKey, Known] = {}
        async with self.sessions() as session:
            for team_id, user_ids in by_team.items():
                seats: dict[str, list[Seat]] = defaultdict(list)
                for membership in await memberships.of_people(session, team_id, user_ids):
                    seats[membership.user_id].append(seat_of(membership))
                for person in await queries.people(session, team_id, user_ids):
                    found[(team_id, person.user_id)] = Known(person, tuple(seats[person.user_id]))
        return [found.get(key) for key in keys]

    async def _store_checkins(self, group: Sequence[Pending]) -> list[Stored]:
        async with self.sessions.begin() as session:
            return await checkins.store(session, group)

    async def close(self) -> None:
        if self.slack_http is not None:
            await self.slack_http.close()
        await self.engine.dispose()
