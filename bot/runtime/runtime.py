"""What every handler and job shares: settings, the database, the clock, and the
small per-process caches in front of the database.

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
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.domain.activities import BUILT_IN, Activity
from bot.domain.settings import Settings
from bot.domain.weeks import Clock, local_date
from bot.runtime.batching import Batcher
from storage import checkins, queries
from storage.checkins import Pending, Stored
from storage.deadline import CommitPoint
from storage.engine import create_engine, session_factory
from storage.models import CheckIn, Person

PersonKey = tuple[str, str]
"""(team_id, user_id)"""
PEOPLE_TTL = timedelta(seconds=30)
"""How long a process trusts what it read about a person: the bound within which a
rename, join, leave or promotion handled by another instance is seen by this one."""


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    slack_http: aiohttp.ClientSession | None = None
    """The Web API client's connection pool, closed with the runtime (see
    ``bot.runtime.slack_client``)."""
    _activities: dict[str, list[Activity]] = field(default_factory=dict)
    _people: Batcher[PersonKey, Person | None] = field(init=False)
    _known: dict[PersonKey, tuple[datetime, Person]] = field(default_factory=dict)
    """People read, with when: the people cache (see the module's docstring)."""
    _people_changes: int = 0
    """Counts ``forget_people`` calls: a read that started before a change must not
    put what it read into the cache after the change dropped it."""
    _checkins: Batcher[Pending, Stored] = field(init=False)

    def __post_init__(self) -> None:
        self._people = Batcher(self._load_people)
        self._checkins = Batcher(self._store_checkins)

    @classmethod
    def create(cls, settings: Settings, clock: Clock) -> Runtime:
        engine = create_engine(settings.database_url)
        return cls(settings, engine, session_factory(engine), clock)

    def now(self) -> datetime:
        return self.clock()

    def zone(self, name: str | None) -> ZoneInfo:
        """A rep's timezone as Slack reported it; the team's when unknown or bogus."""
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                pass
        return self.settings.timezone

    def today(self, timezone: str | None = None) -> date:
        return local_date(self.now(), self.zone(timezone))

    async def activities(self, team_id: str) -> list[Activity]:
        """The team's activities, seeding the built-ins and configured goals the first
        time this process sees the workspace."""
        if team_id not in self._activities:
            async with self.sessions.begin() as session:
                await queries.seed_team(session, team_id, BUILT_IN, self.settings.goals, self.now())
                self._activities[team_id] = await queries.team_activities(session, team_id)
        return self._activities[team_id]

    async def person(self, team_id: str, user_id: str) -> Person | None:
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

    async def _load_people(self, keys: Sequence[PersonKey]) -> list[Person | None]:
        by_team: dict[str, set[str]] = defaultdict(set)
        for team_id, user_id in keys:
            by_team[team_id].add(user_id)
        found: dict[PersonKey, Person] = {}
        async with self.sessions() as session:
            for team_id, user_ids in by_team.items():
                for person in await queries.people(session, team_id, user_ids):
                    found[(team_id, person.user_id)] = person
        return [found.get(key) for key in keys]

    async def _store_checkins(self, group: Sequence[Pending]) -> list[Stored]:
        async with self.sessions.begin() as session:
            return await checkins.store(session, group)

    async def close(self) -> None:
        if self.slack_http is not None:
            await self.slack_http.close()
        await self.engine.dispose()
