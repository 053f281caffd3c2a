"""Reading the fields of one application form, and every application of a document.

Input is the lines of one application (see :mod:`rsapp.importer.splitter`). Each of the
fifteen headings starts a field; its value is the rest of the heading's line and the lines
up to the next heading. The form's help texts are left out (:mod:`~rsapp.importer.cleanup`);
text under no known heading is kept as "øvrig tekst". Attachments (benefit or risk table,
budget, agreement, intensjonsavtale, signatures, cover letter) are found where their title
or signature block begins (:mod:`~rsapp.importer.attachments`) and kept apart from the form's
fields: tables as rows, the rest labelled in "øvrig tekst". A heading the form already had
does not start its field again: inside an attachment it is the attachment's own text.

The parts live in their own modules: headings, cleanup, tables (and the form laid out as a
table), municipalities, budget, period, attachments. This module ties them together and keeps
the names earlier code imports from here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from rsapp.dates import find_date
from rsapp.importer.attachments import AttachmentStart, attachment_title, signature_start
from rsapp.importer.budget import BudgetDraft, StatedTotal, confirm_budget_edit, read_budget
from rsapp.importer.cleanup import one_line, strip_instructions, unwrap, vocabulary
from rsapp.importer.document import Document, Line
from rsapp.importer.errors import ImportFailure
from rsapp.importer.headings import HEADINGS, WINDOW, HeadingMatch, match_heading
from rsapp.importer.municipalities import known_municipalities, municipalities_in
from rsapp.importer.parsed import (
    TEXT_FIELDS,
    Attachment,
    FieldValue,
    ParsedApplication,
    ParsedDocument,
    TableRowDraft,
)
from rsapp.importer.period import DURATION, plan_period, text_period
from rsapp.importer.readers import text_document
from rsapp.importer.splitter import SHORT_KEYS, split_document
from rsapp.importer.tables import (
    BENEFIT_HEADER,
    RISK_HEADER,
    expand_form_tables,
    rows_text,
    table_kind,
    table_rows,
)

__all__ = [
    "FieldValue",
    "BudgetDraft",
    "StatedTotal",
    "confirm_budget_edit",
    "TableRowDraft",
    "Attachment",
    "ParsedApplication",
    "ParsedDocument",
    "parse_document",
    "parse_text",
    "parse_lines",
    "known_municipalities",
    "TEXT_FIELDS",
    "BENEFIT_HEADER",
    "RISK_HEADER",
]

_FORM_ORDER = {spec.key: n for n, spec in enumerate(HEADINGS)}
_OTHER_HEADING = re.compile(
    r"^[#*_\s]*(?:vedlegg|referanser|kilder|litteratur)\s*:?\s*[*_]*\s*$", re.IGNORECASE
)
_SHORT_UNKNOWN_HEADING = re.compile(r"^[#*_\s]*[A-ZÆØÅ][\w ()/-]{1,40}:\s*[*_]*\s*$")
_VALUE_LEAD = re.compile(r"^[\s*_:?]+")
_TABLE_FIELD = {"nytte": "benefit_table", "risiko": "risk_table"}
# Attachments that carry their own signatures: a signature block inside them is theirs.
_SIGNED = frozenset({"avtale", "intensjonsavtale", "oversendelsesbrev", "signaturer"})


@dataclass(slots=True)
class _OpenAttachment:
    kind: str
    title: str
    origin: str = "other_text"  # the field the text was in when it began
    locked: bool = False  # set with the application by the splitter: the form's headings do not end it
    lines: list[Line] = field(default_factory=list)


def _source_range(lines: Sequence[Line]) -> tuple[int | None, int | None, int | None, int | None]:
    real = [line for line in lines if line.text.strip()] or list(lines)
    if not real:
        return None, None, None, None
    pages = [line.page for line in real if line.page is not None]
    return real[0].number, real[-1].number, (min(pages) if pages else None), (max(pages) if pages else None)


def _neighbour(lines: list[Line], index: int, step: int) -> str:
    j = index + step
    while 0 <= j < len(lines):
        if lines[j].text.strip():
            return lines[j].text
        j += step
    return ""


class _Parser:
    """One application's lines -> buckets of (line, text) per field, and attachments.

    ``forced`` marks where the splitter's attachments begin (index -> (kind, end index)).
    """

    def __init__(self, lines: list[Line], forced: dict[int, tuple[str, int]] | None = None) -> None:
        self.lines = lines
        self.forced = forced or {}
        self.buckets: dict[str, list[tuple[Line, str]]] = {}
        self.heading_lines: dict[str, Line] = {}
        self.order: list[str] = []
        self.seen: set[str] = set()
        self.current = "other_text"
        self.table_mode: str | None = None  # inside a benefit or risk table given as rows
        self.attachment: _OpenAttachment | None = None
        self.attachments: list[_OpenAttachment] = []

    # --- helpers ---------------------------------------------------------------------------

    def put(self, key: str, line: Line, text: str) -> None:
        if key not in self.buckets:
            self.buckets[key] = []
            self.order.append(key)
        self.buckets[key].append((line, text))

    def start_field(self, key: str, line: Line) -> None:
        self.current = key
        self.table_mode = None
        self.seen.add(key)
        self.heading_lines.setdefault(key, line)
        if key not in self.buckets:
            self.buckets[key] = []
            self.order.append(key)

    @property
    def in_free_text(self) -> bool:
        """In the form's free-text part (past the short fields at the top)."""
        return any(k not in SHORT_KEYS for k in self.seen)

    def open_attachment(self, kind: str, title: str, *, locked: bool = False) -> _OpenAttachment:
        self.attachment = _OpenAttachment(kind, title, self.current, locked)
        self.attachments.append(self.attachment)
        self.table_mode = None
        return self.attachment

    def close_attachment(self) -> None:
        """The form goes on after what looked like an attachment: it was part of the field it
        stood in. A benefit or risk table given as rows stays a table; text around it returns
        to the field; a table laid out as text (a PDF) keeps all its lines."""
        attachment = self.attachment
        self.attachment = None
        if attachment is None or attachment.locked:
            return
        self.attachments.remove(attachment)
        origin = attachment.origin
        if attachment.kind in _TABLE_FIELD:
            table = _TABLE_FIELD[attachment.kind]
            if not any(line.cells is not None and line.table is not None for line in attachment.lines):
                for line in attachment.lines:
                    self.put(table, line, line.text)
                return
            for n, line in enumerate(attachment.lines):
                if line.cells is not None or n == 0:
                    self.put(table, line, line.text)
                else:
                    self.put(origin, line, line.text)
            return
        for line in attachment.lines:
            self.put(origin, line, line.text)

    def _accepted(self, match: HeadingMatch, line: Line) -> bool:
        """Whether a heading found at a line starts its field.

        A bare short heading ("Kommune", no colon, not styled as a heading) deep in the free
        text, or after its own field, or where the form has passed it (a wrapped contact line
        that begins with "Kommune"), is running text.
        """
        if not match.spec.short or match.colon or line.heading:
            return True
        key = match.spec.key
        if self.in_free_text or key in self.seen:
            return False
        current = _FORM_ORDER.get(self.current)
        return current is None or _FORM_ORDER[key] > current

    def heading_at(self, index: int) -> HeadingMatch | None:
        line = self.lines[index]
        if line.label:
            return match_heading([line.text], heading=True, loose=True)
        window: list[str] = []
        for x in self.lines[index : index + WINDOW]:
            if x.cells is not None and window:
                break
            window.append(x.cells[0] if x.cells else x.text)
        match = match_heading(window, heading=line.heading)
        if match is not None and not self._accepted(match, line):
            return None
        return match

    def heading_around(self, index: int) -> HeadingMatch | None:
        """A long heading whose lines have one line of its answer between them (a table row
        of a PDF split by a page break: "Hvem har ansvaret for" / answer / "pasienten(e) …")."""
        lines = self.lines
        if index + 2 >= len(lines) or len(lines[index].text.strip()) > 60:
            return None
        between = lines[index + 1]
        if between.cells is not None or not between.text.strip() or match_heading([between.text]) is not None:
            return None
        window = [lines[index].text] + [x.text for x in lines[index + 2 : index + WINDOW]]
        match = match_heading(window, heading=lines[index].heading)
        if match is None or match.spec.short or match.end_line == 0 or match.spec.key in self.seen:
            return None
        return HeadingMatch(match.spec, match.end_line + 1, match.end_column, match.colon)

    def title_at(self, index: int) -> AttachmentStart | None:
        line = self.lines[index]
        start = attachment_title(
            line.text, _neighbour(self.lines, index, -1), _neighbour(self.lines, index, 1), line.heading
        )
        if start is not None and start.kind == "budsjett" and "budget_text" not in self.seen:
            return None  # a "Budsjett" line before the form's budget is no attachment
        return start

    # --- the walk --------------------------------------------------------------------------

    def run(self) -> None:
        i = 0
        lines = self.lines
        while i < len(lines):
            if i in self.forced:
                self.splitter_attachment(i)
            if self.attachment is not None:
                i = self.in_attachment(i)
                continue
            i = self.in_form(i)

    def splitter_attachment(self, i: int) -> None:
        """An attachment the splitter set with the application begins at line ``i``."""
        kind, end = self.forced[i]
        found_kind, title = _attachment_kind(self.lines[i:end])
        if kind != "vedlegg" and found_kind != kind:
            found_kind, title = kind, ""
        open_ = self.attachment
        if (
            open_ is not None
            and open_.kind != "signaturer"
            and ((found_kind == "vedlegg" and not title) or (found_kind == open_.kind and not title))
        ):
            open_.locked = True  # the splitter's part continues the attachment the form ended in
            return
        self.open_attachment(found_kind, title, locked=True)

    def in_form(self, i: int) -> int:
        lines = self.lines
        line = lines[i]
        if line.label:
            match = self.heading_at(i)
            if match is not None:
                if match.spec.key in self.seen and self.in_free_text:
                    self.open_attachment("vedlegg", "").lines.append(line)
                else:
                    self.start_field(match.spec.key, line)
                return i + 1
        if line.cells is not None:
            return self.table_row(i)
        if self.table_mode and line.text.strip():
            self.table_mode = None  # a table given as rows ends at the first line of running text
        if line.text.strip():
            match = self.heading_at(i)
            if match is None and (match := self.heading_around(i)) is not None:
                self.start_field(match.spec.key, line)
                self.put(match.spec.key, lines[i + 1], lines[i + 1].text)
                return self.value_after(i, match)
            if match is not None:
                if match.spec.key in self.seen and self.in_free_text:
                    # the form's heading again, after the form: an attachment repeating it
                    self.open_attachment("vedlegg", "").lines.append(line)
                    return i + 1
                self.start_field(match.spec.key, line)
                return self.value_after(i, match)
            if self.current not in SHORT_KEYS and self.current != "other_text":
                start = self.title_at(i)
                if start is not None:
                    self.open_attachment(start.kind, start.title).lines.append(line)
                    return i + 1
                if self.in_free_text and signature_start(line.text):
                    self.open_attachment("signaturer", "").lines.append(line)
                    return i + 1
            if _OTHER_HEADING.match(line.text) or (
                self.current in SHORT_KEYS and _SHORT_UNKNOWN_HEADING.match(line.text)
            ):
                self.current = "other_text"
                self.table_mode = None
                if "other_text" not in self.buckets:
                    self.buckets["other_text"] = []
                    self.order.append("other_text")
        self.put(self.table_mode or self.current, line, line.text)
        return i + 1

    def value_after(self, i: int, match: HeadingMatch) -> int:
        """The value on the heading's last line goes to the field; returns the next index."""
        end_line = self.lines[i + match.end_line]
        source = end_line.cells[0] if end_line.cells else end_line.text
        rest = "" if end_line.label else _VALUE_LEAD.sub("", source[match.end_column :])
        if rest.strip():
            self.put(match.spec.key, end_line, rest)
        if end_line.cells:
            value = "\n".join(c for c in end_line.cells[1:] if c.strip())
            if value:
                self.put(match.spec.key, replace(end_line, cells=None, cell_lines=None), value)
        return i + match.end_line + 1

    def table_row(self, i: int) -> int:
        line = self.lines[i]
        cells = line.cells or ()
        kind = table_kind(cells, line.text)
        if kind is not None:
            self.table_mode = _TABLE_FIELD[kind]
        elif cells and self.table_mode is None:
            # one form field laid out as a table row: heading | value (its label may go on in
            # the lines below, as a PDF of a form table gives it)
            match = self.heading_at(i)
            if match is not None and match.spec.key not in self.seen:
                self.start_field(match.spec.key, line)
                first = "\n".join(c for c in cells[1:] if c.strip())
                if first:
                    self.put(match.spec.key, replace(line, cells=None, cell_lines=None), first)
                if match.end_line == 0:
                    rest = _VALUE_LEAD.sub("", cells[0][match.end_column :])
                    if rest.strip():
                        self.put(match.spec.key, line, rest)
                    return i + 1
                return self.value_after(i, match)
        self.put(self.table_mode or self.current, line, line.text)
        return i + 1

    def in_attachment(self, i: int) -> int:
        """One line inside an attachment; returns the next index."""
        attachment = self.attachment
        assert attachment is not None
        line = self.lines[i]
        if line.text.strip():
            match = self.heading_at(i) if not attachment.locked else None
            if match is not None and match.spec.key not in self.seen:
                self.close_attachment()  # the form goes on after what looked like an attachment
                return i
            if line.cells is None and not line.label:
                filled = sum(1 for x in attachment.lines if x.text.strip())
                start = self.title_at(i)
                if start is not None and start.kind != attachment.kind:
                    if attachment.kind == "vedlegg" and not attachment.title and filled <= 4:
                        attachment.kind, attachment.title = start.kind, start.title
                    else:
                        locked = attachment.locked
                        self.open_attachment(start.kind, start.title, locked=locked).lines.append(line)
                        return i + 1
                elif attachment.kind not in _SIGNED and signature_start(line.text):
                    self.open_attachment("signaturer", "", locked=attachment.locked).lines.append(line)
                    return i + 1
        attachment.lines.append(line)
        return i + 1


