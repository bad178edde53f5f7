"""The migrations build exactly the schema the models describe, and the newest one
can be undone and redone (SQLite runs it in batch mode)."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage.engine import create_engine
from storage.migrate import alembic_config, upgrade
from storage.models import Base


def _differences(connection: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def _downgrade_to_initial(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "0001")


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


async def test_processed_events_migration_down_and_up(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_downgrade_to_initial)
            assert "processed_event" not in await connection.run_sync(_tables)
    finally:
        await upgrade(engine)
        async with engine.connect() as connection:
            assert "processed_event" in await connection.run_sync(_tables)
            assert await connection.run_sync(_differences) == []
        await engine.dispose()
