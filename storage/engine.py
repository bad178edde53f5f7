"""Engines and sessions for SQLite (embedded default) and PostgreSQL.

SQLite gets WAL (readers never wait for the writer), a busy timeout, and
``BEGIN IMMEDIATE`` for every transaction: a read-then-write transaction that
started as a reader can otherwise fail with "database is locked" the moment it
tries to write, whatever the busy timeout says.

SQLite writes one transaction at a time whatever the number of connections, so a
process keeps a single connection: its transactions queue in asyncio instead of
contending for the file lock, where SQLite's busy handler sleeps in steps of up to
100 ms (multi-second tails under load). Another process (the CLI, a second
instance) still waits through the busy timeout. Statements take one trip to
aiosqlite's thread instead of four (``storage.sqlite_driver``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import sqlite_driver

SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_CONNECT_TIMEOUT_SECONDS = 3
POSTGRES_COMMAND_TIMEOUT_SECONDS = 10
"""No statement Huddle sends takes a fraction of this. Without a bound, a connection
whose packets are lost in a network partition waits for TCP to give up (many
minutes), holding its place in the pool after the network is back, so Huddle would
stay down long after its database came back."""


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    if not is_sqlite(url):
        timeouts = {
            "timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS,
            "command_timeout": POSTGRES_COMMAND_TIMEOUT_SECONDS,
        }
        return create_async_engine(url, pool_pre_ping=True, connect_args=timeouts, **kwargs)
    path = str(make_url(url).database)
    engine = create_async_engine(
        url,
        pool_size=1,  # see above
        max_overflow=0,
        async_creator=sqlite_driver.connector(path),
        **kwargs,
    )
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements ``engine`` sends while the block runs: what the statement-count
    guards in the tests and the benchmark count."""
    seen: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
