"""Markdown exports of the form: headings, emphasis, pipe tables and HTML tables.

Markdown decoration is taken off the text and remembered as ``heading`` (``# Heading``, a
line that is bold as a whole), so that ``**Prosjekteiere: X kommune**`` reads as the heading
and the value ``X kommune``. HTML tables (``<table>`` … with ``<p><b>…</b></p>`` cells) are
parsed with :mod:`lxml.html` into rows whose cells keep their paragraphs; pipe tables become
rows too. Line numbers stay those of the file.
"""

from __future__ import annotations

import html
import re
from typing import Any

from rsapp.importer.document import Line
from rsapp.importer.readers.text import CONTROL, text_lines

__all__ = ["markdown_lines", "html_table_rows", "clean_inline"]

_PIPE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_WHOLE_BOLD = re.compile(r"^\s*(\*\*|__)(?=\S)(?P<inner>.+?)(?<=\S)\1\s*(?P<tail>[:?]?)\s*$")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC_STAR = re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.+?)(?<=[^\s*\\])\*(?![\w*])")
_ITALIC_UNDERSCORE = re.compile(r"(?<![\w\\])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w])")
_LONE_MARKS = re.compile(r"(?:^|(?<=\s))(?:\*\*|__)(?=\s|$)|(?<=\S)(?:\*\*|__)(?=\s*$)|^\s*(?:\*\*|__)(?=\S)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_TAG = re.compile(r"<[^<>]{0,300}>")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_TAGS = frozenset(
    "p div li ul ol h1 h2 h3 h4 h5 h6 blockquote pre dl dt dd section article header footer".split()
)


def clean_inline(text: str) -> str:
    """Markdown emphasis, escapes and inline HTML taken off one line of text."""
    if "<" in text and _TAG.search(text):
        text = _TAG.sub("", _BR.sub(" ", text))
    if "&" in text:
        text = html.unescape(text)
    if "*" in text or "_" in text:
        text = _BOLD.sub(r"\2", text)
        text = _ITALIC_STAR.sub(r"\1", text)
        text = _ITALIC_UNDERSCORE.sub(r"\1", text)
        text = _LONE_MARKS.sub("", text)  # an emphasis mark left open by a line break
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    return text


def _text_line(line: Line) -> Line:
    raw = line.text
    heading = False
    m = _ATX.match(raw)
    if m:
        raw, heading = m.group(1), True
    else:
        m = _WHOLE_BOLD.match(raw)
        if m and not m.group("inner").lstrip().startswith(("*", "_")):
            raw, heading = m.group("inner") + m.group("tail"), True
    text = clean_inline(raw)
    return Line(line.number, text, line.page, heading=heading and bool(text.strip()))


def _table_spans(text: str) -> list[tuple[int, int]]:
    """Where each outermost ``<table>…</table>`` is (nested tables stay inside their table)."""
    low = text.lower()
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        start = low.find("<table", pos)
        if start < 0:
            return spans
        depth, i, end = 0, start, len(text)
        while True:
            opening, closing = low.find("<table", i), low.find("</table", i)
            if closing < 0:
                break
            if 0 <= opening < closing:
                depth, i = depth + 1, opening + 6
                continue
            depth, i = depth - 1, closing + 7
            if depth == 0:
                gt = low.find(">", i)
                end = len(text) if gt < 0 else gt + 1
                break
        spans.append((start, end))
        pos = end


class _Tables:
    """Numbers the tables of one document, nested ones included."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> int:
        self.count += 1
        return self.count


def _cell_items(cell: Any) -> list[tuple[str, Any]]:
    """A cell's content in order: ("p", text) per paragraph, ("table", element) per nested table."""
    items: list[tuple[str, Any]] = []
    buf: list[str] = []

    def flush() -> None:
        text = " ".join("".join(buf).split())
        buf.clear()
        if text:
            items.append(("p", text))

    def walk(el: Any) -> None:
        if not isinstance(el.tag, str):  # a comment or processing instruction
            return
        tag = el.tag.lower()
        if tag == "table":
            flush()
            items.append(("table", el))
            return
        if tag in ("script", "style"):
            return
        block = tag in _BLOCK_TAGS or tag == "br"
        if block:
            flush()
        if tag == "li":
            buf.append("• ")
        if el.text:
            buf.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                buf.append(child.tail)
        if block:
            flush()

    if cell.text:
        buf.append(cell.text)
    for child in cell:
        walk(child)
        if child.tail:
            buf.append(child.tail)
    flush()
    return items


