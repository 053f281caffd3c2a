"""The prioritisation case drafted from the round's ledger, and regenerating it without losing edits.

:func:`draft_prioritisation` writes a case in the manner of sak 23-2025. Every amount in it is
read from :func:`rsapp.portfolio.round_allocation` (:mod:`rsapp.allocation`), nothing is summed
or tested here: :func:`compose_prioritisation` only words what the allocation says.

* Innstilling points, in this order: one per decided earmark with its amount per budget year
  ("Kr 500 000 av midlene for 2026 brukes til innkjøp av …"; "innkjøp av …" when the earmark's
  name or purpose says it is a purchase); one per application paid from the local pot (above
  the cut line), with the amount *innstilt* per year (``Row.local``); one listing the
  applications forwarded to Helse Nord, which is ``Allocation.regional`` (the same applications
  and amounts per year as the Excel sheet "Regional liste"); one listing the applications
  neither paid locally nor forwarded; one for applications waiting for an amount (or a pot);
  one per open earmark ("… er ikke avklart og behandles i egen sak"). Where a point draws on
  a year with no confirmed pot it adds "forutsatt at midler for 2027 blir tildelt".
* Saksopplysninger: deadlines, pots, earmarks, "Til fordeling" (herav overført), the ledger per
  budget year (``Allocation.years``: inngående saldo, nye midler bekreftet/antatt, avsatt,
  innstilt, utgående saldo), what is applied for per year, every application with its
  innstilt amounts, the cut line, "igjen" (``Allocation.left``) and what must be settled.
* A vurdering skeleton and the attachments.

:func:`figures_from_markdown` reads these figures back from the rendered Markdown, so a test can
hold the document to the screen, ``rsapp prioriter vis`` and the Excel workbook.

Regeneration compares with baselines, never silently overwriting the user's words:

* each generated point keeps its ``source_key`` and ``generated_text``; a point whose text
  differs from it was edited, and is only changed or deleted when that change is accepted;
* ``Case.generated_fields`` holds each text field as last generated; a field still equal
  to it is updated by default, a field the user edited only when accepted;
* ``Case.dropped_sources`` lists generated points the user deleted; bringing one back
  needs acceptance;
* points the user added (no source key) are never touched.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session

from rsapp.allocation import (
    POSITION_ABOVE,
    POSITION_BELOW,
    POSITION_NO_POT,
    POSITION_UNKNOWN,
    ROUTE_NONE,
    Allocation,
    RegionalItem,
    Row,
    YearLedger,
)
from rsapp.dates import format_date
from rsapp.models import Case, Earmark, Helsefellesskap, InnstillingPoint, Round
from rsapp.money import format_kr_prefix
from rsapp.saksfremlegg import records
from rsapp.saksfremlegg.points import case_points
from rsapp.saksfremlegg.records import CaseError, case_label, editable_case, get_meeting
from rsapp.saksfremlegg.saksliste import new_case
from rsapp.vocab import CASE_KIND_PRIORITISATION as KIND_PRIORITISATION
from rsapp.vocab import CASE_TYPE_DECISION as TYPE_DECISION
from rsapp.vocab import NOT_SETTLED

__all__ = [
    "CHANGE_ADD",
    "CHANGE_EDITED",
    "CHANGE_EDITED_REMOVED",
    "CHANGE_FIELD",
    "CHANGE_FIELD_UPDATE",
    "CHANGE_REMOVE",
    "CHANGE_RESTORE",
    "CHANGE_UPDATE",
    "CaseFigures",
    "Draft",
    "DraftPoint",
    "PointChange",
    "RoundFacts",
    "YearFigures",
    "amounts_text",
    "apply_regeneration",
    "compose_prioritisation",
    "create_prioritisation_case",
    "draft_markdown",
    "draft_prioritisation",
    "figures_from_markdown",
    "kr",
    "line_diff",
    "plan_regeneration",
    "read_amounts_text",
]

#: What a year's money rests on (``YearLedger.basis``).
BASIS_CONFIRMED = "bekreftet"
BASIS_ASSUMED = "antatt"
BASIS_NONE = "ingen pott"
#: The start of the innstilling point that lists the applications forwarded to Helse Nord.
REGIONAL_LEAD = (
    "Følgende søknader oversendes Tildelingsutvalget for rekrutterings- og samhandlingstilskudd i Helse Nord"
)
#: The cut line in the list of applications.
CUT_MARK = "— streken: søknadene under får ikke plass i de bekreftede lokale midlene —"

CHANGE_ADD = "ny"  # a point the data now calls for
CHANGE_UPDATE = "endret"  # an unedited point whose data changed
CHANGE_REMOVE = "fjernet"  # an unedited point the data no longer calls for
CHANGE_EDITED = "redigert"  # a point the user edited whose data changed (needs acceptance)
CHANGE_EDITED_REMOVED = "redigert_fjernet"  # an edited point the data no longer calls for
CHANGE_RESTORE = "gjenopprett"  # a point the user deleted that the data still calls for (needs acceptance)
CHANGE_FIELD_UPDATE = "felt_endret"  # a text field the user has not touched whose data changed
CHANGE_FIELD = "felt"  # a text field the user edited (or of unknown origin) whose data changed
SAFE_CHANGES = frozenset({CHANGE_ADD, CHANGE_UPDATE, CHANGE_REMOVE, CHANGE_FIELD_UPDATE})
CHANGE_LABELS = {
    CHANGE_ADD: "Nytt punkt",
    CHANGE_UPDATE: "Endret punkt",
    CHANGE_REMOVE: "Punkt fjernes",
    CHANGE_EDITED: "Redigert punkt – nye tall",
    CHANGE_EDITED_REMOVED: "Redigert punkt – ikke lenger i dataene",
    CHANGE_RESTORE: "Punkt du slettet – tilbake fra tallene",
    CHANGE_FIELD_UPDATE: "Tekstfelt – nye tall",
    CHANGE_FIELD: "Redigert tekstfelt – nye tall",
}
FIELD_CHANGES = frozenset({CHANGE_FIELD, CHANGE_FIELD_UPDATE})
FIELD_LABELS = {
    "title": "Tittel",
    "saksopplysninger": "Saksopplysninger",
    "vurdering": "Vurdering",
    "attachments": "Vedlegg",
}


@dataclass(frozen=True, slots=True)
class DraftPoint:
    source_key: str  # earmark:ID, application:ID, regional, open:ID
    text: str
    earmark_id: int | None = None
    application_id: int | None = None
    amount: int | None = None


@dataclass(slots=True)
class Draft:
    title: str
    saksopplysninger: str
    vurdering: str
    attachments: str
    points: list[DraftPoint] = field(default_factory=list)

    def fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FIELD_LABELS}


@dataclass(frozen=True, slots=True)
class PointChange:
    """One difference between the case and a fresh draft. ``key`` identifies it for acceptance."""

    key: str  # the point's source key, or "felt:<name>"
    kind: str  # CHANGE_*
    old: str  # current text ("" for a new point)
    new: str  # text after the change ("" for a removal)
    point_id: int | None = None

    @property
    def safe(self) -> bool:
        """Applied by default: it does not overwrite anything the user wrote."""
        return self.kind in SAFE_CHANGES

    @property
    def label(self) -> str:
        if self.kind in FIELD_CHANGES:
            return f"{CHANGE_LABELS[self.kind]}: {FIELD_LABELS[self.key.split(':', 1)[1]]}"
        return CHANGE_LABELS[self.kind]

    def diff(self) -> list[tuple[str, str]]:
        """Only the lines that change: ("-", old line) and ("+", new line); see :func:`line_diff`."""
        return line_diff(self.old, self.new)


def line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The changed lines between two texts, in order: ("-", line) removed, ("+", line) added.

    Unchanged lines are left out; blank lines are ignored, so a paragraph that only moved
    between blank lines does not show. Each block of changes lists its removed lines first.
    """
    before = [line for line in old.splitlines() if line.strip()]
    after = [line for line in new.splitlines() if line.strip()]
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        out.extend(("-", line) for line in before[i1:i2])
        out.extend(("+", line) for line in after[j1:j2])
    return out


