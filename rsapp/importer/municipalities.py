"""The municipalities named in the *Kommune(r)* field, against the built-in list.

Known names are found in the order written; "alle kommunene på Helgeland" means every
municipality of that helsefellesskap; a capitalised name that is not known is reported as new
(it is added on import). Words that name a hospital, a county or a region are not municipalities.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache

__all__ = ["known_municipalities", "municipalities_in"]


@lru_cache(maxsize=1)
def _builtin_municipalities() -> tuple[tuple[str, str], ...]:
    from rsapp.config import builtin_data_dir

    try:
        with (builtin_data_dir() / "municipalities.toml").open("rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return ()
    return tuple((name, hf) for hf, section in doc.items() for name in section.get("municipalities", []))


def known_municipalities() -> dict[str, str]:
    """Municipality name -> helsefellesskap key, from the built-in data (in data order)."""
    return dict(_builtin_municipalities())


_HF_WORDS = {
    "helgeland": "helgeland",
    "troms": "troms-ofoten",
    "ofoten": "troms-ofoten",
    "finnmark": "finnmark",
    "lofoten": "lofoten-vesteralen-salten",
    "vesterålen": "lofoten-vesteralen-salten",
    "salten": "lofoten-vesteralen-salten",
}
_ALL_MUNICIPALITIES = re.compile(r"\balle\s+(?:\d+\s+)?kommunene\b", re.IGNORECASE)
_SPLIT = re.compile(r",|;|/|&|\n|\bog\b|\bsamt\b|\bi\s+samarbeid\s+med\b", re.IGNORECASE)
_NOT_A_MUNICIPALITY = re.compile(r"sykehus|helse|\bHF\b|\bUNN\b|fylke|region|\balle\b", re.IGNORECASE)
_NOISE = re.compile(r"\b(?:kommuner?|kommunene|kommune®)\b", re.IGNORECASE)


@lru_cache(maxsize=512)
def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE)


def municipalities_in(text: str, known: dict[str, str]) -> tuple[list[str], list[str]]:
    """(known names found in order, names not known) from the Kommune(r) field."""
    if not text.strip():
        return [], []
    if _ALL_MUNICIPALITIES.search(text):
        lowered = text.lower()
        hf = next((key for word, key in _HF_WORDS.items() if word in lowered), None)
        if hf is not None:
            return [name for name, key in known.items() if key == hf], []
    found: list[tuple[int, str]] = []
    unknown: list[tuple[int, str]] = []
    position = 0
    lowered_text = text.lower()
    candidates = [name for name in known if name.lower() in lowered_text]
    for part in _SPLIT.split(text):
        hits = []
        for name in candidates:
            hit = _name_pattern(name).search(part)
            if hit:
                hits.append((position + hit.start(), name))
        if hits:
            found += hits
        else:
            words = _NOISE.sub(" ", part).split()
            name = " ".join(words).strip(" .:*_")
            if (
                1 <= len(words) <= 3
                and all(w[:1].isupper() for w in words)
                and len(name) <= 40
                and not _NOT_A_MUNICIPALITY.search(name)
            ):
                unknown.append((position, name))
        position += len(part) + 1
    names: list[str] = []
    for _, name in sorted(found):
        if name not in names:
            names.append(name)
    new: list[str] = []
    for _, name in sorted(unknown):
        if name not in new and name not in names:
            new.append(name)
    return names, new
