"""The directory's caller block list (issue 14): numbers and prefixes kept with the directory.

`company_profile.blocked` is a JSON list of E.164 numbers and '+' prefixes as the directory file
gives them (normalised); null or [] is an empty list. Screening blocks the union of this list and
the BLOCKED_NUMBERS setting.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("company_profile", sa.Column("blocked", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("company_profile") as batch:  # SQLite drops a column by rebuilding
        batch.drop_column("blocked")
