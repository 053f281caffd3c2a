"""A document as the importer sees it: numbered lines, with pages, table cells and headings.

Every reader (:mod:`rsapp.importer.readers`) produces a :class:`Document`; everything after
the readers works on its lines only, whatever the file format was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

__all__ = ["Line", "Document", "content_hash"]


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a document.

    ``number`` is the line (text, Markdown, PDF) or paragraph/table row (Word) it comes from,
    1-based. A table row has ``cells`` (each cell's text on one line) and, when the reader
    knows them, ``cell_lines``: each cell's own paragraphs (and rows of tables nested in it) as
    lines. ``table`` numbers the table a row belongs to. ``heading`` marks a Word heading style,
    a bold paragraph or a Markdown heading. ``label`` marks the label cell of a form laid out as
    a table: all of it is the heading and its help text, the answer is in the next cell.
    """

    number: int
    text: str
    page: int | None = None
    cells: tuple[str, ...] | None = None
    heading: bool = False
    cell_lines: tuple[tuple[Line, ...], ...] | None = None
    table: int | None = None
    label: bool = False


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

    @property
    def unit(self) -> str:
        """What the line numbers count: paragraphs and table rows in a Word file, else lines."""
        return "avsnitt" if self.kind == "docx" else "linje"


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
