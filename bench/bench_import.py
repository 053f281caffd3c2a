"""Benchmark: importing application forms.

Run with ``.venv/bin/python bench/bench_import.py``. Targets (issue 3):
- 100 single-application .docx files imported (read, parsed, compared and saved to a fresh
  SQLite database) in under 5 s;
- the 003 bundle (five applications, cover letter and case papers) read and parsed in under 1 s.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rsapp.db import open_database  # noqa: E402
from rsapp.importer.fields import parse_document  # noqa: E402
from rsapp.importer.readers import read_document  # noqa: E402
from rsapp.importer.service import import_paths  # noqa: E402
from tests.form_headings import HEADINGS  # noqa: E402

TARGET_DOCX_S = 5.0
TARGET_BUNDLE_S = 1.0
SEEDS = ROOT / "tests" / "fixtures" / "seeds"


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


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_docx_files(folder, 100)
        engine = open_database(f"sqlite:///{folder / 'bench.sqlite3'}")
        start = time.perf_counter()
        results = import_paths(engine, files)
        elapsed = time.perf_counter() - start
        engine.dispose()
        imported = sum(1 for r in results if r.status == "importert")
        good = elapsed < TARGET_DOCX_S and imported == len(files)
        ok &= good
        print(
            f"import 100 docx (read, parse, compare, save): {elapsed:.2f} s, {imported}/{len(files)} imported"
            f" (target < {TARGET_DOCX_S:.0f} s) {'OK' if good else 'FAIL'}"
        )

    bundle = next(SEEDS.glob("003_*.txt"))
    times = []
    for _ in range(5):
        start = time.perf_counter()
        parsed = parse_document(read_document(bundle))
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    good = median < TARGET_BUNDLE_S and len(parsed.applications) == 5
    ok &= good
    print(
        f"read and parse the 003 bundle ({len(parsed.applications)} applications): {median * 1000:.0f} ms median"
        f" (target < {TARGET_BUNDLE_S * 1000:.0f} ms) {'OK' if good else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
