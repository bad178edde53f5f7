"""teams: a workspace holds many teams (huddle channels); goals, activities and roles
belong to a team; a check-in's line is kept per channel

The one team of one-team Huddle becomes each workspace's first team. It has no
channel yet: start-up gives it ``HUDDLE_CHANNEL`` (``storage.teams.ensure_first_team``).
Every row is kept: the roster, the managers and everyone with a check-in become
memberships (judged from when Huddle first knew them, as before; their history stays in
the team's export), goals and activities move to the team, and the ledger's
digest rows take the team into their recipient so no digest goes out twice.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUILT_IN_ORDER = {"meeting": 0, "call": 1, "followup": 2, "referral": 3}


def _create_tables() -> None:
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("team_id", "channel_id", name=op.f("uq_team_team_id")),
    )
    op.create_table(
        "membership",
        sa.Column("team_ref", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("in_channel", sa.Boolean(), nullable=False),
        sa.Column("is_manager", sa.Boolean(), nullable=False),
        sa.Column("on_roster", sa.Boolean(), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_ref", "user_id", name=op.f("pk_membership")),
    )
    op.create_index("ix_membership_team_id_user_id", "membership", ["team_id", "user_id"])
    op.create_table(
        "team_activity",
        sa.Column("team_ref", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("singular", sa.String(length=64), nullable=False),
        sa.Column("plural", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_ref", "key", name=op.f("pk_team_activity")),
    )
    op.create_table(
        "announcement",
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("checkin_id", "channel", name=op.f("pk_announcement")),
    )
    op.create_index("ix_announcement_channel_ts", "announcement", ["channel", "ts"])


def upgrade() -> None:
    _create_tables()
    bind = op.get_bind()
    now = datetime.now(UTC)
    workspaces = bind.execute(
        sa.text(
            "SELECT team_id FROM person UNION SELECT team_id FROM activity_type"
            " UNION SELECT team_id FROM goal UNION SELECT team_id FROM checkin"
            " UNION SELECT team_id FROM send_ledger"
        )
    ).scalars()
    team = sa.table(
        "team",
        sa.column("team_id", sa.String),
        sa.column("settings", sa.JSON),
        sa.column("changed", sa.JSON),
        sa.column("created_by", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    rows = [
        dict(team_id=w, settings={}, changed={}, created_by="", created_at=now) for w in workspaces
    ]
    if rows:
        op.bulk_insert(team, rows)

    op.execute(
        "INSERT INTO membership"
        " (team_ref, user_id, team_id, in_channel, is_manager, on_roster, joined_at, updated_at)"
        " SELECT team.id, person.user_id, person.team_id, person.in_channel, person.is_manager,"
        " NULL, CASE WHEN person.in_channel OR EXISTS (SELECT 1 FROM checkin c"
        " WHERE c.team_id = person.team_id AND c.user_id = person.user_id)"
        " THEN person.first_seen END, person.updated_at"
        " FROM person JOIN team ON team.team_id = person.team_id"
        " WHERE person.in_channel OR person.is_manager OR EXISTS (SELECT 1 FROM checkin c"
        " WHERE c.team_id = person.team_id AND c.user_id = person.user_id)"
    )
    order = " ".join(f"WHEN '{key}' THEN {n}" for key, n in BUILT_IN_ORDER.items())
    op.execute(
        sa.text(
            "INSERT INTO team_activity"
            " (team_ref, key, team_id, singular, plural, position, active, changed_at)"
            " SELECT team.id, a.key, a.team_id, a.singular, a.plural,"
            f" CASE a.key {order} ELSE {len(BUILT_IN_ORDER)} END, :yes, :now"
            " FROM activity_type a JOIN team ON team.team_id = a.team_id"
        ).bindparams(yes=True, now=now)
    )

    with op.batch_alter_table("goal") as batch:
        batch.add_column(sa.Column("team_ref", sa.Integer(), nullable=True))
    op.execute("UPDATE goal SET team_ref = (SELECT id FROM team WHERE team.team_id = goal.team_id)")
    with op.batch_alter_table("goal") as batch:
        batch.alter_column("team_ref", nullable=False)
        batch.drop_constraint("pk_goal", type_="primary")
        batch.create_primary_key(
            "pk_goal", ["team_id", "team_ref", "activity", "user_id", "valid_from"]
        )

    digests = bind.execute(
        sa.text(
            "SELECT l.id, l.recipient, team.id FROM send_ledger l"
            " JOIN team ON team.team_id = l.team_id WHERE l.kind IN ('digest', 'digest_chart')"
        )
    ).all()
    for row_id, recipient, team_ref in digests:
        manager, hash_, part = recipient.partition("#")
        bind.execute(
            sa.text("UPDATE send_ledger SET recipient = :r WHERE id = :id"),
            {"r": f"{manager}@{team_ref}{hash_}{part}", "id": row_id},
        )

    op.execute(
        "INSERT INTO announcement (checkin_id, channel, ts)"
        " SELECT id, announcement_channel, announcement_ts FROM checkin"
        " WHERE announcement_channel IS NOT NULL AND announcement_ts IS NOT NULL"
    )
    with op.batch_alter_table("checkin") as batch:
        batch.drop_column("announcement_channel")
        batch.drop_column("announcement_ts")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("is_manager")
        batch.drop_column("in_channel")
        batch.drop_column("first_seen")


def downgrade() -> None:
    """Back to one team per workspace: each workspace keeps its first team's goals,
    roster and lines; other teams' are dropped."""
    first = "(SELECT MIN(t.id) FROM team t WHERE t.team_id = {table}.team_id)"
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("is_manager", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("in_channel", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("first_seen", sa.DateTime(timezone=True), nullable=True))
    seat = (
        "SELECT {column} FROM membership m WHERE m.user_id = person.user_id"
        f" AND m.team_ref = {first.format(table='person')}"
    )
    op.execute(
        "UPDATE person SET"
        f" is_manager = COALESCE(({seat.format(column='m.is_manager')}), FALSE),"
        f" in_channel = COALESCE(({seat.format(column='m.in_channel')}), FALSE),"
        f" first_seen = COALESCE(({seat.format(column='m.joined_at')}), updated_at)"
    )
    with op.batch_alter_table("person") as batch:
        for column in ("is_manager", "in_channel", "first_seen"):
            batch.alter_column(column, nullable=False)
    with op.batch_alter_table("checkin") as batch:
        batch.add_column(sa.Column("announcement_channel", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("announcement_ts", sa.String(length=32), nullable=True))
    line = "SELECT {column} FROM announcement a WHERE a.checkin_id = checkin.id ORDER BY a.channel"
    op.execute(
        "UPDATE checkin SET"
        f" announcement_channel = ({line.format(column='a.channel')} LIMIT 1),"
        f" announcement_ts = ({line.format(column='a.ts')} LIMIT 1)"
    )
    op.execute(f"DELETE FROM goal WHERE team_ref <> {first.format(table='goal')}")
    with op.batch_alter_table("goal") as batch:
        batch.drop_constraint("pk_goal", type_="primary")
        batch.create_primary_key("pk_goal", ["team_id", "activity", "user_id", "valid_from"])
        batch.drop_column("team_ref")
    bind = op.get_bind()
    digests = bind.execute(
        sa.text("SELECT id, recipient FROM send_ledger WHERE kind IN ('digest', 'digest_chart')")
    ).all()
    for row_id, recipient in digests:
        manager, _, rest = recipient.partition("@")
        _, hash_, part = rest.partition("#")
        bind.execute(
            sa.text("UPDATE send_ledger SET recipient = :r WHERE id = :id"),
            {"r": f"{manager}{hash_}{part}", "id": row_id},
        )
    op.drop_index("ix_announcement_channel_ts", table_name="announcement")
    op.drop_table("announcement")
    op.drop_table("team_activity")
    op.drop_index("ix_membership_team_id_user_id", table_name="membership")
    op.drop_table("membership")
    op.drop_table("team")