# --- wording helpers ------------------------------------------------------------------------


def kr(amount: int) -> str:
    """Mid-sentence amount: "kr 500 000" (non-breaking spaces between the groups)."""
    return "kr" + format_kr_prefix(amount)[2:]


def _lower_first(text: str) -> str:
    """ "Lisens for …" -> "lisens for …", but "DHO-lisens" stays."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _join(items: Sequence[str]) -> str:
    """ "a", "a og b", "a, b og c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def _years_text(years: Iterable[int]) -> str:
    """ "2026", "2025 og 2026", "2026–2030", "2026, 2028 og 2030"."""
    ordered = sorted(set(years))
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}–{ordered[-1]}"
    return _join([str(y) for y in ordered])


def _nonzero(parts: Mapping[int, int]) -> dict[int, int]:
    return {year: amount for year, amount in sorted(parts.items()) if amount}


def amounts_text(parts: Mapping[int, int]) -> str:
    """Amounts per budget year in a sentence; :func:`read_amounts_text` reads it back.

    ``{2026: 3 600 000}`` → "kr 3 600 000 i 2026"; equal amounts → "kr 10 000 000 fordelt med
    kr 2 000 000 per år i 2026–2030"; else "kr 3 000 000 fordelt med kr 1 000 000 i 2026 og
    kr 2 000 000 i 2027". Years with 0 are left out; nothing at all is "kr 0".
    """
    parts = _nonzero(parts)
    if not parts:
        return kr(0)
    if len(parts) == 1:
        ((year, amount),) = parts.items()
        return f"{kr(amount)} i {year}"
    total = sum(parts.values())
    amounts = set(parts.values())
    if len(amounts) == 1:
        return f"{kr(total)} fordelt med {kr(amounts.pop())} per år i {_years_text(parts)}"
    return f"{kr(total)} fordelt med " + _join([f"{kr(a)} i {y}" for y, a in parts.items()])


def _spread_text(parts: Mapping[int, int]) -> str:
    """After a total: " for 2026", " med kr 2 000 000 per år i 2026–2028", ", fordelt med kr 1 i 2026 og …"."""
    parts = _nonzero(parts)
    if not parts:
        return ""
    if len(parts) == 1:
        return f" for {next(iter(parts))}"
    amounts = set(parts.values())
    if len(amounts) == 1:
        return f" med {kr(amounts.pop())} per år i {_years_text(parts)}"
    return ", fordelt med " + _join([f"{kr(a)} i {y}" for y, a in parts.items()])


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# An earmark for something bought ("Lisens for …", "Utstyr til …") reads "brukes til innkjøp av …".
_PURCHASE_NAME = re.compile(r"(lisens|lisenser|programvare|utstyr|abonnement|avtale|system)\b", re.IGNORECASE)
_PURCHASE_PURPOSE = re.compile(r"\b(innkjøp|kjøp|kjøpe|lisens|lisenser|abonnement)\b", re.IGNORECASE)


def _earmark_use(name: str, purpose: str) -> str:
    """What the earmark's money "brukes til": "innkjøp av lisens for …" for a purchase, else the name."""
    use = _lower_first(name.strip())
    if _PURCHASE_NAME.match(name.strip()) or _PURCHASE_PURPOSE.search(purpose or ""):
        return f"innkjøp av {use}"
    return use


# --- what the allocation says about a row or a year -----------------------------------------


