"""Suggestion rules: plain, explainable rules that propose an answer from an application's text.

Each rule reads an :class:`~rsapp.assessment.text.ApplicationText` and a catalogue item and
returns a :class:`Suggestion`: the proposed answer, a one-line Norwegian reason saying what the
rule found, and the sentences that support it, each with its field and line. No model, no
network; a suggestion is never an answer until a person confirms or changes it.

The rules (named by the catalogue's ``rule``):

* ``varighet``      – length of the period (dates, or "over fem år", "18 måneder") against the
  call's maximum, and a sentence on becoming ordinary operation;
* ``avtale``        – the agreement field: a date, or "vedlagt"; other mentions of an agreement;
* ``involvering``   – users, tillitsvalgte and vernetjenesten in the involvement section: which
  are named and which are missing;
* ``ordinaer_drift``– what the budget pays for: project work, or words that point to running costs;
* ``digital``       – digital measures, and whether the e-health strategy and Normen are named;
* ``budsjett``      – amounts in the budget, or a budget said to be attached;
* ``kommuner``      – the number of municipalities;
* ``nokkelord``     – the item's words anywhere in the text (Sami patients, rehabilitation, …).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rsapp.assessment.catalogue import Catalogue, Item
from rsapp.assessment.scores import KRAV_MET, KRAV_NOT_MET, KRAV_UNCLEAR
from rsapp.assessment.text import ApplicationText, Evidence, find, word_matcher

MAX_EVIDENCE = 5


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What a rule proposes for one item, and why."""

    item_key: str
    answer: str | None  # a stored answer value; None: the rule has nothing to propose
    reason: str
    evidence: tuple[Evidence, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)


Rule = Callable[[Item, ApplicationText], Suggestion]


def suggest(item: Item, doc: ApplicationText) -> Suggestion:
    """The suggestion for one item (an item without a rule gets none)."""
    rule = RULES.get(item.rule)
    if rule is None:
        return Suggestion(item.key, None, "Ingen regel for dette punktet: vurder det selv.")
    return rule(item, doc)


def suggest_all(catalogue: Catalogue | Sequence[Item], doc: ApplicationText) -> dict[str, Suggestion]:
    """Suggestions for every item, by item key."""
    items = catalogue.items if isinstance(catalogue, Catalogue) else catalogue
    return {item.key: suggest(item, doc) for item in items}


# --- helpers --------------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "ett": 1,
    "en": 1,
    "to": 2,
    "tre": 3,
    "fire": 4,
    "fem": 5,
    "seks": 6,
    "sju": 7,
    "syv": 7,
    "åtte": 8,
    "ni": 9,
    "ti": 10,
    "tolv": 12,
    "atten": 18,
    "tjuefire": 24,
    "trettiseks": 36,
}
_NUM = r"(\d{1,2}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_DURATION = re.compile(
    r"(?<!\w)(?:over|i|på|for|periode på|varighet på|prosjektperiode på)\s+(?:en\s+periode\s+på\s+)?"
    + _NUM
    + r"\s*(år|måneder|mnd)(?!\s+siden)(?!\w)"
    + r"|(?<!\w)"
    + r"(to|tre|fire|fem|\d)-?årig\w*",
    re.IGNORECASE,
)
_UNITS = ("år", "måneder", "mnd", "årig")
_AGE_CONTEXT = re.compile(r"(person\w*|alder\w*|eldre|gaml\w*|aldersgrupp\w*|barn|unge)\s+\S*\s*$")
MAX_PLAUSIBLE_MONTHS = 120  # a period longer than ten years is read as something else (an age)
_DATE = re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{4}|\d{2})\b")
_ATTACHED = re.compile(r"(?<!\w)(vedlagt\w*|vedlegg\w*|legges ved|lagt ved|ligger ved)", re.IGNORECASE)
_NOT_RELEVANT_TEXT = re.compile(r"^\s*(ikke relevant|ikke aktuelt|n/a|-)\s*\.?\s*$", re.IGNORECASE)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBER_WORDS[text.casefold()]


def months_between(start: Any, end: Any) -> int:
    """Whole months from start to end, both days included (1.4.2025–31.3.2028 -> 36)."""
    return round(((end - start).days + 1) / 30.4375)