def _attachment_kind(lines: list[Line]) -> tuple[str, str]:
    """The kind and title of an attachment the splitter found: from a title among its first
    lines, or the header row of a benefit or risk table."""
    texts = [line for line in lines if line.text.strip()]
    for n, line in enumerate(texts[:6]):
        if line.cells is not None:
            kind = table_kind(line.cells, line.text)
            if kind is not None:
                return kind, ""
            continue
        previous = texts[n - 1].text if n else ""
        following = texts[n + 1].text if n + 1 < len(texts) else ""
        start = attachment_title(line.text, previous, following, line.heading)
        if start is not None:
            return start.kind, start.title
    return "vedlegg", ""


def _is_empty_heading(line: Line) -> bool:
    """A form heading with nothing after it (the empty "Navn på prosjekt/pilot:" of an attachment)."""
    match = match_heading([line.text], heading=True, loose=line.label)
    if match is None or match.end_line:
        return False
    return line.label or not _VALUE_LEAD.sub("", line.text[match.end_column :]).strip()


def _attachment_text(lines: list[Line], title: str, words: frozenset[str] | None) -> str:
    items: list[tuple[Line, str]] = []
    skipped_title = False
    for line in lines:
        if not skipped_title and title and " ".join(line.text.split()).strip("#*_ :") == title:
            skipped_title = True
            continue
        if line.cells is None and _is_empty_heading(line):
            continue
        items.append((line, line.text))
    return _long_text(items, words)


