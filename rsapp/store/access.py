"""Who is working, and what they may change: the identity of this process and the store's rules.

Roles (stored in ``app_user.role``):

* ``sekretariat`` — reads and changes everything of their own helsefellesskap;
* ``ssu`` (SSU-medlem) — reads their helsefellesskap's rounds, changes only their own
  assessments and their own ranking;
* ``lesetilgang`` — reads their helsefellesskap's rounds, changes nothing.

The *owner* (:data:`ROLE_OWNER`) is whoever owns the database: the OS user of a SQLite file that
has no user of that name, or the PostgreSQL login that owns the tables. It may do everything,
in every helsefellesskap, and manages the users (``rsapp bruker``).

On PostgreSQL the database itself enforces the rules (roles, grants and row-level security,
:mod:`rsapp.store.pg_access`); this module gives the same rules to SQLite, where the OS user (or
the user signed in through the browser) is the identity, and gives every refusal a Norwegian
message before the database would refuse it. ``--readonly`` opens without any write path.

The identity is per process (one terminal, or one browser session's own process). Plain Python,
no SQLAlchemy: the start-up read path uses it before SQLAlchemy is imported.
"""

from __future__ import annotations

import getpass
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Protocol

__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "ROLE_LESETILGANG",
    "ROLE_OWNER",
    "ROLE_SEKRETARIAT",
    "ROLE_SSU",
    "AccessDenied",
    "Identity",
    "current",
    "forget",
    "is_set",
    "os_user",
    "parse_role",
    "request",
    "requested",
    "require_member_write",
    "require_round",
    "require_shared_write",
    "resolve_sqlite_identity",
    "set_current",
    "signed_in_username",
    "using",
]

ROLE_SEKRETARIAT = "sekretariat"
ROLE_SSU = "ssu"
ROLE_LESETILGANG = "lesetilgang"
ROLE_OWNER = "eier"

#: The roles a user can have (``app_user.role``), in the order they are offered.
ROLES = (ROLE_SEKRETARIAT, ROLE_SSU, ROLE_LESETILGANG)

ROLE_LABELS = {
    ROLE_SEKRETARIAT: "sekretariat",
    ROLE_SSU: "SSU-medlem",
    ROLE_LESETILGANG: "lesetilgang",
    ROLE_OWNER: "eier av databasen",
}

_ROLE_WORDS = {
    "sekretariat": ROLE_SEKRETARIAT,
    "sekretariatet": ROLE_SEKRETARIAT,
    "ssu": ROLE_SSU,
    "ssu-medlem": ROLE_SSU,
    "medlem": ROLE_SSU,
    "lesetilgang": ROLE_LESETILGANG,
    "les": ROLE_LESETILGANG,
    "lese": ROLE_LESETILGANG,
}

READONLY_MESSAGE = "rsapp er åpnet skrivebeskyttet (--skrivebeskyttet): ingen endringer kan lagres."


class AccessDenied(ValueError):
    """A change the current user may not make; the message is Norwegian and says why."""


def parse_role(text: str) -> str:
    """``"SSU-medlem"`` → ``"ssu"``; a word that is no role raises :class:`AccessDenied`."""
    role = _ROLE_WORDS.get(text.strip().casefold())
    if role is None:
        raise AccessDenied(f"Ukjent rolle «{text}». Velg sekretariat, SSU-medlem (ssu) eller lesetilgang.")
    return role


