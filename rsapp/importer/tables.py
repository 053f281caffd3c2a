"""Tables: the benefit and the risk table as rows, and the form itself laid out as a table.

- :func:`table_kind` tells a benefit or risk table by its header row or title line;
- :func:`table_rows` reads their rows from table cells or, from a PDF's text layer, from
  blocks of lines (benefit table) or from the assessment words low/middels/høy (risk table);
- :func:`expand_form_tables` turns a form filled in as a table (label cell | answer cell, as
  many municipalities do) into heading lines and answer lines, so that the rest of the parser
  reads it as it reads the form written out: the label cell (heading and its help text) only
  says which field the answer is, the answer cell keeps its paragraphs, and a table inside
  an answer stays a table.
"""

from __future__ import annotations

import re
from typing import Protocol

from rsapp.importer.cleanup import clean_line, one_line
from rsapp.importer.document import Line
from rsapp.importer.headings import match_heading

__all__ = [
    "BENEFIT_HEADER",
    "RISK_HEADER",
    "table_kind",
    "table_rows",
    "rows_text",
    "expand_form_tables",
    "TableRow",
    "cell_heading",
]

BENEFIT_HEADER = [
    "Forventet nytte",
    "Hvem får nytte av prosjektet/piloten?",
    "Ansvarlig for gjennomføring",
    "Eventuell måling av nytte",
    "Hvordan måle og rapportere?",
    "Forutsetninger og aktuelle tiltak for at nytte kan oppnås",
    "Tidshorisont",
]
RISK_HEADER = ["Risikofaktorer", "Vurderinger", "Risikoreduserende tiltak"]

BENEFIT_TITLE = re.compile(
    r"^[#*_\s]*(?:forventet\s+nytte(?:verdi)?\s*[–—:-]\s*tabell|tabell\s+for\s+beskrivelse\s+av\s+(?:effekt|nytte)|nyttetabell)",
    re.IGNORECASE,
)
RISK_TITLE = re.compile(
    r"^[#*_\s]*(?:risikofaktor(?:er)?\b(?:\s+og\s+risikoreduserende)?|risiko(?:vurdering|analyse|matrise|tabell)(?:er)?\b)",
    re.IGNORECASE,
)
_TIME_HORIZON = re.compile(
    r"^\s*(?:ca\.?\s*)?\d{1,2}\s*(?:[-–]\s*\d{1,2}\s*)?(?:år|måneder|mnd\.?)\s*$|^\s*(?:løpende|kontinuerlig)\s*$",
    re.IGNORECASE,
)
_ASSESSMENT = re.compile(r"(?:^|(?<=\s))(?i:(lav|middels|moderat|høy|høg))(?=\s+[A-ZÆØÅ«\"“]|\s*$)")


class TableRow(Protocol):
    table: str
    cells: list[str]
    line: int | None


def table_kind(cells: tuple[str, ...] | None, text: str) -> str | None:
    """ "nytte" or "risiko" for a benefit or risk table's header row or title line."""
    if cells is not None:
        low = " ".join(cells).lower()
        if "forventet nytte" in low and ("hvem" in low or "tidshorisont" in low or "ansvarlig" in low):
            return "nytte"
        first = cells[0].lower() if cells else ""
        if "risikofaktor" in low or ("risiko" in first and "tiltak" in low):
            return "risiko"
        return None
    if BENEFIT_TITLE.match(text):
        return "nytte"
    if RISK_TITLE.match(text):
        return "risiko"
    return None


def _blocks(items: list[tuple[Line, str]]) -> list[list[tuple[Line, str]]]:
    blocks: list[list[tuple[Line, str]]] = []
    current: list[tuple[Line, str]] = []
    for line, text in items:
        if text.strip():
            current.append((line, text))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _benefit_rows(items: list[tuple[Line, str]]) -> list[tuple[list[str], int]] | None:
    """Rows of the benefit table laid out as blocks of lines (a PDF's text layer)."""
    blocks = _blocks(items)
    header_end = None
    for i, block in enumerate(blocks):
        squashed = "".join(text for _, text in block).replace(" ", "").lower()
        if "tidshorisont" in squashed:
            header_end = i
            break
    if header_end is None:
        return None
    rows: list[tuple[list[str], int]] = [(list(BENEFIT_HEADER), blocks[0][0][0].number)]
    cells: list[str] = []
    first_line: int | None = None
    for block in blocks[header_end + 1 :]:
        cell = one_line([text for _, text in block])
        if first_line is None:
            first_line = block[0][0].number
        cells.append(cell)
        if _TIME_HORIZON.match(cell):
            rows.append((cells, first_line))
            cells, first_line = [], None
    if cells or len(rows) < 2:
        return None  # a row without its time horizon: layout not recognised
    return rows


