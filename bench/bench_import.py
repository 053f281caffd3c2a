"""Benchmark: importing application forms.

Run with ``.venv/bin/python bench/bench_import.py``. Targets (issue 12):
- 100 single-application .docx files imported (read, parsed, compared and saved to a SQLite
  database that is already set up, as ``rsapp import`` does) in under 3 s;
- a PDF bundle of ten applications with their attachments read and parsed in under 1 s;
- ``rsapp import --yes FILE`` for one .docx, the whole process, at most 2× the time of
  ``python -c "import textual.app"``, both measured in this run (medians of alternating runs).
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.form_headings import HEADINGS  # noqa: E402

TARGET_DOCX_S = 3.0
TARGET_BUNDLE_S = 1.0
TARGET_PROCESS_RATIO = 2.0
CORPUS = ROOT / "tests" / "fixtures" / "import"


def write_docx_files(folder: Path, n: int) -> list[Path]:
    """n Word files, each one application built from the hand-extracted data with its own name."""
    from docx import Document

    sources = [
        tomllib.loads(p.read_text("utf-8"))
        for p in sorted((ROOT / "data" / "applications").glob("0[1-5]-*.toml"))
    ]
    paths = []
    for i in range(n):
        data = sources[i % len(sources)]
        doc = Document()
        for key, heading in HEADINGS:
            doc.add_heading(heading, level=2)
            if key == "name":
                value = f"{data['name']} (kopi {i + 1})"
            elif key == "municipalities":
                value = ", ".join(data["municipalities"])
            else:
                value = data.get(key) or data["sections"].get(key, "")
            if key == "budget":
                table = doc.add_table(rows=0, cols=2)
                for line in data.get("budget_line", []):
                    cells = table.add_row().cells
                    cells[0].text, cells[1].text = line["purpose"], line["source_phrase"]
                continue
            for para in str(value).strip().split("\n"):
                if para.strip():
                    doc.add_paragraph(para.strip())
        path = folder / f"soknad-{i + 1:03d}.docx"
        doc.save(str(path))
        paths.append(path)
    return paths


def _bundle() -> Path:
    path = CORPUS / "bunke-10.pdf"
    if path.is_file():
        return path
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    tmp = Path(tempfile.mkdtemp())
    module.write_bundle(tmp / "bunke-10.docx")
    return module.to_pdf([tmp / "bunke-10.docx"], tmp)[0]


def bench_docx(folder: Path) -> bool:
    from rsapp.db import open_database
    from rsapp.importer.service import import_paths
    from rsapp.importer.store import open_store

    files = write_docx_files(folder, 100)
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    open_database(url).dispose()  # a database that is set up, as a user has one
    store = open_store(url)
    start = time.perf_counter()
    results = import_paths(store, files)
    elapsed = time.perf_counter() - start
    imported = sum(1 for r in results if r.status == "importert")
    good = elapsed < TARGET_DOCX_S and imported == len(files)
    print(
        f"import 100 docx (read, parse, compare, save): {elapsed:.2f} s, {imported}/{len(files)} imported"
        f" (target < {TARGET_DOCX_S:.0f} s) {'OK' if good else 'FAIL'}"
    )
    return good


def bench_bundle() -> bool:
    from rsapp.importer.fields import parse_document
    from rsapp.importer.readers import read_document

    bundle = _bundle()
    times = []
    parsed = None
    for _ in range(5):
        start = time.perf_counter()
        parsed = parse_document(read_document(bundle))
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    count = len(parsed.applications) if parsed else 0
    good = median < TARGET_BUNDLE_S and count == 10
    print(
        f"read and parse a PDF bundle of {count} applications: {median * 1000:.0f} ms median"
        f" (target < {TARGET_BUNDLE_S * 1000:.0f} ms) {'OK' if good else 'FAIL'}"
    )
    return good


def _run(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def bench_process(folder: Path) -> bool:
    from rsapp.db import open_database

    url = f"sqlite:///{folder / 'process.sqlite3'}"
    open_database(url).dispose()
    (folder / "one").mkdir()
    files = write_docx_files(folder / "one", 7)  # each a new application: every run imports
    python = sys.executable
    env = dict(os.environ, RSAPP_DATA_DIR=str(folder / "data"))
    imports, textual = [], []
    for path in files:
        textual.append(_run([python, "-c", "import textual.app"], env))
        imports.append(_run([python, "-m", "rsapp", "--db", url, "import", "--yes", str(path)], env))
    t_import, t_textual = statistics.median(imports), statistics.median(textual)
    ratio = t_import / t_textual
    good = ratio <= TARGET_PROCESS_RATIO
    print(
        f"rsapp import --yes FILE (whole process): {t_import * 1000:.0f} ms against "
        f"{t_textual * 1000:.0f} ms for import textual.app = {ratio:.2f}× "
        f"(target ≤ {TARGET_PROCESS_RATIO:.0f}×) {'OK' if good else 'FAIL'}"
    )
    return good


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ok &= bench_docx(Path(tmp))
    ok &= bench_bundle()
    with tempfile.TemporaryDirectory() as tmp:
        ok &= bench_process(Path(tmp))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
