"""The two databases every storage-touching test runs on.

SQLite: a migrated template file, copied per test. PostgreSQL: one database per test
session, migrated once and emptied between tests. Where no PostgreSQL answers, its
tests skip with the reason — unless ``HUDDLE_REQUIRE_POSTGRES=1`` (set by ``.ci/run``),
which turns the skip into a failure.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.engine import create_engine
from storage.migrate import upgrade
from storage.models import Base

POSTGRES_URL = os.environ.get(
    "HUDDLE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("HUDDLE_REQUIRE_POSTGRES") == "1"


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class SqliteTemplate:
    def __init__(self, directory: Path) -> None:
        self.path = directory / "template.db"
        asyncio.run(_migrate(f"sqlite+aiosqlite:///{self.path}"))

    def fresh(self, directory: Path) -> str:
        target = directory / "huddle.db"
        shutil.copyfile(self.path, target)
        return f"sqlite+aiosqlite:///{target}"


class PostgresDatabase:
    """A throw-away database on the local server, dropped at the end of the session."""

    def __init__(self) -> None:
        self.name = f"huddle_test_{uuid.uuid4().hex[:12]}"
        self.error: str | None = None
        try:
            asyncio.run(self._execute(f'CREATE DATABASE "{self.name}"'))
        except (OSError, asyncpg.PostgresError) as error:
            self.error = f"{type(error).__name__}: {error}"
            return
        self.url = (
            make_url(POSTGRES_URL).set(database=self.name).render_as_string(hide_password=False)
        )
        asyncio.run(_migrate(self.url))

    async def _execute(self, statement: str) -> None:
        connection = await asyncio.wait_for(asyncpg.connect(_asyncpg_dsn(POSTGRES_URL)), 5)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    def fresh(self) -> str:
        if self.error is not None:
            reason = (
                f"PostgreSQL is not reachable at {make_url(POSTGRES_URL).render_as_string()} "
                f"({self.error}); PostgreSQL tests skipped. Start it or set "
                "HUDDLE_TEST_POSTGRES_URL."
            )
            if REQUIRE_POSTGRES:
                pytest.fail(reason + " HUDDLE_REQUIRE_POSTGRES=1 makes them mandatory.")
            pytest.skip(reason)
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        asyncio.run(self._truncate(tables))
        return self.url

    async def _truncate(self, tables: str) -> None:
        engine = create_engine(self.url)
        try:
            async with engine.begin() as connection:
                await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        finally:
            await engine.dispose()

    def drop(self) -> None:
        if self.error is None:
            asyncio.run(self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
