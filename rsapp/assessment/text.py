"""An application's own text, split into sentences that know where they came from.

The suggestion rules and the habilitet check read an :class:`ApplicationText` (plain data, no
database), so they can be tested on the built-in applications and timed on thousands. Every
quoted sentence carries its field (the form's heading) and its line within that field, and the
document source of the field when the import recorded one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from rsapp.vocab import SECTION_HEADINGS

# Header fields of the form (DOMAIN.md §4), as their headings read.
HEADER_LABELS: dict[str, str] = {
    "name": "Navn på prosjekt/pilot",
    "owners": "Prosjekteiere",
    "municipalities": "Kommune(r)",
    "contact_municipal": "Kontaktperson(er)",
    "hospital_trust": "Helseforetak",
    "contact_trust": "Kontaktperson",
    "agreement_text": "Dato for signert avtale om felles søknad",
    "period_text": "Periode",
    "period": "Periode",
    "budget_line": "Budsjettlinje",
}

FIELD_LABELS: dict[str, str] = HEADER_LABELS | SECTION_HEADINGS
# Labels of values that are not a text column of the application (lists, dates, budget lines).
_PSEUDO = ("municipalities", "period", "budget_line")

# The fields whose text is searched by the rules, in the form's order.
TEXT_FIELDS: tuple[str, ...] = ("name", "period_text", *SECTION_HEADINGS)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[«\"(]?[A-ZÆØÅ])")
_BULLET = re.compile(r"^\s*(?:[•\-–*·o]|\d+\.(?=\s+[A-ZÆØÅ]))\s+")
# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "ca. ifht. ift. iht. mht. bl.a. f.eks. evt. jf. jfr. dvs. nr. st. pr. kr. tlf. inkl. ekskl. osv. "
    "mv. m.m. m.fl. ass. kst. adm. dir. avd. ref. stk. sml. vs.".split()
)
# The form's own sub-questions (DOMAIN.md §4, point 11): the form's words, never evidence.
FORM_PROMPTS: tuple[str, ...] = (
    "hvor mye søkes det om og hva skal midlene benyttes til?",
    "hvilke ressurser bidrar kommunen(e) med?",
    "hvilke ressurser bidrar helseforetaket med?",
    "finansieringsplan; ved oppstart og ved evt. videreføring av prosjekt/pilot",
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One quoted sentence (or value) of an application, with where it stands."""

    field: str
    line: int  # 1-based line within the field's text
    text: str
    source: str = ""  # the field's document source, e.g. "003_….txt, linje 25–40"

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    def location(self) -> str:
        """E.g. "Involvering av brukere, tillitsvalgte og vernetjenesten, linje 2"."""
        where = f"{self.label}, linje {self.line}"
        return f"{where} ({self.source})" if self.source else where

    def quote(self, limit: int = 0) -> str:
        text = self.text
        if limit and len(text) > limit:
            text = text[: limit - 1].rstrip() + "…"
        return f"«{text}»"


@dataclass(frozen=True, slots=True)
class BudgetAmount:
    position: int
    year: int | None
    amount: int | None
    purpose: str
    source_phrase: str


@dataclass(slots=True)
class ApplicationText:
    """Everything the rules read about one application."""

    id: int
    title: str
    fields: dict[str, str]  # column -> text (header fields and form sections)
    municipalities: list[str] = field(default_factory=list)
    agreement_date: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    budget: list[BudgetAmount] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # field -> document source label
    _sentences: list[Evidence] | None = field(default=None, repr=False)

    def text(self, name: str) -> str:
        return self.fields.get(name, "") or ""

    def sentences(self, fields: Iterable[str] | None = None) -> list[Evidence]:
        """The sentences of the given fields (all text fields when None), in the form's order."""
        if self._sentences is None:
            self._sentences = [
                s for name in TEXT_FIELDS for s in split_sentences(name, self.text(name), self.sources)
            ]
        if fields is None:
            return self._sentences
        wanted = set(fields)
        return [s for s in self._sentences if s.field in wanted]

    def field_sentences(self, name: str) -> list[Evidence]:
        """Sentences of any field, including header fields that are not searched by default."""
        if name in TEXT_FIELDS:
            return self.sentences([name])
        return split_sentences(name, self.text(name), self.sources)


