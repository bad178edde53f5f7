"""What every handler and job shares: settings, the database, the clock, and the
small per-process caches in front of the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.board import BoardKeeper
from bot.settings import Settings
from bot.weeks import Clock, local_date
from commands.activities import BUILT_IN, Activity
from storage import queries
from storage.engine import create_engine, session_factory


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    boards: BoardKeeper = field(default_factory=BoardKeeper)
    slack_http: aiohttp.ClientSession | None = None
    """The Web API client's connection pool, closed with the runtime (see ``bot.app``)."""
    _activities: dict[str, list[Activity]] = field(default_factory=dict)

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

    async def close(self) -> None:
        if self.slack_http is not None:
            await self.slack_http.close()
        await self.engine.dispose()
