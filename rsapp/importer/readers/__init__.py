"""Reading a file into numbered lines: text and Markdown, Word (.docx) and PDF (text layer).

Every reader returns a :class:`~rsapp.importer.document.Document` whose lines carry their
line number in the document and, for PDF, their page number. Table rows (Word tables,
Markdown pipe or HTML tables) keep their cells. Anything that goes wrong becomes
:class:`ImportFailure` with a Norwegian message naming the file. lxml (.docx, HTML tables)
and pypdf are imported only when such a file is read.
"""

from __future__ import annotations

import errno
import os
import stat
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
    "display_name",
    "read_reason",
]

SUPPORTED_SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".docx": "docx", ".pdf": "pdf"}
MAX_FILE_BYTES = 20 * 1024 * 1024  # a form with attachments is a few MB; anything bigger is a mistake


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " MB"


def _unknown_kind(suffix: str) -> str:
    kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
    return f"ukjent filtype ({suffix or 'ingen filendelse'}); rsapp leser {kinds}"


def display_name(name: str) -> str:
    """A file name as one line of a report: line breaks and other control characters written as
    ``\\n``, ``\\r``, ``\\t`` or ``\\xNN`` (a name with a line break must not break the report)."""
    if name.isprintable():
        return name
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


def read_reason(exc: OSError) -> str:
    """Why a file or folder could not be read, in Norwegian (the OS says it in English)."""
    number = exc.errno
    if number in (errno.EACCES, errno.EPERM):
        return "ingen tilgang (brukeren har ikke lesetilgang)"
    if number == errno.ENOENT:
        return "finnes ikke (lenger)"
    if number == errno.ELOOP:
        return "er en symbolsk lenke som peker i ring (en lenke-løkke), ikke en fil"
    if number == errno.EIO:
        return "lesefeil på disken"
    if number == errno.ENAMETOOLONG:
        return "navnet eller stien er for lang"
    if number == errno.EISDIR:
        return "er en mappe, ikke en fil"
    return f"systemfeil (errno {number})" if number is not None else "ukjent systemfeil"


def read_document(path: str | Path) -> Document:
    """Read a file from disk. Raises :class:`ImportFailure` for every problem."""
    p = Path(path)
    name = display_name(p.name)
    suffix = p.suffix.lower()
    try:
        info = p.stat()
    except OSError as exc:
        if exc.errno == errno.ENOENT and p.is_symlink():
            raise ImportFailure(name, "er en lenke til en fil som ikke finnes (brutt lenke)") from None
        if exc.errno == errno.ENOENT:
            raise ImportFailure(name, "filen finnes ikke") from None
        raise ImportFailure(name, f"kan ikke lese filen: {read_reason(exc)}") from None
    if stat.S_ISDIR(info.st_mode):
        try:
            os.listdir(p)
        except OSError as exc:
            raise ImportFailure(name, f"mappen kan ikke leses: {read_reason(exc)}") from None
        raise ImportFailure(name, "er en mappe, ikke en fil")
    if suffix not in SUPPORTED_SUFFIXES:
        raise ImportFailure(name, _unknown_kind(suffix))
    try:
        if not stat.S_ISREG(info.st_mode):
            raise ImportFailure(name, "er ikke en vanlig fil")
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise ImportFailure(
                name, f"filen er for stor ({_megabytes(size)}); grensen er {_megabytes(MAX_FILE_BYTES)}"
            )
        data = p.read_bytes()
    except OSError as exc:
        raise ImportFailure(name, f"kan ikke lese filen: {read_reason(exc)}") from None
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
