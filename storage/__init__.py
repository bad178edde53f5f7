"""Persistence: models, engine and sessions, queries, migrations."""
