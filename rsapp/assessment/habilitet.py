"""Possible conflicts of interest (habilitet, forvaltningsloven § 6): flags, never decisions.

rsapp flags a possible conflict when an assessor is **named in the application** (as a contact,
an owner, a reference person …) or has **declared a tie** (board seat, leadership role, project
role, family) to one of its owners, municipalities or hospital trust, to a person it names, or
to the application itself. The committee decides; rsapp records the decision, and an assessor
decided *inhabil* is left out of that application's averages and named in the case document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rsapp.assessment.text import ApplicationText, Evidence, find
from rsapp.vocab import TIE_KIND_LABELS

# Fields where a person or organisation tied to the application is named.
PARTY_FIELDS: tuple[str, ...] = ("owners", "hospital_trust", "contact_municipal", "contact_trust", "name")
# Words that say what kind of organisation a name is; left out when matching a tie to an owner.
_ORGANISATION_WORDS = re.compile(
    r"(?<!\w)(kommune|kommunes|kommunen|hf|helseforetak|helseforetaket|rhf|as|sa|iks)(?!\w)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    role: str = ""
    organisation: str = ""


@dataclass(frozen=True, slots=True)
class Tie:
    id: int
    assessor_id: int
    kind: str
    counterpart: str = ""
    application_id: int | None = None
    description: str = ""

    def label(self) -> str:
        """E.g. "rolle i prosjektet (Vefsn kommune, styringsgruppe)"."""
        kind = TIE_KIND_LABELS.get(self.kind, self.kind).lower() or "tilknytning"
        extra = ", ".join(x for x in (self.counterpart, self.description) if x)
        return f"{kind} ({extra})" if extra else kind


@dataclass(frozen=True, slots=True)
class ConflictFlag:
    """A possible conflict between one assessor and one application, and why it was raised."""

    assessor_id: int
    assessor_name: str
    application_id: int
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...] = field(default=())

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)


def _core(name: str) -> str:
    """ "Vefsn kommune" -> "vefsn"; "Helgelandssykehuset HF" -> "helgelandssykehuset"."""
    return " ".join(_ORGANISATION_WORDS.sub(" ", name).split()).casefold()


@lru_cache(maxsize=1024)
def _phrase(text: str) -> re.Pattern[str] | None:
    core = " ".join(text.split())
    if len(core) < 3:
        return None
    return re.compile(r"(?<!\w)" + re.escape(core).replace(r"\ ", r"\s+") + r"(?!\w)", re.IGNORECASE)


def _parties(doc: ApplicationText) -> list[Evidence]:
    out: list[Evidence] = []
    for name in PARTY_FIELDS:
        out += doc.field_sentences(name)
    if doc.municipalities:
        out.append(Evidence("municipalities", 1, ", ".join(doc.municipalities)))
    return out


def flag(person: Person, ties: Sequence[Tie], doc: ApplicationText) -> ConflictFlag | None:
    """The possible conflict of one person with one application, or None."""
    reasons: list[str] = []
    evidence: list[Evidence] = []
    parties = _parties(doc)
    full_name = " ".join(person.name.split())
    if len(full_name) >= 3:
        named = [s for s, _ in find([full_name], parties)]
        named += [s for s, _ in doc.find([full_name]) if s.field not in PARTY_FIELDS]
        if named:
            reasons.append(f"{person.name} er nevnt i søknaden.")
            evidence += named[:3]
    for tie in ties:
        if tie.assessor_id != person.id:
            continue
        if tie.application_id is not None and tie.application_id == doc.id:
            reasons.append(f"{person.name} har erklært {tie.label()} i dette prosjektet.")
            continue
        if not tie.counterpart.strip():
            continue
        pattern = _phrase(_core(tie.counterpart)) or _phrase(tie.counterpart)
        if pattern is None:
            continue
        hits = [s for s in parties if pattern.search(s.text)]
        if hits:
            reasons.append(
                f"{person.name} har erklært {tie.label()}; {tie.counterpart} er part i søknaden"
                f" ({hits[0].label.lower()})."
            )
            evidence += hits[:2]
    if not reasons:
        return None
    unique = tuple(dict.fromkeys(reasons))
    return ConflictFlag(person.id, person.name, doc.id, unique, tuple(dict.fromkeys(evidence))[:5])


def flags(people: Iterable[Person], ties: Sequence[Tie], doc: ApplicationText) -> list[ConflictFlag]:
    """Every possible conflict with one application, in the order of `people`."""
    out = []
    for person in people:
        found = flag(person, ties, doc)
        if found is not None:
            out.append(found)
    return out
