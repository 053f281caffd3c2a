"""Alembic migrations of rsapp's schema. HEAD_REVISION must name the newest revision."""

HEAD_REVISION = "0008_rank_trigger"
