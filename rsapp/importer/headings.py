"""The fifteen headings of Helse Nord's application form (DOMAIN.md §4) as tolerant patterns.

A heading is found at the start of a line even when it is broken over several lines,
decorated by Markdown (``#``, ``**``, ``*``), misread by OCR (``Kommune®``), or followed by
its value on the same line. :func:`match_heading` returns which field starts and where its
value begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "HeadingSpec",
    "HEADINGS",
    "FIELD_LABELS",
    "SHORT_LABELS",
    "REQUIRED_FIELDS",
    "HeadingMatch",
    "match_heading",
    "WINDOW",
]

# Between the words of a heading: spaces, line breaks, and Markdown emphasis.
_SEP = r"[\s*_]+"
# Before a heading: indentation, Markdown heading marks, emphasis, a list number.
_PREFIX = r"[ \t>]*(?:#{1,6}[ \t]*)?(?:[*_]{1,3}[ \t]*)?(?:\d{1,2}[.)][ \t]+)?(?:[*_]{1,3}[ \t]*)?"
# After a heading: "(ved relevans)", emphasis, "?", ":", an ellipsis up to the end of the question.
_SUFFIX = r"(?:\s*\(ved\s+relevans\))?(?:[ \t]*(?:…|\.\.\.)[^\n]*?[?:])?[ \t*_]*[?:]*[ \t*_]*[?:]*"
# What may follow a heading: a colon or question mark (consumed above), end of line, or (long
# headings only) the form's help text in parentheses.
_END_SHORT = r"(?=[ \t*_]*$)|(?<=[?:])"
_END_LONG = r"(?=[ \t*_]*(?:$|\())|(?<=[?:])"


def _word(token: str) -> str:
    """A heading word; "/" may have spaces around it, "(r)" and "(e)" are optional endings."""
    out = re.escape(token)
    out = out.replace("/", r"\s*/\s*")
    return out


def _joined(tokens: list[str]) -> str:
    out = ""
    for i, token in enumerate(tokens):
        if i and not token.startswith(("/", ",")):
            out += _SEP
        out += _word(token)
    return out


def _sequence(required: str, optional: str = "") -> str:
    """Required words, then an optional tail matched as far as it goes (nested optionals).

    A token starting with "/" or "," attaches to the previous word without a space.
    """
    pattern = _joined(required.split())
    opt = ""
    for token in reversed(optional.split()):
        sep = "" if token.startswith(("/", ",")) else _SEP
        opt = f"(?:{sep}{_word(token)}{opt})?"
    return pattern + opt


@dataclass(frozen=True, slots=True)
class HeadingSpec:
    key: str  # Application column, or "municipalities"
    label: str  # as shown to the user (Norwegian)
    pattern: re.Pattern[str]
    short: bool  # a short field (names, dates) rather than free text
    loose: re.Pattern[str]  # the heading at the start, whatever follows (a form table's label cell)
    inline: re.Pattern[str]  # the heading, a space and a value beginning with a capital or digit


def _spec(key: str, label: str, *alternatives: str, short: bool = False) -> HeadingSpec:
    body = "|".join(f"(?:{a})" for a in alternatives)
    end = _END_SHORT if short else _END_LONG
    flags = re.IGNORECASE | re.MULTILINE
    pattern = re.compile(rf"{_PREFIX}(?:{body}){_SUFFIX}(?:{end})", flags)
    loose = re.compile(rf"{_PREFIX}(?:{body}){_SUFFIX}(?![^\W_])", flags)
    inline = re.compile(rf"{_PREFIX}(?:{body}){_SUFFIX}(?<![?:])[ \t]+(?=(?-i:[A-ZÆØÅ0-9«\"“]))", flags)
    return HeadingSpec(key, label, pattern, short, loose, inline)


HEADINGS: tuple[HeadingSpec, ...] = (
    _spec(
        "name", "Navn på prosjekt/pilot", _sequence("navn på prosjekt", "/pilot"), r"prosjektnavn", short=True
    ),
    _spec("owners", "Prosjekteiere", r"prosjekteiere?", short=True),
    _spec(
        "municipalities",
        "Kommune(r)",
        r"kommune(?:[ \t]*\((?:r|er)\)|®|r|\(r|[ \t]*\(r\))?(?![\w(])",
        short=True,
    ),
    _spec("contact_municipal", "Kontaktperson(er)", r"kontaktperson(?:[ \t]*\(er\)|er)", short=True),
    _spec("hospital_trust", "Helseforetak", r"helseforetak(?![\w(])", short=True),
    _spec("contact_trust", "Kontaktperson", r"kontaktperson(?![\w(])", short=True),
    _spec(
        "agreement_text",
        "Dato for signert avtale om felles søknad",
        _sequence("dato for signert avtale", "om felles søknad (legges ved)"),
        short=True,
    ),
    _spec(
        "description",
        "Kort beskrivelse av prosjektet/piloten",
        _sequence("kort beskrivelse av prosjektet", "/piloten"),
    ),
    _spec(
        "benefit",
        "Hvilken nytte forventes av prosjektet/piloten?",
        _sequence("hvilken nytte forventes", "av prosjektet /piloten"),
    ),
    _spec(
        "purpose_support",
        "Hvordan støtter tiltaket opp om formålet med tilskuddsordningen?",
        _sequence("beskriv kort hvordan tiltaket støtter", "opp om formålet med tilskuddsordningen"),
        _sequence("hvordan støtter tiltaket opp om formålet", "med tilskuddsordningen"),
    ),
    _spec(
        "budget_text",
        "Budsjett for gjennomføring av prosjekt/pilot",
        _sequence("budsjett for gjennomføring", "av prosjekt /pilot"),
    ),
    _spec(
        "patient_responsibility",
        "Hvem har ansvaret for pasienten(e)?",
        _sequence("hvem har ansvaret for pasienten(e)", "ved gjennomføringen av tiltaket"),
        _sequence("hvem har ansvaret for pasientene", "ved gjennomføringen av tiltaket"),
    ),
    _spec(
        "digital",
        "Innovasjon og implementering av digitale løsninger",
        _sequence(
            "hvordan kan tiltak som omhandler innovasjon",
            "og implementering av digitale løsninger for samhandling lede fram mot felles regionale løsninger på sikt",
        ),
        _sequence("innovasjon og implementering av digitale løsninger"),
    ),
    _spec(
        "project_plan",
        "Prosjektplan, inkludert evalueringspunkter",
        _sequence("prosjektplan, inkludert", "evalueringspunkter"),
        r"prosjektplan(?![\w,])",
    ),
    _spec(
        "involvement",
        "Involvering av brukere, tillitsvalgte og vernetjenesten",
        _sequence("involvering av brukere", ", tillitsvalgte og vernetjenesten"),
    ),
)

FIELD_LABELS: dict[str, str] = {spec.key: spec.label for spec in HEADINGS} | {
    "benefit_table": "Forventet nytte – tabell",
    "risk_table": "Risikotabell",
    "other_text": "Øvrig tekst",
    "period_text": "Periode",
}

# Short labels for tables (CLI, review screen).
SHORT_LABELS: dict[str, str] = {
    "name": "Navn",
    "owners": "Prosjekteiere",
    "municipalities": "Kommuner",
    "contact_municipal": "Kontakt kommune",
    "hospital_trust": "Helseforetak",
    "contact_trust": "Kontakt HF",
    "agreement_text": "Signert avtale",
    "description": "Beskrivelse",
    "benefit": "Nytte",
    "purpose_support": "Støtter formålet",
    "budget_text": "Budsjett",
    "patient_responsibility": "Pasientansvar",
    "digital": "Digitale løsninger",
    "project_plan": "Prosjektplan",
    "involvement": "Involvering",
    "benefit_table": "Nyttetabell",
    "risk_table": "Risikotabell",
    "other_text": "Øvrig tekst",
}

# The fields the call treats as required (DOMAIN.md §5): who applies with whom, the signed
# agreement, what the project is and what it brings (Nytte), the budget, and the involvement
# of users, tillitsvalgte and vernetjenesten. An empty one is a warning before saving.
REQUIRED_FIELDS: tuple[str, ...] = (
    "name",
    "owners",
    "municipalities",
    "hospital_trust",
    "agreement_text",
    "description",
    "benefit",
    "budget_text",
    "involvement",
)

# How many lines a heading may be broken over (a narrow table cell in a PDF breaks the long
# question about digital solutions over six or seven lines).
WINDOW = 8

# First words that can begin a heading: a cheap filter before the regular expressions run.
_FIRST_WORDS = (
    "navn", "prosjektnavn", "prosjekteier", "kommune", "kontaktperson", "helseforetak", "dato", "kort",
    "hvilken", "beskriv", "hvordan", "budsjett", "hvem", "innovasjon", "prosjektplan", "involvering",
)  # fmt: skip
_CONTINUED_MARK = re.compile(r"[ \t>]*#{1,6}[ \t]+")
_LEAD = re.compile(r"[ \t>#*_]*(?:\d{1,2}[.)][ \t]+)?[*_ \t]*([^\W\d_]+)")


@dataclass(frozen=True, slots=True)
class HeadingMatch:
    spec: HeadingSpec
    end_line: int  # index (0-based, relative to the first line given) of the line the heading ends on
    end_column: int  # where the value starts on that line
    colon: bool  # the heading ended with ":" or "?"


def could_be_heading(text: str) -> bool:
    m = _LEAD.match(text)
    return m is not None and m.group(1).lower().startswith(_FIRST_WORDS)


def match_heading(lines: list[str], *, heading: bool = False, loose: bool = False) -> HeadingMatch | None:
    """The heading that starts lines[0], if any; it may continue over the next lines.

    A heading starts with a capital letter (or Markdown decoration, or the line is styled as a
    heading: ``heading``), as on the form; a line in running text that happens to begin with
    "kommuner (…" or "helseforetak" is not one. ``loose`` accepts any text after the heading
    (the label cell of a form laid out as a table, where help text follows the heading).
    """
    if not lines:
        return None
    lead = _LEAD.match(lines[0])
    if lead is None or not lead.group(1).lower().startswith(_FIRST_WORDS):
        return None
    decorated = heading or bool(re.match(r"[ \t>]*[#*_]", lines[0]))
    if not decorated and not lead.group(1)[0].isupper():
        return None
    # A Markdown heading split over several "#" lines ("### Kort beskrivelse av" /
    # "### prosjektet/piloten") is one heading: the marks of the following lines are left out.
    shown = lines[:WINDOW]
    marks = [0] + [len(m.group(0)) if (m := _CONTINUED_MARK.match(x)) else 0 for x in shown[1:]]
    window = "\n".join(x[n:] for x, n in zip(shown, marks, strict=True))
    for spec in HEADINGS:
        m = (spec.loose if loose else spec.pattern).match(window)
        if m is not None:
            return _found(spec, m, window, marks)
    if loose:
        return None
    # "Prosjekteiere Brønnøy kommune": the value on the heading's line without a colon, as a
    # PDF of a form laid out as a table gives it. A long heading must be at least three words.
    for spec in HEADINGS:
        m = spec.inline.match(window)
        if m is not None and (spec.short or len(m.group(0).split()) >= 3):
            return _found(spec, m, window, marks)
    return None


def _found(spec: HeadingSpec, m: re.Match[str], window: str, marks: list[int]) -> HeadingMatch:
    end = m.end()
    before = window[:end]
    line_index = before.count("\n")
    column = end - (before.rfind("\n") + 1) + marks[line_index]
    colon = bool(re.search(r"[?:][ \t*_]*$", before.rstrip(" \t")))
    return HeadingMatch(spec, line_index, column, colon)