def _risk_rows(items: list[tuple[Line, str]]) -> list[tuple[list[str], int]] | None:
    """Rows of the risk table laid out as text: factor, assessment word, measures."""
    entries = [(line, clean_line(text)) for line, text in items]
    anchors: list[tuple[int, re.Match[str]]] = []
    for i, (_, text) in enumerate(entries):
        if "risikofaktor" in text.lower():
            continue
        m = _ASSESSMENT.search(text)
        if m:
            anchors.append((i, m))
    if not anchors:
        return None
    rows: list[tuple[list[str], int]] = [(list(RISK_HEADER), entries[0][0].number)]
    starts: list[int] = []  # index of the first line of each factor
    factors: list[str] = []
    for i, m in anchors:
        before = entries[i][1][: m.start()].strip()
        if before:
            starts.append(i)
            factors.append(before)
            continue
        j = i - 1
        while j >= 0 and not entries[j][1]:
            j -= 1
        block_end = j
        while j >= 0 and entries[j][1] and (not starts or j > anchors[len(starts) - 1][0]):
            j -= 1
        start = j + 1
        if start > block_end:
            return None
        starts.append(start)
        factors.append(one_line([t for _, t in entries[start : block_end + 1]]))
    for n, (i, m) in enumerate(anchors):
        stop = starts[n + 1] if n + 1 < len(anchors) else len(entries)
        measures = [entries[i][1][m.end() :]] + [t for _, t in entries[i + 1 : stop]]
        rows.append(([factors[n], m.group(1).lower(), one_line(measures)], entries[i][0].number))
    return rows


def table_rows(items: list[tuple[Line, str]], kind: str) -> list[tuple[list[str], int]] | None:
    """The rows (cells, line) of a benefit ("nytte") or risk ("risiko") table; None when the
    layout is not recognised (the text is then kept as text)."""
    celled = [
        (line, text) for line, text in items if line.cells is not None and any(c.strip() for c in line.cells)
    ]
    # Rows of a real table (Word, Markdown), or rows a PDF gives with a header the table is
    # known by; text pieces a PDF happens to put side by side are no table.
    if len(celled) >= 2 and (celled[0][0].table is not None or table_kind(celled[0][0].cells, "") == kind):
        return [([c for c in line.cells or ()], line.number) for line, _ in celled]
    if kind == "nytte":
        return _benefit_rows(items)
    return _risk_rows(items)


def rows_text(rows: list[list[str]]) -> str:
    return "\n".join(" | ".join(cells) for cells in rows)


# --------------------------------------------------------------------------- the form as a table


def cell_heading(text: str) -> str | None:
    """The form field a label cell names (its help text may follow the heading)."""
    text = " ".join(text.split())
    m = match_heading([text], heading=True, loose=True) if text else None
    return m.spec.key if m else None


_ENUMERATOR = re.compile(r"^\s*(?:\d{1,2}|[a-zA-Z])\s*[.)]?\s*$")


def _heading_keys(rows: list[Line]) -> set[str]:
    """The form fields named in the label column: the first filled cell of each row that is
    not only a number ("1." | label | answer)."""
    keys: set[str] = set()
    for row in rows:
        first = next((c for c in row.cells or () if c.strip() and not _ENUMERATOR.match(c)), "")
        key = cell_heading(first)
        if key is not None:
            keys.add(key)
    return keys


def _cell_content(row: Line, index: int) -> list[Line]:
    """A cell's own lines: its paragraphs (blank lines between) and nested tables."""
    if row.cell_lines is not None and index < len(row.cell_lines):
        return list(row.cell_lines[index])
    text = (row.cells or ())[index]
    return [Line(row.number, text, row.page), Line(row.number, "", row.page)]


def expand_form_tables(lines: list[Line]) -> list[Line]:
    """Lines with every table that holds the form (two or more of its headings in cells)
    replaced by heading lines and answer lines; other tables are left as they are."""
    tables: dict[int, list[Line]] = {}
    for line in lines:
        if line.cells is not None and line.table is not None:
            tables.setdefault(line.table, []).append(line)
    form_tables = {t for t, rows in tables.items() if len(_heading_keys(rows)) >= 2}
    if not form_tables:
        return lines
    out: list[Line] = []
    for line in lines:
        if line.cells is None or line.table not in form_tables:
            out.append(line)
            continue
        cells = line.cells
        for i, cell in enumerate(cells):
            if not cell.strip() or (_ENUMERATOR.match(cell) and i < len(cells) - 1):
                continue
            is_label = i < len(cells) - 1 and cell_heading(cell) is not None
            if is_label:
                # The label and its help text, as one line: only the heading counts.
                out.append(Line(line.number, " ".join(cell.split()), line.page, heading=True, label=True))
                out.append(Line(line.number, "", line.page))
            else:
                content = _cell_content(line, i)
                # Rows of a form table nested in a form table are expanded too.
                out += expand_form_tables(content) if any(c.cells is not None for c in content) else content
        out.append(Line(line.number, "", line.page))
    return out
