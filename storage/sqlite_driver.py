"""aiosqlite with one trip to its thread per statement instead of four.

aiosqlite runs ``sqlite3`` in a thread of its own and hands it one call at a time;
every call is a trip there and back (a queue, a wake-up, the GIL changing hands,
a future resolved from the other thread). SQLAlchemy's adapter makes four such calls
per statement: open a cursor, execute, fetch every row, close. On the check-in path
those trips cost more CPU than SQLite itself (about a fifth of the server's time
under load, in the py-spy profile of docs/PERFORMANCE.md), while SQLite answers in
microseconds. The cursor here does all four in one call, and ending a transaction
that is not open (SQLAlchemy rolls back every connection it takes back, after a
commit too) takes no trip at all.

The work stays in aiosqlite's thread, so a wait for another process's write lock (the
busy timeout) never stops the event loop.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiosqlite

Row = tuple[Any, ...]
Description = tuple[tuple[Any, ...], ...] | None


class OneTripConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors take one trip per statement. Whether a
    transaction is open is read from this thread: SQLAlchemy uses a connection for one
    thing at a time, so no statement is running in the other thread meanwhile."""

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    async def commit(self) -> None:
        if self._conn.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        if self._conn.in_transaction:
            await super().rollback()

    async def run(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """``work(sqlite3_connection)`` in the connection's thread, in one trip."""
        trip: Callable[[Callable[[], Any]], Awaitable[Any]] = self._execute  # untyped upstream
        return await trip(lambda: work(self._conn))


class OneTripCursor:
    """The part of aiosqlite's ``Cursor`` SQLAlchemy uses. Executing runs the statement
    and reads its rows in the connection's thread; fetching and closing then need no
    trip. (SQLAlchemy reads every row right after executing unless it streams, which
    Huddle never asks for.)"""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: list[Row] = []
        self.description: Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> OneTripCursor:
        def work(connection: sqlite3.Connection) -> tuple[list[Row], Description, int, int | None]:
            cursor = connection.cursor()
            try:
                cursor.execute(sql, parameters)
                rows = cursor.fetchall() if cursor.description else []
                return rows, cursor.description, cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        done = await self._connection.run(work)
        self._rows, self.description, self.rowcount, self.lastrowid = done
        return self

    async def executemany(self, sql: str, parameters: Sequence[Sequence[Any]]) -> OneTripCursor:
        def work(connection: sqlite3.Connection) -> tuple[int, int | None]:
            cursor = connection.cursor()
            try:
                cursor.executemany(sql, parameters)
                return cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        self._rows, self.description = [], None
        self.rowcount, self.lastrowid = await self._connection.run(work)
        return self

    async def fetchall(self) -> list[Row]:
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        self._rows = []


def connector(path: str) -> Callable[[], OneTripConnection]:
    """SQLAlchemy's ``async_creator`` for the database file at ``path``: the arguments
    its aiosqlite dialect would pass, on a :class:`OneTripConnection`."""

    def connect() -> OneTripConnection:
        connection = OneTripConnection(
            lambda: sqlite3.connect(path, check_same_thread=False), iter_chunk_size=64
        )
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own
        return connection

    return connect
