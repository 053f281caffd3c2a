"""The users of rsapp (``rsapp bruker``): add, change, list, and sign in.

A user has a user name, a role (:mod:`rsapp.store.access`), one helsefellesskap and, for an SSU
member, a link to the SSU register (``assessor``), so a person is written down once. Passwords
are kept only as argon2id hashes (argon2-cffi: a fresh salt per hash, the library's recommended
parameters); the password itself is never stored or logged.

On PostgreSQL each user is also their own database login (``CREATE ROLE … LOGIN``, a member of
``rsapp_sekretariat``, ``rsapp_ssu`` or ``rsapp_lesetilgang``; PostgreSQL keeps the password as
its own SCRAM-SHA-256 hash), so the database enforces the rules (:mod:`rsapp.store.pg_access`);
only the database's owner can add users there. On SQLite the OS user is the identity in a
terminal, and a user signs in by name and password in the browser.

Changes go through the unit of work (and the change log), never the password.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from rsapp.store import access
from rsapp.store.unit_of_work import StoreError, unit_of_work

__all__ = [
    "SignInError",
    "UserError",
    "UserInfo",
    "add_user",
    "authenticate",
    "change_user",
    "hash_password",
    "list_users",
    "verify_password",
]

MIN_PASSWORD = 10
_NAME = re.compile(r"^[a-zæøå_][a-zæøå0-9._-]{0,62}$")
_RESERVED = ("rsapp_", "pg_")


class UserError(StoreError):
    """A user that cannot be added or changed (Norwegian message)."""


class SignInError(ValueError):
    """Signing in failed; the message never says whether the name or the password was wrong."""


# --- passwords ----------------------------------------------------------------------------------


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"Passordet må ha minst {MIN_PASSWORD} tegn.")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` with a fresh random salt (the only form it is stored in)."""
    check_password_rules(password)
    return str(_hasher().hash(password))


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash`` (False for an empty hash: no password set)."""
    if not stored_hash:
        return False
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return bool(_hasher().verify(stored_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: str
    helsefellesskap: str
    person: str  # the SSU register's name, "" when not linked
    active: bool
    has_password: bool
    version: int

    @property
    def role_label(self) -> str:
        return access.ROLE_LABELS.get(self.role, self.role)


_LIST_SQL = """
SELECT u.id, u.username, u.display_name, u.role, h.name, a.name, u.active, u.version
FROM app_user u
JOIN helsefellesskap h ON h.id = u.helsefellesskap_id
LEFT JOIN assessor a ON a.id = u.assessor_id
{where}
ORDER BY h.name, u.username
"""


def list_users(session: Session) -> list[UserInfo]:
    """Every user the current user may see (on PostgreSQL: their own, or their helsefellesskap's)."""
    rows = session.execute(text(_LIST_SQL.format(where=""))).all()
    hashes = _password_flags(session)
    return [
        UserInfo(r[0], r[1], r[2], r[3], r[4], r[5] or "", bool(r[6]), hashes.get(r[0], False), r[7])
        for r in rows
    ]


def _password_flags(session: Session) -> dict[int, bool]:
    """User id -> has a password (only the owner may read the hashes; others see False)."""
    sql = text("SELECT id, password_hash <> '' FROM app_user")
    if not _is_pg(session):
        return {r[0]: bool(r[1]) for r in session.execute(sql).all()}
    try:
        with session.begin_nested():
            return {r[0]: bool(r[1]) for r in session.execute(sql).all()}
    except Exception:  # noqa: BLE001 - PostgreSQL refuses the column to anyone but the owner
        return {}


def _user_row(session: Session, username: str) -> Any | None:
    return session.execute(
        text("SELECT id, username, role, helsefellesskap_id, version FROM app_user WHERE username = :u"),
        {"u": username},
    ).first()


def _helsefellesskap(session: Session, key: str) -> tuple[int, str]:
    row = session.execute(
        text("SELECT id, name FROM helsefellesskap WHERE key = :k OR lower(name) = lower(:k)"),
        {"k": key.strip()},
    ).first()
    if row is None:
        known = ", ".join(r[0] for r in session.execute(text("SELECT key FROM helsefellesskap ORDER BY key")))
        raise UserError(f"Fant ikke helsefellesskapet «{key}». Kjente: {known}.")
    return int(row[0]), str(row[1])


def _person(session: Session, name: str) -> int:
    row = session.execute(
        text("SELECT id FROM assessor WHERE lower(name) = lower(:n)"), {"n": name.strip()}
    ).first()
    if row is None:
        raise UserError(
            f"Fant ingen «{name}» i SSU-registeret. Legg personen inn først: "
            f'rsapp vurder person ny "{name}" --rolle SSU-medlem'
        )
    return int(row[0])


def _check_username(username: str) -> str:
    name = username.strip()
    if not _NAME.match(name) or name.startswith(_RESERVED):
        raise UserError(
            f"Brukernavnet «{username}» kan ikke brukes: bruk små bokstaver, sifre, punktum, _ eller -, "
            "høyst 63 tegn, og ikke rsapp_ eller pg_ først."
        )
    return name


def _require_own_helsefellesskap(hf_id: int) -> None:
    identity = access.current()
    if not identity.sees(hf_id):
        raise UserError(
            f"{identity.display_name or identity.username} kan bare legge inn og endre brukere i "
            f"{identity.helsefellesskap_name or 'sitt eget helsefellesskap'}."
        )


# --- PostgreSQL logins --------------------------------------------------------------------------


def _pg_login(
    session: Session, username: str, role: str, password: str | None, *, active: bool = True
) -> None:
    """Create or update the user's own login role and its one group (same transaction)."""
    from psycopg import sql

    from rsapp.store.pg_access import GROUP_ROLES

    conn = session.connection()
    exists = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"), {"r": username}).first()
    if exists is not None and exists[0]:
        raise UserError(f"«{username}» er en superbruker i PostgreSQL og kan ikke være en rsapp-bruker.")
    raw = conn.connection.driver_connection  # the session's own connection: the same transaction
    assert raw is not None
    login = sql.Identifier(username)
    statement = sql.SQL("CREATE ROLE {} " if exists is None else "ALTER ROLE {} ").format(login)
    statement += sql.SQL("LOGIN INHERIT" if active else "NOLOGIN INHERIT")
    if password:
        # PostgreSQL keeps only its SCRAM-SHA-256 hash of it (password_encryption).
        statement += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
    raw.execute(statement)
    for other_role, group in GROUP_ROLES.items():
        if other_role != role:
            raw.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group), login))
    raw.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(GROUP_ROLES[role]), login))