def _long_text(items: list[tuple[Line, str]], words: frozenset[str] | None) -> str:
    rows = frozenset(n for n, (line, _) in enumerate(items) if line.cells is not None)
    return unwrap([t for _, t in items], words, rows)


def _field_text(key: str, items: list[tuple[Line, str]], words: frozenset[str] | None) -> str:
    if key in SHORT_KEYS and key != "contact_municipal":
        return one_line([t for _, t in items], words)
    return _long_text(items, words)


def parse_lines(
    lines: list[Line],
    filename: str = "",
    index: int = 1,
    known: dict[str, str] | None = None,
    *,
    attachments: Sequence[tuple[str, list[Line]]] = (),
    words: frozenset[str] | None = None,
    unit: str = "linje",
) -> ParsedApplication:
    """Read one application's fields from its lines; ``attachments`` are the (kind, lines) the
    splitter set with it (a cover letter, a part repeating the form's name heading)."""
    known = known_municipalities() if known is None else known
    app = ParsedApplication(filename=filename, index=index, unit=unit)
    all_lines = list(lines)
    forced: dict[int, tuple[str, int]] = {}
    for kind, att_lines in attachments:
        forced[len(all_lines)] = (kind, len(all_lines) + len(att_lines))
        all_lines += att_lines
    parser = _Parser(all_lines, forced)
    parser.run()
    buckets = parser.buckets

    app.line_start, app.line_end, app.page_start, app.page_end = _source_range(lines)
    other_sources: list[Line] = []
    for key in parser.order:
        items = strip_instructions(buckets.get(key, []))
        source_lines = [line for line, _ in items]
        if key in parser.heading_lines:
            source_lines = [parser.heading_lines[key], *source_lines]
        start, end, page_start, page_end = _source_range(source_lines)
        source = "\n".join(text for _, text in items).strip("\n")
        if key in ("benefit_table", "risk_table"):
            kind = "nytte" if key == "benefit_table" else "risiko"
            rows = table_rows(items, kind)
            text = rows_text([cells for cells, _ in rows]) if rows else _long_text(items, words)
            app.table_rows += [TableRowDraft(kind, cells, n) for cells, n in rows or []]
        else:
            text = _field_text(key, items, words)
        if key == "other_text":
            other_sources += source_lines
        app.fields[key] = FieldValue(key, text, start, end, page_start, page_end, source, unit)

    # Attachments: tables become rows of their table, the rest is kept labelled.
    budget_attachments: list[list[tuple[Line, str]]] = []
    for att in parser.attachments:
        if not any(line.text.strip() for line in att.lines):
            continue
        a_start, a_end, a_page_start, a_page_end = _source_range(att.lines)
        items = [(line, line.text) for line in att.lines]
        kind = att.kind
        table = kind if kind in _TABLE_FIELD else None
        if table is None:
            for line in att.lines:
                if line.cells is not None and (found := table_kind(line.cells, line.text)) is not None:
                    table = found
                    break
        rows = table_rows(items, table) if table else None
        if table and rows:
            app.table_rows += [TableRowDraft(table, cells, n) for cells, n in rows]
            _extend_field(app, _TABLE_FIELD[table], rows_text([cells for cells, _ in rows]), att.lines, unit)
            # Text around a table given as rows (a note, a signature) is kept with the attachment;
            # a table read from text lines has no text around it.
            rest = [line for line in att.lines if line.cells is None]
            if any(line.cells is not None for line in att.lines) and not _table_text_only(rest, att.title):
                leftover = _attachment_text(rest, att.title, words)
                if leftover:
                    app.attachments.append(
                        Attachment(
                            kind if kind != "vedlegg" else table,
                            att.title,
                            leftover,
                            a_start,
                            a_end,
                            a_page_start,
                            a_page_end,
                            unit,
                        )
                    )
            continue
        if kind in _TABLE_FIELD:
            _extend_field(app, _TABLE_FIELD[kind], _attachment_text(att.lines, "", words), att.lines, unit)
            continue
        if kind == "budsjett":
            budget_attachments.append(items)
        text = _attachment_text(att.lines, att.title, words)
        if text or att.title:
            app.attachments.append(
                Attachment(kind, att.title, text, a_start, a_end, a_page_start, a_page_end, unit)
            )
    if app.attachments:
        parts = [app.text("other_text")] if app.text("other_text") else []
        parts += [a.labelled() for a in app.attachments]
        value = app.fields.get("other_text")
        numbers = [line for line in other_sources if line.text.strip()]
        for a in app.attachments:
            for number, page in ((a.line_start, a.page_start), (a.line_end, a.page_end)):
                if number is not None:
                    numbers.append(Line(number, "x", page))
        numbers.sort(key=lambda x: x.number)
        start, end, page_start, page_end = _source_range(numbers)
        app.fields["other_text"] = FieldValue(
            "other_text",
            "\n\n".join(parts),
            start,
            end,
            page_start,
            page_end,
            value.source if value else "",
            unit,
        )

    app.municipalities, app.unknown_municipalities = municipalities_in(
        app.fields["municipalities"].source if "municipalities" in app.fields else "", known
    )
    app.agreement_date = find_date(app.text("agreement_text"))
    _read_budget_and_period(app, parser, budget_attachments)
    if app.unknown_municipalities:
        names = ", ".join(app.unknown_municipalities)
        app.warnings.append(f"Ukjente kommuner blir lagt til: {names}")
    return app


