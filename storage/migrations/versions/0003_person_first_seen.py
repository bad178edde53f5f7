"""person.first_seen: weeks before a rep joined are not judged hit or miss

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(sa.Column("first_seen", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE person SET first_seen = updated_at")
    with op.batch_alter_table("person") as batch_op:
        batch_op.alter_column("first_seen", nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_column("first_seen")
