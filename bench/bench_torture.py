"""Torture: kills, races and hostile files (issue 11), on SQLite and PostgreSQL.

Run with ``.venv/bin/python bench/bench_torture.py`` (part of ``make bench``). Set
``RSAPP_TORTURE_SCALE`` (e.g. ``0.1``) for a shorter run; the targets are the same.

1. **SIGKILLs** — 1 000 in all, half on a SQLite file and half on PostgreSQL, each on a round of
   300 applications. A worker process (forked from this one, so no start-up to wait for) makes
   moves, grants and imports through rsapp's own write path as fast as it can, and is killed
   with SIGKILL at a random moment, mostly in the middle of a transaction. After every kill the
   database is checked: every round's ranks are exactly 1..n, every imported document has its
   applications and every imported application its document, no budget line or recommendation
   points at nothing, and (SQLite) ``PRAGMA integrity_check`` is ok. Target: 0 inconsistent states.
2. **Racing pairs** — 200 each of moves, grants and imports, on both databases: two users (each
   its own engine and thread) act at the same moment on what they both read before. Moves are
   made as the screen makes them (next to the neighbour the user saw); the result must be one of
   the two serial orders, or the refused user must have been told. Grants are made from the same
   version: exactly one lands, the other is refused with the stale-edit message. Imports of two
   different files into one round: both land, ranks stay 1..n. Targets: 0 lost updates, 0 silent
   stale moves.
3. **Torture folder** — 30+ bad files and 3 good ones in one ``rsapp import --yes FOLDER`` run as a
   user without root's rights: every bad file answered in one Norwegian line naming it, the good
   ones imported, no traceback, no English. Target: peak memory of the import under 500 MB.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCALE = float(os.environ.get("RSAPP_TORTURE_SCALE", "1") or "1")
KILLS = max(2, round(1000 * SCALE))
PAIRS = max(2, round(200 * SCALE))
ROUND_SIZE = 300
PEAK_MB_TARGET = 500
FORM = (ROOT / "tests" / "fixtures" / "import" / "samhandlingsrommet.md").read_text(encoding="utf-8")
ENGLISH = ("Traceback", "Error", "Exception", "No such file", "Permission denied", "sqlite3.", "psycopg")


# --- databases ----------------------------------------------------------------------------------------


def _big_round(url: str) -> None:
    """The built-in data and round 1 grown to ROUND_SIZE applications (each with a budget line)."""
    from sqlmodel import Session

    from rsapp.db import open_database
    from rsapp.models import Application, BudgetLine

    engine = open_database(url)
    with Session(engine) as s:
        apps = [
            Application(round_id=1, name=f"Prosjekt {i}", owners=f"Kommune {i % 17}", rank=6 + i)
            for i in range(ROUND_SIZE - 5)
        ]
        s.add_all(apps)
        s.flush()
        s.add_all(
            BudgetLine(application_id=a.id, budget_year=2026, amount=100_000 + i) for i, a in enumerate(apps)
        )
        s.commit()
    engine.dispose()


def _rows(url: str, sql: str) -> list[tuple]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.split("///", 1)[1], timeout=60) as conn:
            return conn.execute(sql).fetchall()
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        return conn.execute(sql).fetchall()


def inconsistencies(url: str) -> list[str]:
    """What is wrong with the database (empty: consistent)."""
    problems = []
    ranks: dict[int, list[int | None]] = {}
    for round_id, rank in _rows(url, "SELECT round_id, rank FROM application ORDER BY round_id, rank"):
        ranks.setdefault(round_id, []).append(rank)
    for round_id, values in ranks.items():
        if sorted(r for r in values if r is not None) != list(range(1, len([r for r in values if r]) + 1)):
            problems.append(f"runde {round_id}: rangeringen er ikke 1..n")
    orphans = _rows(
        url,
        "SELECT COUNT(*) FROM application a WHERE a.content_hash <> '' AND a.source_document LIKE 'torture-%' "
        "AND NOT EXISTS (SELECT 1 FROM importeddocument d WHERE d.content_hash = a.content_hash)",
    )[0][0]
    if orphans:
        problems.append(f"{orphans} importerte søknader uten dokument")
    empty_docs = _rows(
        url,
        "SELECT COUNT(*) FROM importeddocument d WHERE d.filename LIKE 'torture-%' AND d.applications > 0 "
        "AND NOT EXISTS (SELECT 1 FROM application a WHERE a.content_hash = d.content_hash)",
    )[0][0]
    if empty_docs:
        problems.append(f"{empty_docs} dokumenter uten søknadene sine")
    for table in ("budgetline", "recommended_amount"):
        dangling = _rows(
            url,
            f"SELECT COUNT(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM application a WHERE a.id = t.application_id)",
        )[0][0]
        if dangling:
            problems.append(f"{dangling} rader i {table} uten søknad")
    if url.startswith("sqlite"):
        (status,) = _rows(url, "PRAGMA integrity_check")[0]
        if status != "ok":
            problems.append(f"integrity_check: {status}")
    return problems


# --- 1. SIGKILLs ----------------------------------------------------------------------------------------


def _work_forever(url: str, seed: int, folder: Path, ready: int) -> None:  # pragma: no cover - child
    """The killed worker: moves, grants and imports in a loop, through rsapp's write path."""
    from sqlalchemy import text
    from sqlmodel import Session

    from rsapp.db import open_database
    from rsapp.importer.service import accept_preview, preview_path
    from rsapp.importer.store import EngineStore
    from rsapp.prioritisation import PrioritisationError, move_application, set_recommendation

    rng = random.Random(seed)
    engine = open_database(url, seed=False)
    store = EngineStore(engine)
    os.write(ready, b"1")
    n = 0
    while True:
        n += 1
        kind = rng.choice(("move", "grant", "import"))
        try:
            with Session(engine) as s:
                key = rng.randint(1, 5) if rng.random() < 0.3 else rng.randint(8, ROUND_SIZE + 2)
                row = s.execute(
                    text("SELECT version, round_id FROM application WHERE id = :k"), {"k": key}
                ).first()
                if row is None or row[1] != 1:
                    continue
                if kind == "move":
                    move_application(s, key, rng.randint(1, ROUND_SIZE), version=row[0])
                elif kind == "grant":
                    set_recommendation(s, key, {2026: rng.randint(0, 100_000)}, version=row[0])
                else:
                    path = folder / f"torture-{os.getpid()}-{n}.md"
                    path.write_text(FORM.replace("Hvor er samhandlingsrommet?", f"Drept {os.getpid()}-{n}"))
                    preview = preview_path(store, path, "helgeland-2026")
                    accept_preview(store, preview)
        except PrioritisationError:
            pass