def _unconfirmed(allocation: Allocation, years: Iterable[int]) -> list[int]:
    """The years among ``years`` whose money is not confirmed (an assumed pot, or no pot)."""
    out = []
    for year in sorted(set(years)):
        item = allocation.year(year)
        if item is None or item.basis != BASIS_CONFIRMED:
            out.append(year)
    return out


def _condition(allocation: Allocation, years: Iterable[int]) -> str:
    """ ", forutsatt at midler for 2027 blir tildelt" when some of ``years`` rest on no confirmed pot."""
    unconfirmed = _unconfirmed(allocation, years)
    return f", forutsatt at midler for {_years_text(unconfirmed)} blir tildelt" if unconfirmed else ""


def _funded_locally(row: Row) -> bool:
    """Above the line, paid (in part) from the local pot."""
    return row.position == POSITION_ABOVE and bool(row.local)


def _waiting(row: Row, forwarded: set[int]) -> bool:
    """No recommendation yet: the amount or the pot is not stated, and nothing is forwarded."""
    return row.key not in forwarded and not row.local and row.position in (POSITION_UNKNOWN, POSITION_NO_POT)


def _not_prioritised(row: Row, forwarded: set[int]) -> bool:
    """Neither paid locally nor forwarded, and not waiting for an amount or a pot."""
    return not row.local and row.key not in forwarded and not _waiting(row, forwarded)


def _applied_text(row: Row) -> str:
    if row.plan.total is None:
        return "søkt beløp ikke oppgitt"
    return "søkt " + amounts_text(row.plan.applied)


def _forwarded_text(item: RegionalItem, row: Row | None) -> str:
    if item.by_year is None:
        return "beløp ikke oppgitt"
    text = amounts_text(item.by_year)
    if row is not None and row.local:
        text += f"; lokalt innstilt {kr(sum(row.local.values()))}"
    return text


# --- the draft ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoundFacts:
    """What the case needs of a round besides its allocation."""

    name: str
    helsefellesskap: str = "Helsefellesskapet"
    deadline_helsefellesskap: date | None = None
    deadline_helse_nord: date | None = None
    earmark_purposes: Mapping[int, str] = field(default_factory=dict)  # earmark key -> purpose
    # Application key -> the assessment's short text, and who must leave the case (fvl. § 6):
    # rsapp.assessment.reads.assessment_summaries, the figures the lists and the Excel show.
    assessments: Mapping[int, str] = field(default_factory=dict)
    inhabil: Mapping[int, Sequence[str]] = field(default_factory=dict)


def draft_prioritisation(session: Session, round_id: int) -> Draft:
    """The prioritisation case for a round, from :func:`rsapp.portfolio.round_allocation`."""
    from rsapp.assessment.reads import assessment_summaries
    from rsapp.portfolio import round_allocation

    summaries = assessment_summaries(session, round_id)
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise CaseError(f"Fant ingen runde med id {round_id}.")
    hf = session.get(Helsefellesskap, round_.helsefellesskap_id)
    allocation = round_allocation(session, round_id)
    purposes = {
        earmark.key: (getattr(session.get(Earmark, earmark.key), "purpose", "") or "")
        for earmark in allocation.ledger.earmarks
    }
    facts = RoundFacts(
        name=round_.name,
        helsefellesskap=hf.name if hf is not None else "Helsefellesskapet",
        deadline_helsefellesskap=round_.deadline_helsefellesskap,
        deadline_helse_nord=round_.deadline_helse_nord,
        earmark_purposes=purposes,
        assessments={key: s.text for key, s in summaries.items() if s.text},
        inhabil={key: list(s.inhabil) for key, s in summaries.items() if s.inhabil},
    )
    return compose_prioritisation(allocation, facts)


def compose_prioritisation(allocation: Allocation, facts: RoundFacts) -> Draft:
    """The prioritisation case from an allocation alone (no database): see the module docstring."""
    ledger = allocation.ledger
    regional = allocation.regional
    forwarded = {item.key for item in regional}
    rows_by_key = {row.key: row for row in allocation.rows}

    points: list[DraftPoint] = []
    for earmark in ledger.earmarks:
        if earmark.open or earmark.commitment:  # an earlier round's award is not decided again
            continue
        amounts = _nonzero(earmark.amounts)
        if not amounts:
            continue
        total = sum(amounts.values())
        years = list(amounts)
        if len(years) == 1:
            lead = f"{format_kr_prefix(total)} av midlene for {years[0]}"
        else:
            per_year = set(amounts.values())
            detail = (
                f"{kr(per_year.pop())} per år"
                if len(per_year) == 1
                else _join([f"{kr(a)} i {y}" for y, a in amounts.items()])
            )
            lead = f"{format_kr_prefix(total)} av midlene for {_years_text(years)} ({detail})"
        use = _earmark_use(earmark.name, facts.earmark_purposes.get(earmark.key, ""))
        points.append(
            DraftPoint(
                f"earmark:{earmark.key}",
                f"{lead} brukes til {use}{_condition(allocation, years)}.",
                earmark_id=earmark.key,
                amount=total,
            )
        )

    for row in allocation.rows:
        if not _funded_locally(row):
            continue
        local = _nonzero(row.local)
        total = sum(local.values())
        text = (
            f"{format_kr_prefix(total)} av de lokale midlene innstilles til «{row.name}»"
            f"{_spread_text(local)}{_condition(allocation, local)}."
        )
        if row.plan.total is not None and total < row.plan.total:
            text += f" Det er søkt om {kr(row.plan.total)}."
            if row.key in forwarded:
                text += " Resten oversendes den regionale ordningen."
        points.append(DraftPoint(f"application:{row.key}", text, application_id=row.key, amount=total))

    if regional:
        deadline = format_date(facts.deadline_helse_nord)
        when = f" innen {deadline}" if deadline else ""
        lines = [
            f"{index}. {item.name} ({_forwarded_text(item, rows_by_key.get(item.key))})"
            for index, item in enumerate(regional, start=1)
        ]
        points.append(
            DraftPoint(
                "regional",
                f"{REGIONAL_LEAD}{when}, i prioritert rekkefølge:\n" + "\n".join(lines),
            )
        )

    not_prioritised = [row for row in allocation.rows if _not_prioritised(row, forwarded)]
    if not_prioritised:
        lines = [f"- {row.name} ({_applied_text(row)})" for row in not_prioritised]
        points.append(
            DraftPoint(
                "ikke_prioritert",
                "Følgende søknader prioriteres ikke, verken til lokale midler eller til den regionale "
                "ordningen:\n" + "\n".join(lines),
            )
        )

    waiting = [row for row in allocation.rows if _waiting(row, forwarded)]
    if waiting:
        lines = [
            f"- {row.name} ({'søkt beløp ikke oppgitt' if row.position == POSITION_UNKNOWN else 'lokal pott ikke oppgitt'})"
            for row in waiting
        ]
        points.append(
            DraftPoint(
                "avventer",
                "Følgende søknader innstilles ikke før beløpet er avklart:\n" + "\n".join(lines),
            )
        )

    for earmark in ledger.open_earmarks:
        points.append(
            DraftPoint(
                f"open:{earmark.key}",
                f"Finansiering av {_lower_first(earmark.name)} er {NOT_SETTLED} og behandles i egen sak.",
                earmark_id=earmark.key,
            )
        )

    return Draft(
        title=f"{facts.name} – prioritering av lokale midler og søknader til regional ordning",
        saksopplysninger=_saksopplysninger(allocation, facts),
        vurdering=_vurdering(allocation, facts),
        attachments="\n".join(
            [f"Prioriteringsliste {facts.name} (Excel)", *(f"Søknad: {row.name}" for row in allocation.rows)]
        ),
        points=points,
    )


