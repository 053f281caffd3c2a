"""Issue 11, items 4 and 6: hostile files in the importer, answered in Norwegian, nothing lost.

A folder import as a user runs it (``rsapp import --yes``): each bad file gets one line that
names it and says what is wrong, the good files are imported, and nothing slow, huge or silent
happens. The torture folder of 30+ bad files, with its peak-memory figure, is in
bench/bench_torture.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from rsapp.__main__ import cli as rsapp_main
from rsapp.db import open_database
from rsapp.importer.errors import ImportFailure
from rsapp.importer.readers import read_document

REPO = Path(__file__).resolve().parents[1]
FORM = REPO / "tests" / "fixtures" / "import" / "samhandlingsrommet.md"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
NBSP = "\u00a0"


def form(name: str) -> str:
    return FORM.read_text(encoding="utf-8").replace("Hvor er samhandlingsrommet?", name)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = rsapp_main(list(args))
    out, err = capsys.readouterr()
    return code, out.replace(NBSP, " "), err.replace(NBSP, " ")


def _docx(path: Path, body: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml", f'<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>'
        )
    return path


def _bomb(path: Path, megabytes: int) -> Path:
    """A small .docx whose document unpacks to ``megabytes`` of paragraphs."""
    paragraph = b"<w:p><w:r><w:t>" + b"Sprengt " * 60 + b"</w:t></w:r></w:p>"
    per_megabyte = (1 << 20) // len(paragraph)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as handle:
            handle.write(f'<?xml version="1.0"?><w:document {W}><w:body>'.encode())
            block = paragraph * per_megabyte
            for _ in range(megabytes):
                handle.write(block)
            handle.write(b"</w:body></w:document>")
    return path


def _problem(path: Path) -> str:
    with pytest.raises(ImportFailure) as caught:
        read_document(path)
    return caught.value.problem


# --- .docx: unpacked size and XML depth -------------------------------------------------------------


def test_a_word_file_that_unpacks_to_gigabytes_is_refused_at_once_without_the_memory(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bombe.docx", 400)
    assert bomb.stat().st_size < 5 * 1024 * 1024
    script = (
        "import sys, time\n"
        "from rsapp.importer.readers import read_document\n"
        "from rsapp.importer.errors import ImportFailure\n"
        "t = time.monotonic()\n"
        "try:\n"
        f"    read_document({str(bomb)!r}); print('LEST')\n"
        "except ImportFailure as exc:\n"
        "    print(exc.problem)\n"
        "print(time.monotonic() - t)\n"
        # VmHWM, this process's own peak: ru_maxrss would carry the parent's peak over the exec.
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO, timeout=120
    )
    problem, seconds, peak_kb = result.stdout.strip().splitlines()
    assert "pakkes ut" in problem and "MB" in problem, problem
    assert float(seconds) < 5
    assert int(peak_kb) < 250 * 1024, f"{int(peak_kb) // 1024} MB"


def test_a_word_file_nested_too_deep_is_named_as_such(tmp_path: Path) -> None:
    depth = 5000
    path = _docx(tmp_path / "dyp.docx", "<w:sdt><w:sdtContent>" * depth + "</w:sdtContent></w:sdt>" * depth)
    problem = _problem(path)
    assert "nestet" in problem and "dypt" in problem, problem


# --- text: a name line of a million characters, UTF-16 ----------------------------------------------


def test_a_file_of_only_a_huge_name_line_is_refused_not_ranked(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "navn.txt"
    path.write_text("Navn på prosjekt/pilot: " + "A" * 1_000_000 + "\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", sqlite_url, "import", "--yes", str(path))
    assert "navn.txt" in out + err
    assert re.search(r"for lang.*1 000 000 tegn.*høyst 300", out + err), (out + err)[-600:]
    engine = open_database(sqlite_url)
    try:
        with engine.connect() as conn:
            longest = conn.exec_driver_sql("SELECT MAX(LENGTH(name)) FROM application").scalar_one()
            assert longest <= 300
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM application").scalar_one() == 7
    finally:
        engine.dispose()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_text_files_are_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"skjema-{encoding}.md"
    path.write_bytes(form("Samhandling på tvers – ÆØÅ").encode(encoding))
    doc = read_document(path)
    assert any("Samhandling på tvers – ÆØÅ" in line.text for line in doc.lines)


# --- folders: unreadable sub-folders, symlink loops, odd file names ---------------------------------


def test_a_symlink_loop_is_called_a_loop_not_a_missing_file(tmp_path: Path) -> None:
    os.symlink("b.docx", tmp_path / "a.docx")
    os.symlink("a.docx", tmp_path / "b.docx")
    problem = _problem(tmp_path / "a.docx")
    assert "lenke" in problem and "finnes ikke" not in problem, problem


def test_file_names_with_line_breaks_keep_the_report_one_line_a_file(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mappe"
    folder.mkdir()
    (folder / "ny\nlinje.md").write_text(form("Linjeskift-prosjektet"), encoding="utf-8")
    (folder / "tom\r.txt").write_text("", encoding="utf-8")
    code, out, err = run(capsys, "--db", sqlite_url, "import", "--yes", str(folder))
    text = out + err
    assert "Linjeskift-prosjektet" in text
    for line in text.splitlines():
        assert not line.startswith(("linje.md", ".txt")), line
    assert "ny\\nlinje.md" in text and "tom\\r.txt" in text


def _as_user_without_root_rights(
    args: list[str], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "rsapp", *args]
    if os.geteuid() == 0:
        command = [
            "setpriv",
            "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-all",
            "--",
            *command,
        ]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=180, check=False)


@pytest.mark.skipif(os.geteuid() == 0 and shutil.which("setpriv") is None, reason="needs setpriv as root")
def test_an_unreadable_sub_folder_is_reported_and_the_rest_imported() -> None:
    base = Path(tempfile.mkdtemp(prefix="rsapp-importtest-"))
    try:
        os.chmod(base, 0o755)
        folder = base / "søknader"
        (folder / "privat").mkdir(parents=True)
        (folder / "god.md").write_text(form("Den gode søknaden"), encoding="utf-8")
        (folder / "privat" / "skjult.md").write_text(form("Den skjulte søknaden"), encoding="utf-8")
        url = f"sqlite:///{base / 'db' / 'rsapp.sqlite3'}"
        open_database(url).dispose()
        os.chmod(folder / "privat", 0)
        env = dict(os.environ, PYTHONPATH=str(REPO), RSAPP_DATA_DIR=str(base / "data"))
        result = _as_user_without_root_rights(["--db", url, "import", "--yes", str(folder)], env, base)
        text = result.stdout + result.stderr
        assert "Den gode søknaden" in text
        assert "privat" in text and "ingen tilgang" in text, text[-800:]
        assert "Traceback" not in text
    finally:
        os.chmod(base / "søknader" / "privat", 0o755)
        shutil.rmtree(base, ignore_errors=True)


# --- a torture folder in one import ---------------------------------------------------------------------


def test_a_folder_of_bad_files_gets_one_norwegian_answer_each_and_the_good_ones_are_imported(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "blandet"
    folder.mkdir()
    (folder / "god.md").write_text(form("Den gode søknaden"), encoding="utf-8")
    (folder / "utf16.txt").write_bytes(form("Søknaden i UTF-16").encode("utf-16"))
    (folder / "tom.md").write_text("", encoding="utf-8")
    (folder / "binær.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "skadet.docx").write_bytes(b"PK\x03\x04 ikke en zip")
    (folder / "skadet.pdf").write_bytes(b"%PDF-1.7\n ikke en pdf")
    (folder / "regneark.xlsx").write_bytes(b"PK")
    _bomb(folder / "bombe.docx", 60)
    os.symlink("finnes-ikke.docx", folder / "brutt-lenke.docx")
    started = time.monotonic()
    code, out, err = run(capsys, "--db", sqlite_url, "import", "--yes", str(folder))
    assert time.monotonic() - started < 60
    text = out + err
    assert "Den gode søknaden" in text and "Søknaden i UTF-16" in text
    table = text[text.index("Resultat:") :]
    for name in (
        "tom.md",
        "binær.txt",
        "skadet.docx",
        "skadet.pdf",
        "regneark.xlsx",
        "bombe.docx",
        "brutt-lenke.docx",
    ):
        row = next(line for line in table.splitlines() if line.startswith(name))
        assert "feil" in row, row
    assert "Traceback" not in text
    assert not re.search(r"Error|No such file|Permission denied|sqlite3\.[A-Z]", text), text


# --- item 6: no personal data or SQL parameters in an import's messages ------------------------------------


def test_a_database_error_during_an_import_names_no_person(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    open_database(sqlite_url).dispose()
    path = tmp_path / "kari.md"
    path.write_text(
        form("Kari Nordmanns prosjekt").replace("Senja kommune", "Kari Nordmann, tlf. 12345678"),
        encoding="utf-8",
    )
    monkeypatch.setenv("RSAPP_LOCK_TIMEOUT", "0.5")
    holder = sqlite3.connect(sqlite_url.split("///", 1)[1], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, out, err = run(
            capsys, "--db", sqlite_url, "import", "--yes", "--round", "helgeland-2026", str(path)
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    text = out + err
    result = text[text.index("Resultat:") :] if "Resultat:" in text else err
    assert "låst" in result, result
    assert "12345678" not in result and "INSERT" not in result and "parameters" not in result


# --- item 4: LibreOffice ends without a file, or is killed ------------------------------------------------


@pytest.mark.parametrize(
    ("script", "needle"),
    [("exit 0", "uten å lage PDF"), ("kill -KILL $$", "stoppet (SIGKILL)"), ("exit 3", "feilkode 3")],
)
def test_libreoffice_without_a_file_or_killed_is_explained(tmp_path: Path, script: str, needle: str) -> None:
    from rsapp.saksfremlegg.render import RenderError, convert_docx_to_pdf

    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(0o755)
    with pytest.raises(RenderError) as caught:
        convert_docx_to_pdf(b"PK", soffice=str(fake))
    assert needle in str(caught.value)
    assert "kode 0" not in str(caught.value)
