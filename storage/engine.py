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

PostgreSQL gets bounds on every wait, so that a network partition costs seconds once
it ends, not the minutes TCP takes to give up on a connection whose packets are lost:
connecting, each statement, waiting for a free connection, and a ping of each pooled
connection as it is handed out (a connection caught in the partition is replaced
instead of handed to a request that would then wait on it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import sqlite_driver
from storage.errors import DB_ERRORS

SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_CONNECT_TIMEOUT_SECONDS = 3
POSTGRES_COMMAND_TIMEOUT_SECONDS = 5
"""No statement Huddle sends takes a fraction of this. Without a bound, a connection
whose packets are lost in a network partition waits for TCP to give up (many
minutes), holding its place in the pool after the network is back, so Huddle would
stay down long after its database came back. A full pool frees up within this."""
POSTGRES_POOL_TIMEOUT_SECONDS = POSTGRES_COMMAND_TIMEOUT_SECONDS
"""How long work waits for a free connection: about as long as it takes a stuck one
to be given up (a request has long had its answer by then, see
``storage.deadline``)."""
POSTGRES_PING_TIMEOUT_SECONDS = 1.0
"""A pooled connection that does not answer ``SELECT 1`` within this is dropped and
replaced before it is used. A round trip takes about a millisecond; a second leaves
room for a busy server while a request still has time for its work."""


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    if not is_sqlite(url):
        timeouts = {
            "timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS,
            "command_timeout": POSTGRES_COMMAND_TIMEOUT_SECONDS,
        }
        engine = create_async_engine(
            url, pool_timeout=POSTGRES_POOL_TIMEOUT_SECONDS, connect_args=timeouts, **kwargs
        )
        _ping_on_checkout(engine)
        return engine
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


def _ping_on_checkout(engine: AsyncEngine) -> None:
    """SQLAlchemy's ``pool_pre_ping``, with a timeout of its own: that one waits for the
    command timeout on a connection lost in a partition, and then as long again to
    close it gracefully, so every request in those seconds would fail."""

    @event.listens_for(engine.sync_engine, "checkout")
    def ping(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        try:
            dbapi_connection.run_async(
                lambda raw: raw.execute("SELECT 1", timeout=POSTGRES_PING_TIMEOUT_SECONDS)
            )
        except DB_ERRORS as error:
            dbapi_connection.driver_connection.terminate()  # closed at once, no goodbye
            raise DisconnectionError(f"pooled connection is gone: {error!r}") from error


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
