"""Departments carry their call routing: ring group and after-hours rule (issue 14).

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # {"ring": {...} | null, "after_hours": {...} | null}, the directory file's form; null: none.
    op.add_column("departments", sa.Column("routing", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("departments") as batch:  # SQLite drops a column by rebuilding
        batch.drop_column("routing")
