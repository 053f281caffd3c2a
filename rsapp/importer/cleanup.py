"""Turning a field's lines into its text: help texts out, wrapped lines and words rejoined.

- :func:`strip_instructions` leaves out the form's own help texts in parentheses (the known
  ones anywhere, any parenthesised question right after a heading) and the "Budsjett må legges
  ved" reminder;
- :func:`unwrap` joins lines as a PDF wraps them into paragraphs, and :func:`one_line` joins a
  short field's lines; both rejoin a word broken at a line end as it was written
  (:func:`join_broken`): ``Midt-`` / ``Troms`` is ``Midt-Troms``, ``helse-`` / ``tjenesten``
  is ``helsetjenesten``, ``primær-`` / ``og`` stays ``primær- og``; where the document itself
  spells the word, that spelling decides;
- :func:`strip_marks` takes Markdown emphasis left open at a value's ends (``X HF**``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TypeVar

__all__ = [
    "BULLET",
    "norm",
    "clean_line",
    "strip_marks",
    "strip_instructions",
    "vocabulary",
    "join_broken",
    "unwrap",
    "one_line",
    "drop_placeholders",
]


BULLET = re.compile(r"^(?:[•●▪◦■□☐☒\-–*o]\s+|\d{1,2}[.)]\s+|[a-z][.)]\s+|WP\d+\s*:)")

_INSTRUCTION_STARTS = (
    "(mål, målgruppe og status",
    "(benytt gjerne vedlagte skjema",
    "(inkludert mulighet for erfaringsdeling",
    "(nb: tilskuddsmidlene kan dekke",
    "(er tiltaket i tråd med nasjonal",
    "(både i primær- og spesialisthelsetjenesten",
)
# A parenthesised help text right after a heading: a question, or an instruction to the applicant.
_HELP_WORDS = re.compile(
    r"^\(\s*(?:nb\b|benytt|beskriv|inkluder|inkludert|husk|legg|se\b|oppgi|angi|fyll|hva\b|hvem\b|"
    r"hvordan\b|hvilke|hvilken|hvor\b|er\s+det|er\s+tiltaket|både|mål\b|maks|maksimalt)",
    re.IGNORECASE,
)
_BUDGET_REMINDER = re.compile(r"budsjett\s+må\s+legges\s+ved\s+søknaden\.?", re.IGNORECASE)
_MARKS_LEFT = re.compile(r"^\s*(?:\*{1,3}|_{1,3})(?=\S)")
_MARKS_RIGHT = re.compile(r"(?<=\S)(?:\*{1,3}|_{1,3})\s*$")
_BROKEN = re.compile(r"([^\W_]+)-$")
_WORD = re.compile(r"[^\W_]+")
_VOCABULARY = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# "primær- og spesialisthelsetjenesten": a hyphen that stands for a shared second part.
_SHARED_PART = frozenset({"og", "eller", "samt", "som", "til", "enn", "både", "and", "or"})


# The texts Word shows in an empty content control (bokmål, nynorsk, English): not an answer.
_PLACEHOLDERS = re.compile(
    r"(?:klikk|trykk)(?:\s+eller\s+trykk)?(?:\s+her)?\s+for\s+å\s+(?:skrive|skriva|legge|leggje)\s+inn\s+"
    r"(?:tekst|ein\s+tekst|en\s+dato|ein\s+dato)\.?|velg\s+et\s+element\.?|vel\s+eit\s+element\.?|"
    r"click\s+(?:or\s+tap\s+)?here\s+to\s+enter\s+(?:text|a\s+date)\.?|choose\s+an\s+item\.?",
    re.IGNORECASE,
)


def drop_placeholders(text: str) -> str:
    """Word's placeholder texts of empty content controls taken out."""
    if not _PLACEHOLDERS.search(text):
        return text
    out = _PLACEHOLDERS.sub("", text)
    out = re.sub(r"[ \t]+\n", "\n", re.sub(r"[ \t]{2,}", " ", out))
    return re.sub(r"\n{3,}", "\n\n", out).strip()


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def clean_line(text: str) -> str:
    return text.replace("\u00ad", "").replace("\t", " ").strip()