def _applied_by_year(allocation: Allocation) -> dict[int, int]:
    """What the applications ask for, per budget year (their plans, after shifting)."""
    out: dict[int, int] = {}
    for row in allocation.rows:
        for year, amount in row.plan.applied.items():
            out[year] = out.get(year, 0) + amount
    return dict(sorted(out.items()))


def _ledger_line(item: YearLedger, next_year: int | None) -> str:
    """One year of the ledger; :func:`figures_from_markdown` reads it back."""
    money = []
    if item.new_confirmed:
        money.append(f"{kr(item.new_confirmed)} ({BASIS_CONFIRMED})")
    if item.new_assumed:
        money.append(f"{kr(item.new_assumed)} ({BASIS_ASSUMED}, ikke bekreftet)")
    if not money:
        money.append(f"{kr(0)} ({BASIS_NONE})")
    earmarked = f"avsatt {kr(item.earmarked)}"
    if item.open_earmarks:
        earmarked += f" ({NOT_SETTLED}: {_join(item.open_earmarks)})"
    text = (
        f"- {item.budget_year}: inngående saldo {kr(item.opening)} + nye midler {' + '.join(money)}"
        f" − {earmarked} − innstilt {kr(item.recommended)} = utgående saldo {kr(item.closing)}"
    )
    if item.closing < 0:
        text += " (underskudd)"
    elif next_year is not None:
        text += f", overføres til {next_year}"
    return text


def _row_line(allocation: Allocation, row: Row, forwarded: set[int]) -> str:
    """One application in the saksopplysninger: applied and innstilt per year, and where it stands."""
    round_year = allocation.round_year
    text = f"- «{row.name}» (rangering {row.rank}): {_applied_text(row)}"
    flags = []
    if row.plan.shifted_from is not None:
        flags.append(f"planen er forskjøvet fra {row.plan.shifted_from} til {round_year}")
    if row.plan.no_year:
        flags.append(f"{kr(row.plan.no_year)} uten år er ført i {round_year}")
    if flags:
        text += f" ({'; '.join(flags)})"
    if row.local:
        text += f"; innstilt lokalt {amounts_text(row.local)}{_condition(allocation, row.local)}"
    elif row.position == POSITION_UNKNOWN:
        text += "; ingen innstilling før søkt beløp er oppgitt"
    elif row.position == POSITION_NO_POT:
        text += "; ingen innstilling før den lokale potten er oppgitt"
    elif row.position == POSITION_BELOW and row.counts_locally:
        text += "; under streken"
    elif row.route == ROUTE_NONE:
        text += "; ikke prioritert"
    elif row.counts_locally:
        text += f"; innstilt lokalt {kr(0)}"
    if row.key in forwarded:
        text += "; oversendes den regionale ordningen"
    return text


