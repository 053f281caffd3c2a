"""Alembic environment: runs on the connection rsapp hands it (see rsapp.db.upgrade)."""

from alembic import context
from sqlmodel import SQLModel

import rsapp.models  # noqa: F401 - registers every table in the metadata

target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")

if connection is None:  # pragma: no cover - rsapp always passes a connection
    raise RuntimeError("rsapp's migrations run through rsapp.db.upgrade()")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