def _table_text_only(lines: list[Line], title: str) -> bool:
    """Nothing but the title and empty form headings besides the table."""
    for line in lines:
        text = " ".join(line.text.split())
        if not text or text.strip("#*_ :") == title or _is_empty_heading(line):
            continue
        return False
    return True


def _extend_field(app: ParsedApplication, key: str, text: str, lines: list[Line], unit: str) -> None:
    if not text:
        return
    start, end, page_start, page_end = _source_range(lines)
    value = app.fields.get(key)
    if value is None or not value.text:
        app.fields[key] = FieldValue(key, text, start, end, page_start, page_end, text, unit)
        return
    value.text = f"{value.text}\n{text}"
    value.line_start = (
        min(x for x in (value.line_start, start) if x is not None) if start else value.line_start
    )
    value.line_end = max(x for x in (value.line_end, end) if x is not None) if end else value.line_end


def _read_budget_and_period(
    app: ParsedApplication, parser: _Parser, budget_attachments: list[list[tuple[Line, str]]]
) -> None:
    plan_field = app.fields.get("project_plan")
    plan = plan_period(plan_field.source if plan_field else "")
    budget_items: list[tuple[Line, str]] = [
        (line, text) for line, text in strip_instructions(parser.buckets.get("budget_text", []))
    ]
    start_year: int | None = None
    start_note = ""
    # A first pass finds the budget's own period; the plan's schedule, a period named in the
    # description or the plan, and the agreement date are fallbacks for the first year of a
    # yearly amount.
    budget_period = read_budget(budget_items, None, "").period
    chosen = budget_period or plan
    if chosen is None:
        reference = app.agreement_date.year if app.agreement_date else None
        chosen = text_period(app.text("description"), reference) or text_period(
            app.text("project_plan"), reference
        )
    if chosen is not None:
        app.period_text, app.period_start, app.period_end = chosen[0], chosen[1], chosen[2]
        start_year = chosen[1].year
        if chosen[1].month != 1:
            start_note = f"prosjektårene i perioden «{chosen[0]}» følger ikke kalenderårene"
    else:
        duration = DURATION.search(app.text("description")) or DURATION.search(app.text("project_plan"))
        if duration:
            app.period_text = duration.group(0)
        if app.agreement_date is not None:
            start_year = app.agreement_date.year
            start_note = f"startår {start_year} er antatt"
    budget = read_budget(budget_items, start_year, start_note)
    app.budget_lines, app.stated_totals = budget.lines, budget.totals
    if not app.budget_lines:
        # "Se vedlagt budsjett": the amounts are in the budget attachment.
        for items in budget_attachments:
            attached = read_budget(items, start_year, start_note)
            app.budget_lines += attached.lines
            app.stated_totals += attached.totals


def parse_document(doc: Document, known: dict[str, str] | None = None) -> ParsedDocument:
    """Every application in a document. Raises :class:`ImportFailure` only."""
    try:
        lines = expand_form_tables(doc.lines)
        split = split_document(lines, doc.filename, doc.kind)
        known = known_municipalities() if known is None else known
        words = vocabulary(line.text for line in lines) if doc.kind != "docx" else None
        apps = [
            parse_lines(
                part.lines,
                doc.filename,
                n,
                known,
                attachments=part.attachments,
                words=words,
                unit=doc.unit,
            )
            for n, part in enumerate(split.parts, start=1)
        ]
    except ImportFailure:
        raise
    except (
        ValueError,
        IndexError,
        KeyError,
        AttributeError,
        TypeError,
        RecursionError,
        AssertionError,
    ) as exc:
        raise ImportFailure(doc.filename, f"kunne ikke tolke innholdet ({type(exc).__name__})") from exc
    return ParsedDocument(doc, apps, split.skipped)


def parse_text(text: str, filename: str = "tekst.txt") -> ParsedDocument:
    """Parse text in memory as if it were a .txt file."""
    return parse_document(text_document(text, filename))