def _saksopplysninger(allocation: Allocation, facts: RoundFacts) -> str:
    ledger = allocation.ledger
    round_year = allocation.round_year
    rows = allocation.rows
    forwarded = {item.key for item in allocation.regional}
    paragraphs = [
        "Rekrutterings- og samhandlingstilskudd, søknadsbasert ordning til Helse Nord, skal vurderes og "
        "prioriteres i det enkelte helsefellesskap før oversendelse til Helse Nord og endelig behandling i "
        "Tildelingsutvalget. Alle søknadene vurderes for både lokalt og regionalt tilskudd."
    ]
    deadlines = []
    if facts.deadline_helsefellesskap:
        deadlines.append(
            f"Søknadsfristen til helsefellesskapet var {format_date(facts.deadline_helsefellesskap)}."
        )
    if facts.deadline_helse_nord:
        deadlines.append(
            "Prioriterte søknader med vedlegg oversendes Tildelingsutvalget for rekrutterings- og "
            f"samhandlingstilskudd i Helse Nord innen {format_date(facts.deadline_helse_nord)}."
        )
    if deadlines:
        paragraphs.append(" ".join(deadlines))

    # The money: pots, earmarks, what is to distribute, and the ledger year by year.
    if ledger.pot_stated:
        lines = []
        for pot in ledger.pots:
            line = f"- {pot.origin or f'Lokal pott {pot.budget_year}'}: {kr(pot.amount)}"
            if not pot.confirmed:
                line += " (ikke bekreftet)"
            elif pot.budget_year > round_year:
                line += f" (bekreftet for {pot.budget_year})"
            lines.append(line)
        paragraphs.append(
            f"{facts.helsefellesskap} har {kr(ledger.pot_total)} i bekreftede lokale midler til og med "
            f"{round_year}:\n" + "\n".join(lines)
        )
    else:
        paragraphs.append(
            f"Den lokale potten for {round_year} er ikke oppgitt. Det kan ikke trekkes noen strek før "
            "potten er lagt inn."
        )
    if ledger.earmarks:
        lines = []
        for earmark in ledger.earmarks:
            if earmark.open:
                lines.append(f"- {earmark.name}: {NOT_SETTLED}")
            else:
                lines.append(f"- {earmark.name}: {amounts_text(earmark.amounts)}")
        lead = "Før søknadene prioriteres er det satt av"
        if ledger.earmarked_total:
            lead += f" {kr(ledger.earmarked_total)} av midlene til og med {round_year}"
        paragraphs.append(f"{lead}:\n" + "\n".join(lines))
    if ledger.pot_stated:
        text = f"Til fordeling på søknader i {round_year}: {kr(ledger.available)}"
        if ledger.carried_in:
            text += f", herav {kr(ledger.carried_in)} overført fra {round_year - 1}"
        paragraphs.append(text + ".")
    years = allocation.years
    if years:
        lines = [
            _ledger_line(item, years[i + 1].budget_year if i + 1 < len(years) else None)
            for i, item in enumerate(years)
        ]
        paragraphs.append(
            "De lokale midlene per budsjettår, med det som er innstilt over streken (utgående saldo "
            "overføres til neste år):\n" + "\n".join(lines)
        )

    # The applications: what is asked for per year, and each one's innstilling.
    applied = _applied_by_year(allocation)
    missing = sum(1 for row in rows if row.plan.total is None)
    text = f"Det er kommet inn {_count(len(rows), 'søknad', 'søknader')}"
    if applied:
        span = _years_text(applied)
        text += f", til sammen {kr(sum(applied.values()))} {'i' if len(applied) == 1 else 'over'} {span}"
    text += "."
    if missing:
        text += f" {_count(missing, 'søknad', 'søknader')} har ikke oppgitt søknadsbeløp."
    if applied:
        in_round_year = applied.get(round_year, 0)
        text += f" For {round_year} søkes det om {kr(in_round_year)}"
        text += f", mot {kr(ledger.available)} til fordeling lokalt." if ledger.pot_stated else "."
        text += " Søkt per budsjettår:\n" + "\n".join(f"- {y}: {kr(a)}" for y, a in applied.items())
    paragraphs.append(text)
    how = []
    if any(row.plan.shifted_from is not None for row in rows):
        how.append(f"planer som starter før {round_year}, forskjøvet slik at de starter i {round_year}")
    if any(row.plan.no_year for row in rows):
        how.append(f"beløp uten år ført i {round_year}")
    if how:
        paragraphs.append("I tallene er " + _join(how) + ".")
    if rows:
        lines = []
        for index, row in enumerate(rows):
            if index == allocation.cut_index:
                lines.append(f"- {CUT_MARK}")
            lines.append(_row_line(allocation, row, forwarded))
        paragraphs.append(
            "Søknadene i prioritert rekkefølge, med innstilt beløp per år:\n" + "\n".join(lines)
        )

    funded = [row for row in rows if _funded_locally(row)]
    recommended = sum(sum(row.local.values()) for row in funded)
    summary = []
    if ledger.pot_stated:
        summary.append(
            f"Med prioriteringen innstilles {kr(recommended)} av de lokale midlene til "
            f"{_count(len(funded), 'søknad', 'søknader')}."
        )
    left = allocation.left
    summary.append(
        f"Igjen i {round_year} etter innstillingen: {kr(left)}."
        if left is not None
        else "Igjen: pott ikke oppgitt."
    )
    if allocation.cut_index is not None:
        cut = rows[allocation.cut_index]
        need = f", som trenger {amounts_text(cut.recommended)}" if cut.recommended else ""
        summary.append(
            f"Streken går foran «{cut.name}» (rangering {cut.rank}){need}: den får ikke plass i de bekreftede "
            "lokale midlene."
        )
    if forwarded:
        summary.append(f"{_count(len(forwarded), 'søknad', 'søknader')} oversendes den regionale ordningen.")
    not_prioritised = sum(1 for row in rows if _not_prioritised(row, forwarded))
    if not_prioritised:
        summary.append(f"{_count(not_prioritised, 'søknad', 'søknader')} prioriteres ikke.")
    paragraphs.append(" ".join(summary))

    notes = []
    for item in years:
        if item.basis == BASIS_CONFIRMED:
            if item.closing < 0:
                notes.append(
                    f"- {item.budget_year}: avsetningene og innstillingene er {kr(-item.closing)} større enn "
                    "det som er til rådighet."
                )
            continue
        bound = item.earmarked + item.recommended
        if not bound:
            continue
        if item.basis == BASIS_ASSUMED:
            notes.append(
                f"- {item.budget_year}: {kr(bound)} er bundet mot en antatt pott ({kr(item.new_assumed)}, "
                "ikke bekreftet)."
            )
        else:
            notes.append(f"- {item.budget_year}: {kr(bound)} er bundet uten pott.")
    if not ledger.pot_stated:
        notes.append(f"- Den lokale potten for {round_year} er ikke oppgitt.")
    notes += [f"- «{row.name}» har ikke oppgitt søknadsbeløp." for row in rows if row.plan.total is None]
    notes += [f"- {earmark.name}: beløpet er {NOT_SETTLED}." for earmark in ledger.open_earmarks]
    if notes:
        paragraphs.append("Forhold som må avklares:\n" + "\n".join(notes))
    return "\n\n".join(paragraphs)


