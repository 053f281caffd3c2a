"""PDF files: the text layer, page by page (pypdf, imported only when a PDF is read).

pypdf puts text that stands on one baseline on one line, also when it belongs to two table
cells side by side (a form filled in as a table: "Prosjekteiere Brønnøy kommune …"). The
lines are therefore rebuilt from the positions pypdf reports: where the text jumps to the
right across a wide gap on the same baseline, the line is a table row and keeps its cells.

A PDF without text (a scan) or with a password is refused with a message that says so.
Words broken at a line end are rejoined later, where the lines are joined into paragraphs
(:func:`rsapp.importer.cleanup.unwrap`), because only there is the next line known.
"""

from __future__ import annotations

import io
import math
from typing import Any

from rsapp.importer.document import Line
from rsapp.importer.errors import ImportFailure
from rsapp.importer.readers.text import CONTROL

__all__ = ["pdf_lines"]

_AVERAGE_WIDTH = 0.5  # of a character, in font sizes: an estimate of where a text piece ends
_COLUMN_GAP = 2.5  # a gap wider than this many font sizes on one baseline separates columns


def _quiet_pypdf() -> None:
    """pypdf logs what it repairs in a broken PDF, in English, to standard error ("Ignoring wrong
    pointing object …"); what matters reaches the user as the import's own Norwegian message."""
    import logging

    logger = logging.getLogger("pypdf")
    if logger.propagate:
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def _page_lines(page: Any) -> list[tuple[str, tuple[str, ...] | None]]:
    """A page's lines; a line whose text jumps to another column on the same baseline (two
    table cells side by side) comes with its cells."""
    out: list[tuple[str, tuple[str, ...] | None]] = []
    groups: list[list[str]] = [[]]
    last: tuple[float, float] | None = None  # (baseline, estimated end) of the last text piece

    def flush() -> None:
        nonlocal last, groups
        texts = ["".join(g) for g in groups]
        if len([t for t in texts if t.strip()]) > 1:
            cells = tuple(" ".join(t.split()) for t in texts if t.strip())
            out.append((" ".join(cells), cells))
        else:
            out.append(("".join(texts), None))
        groups = [[]]
        last = None

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, font_size: float) -> None:
        nonlocal last
        for n, part in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
            if n:
                flush()
            if not part:
                continue
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            size = (font_size or 10.0) * (math.hypot(tm[0], tm[1]) or 1.0) * (math.hypot(cm[0], cm[1]) or 1.0)
            if last is not None and part.strip() and groups[-1]:
                baseline, end = last
                if abs(y - baseline) < size * 0.6 and x - end > _COLUMN_GAP * size:
                    groups.append([])
            groups[-1].append(part)
            if part.strip():
                last = (y, x + len(part) * size * _AVERAGE_WIDTH)

    page.extract_text(visitor_text=visit)
    if any(groups[0]) or len(groups) > 1:
        flush()
    return out


def pdf_lines(filename: str, data: bytes) -> list[Line]:
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError
    except ImportError as exc:  # pragma: no cover - pypdf is a dependency
        raise ImportFailure(filename, "PDF-leseren (pypdf) mangler") from exc
    _quiet_pypdf()
    password_message = "PDF-en er passordbeskyttet; lagre den uten passord og prøv igjen"
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise ImportFailure(filename, password_message)
            except (FileNotDecryptedError, DependencyError, NotImplementedError) as exc:
                raise ImportFailure(filename, password_message) from exc
        lines: list[Line] = []
        for page_number, page in enumerate(reader.pages, start=1):
            for raw, cells in _page_lines(page):
                if cells is not None:
                    cells = tuple(CONTROL.sub("", c) for c in cells)
                lines.append(Line(len(lines) + 1, CONTROL.sub("", raw), page_number, cells=cells))
    except ImportFailure:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:
        raise ImportFailure(filename, password_message) from exc
    except (PdfReadError, Exception) as exc:  # noqa: BLE001 - pypdf raises many kinds on broken files
        raise ImportFailure(filename, "PDF-filen er skadet eller ufullstendig og kan ikke leses") from exc
    if not any(line.text.strip() for line in lines):
        raise ImportFailure(filename, "PDF-en har ingen tekst (skannet?)")
    return lines
