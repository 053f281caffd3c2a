"""Running LibreOffice (``soffice --headless --convert-to …``) so that it never outlives rsapp.

``soffice`` is a script that starts ``oosplash``, which starts ``soffice.bin``: killing the
process rsapp started leaves the converter running on its own. :func:`run_soffice` starts it
through a small guard process that puts LibreOffice in its own process group and removes that
whole group when rsapp goes away (Linux's parent-death signal), when the time is up, or when the
guard itself is stopped. :func:`failure_message` says in Norwegian why no file came out: killed,
stopped with an error code, or ended "well" without writing the file (LibreOffice's own output is
English and says little).

Plain Python: no Textual, no database.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence

__all__ = ["LibreOfficeTimeout", "failure_message", "find_soffice", "run_soffice"]

#: The guard: runs argv[2:] in a new process group; on SIGTERM (sent by the kernel when rsapp
#: dies, or by rsapp on a timeout) it kills the group. Exit code: LibreOffice's, or 128 + signal.
_GUARD = r"""
import ctypes, os, signal, subprocess, sys
try:
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
except Exception:
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit(128 + signal.SIGTERM)
try:
    child = subprocess.Popen(sys.argv[2:], start_new_session=True)
except OSError:
    sys.exit(127)
def stop(number, _frame):
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except OSError:
        pass
    os._exit(128 + number)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
code = child.wait()
try:
    os.killpg(child.pid, signal.SIGKILL)  # anything the converter left running in its group
except OSError:
    pass
sys.exit(code if code >= 0 else 128 - code)
"""


class LibreOfficeTimeout(Exception):
    """LibreOffice did not finish in time; it has been stopped."""


def find_soffice() -> str | None:
    """Path of LibreOffice's ``soffice`` (or ``libreoffice``), or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def run_soffice(command: Sequence[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run ``command`` (``soffice …``) guarded (see the module docstring); output captured.

    Raises :class:`LibreOfficeTimeout` after ``timeout`` seconds (LibreOffice stopped), and
    :class:`OSError` when it cannot be started at all.
    """
    process = subprocess.Popen(
        [sys.executable, "-c", _GUARD, str(os.getpid()), *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
        raise LibreOfficeTimeout from None
    except BaseException:
        process.send_signal(signal.SIGTERM)
        process.wait()
        raise
    if process.returncode == 127:
        raise FileNotFoundError(2, "LibreOffice finnes ikke", command[0])
    return subprocess.CompletedProcess(list(command), process.returncode, out, err)


def failure_message(returncode: int, what: str) -> str:
    """Why LibreOffice made no ``what`` ("PDF", "PDF av sak.docx"), in Norwegian."""
    if returncode > 128 or returncode < 0:
        number = returncode - 128 if returncode > 128 else -returncode
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return (
            f"LibreOffice ble stoppet ({name}) før {what} var laget: avbrutt av systemet eller en annen "
            "bruker, eller tom for minne. Prøv igjen."
        )
    if returncode == 0:
        return (
            f"LibreOffice avsluttet uten å lage {what}. Det skjer når dokumentet ikke kunne leses, eller når "
            "LibreOffice ikke fikk startet ordentlig. Lukk andre LibreOffice-vinduer og prøv igjen."
        )
    return (
        f"LibreOffice kunne ikke lage {what} (feilkode {returncode}). Sjekk at LibreOffice virker "
        "(åpne programmet én gang), og prøv igjen."
    )
