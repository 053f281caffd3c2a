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
  leaves half a change behind;
* who may write is checked on entry (:mod:`rsapp.store.access`): shared data only by the
  sekretariat (``scope="shared"``, the default), a member's own ranking or assessment by that
  member (``scope="member"``); a round of another helsefellesskap is refused by
  :meth:`UnitOfWork.lock_round`. PostgreSQL enforces the same rules itself; its refusal becomes
  an :class:`AccessError` too.

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
from rsapp.store import access

__all__ = [
    "REFRESH_HINT",
    "AccessError",
    "DatabaseFailure",
    "StaleError",
    "StoreError",
    "UnitOfWork",
    "unit_of_work",
]

#: Appended to messages about data another user changed: how to see the current state.
REFRESH_HINT = "Trykk Ctrl+R for å oppdatere."


class StoreError(ValueError):
    """A change that cannot be made; the message is Norwegian and names what and where."""


class StaleError(StoreError):
    """The change was based on a version that another user (or process) has since changed."""


class DatabaseFailure(StoreError):
    """The database refused or failed the change (locked, read-only, a value beyond the limits,
    the server gone); the message is Norwegian and names the database (:mod:`rsapp.store.errors`)."""


def _database_failure(exc: BaseException, session: Session) -> DatabaseFailure | None:
    """A database error (or a value beyond :mod:`rsapp.store.limits`) as a :class:`DatabaseFailure`."""
    from sqlalchemy.exc import SQLAlchemyError

    from rsapp.store.errors import describe
    from rsapp.store.limits import LimitError

    if isinstance(exc, StoreError) or not isinstance(exc, (SQLAlchemyError, LimitError)):
        return None
    try:
        url = session.get_bind().engine.url  # an Engine's .engine is itself
    except Exception:  # noqa: BLE001 - the message is still worth giving without the name
        url = None
    message = describe(exc, url)
    return DatabaseFailure(message) if message else None


class AccessError(StoreError, access.AccessDenied):
    """The current user may not make this change (their role, helsefellesskap, or --readonly)."""


#: PostgreSQL's SQLSTATE for "permission denied" and "new row violates row-level security policy".
_PG_DENIED = "42501"


def _denied_by_database(exc: BaseException) -> AccessError | None:
    """PostgreSQL's refusal (a grant or a row-level security policy) as a Norwegian AccessError."""
    orig = getattr(exc, "orig", None)
    if (
        getattr(orig, "sqlstate", None) != _PG_DENIED
        and getattr(orig, "sqlite_errorname", None) != "SQLITE_AUTH"
    ):
        return None
    identity = access.current()
    return AccessError(
        f"Databasen nektet endringen: {identity.display_name or identity.username} "
        f"({access.ROLE_LABELS.get(identity.role, identity.role)}) har ikke rettighet til den."
    )


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
    scope: str = "shared"

    def lock_round(self, round_id: int) -> None:
        """Serialise writers of one round; :class:`StoreError` when the round does not exist,
        :class:`AccessError` when it belongs to another helsefellesskap than the user's.

        A member changing only their own rows (``scope="member"``) takes no lock: nobody else
        writes those rows, and the member may not change the round.
        """
        identity = access.current()
        if self.scope == "member" and not identity.can_change_shared:
            hf = self.session.execute(
                select(_ROUND.c.helsefellesskap_id).where(_ROUND.c.id == round_id)
            ).scalar_one_or_none()
            if hf is None:
                raise StoreError(f"Fant ingen runde med id {round_id}.")
            _check_round(hf, identity)
        elif identity.helsefellesskap_id is None:
            result = self.session.execute(
                update(_ROUND).where(_ROUND.c.id == round_id).values(year=_ROUND.c.year)
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                raise StoreError(f"Fant ingen runde med id {round_id}.")
        else:
            hf = self.session.execute(
                update(_ROUND)
                .where(_ROUND.c.id == round_id)
                .values(year=_ROUND.c.year)
                .returning(_ROUND.c.helsefellesskap_id)
            ).scalar_one_or_none()
            if hf is None:
                raise StoreError(f"Fant ingen runde med id {round_id}.")
            _check_round(hf, identity)
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


def _check_round(helsefellesskap_id: int, identity: access.Identity) -> None:
    try:
        access.require_round(helsefellesskap_id, identity=identity)
    except access.AccessDenied as exc:
        raise AccessError(str(exc)) from None


@contextmanager
def unit_of_work(
    session: Session, round_id: int | None = None, *, scope: str = "shared", assessor_id: int | None = None
) -> Iterator[UnitOfWork]:
    """One transaction on ``session``: commit on success, roll back on any error.

    With ``round_id`` the round is locked first (:meth:`UnitOfWork.lock_round`). ``scope``:
    ``"shared"`` (the round's data: the sekretariat only) or ``"member"`` (a member's own
    ranking or assessment; ``assessor_id`` names whose assessment). :class:`AccessError` when
    the current user may not (:mod:`rsapp.store.access`).
    """
    try:
        if scope == "member":
            access.require_member_write(assessor_id=assessor_id)
        else:
            access.require_shared_write()
    except access.AccessDenied as exc:
        raise AccessError(str(exc)) from None
    if session.in_transaction():
        # Reads made before the change must not pin an old snapshot.
        session.commit()
    work = UnitOfWork(session, scope=scope)
    try:
        if round_id is not None:
            work.lock_round(round_id)
        yield work
        session.commit()
    except BaseException as exc:
        session.rollback()
        denied = _denied_by_database(exc)
        if denied is not None:
            raise denied from exc
        failure = _database_failure(exc, session)
        if failure is not None:
            raise failure from None  # the driver's text carries SQL parameters: never shown
        raise
