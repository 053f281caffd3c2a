"""Where an attachment begins inside an application's text, and what kind it is.

The form refers to attachments (DOMAIN.md §4): the signed agreement, the budget, the benefit
table, sometimes a risk table; applications also carry an *intensjonsavtale*, signatures and
a cover letter. In a file they follow the form, or sit inside its last field. A line starts
one when it reads as a title of such a document (short, not a sentence that refers to the
attachment: "Intensjonsavtale … også vedlagt." is a reference), or when it begins a
signature block ("Sted og dato", "Underskrift", "Med vennlig hilsen", a signature line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rsapp.importer.tables import BENEFIT_TITLE, RISK_TITLE
from rsapp.money import find_amounts

__all__ = ["AttachmentStart", "attachment_title", "signature_start"]


@dataclass(frozen=True, slots=True)
class AttachmentStart:
    kind: str  # nytte | risiko | intensjonsavtale | avtale | oversendelsesbrev | budsjett | vedlegg | signaturer
    title: str


_TITLES: tuple[tuple[re.Pattern[str], str], ...] = (
    (BENEFIT_TITLE, "nytte"),
    (RISK_TITLE, "risiko"),
    (re.compile(r"^[#*_\s]*intensjons(?:avtale|erklæring|brev)\b", re.IGNORECASE), "intensjonsavtale"),
    (
        re.compile(
            r"^[#*_\s]*(?:(?:signert\s+)?(?:samarbeids|partnerskaps|prosjekt)avtale\b|"
            r"avtale\s+om\s+(?:felles\s+søknad|samarbeid|gjennomføring)\b|samarbeidserklæring\b)",
            re.IGNORECASE,
        ),
        "avtale",
    ),
    (
        re.compile(
            r"^[#*_\s]*(?:(?:oversending|oversendelse)\s+av\s+søknad|følgebrev|søknadsbrev)\b", re.IGNORECASE
        ),
        "oversendelsesbrev",
    ),
    (
        re.compile(
            r"^[#*_\s]*(?:vedlegg\s*\d{0,2}\s*[:.–—-]?\s*)?(?:detaljert\s+|overordnet\s+|samlet\s+|vedlagt\s+)?"
            r"budsjett(?:\s*(?:for|til)\s+[^\d\n]{0,80})?\s*[*_:]*\s*$",
            re.IGNORECASE,
        ),
        "budsjett",
    ),
    (re.compile(r"^[#*_\s]*vedlegg\s*\d{1,2}\s*[:.–—-]?\s*\S", re.IGNORECASE), "vedlegg"),
)
_REFERENCE = re.compile(
    r"\b(?:vedlagt|vedlegges|legges\s+ved|lagt\s+ved|se\s+vedlegg|ettersendes|jf\.|jfr\.|i\s+vedlegg)\b|\(se\b",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^[#*_\s]*vedlegg\s*\d{1,2}\b", re.IGNORECASE)
_SIGNATURE = re.compile(
    r"^[#*_\s]*(?:sted\s*(?:og|/|,|&)\s*dato\b|dato\s*(?:og|/|,|&)\s*(?:sted|underskrift|signatur)\b|"
    r"underskrift(?:er)?\b|signatur(?:er)?\b|signert\s+(?:av|for)\b|(?:med\s+)?vennlig\s+hilsen\b|mvh\b|"
    r"_{5,}|\.{8,}|\(sign\.?\)|elektronisk\s+(?:signert|godkjent)\b|for\s+[A-ZÆØÅ][\w-]+\s+kommune\s*:?\s*$)",
    re.IGNORECASE,
)


def _words(text: str) -> int:
    return len(text.split())


def attachment_title(
    text: str, previous: str = "", following: str = "", heading: bool = False
) -> AttachmentStart | None:
    """The attachment a line is the title of, if it reads as one.

    ``previous`` and ``following`` are the nearest lines with text around it; a line in a list
    of attachments ("Vedlegg 1: …", "Vedlegg 2: …") refers to them and is no title.
    """
    stripped = " ".join(text.split()).strip()
    if not stripped or _words(stripped) > 16 or stripped.endswith((",", ";")):
        return None
    if _REFERENCE.search(stripped):
        return None
    if stripped.endswith(".") and _words(stripped) > 6 and not heading:
        return None  # a sentence
    for pattern, kind in _TITLES:
        if not pattern.match(stripped):
            continue
        if kind in ("vedlegg", "budsjett") and (_LIST_ITEM.match(previous) or _LIST_ITEM.match(following)):
            return None  # an item in a list of attachments
        if kind == "budsjett" and find_amounts(stripped):
            return None
        if kind == "vedlegg" and not heading and _words(stripped) > 10:
            return None
        return AttachmentStart(kind, stripped.strip("#*_ :"))
    return None


def signature_start(text: str) -> bool:
    """The line begins a signature block ("Sted og dato", "Underskrift", "Med vennlig hilsen")."""
    stripped = text.strip()
    return bool(stripped) and _words(stripped) <= 12 and _SIGNATURE.match(stripped) is not None