def format_months(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return f"{years} år"
    if months > 12:
        return f"{months} måneder (ca. {months / 12:.1f} år)".replace(".", ",").replace("ca,", "ca.")
    return f"{months} måneder"


def _first(evidence: Iterable[Evidence], limit: int = MAX_EVIDENCE) -> tuple[Evidence, ...]:
    out: list[Evidence] = []
    seen: set[tuple[str, int, str]] = set()
    for e in evidence:
        key = (e.field, e.line, e.text)
        if key in seen:
            continue
        seen.add(key)
        out.append(e)
        if len(out) >= limit:
            break
    return tuple(out)


def _join(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]


def _sentences(count: int) -> str:
    return "1 setning" if count == 1 else f"{count} setninger"


def _is_empty(text: str) -> bool:
    return not text.strip() or bool(_NOT_RELEVANT_TEXT.match(text))


# --- krav -----------------------------------------------------------------------------------------


def _durations(doc: ApplicationText) -> list[tuple[Evidence, int]]:
    """Sentences that give a length ("over fem år", "i 18 måneder", "treårig"), in months.

    Looks only around the words år/måneder/mnd/-årig, found through the text's index."""
    index = doc._text_index()
    out: list[tuple[Evidence, int]] = []
    seen: set[tuple[str, int, str]] = set()
    low = index.low or index.blob.lower()
    positions = sorted(
        {
            p
            for unit in _UNITS
            for p in index.positions(unit)
            if unit == "årig"
            or ((p == 0 or not low[p - 1].isalnum()) and not low[p + len(unit) : p + len(unit) + 1].isalnum())
        }
    )
    for position in positions:
        window_start = max(0, position - 48)
        window = index.blob[window_start : position + 12]
        for match in _DURATION.finditer(window):
            if not (match.start() <= position - window_start <= match.end()):
                continue
            if match.group(1):
                count = _number(match.group(1))
                unit_months = 12 if match.group(2).casefold() == "år" else 1
            else:
                count, unit_months = _number(match.group(3)), 12
            before = window[max(0, match.start() - 25) : match.start()].casefold()
            if count * unit_months > MAX_PLAUSIBLE_MONTHS or _AGE_CONTEXT.search(before):
                continue  # "personer over 80 år" is an age, not a period
            evidence = index.evidence_at(window_start + match.start())
            if evidence is None:
                continue
            key = (evidence.field, evidence.line, evidence.text)
            if key not in seen:
                seen.add(key)
                out.append((evidence, count * unit_months))
            break
    return out


def rule_duration(item: Item, doc: ApplicationText) -> Suggestion:
    max_years = int(item.params.get("max_years", 5))
    months: int | None = None
    evidence: list[Evidence] = []
    how = ""
    if doc.period_start and doc.period_end and doc.period_end > doc.period_start:
        months = months_between(doc.period_start, doc.period_end)
        evidence += doc.field_sentences("period_text")[:1]
        if not evidence:
            from rsapp.dates import format_date

            evidence.append(
                Evidence("period", 1, f"{format_date(doc.period_start)}–{format_date(doc.period_end)}")
            )
        how = "perioden"
    found = _durations(doc)
    if months is None and found:
        months = max(m for _, m in found)
        how = "teksten"
    evidence += [s for s, m in found if m == months][:2]
    operation = doc.find(item.words)
    evidence += [s for s, _ in operation[:2]]
    facts: dict[str, Any] = {"months": months, "ordinary_operation": bool(operation)}
    limit = f"{max_years} år"
    if months is None:
        return Suggestion(
            item.key,
            KRAV_UNCLEAR,
            "Fant ingen periode eller varighet i søknaden."
            + (" Den omtaler videre drift." if operation else ""),
            _first(evidence),
            facts,
        )
    length = format_months(months)
    if months > max_years * 12:
        return Suggestion(
            item.key,
            KRAV_NOT_MET,
            f"Varigheten er {length} (fra {how}), mer enn utlysningens maksimum på {limit}.",
            _first(evidence),
            facts,
        )
    if not operation:
        return Suggestion(
            item.key,
            KRAV_UNCLEAR,
            f"Varigheten er {length} (fra {how}), innenfor {limit}, men søknaden sier ikke hvordan "
            "tiltaket skal gå over i ordinær drift.",
            _first(evidence),
            facts,
        )
    return Suggestion(
        item.key,
        KRAV_MET,
        f"Varigheten er {length} (fra {how}), innenfor {limit}, og søknaden omtaler videre drift.",
        _first(evidence),
        facts,
    )


def rule_agreement(item: Item, doc: ApplicationText) -> Suggestion:
    from rsapp.dates import format_date

    text = doc.text("agreement_text").strip()
    own = doc.field_sentences("agreement_text")
    elsewhere = [s for s, _ in doc.find(item.words) if s.field != "agreement_text"]
    facts: dict[str, Any] = {"date": doc.agreement_date, "attached": False}
    if text:
        date_match = _DATE.search(text)
        if doc.agreement_date or date_match:
            when = format_date(doc.agreement_date) if doc.agreement_date else date_match.group(0)  # type: ignore[union-attr]
            return Suggestion(
                item.key,
                KRAV_MET,
                f"Avtalen om felles søknad er datert {when}.",
                _first([*own, *elsewhere]),
                facts,
            )
        if _ATTACHED.search(text):
            facts["attached"] = True
            return Suggestion(
                item.key,
                KRAV_MET,
                f"Avtalen oppgis som vedlagt («{' '.join(text.split())}»), uten dato: kontroller vedlegget.",
                _first([*own, *elsewhere]),
                facts,
            )
        return Suggestion(
            item.key,
            KRAV_UNCLEAR,
            "Feltet om signert avtale har tekst, men verken dato eller vedlegg.",
            _first([*own, *elsewhere]),
            facts,
        )
    if elsewhere:
        return Suggestion(
            item.key,
            KRAV_UNCLEAR,
            "Feltet «Dato for signert avtale» er tomt, men søknaden nevner en avtale andre steder.",
            _first(elsewhere),
            facts,
        )
    return Suggestion(
        item.key,
        KRAV_UNCLEAR,
        "Feltet «Dato for signert avtale» er tomt, og søknaden nevner ingen avtale mellom kommune og helseforetak.",
        (),
        facts,
    )


def rule_involvement(item: Item, doc: ApplicationText) -> Suggestion:
    groups = item.groups
    own = doc.sentences(["involvement"])
    found: dict[str, list[Evidence]] = {}
    for name, words in groups.items():
        hits = [s for s, _ in find(words, own)]
        if hits:
            found[name] = hits
    missing = [name for name in groups if name not in found]
    evidence = [e for hits in found.values() for e in hits]
    facts: dict[str, Any] = {"named": list(found), "missing": missing}
    if not own:
        return Suggestion(
            item.key,
            KRAV_NOT_MET,
            "Feltet «Involvering av brukere, tillitsvalgte og vernetjenesten» er tomt.",
            (),
            facts,
        )
    if not missing:
        return Suggestion(
            item.key,
            KRAV_MET,
            f"Involveringen nevner {_join(list(found))}.",
            _first(evidence),
            facts,
        )
    elsewhere = {name: [s for s, _ in doc.find(groups[name]) if s.field != "involvement"] for name in missing}
    elsewhere = {name: hits for name, hits in elsewhere.items() if hits}
    facts["elsewhere"] = list(elsewhere)
    named = (
        f"Involveringen nevner {_join(list(found))}, men ikke {_join(missing)}."
        if found
        else (f"Involveringen nevner verken {_join(missing).replace(' og ', ' eller ')}.")
    )
    if elsewhere:
        return Suggestion(
            item.key,
            KRAV_UNCLEAR,
            named + f" {_join(list(elsewhere)).capitalize()} nevnes andre steder i søknaden.",
            _first([*evidence, *(h[0] for h in elsewhere.values())]),
            facts,
        )
    return Suggestion(item.key, KRAV_NOT_MET, named, _first(evidence or own[:2]), facts)


def rule_ordinary_operation(item: Item, doc: ApplicationText) -> Suggestion:
    budget = doc.sentences(["budget_text"])
    running = find(item.groups.get("drift", []), budget)
    project = find(item.words, budget)
    facts: dict[str, Any] = {"running": [w for _, w in running], "project": [w for _, w in project]}
    if running:
        words = _join(sorted({w.casefold() for _, w in running}))
        return Suggestion(
            item.key,
            KRAV_UNCLEAR,
            f"Budsjettet nevner {words}: kontroller at midlene ikke går til det som er ordinær drift i dag.",
            _first([s for s, _ in running] + [s for s, _ in project]),
            facts,
        )
    if project:
        words = _join(sorted({w.casefold() for _, w in project})[:4])
        return Suggestion(
            item.key,
            KRAV_MET,
            f"Midlene går til prosjektarbeid ({words}), ikke til dagens drift.",
            _first(s for s, _ in project),
            facts,
        )
    if not budget:
        return Suggestion(
            item.key,
            KRAV_UNCLEAR,
            "Budsjettfeltet er tomt: søknaden sier ikke hva midlene skal brukes til.",
            (),
            facts,
        )
    return Suggestion(
        item.key,
        KRAV_UNCLEAR,
        "Budsjettet sier ikke tydelig om midlene går til nytt prosjektarbeid eller til drift.",
        _first(budget[:2]),
        facts,
    )


def rule_digital(item: Item, doc: ApplicationText) -> Suggestion:
    own_text = doc.text("digital")
    own = doc.sentences(["digital"])
    groups = item.groups
    if _is_empty(own_text):
        mentions = doc.find(item.words)
        facts: dict[str, Any] = {"digital": bool(mentions), "missing": []}
        said = f" (feltet sier «{' '.join(own_text.split())}»)" if own_text.strip() else ""
        if not mentions:
            return Suggestion(
                item.key,
                KRAV_MET,
                f"Søknaden beskriver ingen digitale tiltak{said}; kravet gjelder der det er relevant.",
                _first(own),
                facts,
            )
        return Suggestion(
            item.key,
            KRAV_UNCLEAR,
            f"Feltet om digitale løsninger er tomt{said}, men søknaden nevner digitale tiltak.",
            _first([*own, *(s for s, _ in mentions)], 3),
            facts,
        )
    named = {name: find(words, own) or doc.find(words) for name, words in groups.items()}
    missing = [name for name, hits in named.items() if not hits]
    evidence = [s for hits in named.values() for s, _ in hits[:2]]
    labels = {"strategi": "Nasjonal e-helsestrategi", "normen": "Normen (informasjonssikkerhet)"}
    facts = {"digital": True, "missing": missing}
    if not missing:
        return Suggestion(
            item.key,
            KRAV_MET,
            "De digitale tiltakene knyttes til nasjonal strategi og til Normen/nasjonale standarder.",
            _first(evidence),
            facts,
        )
    return Suggestion(
        item.key,
        KRAV_UNCLEAR,
        f"Søknaden har digitale tiltak, men nevner ikke {_join([labels.get(m, m) for m in missing])}.",
        _first(evidence or own[:2]),
        facts,
    )


def rule_budget(item: Item, doc: ApplicationText) -> Suggestion:
    from rsapp.money import format_kr

    stated = [b for b in doc.budget if b.amount is not None]
    budget = doc.sentences(["budget_text"])
    facts: dict[str, Any] = {"lines": len(stated), "attached": False}
    if stated:
        evidence: list[Evidence] = []
        for b in stated:
            quoted = [s for s in budget if b.source_phrase and b.source_phrase in s.text]
            evidence += quoted[:1] or [
                Evidence("budget_line", b.position + 1, f"{b.purpose}: {b.source_phrase}".strip(": "))
            ]
        total = sum(b.amount for b in stated if b.amount is not None)
        return Suggestion(
            item.key,
            KRAV_MET,
            f"Budsjettet har {len(stated)} beløp, til sammen {format_kr(total)}.",
            _first(evidence),
            facts,
        )
    attached = doc.find(item.words) or [
        (s, "") for s in budget if _ATTACHED.search(s.text) and "budsjett" in s.text.casefold()
    ]
    if attached:
        facts["attached"] = True
        return Suggestion(
            item.key,
            KRAV_MET,
            "Søknaden har ingen beløp i skjemaet, men sier at budsjettet er vedlagt: kontroller vedlegget.",
            _first(s for s, _ in attached),
            facts,
        )
    if budget:
        return Suggestion(
            item.key,
            KRAV_UNCLEAR,
            "Budsjettfeltet har tekst, men ingen beløp og ikke noe vedlagt budsjett.",
            _first(budget[:2]),
            facts,
        )
    return Suggestion(item.key, KRAV_NOT_MET, "Søknaden har ikke noe budsjett.", (), facts)


# --- criteria and priorities ----------------------------------------------------------------------


def _score_for_mentions(count: int) -> str:
    if count <= 0:
        return "0"
    if count <= 2:
        return str(count)
    return "3" if count <= 4 else "4"


def rule_municipalities(item: Item, doc: ApplicationText) -> Suggestion:
    names = list(doc.municipalities)
    n = len(names)
    evidence: list[Evidence] = []
    if names:
        evidence.append(
            Evidence("municipalities", 1, ", ".join(names), doc.sources.get("municipalities", ""))
        )
    evidence += doc.field_sentences("owners")[:1]
    mentions = doc.find(item.words)
    evidence += [s for s, _ in mentions[:2]]
    facts: dict[str, Any] = {"municipalities": n, "names": names}
    if n >= 10:
        score = "5"
    elif n >= 5:
        score = "4"
    elif n >= 3:
        score = "3"
    elif n == 2:
        score = "2"
    else:
        score = "1" if mentions else "0"
    if n == 0:
        reason = "Søknaden nevner ingen kommune."
    elif n == 1:
        reason = f"Søknaden har én kommune ({names[0]})" + (
            ", men omtaler interkommunalt samarbeid." if mentions else "."
        )
    else:
        reason = f"Søknaden har {n} kommuner: {_join(names)}."
    reason += f" Forslag {score} (1 kommune: 0, 2: 2, 3–4: 3, 5–9: 4, 10 eller flere: 5)."
    return Suggestion(item.key, score, reason, _first(evidence), facts)


def rule_keywords(item: Item, doc: ApplicationText) -> Suggestion:
    groups = item.groups or ({item.title: item.words} if item.words else {})
    matched: dict[str, list[Evidence]] = {}
    for name, words in groups.items():
        hits = [s for s, _ in doc.find(words)]
        if hits:
            matched[name] = hits
    every = list({(e.field, e.line, e.text): e for hits in matched.values() for e in hits}.values())
    # One sentence per matched group first, then the rest in the form's order.
    first_of_each = [hits[0] for hits in matched.values()]
    evidence = _first([*first_of_each, *every])
    facts: dict[str, Any] = {"matched": list(matched), "sentences": len(every)}
    with_groups = bool(item.groups) and len(groups) > 1
    what = f" ({_join(list(matched))})" if with_groups and matched else ""
    if item.kind == "prioritert":
        if matched:
            return Suggestion(
                item.key, "ja", f"Søknaden omtaler dette{what}: {_sentences(len(every))}.", evidence, facts
            )
        return Suggestion(item.key, "nei", "Fant ingen omtale i søknaden.", (), facts)
    if item.kind == "krav":
        answer = KRAV_MET if matched else KRAV_UNCLEAR
        return Suggestion(
            item.key, answer, f"{_sentences(len(every))} omtaler kravet{what}.", evidence, facts
        )
    score = _score_for_mentions(len(every))
    if not matched:
        return Suggestion(
            item.key,
            score,
            "Fant ingen omtale i søknaden: forslag 0, eller «ikke relevant» om kriteriet ikke gjelder tiltaket.",
            (),
            facts,
        )
    return Suggestion(
        item.key,
        score,
        f"{_sentences(len(every))} omtaler kriteriet{what}. Forslaget {score} teller bare omtaler "
        "(1–2 setninger: 1–2, 3–4: 3, flere: 4); vurder innholdet.",
        evidence,
        facts,
    )


RULES: dict[str, Rule] = {
    "varighet": rule_duration,
    "avtale": rule_agreement,
    "involvering": rule_involvement,
    "ordinaer_drift": rule_ordinary_operation,
    "digital": rule_digital,
    "budsjett": rule_budget,
    "kommuner": rule_municipalities,
    "nokkelord": rule_keywords,
}

__all__ = ["RULES", "Suggestion", "suggest", "suggest_all", "word_matcher"]
