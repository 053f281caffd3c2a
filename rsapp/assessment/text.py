"""An application's own text, split into sentences that know where they came from.

The suggestion rules and the habilitet check read an :class:`ApplicationText` (plain data, no
database), so they can be tested on the built-in applications and timed on thousands. Every
quoted sentence carries its field (the form's heading) and its line within that field, and the
document source of the field when the import recorded one.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
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
    _index: _TextIndex | None = field(default=None, repr=False)
    _by_field: dict[str, list[Evidence]] = field(default_factory=dict, repr=False)

    def text(self, name: str) -> str:
        return self.fields.get(name, "") or ""

    def with_text(self, **texts: str) -> ApplicationText:
        """A copy with some fields' text replaced (nothing read from this one's caches)."""
        return ApplicationText(
            id=self.id,
            title=self.title,
            fields=self.fields | texts,
            municipalities=list(self.municipalities),
            agreement_date=self.agreement_date,
            period_start=self.period_start,
            period_end=self.period_end,
            budget=list(self.budget),
            sources=dict(self.sources),
        )

    def sentences(self, fields: Iterable[str] | None = None) -> list[Evidence]:
        """The sentences of the given fields (all text fields when None), in the form's order."""
        if fields is not None:
            wanted = set(fields)
            if self._sentences is not None:
                return [s for s in self._sentences if s.field in wanted]
            return [s for name in TEXT_FIELDS if name in wanted for s in self.field_sentences(name)]
        if self._sentences is None:
            self._sentences = [s for name in TEXT_FIELDS for s in self.field_sentences(name)]
        return self._sentences

    def _text_index(self) -> _TextIndex:
        if self._index is None:
            self._index = _TextIndex(self)
        return self._index

    def find(self, words: Sequence[str], fields: Iterable[str] | None = None) -> list[tuple[Evidence, str]]:
        """The sentences (of `fields`, or all) containing one of the words, with the word found.

        Fast on long applications: a word the text does not contain is ruled out by the text's
        vocabulary; the others are looked up as plain lower-case text, and only the sentences
        where one occurs are built and checked with the pattern.
        """
        pattern = word_matcher(words)
        if pattern is None:
            return []
        index = self._text_index()
        wanted = set(fields) if fields is not None else None
        positions: set[int] = set()
        needles = _needles(tuple(words))
        for needle in needles:
            if len(needles) <= 2 or index.may_contain(needle):
                positions.update(index.positions(needle))
        out: list[tuple[Evidence, str]] = []
        seen: set[tuple[str, int, str]] = set()
        for at in sorted(positions):
            match = pattern.match(index.blob, at)
            if match is None:
                continue
            evidence = index.evidence_at(at)
            if evidence is None or (wanted is not None and evidence.field not in wanted):
                continue
            key = (evidence.field, evidence.line, evidence.text)
            if key not in seen:
                seen.add(key)
                out.append((evidence, match.group(0)))
        return out

    def scan(
        self, pattern: re.Pattern[str], fields: Iterable[str] | None = None
    ) -> list[tuple[Evidence, re.Match[str]]]:
        """Every match of `pattern` in the text, with the sentence it stands in (first match of each)."""
        index = self._text_index()
        wanted = set(fields) if fields is not None else None
        out: list[tuple[Evidence, re.Match[str]]] = []
        seen: set[tuple[str, int, str]] = set()
        for match in pattern.finditer(index.blob):
            evidence = index.evidence_at(match.start())
            if evidence is None or (wanted is not None and evidence.field not in wanted):
                continue
            key = (evidence.field, evidence.line, evidence.text)
            if key not in seen:
                seen.add(key)
                out.append((evidence, match))
        return out

    def field_sentences(self, name: str) -> list[Evidence]:
        """The sentences of one field (a header field such as the agreement, or a section)."""
        found = self._by_field.get(name)
        if found is None:
            found = self._by_field[name] = split_sentences(name, self.text(name), self.sources)
        return found


def split_sentences(name: str, text: str, sources: Mapping[str, str] | None = None) -> list[Evidence]:
    """A field's text as sentences, each with its line number within the field (1-based)."""
    if not text or not text.strip():
        return []
    source = (sources or {}).get(name, "")
    out: list[Evidence] = []
    for number, raw in enumerate(text.strip("\n").split("\n"), start=1):
        line, _ = _clean_line(raw)
        if not line or line.casefold() in FORM_PROMPTS:
            continue
        for sentence in _sentences(line):
            out.append(Evidence(name, number, sentence, source))
    return out


def _sentence_spans(line: str) -> list[tuple[int, int]]:
    """Where the sentences of a (cleaned) line start and end."""
    if "." not in line and "!" not in line and "?" not in line:
        return [(0, len(line))]
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        before = line[start : match.start()].rsplit(None, 1)
        if before and before[-1].casefold() in _ABBREVIATIONS:
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(line)))
    return [(a, b) for a, b in spans if line[a:b].strip()]


