"""Departments may keep their own opening hours (issue 14, after hours per department).

`departments.hours` is the employees' form, {"mon": ["07:00-22:00"], ..., "sun": []}; null means
the department keeps the company's hours (every department written before this revision).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("departments", sa.Column("hours", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("departments") as batch:  # SQLite drops a column by rebuilding
        batch.drop_column("hours")