def _is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _ensure_access(session: Session) -> None:
    """On PostgreSQL, the roles and policies (idempotent) before a user gets a login; skipped when
    they are all there (``rsapp db tilganger`` makes them again after an upgrade)."""
    from rsapp.store.pg_access import GROUP_ROLES, apply_access

    conn = session.connection()
    missing = conn.execute(
        text(
            "SELECT (SELECT COUNT(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
            " AND relkind = 'r' AND NOT relrowsecurity AND relname <> 'alembic_version')"
            " + (:groups - (SELECT COUNT(*) FROM pg_roles WHERE rolname = ANY(:names)))"
        ),
        {"groups": len(GROUP_ROLES), "names": list(GROUP_ROLES.values())},
    ).scalar_one()
    if missing:
        apply_access(conn)


# --- writing ------------------------------------------------------------------------------------


def add_user(
    session: Session,
    *,
    username: str,
    role: str,
    helsefellesskap: str,
    display_name: str = "",
    person: str | None = None,
    password: str | None = None,
) -> UserInfo:
    """Add a user (and on PostgreSQL their login). ``role``: as typed ("SSU-medlem", "ssu" …);
    ``helsefellesskap``: its key or name; ``person``: their name in the SSU register."""
    name = _check_username(username)
    try:
        role = access.parse_role(role)
    except access.AccessDenied as exc:
        raise UserError(str(exc)) from None
    password_hash = hash_password(password) if password else ""
    with unit_of_work(session) as uow:
        hf_id, hf_name = _helsefellesskap(session, helsefellesskap)
        _require_own_helsefellesskap(hf_id)
        if _user_row(session, name) is not None:
            raise UserError(f"Brukeren «{name}» finnes allerede; bruk «rsapp bruker endre {name}».")
        assessor_id = _person(session, person) if person else None
        if _is_pg(session):
            _ensure_access(session)
            _pg_login(session, name, role, password)
        session.execute(
            text(
                "INSERT INTO app_user (username, display_name, role, helsefellesskap_id, assessor_id, db_role,"
                " password_hash, active, version, created_at, updated_at)"
                " VALUES (:u, :d, :r, :h, :a, :u, :p, :active, 1, :now, :now)"
            ),
            {
                "u": name,
                "d": display_name.strip(),
                "r": role,
                "h": hf_id,
                "a": assessor_id,
                "p": password_hash,
                "active": True,
                "now": _now(),
            },
        )
        row = _user_row(session, name)
        assert row is not None
        uow.log(
            "bruker",
            int(row[0]),
            "ny",
            f"Ny bruker {name}: {access.ROLE_LABELS[role]} i {hf_name}",
        )
    return _info(session, name)


