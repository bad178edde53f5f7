"""The upgrade to teams (migration 0004) keeps every row of a one-team database: the
roster and managers become the first team's memberships, goals and activities its own,
each check-in's line is still found for an undo, and no digest goes out twice."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from bot.domain.activities import BUILT_IN
from storage import memberships, queries, teams
from storage.engine import create_engine, session_factory
from storage.migrate import alembic_config, upgrade
from storage.models import Goal, SendLedger
from tests.conftest import CHANNEL

WORKSPACE = "T0OLD"
BEFORE = datetime(2026, 11, 2, 9, tzinfo=UTC)


def _to(revision: str) -> object:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    return run


OLD_ROWS = [
    "INSERT INTO person (team_id, user_id, display_name, timezone, is_manager, is_bot,"
    " is_deleted, in_channel, updated_at, first_seen) VALUES"
    " ('T0OLD', 'UREP', 'Rita', 'America/New_York', FALSE, FALSE, FALSE, TRUE, :at, :at),"
    " ('T0OLD', 'UBOSS', 'Bo', NULL, TRUE, FALSE, FALSE, FALSE, :at, :at),"
    " ('T0OLD', 'UELSE', 'Elsa', NULL, FALSE, FALSE, FALSE, FALSE, :at, :at)",
    "INSERT INTO activity_type (team_id, key, singular, plural) VALUES"
    " ('T0OLD', 'meeting', 'meeting', 'meetings'), ('T0OLD', 'call', 'call', 'calls')",
    "INSERT INTO goal (team_id, activity, user_id, valid_from, target, updated_by, updated_at)"
    " VALUES ('T0OLD', 'meeting', '*', '2000-01-03', 6, 'config', :at),"
    " ('T0OLD', 'meeting', 'UREP', '2026-11-02', 8, 'UBOSS', :at)",
    "INSERT INTO checkin (id, team_id, user_id, activity, count, day, note, source,"
    " created_at, announcement_channel, announcement_ts) VALUES"
    " (1, 'T0OLD', 'UREP', 'meeting', 2, '2026-11-03', 'Q&A', 'command', :at, :channel, '1.5')",
    "INSERT INTO send_ledger (team_id, kind, recipient, period, state, attempts, claimed_at)"
    " VALUES ('T0OLD', 'nudge', 'UREP', '2026-W45', 'sent', 1, :at),"
    " ('T0OLD', 'digest', 'UBOSS', '2026-W45', 'sent', 1, :at),"
    " ('T0OLD', 'digest', 'UBOSS#2', '2026-W45', 'sent', 1, :at),"
    " ('T0OLD', 'summary', :channel, '2026-W45', 'sent', 1, :at)",
]


async def test_a_one_team_database_upgrades_with_every_row(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_to("0003"))
            for statement in OLD_ROWS:
                await connection.execute(text(statement), {"at": BEFORE, "channel": CHANNEL})
        await upgrade(engine)
        sessions = session_factory(engine)
        now = datetime(2026, 12, 2, 9, tzinfo=UTC)
        async with sessions.begin() as session:
            await teams.ensure_first_team(
                session, WORKSPACE, CHANNEL, {}, BUILT_IN, {"meeting": 3}, now
            )
        async with sessions() as session:
            defaults = _defaults()
            [team] = await teams.load(session, WORKSPACE, defaults)
            seats = {m.user_id: m for m in await memberships.of_workspace(session, WORKSPACE)}
            goals = list(await session.scalars(select(Goal).order_by(Goal.user_id)))
            lines = await queries.announcements(session, 1)
            ledger = {
                (row.kind, row.recipient) for row in await session.scalars(select(SendLedger))
            }
            weeks = await queries.load_weeks(
                session, WORKSPACE, None, date(2026, 11, 2), date(2026, 11, 2)
            )
    finally:
        await engine.dispose()

    assert team.channel == CHANNEL
    assert [a.key for a in team.activities][:2] == ["meeting", "call"]
    assert team.counts("followup")  # the built-ins it lacked are added
    assert team.managers == frozenset({"UBOSS"})
    assert set(seats) == {"UREP", "UBOSS"}  # people off the channel had no seat
    assert seats["UREP"].in_channel and seats["UREP"].joined_at == BEFORE
    assert not seats["UBOSS"].in_channel and seats["UBOSS"].is_manager
    # The old goals are kept (not replaced by the configured ones), now the team's.
    assert [(g.user_id, g.target, g.team_ref) for g in goals] == [
        ("*", 6, team.ref),
        ("UREP", 8, team.ref),
    ]
    assert lines == [(CHANNEL, "1.5")]
    assert weeks.totals[("UREP", date(2026, 11, 2))] == {"meeting": 2}
    assert ledger == {
        ("nudge", "UREP"),
        ("digest", f"UBOSS@{team.ref}"),
        ("digest", f"UBOSS@{team.ref}#2"),
        ("summary", CHANNEL),
    }


def _defaults():  # type: ignore[no-untyped-def]
    from bot.domain.settings import load_settings

    return load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "HUDDLE_CHANNEL": CHANNEL}
    ).team_defaults