def strip_marks(text: str) -> str:
    """Emphasis marks left open at the ends of a value ("X kommune og Y HF**")."""
    if "*" not in text and "_" not in text:
        return text
    if text.count("**") % 2 or text.count("__") % 2 or text.count("*") % 2:
        text = _MARKS_RIGHT.sub("", _MARKS_LEFT.sub("", text))
    return text.strip()


T = TypeVar("T")


def _closes_within(items: Sequence[tuple[T, str]], index: int, limit: int = 6) -> int | None:
    for offset in range(limit):
        if index + offset >= len(items):
            return None
        if ")" in items[index + offset][1]:
            return offset
    return None


def strip_instructions(items: list[tuple[T, str]]) -> list[tuple[T, str]]:
    """Leave out the form's help texts in parentheses and the "Budsjett må legges ved" reminder.

    Known help texts are dropped wherever they stand; any other parenthesised help text only
    when it is the first thing after the heading and reads as a question or an instruction.
    """
    out: list[tuple[T, str]] = []
    index = 0
    first = True
    while index < len(items):
        line, text = items[index]
        normalized = norm(text).lstrip("*_ ")
        known = normalized.startswith(_INSTRUCTION_STARTS)
        generic = (
            first
            and normalized.startswith("(")
            and (
                _HELP_WORDS.match(normalized) is not None
                or "?" in " ".join(t for _, t in items[index : index + 6])
            )
        )
        if known or generic:
            offset = _closes_within(items, index)
            if offset is not None:
                closing = items[index + offset][1]
                rest = closing[closing.index(")") + 1 :].lstrip(" .:?*_")
                index += offset + 1
                if rest.strip():
                    out.append((items[index - 1][0], rest))
                    first = False
                continue
            if known:
                index += 6
                continue
        if _BUDGET_REMINDER.search(text):
            text = _BUDGET_REMINDER.sub("", text).strip()
            if not text:
                index += 1
                continue
        if text.strip():
            first = False
        out.append((line, text))
        index += 1
    return out


def vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """The words of a document, lower case (hyphenated words whole), to decide broken words."""
    words: set[str] = set()
    for text in texts:
        if text:
            words.update(_VOCABULARY.findall(text.lower()))
    return frozenset(words)


def join_broken(previous: str, text: str, words: frozenset[str] | None = None) -> str:
    """Two wrapped lines as one: a space between them, or a word broken at the line end rejoined."""
    m = _BROKEN.search(previous)
    first = _WORD.match(text)
    if m is None or first is None or previous.endswith((" -", " –")):
        return previous + " " + text
    head, word = m.group(1), first.group(0)
    if head.isdigit() and not text[:1].isdigit():
        return previous + " " + text
    if text[:1].isupper() or text[:1].isdigit():
        return previous + text  # Midt-Troms, covid-19
    if word.lower() in _SHARED_PART:
        return previous + " " + text  # primær- og spesialisthelsetjenesten
    if words is not None:
        if f"{head}-{word}".lower() in words:
            return previous + text
        if f"{head}{word}".lower() in words:
            return previous[:-1] + text
    if len(head) <= 1 or head.isupper():
        return previous + text  # e-helse, EU-programmet
    return previous[:-1] + text  # a word the layout hyphenated


def unwrap(texts: list[str], words: frozenset[str] | None = None, rows: frozenset[int] = frozenset()) -> str:
    """Lines as a PDF wraps them -> paragraphs: a line joins the previous one unless it starts
    a list item, follows a short line ending in ":" or follows a blank line. The lines whose
    index is in ``rows`` are table rows: each stays a line of its own."""
    out: list[str] = []
    pending_break = False
    row_before = False
    for n, raw in enumerate(texts):
        text = clean_line(raw)
        if not text:
            if out:
                pending_break = True
            continue
        is_row = n in rows
        if not out:
            out.append(text)
        elif pending_break:
            out.append("")
            out.append(text)
        elif is_row or row_before or BULLET.match(text) or out[-1].endswith(":") and len(out[-1]) < 60:
            out.append(text)
        else:
            out[-1] = join_broken(out[-1], text, words)
        pending_break = False
        row_before = is_row
    return drop_placeholders(strip_marks("\n".join(out).strip()))


def one_line(texts: list[str], words: frozenset[str] | None = None) -> str:
    out = ""
    for raw in texts:
        text = clean_line(raw)
        if not text:
            continue
        out = join_broken(out, text, words) if out else text
    return drop_placeholders(strip_marks(out))
