"""PDF files: the text layer, page by page (pypdf, imported only when a PDF is read).

A PDF without text (a scan) or with a password is refused with a message that says so.
Words broken at a line end are rejoined later, where the lines are joined into paragraphs
(:func:`rsapp.importer.cleanup.unwrap`), because only there is the next line known.
"""

from __future__ import annotations

import io

from rsapp.importer.document import Line
from rsapp.importer.errors import ImportFailure
from rsapp.importer.readers.text import CONTROL

__all__ = ["pdf_lines"]


def pdf_lines(filename: str, data: bytes) -> list[Line]:
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError
    except ImportError as exc:  # pragma: no cover - pypdf is a dependency
        raise ImportFailure(filename, "PDF-leseren (pypdf) mangler") from exc
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
            text = page.extract_text() or ""
            for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
                lines.append(Line(len(lines) + 1, CONTROL.sub("", raw), page_number))
    except ImportFailure:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:
        raise ImportFailure(filename, password_message) from exc
    except (PdfReadError, Exception) as exc:  # noqa: BLE001 - pypdf raises many kinds on broken files
        raise ImportFailure(filename, "PDF-filen er skadet eller ufullstendig og kan ikke leses") from exc
    if not any(line.text.strip() for line in lines):
        raise ImportFailure(filename, "PDF-en har ingen tekst (skannet?)")
    return lines
