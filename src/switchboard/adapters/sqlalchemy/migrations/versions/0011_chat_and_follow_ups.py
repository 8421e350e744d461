"""Chat notifications and follow-ups: chat URLs on employees and departments, message kinds.

`employees.chat` / `departments.chat` hold chat URLs as written in the directory file (`${VAR}`
references are kept, never expanded). `messages.kind` tells a caller's message from a transfer
summary or a daily digest; existing rows are messages.

Revision ID: 0011
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("employees", sa.Column("chat", sa.JSON(), nullable=True))
    op.add_column("departments", sa.Column("chat", sa.JSON(), nullable=True))
    op.add_column(
        "messages", sa.Column("kind", sa.Text(), nullable=False, server_default="message")
    )


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:  # SQLite drops a column by rebuilding
        batch.drop_column("kind")
    with op.batch_alter_table("departments") as batch:
        batch.drop_column("chat")
    with op.batch_alter_table("employees") as batch:
        batch.drop_column("chat")
