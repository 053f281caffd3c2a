"""Backups: a copy of the whole database, restored into an empty one; a daily copy of the file.

* :func:`backup` — SQLite through the online backup API (a consistent copy while others work);
  PostgreSQL through ``pg_dump`` (custom format) where it is installed;
* :func:`restore` — a backup into an *empty* database (a SQLite file that does not exist or has
  no tables; a PostgreSQL database with no tables): never over data;
* :func:`daily_copy` — on the first start of a day, a copy of the SQLite file into
  ``<datamappe>/sikkerhetskopier``; the last :data:`KEEP_DAYS` are kept.

Every copy is written to a temporary file beside the target and renamed into place, readable by
its owner only (0600), in folders that are 0700. Errors are Norwegian and name the file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from rsapp.files import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE
from rsapp.store.errors import os_reason

__all__ = ["KEEP_DAYS", "BackupError", "backup", "backup_dir", "daily_copy", "restore"]

#: How many daily copies are kept.
KEEP_DAYS = 14
DAILY_PREFIX = "rsapp-"
DAILY_SUFFIX = ".sqlite3"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PGDUMP_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that could not be made (Norwegian message naming the file)."""


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///") :]
    return Path(path) if path and path != ":memory:" else None


def _is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def _private_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"Kan ikke lage mappen {folder}: {os_reason(exc)}.") from exc