def _vurdering(allocation: Allocation, facts: RoundFacts | None = None) -> str:
    ledger = allocation.ledger
    round_year = allocation.round_year
    applied = _applied_by_year(allocation)
    in_round_year = applied.get(round_year, 0)
    assessed = facts is not None and bool(facts.assessments)
    if facts is not None and facts.assessments:
        paragraphs = _assessment_paragraphs(allocation, facts)
    else:
        paragraphs = ["[Sekretariatets vurdering av søknadene opp mot kravene og kriteriene i utlysningen.]"]
    if ledger.pot_stated and applied and in_round_year > ledger.available:
        paragraphs.append(
            f"Søknadene gjelder {kr(in_round_year)} for {round_year} og {kr(sum(applied.values()))} samlet "
            f"over {_years_text(applied)}, mer enn de {kr(ledger.available)} som er til fordeling lokalt i "
            f"{round_year}. SSU må derfor prioritere mellom søknadene, og vurdere i hvilken grad nye prosjekter "
            "skal prioriteres foran videreføring av eksisterende satsninger."
        )
    paragraphs += [
        f"Finansiering av {_lower_first(earmark.name)} krever særskilt vurdering og behandles i egen sak."
        for earmark in ledger.open_earmarks
    ]
    if not assessed:
        paragraphs.append("[Sekretariatets anbefaling.]")
    return "\n\n".join(paragraphs)


def _assessment_paragraphs(allocation: Allocation, facts: RoundFacts) -> list[str]:
    """The Vurdering drafted from the assessments, application by application in rank order."""
    paragraphs = [
        "Søknadene er vurdert opp mot kravene, de særlig prioriterte tiltakene og kriteriene som "
        "tillegges vekt i utlysningen."
    ]
    waiting = []
    for row in allocation.rows:
        text = facts.assessments.get(row.key)
        if text:
            paragraphs.append(f"«{row.name}»: {text}")
        else:
            waiting.append(row.name)
    if waiting:
        paragraphs.append("Ikke vurdert ennå: " + _join([f"«{name}»" for name in waiting]) + ".")
    leaving = [
        f"{_join(list(names))} («{row.name}»)"
        for row in allocation.rows
        if (names := facts.inhabil.get(row.key))
    ]
    if leaving:
        paragraphs.append(
            "Inhabil etter forvaltningsloven § 6, fratrer under behandlingen av søknaden: "
            + "; ".join(leaving)
            + "."
        )
    return paragraphs


# --- the figures of a rendered case, read back --------------------------------------------------

_AMOUNT = r"([−-]?\d{1,3}(?:[ \u00a0]\d{3})*)(?!\d)"
_YEARS = r"(\d{4}(?:(?:–|-|, | og )\d{4})*)"
_PER_YEAR = re.compile(rf"kr[ \u00a0]{_AMOUNT} per år i {_YEARS}")
_IN_YEAR = re.compile(rf"kr[ \u00a0]{_AMOUNT} i (\d{{4}})")
_FOR_YEAR = re.compile(rf"^Kr[ \u00a0]{_AMOUNT} av de lokale midlene innstilles til «(.*)» for (\d{{4}})\b")
_LEDGER_LINE = re.compile(r"^\s*[-*]\s+(\d{4}): inngående saldo ")
_LEFT = re.compile(rf"Igjen i (\d{{4}}) etter innstillingen: kr[ \u00a0]{_AMOUNT}")
_REGIONAL_ITEM = re.compile(r"^\s+\d+\.\s+(.*)\s\(([^()]*)\)\s*$")
_CUT = re.compile(r"Streken går foran «(.*?)» \(rangering (\d+)\)")


def _amount(text: str) -> int:
    digits = text.replace(" ", "").replace("\u00a0", "")
    negative = digits.startswith(("−", "-"))
    value = int(digits.lstrip("−-"))
    return -value if negative else value


def _years_of(text: str) -> list[int]:
    years: list[int] = []
    for part in re.split(r", | og ", text):
        if "–" in part or "-" in part:
            first, last = re.split(r"–|-", part)
            years.extend(range(int(first), int(last) + 1))
        else:
            years.append(int(part))
    return years


def read_amounts_text(text: str) -> dict[int, int]:
    """Amounts per year from :func:`amounts_text`'s wording (also inside a longer sentence)."""
    per_year = _PER_YEAR.search(text)
    if per_year:
        return dict.fromkeys(_years_of(per_year.group(2)), _amount(per_year.group(1)))
    return {int(year): _amount(amount) for amount, year in _IN_YEAR.findall(text)}


@dataclass(frozen=True, slots=True)
class YearFigures:
    """One line of the ledger as the saksopplysninger state it."""

    opening: int
    new_confirmed: int
    new_assumed: int
    earmarked: int
    recommended: int
    closing: int


@dataclass(frozen=True, slots=True)
class CaseFigures:
    """The figures a reader takes from a rendered prioritisation case (see :func:`figures_from_markdown`)."""

    years: dict[int, YearFigures]  # the ledger per budget year
    left_year: int | None  # the year "igjen" is stated for (the round's year)
    left: int | None  # "Igjen i 2026 etter innstillingen"; None: the pot is not stated
    forwarded: list[tuple[str, dict[int, int] | None]]  # the innstilling's list to Helse Nord, in order
    recommended: dict[str, dict[int, int]]  # the innstilling's local amounts per application name
    cut: tuple[str, int] | None  # (name, rank) of the first application below the line

    @property
    def closing(self) -> dict[int, int]:
        """The closing balance per budget year."""
        return {year: item.closing for year, item in self.years.items()}


