"""Database and file errors as one Norwegian sentence that names what and where.

SQLite, PostgreSQL (psycopg), SQLAlchemy and Alembic speak English, and their messages carry
the SQL and its parameters (names, amounts). Nothing of that reaches a user or a log: every
error that leaves the store is described here from its *kind* (SQLite's error name,
PostgreSQL's SQLSTATE, the OS errno), never from its text.

* :func:`describe` — the Norwegian sentence for any exception (None when it is not a database
  or file error, i.e. a programming error);
* the write path (:func:`rsapp.store.unit_of_work.unit_of_work`) raises its
  ``DatabaseFailure`` with such a sentence instead of the driver's error;
* :func:`safe_url` — a database URL fit to show (the password hidden, a SQLite file as its path);
* :func:`lock_timeout_seconds` — how long rsapp waits for a database another program holds
  (``RSAPP_LOCK_TIMEOUT``, default 30 s), for SQLite's busy timeout and PostgreSQL's
  ``lock_timeout`` alike.

Plain Python; SQLAlchemy and the drivers are looked at only through attributes, never imported
here, so this module loads before them.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "ENV_LOCK_TIMEOUT",
    "describe",
    "lock_timeout_seconds",
    "os_reason",
    "safe_url",
]

#: Seconds rsapp waits for a database locked by another program before it says so.
DEFAULT_LOCK_TIMEOUT = 30.0
ENV_LOCK_TIMEOUT = "RSAPP_LOCK_TIMEOUT"


def lock_timeout_seconds() -> float:
    """``RSAPP_LOCK_TIMEOUT`` (seconds, > 0), else 30."""
    text = os.environ.get(ENV_LOCK_TIMEOUT, "").strip().replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT
    return value if 0 < value <= 3600 else DEFAULT_LOCK_TIMEOUT


def _seconds(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def safe_url(url: object) -> str:
    """The URL as a user may see it: a SQLite file as its path, a server URL without password."""
    text = str(url)
    render = getattr(url, "render_as_string", None)
    if render is not None:
        text = render(hide_password=True)
    else:
        text = re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", text)
    if text.startswith("sqlite"):
        path = text.split("///", 1)[1] if "///" in text else ""
        return path or "(minnedatabase)"
    return re.sub(r"^postgresql\+\w+://", "postgresql://", text)


# --- the kinds of error --------------------------------------------------------------------------

#: SQLite's error names (Python 3.11: ``sqlite3.Error.sqlite_errorname``) -> what to tell the user.
_SQLITE = {
    "SQLITE_BUSY": "locked",
    "SQLITE_LOCKED": "locked",
    "SQLITE_READONLY": "readonly",
    "SQLITE_CANTOPEN": "cantopen",
    "SQLITE_IOERR": "ioerr",
    "SQLITE_FULL": "full",
    "SQLITE_CORRUPT": "corrupt",
    "SQLITE_NOTADB": "corrupt",
    "SQLITE_PERM": "readonly",
    "SQLITE_TOOBIG": "toobig",
    "SQLITE_CONSTRAINT": "constraint",
}

#: Texts of SQLite errors for when the name is missing (older Pythons, wrapped errors).
_SQLITE_TEXT = (
    ("database is locked", "locked"),
    ("database table is locked", "locked"),
    ("readonly database", "readonly"),
    ("unable to open database", "cantopen"),
    ("disk i/o error", "ioerr"),
    ("database or disk is full", "full"),
    ("not a database", "corrupt"),
    ("malformed", "corrupt"),
    ("no such table", "schema"),
    ("no such column", "schema"),
    ("constraint failed", "constraint"),
    ("too big", "toobig"),
)


def _sqlite_kind(orig: BaseException) -> str | None:
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        for prefix, kind in _SQLITE.items():
            if name == prefix or name.startswith(prefix + "_"):
                if kind == "ioerr" and "READONLY" in name:
                    return "readonly"
                return kind
    text = str(orig).casefold()
    for needle, kind in _SQLITE_TEXT:
        if needle in text:
            return kind
    return None


#: PostgreSQL SQLSTATE (or its class, the first two characters) -> kind.
_PG = {
    "22003": "overflow",
    "22001": "toolong",
    "55P03": "locked",
    "57014": "canceled",
    "40001": "retry",
    "40P01": "retry",
    "23505": "duplicate",
    "23503": "reference",
    "23514": "constraint",
    "23502": "constraint",
    "42P01": "schema",
    "42703": "schema",
    "3D000": "nodatabase",
    "28P01": "login",
    "28000": "login",
    "42501": "denied",
    "53100": "full",
    "25006": "readonly",
    "57P01": "connection",
    "57P02": "connection",
    "57P03": "connection",
}
_PG_CLASS = {"08": "connection", "53": "resources", "22": "data", "23": "constraint", "42": "schema"}


def _pg_kind(orig: BaseException) -> str | None:
    state = getattr(orig, "sqlstate", None)
    if isinstance(state, str) and state:
        return _PG.get(state) or _PG_CLASS.get(state[:2]) or "server"
    module = type(orig).__module__ or ""
    if module.startswith("psycopg"):
        if type(orig).__name__ == "OperationalError":
            return "connection"
        return "server"
    return None


def _trigger_text(orig: BaseException) -> str | None:
    """The Norwegian text of one of rsapp's own triggers (its migrations write them; they carry
    no values but a round's number), from SQLite's RAISE or PostgreSQL's RAISE EXCEPTION."""
    if type(orig).__module__ == "sqlite3":
        if getattr(orig, "sqlite_errorname", None) != "SQLITE_CONSTRAINT_TRIGGER":
            return None
        text = str(orig)
    elif getattr(orig, "sqlstate", None) == "P0001":
        diag = getattr(orig, "diag", None)
        text = getattr(diag, "message_primary", None) or str(orig).splitlines()[0]
    else:
        return None
    text = text.strip().rstrip(".")
    return text if re.match(r"^[A-ZÆØÅ][^\n]{0,300}$", text) else None


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc``, the driver error it wraps (SQLAlchemy's ``.orig``) and its causes."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop(0)
        if item is None or any(item is s for s in seen) or len(seen) > 10:
            continue
        seen.append(item)
        todo.append(getattr(item, "orig", None))
        todo.append(item.__cause__)
        if not item.__suppress_context__:  # "raise … from None": the message said all there is
            todo.append(item.__context__)
    return seen


def _where(url: object | None) -> str:
    if url is None:
        return "databasen"
    shown = safe_url(url)
    return f"databasen {shown}"


_KIND_TEXT = {
    "locked": (
        "{Where} er låst av et annet program eller en annen bruker, og ble ikke ledig på {timeout} sekunder. "
        "Prøv igjen om litt (lukk andre rsapp-vinduer som lagrer, eller vent til importen er ferdig)."
    ),
    "readonly": (
        "{Where} er skrivebeskyttet: rsapp kan vise innholdet, men ikke lagre endringer. "
        "Gi brukeren skrivetilgang til filen og mappen den ligger i, eller bruk en kopi."
    ),
    "cantopen": (
        "Kan ikke åpne {where}: filen eller mappen finnes ikke, eller brukeren har ikke tilgang til den."
    ),
    "ioerr": "Lese-/skrivefeil på disken under arbeid med {where}. Sjekk disken og prøv igjen.",
    "full": "Disken er full: {where} kan ikke lagre mer. Frigjør plass og prøv igjen.",
    "corrupt": (
        "{Where} er ikke en rsapp-database eller er skadet. Velg riktig fil, eller gjenopprett fra sikkerhetskopi."
    ),
    "schema": (
        "{Where} mangler tabeller eller kolonner rsapp trenger: den er laget av et annet program eller en "
        "annen versjon av rsapp. Kjør «rsapp db upgrade»."
    ),
    "toobig": "En verdi er for stor til å lagres i {where}.",
    "overflow": "Et tall er for stort til å lagres i {where} (høyst {max_amount} kr for et beløp).",
    "toolong": "En tekst er for lang til å lagres i {where}.",
    "canceled": "Databasearbeidet i {where} ble avbrutt fordi det tok for lang tid. Prøv igjen.",
    "retry": "En annen bruker endret det samme i {where} samtidig. Prøv igjen.",
    "duplicate": "{Where} har allerede en rad med de samme verdiene; endringen ble ikke lagret.",
    "reference": "Endringen viser til noe som ikke finnes lenger i {where} (slettet av en annen bruker?).",
    "constraint": "{Where} avviste endringen fordi den bryter en regel for dataene (f.eks. et negativt beløp).",
    "nodatabase": "Databasen finnes ikke på tjeneren: {where}. Sjekk navnet i URL-en.",
    "login": "Databasetjeneren avviste innloggingen til {where}. Sjekk brukernavn og passord.",
    "denied": "Databasetjeneren nektet tilgang i {where}: brukeren mangler rettighet til endringen.",
    "connection": (
        "Får ikke kontakt med databasetjeneren for {where}. Sjekk at tjeneren kjører, adressen og nettverket."
    ),
    "resources": "Databasetjeneren for {where} har ikke nok ressurser akkurat nå. Prøv igjen om litt.",
    "data": "{Where} avviste en verdi som ikke passer i feltet.",
    "server": "Databasetjeneren for {where} meldte en feil{code}; endringen ble ikke lagret.",
}


def _database_text(kind: str, url: object | None, code: str = "") -> str:
    from rsapp.store.limits import MAX_AMOUNT

    where = _where(url)
    text = _KIND_TEXT[kind]
    return text.format(
        where=where,
        Where=where[0].upper() + where[1:],
        timeout=_seconds(lock_timeout_seconds()),
        max_amount=f"{MAX_AMOUNT:,}".replace(",", " "),
        code=code,
    )


def os_reason(exc: OSError) -> str:
    """Why a file or folder could not be used, in Norwegian (the OS's strerror is English)."""
    from rsapp.files import _reason

    if exc.errno == errno.ENOENT:
        return "filen eller mappen finnes ikke"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "ingen tilgang (sjekk rettighetene til filen og mappen)"
    return _reason(exc)


def _os_text(exc: OSError) -> str:
    where = exc.filename
    reason = os_reason(exc)
    if where:
        return f"Kan ikke bruke {where}: {reason}."
    return f"Fil- eller systemfeil: {reason}."


def _alembic_text(exc: BaseException, url: object | None) -> str | None:
    text = str(exc)
    match = re.search(r"Can't locate revision identified by '([^']+)'", text)
    if match:
        return (
            f"{_where(url)[0].upper()}{_where(url)[1:]} er laget eller oppgradert av en nyere rsapp "
            f"(skjemarevisjon {match.group(1)}). Oppgrader rsapp før du åpner den; denne versjonen "
            "kan ikke lese den uten å risikere dataene."
        )
    if "Multiple head revisions" in text or "overlaps with other requested revisions" in text:
        return f"Skjemaet i {_where(url)} er i en tilstand rsapp ikke kjenner igjen. Oppgrader rsapp."
    return None


def describe(exc: BaseException, url: object | None = None) -> str | None:
    """One Norwegian sentence for a database or file error, naming the database (``url``)."""
    chain = _chain(exc)
    for item in chain:
        message = getattr(item, "norwegian", None)
        if isinstance(message, str):
            return message
    if url is None:
        for item in chain:
            engine_url = getattr(getattr(item, "connection_invalidated", None), "url", None)
            if engine_url is not None:
                url = engine_url
                break
    for item in chain:
        rule = _trigger_text(item)
        if rule:
            return f"{_where(url)[0].upper()}{_where(url)[1:]} avviste endringen: {rule}."
    for item in chain:
        kind = _sqlite_kind(item) if type(item).__module__ == "sqlite3" else None
        if kind is not None:
            if kind == "cantopen" and url is not None:
                path = Path(safe_url(url))
                if path.is_absolute() and not path.parent.is_dir():
                    return f"Kan ikke åpne databasen {path}: mappen {path.parent} finnes ikke."
            return _database_text(kind, url)
        kind = _pg_kind(item)
        if kind is not None:
            state = getattr(item, "sqlstate", None)
            return _database_text(kind, url, f" (kode {state})" if state else "")
    for item in chain:
        module = type(item).__module__ or ""
        if module.startswith("alembic"):
            text = _alembic_text(item, url)
            if text is not None:
                return text
            return f"Kan ikke oppgradere {_where(url)}: skjemaendringen stoppet ({type(item).__name__})."
    for item in chain:
        module = type(item).__module__ or ""
        name = type(item).__name__
        if module.startswith("sqlalchemy"):
            if name == "NoSuchModuleError" or name == "ArgumentError":
                return None  # a bad URL: said by rsapp.db before it gets here
            if name in ("TimeoutError",):
                return f"Fikk ingen ledig forbindelse til {_where(url)} i tide. Prøv igjen."
            if name in ("OperationalError", "InterfaceError", "DisconnectionError"):
                return _database_text("connection", url)
            if name in ("IntegrityError",):
                return _database_text("constraint", url)
            if name in ("DataError",):
                return _database_text("data", url)
            if name in ("DBAPIError", "DatabaseError", "InternalError", "ProgrammingError"):
                return _database_text("server", url, "")
    for item in chain:
        if isinstance(item, OSError) and not isinstance(item, (TimeoutError,)):
            return _os_text(item)
    return None
