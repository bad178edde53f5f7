"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activity_type",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("singular", sa.String(length=64), nullable=False),
        sa.Column("plural", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "key", name=op.f("pk_activity_type")),
    )
    op.create_table(
        "away_period",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("first_day <= last_day", name=op.f("ck_away_period_ordered")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_away_period")),
    )
    with op.batch_alter_table("away_period", schema=None) as batch_op:
        batch_op.create_index("ix_away_period_team_user", ["team_id", "user_id"], unique=False)

    op.create_table(
        "person",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("is_manager", sa.Boolean(), nullable=False),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        sa.Column("in_channel", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_person")),
    )
    op.create_table(
        "send_ledger",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_send_ledger")),
        sa.UniqueConstraint(
            "team_id", "kind", "recipient", "period", name=op.f("uq_send_ledger_team_id")
        ),
    )
    op.create_table(
        "checkin",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("activity", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("announcement_channel", sa.String(length=32), nullable=True),
        sa.Column("announcement_ts", sa.String(length=32), nullable=True),
        sa.CheckConstraint("count > 0", name=op.f("ck_checkin_count_positive")),
        sa.ForeignKeyConstraint(
            ["team_id", "activity"],
            ["activity_type.team_id", "activity_type.key"],
            name=op.f("fk_checkin_team_id_activity_type"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin")),
    )
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.create_index("ix_checkin_team_day", ["team_id", "day"], unique=False)
        batch_op.create_index(
            "ix_checkin_team_user_day", ["team_id", "user_id", "day"], unique=False
        )

    op.create_table(
        "goal",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("activity", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("target > 0", name=op.f("ck_goal_target_positive")),
        sa.ForeignKeyConstraint(
            ["team_id", "activity"],
            ["activity_type.team_id", "activity_type.key"],
            name=op.f("fk_goal_team_id_activity_type"),
        ),
        sa.PrimaryKeyConstraint(
            "team_id", "activity", "user_id", "valid_from", name=op.f("pk_goal")
        ),
    )


def downgrade() -> None:
    op.drop_table("goal")
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_team_user_day")
        batch_op.drop_index("ix_checkin_team_day")

    op.drop_table("checkin")
    op.drop_table("send_ledger")
    op.drop_table("person")
    with op.batch_alter_table("away_period", schema=None) as batch_op:
        batch_op.drop_index("ix_away_period_team_user")

    op.drop_table("away_period")
    op.drop_table("activity_type")
