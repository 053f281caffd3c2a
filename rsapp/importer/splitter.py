"""Splitting a document into its applications, and setting aside what is not one.

A form starts at each "Navn på prosjekt/pilot". It ends at the next form, or where a page
that is not an application begins: the form's own preamble ("Søknadsskjema for …"), a cover
letter ("Oversending av søknad …"), case papers ("Saksfremlegg", "Sak 23-2025: …"). Page
furniture (addresses, ``file:///`` and ``mailto:`` links, also when a link wraps over several
lines, page numbers) is taken out wherever it appears.

Not every "Navn på prosjekt/pilot" starts an application: attachments such as the benefit
table repeat that line, empty, or the form's whole header block. A part that names fewer than
three other fields of the form, or fewer than two of its free-text fields, is an attachment of
the application before it (of the one after it when it comes first). A cover letter belongs to the application it sends (the next
one; the one before when it comes last). Everything else set aside is reported as a
:class:`SkippedBlock`, never glued into a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rsapp.importer.document import Document, Line
from rsapp.importer.errors import ImportFailure
from rsapp.importer.headings import HEADINGS, WINDOW, match_heading

__all__ = ["SkippedBlock", "Segment", "SplitResult", "split_document", "furniture_kind", "SHORT_KEYS"]

# The short fields at the top of the form (names, dates); the rest are free text.
SHORT_KEYS = frozenset(
    {
        "name",
        "owners",
        "municipalities",
        "contact_municipal",
        "hospital_trust",
        "contact_trust",
        "agreement_text",
    }
)

_LINK = re.compile(r"^(?:<\s*)?(?:mailto:|file:|https?://|www\.)\S*$", re.IGNORECASE)
_FURNITURE: tuple[tuple[re.Pattern[str], str], ...] = (
    (_LINK, "lenke"),
    (re.compile(r"^(?:side\s+)?\d{1,3}(?:\s*(?:av|/)\s*\d{1,3})?$", re.IGNORECASE), "sidetall"),
    (re.compile(r"^(?:postadresse|besøksadresse)\s*:", re.IGNORECASE), "sidefot/adresse"),
    (re.compile(r"telefon\s+sentralbord|org\.?\s*nr\b.*\bmva\b", re.IGNORECASE), "sidefot/adresse"),
    (re.compile(r"^helse\s+nord\s+rhf\s+helse\s+nord\s+rhf\s*$", re.IGNORECASE), "sidefot/adresse"),
    (re.compile(r"^postboks\s+\d+\b", re.IGNORECASE), "sidefot/adresse"),
    (re.compile(r"^\d{4}\s+[A-ZÆØÅ][\w-]+\s+\d{4}\s+[A-ZÆØÅ][\w-]+"), "sidefot/adresse"),
)
# The rest of a link that wrapped: no spaces, and the characters of a path or query.
_LINK_REST = re.compile(r"^[\w%./?=&#:;~+@!$,()\[\]*'-]+$")
_URL_CHARS = re.compile(r"[/%=&?#_]|\.[a-z]{2,4}$|-$", re.IGNORECASE)

_STOPS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^[#*_\s]*søknadsskjema\s+for\s+rekrutterings", re.IGNORECASE), "skjemaets innledning"),
    (re.compile(r"^[#*_\s]*(?:oversending|oversendelse)\s+av\s+søknad", re.IGNORECASE), "oversendelsesbrev"),
    (re.compile(r"^[#*_\s]*saksfremlegg\b", re.IGNORECASE), "saksfremlegg"),
    (re.compile(r"^[#*_\s]*sak\s+\d{1,3}\s*[-/]\s*\d{4}\s*:", re.IGNORECASE), "saksfremlegg"),
    (re.compile(r"^[#*_\s]*saksnr\b", re.IGNORECASE), "saksfremlegg"),
    (re.compile(r"^\s*strategisk\s+samarbeidsutvalg\s*$", re.IGNORECASE), "saksfremlegg"),
)
# Kinds of set-aside text that belong to an application: kept with it as an attachment.
_BELONGS = frozenset({"oversendelsesbrev"})


@dataclass(frozen=True, slots=True)
class SkippedBlock:
    """Lines that are not part of any application field."""

    kind: str  # Norwegian: "sidefot/adresse", "lenke", "sidetall", "saksfremlegg", ...
    line_start: int
    line_end: int
    page_start: int | None
    page_end: int | None
    preview: str
    unit: str = "linje"  # "avsnitt" in a Word file

    def describe(self) -> str:
        where = (
            f"{self.unit} {self.line_start}"
            if self.line_start == self.line_end
            else f"{self.unit} {self.line_start}–{self.line_end}"
        )
        if self.page_start is not None:
            where += (
                f", side {self.page_start}"
                if self.page_start == self.page_end
                else f", side {self.page_start}–{self.page_end}"
            )
        return f"{self.kind} ({where}): {self.preview}"


@dataclass(slots=True)
class Segment:
    """One application's lines, and the attachments the splitter found for it:
    (kind, lines) with kind "oversendelsesbrev" or "vedlegg" (a part repeating the form's
    name heading)."""

    lines: list[Line]
    attachments: list[tuple[str, list[Line]]] = field(default_factory=list)


@dataclass(slots=True)
class SplitResult:
    parts: list[Segment] = field(default_factory=list)
    skipped: list[SkippedBlock] = field(default_factory=list)

    @property
    def segments(self) -> list[list[Line]]:
        return [part.lines for part in self.parts]


def furniture_kind(text: str) -> str | None:
    stripped = text.strip()
    if not stripped:
        return None
    for pattern, kind in _FURNITURE:
        if pattern.search(stripped):
            return kind
    return None


def _link_rest(previous: str, text: str) -> bool:
    """The line continues a link that wrapped (the previous line was a link)."""
    stripped = text.strip()
    if not stripped or " " in stripped or not _LINK_REST.match(stripped):
        return False
    return (
        bool(_URL_CHARS.search(stripped))
        or len(previous.strip()) >= 50
        or previous.rstrip().endswith(("/", "-"))
    )


def _stop_kind(text: str) -> str | None:
    for pattern, kind in _STOPS:
        if pattern.match(text):
            return kind
    return None


def _heading_at(lines: list[Line], index: int) -> str | None:
    line = lines[index]
    if line.cells is not None:
        cells = line.cells or ()
        if not cells:
            return None
        # a label cell may go on in the lines below it (a PDF of a form laid out as a table)
        following: list[str] = []
        for x in lines[index + 1 : index + WINDOW]:
            if x.cells is not None:
                break
            following.append(x.text)
        match = match_heading([cells[0], *following])
        return match.spec.key if match else None
    if line.label:
        match = match_heading([line.text], heading=True, loose=True)
        return match.spec.key if match else None
    match = match_heading([x.text for x in lines[index : index + WINDOW]], heading=line.heading)
    return match.spec.key if match else None


def _block(kind: str, lines: list[Line]) -> SkippedBlock:
    text = " ".join(" ".join(line.text.split()) for line in lines if line.text.strip())
    preview = text if len(text) <= 80 else text[:79] + "…"
    pages = [line.page for line in lines if line.page is not None]
    return SkippedBlock(
        kind,
        lines[0].number,
        lines[-1].number,
        min(pages) if pages else None,
        max(pages) if pages else None,
        preview,
    )


def _regions(lines: list[Line], default_kind: str) -> list[tuple[str, list[Line]]]:
    """A region that is not an application, in blocks: split where a new kind of page begins."""
    out: list[tuple[str, list[Line]]] = []
    current: list[Line] = []
    page_kind = default_kind  # the kind of page we are on (cover letter, case papers, ...)
    kind = default_kind  # the kind of the block being collected (may be furniture)
    previous = ""
    for line in lines:
        if not line.text.strip():
            if current:
                current.append(line)
            continue
        stop = _stop_kind(line.text)
        if stop is not None:
            page_kind = stop
        furniture = furniture_kind(line.text)
        if furniture is None and kind == "lenke" and _link_rest(previous, line.text):
            furniture = "lenke"
        new_kind = stop or furniture or page_kind
        if new_kind != kind and current:
            out.append((kind, _trimmed(current)))
            current = []
        kind = new_kind
        current.append(line)
        previous = line.text
    if current:
        out.append((kind, _trimmed(current)))
    return [(k, ls) for k, ls in out if ls]


def _trimmed(lines: list[Line]) -> list[Line]:
    while lines and not lines[-1].text.strip():
        lines = lines[:-1]
    return lines


def _without_furniture(lines: list[Line], skipped: list[SkippedBlock]) -> list[Line]:
    """The lines with page furniture taken out (reported in ``skipped``)."""
    segment: list[Line] = []
    furniture: list[Line] = []
    furniture_now = ""
    previous_link = ""
    for line in lines:
        kind = furniture_kind(line.text) if line.cells is None else None
        if kind is None and furniture_now == "lenke" and furniture and line.cells is None:
            if _link_rest(previous_link, line.text):
                kind = "lenke"
        if kind is not None:
            if furniture and kind != furniture_now:
                skipped.append(_block(furniture_now, furniture))
                furniture = []
            furniture.append(line)
            furniture_now = kind
            previous_link = line.text
            continue
        if furniture and line.text.strip():
            skipped.append(_block(furniture_now, furniture))
            furniture = []
            furniture_now = ""
        segment.append(line)
    if furniture:
        skipped.append(_block(furniture_now, furniture))
    return segment


def _set_aside(
    regions: list[tuple[str, list[Line]]], pending: list[tuple[str, list[Line]]], skipped: list[SkippedBlock]
) -> None:
    """Report what is not an application; keep what belongs to one (a cover letter) in
    ``pending``, one block per kind, its page furniture reported."""
    for kind, block in regions:
        if kind in _BELONGS:
            if pending and pending[-1][0] == kind:
                pending[-1][1].extend(block)
            else:
                pending.append((kind, list(block)))
        else:
            skipped.append(_block(kind, block))


def _is_application(keys: set[str]) -> bool:
    """A part that names at least three of the form's fields besides the name, two of them
    free-text fields, is an application; less is an attachment repeating the form's heading
    (a benefit table under an empty name line, a budget under the form's header block)."""
    others = keys - {"name"}
    return len(others) >= 3 and sum(1 for k in others if k not in SHORT_KEYS) >= 2


def split_document(doc: Document | list[Line], filename: str = "", kind: str = "") -> SplitResult:
    """The applications in a document (their lines, furniture removed), their attachments,
    and what was skipped.

    Raises :class:`ImportFailure` when the document holds no application form at all.
    """
    if isinstance(doc, Document):
        lines, filename, kind = doc.lines, doc.filename, doc.kind
    else:
        lines = doc
    keys = [_heading_at(lines, i) if line.text.strip() else None for i, line in enumerate(lines)]
    starts = [i for i, key in enumerate(keys) if key == "name"]
    if not starts:
        found = {k for k in keys if k}
        if len(found) < 3:
            expected = ", ".join(f"«{h.label}»" for h in HEADINGS[:3])
            raise ImportFailure(
                filename, f"fant ikke noe søknadsskjema i filen (ingen av overskriftene {expected} …)"
            )
        starts = [next(i for i, k in enumerate(keys) if k)]

    result = SplitResult()
    pending: list[tuple[str, list[Line]]] = []  # set-aside text that belongs to the next application
    _set_aside(_regions(lines[: starts[0]], "innledning"), pending, result.skipped)

    parts: list[tuple[Segment, bool]] = []  # (segment, is an application)
    for n, start in enumerate(starts):
        limit = starts[n + 1] if n + 1 < len(starts) else len(lines)
        end = limit
        for i in range(start + 1, limit):
            if lines[i].cells is None and _stop_kind(lines[i].text):
                end = i
                break
        segment = Segment(_without_furniture(lines[start:end], result.skipped))
        segment.attachments, pending = pending, []
        strong = _is_application({k for k in keys[start:end] if k})
        parts.append((segment, strong))
        if end < limit:
            _set_aside(_regions(lines[end:limit], "annen tekst"), pending, result.skipped)
    if pending and parts:  # a cover letter after the last form belongs to it
        parts[-1][0].attachments += pending

    # Parts that are attachments go with the application before them (the first one's with
    # the application after it); a document of attachments only is read as it stands.
    if any(strong for _, strong in parts):
        merged: list[Segment] = []
        waiting: list[tuple[str, list[Line]]] = []
        for segment, strong in parts:
            if strong:
                segment.attachments = waiting + segment.attachments
                waiting = []
                merged.append(segment)
            elif merged:
                merged[-1].attachments += segment.attachments + [("vedlegg", segment.lines)]
            else:
                waiting += segment.attachments + [("vedlegg", segment.lines)]
        result.parts = merged
    else:
        result.parts = [segment for segment, _ in parts]
    for part in result.parts:
        part.attachments = [(k, ls) for k, ls in part.attachments if any(x.text.strip() for x in ls)]
    result.skipped.sort(key=lambda b: b.line_start)
    if kind == "docx":
        result.skipped = [replace(b, unit="avsnitt") for b in result.skipped]
    return result