def os_user() -> str:
    """The OS user name (``ukjent`` when it cannot be found)."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not an error worth stopping for
        return "ukjent"


@dataclass(frozen=True, slots=True)
class Identity:
    """The user of this process: who, in which role, in which helsefellesskap."""

    username: str
    role: str = ROLE_OWNER
    helsefellesskap_id: int | None = None  # None: every helsefellesskap (the owner)
    helsefellesskap_name: str = ""
    assessor_id: int | None = None  # the SSU register's person, for an SSU member
    user_id: int | None = None  # app_user.id; None for the owner
    display_name: str = ""
    readonly: bool = False
    signed_in: bool = False  # through the sign-in screen (the browser), not the OS user

    @property
    def label(self) -> str:
        """E.g. "kari (SSU-medlem, Helsefellesskap Helgeland)"."""
        parts = [ROLE_LABELS.get(self.role, self.role)]
        if self.helsefellesskap_name:
            parts.append(self.helsefellesskap_name)
        if self.readonly:
            parts.append("skrivebeskyttet")
        return f"{self.display_name or self.username} ({', '.join(parts)})"

    @property
    def is_owner(self) -> bool:
        return self.role == ROLE_OWNER

    @property
    def is_member(self) -> bool:
        return self.role == ROLE_SSU

    @property
    def can_change_shared(self) -> bool:
        """May change the round's shared data (ranks, amounts, cases, …)."""
        return not self.readonly and self.role in (ROLE_OWNER, ROLE_SEKRETARIAT)

    def sees(self, helsefellesskap_id: int | None) -> bool:
        """Whether rows of ``helsefellesskap_id`` are this user's to read (None: no helsefellesskap)."""
        return self.helsefellesskap_id is None or helsefellesskap_id in (None, self.helsefellesskap_id)


# --- the identity of this process ----------------------------------------------------------------

_lock = threading.Lock()
_current: Identity | None = None


def current() -> Identity:
    """The identity of this process; the owner (the OS user, every right) until one is set.

    When the command line asked for it (:func:`request`) on a SQLite file, the OS user's row in
    ``app_user`` is looked up on first use (standard library only); on PostgreSQL the login is
    found when the engine opens (:func:`rsapp.store.identity.establish`).
    """
    global _lazy_tried
    found = _current
    if found is not None:
        return found
    if _requested is not None and _requested_path is not None and not _lazy_tried:
        _lazy_tried = True  # once: a file without users yet is found again when the engine opens
        resolved = _resolve_sqlite_file(_requested_path, readonly=_requested)
        if resolved is not None:
            set_current(resolved)
            return resolved
    return Identity(os_user(), readonly=bool(_requested))


def _resolve_sqlite_file(path: str, *, readonly: bool) -> Identity | None:
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:

        class _Rows:
            def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
                return conn.execute(sql, dict(params or {})).fetchall()

        try:
            return resolve_sqlite_identity(_Rows(), readonly=readonly)
        except sqlite3.Error:
            return None  # no app_user table yet (a new or older database): the owner
        except AccessDenied:  # a deactivated user: sees nothing, changes nothing
            return Identity(os_user(), role=ROLE_LESETILGANG, helsefellesskap_id=0, readonly=True)
    finally:
        conn.close()


def is_set() -> bool:
    """Whether an identity has been set (found in the database, or signed in)."""
    return _current is not None


def set_current(identity: Identity | None) -> None:
    """Set (or with None forget) the identity of this process."""
    global _current
    with _lock:
        _current = identity


@contextmanager
def using(identity: Identity | None) -> Iterator[Identity | None]:
    """Work as ``identity`` inside the block (tests; one command), then as before."""
    before = _current
    set_current(identity)
    try:
        yield identity
    finally:
        set_current(before)


_requested: bool | None = None  # None: not asked; else the --readonly flag
_requested_path: str | None = None  # the SQLite file the identity is looked up in
_lazy_tried = False


def request(*, readonly: bool = False, url: str | None = None) -> None:
    """Ask that the identity be found in the database ``url`` (the command line does): on SQLite
    on first use of :func:`current`, on PostgreSQL when the engine opens
    (:func:`rsapp.store.identity.establish`). Tests and library callers who do not ask work as
    the owner."""
    global _requested, _requested_path, _lazy_tried
    _requested = readonly
    _requested_path = None
    _lazy_tried = False
    if url and url.startswith("sqlite:///") and url[len("sqlite:///") :] not in ("", ":memory:"):
        _requested_path = url[len("sqlite:///") :]


def forget() -> None:
    """Forget the identity and the request (the end of one command; tests run many in a process)."""
    global _requested, _requested_path, _lazy_tried
    set_current(None)
    _requested = None
    _requested_path = None
    _lazy_tried = False


def requested() -> bool | None:
    """None when nobody asked for the identity to be found; else whether --readonly was given."""
    return _requested


def signed_in_username() -> str | None:
    """The user name written to the change log when one has been set (else None: the OS user)."""
    found = _current
    return found.username if found is not None else None