def kills(url: str, count: int, folder: Path) -> tuple[int, int, float, int]:
    """``count`` SIGKILLs of a worker; returns (kills, inconsistent states, seconds, changes the
    killed workers saved before they died, as the change log counts them)."""
    rng = random.Random(11)
    bad = 0
    logged = _rows(url, "SELECT COUNT(*) FROM changelog")[0][0]
    started = time.monotonic()
    for i in range(count):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            os.close(read)
            try:
                _work_forever(url, i, folder, write)
            finally:
                os._exit(0)
        os.close(write)
        os.read(read, 1)  # the worker's engine is open
        os.close(read)
        time.sleep(rng.uniform(0.01, 0.25))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        problems = inconsistencies(url)
        if problems:
            bad += 1
            print(f"  efter drap {i + 1}: {'; '.join(problems)}", flush=True)
    saved = _rows(url, "SELECT COUNT(*) FROM changelog")[0][0] - logged
    return count, bad, time.monotonic() - started, saved


# --- 2. racing pairs --------------------------------------------------------------------------------------


def _pair(first: Callable[[], object], second: Callable[[], object]) -> list[object]:
    """Run two callables at the same moment; their results (or the exceptions they raised)."""
    barrier = threading.Barrier(2)
    out: list[object] = [None, None]

    def go(index: int, fn: Callable[[], object]) -> None:
        barrier.wait()
        try:
            out[index] = fn()
        except Exception as exc:  # noqa: BLE001 - the exception is the result
            out[index] = exc

    threads = [threading.Thread(target=go, args=(i, fn)) for i, fn in enumerate((first, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _order(engine) -> list[int]:
    from sqlalchemy import text

    with engine.connect() as conn:
        return [
            r for (r,) in conn.execute(text("SELECT id FROM application WHERE round_id = 1 ORDER BY rank"))
        ]


def _after_move(order: list[int], key: int, neighbour: int, above: bool) -> list[int]:
    rest = [k for k in order if k != key]
    at = rest.index(neighbour) + (0 if above else 1)
    return rest[:at] + [key] + rest[at:]


def races(url: str, pairs: int, folder: Path) -> dict[str, tuple[int, int]]:
    """{kind: (pairs, failures)}: lost updates or silent stale moves."""
    from sqlalchemy import text
    from sqlmodel import Session

    from rsapp.db import make_engine
    from rsapp.importer.service import accept_preview, preview_path
    from rsapp.importer.store import EngineStore
    from rsapp.prioritisation import (
        History,
        MoveCommand,
        StaleError,
        Versions,
        load_recommendation,
        load_view,
        set_recommendation,
    )

    rng = random.Random(5)
    engines = [make_engine(url), make_engine(url)]
    result = {"flytting": [0, 0], "innstilling": [0, 0], "import": [0, 0]}
    try:
        for i in range(pairs):
            # Moves: both users read the round, then each moves one application next to another.
            histories = []
            for engine in engines:
                with Session(engine) as s:
                    view = load_view(s, 1)
                histories.append(History(Versions(view.versions, {}, view.ranks())))
            before = _order(engines[0])
            moves = []
            for _ in range(2):
                key, neighbour = rng.sample(before, 2)
                above = rng.random() < 0.5
                moves.append((key, neighbour, above))

            def mover(
                index: int, before: list[int] = before, histories: list = histories, moves: list = moves
            ) -> object:
                key, neighbour, above = moves[index]
                command = MoveCommand(
                    key,
                    before.index(key) + 1,
                    before.index(neighbour) + 1,
                    above=neighbour if above else None,
                    below=None if above else neighbour,
                )
                with Session(engines[index]) as s:
                    return histories[index].run(command, s)

            outcome = _pair(partial(mover, 0), partial(mover, 1))
            after = _order(engines[0])
            done = [j for j in range(2) if not isinstance(outcome[j], Exception)]
            refused = [j for j in range(2) if isinstance(outcome[j], StaleError)]
            other = [o for o in outcome if isinstance(o, Exception) and not isinstance(o, StaleError)]
            candidates = []
            if len(done) == 2:
                for a, b in ((0, 1), (1, 0)):
                    candidates.append(_after_move(_after_move(before, *moves[a]), *moves[b]))
            elif len(done) == 1:
                candidates.append(_after_move(before, *moves[done[0]]))
            else:
                candidates.append(before)
            result["flytting"][0] += 1
            if other or after not in candidates or len(done) + len(refused) != 2:
                result["flytting"][1] += 1
                print(f"  flytting {i}: {moves} -> {outcome}", flush=True)

            # Grants: both from the same version of one application.
            key = rng.choice(after[:50])
            with Session(engines[0]) as s:
                version = s.execute(
                    text("SELECT version FROM application WHERE id = :k"), {"k": key}
                ).scalar_one()
            amounts = [{2026: 1000 + i}, {2026: 2000 + i}]

            def granter(
                index: int, key: int = key, version: int = version, amounts: list = amounts
            ) -> object:
                with Session(engines[index]) as s:
                    return set_recommendation(s, key, amounts[index], version=version)

            outcome = _pair(partial(granter, 0), partial(granter, 1))
            with Session(engines[0]) as s:
                stored = load_recommendation(s, key)
            landed = [j for j in range(2) if not isinstance(outcome[j], Exception)]
            told = [
                j
                for j in range(2)
                if isinstance(outcome[j], StaleError) and "endret av en annen bruker" in str(outcome[j])
            ]
            result["innstilling"][0] += 1
            if len(landed) != 1 or len(told) != 1 or stored != amounts[landed[0]]:
                result["innstilling"][1] += 1
                print(f"  innstilling {i}: {outcome} -> {stored}", flush=True)

            # Imports: two different files into round 1 at once.
            paths = []
            for j in range(2):
                path = folder / f"torture-race-{i}-{j}.md"
                path.write_text(
                    FORM.replace("Hvor er samhandlingsrommet?", f"Kappløp {i}-{j}").replace(
                        "Senja kommune", f"Eier {j}"
                    )
                )
                paths.append(path)
            stores = [EngineStore(engine) for engine in engines]

            def importer(index: int, stores: list = stores, paths: list = paths) -> object:
                preview = preview_path(stores[index], paths[index], "helgeland-2026")
                return accept_preview(stores[index], preview)

            outcome = _pair(partial(importer, 0), partial(importer, 1))
            count = _rows(url, f"SELECT COUNT(*) FROM application WHERE name LIKE 'Kappløp {i}-%'")[0][0]
            result["import"][0] += 1
            if count != 2 or inconsistencies(url):
                result["import"][1] += 1
                print(f"  import {i}: {[getattr(o, 'message', o) for o in outcome]}", flush=True)
    finally:
        for engine in engines:
            engine.dispose()
    return {k: (v[0], v[1]) for k, v in result.items()}


# --- 3. torture folder --------------------------------------------------------------------------------------


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(path: Path, body: bytes | str, *, document: bool = True) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if document:
            data = (
                body
                if isinstance(body, bytes)
                else f'<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>'
            )
            archive.writestr("word/document.xml", data)


def _bomb(path: Path, megabytes: int) -> None:
    paragraph = b"<w:p><w:r><w:t>" + b"Sprengt " * 60 + b"</w:t></w:r></w:p>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as handle:
            handle.write(f'<?xml version="1.0"?><w:document {W}><w:body>'.encode())
            block = paragraph * ((1 << 20) // len(paragraph))
            for _ in range(megabytes):
                handle.write(block)
            handle.write(b"</w:body></w:document>")


def torture_folder(folder: Path) -> list[str]:
    """Write the folder; returns the names of the bad files (each must be answered)."""
    folder.mkdir(parents=True)
    good = {"god-1.md": "Den første gode", "god-2.txt": "Den andre gode", "god-utf16.txt": "Den tredje gode"}
    for name, title in good.items():
        data = FORM.replace("Hvor er samhandlingsrommet?", title)
        (folder / name).write_bytes(data.encode("utf-16") if "utf16" in name else data.encode())
    bad: dict[str, Callable[[Path], object]] = {
        "tom.txt": lambda p: p.write_bytes(b""),
        "tom.md": lambda p: p.write_bytes(b""),
        "mellomrom.txt": lambda p: p.write_bytes(b" \n\t\n   \n"),
        "binær.txt": lambda p: p.write_bytes(bytes(range(256)) * 64),
        "binær.md": lambda p: p.write_bytes(os.urandom(50_000)),
        "kontrolltegn.txt": lambda p: p.write_bytes(b"\x01\x02\x03\x04\x05\x06" * 2000),
        "avkuttet.docx": lambda p: p.write_bytes(b"PK\x03\x04\x14\x00"),
        "uten-dokument.docx": lambda p: _docx(p, "", document=False),
        "ugyldig-xml.docx": lambda p: _docx(p, b"<w:document><w:body><w:p>"),
        "bombe.docx": lambda p: _bomb(p, 600),
        "dyp.docx": lambda p: _docx(p, "<w:sdt><w:sdtContent>" * 5000 + "</w:sdtContent></w:sdt>" * 5000),
        "tomt-dokument.docx": lambda p: _docx(p, "<w:p/>"),
        "skadet.pdf": lambda p: p.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"),
        "ikke-pdf.pdf": lambda p: p.write_bytes(b"dette er tekst med feil filendelse"),
        "regneark.xlsx": lambda p: p.write_bytes(b"PK\x03\x04"),
        "gammel.doc": lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0"),
        "uten-endelse": lambda p: p.write_text("Navn på prosjekt/pilot: Uten endelse"),
        "bilde.png": lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n"),
        "kjempenavn.txt": lambda p: p.write_text("Navn på prosjekt/pilot: " + "A" * 1_000_000),
        "for-stor.txt": lambda p: p.write_bytes(b"a" * (21 * 1024 * 1024)),
        "ingen-skjema.txt": lambda p: p.write_text("Referat fra møtet.\nIngen søknad her.\n"),
        "ingen-skjema-utf16.txt": lambda p: p.write_bytes("Bare en hilsen.\n".encode("utf-16")),
        "enormt-beløp.md": lambda p: p.write_text(
            FORM.replace("Hvor er samhandlingsrommet?", "Enormt beløp")
            + "\n## Budsjett for gjennomføring av prosjekt/pilot\n\n2026: 3 000 000 000 kr\n"
        ),
        "kun-overskrift.md": lambda p: p.write_text(
            "# Søknadsskjema for rekrutterings- og samhandlingstilskudd\n"
        ),
        "nullbyte.md": lambda p: p.write_bytes(b"\x00" * 1000),
        "ny\nlinje.md": lambda p: p.write_bytes(b""),
        "tab\tnavn.txt": lambda p: p.write_bytes(bytes(range(256)) * 8),
        "fifo.txt": lambda p: os.mkfifo(p),
        "brutt-lenke.md": lambda p: os.symlink(folder / "finnes-ikke.md", p),
        "løkke-a.docx": lambda p: os.symlink(folder / "løkke-b.docx", p),
        "løkke-b.docx": lambda p: os.symlink(folder / "løkke-a.docx", p),
        "lesesperret.md": lambda p: (p.write_text(FORM), os.chmod(p, 0)),
        "privat": lambda p: (p.mkdir(), (p / "skjult.md").write_text(FORM), os.chmod(p, 0)),
    }
    for name, make in bad.items():
        make(folder / name)
    return [repr(name)[1:-1] if not name.isprintable() else name for name in bad]


def torture(folder: Path, url: str) -> tuple[int, int, list[str], float]:
    """(bad files, answered, problems, peak MB) of one import of the torture folder."""
    names = torture_folder(folder)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "rsapp", "--db", url, "import", "--yes", str(folder)]
    if os.geteuid() == 0 and shutil.which("setpriv"):  # a user whom file modes stop (not root)
        command = [
            "setpriv",
            "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-all",
            "--",
            *command,
        ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    peak_mb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    text = result.stdout + result.stderr
    table = text[text.index("Resultat:") :] if "Resultat:" in text else text
    problems = [word for word in ENGLISH if word in text]
    answered = 0
    for name in names:
        rows = [line for line in table.splitlines() if line.startswith(name)]
        if rows and any("feil" in row for row in rows):
            answered += 1
        else:
            problems.append(f"{name}: ikke besvart")
    for title in ("Den første gode", "Den andre gode", "Den tredje gode"):
        if title not in text:
            problems.append(f"«{title}» ble ikke importert")
    return len(names), answered, problems, peak_mb


# --- main ---------------------------------------------------------------------------------------------------


def main() -> int:
    from tests.pgserver import PostgresServer

    ok = True
    server = PostgresServer().start()
    work = Path(tempfile.mkdtemp(prefix="rsapp-torture-"))
    os.chmod(work, 0o755)
    try:
        databases = {
            "SQLite": f"sqlite:///{work / 'sqlite' / 'rsapp.sqlite3'}",
            "PostgreSQL": server.create_database("rsapp_torture"),
        }
        for label, url in databases.items():
            _big_round(url)
            folder = work / f"importer-{label}"
            folder.mkdir()
            count, bad, seconds, saved = kills(url, KILLS // 2, folder)
            good = bad == 0 and not inconsistencies(url) and saved > 0
            ok = ok and good
            print(
                f"torture {label}: {count} SIGKILL under flytting/innstilling/import ({saved} endringer lagret "
                f"mellom drapene), {bad} inkonsistente tilstander ({seconds:.0f} s) {'OK' if good else 'FAIL'}",
                flush=True,
            )
            raced = races(url, PAIRS, folder)
            for kind, (pairs, failures) in raced.items():
                ok = ok and failures == 0
                what = (
                    "tapte oppdateringer eller stille utdaterte flyttinger"
                    if kind == "flytting"
                    else "tapte oppdateringer"
                )
                print(
                    f"torture {label}: {pairs} kappløpspar ({kind}), {failures} {what} {'OK' if not failures else 'FAIL'}",
                    flush=True,
                )
        url = f"sqlite:///{work / 'mappe-db' / 'rsapp.sqlite3'}"
        from rsapp.db import open_database

        open_database(url).dispose()
        count, answered, problems, peak = torture(work / "torturmappe", url)
        good = answered == count and not problems and peak < PEAK_MB_TARGET
        ok = ok and good
        print(
            f"torture mappe: {count} dårlige filer, {answered} besvart på norsk, de 3 gode importert"
            f"{'' if not problems else ' – ' + '; '.join(problems[:5])}; toppminne {peak:.0f} MB "
            f"(mål < {PEAK_MB_TARGET} MB) {'OK' if good else 'FAIL'}",
            flush=True,
        )
    finally:
        server.stop()
        for path in work.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                os.chmod(path, 0o755)
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
