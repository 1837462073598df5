"""Alembic migrations of the store, run programmatically when a store is opened (scanner.store.engine)."""
