"""Claims given back at a stop (``storage.ledger.release``) leave the ledger as if they
had never been made, so the next run anywhere sends those messages at once; on SQLite
and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import ledger
from storage.engine import create_engine, session_factory
from storage.ledger import FAILED, NUDGE, LedgerKey, Release

TEAM = "T0HUDDLE"
NOW = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
ALICE, BOB = LedgerKey(NUDGE, "UALICE", "2026-W48"), LedgerKey(NUDGE, "UBOB", "2026-W48")


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield session_factory(engine)
    await engine.dispose()


async def rows(sessions: async_sessionmaker[AsyncSession]) -> dict[LedgerKey, ledger.LedgerRow]:
    async with sessions() as session:
        return await ledger.load(session, TEAM, ["2026-W48"])


async def test_a_new_claim_given_back_is_gone(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        claimed = await ledger.claim_new(session, [(TEAM, ALICE), (TEAM, BOB)], NOW)
    async with sessions.begin() as session:
        await ledger.release(session, [Release(claimed[(TEAM, ALICE)], None)])
    assert set(await rows(sessions)) == {BOB}
    async with sessions.begin() as session:  # free for anyone to claim again, at once
        assert (TEAM, ALICE) in await ledger.claim_new(session, [(TEAM, ALICE)], NOW)


async def test_a_taken_over_row_gets_its_state_back(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        first = (await ledger.claim_new(session, [(TEAM, ALICE)], NOW))[(TEAM, ALICE)]
        await ledger.record(session, [ledger.Outcome(first.id, FAILED, error="boom")], NOW)
    failed = (await rows(sessions))[ALICE]
    later = NOW + timedelta(minutes=1)
    async with sessions.begin() as session:
        taken = await ledger.reclaim(session, failed, later)
    assert taken is not None and taken.attempts == 2
    async with sessions.begin() as session:
        await ledger.release(session, [Release(taken, failed)])
    assert (await rows(sessions))[ALICE] == failed


async def test_a_claim_someone_else_took_over_is_left_alone(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        mine = (await ledger.claim_new(session, [(TEAM, ALICE)], NOW))[(TEAM, ALICE)]
    async with sessions.begin() as session:  # our lease ran out; another instance took it
        theirs = await ledger.reclaim(session, mine, NOW + timedelta(minutes=6))
    async with sessions.begin() as session:
        await ledger.release(session, [Release(mine, None)])
    assert (await rows(sessions))[ALICE] == theirs
