"""Writing the files rsapp makes (Word, PDF, Markdown, Excel): atomically, privately, in Norwegian.

Every file goes through :func:`write_atomic`: the content is written to a temporary file in the
target's own folder (so the rename cannot cross disks), flushed to disk, given mode 0600 (the
documents hold names and amounts: readable by their owner only) and renamed over the target with
:func:`os.replace`. A reader sees the old file or the new one, never half of one; a failure
removes the temporary file and leaves an existing target untouched.

Before writing, :func:`check_target` refuses a missing folder, a folder in the file's place and a
file open in LibreOffice or Microsoft Office (their lock files ``.~lock.NAME#`` and ``~$NAME``).
Every refusal and every OS error becomes a :class:`FileWriteError` whose message is one Norwegian
sentence naming the file and the reason (:func:`os_error_message`), never the English strerror.

Plain Python: no Textual, no database.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "PRIVATE_FILE_MODE",
    "FileWriteError",
    "TargetExistsError",
    "check_target",
    "lock_file_for",
    "os_error_message",
    "private_dir",
    "write_atomic",
]

#: Mode of every file rsapp writes: read and write for the owner, nothing for anyone else.
PRIVATE_FILE_MODE = 0o600
#: Mode of the folders rsapp creates for its own files.
PRIVATE_DIR_MODE = 0o700

#: What :func:`write_atomic` accepts: the bytes, the text (written as UTF-8), or a function that
#: writes into the open binary file (``workbook.save``, ``document.save``).
Content = bytes | str | Callable[[BinaryIO], object]


class FileWriteError(Exception):
    """A file could not be written; the message is Norwegian and names the file."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


class TargetExistsError(FileWriteError):
    """The target exists and the caller asked not to overwrite it (ask the user, then retry)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"Filen {path} finnes allerede.", path)


#: Norwegian reasons for the errno values a save commonly meets.
_ERRNO_REASONS = {
    errno.ENOENT: "mappen finnes ikke (eller ble fjernet underveis)",
    errno.ENOTDIR: "en del av stien er en fil, ikke en mappe",
    errno.EISDIR: "det finnes en mappe med det navnet",
    errno.EEXIST: "det finnes allerede noe med det navnet",
    errno.EBUSY: "filen er i bruk av et annet program. Lukk den og prøv igjen",
    errno.ETXTBSY: "filen er i bruk av et annet program. Lukk den og prøv igjen",
    errno.EROFS: "mappen ligger på et skrivebeskyttet område. Velg en annen mappe",
    errno.ENOSPC: "disken er full. Frigjør plass eller velg en annen disk",
    errno.EDQUOT: "diskkvoten er brukt opp. Frigjør plass eller velg en annen disk",
    errno.ENAMETOOLONG: "filnavnet eller stien er for lang",
    errno.EINVAL: "filnavnet er ugyldig",
    errno.EMFILE: "for mange åpne filer. Lukk noen programmer og prøv igjen",
    errno.ENFILE: "for mange åpne filer. Lukk noen programmer og prøv igjen",
    errno.EIO: "lese-/skrivefeil på disken",
    errno.EXDEV: "den midlertidige filen og målet ligger på ulike disker",
    errno.ELOOP: "stien har for mange symbolske lenker",
}
_PERMISSION = (
    "ingen skrivetilgang (eller filen er låst av et annet program). Lukk filen eller velg en annen mappe"
)


def _reason(exc: OSError) -> str:
    number = exc.errno
    if number in (errno.EACCES, errno.EPERM):
        return _PERMISSION
    if number in _ERRNO_REASONS:
        return _ERRNO_REASONS[number]
    return f"systemfeil (errno {number})" if number is not None else "ukjent systemfeil"


def os_error_message(path: Path | str, exc: OSError) -> str:
    """One Norwegian sentence naming ``path`` and why ``exc`` stopped writing it."""
    return f"Kan ikke skrive {path}: {_reason(exc)}."


def lock_file_for(path: Path | str) -> Path | None:
    """The lock file LibreOffice (``.~lock.NAME#``) or Office (``~$NAME``) keeps while ``path`` is open."""
    path = Path(path)
    for candidate in (path.with_name(f".~lock.{path.name}#"), path.with_name(f"~${path.name}")):
        if candidate.exists():
            return candidate
    return None


def _absolute(path: Path | str) -> Path:
    path = Path(path).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


def check_target(path: Path | str, *, overwrite: bool = True) -> Path:
    """The absolute target if it can be written now, else :class:`FileWriteError`.

    Refuses a missing folder, a folder where the file should be, a file open in LibreOffice or
    Office, and (with ``overwrite=False``) an existing file (:class:`TargetExistsError`).
    Cheap: call it before slow work, so the user hears of a locked file before waiting.
    """
    target = _absolute(path)
    folder = target.parent
    if not folder.exists():
        raise FileWriteError(
            f"Kan ikke skrive {target}: mappen {folder} finnes ikke. Velg en mappe som finnes.", target
        )
    if not folder.is_dir():
        raise FileWriteError(f"Kan ikke skrive {target}: {folder} er ikke en mappe.", target)
    if target.is_dir():
        raise FileWriteError(f"Kan ikke skrive {target}: det er en mappe, ikke en fil.", target)
    lock = lock_file_for(target)
    if lock is not None:
        raise FileWriteError(
            f"Kan ikke skrive {target}: filen er åpen i et annet program (låsefilen {lock.name} finnes). "
            "Lukk filen i LibreOffice, Word eller Excel og prøv igjen.",
            target,
        )
    if not overwrite and target.exists():
        raise TargetExistsError(target)
    return target


def write_atomic(path: Path | str, content: Content, *, overwrite: bool = True) -> Path:
    """Write ``content`` to ``path`` atomically with mode 0600; returns the absolute path.

    ``content`` is bytes, text (UTF-8) or a function given the open binary file. Raises
    :class:`FileWriteError` (Norwegian, naming the file) when the target is refused by
    :func:`check_target` or the OS fails; the temporary file is gone and an existing target
    unchanged after any error, including one raised by ``content``.
    """
    target = check_target(path, overwrite=overwrite)
    # The process id in the name lets the next rsapp remove what a killed one left behind.
    from rsapp.housekeeping import clean_temp_files

    clean_temp_files(target.parent)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise FileWriteError(os_error_message(target, exc), target) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(content, bytes):
                handle.write(content)
            elif isinstance(content, str):
                handle.write(content.encode("utf-8"))
            else:
                content(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, PRIVATE_FILE_MODE)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise FileWriteError(os_error_message(target, exc), target) from exc
        raise
    _sync_folder(target.parent)
    return target


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def private_dir(path: Path | str) -> Path:
    """Create ``path`` (and its parents) for rsapp's own files, mode 0700 when it is new."""
    folder = _absolute(path)
    try:
        folder.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise FileWriteError(f"Kan ikke lage mappen {folder}: {_reason(exc)}.", folder) from exc
    return folder
