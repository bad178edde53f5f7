"""Throw-away databases for a benchmark run: the test suite's own (``tests.databases``),
so SQLite and PostgreSQL are set up exactly as the tests set them up."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.databases import PostgresDatabase, SqliteTemplate

KINDS = ("sqlite", "postgresql")


@contextmanager
def database(kind: str) -> Iterator[str]:
    """The URL of a migrated, empty database of ``kind``, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite+aiosqlite:///{SqliteTemplate(Path(directory)).path}"
        return
    postgres = PostgresDatabase()
    if postgres.error is not None:
        raise RuntimeError(f"PostgreSQL is needed for the benchmark: {postgres.error}")
    try:
        yield postgres.url
    finally:
        postgres.drop()
