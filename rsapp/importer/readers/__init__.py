"""Reading a file into numbered lines: text and Markdown, Word (.docx) and PDF (text layer).

Every reader returns a :class:`~rsapp.importer.document.Document` whose lines carry their
line number in the document and, for PDF, their page number. Table rows (Word tables,
Markdown pipe or HTML tables) keep their cells. Anything that goes wrong becomes
:class:`ImportFailure` with a Norwegian message naming the file. lxml (.docx, HTML tables)
and pypdf are imported only when such a file is read.
"""

from __future__ import annotations

from pathlib import Path

from rsapp.importer.document import Document, Line, content_hash
from rsapp.importer.errors import ImportFailure
from rsapp.importer.readers.text import decode_text, text_lines

__all__ = [
    "SUPPORTED_SUFFIXES",
    "MAX_FILE_BYTES",
    "Line",
    "Document",
    "read_document",
    "read_bytes",
    "text_document",
    "content_hash",
]

SUPPORTED_SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".docx": "docx", ".pdf": "pdf"}
MAX_FILE_BYTES = 20 * 1024 * 1024  # a form with attachments is a few MB; anything bigger is a mistake


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " MB"


def _unknown_kind(suffix: str) -> str:
    kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
    return f"ukjent filtype ({suffix or 'ingen filendelse'}); rsapp leser {kinds}"


def read_document(path: str | Path) -> Document:
    """Read a file from disk. Raises :class:`ImportFailure` for every problem."""
    p = Path(path)
    name = p.name
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ImportFailure(name, _unknown_kind(suffix))
    try:
        if not p.is_file():
            raise ImportFailure(name, "filen finnes ikke" if not p.exists() else "er ikke en fil")
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFailure(
                name, f"filen er for stor ({_megabytes(size)}); grensen er {_megabytes(MAX_FILE_BYTES)}"
            )
        data = p.read_bytes()
    except OSError as exc:
        raise ImportFailure(name, f"kan ikke lese filen ({exc.strerror or exc})") from exc
    doc = read_bytes(name, data)
    doc.path = str(p)
    return doc


def read_bytes(filename: str, data: bytes) -> Document:
    """Read a file's content; the kind is taken from the filename's extension."""
    suffix = Path(filename).suffix.lower()
    kind = SUPPORTED_SUFFIXES.get(suffix)
    if kind is None:
        raise ImportFailure(filename, _unknown_kind(suffix))
    if len(data) > MAX_FILE_BYTES:
        raise ImportFailure(filename, f"filen er for stor ({_megabytes(len(data))})")
    if not data.strip():
        raise ImportFailure(filename, "filen er tom")
    digest = content_hash(data)
    if kind == "txt":
        lines = text_lines(decode_text(filename, data))
    elif kind == "md":
        from rsapp.importer.readers.markdown import markdown_lines

        lines = markdown_lines(decode_text(filename, data))
    elif kind == "docx":
        from rsapp.importer.readers.docx import docx_lines

        lines = docx_lines(filename, data)
    else:
        from rsapp.importer.readers.pdf import pdf_lines

        lines = pdf_lines(filename, data)
    if not any(line.text.strip() for line in lines):
        raise ImportFailure(filename, "filen inneholder ingen tekst")
    return Document(filename=filename, kind=kind, content_hash=digest, lines=lines)


def text_document(text: str, filename: str = "tekst.txt") -> Document:
    """A document from text already in memory (tests, pasted text)."""
    return Document(
        filename=filename,
        kind="txt",
        content_hash=content_hash(text.encode("utf-8", "surrogatepass")),
        lines=text_lines(text),
    )