def change_user(
    session: Session,
    username: str,
    *,
    role: str | None = None,
    helsefellesskap: str | None = None,
    display_name: str | None = None,
    person: str | None = None,
    password: str | None = None,
    active: bool | None = None,
) -> UserInfo:
    """Change what is given (None: unchanged; ``person=""`` unlinks the SSU register)."""
    name = username.strip()
    if role is not None:
        try:
            role = access.parse_role(role)
        except access.AccessDenied as exc:
            raise UserError(str(exc)) from None
    password_hash = hash_password(password) if password else None
    with unit_of_work(session) as uow:
        row = _user_row(session, name)
        if row is None:
            raise UserError(f"Fant ingen bruker «{name}». Se «rsapp bruker liste».")
        user_id, _, old_role, old_hf, _version = row
        _require_own_helsefellesskap(old_hf)
        values: dict[str, Any] = {}
        changed: list[str] = []
        if role is not None and role != old_role:
            values["role"] = role
            changed.append(f"rolle {access.ROLE_LABELS[old_role]} → {access.ROLE_LABELS[role]}")
        if helsefellesskap is not None:
            hf_id, hf_name = _helsefellesskap(session, helsefellesskap)
            _require_own_helsefellesskap(hf_id)
            if hf_id != old_hf:
                values["helsefellesskap_id"] = hf_id
                changed.append(f"helsefellesskap → {hf_name}")
        if display_name is not None:
            values["display_name"] = display_name.strip()
            changed.append("navn")
        if person is not None:
            values["assessor_id"] = _person(session, person) if person.strip() else None
            changed.append("kobling til SSU-registeret")
        if password_hash is not None:
            values["password_hash"] = password_hash
            changed.append("passord")
        if active is not None:
            values["active"] = active
            changed.append("aktiv" if active else "deaktivert")
        if not values:
            return _info(session, name)
        if _is_pg(session):
            _ensure_access(session)
            final_active = active
            if final_active is None:
                final_active = bool(
                    session.execute(
                        text("SELECT active FROM app_user WHERE id = :i"), {"i": user_id}
                    ).scalar()
                )
            _pg_login(session, name, values.get("role", old_role), password, active=final_active)
        values["updated_at"] = _now()
        values["version"] = _version + 1
        assignments = ", ".join(f"{column} = :{column}" for column in values)
        session.execute(text(f"UPDATE app_user SET {assignments} WHERE id = :id"), {**values, "id": user_id})
        uow.log("bruker", int(user_id), "endret", f"Endret bruker {name}: {', '.join(changed)}")
    return _info(session, name)


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _info(session: Session, username: str) -> UserInfo:
    for user in list_users(session):
        if user.username == username:
            return user
    raise UserError(f"Fant ingen bruker «{username}».")


# --- signing in ---------------------------------------------------------------------------------

_WRONG = "Feil brukernavn eller passord."


def authenticate(url: str, username: str, password: str) -> tuple[access.Identity, str]:
    """Sign ``username`` in on the database at ``url``; returns their identity and the URL the
    session works on (on PostgreSQL: as their own login, with their password).

    The argon2 hash in ``app_user`` is checked on both databases; on PostgreSQL the database
    also checks the password of the login. :class:`SignInError` (Norwegian) when either fails or
    the user is deactivated; it does not say which of name and password was wrong.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    name = username.strip()
    if not name or not password:
        raise SignInError("Skriv brukernavn og passord.")
    base = make_url(url)
    if base.get_backend_name() == "postgresql":
        user_url = base.set(username=name, password=password)
        engine = create_engine(user_url, poolclass=_null_pool())
        try:
            with engine.connect() as conn:
                stored = conn.execute(text("SELECT rsapp_own_password_hash()")).scalar()
                if stored is None or not verify_password(stored, password):
                    raise SignInError(_WRONG)
                from rsapp.store.identity import pg_identity

                identity = pg_identity(conn, signed_in=True)
        except OperationalError as exc:
            text_ = str(exc.orig or exc).lower()
            if "authentication failed" in text_ or "does not exist" in text_ or "password" in text_:
                raise SignInError(_WRONG) from exc
            raise SignInError(
                "Kunne ikke kontakte databasen; prøv igjen om litt, eller si fra til den som drifter rsapp."
            ) from exc
        finally:
            engine.dispose()
        return identity, user_url.render_as_string(hide_password=False)
    from rsapp.db import open_database

    engine = open_database(url, seed=False)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    f"SELECT {access.USER_COLUMNS}, u.password_hash FROM app_user u"
                    " LEFT JOIN helsefellesskap h ON h.id = u.helsefellesskap_id WHERE u.username = :u"
                ),
                {"u": name},
            ).first()
    finally:
        engine.dispose()
    if row is None or not verify_password(row[-1], password):
        raise SignInError(_WRONG)
    if not row[-2]:
        raise SignInError("Brukeren er deaktivert. Kontakt sekretariatet.")
    return access.identity_from_row(tuple(row[:-1]), signed_in=True), url


def _null_pool() -> Any:
    from sqlalchemy.pool import NullPool

    return NullPool
