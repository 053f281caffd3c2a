"""Clean up after an rsapp that was killed: its temporary folders and half-written files.

A process killed while it writes (``kill -9``, a closed laptop, the power) cannot remove its
own temporary files. The next rsapp that starts does it, for files that are certainly
abandoned:

* ``rsapp-pdf-<pid>-…`` folders in the system's temporary folder (a case or meeting being made
  into PDF: they hold the case as .docx and .pdf) whose process no longer runs; rsapp's other
  temporary folders (``rsapp-pdf-``, ``rsapp-lo-``, ``rsapp-recalc-``, ``rsapp-vedlegg-``,
  ``rsapp-oversendelse-`` without a process number) once they are an hour old;
* ``.NAME.<pid>.XXXXXXXX.tmp`` files that :func:`rsapp.files.write_atomic` left beside an
  export whose process no longer runs (older ``.NAME.XXXXXXXX.tmp`` ones once an hour old), in
  the working folder, the data folder and the user's documents folder.

Only files and folders owned by this user are touched. Plain Python; never raises.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

__all__ = ["clean_after_killed_runs", "clean_temp_files", "pid_alive"]

#: Temporary folders rsapp makes (``tempfile.mkdtemp(prefix=...)``); the download folder of
#: ``rsapp serve`` is not among them (it lives as long as the server).
_TEMP_DIR = re.compile(r"^rsapp-(pdf|lo|recalc|vedlegg|oversendelse)-(?:(\d+)-)?[A-Za-z0-9_]+$")
#: ``write_atomic``'s temporary files: ``.NAME.<pid>.<random>.tmp`` (older: ``.NAME.<random>.tmp``).
_TEMP_FILE = re.compile(r"^\..+?\.(?:(\d+)\.)?[A-Za-z0-9_]{8}\.tmp$")
#: Without a process number, a temporary thing this old is abandoned (a PDF takes minutes at most).
STALE_SECONDS = 3600


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs (a zombie counts as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def _abandoned(path: Path, pid_text: str | None, now: float) -> bool:
    try:
        info = path.lstat()
    except OSError:
        return False
    if info.st_uid != os.getuid():
        return False
    if pid_text:
        return int(pid_text) != os.getpid() and not pid_alive(int(pid_text))
    return now - info.st_mtime > STALE_SECONDS


def clean_temp_files(folder: Path, now: float | None = None) -> list[Path]:
    """Remove ``write_atomic``'s abandoned temporary files in ``folder``; returns what was removed."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_FILE.match(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        path = Path(entry.path)
        if _abandoned(path, match.group(1), now):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def _clean_temp_dirs(folder: Path, now: float) -> list[Path]:
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_DIR.match(entry.name)
        if match is None or not entry.is_dir(follow_symlinks=False):
            continue
        path = Path(entry.path)
        if _abandoned(path, match.group(2), now):
            shutil.rmtree(path, ignore_errors=True)
            if not path.exists():
                removed.append(path)
    return removed


def _folders() -> list[Path]:
    folders: list[Path] = []
    with contextlib.suppress(OSError):
        folders.append(Path.cwd())
    with contextlib.suppress(Exception):
        from rsapp.config import user_data_dir

        folders.append(user_data_dir())
    with contextlib.suppress(Exception):
        from platformdirs import user_documents_path

        folders.append(user_documents_path())
    with contextlib.suppress(Exception):
        folders.append(Path.home())
    unique: list[Path] = []
    for folder in folders:
        if folder not in unique:
            unique.append(folder)
    return unique


def clean_after_killed_runs() -> list[Path]:
    """Remove what killed rsapp processes left behind (see the module docstring)."""
    now = time.time()
    removed: list[Path] = []
    try:
        removed += _clean_temp_dirs(Path(tempfile.gettempdir()), now)
        for folder in _folders():
            removed += clean_temp_files(folder, now)
    except Exception:  # noqa: BLE001 - tidying up must never stop rsapp
        pass
    return removed