def _temp_beside(target: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(name, PRIVATE_FILE_MODE)
    return Path(name)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy the SQLite database ``source`` into ``target`` with the online backup API."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()


# --- backup ---------------------------------------------------------------------------------------


def backup(url: str, target: Path | str) -> Path:
    """Write a backup of the database at ``url`` to ``target`` (replaced if it exists); returns it."""
    target = Path(target).expanduser().absolute()
    if target.is_dir():
        raise BackupError(f"{target} er en mappe. Skriv navnet på filen sikkerhetskopien skal lagres i.")
    if not target.parent.is_dir():
        raise BackupError(f"Mappen {target.parent} finnes ikke.")
    path = _sqlite_path(url)
    if path is not None:
        if not path.is_file():
            raise BackupError(f"Databasefilen {path} finnes ikke.")
        tmp = _temp_beside(target)
        try:
            _sqlite_copy(path, tmp)
            os.chmod(tmp, PRIVATE_FILE_MODE)
            os.replace(tmp, target)
        except sqlite3.Error as exc:
            raise BackupError(f"Kunne ikke kopiere databasen {path} til {target}: {exc}.") from exc
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        return target
    if _is_postgres(url):
        tmp = _temp_beside(target)
        try:
            _run_pg("pg_dump", url, ["--format=custom", "--no-owner", f"--file={tmp}"])
            os.chmod(tmp, PRIVATE_FILE_MODE)
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        return target
    raise BackupError(f"Sikkerhetskopi støttes for SQLite og PostgreSQL, ikke for {url.split(':', 1)[0]}.")


def _pg_args(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for ``url`` (password in the environment, not on the command line)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    parts = []
    for key, value in (
        ("host", parsed.host),
        ("port", parsed.port),
        ("user", parsed.username),
        ("dbname", parsed.database),
    ):
        if value:
            parts.append(f"{key}='{str(value).replace(chr(39), chr(92) + chr(39))}'")
    return " ".join(parts), env


def _run_pg(tool: str, url: str, args: list[str]) -> None:
    exe = shutil.which(tool)
    if exe is None:
        raise BackupError(
            f"{tool} finnes ikke på maskinen. Installer PostgreSQL-klienten (Debian: postgresql-client) "
            "for å ta sikkerhetskopi av en PostgreSQL-database."
        )
    conninfo, env = _pg_args(url)
    flag = "--dbname"
    result = subprocess.run([exe, *args, f"{flag}={conninfo}"], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        message = (result.stderr.strip().splitlines() or ["ukjent feil"])[-1]
        raise BackupError(f"{tool} feilet: {message}")


# --- restore --------------------------------------------------------------------------------------


def _kind(source: Path) -> str:
    try:
        with source.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise BackupError(f"Kan ikke lese {source}: {os_reason(exc)}.") from exc
    if head.startswith(_SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(_PGDUMP_MAGIC):
        return "pgdump"
    raise BackupError(f"{source} er ikke en sikkerhetskopi fra rsapp (verken SQLite-fil eller pg_dump-fil).")


def _sqlite_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (count,) = conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    finally:
        conn.close()
    return count == 0


def restore(url: str, source: Path | str) -> str:
    """Restore the backup ``source`` into the empty database at ``url``; returns what was restored
    ("SQLite" or "PostgreSQL"). Refuses a database that already holds tables."""
    source = Path(source).expanduser().absolute()
    if not source.is_file():
        raise BackupError(f"Sikkerhetskopien {source} finnes ikke.")
    kind = _kind(source)
    path = _sqlite_path(url)
    if kind == "sqlite":
        if path is None:
            raise BackupError(
                "Sikkerhetskopien er en SQLite-fil og kan bare legges tilbake i en SQLite-database. "
                "Flytt én runde mellom databaser med «rsapp runde eksport» og «rsapp runde import»."
            )
        if not _sqlite_empty(path):
            raise BackupError(
                f"Databasen {path} er ikke tom. Legg sikkerhetskopien tilbake i en ny fil (--db), "
                "så ingenting overskrives."
            )
        _private_folder(path.parent)
        tmp = _temp_beside(path)
        try:
            _sqlite_copy(source, tmp)
            conn = sqlite3.connect(tmp)
            try:
                (status,) = conn.execute("PRAGMA integrity_check").fetchone()
            finally:
                conn.close()
            if status != "ok":
                raise BackupError(f"Sikkerhetskopien {source} er skadet: {status}.")
            os.chmod(tmp, PRIVATE_FILE_MODE)
            for stale in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                with contextlib.suppress(OSError):
                    stale.unlink()
            os.replace(tmp, path)
        except sqlite3.Error as exc:
            raise BackupError(f"Kunne ikke legge tilbake {source}: {exc}.") from exc
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        return "SQLite"
    if not _is_postgres(url):
        raise BackupError(
            "Sikkerhetskopien er fra PostgreSQL (pg_dump) og kan bare legges tilbake i PostgreSQL."
        )
    _require_empty_postgres(url)
    _run_pg(
        "pg_restore",
        url,
        ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", str(source)],
    )
    # The grants (not in the restore: they name this server's roles) made again, idempotently.
    from sqlalchemy import create_engine

    from rsapp.store.pg_access import AccessSetupError, apply_access

    engine = create_engine(url)
    try:
        apply_access(engine)
    except AccessSetupError as exc:
        raise BackupError(f"Databasen er lagt tilbake, men tilgangene ble ikke satt opp: {exc}") from exc
    finally:
        engine.dispose()
    return "PostgreSQL"


def _require_empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            count = conn.execute(
                text("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")
            ).scalar_one()
            if count:
                raise BackupError(
                    "PostgreSQL-databasen er ikke tom. Lag en ny, tom database (createdb) og legg "
                    "sikkerhetskopien tilbake i den."
                )
            # The three group roles the dump's policies name (rsapp db tilganger makes them).
            from rsapp.store.pg_access import GROUP_ROLES

            for group in GROUP_ROLES.values():
                conn.exec_driver_sql(
                    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
                    f"'{group}') THEN CREATE ROLE {group} NOLOGIN; END IF; END $$"
                )
            conn.commit()
    except BackupError:
        raise
    except Exception as exc:  # noqa: BLE001 - told to the user in Norwegian
        raise BackupError(f"Kunne ikke åpne PostgreSQL-databasen: {str(exc).splitlines()[0]}") from exc
    finally:
        engine.dispose()


# --- the daily copy -------------------------------------------------------------------------------


def backup_dir() -> Path:
    """``<datamappe>/sikkerhetskopier`` (0700)."""
    from rsapp.config import user_data_dir

    return user_data_dir() / "sikkerhetskopier"


def daily_copy(
    url: str, today: date | None = None, *, folder: Path | None = None, keep: int = KEEP_DAYS
) -> Path | None:
    """On the first start of a day, copy the SQLite file to ``rsapp-ÅÅÅÅ-MM-DD.sqlite3`` in
    :func:`backup_dir` and keep the newest ``keep`` copies. Returns the new copy (None: not a
    SQLite file, no file yet, or today's copy exists)."""
    path = _sqlite_path(url)
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return None
    today = today or date.today()
    folder = folder or backup_dir()
    _private_folder(folder)
    with contextlib.suppress(OSError):
        os.chmod(folder, PRIVATE_DIR_MODE)
    target = folder / f"{DAILY_PREFIX}{today.isoformat()}{DAILY_SUFFIX}"
    if target.exists():
        return None
    backup(url, target)
    copies = sorted(p for p in folder.glob(f"{DAILY_PREFIX}*{DAILY_SUFFIX}") if _dated(p.name) is not None)
    for old in copies[: max(0, len(copies) - keep)]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def _dated(name: str) -> date | None:
    stem = name[len(DAILY_PREFIX) : -len(DAILY_SUFFIX)]
    try:
        return date.fromisoformat(stem)
    except ValueError:
        return None
