"""Watchlist entries remember the file they were imported from (its name, so importing it
again replaces them instead of adding them twice) and where in it they are (file:line:col).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("watchlist_entries") as table:
        table.add_column(sa.Column("origin", sa.String(4500), nullable=True))
        table.add_column(sa.Column("list_file", sa.String(500), nullable=False, server_default=""))
        table.create_index("ix_watchlist_entries_list_file", ["list_file"])


def downgrade() -> None:
    with op.batch_alter_table("watchlist_entries") as table:
        table.drop_index("ix_watchlist_entries_list_file")
        table.drop_column("list_file")
        table.drop_column("origin")
