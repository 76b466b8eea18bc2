"""Tests of the store (connectors.store)."""