def _section(lines: list[str], heading: str) -> list[str]:
    """The lines under the first Markdown heading ``## heading``, up to the next heading."""
    out: list[str] | None = None
    for line in lines:
        if line.startswith("#"):
            if out is not None:
                break
            if line.lstrip("#").strip() == heading:
                out = []
            continue
        if out is not None:
            out.append(line)
    return out or []


def _ledger_figures(line: str) -> YearFigures:
    def find(pattern: str) -> int:
        match = re.search(pattern + r"kr[ \u00a0]" + _AMOUNT, line)
        return _amount(match.group(1)) if match else 0

    confirmed = re.search(rf"kr[ \u00a0]{_AMOUNT} \({BASIS_CONFIRMED}\)", line)
    assumed = re.search(rf"kr[ \u00a0]{_AMOUNT} \({BASIS_ASSUMED}", line)
    return YearFigures(
        opening=find("inngående saldo "),
        new_confirmed=_amount(confirmed.group(1)) if confirmed else 0,
        new_assumed=_amount(assumed.group(1)) if assumed else 0,
        earmarked=find("avsatt "),
        recommended=find("innstilt "),
        closing=find("utgående saldo "),
    )


def figures_from_markdown(markdown: str) -> CaseFigures:
    """Read the figures back from a prioritisation case rendered as Markdown (``render_case(…, "md")``).

    For comparing the document with the screen, ``rsapp prioriter vis`` and the Excel workbook:
    the per-year ledger and its closing balances (saksopplysninger), "igjen" in the round's year,
    the cut line, the local amounts per application and the applications forwarded to Helse Nord
    with their amounts per year (innstilling; None where the amount is not stated). Reads what the
    document says, edits included; figures a case does not state are left out.
    """
    lines = markdown.splitlines()
    facts = _section(lines, "Saksopplysninger")
    years: dict[int, YearFigures] = {}
    left_year: int | None = None
    left: int | None = None
    cut: tuple[str, int] | None = None
    for line in facts:
        match = _LEDGER_LINE.match(line)
        if match:
            years[int(match.group(1))] = _ledger_figures(line)
            continue
        found = _LEFT.search(line)
        if found:
            left_year, left = int(found.group(1)), _amount(found.group(2))
        found_cut = _CUT.search(line)
        if found_cut:
            cut = (found_cut.group(1), int(found_cut.group(2)))

    forwarded: list[tuple[str, dict[int, int] | None]] = []
    recommended: dict[str, dict[int, int]] = {}
    innstilling = _section(lines, "Innstilling")
    in_regional = False
    for line in innstilling:
        if re.match(r"^\d+\.\s", line):
            text = line.split(maxsplit=1)[1] if " " in line else ""
            in_regional = text.startswith(REGIONAL_LEAD)
            local = re.search(r"av de lokale midlene innstilles til «(.*)»", text)
            if local:
                name = local.group(1)
                single = _FOR_YEAR.match(text)
                if single:
                    recommended[name] = {int(single.group(3)): _amount(single.group(1))}
                else:
                    recommended[name] = read_amounts_text(text[local.end() :])
            continue
        if in_regional:
            item = _REGIONAL_ITEM.match(line)
            if item:
                name, detail = item.group(1), item.group(2)
                amounts = None if "ikke oppgitt" in detail else read_amounts_text(detail.split(";")[0])
                forwarded.append((name, amounts))
    return CaseFigures(years, left_year, left, forwarded, recommended, cut)


def draft_markdown(draft: Draft, *, number: int = 1, year: int | None = None) -> str:
    """A draft rendered as the case's Markdown without saving it (the built-in or the user's templates)."""
    from types import SimpleNamespace

    from rsapp.saksfremlegg.render import Renderer, context_for

    case = SimpleNamespace(
        id=None,
        number=number,
        year=year or date.today().year,
        title=draft.title,
        case_type=TYPE_DECISION,
        kind=KIND_PRIORITISATION,
        final=False,
        saksopplysninger=draft.saksopplysninger,
        vurdering=draft.vurdering,
        attachments=draft.attachments,
    )
    points = [
        SimpleNamespace(text=p.text, source_key=p.source_key, generated_text=p.text) for p in draft.points
    ]
    return str(Renderer().case(context_for(case, None, points), "md"))


# --- creating and regenerating --------------------------------------------------------------


def create_prioritisation_case(
    session: Session, meeting_id: int, round_id: int, *, number: int | str | None = None
) -> Case:
    """Draft the prioritisation case and put it on the meeting's saksliste (one transaction)."""
    draft = draft_prioritisation(session, round_id)
    with records.change(session) as work:
        case = new_case(
            work,
            get_meeting(session, meeting_id),
            title=draft.title,
            case_type=TYPE_DECISION,
            kind=KIND_PRIORITISATION,
            number=number,
            round_id=round_id,
            saksopplysninger=draft.saksopplysninger,
            vurdering=draft.vurdering,
            attachments=draft.attachments,
        )
        case.generated_fields = draft.fields()
        session.add(case)
        for position, point in enumerate(draft.points, start=1):
            session.add(_point_row(case.id, position, point))  # type: ignore[arg-type]
    session.refresh(case)
    return case


def _point_row(case_id: int, position: int, point: DraftPoint) -> InnstillingPoint:
    return InnstillingPoint(
        case_id=case_id,
        position=position,
        text=point.text,
        generated_text=point.text,
        source_key=point.source_key,
        earmark_id=point.earmark_id,
        application_id=point.application_id,
        amount=point.amount,
    )