def split_sentences(name: str, text: str, sources: Mapping[str, str] | None = None) -> list[Evidence]:
    """A field's text as sentences, each with its line number within the field (1-based)."""
    if not text or not text.strip():
        return []
    source = (sources or {}).get(name, "")
    out: list[Evidence] = []
    for number, line in enumerate(text.strip("\n").splitlines(), start=1):
        line = _BULLET.sub("", line).strip()
        if not line or line.casefold() in FORM_PROMPTS:
            continue
        for sentence in _sentences(line):
            out.append(Evidence(name, number, sentence, source))
    return out


def _sentences(line: str) -> list[str]:
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        before = line[start : match.start()].rsplit(None, 1)
        if before and before[-1].casefold() in _ABBREVIATIONS:
            continue
        out.append(line[start : match.start()])
        start = match.end()
    out.append(line[start:])
    return [" ".join(s.split()) for s in out if s.strip()]


# --- word lists ----------------------------------------------------------------------------------


def _word_pattern(word: str) -> str:
    word = " ".join(word.split())
    wildcard = word.endswith("*")
    core = re.escape(word.rstrip("*")).replace(r"\ ", r"\s+")
    return rf"(?<!\w){core}" + (r"\w*" if wildcard else r"(?!\w)")


@lru_cache(maxsize=512)
def _compile(words: tuple[str, ...]) -> re.Pattern[str] | None:
    words = tuple(w for w in words if w.strip("* "))
    if not words:
        return None
    # Longest first, so "skrøpelige eldre" wins over "eldre" in the matched text.
    ordered = sorted(words, key=len, reverse=True)
    return re.compile("|".join(_word_pattern(w) for w in ordered), re.IGNORECASE)


def word_matcher(words: Sequence[str]) -> re.Pattern[str] | None:
    """A pattern matching any of the words; "rehabiliter*" matches every word that starts so."""
    return _compile(tuple(words))


def find(words: Sequence[str], sentences: Iterable[Evidence]) -> list[tuple[Evidence, str]]:
    """The sentences containing one of the words, with the first word found in each."""
    pattern = word_matcher(words)
    if pattern is None:
        return []
    out = []
    for sentence in sentences:
        match = pattern.search(sentence.text)
        if match:
            out.append((sentence, match.group(0)))
    return out


# --- building an ApplicationText ------------------------------------------------------------------


def application_text(app: Any, **extra: Any) -> ApplicationText:
    """From an Application row (or anything with its attributes)."""
    fields = {name: getattr(app, name, "") or "" for name in (*HEADER_LABELS, *SECTION_HEADINGS)}
    fields["name"] = (app.name or "").strip() or (getattr(app, "working_title", "") or "").strip()
    for key in _PSEUDO:
        fields.pop(key, None)
    return ApplicationText(
        id=app.id or 0,
        title=fields["name"] or "(uten navn)",
        fields=fields,
        agreement_date=_as_date(getattr(app, "agreement_date", None)),
        period_start=_as_date(getattr(app, "period_start", None)),
        period_end=_as_date(getattr(app, "period_end", None)),
        **extra,
    )


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# Section keys of the data files in data/applications/*.toml -> Application columns.
_DATA_SECTIONS = {"budget": "budget_text", "other": "other_text"}


def from_data(doc: Mapping[str, Any], application_id: int = 0) -> ApplicationText:
    """From a built-in application data file (data/applications/*.toml), without a database."""
    sections = {_DATA_SECTIONS.get(k, k): str(v).strip() for k, v in doc.get("sections", {}).items()}
    fields = {
        name: str(doc.get(name, "") or "") for name in HEADER_LABELS if name in doc and name not in _PSEUDO
    }
    fields["name"] = str(doc.get("name", "")).strip() or str(doc.get("display_name", "")).strip()
    fields.update(sections)
    return ApplicationText(
        id=application_id,
        title=fields["name"] or "(uten navn)",
        fields=fields,
        municipalities=list(doc.get("municipalities", [])),
        agreement_date=_as_date(doc.get("agreement_date")),
        period_start=_as_date(doc.get("period_start")),
        period_end=_as_date(doc.get("period_end")),
        budget=[
            BudgetAmount(
                position=i,
                year=line.get("budget_year"),
                amount=line.get("amount"),
                purpose=line.get("purpose", ""),
                source_phrase=line.get("source_phrase", ""),
            )
            for i, line in enumerate(doc.get("budget_line", []))
        ],
    )
