"""What the user reads when something fails that no command caught: one Norwegian sentence.

:func:`user_message` is used by the command line's entry point (``rsapp.__main__``) and by the
app when a screen fails (``RsApp._handle_exception``), so that neither ever shows a traceback:

* a database or file error is described from its kind (:func:`rsapp.store.errors.describe`);
* rsapp's own errors already speak Norwegian (every ``rsapp.*`` exception class does);
* anything else is a programming error: the user is told so and where the details are, and
  :func:`log_failure` writes the traceback's *shape* (exception types, files, lines, function
  names; no message, no values, so no names or amounts) to ``feil.log`` in the data folder.

Plain Python: no Textual, no SQLAlchemy import.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path

__all__ = ["LOG_NAME", "log_failure", "user_message"]

LOG_NAME = "feil.log"
#: The log is cut to its last part when it grows beyond this.
_LOG_LIMIT = 256 * 1024


def _own_error(exc: BaseException) -> bool:
    module = type(exc).__module__ or ""
    return module == "rsapp" or module.startswith("rsapp.")


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    item: BaseException | None = exc
    while item is not None and len(out) < 10:
        out.append(item)
        item = item.__cause__ or (None if item.__suppress_context__ else item.__context__)
    return out


def log_failure(exc: BaseException) -> Path | None:
    """Append the shape of ``exc``'s traceback to ``feil.log`` (mode 0600); returns the file."""
    try:
        from rsapp.config import user_data_dir

        folder = user_data_dir()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = folder / LOG_NAME
        lines = [f"--- {datetime.now().astimezone():%Y-%m-%d %H:%M:%S%z} pid {os.getpid()}"]
        for item in reversed(_chain(exc)):
            lines.append(f"{type(item).__module__}.{type(item).__qualname__}")
            for frame in traceback.extract_tb(item.__traceback__):
                lines.append(f"  {frame.filename}:{frame.lineno} in {frame.name}")
        text = "\n".join(lines) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(text)
        if path.stat().st_size > _LOG_LIMIT:
            tail = path.read_bytes()[-_LOG_LIMIT // 2 :]
            path.write_bytes(tail)
        return path
    except OSError:
        return None


def user_message(exc: BaseException) -> str:
    """One Norwegian sentence for ``exc`` (see the module docstring)."""
    from rsapp.store.errors import describe

    described = describe(exc)
    if described:
        return described
    if _own_error(exc) and str(exc).strip():
        return str(exc)
    if isinstance(exc, MemoryError):
        return "Maskinen gikk tom for minne. Lukk andre programmer og prøv igjen."
    where = log_failure(exc)
    detail = f" Teknisk spor (uten innhold) er skrevet til {where}." if where else ""
    return (
        f"rsapp stoppet på grunn av en programfeil ({type(exc).__name__}). Ingen endring ble lagret halvveis."
        f"{detail} Meld fra til den som drifter rsapp."
    )