def readonly_copy(identity: Identity) -> Identity:
    return replace(identity, readonly=True)


# --- the rules -----------------------------------------------------------------------------------


def _who(identity: Identity) -> str:
    return identity.display_name or identity.username


def require_shared_write(identity: Identity | None = None) -> Identity:
    """Refuse a change of shared data unless the user is the owner or sekretariat (and not readonly)."""
    identity = identity or current()
    if identity.readonly:
        raise AccessDenied(READONLY_MESSAGE)
    if identity.role == ROLE_SSU:
        raise AccessDenied(
            f"{_who(identity)} er SSU-medlem og kan bare endre sine egne vurderinger og sin egen "
            "rangering; dette kan bare sekretariatet endre."
        )
    if identity.role == ROLE_LESETILGANG:
        raise AccessDenied(f"{_who(identity)} har lesetilgang og kan ikke endre noe i rsapp.")
    return identity


def require_member_write(identity: Identity | None = None, *, assessor_id: int | None = None) -> Identity:
    """Refuse a change of a member's own data (ranking, assessment) by someone else.

    ``assessor_id``: the SSU register's person whose data is changed; an SSU member may only
    change their own. The owner and the sekretariat may change any (not readonly).
    """
    identity = identity or current()
    if identity.readonly:
        raise AccessDenied(READONLY_MESSAGE)
    if identity.role == ROLE_LESETILGANG:
        raise AccessDenied(f"{_who(identity)} har lesetilgang og kan ikke endre noe i rsapp.")
    if identity.role == ROLE_SSU and assessor_id is not None and assessor_id != identity.assessor_id:
        raise AccessDenied(f"{_who(identity)} kan bare endre sine egne vurderinger, ikke andres.")
    return identity


def require_round(
    helsefellesskap_id: int | None, what: str = "Runden", identity: Identity | None = None
) -> None:
    """Refuse work on a round (or other row) of another helsefellesskap than the user's."""
    identity = identity or current()
    if not identity.sees(helsefellesskap_id):
        raise AccessDenied(
            f"{what} hører til et annet helsefellesskap enn {identity.helsefellesskap_name or 'ditt'}; "
            f"{_who(identity)} har ikke tilgang til det."
        )


# --- who the OS user is on a SQLite file -----------------------------------------------------------


class _Reader(Protocol):
    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> Any: ...


USER_COLUMNS = (
    "u.id, u.username, u.display_name, u.role, u.helsefellesskap_id, h.name, u.assessor_id, u.active"
)


def identity_from_row(row: Any, *, readonly: bool = False, signed_in: bool = False) -> Identity:
    """An :class:`Identity` from a row of :data:`USER_COLUMNS`."""
    user_id, username, display_name, role, hf_id, hf_name, assessor_id, _active = row
    return Identity(
        username=username,
        role=role,
        helsefellesskap_id=hf_id,
        helsefellesskap_name=hf_name or "",
        assessor_id=assessor_id,
        user_id=user_id,
        display_name=display_name or "",
        readonly=readonly,
        signed_in=signed_in,
    )


def find_user(reader: _Reader, username: str) -> Any | None:
    """The ``app_user`` row (:data:`USER_COLUMNS`) of ``username``, or None."""
    rows = reader.rows(
        f"SELECT {USER_COLUMNS} FROM app_user u LEFT JOIN helsefellesskap h ON h.id = u.helsefellesskap_id"
        " WHERE u.username = :username",
        {"username": username},
    )
    return rows[0] if rows else None


def resolve_sqlite_identity(
    reader: _Reader, *, username: str | None = None, readonly: bool = False
) -> Identity:
    """The identity of the OS user on a SQLite file: their ``app_user`` row, else the owner.

    The file is readable by its owner only (0600), so an OS user who can open it and is not a
    registered user is the file's owner. A registered but deactivated user is refused.
    """
    name = username or os_user()
    row = find_user(reader, name)
    if row is None:
        return Identity(name, readonly=readonly)
    if not row[-1]:
        raise AccessDenied(f"Brukeren «{name}» er deaktivert. Kontakt sekretariatet.")
    return identity_from_row(row, readonly=readonly)
