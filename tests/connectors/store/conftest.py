from tests.connectors.store.fixtures import empty_store_url, engine, postgres_database, store_url  # noqa: F401
