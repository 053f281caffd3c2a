"""The one write path: a transaction with round lock, version check and change-log entry.

Every function that changes saved data runs inside ``with unit_of_work(session) as uow:``:

* a read transaction the session already holds is committed first, so that the change does
  not work on an old snapshot;
* ``uow.lock_round(round_id)`` serialises writers of one round (``UPDATE round … WHERE id``:
  a row lock on PostgreSQL, the write lock on SQLite); ``unit_of_work(session, round_id)``
  takes it on entry;
* ``uow.claim(table, row_id, version, what)`` bumps a row's ``version`` counter only if it is
  still ``version`` (optimistic locking) and otherwise raises :class:`StaleError`;
* ``uow.log(...)`` adds a :class:`~rsapp.models.ChangeLog` row (the OS user, now, old → new);
* the transaction commits when the block ends and rolls back on any error, so a caller never
  leaves half a change behind.

Errors carry Norwegian messages that name what and where.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, exists, select, update
from sqlmodel import Session

from rsapp.config import current_user
from rsapp.models import ChangeLog, Round

__all__ = ["REFRESH_HINT", "StaleError", "StoreError", "UnitOfWork", "unit_of_work"]

#: Appended to messages about data another user changed: how to see the current state.
REFRESH_HINT = "Trykk Ctrl+R for å oppdatere."


class StoreError(ValueError):
    """A change that cannot be made; the message is Norwegian and names what and where."""


class StaleError(StoreError):
    """The change was based on a version that another user (or process) has since changed."""


def _table(table: Any) -> Table:
    """A Core table from a table or a SQLModel table class."""
    if isinstance(table, Table):
        return table
    found = getattr(table, "__table__", None)
    if not isinstance(found, Table):
        raise TypeError(f"{table!r} is not a table")
    return found


_ROUND = _table(Round)


@dataclass(slots=True)
class UnitOfWork:
    """One open transaction on :attr:`session`; see the module docstring."""

    session: Session
    round_id: int | None = None

    def lock_round(self, round_id: int) -> None:
        """Serialise writers of one round; :class:`StoreError` when the round does not exist."""
        result = self.session.execute(
            update(_ROUND).where(_ROUND.c.id == round_id).values(year=_ROUND.c.year)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise StoreError(f"Fant ingen runde med id {round_id}.")
        if self.round_id is None:
            self.round_id = round_id

    def claim(self, table: Any, row_id: int, version: int, what: str) -> int:
        """Bump the row's version if it is still ``version``; returns the new version.

        ``what`` names the row for the user ("Søknaden «Rehabilitering»"). A row that another
        user changed or deleted since ``version`` raises :class:`StaleError`.
        """
        core = _table(table)
        result = self.session.execute(
            update(core)
            .where(core.c.id == row_id, core.c.version == version)
            .values(version=core.c.version + 1)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            return version + 1
        still_there = self.session.execute(select(exists().where(core.c.id == row_id))).scalar()
        if not still_there:
            raise StaleError(f"{what} finnes ikke lenger; en annen bruker kan ha slettet den. {REFRESH_HINT}")
        raise StaleError(f"{what} er endret av en annen bruker. {REFRESH_HINT}")

    def log(
        self,
        entity: str,
        entity_id: int | None,
        action: str,
        summary: str,
        old: str = "",
        new: str = "",
        round_id: int | None = None,
    ) -> ChangeLog:
        """A change-log row: who (the OS user), when (now, UTC), what, old → new.

        ``round_id`` defaults to the round this unit of work locked (None for changes that
        belong to no round, such as a meeting).
        """
        entry = ChangeLog(
            at=datetime.now(UTC),
            user=current_user(),
            round_id=round_id if round_id is not None else self.round_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            summary=summary,
            old=old,
            new=new,
        )
        self.session.add(entry)
        return entry


@contextmanager
def unit_of_work(session: Session, round_id: int | None = None) -> Iterator[UnitOfWork]:
    """One transaction on ``session``: commit on success, roll back on any error.

    With ``round_id`` the round is locked first (:meth:`UnitOfWork.lock_round`).
    """
    if session.in_transaction():
        # Reads made before the change must not pin an old snapshot.
        session.commit()
    work = UnitOfWork(session)
    try:
        if round_id is not None:
            work.lock_round(round_id)
        yield work
    except BaseException:
        session.rollback()
        raise
    session.commit()
