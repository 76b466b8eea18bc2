"""Alembic migrations of the store (run by :func:`connectors.store.engine.migrate`)."""