def _sentences(line: str) -> list[str]:
    return [" ".join(line[a:b].split()) for a, b in _sentence_spans(line)]


def _clean_line(line: str) -> tuple[str, int]:
    """A line without its bullet and outer spaces, and how many characters went from its start."""
    bullet = _BULLET.match(line)
    rest = line[bullet.end() :] if bullet else line
    lead = len(rest) - len(rest.lstrip())
    return rest.strip(), (bullet.end() if bullet else 0) + lead


_WORD = re.compile(r"\w+")


@lru_cache(maxsize=2048)
def _first_token(needle: str) -> tuple[str, bool]:
    """The first word of a needle, and whether it must be that whole word (more follows it)."""
    tokens = _WORD.findall(needle)
    if not tokens:
        return "", False
    return tokens[0], len(tokens) > 1 or not needle.endswith(tokens[0])


class _TextIndex:
    """All text fields of an application in one string, with its vocabulary, to find words fast
    and build only the sentences where they occur."""

    def __init__(self, doc: ApplicationText) -> None:
        parts: list[str] = []
        self.starts: list[int] = []
        self.names: list[str] = []
        self.texts: list[str] = []
        offset = 0
        for name in TEXT_FIELDS:
            text = doc.text(name).strip("\n")
            if not text.strip():
                continue
            self.starts.append(offset)
            self.names.append(name)
            self.texts.append(text)
            parts.append(text)
            offset += len(text) + 2
        self.blob = "\n\n".join(parts)
        low = self.blob.lower()
        self.low = low if len(low) == len(self.blob) else None  # None: lower-casing changed lengths
        self._vocabulary: set[str] | None = None
        self._sorted: list[str] = []
        self.sources = doc.sources
        self._lines: dict[tuple[int, int], list[tuple[int, Evidence]]] = {}

    def may_contain(self, needle: str) -> bool:
        """False when the text cannot contain the needle (its first word is not in the text)."""
        if self._vocabulary is None:  # built on first use: a few names need no vocabulary
            self._vocabulary = set(_WORD.findall(self.low if self.low is not None else self.blob.lower()))
            self._sorted = sorted(self._vocabulary)
        first, whole = _first_token(needle)
        if not first:
            return True
        if whole:
            return first in self._vocabulary  # a whole word, followed by more
        at = bisect_left(self._sorted, first)  # a word that starts so
        return at < len(self._sorted) and self._sorted[at].startswith(first)

    def positions(self, needle: str) -> list[int]:
        if self.low is None:
            return [m.start() for m in re.finditer(re.escape(needle), self.blob, re.IGNORECASE)]
        out = []
        at = self.low.find(needle)
        while at != -1:
            out.append(at)
            at = self.low.find(needle, at + 1)
        return out

    def evidence_at(self, position: int) -> Evidence | None:
        """The sentence that holds `position`, with its field and line (None between fields)."""
        which = bisect_right(self.starts, position) - 1
        if which < 0:
            return None
        text = self.texts[which]
        rel = position - self.starts[which]
        if rel >= len(text):
            return None
        line_start = text.rfind("\n", 0, rel) + 1
        sentences = self._line(which, line_start)
        if not sentences:
            return None
        column = rel - line_start
        return next((e for end, e in sentences if column < end), sentences[-1][1])

    def _line(self, which: int, line_start: int) -> list[tuple[int, Evidence]]:
        """The sentences of one line, each with where it ends in the raw line (cached)."""
        key = (which, line_start)
        found = self._lines.get(key)
        if found is None:
            text, name = self.texts[which], self.names[which]
            line_end = text.find("\n", line_start)
            line = text[line_start : line_end if line_end != -1 else len(text)]
            clean, shift = _clean_line(line)
            found = []
            if clean and clean.casefold() not in FORM_PROMPTS:
                number = text.count("\n", 0, line_start) + 1
                source = self.sources.get(name, "")
                found = [
                    (shift + b, Evidence(name, number, " ".join(clean[a:b].split()), source))
                    for a, b in _sentence_spans(clean)
                ]
            self._lines[key] = found
        return found


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


@lru_cache(maxsize=512)
def _needles(words: tuple[str, ...]) -> tuple[str, ...]:
    """The plain lower-case text every match of the words contains ("rehabiliter*" -> "rehabiliter")."""
    return tuple({" ".join(w.rstrip("*").split()).lower() for w in words if w.strip("* ")})


def find(words: Sequence[str], sentences: Iterable[Evidence]) -> list[tuple[Evidence, str]]:
    """The sentences containing one of the words, with the first word found in each (for a few
    sentences; :meth:`ApplicationText.find` searches a whole application)."""
    pattern = word_matcher(words)
    if pattern is None:
        return []
    needles = _needles(tuple(words))
    out = []
    for sentence in sentences:
        low = sentence.text.lower()
        if not any(needle in low for needle in needles):
            continue
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
