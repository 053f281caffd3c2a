"""Files rsapp writes: whole or not at all, readable by their owner only, refusals in Norwegian."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from rsapp.files import (
    FileWriteError,
    TargetExistsError,
    check_target,
    lock_file_for,
    os_error_message,
    private_dir,
    write_atomic,
)
from tests.conftest import TODAY


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _leftovers(folder: Path) -> list[str]:
    """Temporary files write_atomic might have left behind (``.NAME.xxxx.tmp``)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def open_umask():
    """A permissive umask (as on many desktops), so 0600 is rsapp's doing, not the umask's."""
    old = os.umask(0o022)
    yield
    os.umask(old)


# --- writing -------------------------------------------------------------------------------------


def test_text_bytes_and_writer_land_whole_with_mode_0600(tmp_path: Path, open_umask) -> None:
    md = write_atomic(tmp_path / "sak.md", "# Sak 23-2025\nInnstilling – æøå\n")
    assert md == tmp_path / "sak.md"
    assert md.read_text(encoding="utf-8") == "# Sak 23-2025\nInnstilling – æøå\n"
    docx = write_atomic(tmp_path / "sak.docx", b"PK\x03\x04")
    assert docx.read_bytes() == b"PK\x03\x04"
    xlsx = write_atomic(tmp_path / "liste.xlsx", lambda handle: handle.write(b"xlsx"))
    assert xlsx.read_bytes() == b"xlsx"
    assert [_mode(p) for p in (md, docx, xlsx)] == [0o600, 0o600, 0o600]
    assert _leftovers(tmp_path) == []


def test_overwriting_a_readable_file_makes_it_private(tmp_path: Path, open_umask) -> None:
    target = tmp_path / "sak.md"
    target.write_text("gammel")
    target.chmod(0o644)
    write_atomic(target, "ny")
    assert target.read_text() == "ny"
    assert _mode(target) == 0o600


def test_relative_path_is_written_in_the_working_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert write_atomic("sak.md", "tekst") == tmp_path / "sak.md"
    assert (tmp_path / "sak.md").read_text() == "tekst"


def test_a_failing_writer_leaves_no_temp_file_and_the_old_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "liste.xlsx"
    target.write_bytes(b"forrige versjon")

    def half_then_fail(handle) -> None:
        handle.write(b"halvparten")
        raise ValueError("arbeidsboken kunne ikke bygges")

    with pytest.raises(ValueError, match="arbeidsboken"):
        write_atomic(target, half_then_fail)
    assert target.read_bytes() == b"forrige versjon"
    assert _leftovers(tmp_path) == []


def test_a_full_disk_during_the_write_is_reported_in_norwegian_and_cleaned_up(tmp_path: Path) -> None:
    target = tmp_path / "sak.pdf"

    def disk_fills_up(handle) -> None:
        handle.write(b"%PDF-1.7")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(FileWriteError) as caught:
        write_atomic(target, disk_fills_up)
    assert (
        str(caught.value)
        == f"Kan ikke skrive {target}: disken er full. Frigjør plass eller velg en annen disk."
    )
    assert caught.value.path == target
    assert not target.exists()
    assert _leftovers(tmp_path) == []


# --- refusals --------------------------------------------------------------------------------------


def test_missing_folder_is_named(tmp_path: Path) -> None:
    target = tmp_path / "finnes-ikke" / "sak.docx"
    with pytest.raises(FileWriteError) as caught:
        write_atomic(target, b"PK")
    assert str(caught.value) == (
        f"Kan ikke skrive {target}: mappen {target.parent} finnes ikke. Velg en mappe som finnes."
    )
    assert not target.parent.exists()


def test_a_folder_in_the_files_place_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sak.docx").mkdir()
    with pytest.raises(FileWriteError, match="det er en mappe, ikke en fil"):
        write_atomic(tmp_path / "sak.docx", b"PK")


@pytest.mark.parametrize("lock_name", [".~lock.sak.docx#", "~$sak.docx"], ids=["libreoffice", "office"])
def test_a_file_open_in_libreoffice_or_office_is_left_alone(tmp_path: Path, lock_name: str) -> None:
    target = tmp_path / "sak.docx"
    target.write_bytes(b"det brukeren har oppe")
    (tmp_path / lock_name).write_text("Kari,kari-pc,13.10.2025 09:12;")
    assert lock_file_for(target) == tmp_path / lock_name
    with pytest.raises(FileWriteError) as caught:
        write_atomic(target, b"PK ny")
    assert str(caught.value) == (
        f"Kan ikke skrive {target}: filen er åpen i et annet program (låsefilen {lock_name} finnes). "
        "Lukk filen i LibreOffice, Word eller Excel og prøv igjen."
    )
    assert target.read_bytes() == b"det brukeren har oppe"
    assert _leftovers(tmp_path) == []


def test_no_lock_file_means_no_lock(tmp_path: Path) -> None:
    (tmp_path / ".~lock.annen.docx#").write_text("")
    assert lock_file_for(tmp_path / "sak.docx") is None


