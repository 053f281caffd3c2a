"""Splitting a document into its applications, and setting aside what is not one.

A form starts at each "Navn på prosjekt/pilot". It ends at the next form, or where a page
that is not an application begins: the form's own preamble ("Søknadsskjema for …"), a cover
letter ("Oversending av søknad …"), case papers ("Saksfremlegg", "Sak 23-2025: …"). Page
furniture (addresses, ``file:///`` and ``mailto:`` links, page numbers) is taken out wherever
it appears. Everything set aside is reported as a :class:`SkippedBlock`, never glued into a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rsapp.importer.errors import ImportFailure
from rsapp.importer.headings import HEADINGS, match_heading
from rsapp.importer.readers import Document, Line

__all__ = ["SkippedBlock", "SplitResult", "split_document", "furniture_kind"]

_FURNITURE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:mailto:|file:|https?://|www\.)\S*$", re.IGNORECASE), "lenke"),
    (re.compile(r"^(?:side\s+)?\d{1,3}(?:\s*(?:av|/)\s*\d{1,3})?$", re.IGNORECASE), "sidetall"),
    (re.compile(r"^(?:postadresse|besøksadresse)\s*:", re.IGNORECASE), "sidefot/adresse"),
    (re.compile(r"telefon\s+sentralbord|org\.?\s*nr\b.*\bmva\b", re.IGNORECASE), "sidefot/adresse"),
    (re.compile(r"^helse\s+nord\s+rhf\s+helse\s+nord\s+rhf\s*$", re.IGNORECASE), "sidefot/adresse"),
    (re.compile(r"^postboks\s+\d+\b", re.IGNORECASE), "sidefot/adresse"),
    (re.compile(r"^\d{4}\s+[A-ZÆØÅ][\w-]+\s+\d{4}\s+[A-ZÆØÅ][\w-]+"), "sidefot/adresse"),
)

_STOPS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^[#*_\s]*søknadsskjema\s+for\s+rekrutterings", re.IGNORECASE), "skjemaets innledning"),
    (re.compile(r"^[#*_\s]*(?:oversending|oversendelse)\s+av\s+søknad", re.IGNORECASE), "oversendelsesbrev"),
    (re.compile(r"^[#*_\s]*saksfremlegg\b", re.IGNORECASE), "saksfremlegg"),
    (re.compile(r"^[#*_\s]*sak\s+\d{1,3}\s*[-/]\s*\d{4}\s*:", re.IGNORECASE), "saksfremlegg"),
    (re.compile(r"^[#*_\s]*saksnr\b", re.IGNORECASE), "saksfremlegg"),
    (re.compile(r"^\s*strategisk\s+samarbeidsutvalg\s*$", re.IGNORECASE), "saksfremlegg"),
)


@dataclass(frozen=True, slots=True)
class SkippedBlock:
    """Lines that are not part of any application field."""

    kind: str  # Norwegian: "sidefot/adresse", "lenke", "sidetall", "oversendelsesbrev", ...
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
class SplitResult:
    segments: list[list[Line]] = field(default_factory=list)
    skipped: list[SkippedBlock] = field(default_factory=list)


def furniture_kind(text: str) -> str | None:
    stripped = text.strip()
    if not stripped:
        return None
    for pattern, kind in _FURNITURE:
        if pattern.search(stripped):
            return kind
    return None


def _stop_kind(text: str) -> str | None:
    for pattern, kind in _STOPS:
        if pattern.match(text):
            return kind
    return None


def _heading_at(lines: list[Line], index: int) -> str | None:
    if lines[index].cells is not None:
        cells = lines[index].cells or ()
        match = match_heading([cells[0]]) if cells else None
        return match.spec.key if match else None
    match = match_heading([line.text for line in lines[index : index + 5]])
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


def _skip_region(lines: list[Line], default_kind: str, out: list[SkippedBlock]) -> None:
    """Report a region that is not an application, split where a new kind of page begins."""
    current: list[Line] = []
    page_kind = default_kind  # the kind of page we are on (cover letter, case papers, ...)
    kind = default_kind  # the kind of the block being collected (may be furniture)
    for line in lines:
        if not line.text.strip():
            if current:
                current.append(line)
            continue
        stop = _stop_kind(line.text)
        if stop is not None:
            page_kind = stop
        new_kind = stop or furniture_kind(line.text) or page_kind
        if new_kind != kind and current:
            _flush(current, kind, out)
            current = []
        kind = new_kind
        current.append(line)
    _flush(current, kind, out)


def _flush(lines: list[Line], kind: str, out: list[SkippedBlock]) -> None:
    while lines and not lines[-1].text.strip():
        lines = lines[:-1]
    if lines:
        out.append(_block(kind, lines))


def split_document(doc: Document) -> SplitResult:
    """The applications in a document (their lines, furniture removed) and what was skipped.

    Raises :class:`ImportFailure` when the document holds no application form at all.
    """
    lines = doc.lines
    starts = [i for i, line in enumerate(lines) if line.text.strip() and _heading_at(lines, i) == "name"]
    if not starts:
        keys = {_heading_at(lines, i) for i, line in enumerate(lines) if line.text.strip()}
        keys.discard(None)
        if len(keys) < 3:
            expected = ", ".join(f"«{h.label}»" for h in HEADINGS[:3])
            raise ImportFailure(
                doc.filename, f"fant ikke noe søknadsskjema i filen (ingen av overskriftene {expected} …)"
            )
        first = next(i for i, line in enumerate(lines) if line.text.strip() and _heading_at(lines, i))
        starts = [first]

    result = SplitResult()
    _skip_region(lines[: starts[0]], "innledning", result.skipped)
    for n, start in enumerate(starts):
        limit = starts[n + 1] if n + 1 < len(starts) else len(lines)
        end = limit
        for i in range(start + 1, limit):
            if lines[i].cells is None and _stop_kind(lines[i].text):
                end = i
                break
        segment: list[Line] = []
        furniture: list[Line] = []
        furniture_kind_now = ""
        for line in lines[start:end]:
            kind = furniture_kind(line.text) if line.cells is None else None
            if kind is not None:
                if furniture and kind != furniture_kind_now:
                    result.skipped.append(_block(furniture_kind_now, furniture))
                    furniture = []
                furniture.append(line)
                furniture_kind_now = kind
                continue
            if furniture and line.text.strip():
                result.skipped.append(_block(furniture_kind_now, furniture))
                furniture = []
            segment.append(line)
        if furniture:
            result.skipped.append(_block(furniture_kind_now, furniture))
        result.segments.append(segment)
        if end < limit:
            _skip_region(lines[end:limit], "annen tekst", result.skipped)
    result.skipped.sort(key=lambda b: b.line_start)
    if doc.kind == "docx":
        result.skipped = [replace(b, unit="avsnitt") for b in result.skipped]
    return result
