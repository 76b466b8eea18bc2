"""The store: the dataset, plans, runs and decisions in one SQL database (SQLite or PostgreSQL).

Public entry points (see ``docs/store.md``):

- :func:`open_store` — an engine on a migrated database; :func:`write_session` /
  :func:`read_snapshot` for transactions.
- :func:`import_dataset` / :func:`load_dataset` / :func:`export_dataset` — the dataset in and out.
- :mod:`connectors.store.plans` — plan outputs tagged by run, and publishing.
- :mod:`connectors.store.runs` — the run records.
- :mod:`connectors.store.sites` — the sites (factories) whose datasets the store holds side by side.
"""

from connectors.store.config import StoreSettings
from connectors.store.dataset_io import export_dataset, import_dataset, import_folder, load_dataset
from connectors.store.engine import (
    StoreUnavailable, create_store_engine, migrate, open_store, read_snapshot, write_session,
)

__all__ = [
    "StoreSettings",
    "StoreUnavailable",
    "create_store_engine",
    "export_dataset",
    "import_dataset",
    "import_folder",
    "load_dataset",
    "migrate",
    "open_store",
    "read_snapshot",
    "write_session",
]
