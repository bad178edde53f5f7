"""Where the tests look up a person's place on the first team (``HUDDLE_CHANNEL``)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from storage import memberships
from storage.models import Membership
from tests.conftest import MANAGER, Running

FIRST_TEAM = 1
"""The first team's ref in a fresh database: the one made from ``HUDDLE_CHANNEL``."""
MANAGER_DIGEST = f"{MANAGER}@{FIRST_TEAM}"
"""The ledger's recipient of the manager's digest of the first team."""


async def seat(running: Running, user_id: str) -> Membership | None:
    """The person's membership of the first team, as stored."""
    async with running.huddle.runtime.sessions() as session:
        rows = await memberships.of_people(session, running.huddle.team_id, [user_id])
    return next((row for row in rows if row.team_ref == FIRST_TEAM), None)


async def joined_long_ago(
    running: Running, when: datetime = datetime(2026, 10, 1, tzinfo=UTC)
) -> None:
    """The fixture's team was set up when the test began; a test that travels back
    in time has its members join before that (as they would have, in a real week)."""
    async with running.huddle.runtime.sessions.begin() as session:
        await session.execute(update(Membership).values(joined_at=when))
    running.huddle.runtime.forget_people(running.huddle.team_id)
