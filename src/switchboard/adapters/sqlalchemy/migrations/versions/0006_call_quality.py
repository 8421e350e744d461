"""Call records keep the caller's audio quality: packets received and lost, jitter and round
trip (mean and max, in milliseconds), all nullable (no RTC stats: a local call, an old record).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("quality_packets_received", sa.Integer()),
    ("quality_packets_lost", sa.Integer()),
    ("quality_jitter_ms_mean", sa.Float()),
    ("quality_jitter_ms_max", sa.Float()),
    ("quality_round_trip_ms_mean", sa.Float()),
    ("quality_round_trip_ms_max", sa.Float()),
)


def upgrade() -> None:
    for name, kind in _COLUMNS:
        op.add_column("calls", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:  # SQLite drops a column by rebuilding the table
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
