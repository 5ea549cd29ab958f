"""Alembic's environment for the workspace: migrations run on the connection the store
hands over (``config.attributes["connection"]``), inside its transaction; no alembic.ini."""

from __future__ import annotations

from alembic import context

from licensecheck.workspace.models import METADATA

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=METADATA, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
