"""When two texts, and two applications, are the same: the comparison behind "new or update".

The same application arrives in several formats (Word, its PDF, a Markdown export), with
bullets written "•" in one and "-" in another, table cells separated by " | " or by nothing,
lines wrapped anywhere. Texts are therefore compared on their letters and digits, in order;
an application is the same when its name is (or, for a form without a name, its contacts and
hospital trust are), and the owners do not say otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["comparable", "same_text", "diff_fragments", "name_key", "owners_compatible"]

_DASHES = {"–": "-", "—": "-", "‐": "-", "‑": "-"}
_IGNORED = frozenset("|,☒☐■□")
_BULLETS = re.compile(r"(?m)^[ \t>]*(?:[•●▪◦‣∙·\-–*+]|\(?[a-z]\))[ \t]+")
_KEY = re.compile(r"[^\w]+")


def comparable(text: str) -> tuple[str, list[int]]:
    """Text as compared for a new version, with each character's position in the original.

    Case, dashes and whitespace do not count (a PDF line break inside a word, «eksem pel», is
    the same text as «eksempel»), nor do bullets at the start of a line, check boxes, table cell
    separators «|» and commas: a table read from a PDF has no separators, and a hand-copied one
    writes commas or « | » between cells. Amounts are compared as budget lines, so «1,5»
    against «15» is still seen there.
    """
    if "\n" in text or text[:3].strip()[:1] in "•●▪◦-–*+":
        text = _BULLETS.sub(lambda m: " " * len(m.group(0)), "\n" + text)[1:]
    chars: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace() or ch in _IGNORED:
            continue
        for folded in _DASHES.get(ch, ch).casefold():
            chars.append(folded)
            positions.append(i)
    return "".join(chars), positions


def same_text(old: str, new: str) -> bool:
    """True when two field texts differ only in case, dashes, whitespace, bullets, commas or
    table separators."""
    return comparable(old)[0] == comparable(new)[0]


def _fragment(text: str, at: int, before: int, after: int) -> str:
    start, end = max(0, at - before), min(len(text), at + after)
    # widen to whole words
    while start > 0 and not text[start - 1].isspace() and at - start < before + 15:
        start -= 1
    while end < len(text) and not text[end].isspace() and end - at < after + 15:
        end += 1
    piece = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")


def diff_fragments(old: str, new: str, before: int = 25, after: int = 45) -> tuple[str, str]:
    """The old and new text around their first real difference, with "…" where text is left out.

    Differences that :func:`same_text` ignores do not count, so the fragments show what a
    user would call the change, not identical prefixes.
    """
    a, a_pos = comparable(old)
    b, b_pos = comparable(new)
    k = 0
    limit = min(len(a), len(b))
    while k < limit and a[k] == b[k]:
        k += 1
    if k == len(a) == len(b):
        return _fragment(old, 0, 0, before + after), _fragment(new, 0, 0, before + after)
    at_old = a_pos[k] if k < len(a) else len(old.rstrip())
    at_new = b_pos[k] if k < len(b) else len(new.rstrip())
    return _fragment(old, at_old, before, after), _fragment(new, at_new, before, after)


def name_key(text: str) -> str:
    """A name as compared: letters and digits only, case folded ("Forprosjekt – X" is "forprosjekt x")."""
    return " ".join(_KEY.sub(" ", text.casefold()).split())


_OWNER_NOISE = frozenset(
    {"og", "i", "samarbeid", "med", "kommune", "kommunene", "hf", "ved", "for", "the", "and"}
)


def _owner_words(text: str) -> set[str]:
    return {w for w in name_key(text).split() if w not in _OWNER_NOISE and len(w) > 1}


def owners_compatible(
    old: str, new: str, old_munis: Sequence[str] = (), new_munis: Sequence[str] = ()
) -> bool:
    """Whether two owner fields can be the same application's: one is empty, they share a
    name, or the municipalities overlap."""
    a, b = _owner_words(old), _owner_words(new)
    if not a or not b or a & b:
        return True
    return bool({m.casefold() for m in old_munis} & {m.casefold() for m in new_munis})
