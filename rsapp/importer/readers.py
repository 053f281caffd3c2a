"""Reading a file into numbered lines: text and Markdown, Word (.docx) and PDF (text layer).

Every reader returns a :class:`Document` whose lines carry their line number in the document
and, for PDF, their page number. Table rows (Word tables, Markdown pipe or HTML tables) keep
their cells. Anything that goes wrong becomes :class:`ImportFailure` with a Norwegian message
naming the file. lxml (for .docx) and pypdf are imported only when such a file is read.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from rsapp.importer.errors import ImportFailure

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


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a document: its number (1-based), text, page, and cells when a table row."""

    number: int
    text: str
    page: int | None = None
    cells: tuple[str, ...] | None = None
    heading: bool = False  # a Word heading style or a bold paragraph


@dataclass(slots=True)
class Document:
    filename: str
    kind: str  # txt | md | docx | pdf
    content_hash: str
    lines: list[Line] = field(default_factory=list)
    path: str = ""

    @property
    def pages(self) -> int | None:
        pages = [line.page for line in self.lines if line.page is not None]
        return max(pages) if pages else None


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
    if kind in ("txt", "md"):
        text = _decode_text(filename, data)
        lines = _markdown_lines(text) if kind == "md" else _text_lines(text)
    elif kind == "docx":
        lines = _docx_lines(filename, data)
    else:
        lines = _pdf_lines(filename, data)
    if not any(line.text.strip() for line in lines):
        raise ImportFailure(filename, "filen inneholder ingen tekst")
    return Document(filename=filename, kind=kind, content_hash=digest, lines=lines)


def text_document(text: str, filename: str = "tekst.txt") -> Document:
    """A document from text already in memory (tests, pasted text)."""
    return Document(
        filename=filename,
        kind="txt",
        content_hash=content_hash(text.encode("utf-8", "surrogatepass")),
        lines=_text_lines(text),
    )


# --------------------------------------------------------------------------- text and Markdown

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _decode_text(filename: str, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise ImportFailure(filename, "filen er ikke tekst (binært innhold)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ImportFailure(filename, "ukjent tegnkoding (verken UTF-8 eller Windows-1252)") from exc
    sample = text[:8192]
    if sample and len(_CONTROL.findall(sample)) > max(8, len(sample) // 50):
        raise ImportFailure(filename, "filen er ikke tekst (binært innhold)")
    return text


def _text_lines(text: str) -> list[Line]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines: list[Line] = []
    pages = text.split("\f")
    number = 0
    for page_index, page in enumerate(pages, start=1):
        for raw in page.split("\n"):
            number += 1
            lines.append(Line(number, _CONTROL.sub("", raw), page_index if len(pages) > 1 else None))
    return lines


_HTML_TABLE = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)
_HTML_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr\s*>", re.IGNORECASE | re.DOTALL)
_HTML_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]\s*>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^>]{0,200}>")
_PIPE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _clean_cell(raw: str) -> str:
    text = re.sub(r"<br\s*/?>", " ", raw, flags=re.IGNORECASE)
    text = html.unescape(_HTML_TAG.sub(" ", text))
    return " ".join(text.split())


def _html_tables_to_pipes(text: str) -> str:
    def replace(m: re.Match[str]) -> str:
        rows = []
        for row in _HTML_ROW.finditer(m.group(0)):
            cells = [_clean_cell(c).replace("|", "/") for c in _HTML_CELL.findall(row.group(1))]
            if cells:
                rows.append("| " + " | ".join(cells) + " |")
        original_breaks = m.group(0).count("\n")
        body = "\n".join(rows)
        # keep later line numbers true to the file when the table spanned more lines
        return body + "\n" * max(0, original_breaks - body.count("\n"))

    return _HTML_TABLE.sub(replace, text)


def _markdown_lines(text: str) -> list[Line]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<t" in text.lower():
        text = _html_tables_to_pipes(text)
    out: list[Line] = []
    for line in _text_lines(text):
        if _PIPE_SEPARATOR.match(line.text) and "|" in line.text:
            out.append(Line(line.number, "", line.page))
            continue
        m = _PIPE_ROW.match(line.text)
        if m:
            cells = tuple(_clean_cell(c) for c in m.group(1).split("|"))
            out.append(Line(line.number, " | ".join(cells), line.page, cells=cells))
            continue
        text_line = line.text
        if "<" in text_line:
            text_line = html.unescape(_HTML_TAG.sub("", re.sub(r"<br\s*/?>", " ", text_line, flags=re.I)))
        out.append(Line(line.number, text_line, line.page))
    return out


# --------------------------------------------------------------------------- Word


def _docx_part(archive: object, rels_path: str, rel_type: str, default: str, parser: object) -> str:
    """The zip path of the part a relationship of ``rel_type`` points to (``default`` if none)."""
    from lxml import etree

    try:
        rels = etree.fromstring(archive.read(rels_path), parser)  # type: ignore[attr-defined]
    except KeyError:
        return default
    base = rels_path.replace("_rels/", "").removesuffix(".rels").rsplit("/", 1)[0]
    for rel in rels:
        if rel.get("Type", "").endswith(rel_type) and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            parts = [x for x in (base.split("/") if base else []) + target.split("/") if x and x != "."]
            out: list[str] = []
            for part in parts:
                if part == "..":
                    if out:
                        out.pop()
                else:
                    out.append(part)
            return "/".join(out)
    return default