def test_overwrite_false_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "liste.xlsx"
    target.write_bytes(b"gammel")
    with pytest.raises(TargetExistsError, match=f"Filen {target} finnes allerede."):
        check_target(target, overwrite=False)
    with pytest.raises(TargetExistsError):
        write_atomic(target, b"ny", overwrite=False)
    assert target.read_bytes() == b"gammel"
    assert write_atomic(tmp_path / "ny.xlsx", b"ny", overwrite=False).read_bytes() == b"ny"


def _as_nobody(fn) -> str:
    """Run ``fn`` in a forked child that has dropped root to the user ``nobody``; returns what it
    printed. Root writes anywhere, so a read-only folder can only be tried as an ordinary user."""
    import pwd

    nobody = pwd.getpwnam("nobody")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        try:
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            result = fn()
        except BaseException as exc:  # noqa: BLE001 - reported to the parent as text
            result = f"{type(exc).__name__}: {exc}"
        os.write(write, result.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        out = pipe.read()
    os.waitpid(pid, 0)
    return out


def test_a_read_only_folder_is_reported_as_no_write_access(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        import tempfile

        base = Path(tempfile.mkdtemp(prefix="rsapp-ro-", dir="/tmp"))
        base.chmod(0o755)
        folder = base / "skrivebeskyttet"
        folder.mkdir(mode=0o500)
        import pwd

        os.chown(folder, pwd.getpwnam("nobody").pw_uid, -1)
    else:
        base = folder = tmp_path / "skrivebeskyttet"
        folder.mkdir()
        folder.chmod(0o500)

    def attempt() -> str:
        try:
            write_atomic(folder / "sak.docx", b"PK")
        except FileWriteError as exc:
            return f"FileWriteError: {exc}"
        return "skrevet"

    try:
        result = _as_nobody(attempt) if os.geteuid() == 0 else attempt()
        assert result.startswith("FileWriteError") and "ingen skrivetilgang" in result, result
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)
        if base != folder:
            import shutil

            shutil.rmtree(base)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        (errno.EACCES, "ingen skrivetilgang (eller filen er låst av et annet program)"),
        (errno.EPERM, "ingen skrivetilgang (eller filen er låst av et annet program)"),
        (errno.ENOENT, "mappen finnes ikke"),
        (errno.ENOSPC, "disken er full"),
        (errno.EBUSY, "filen er i bruk av et annet program"),
        (errno.EROFS, "skrivebeskyttet område"),
        (errno.EOVERFLOW, f"systemfeil (errno {errno.EOVERFLOW})"),
    ],
)
def test_os_errors_become_one_norwegian_sentence_naming_the_file(number: int, reason: str) -> None:
    exc = OSError(number, os.strerror(number))
    message = os_error_message(Path("/hjem/kari/sak.docx"), exc)
    assert message.startswith("Kan ikke skrive /hjem/kari/sak.docx: ")
    assert reason in message and message.endswith(".")
    assert os.strerror(number) not in message  # never the English text


def test_private_dir_is_created_for_the_owner_only(tmp_path: Path, open_umask) -> None:
    folder = private_dir(tmp_path / "data" / "dokumenter")
    assert folder.is_dir() and _mode(folder) == 0o700
    assert private_dir(folder) == folder  # exists already: fine


# --- where rsapp writes ------------------------------------------------------------------------------


def test_cli_render_writes_a_private_file_and_refuses_a_locked_one(
    sqlite_url: str, tmp_path: Path, capsys, open_umask
) -> None:
    from rsapp.cli import cli

    assert cli(["--db", sqlite_url, "sak", "meeting", "new", "--date", "20.10.2025", "--standing"]) == 0
    target = tmp_path / "moete.md"
    assert cli(["--db", sqlite_url, "sak", "render", "--meeting", "1", "-o", str(target)]) == 0
    assert "Eventuelt" in target.read_text(encoding="utf-8")
    assert _mode(target) == 0o600
    capsys.readouterr()

    target.write_text("brukerens utgave")
    (tmp_path / ".~lock.moete.md#").write_text("")
    assert cli(["--db", sqlite_url, "sak", "render", "--meeting", "1", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert f"Feil: Kan ikke skrive {target}: filen er åpen i et annet program" in err
    assert target.read_text() == "brukerens utgave"
    assert _leftovers(tmp_path) == []


async def test_meetings_screen_writes_word_privately_and_names_a_locked_file(engine, open_umask) -> None:
    from rsapp.app import make_app
    from rsapp.config import user_data_dir
    from rsapp.screens.cases import CasesScreen

    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("ctrl+s")  # the round's meeting day, as proposed
        await pilot.pause()
        screen = app.screen
        await pilot.press("w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        folder = user_data_dir() / "dokumenter"
        [written] = list(folder.glob("*.docx"))
        assert str(screen.query_one("#cases-status").content) == f"Møtedokumentet er lagret i {written}"
        assert _mode(written) == 0o600 and _mode(folder) == 0o700
        before = written.read_bytes()

        (folder / f".~lock.{written.name}#").write_text("")
        await pilot.press("w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(screen.query_one("#cases-status").content)
        assert f"Kan ikke skrive {written}: filen er åpen i et annet program" in status
        assert written.read_bytes() == before
        assert _leftovers(folder) == []
