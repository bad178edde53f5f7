"""holidays: the days a team added as holidays, or public ones it removed

A team's region (the ``holidays`` setting) lives in ``team.settings`` like every
setting; its public holidays are worked out, not stored.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "holiday",
        sa.Column("team_ref", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kept", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_ref", "day", name=op.f("pk_holiday")),
    )
    op.create_index("ix_holiday_team_id", "holiday", ["team_id"])


def downgrade() -> None:
    op.drop_index("ix_holiday_team_id", table_name="holiday")
    op.drop_table("holiday")