def _rows(table: Any) -> list[Any]:
    return list(table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"))


def html_table_rows(fragment: str, first_line: int, tables: _Tables | None = None) -> list[Line]:
    """The rows of an HTML table as lines with cells (cell paragraphs kept in ``cell_lines``).

    Raises ``ValueError`` when the fragment is not a table lxml can parse.
    """
    import lxml.html

    tables = tables or _Tables()
    root = lxml.html.fragment_fromstring(fragment)
    if not isinstance(root.tag, str) or root.tag.lower() != "table":
        raise ValueError("not a table")
    return _table_lines(root, first_line, tables, None)


def _table_lines(table: Any, first_line: int, tables: _Tables, fixed_number: int | None) -> list[Line]:
    table_id = tables.next()
    out: list[Line] = []
    for row in _rows(table):
        number = fixed_number
        if number is None:
            number = first_line + (row.sourceline - 1 if row.sourceline else 0)
        cells: list[str] = []
        per_cell: list[tuple[Line, ...]] = []
        for cell in row.xpath("./td | ./th"):
            sub: list[Line] = []
            paragraphs: list[str] = []
            for kind, value in _cell_items(cell):
                if kind == "p":
                    paragraphs.append(value)
                    sub.append(Line(number, value))
                    sub.append(Line(number, ""))
                else:
                    nested = _table_lines(value, first_line, tables, number)
                    paragraphs += [" ".join(n.cells or ()) for n in nested]
                    sub += nested
                    sub.append(Line(number, ""))
            cells.append(" ".join(" ".join(paragraphs).split()))
            per_cell.append(tuple(sub))
        if cells:
            out.append(
                Line(
                    number,
                    " | ".join(cells),
                    None,
                    cells=tuple(cells),
                    cell_lines=tuple(per_cell),
                    table=table_id,
                )
            )
    return out


def _plain(text: str, first_number: int) -> list[Line]:
    lines = text_lines(text)
    return [Line(line.number + first_number - 1, line.text, line.page) for line in lines]


def markdown_lines(text: str) -> list[Line]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw: list[Line] = []
    tables = _Tables()
    spans = _table_spans(text) if "<table" in text.lower() else []
    pos = 0
    for start, end in spans:
        before = text[pos:start]
        first = text.count("\n", 0, pos) + 1
        if before.strip():
            raw += _plain(before.rstrip(" \t"), first)
        table_line = text.count("\n", 0, start) + 1
        try:
            raw += html_table_rows(CONTROL.sub("", text[start:end]), table_line, tables)
        except (ValueError, TypeError, LookupError):  # lxml's ParserError is a ValueError
            raw += _plain(_TAG.sub(" ", text[start:end]), table_line)
        pos = end
    rest = text[pos:]
    if rest:
        raw += _plain(rest, text.count("\n", 0, pos) + 1)

    out: list[Line] = []
    pipe_table: int | None = None
    for line in raw:
        if line.cells is not None:
            out.append(line)
            pipe_table = None
            continue
        if "|" in line.text and _PIPE_SEPARATOR.match(line.text):
            out.append(Line(line.number, "", line.page))
            continue
        m = _PIPE_ROW.match(line.text)
        if m:
            if pipe_table is None:
                pipe_table = tables.next()
            cells = tuple(" ".join(clean_inline(c).split()) for c in m.group(1).split("|"))
            out.append(Line(line.number, " | ".join(cells), line.page, cells=cells, table=pipe_table))
            continue
        pipe_table = None
        out.append(_text_line(line))
    return out
