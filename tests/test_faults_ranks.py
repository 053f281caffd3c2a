"""Issue 11, item 7: the database refuses a gap in a round's ranks on INSERT and DELETE too.

Before, only an UPDATE was checked: an INSERT at rank n + 2 or a DELETE in the middle left a
gap that the screens then renumbered without a word. On SQLite and PostgreSQL, written as raw
SQL (as any program with the file could), the gap is refused and nothing changes.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from rsapp.store.errors import describe

GAP = "Rangeringen i en runde må være 1, 2, 3 … uten hull"


def _insert(conn, rank: int | None) -> None:
    """A copy of application 1 (every column filled as rsapp fills it) at ``rank``, by plain SQL."""
    from sqlalchemy import insert, select

    from rsapp.models import Application

    table = Application.__table__  # type: ignore[attr-defined]
    row = dict(conn.execute(select(table).where(table.c.id == 1)).mappings().one())
    row.pop("id")
    row.update(rank=rank, name="Ny", content_hash="")
    conn.execute(insert(table).values(**row))


def _ranks(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return [
            r for (r,) in conn.execute(text("SELECT rank FROM application WHERE round_id = 1 ORDER BY rank"))
        ]


def _refused(engine: Engine, sql: str | None = None, rank: int | None = None) -> str:
    with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
        if sql is None:
            _insert(conn, rank)
        else:
            conn.execute(text(sql))
    message = describe(caught.value, engine.url)
    assert message is not None
    return message


def test_an_insert_that_leaves_a_gap_is_refused(any_engine: Engine) -> None:
    assert _ranks(any_engine) == [1, 2, 3, 4, 5]
    message = _refused(any_engine, rank=7)
    assert GAP in message
    assert _ranks(any_engine) == [1, 2, 3, 4, 5]
    with any_engine.begin() as conn:  # the next place, and an unranked application, are fine
        _insert(conn, 6)
        _insert(conn, None)
    assert [r for r in _ranks(any_engine) if r is not None] == [1, 2, 3, 4, 5, 6]


def test_a_delete_that_leaves_a_gap_is_refused(any_engine: Engine) -> None:
    with any_engine.begin() as conn:  # an application with nothing hanging on it, at the end
        _insert(conn, 6)
    message = _refused(any_engine, "DELETE FROM application WHERE round_id = 1 AND rank = 3")
    assert GAP in message
    assert _ranks(any_engine) == [1, 2, 3, 4, 5, 6]
    with any_engine.begin() as conn:
        conn.execute(text("DELETE FROM application WHERE round_id = 1 AND rank = 6"))
    assert _ranks(any_engine) == [1, 2, 3, 4, 5]


def test_a_bulk_insert_in_any_order_passes_when_shifted(any_engine: Engine) -> None:
    """The way to insert several at once: shifted ranks, then one UPDATE (checked by 0003)."""
    with any_engine.begin() as conn:
        for rank in (8, 6, 7):
            _insert(conn, rank + 1_000_000)
        conn.execute(
            text("UPDATE application SET rank = rank - 1000000 WHERE round_id = 1 AND rank >= 1000000")
        )
    assert _ranks(any_engine) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_the_gap_is_told_in_norwegian_through_the_write_path(any_engine: Engine) -> None:
    from rsapp.store.unit_of_work import StoreError, unit_of_work

    with Session(any_engine) as s, pytest.raises(StoreError) as caught:
        with unit_of_work(s, 1):
            _insert(s.connection(), 9)
    assert GAP in str(caught.value)
    assert _ranks(any_engine) == [1, 2, 3, 4, 5]