def _docx_lines(filename: str, data: bytes) -> list[Line]:
    """A Word file's paragraphs and table rows, read straight from its XML with lxml (python-docx
    opens every part of the package, which costs more than the rest of the import)."""
    import zipfile

    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            main = _docx_part(archive, "_rels/.rels", "/officeDocument", "word/document.xml", parser)
            folder, name = main.rsplit("/", 1) if "/" in main else ("", main)
            rels = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
            styles_path = _docx_part(archive, rels, "/styles", "word/styles.xml", parser)
            root = etree.fromstring(archive.read(main), parser)
            body = root.find(f"{_W}body")
            if body is None:
                raise ValueError("no body")
            # Style id -> name ("Overskrift2" -> "heading 2"), for the paragraph styles in use
            # only: styles.xml is hundreds of kB, found by a search rather than parsed whole.
            used = {el.get(f"{_W}val", "") for el in body.iter(f"{_W}pStyle")}
            style_names: dict[str, str] = {}
            if used:
                try:
                    styles = archive.read(styles_path)
                except KeyError:
                    styles = b""
                for style_id in used:
                    m = re.search(
                        rb'styleId="' + re.escape(style_id.encode()) + rb'"[^>]*>\s*<w:name w:val="([^"]*)"',
                        styles,
                    )
                    style_names[style_id] = m.group(1).decode("utf-8", "replace") if m else style_id
        # Line numbers count paragraphs and table rows ("avsnitt"); a blank line separates paragraphs.
        lines: list[Line] = []
        number = 0
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
            if tag == "p":
                number += 1
                heading = _docx_is_heading(child, style_names)
                for part in _docx_text(child).split("\n"):
                    lines.append(Line(number, part, None, heading=heading and bool(part.strip())))
                lines.append(Line(number, ""))
            elif tag == "tbl":
                above: dict[int, str] = {}  # grid column -> text, for vertically merged cells
                for row in child.iterchildren(f"{_W}tr"):
                    number += 1
                    cells: list[str] = []
                    column = 0
                    for tc in row.iterchildren(f"{_W}tc"):
                        tc_pr = tc.find(f"{_W}tcPr")
                        span_el = tc_pr.find(f"{_W}gridSpan") if tc_pr is not None else None
                        span = int(span_el.get(f"{_W}val", "1")) if span_el is not None else 1
                        merge = tc_pr.find(f"{_W}vMerge") if tc_pr is not None else None
                        if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                            text = above.get(column, "")
                        else:
                            text = " ".join(
                                "\n".join(_docx_text(p) for p in tc.iterchildren(f"{_W}p")).split()
                            )
                        above[column] = text
                        cells.append(text)
                        column += max(span, 1)
                    lines.append(Line(number, " | ".join(cells), None, cells=tuple(cells)))
                lines.append(Line(number, ""))
        return lines
    except ImportFailure:
        raise
    except Exception as exc:  # noqa: BLE001 - zip and XML errors alike
        raise ImportFailure(filename, "Word-filen er skadet eller ufullstendig og kan ikke åpnes") from exc


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(p: object) -> str:
    """A paragraph's text straight from the XML (python-docx's objects are slow per paragraph)."""
    parts: list[str] = []
    for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):  # type: ignore[attr-defined]
        tag = el.tag
        if tag == f"{_W}t":
            parts.append(el.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _docx_is_heading(p: object, style_names: dict[str, str]) -> bool:
    """A Word heading style, or a paragraph whose every run with text is bold."""
    p_pr = p.find(f"{_W}pPr")  # type: ignore[attr-defined]
    style_el = p_pr.find(f"{_W}pStyle") if p_pr is not None else None
    style_id = style_el.get(f"{_W}val", "") if style_el is not None else ""
    style = (style_names.get(style_id) or style_id).lower()
    if style.startswith(("heading", "overskrift", "title", "tittel")):
        return True
    runs = [r for r in p.iterchildren(f"{_W}r") if "".join(t.text or "" for t in r.iter(f"{_W}t")).strip()]  # type: ignore[attr-defined]
    if not runs:
        return False
    for run in runs:
        r_pr = run.find(f"{_W}rPr")
        bold = r_pr.find(f"{_W}b") if r_pr is not None else None
        if bold is None or bold.get(f"{_W}val", "true").lower() in ("0", "false", "off"):
            return False
    return True


# --------------------------------------------------------------------------- PDF


def _pdf_lines(filename: str, data: bytes) -> list[Line]:
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
                lines.append(Line(len(lines) + 1, _CONTROL.sub("", raw), page_number))
    except ImportFailure:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:
        raise ImportFailure(filename, password_message) from exc
    except (PdfReadError, Exception) as exc:  # noqa: BLE001 - pypdf raises many kinds on broken files
        raise ImportFailure(filename, "PDF-filen er skadet eller ufullstendig og kan ikke leses") from exc
    if not any(line.text.strip() for line in lines):
        raise ImportFailure(filename, "PDF-en har ingen tekst (skannet?)")
    return lines
