"""Alembic environment: runs against the connection rjmail.adapters.db hands over."""

from __future__ import annotations

from alembic import context

from rjmail.adapters import tables

target_metadata = tables.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("rjmail runs migrations with a connection; use `rjmail db upgrade`")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
