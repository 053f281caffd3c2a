"""Data access in one place: the write path, the start-up read model and the ORM reads.

* :mod:`rsapp.store.unit_of_work` — the one write path: transaction, round lock, version check,
  change-log entry, for every writer;
* :mod:`rsapp.store.read_model` — the raw-SQL reads behind the first frame and the allocation,
  run by either reader (stdlib sqlite3, or a SQLAlchemy session) through one protocol;
* :mod:`rsapp.store.queries` — the ORM reads the screens and the CLI need.

This package imports nothing itself, so that `rsapp.store.read_model` can be loaded before
SQLAlchemy is (the first frame of a start does not wait for it).
"""