def _draft_for_case(session: Session, case: Case) -> Draft:
    if case.kind != KIND_PRIORITISATION or case.round_id is None:
        raise CaseError("Bare prioriteringssaken kan lages på nytt fra dataene.")
    return draft_prioritisation(session, case.round_id)


def _plan(case: Case, points: list[InnstillingPoint], draft: Draft) -> list[PointChange]:
    changes: list[PointChange] = []
    existing = {point.source_key: point for point in points if point.source_key}
    fresh = {point.source_key: point for point in draft.points}
    dropped = set(case.dropped_sources or ())
    baselines = case.generated_fields or {}
    for new in draft.points:
        point = existing.get(new.source_key)
        if point is None:
            kind = CHANGE_RESTORE if new.source_key in dropped else CHANGE_ADD
            changes.append(PointChange(new.source_key, kind, "", new.text))
        elif new.text != point.generated_text:
            edited = point.text != point.generated_text
            if point.text != new.text:
                kind = CHANGE_EDITED if edited else CHANGE_UPDATE
                changes.append(PointChange(new.source_key, kind, point.text, new.text, point.id))
    for point in points:
        if point.source_key and point.source_key not in fresh:
            edited = point.text != point.generated_text
            kind = CHANGE_EDITED_REMOVED if edited else CHANGE_REMOVE
            changes.append(PointChange(point.source_key, kind, point.text, "", point.id))
    for name, value in draft.fields().items():
        current = getattr(case, name)
        baseline = baselines.get(name)
        if current == value or baseline == value:
            continue  # nothing new from the data (the user's own words stand, as for points)
        kind = CHANGE_FIELD_UPDATE if current == baseline else CHANGE_FIELD
        changes.append(PointChange(f"felt:{name}", kind, current, value))
    return changes


def plan_regeneration(session: Session, case_id: int) -> list[PointChange]:
    """What regenerating the case from today's data would change, point by point.

    Points appear in the draft's order, then removals, then text fields. A point whose
    generated text is unchanged is not listed, edited or not; likewise a text field whose
    generated baseline is unchanged. Safe changes (``safe``) are
    new points, points and fields the user has not touched, and stale untouched points;
    everything that would overwrite or bring back what the user did needs acceptance.
    """
    case = editable_case(session, case_id)
    return _plan(case, case_points(session, case_id), _draft_for_case(session, case))


def apply_regeneration(
    session: Session, case_id: int, accept: Collection[str] | None = None
) -> list[PointChange]:
    """Apply the changes whose keys are in ``accept`` (default: every safe change); returns them.

    A point the user edited is only overwritten or deleted when its key is in ``accept``.
    Points the user added are never touched. New points are placed after the nearest
    earlier generated point that is present. Returns the changes applied.
    """
    with records.change(session) as work:
        case = editable_case(session, case_id)
        draft = _draft_for_case(session, case)
        points = case_points(session, case_id)
        changes = _plan(case, points, draft)
        chosen = [c for c in changes if (c.safe if accept is None else c.key in accept)]
        chosen_keys = {c.key for c in chosen}
        fresh = {point.source_key: point for point in draft.points}

        # A point the user wrote exactly as the data now says is no longer "edited".
        for point in points:
            new = fresh.get(point.source_key)
            if new is not None and point.text == new.text != point.generated_text:
                point.generated_text = new.text
                session.add(point)
        # Likewise a field: its baseline becomes the fresh text when the two agree.
        baselines = dict(case.generated_fields or {})
        for name, value in draft.fields().items():
            if getattr(case, name) == value:
                baselines[name] = value

        ordered = list(points)
        dropped = list(case.dropped_sources or ())
        for change in chosen:
            if change.kind in FIELD_CHANGES:
                name = change.key.split(":", 1)[1]
                setattr(case, name, change.new)
                baselines[name] = change.new
            elif change.kind == CHANGE_RESTORE:
                dropped.remove(change.key)
            elif change.kind in (CHANGE_REMOVE, CHANGE_EDITED_REMOVED):
                point = next(p for p in ordered if p.id == change.point_id)
                ordered.remove(point)
                session.delete(point)
            elif change.kind in (CHANGE_UPDATE, CHANGE_EDITED):
                point = next(p for p in ordered if p.id == change.point_id)
                new = fresh[change.key]
                point.text = point.generated_text = new.text
                point.amount, point.earmark_id, point.application_id = (
                    new.amount,
                    new.earmark_id,
                    new.application_id,
                )
                session.add(point)

        draft_keys = [p.source_key for p in draft.points]
        for index, key in enumerate(draft_keys):
            if key not in chosen_keys or fresh[key].source_key in {p.source_key for p in ordered}:
                continue
            new_point = _point_row(case_id, 0, fresh[key])
            present = {p.source_key: i for i, p in enumerate(ordered) if p.source_key}
            earlier = [present[k] for k in draft_keys[:index] if k in present]
            if earlier:
                at = max(earlier) + 1
            else:
                later = [present[k] for k in draft_keys[index + 1 :] if k in present]
                at = min(later) if later else len(ordered)
            ordered.insert(at, new_point)
            session.add(new_point)
        if baselines != case.generated_fields:
            case.generated_fields = baselines
            flag_modified(case, "generated_fields")
        if dropped != case.dropped_sources:
            case.dropped_sources = dropped
            flag_modified(case, "dropped_sources")
        session.add(case)
        session.flush()
        for position, point in enumerate(ordered, start=1):
            point.position = position
            session.add(point)
        if chosen:
            work.log(
                records.ENTITY_CASE,
                case_id,
                "regenerer",
                f"Laget {case_label(case)} på nytt fra tallene: {_count(len(chosen), 'endring', 'endringer')}",
                "",
                "; ".join(f"{c.label} ({c.key})" for c in chosen),
                round_id=case.round_id,
            )
    return chosen
