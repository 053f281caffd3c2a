"""The prioritisation case drafted from the round's data, and regenerating it without losing edits.

:func:`draft_prioritisation` writes a case in the manner of sak 23-2025 from
:func:`rsapp.portfolio.round_allocation` (every amount comes from there):

* innstilling points, in this order: one per counted earmark ("Kr 500 000 av midlene for
  2026 brukes til …"; "innkjøp av …" when the earmark's name or purpose says it is a
  purchase, such as a licence), one per application paid from the local pot (above the cut
  line, with a grant) with its amount and years (:func:`rsapp.allocation.grant_by_year`),
  one listing the applications forwarded to the regional scheme in priority order, one
  listing the applications that are not prioritised, and one per open earmark ("…
  behandles i egen sak");
* saksopplysninger from the figures (deadlines, pots, earmarks, applications, what is
  applied for in the round's year and in all, against what is available), a vurdering
  skeleton and the attachments.

Forwarded to the regional scheme are applications routed "regional", and those routed
"begge" that the local pot does not cover in full (below the line, a partial grant, or no
amount stated). Not prioritised are those neither funded locally nor forwarded: routed
"ikke_prioritert", or "lokal" below the cut line or without a grant.

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
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session

from rsapp.allocation import LOCAL_ROUTES, ROUTE_BOTH, ROUTE_REGIONAL, Allocation, Row, grant_by_year
from rsapp.dates import format_date
from rsapp.models import Case, Earmark, Helsefellesskap, InnstillingPoint, Round
from rsapp.money import format_kr_prefix
from rsapp.saksfremlegg.cases import (
    KIND_PRIORITISATION,
    TYPE_DECISION,
    CaseError,
    _editable_case,
    _new_case,
    _transaction,
    case_points,
    get_meeting,
)

__all__ = [
    "CHANGE_ADD",
    "CHANGE_EDITED",
    "CHANGE_EDITED_REMOVED",
    "CHANGE_FIELD",
    "CHANGE_FIELD_UPDATE",
    "CHANGE_REMOVE",
    "CHANGE_RESTORE",
    "CHANGE_UPDATE",
    "Draft",
    "DraftPoint",
    "PointChange",
    "apply_regeneration",
    "create_prioritisation_case",
    "draft_prioritisation",
    "kr",
    "line_diff",
    "plan_regeneration",
]

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
    """Mid-sentence amount: "kr 500 000" (non-breaking spaces)."""
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


def _years_text(years: Sequence[int]) -> str:
    years = sorted(years)
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return _join([str(y) for y in years])


def _spread_text(parts: dict[int, int]) -> str:
    """ " for 2026", " over 2025–2029 med kr 2 000 000 per år", ", fordelt med kr 1 i 2025 og kr 2 i 2026"."""
    parts = {year: amount for year, amount in sorted(parts.items()) if amount}
    if not parts:
        return ""
    years = list(parts)
    if len(parts) == 1:
        return f" for {years[0]}"
    amounts = set(parts.values())
    if len(amounts) == 1 and years == list(range(years[0], years[-1] + 1)):
        return f" over {_years_text(years)} med {kr(amounts.pop())} per år"
    return ", fordelt med " + _join([f"{kr(amount)} i {year}" for year, amount in parts.items()])


def _applied_text(applied: int | None) -> str:
    return "søkt beløp ikke oppgitt" if applied is None else f"søkt {kr(applied)}"


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


# --- the draft ------------------------------------------------------------------------------


def _forwarded(row: Row) -> bool:
    if row.route == ROUTE_REGIONAL:
        return True
    if row.route != ROUTE_BOTH:
        return False
    covered = row.within_pot and row.applied_total is not None and row.granted >= row.applied_total
    return not covered


def _funded_locally(row: Row) -> bool:
    return row.route in LOCAL_ROUTES and row.within_pot and row.granted > 0


def _not_prioritised(row: Row) -> bool:
    return not _funded_locally(row) and not _forwarded(row)


def draft_prioritisation(session: Session, round_id: int) -> Draft:
    """The prioritisation case for a round, from its allocation (see the module docstring)."""
    from rsapp.portfolio import allocation_inputs, round_allocation

    round_ = session.get(Round, round_id)
    if round_ is None:
        raise CaseError(f"Fant ingen runde med id {round_id}.")
    hf = session.get(Helsefellesskap, round_.helsefellesskap_id)
    hf_name = hf.name if hf is not None else "Helsefellesskapet"
    allocation = round_allocation(session, round_id)
    _, _, app_inputs, _ = allocation_inputs(session, round_id)
    inputs = {app.key: app for app in app_inputs}
    year = allocation.round_year
    ledger = allocation.ledger
    purposes = {
        earmark.key: (getattr(session.get(Earmark, earmark.key), "purpose", "") or "")
        for earmark, _ in ledger.earmark_lines
    }

    points: list[DraftPoint] = []
    for earmark, amount in ledger.earmark_lines:
        counted = {y: a for y, a in earmark.amounts.items() if y in ledger.counted_years and a}
        years = sorted(counted)
        if len(years) == 1:
            lead = f"{format_kr_prefix(amount)} av midlene for {years[0]}"
        else:
            per_year = set(counted.values())
            detail = (
                f"{kr(per_year.pop())} per år"
                if len(per_year) == 1
                else _join([f"{kr(a)} i {y}" for y, a in sorted(counted.items())])
            )
            lead = f"{format_kr_prefix(amount)} av midlene for {_years_text(years)} ({detail})"
        points.append(
            DraftPoint(
                f"earmark:{earmark.key}",
                f"{lead} brukes til {_earmark_use(earmark.name, purposes[earmark.key])}.",
                earmark_id=earmark.key,
                amount=amount,
            )
        )

    for row in allocation.rows:
        if not _funded_locally(row):
            continue
        spread = _spread_text(grant_by_year(inputs[row.key], row.granted, year))
        partial = ""
        if row.applied_total is not None and row.granted < row.applied_total:
            partial = f" Det er søkt om {kr(row.applied_total)}."
        points.append(
            DraftPoint(
                f"application:{row.key}",
                f"{format_kr_prefix(row.granted)} av de lokale midlene tildeles «{row.name}»{spread}.{partial}",
                application_id=row.key,
                amount=row.granted,
            )
        )

    forwarded = [row for row in allocation.rows if _forwarded(row)]
    if forwarded:
        deadline = format_date(round_.deadline_helse_nord)
        when = f" innen {deadline}" if deadline else ""
        lines = [
            f"{index}. {row.name} ({_applied_text(row.applied_total)})"
            for index, row in enumerate(forwarded, start=1)
        ]
        points.append(
            DraftPoint(
                "regional",
                "Følgende søknader oversendes Tildelingsutvalget for rekrutterings- og samhandlingstilskudd "
                f"i Helse Nord{when}, i prioritert rekkefølge:\n" + "\n".join(lines),
            )
        )

    not_prioritised = [row for row in allocation.rows if _not_prioritised(row)]
    if not_prioritised:
        lines = [f"- {row.name} ({_applied_text(row.applied_total)})" for row in not_prioritised]
        points.append(
            DraftPoint(
                "ikke_prioritert",
                "Følgende søknader prioriteres ikke, verken til lokale midler eller til den regionale "
                "ordningen:\n" + "\n".join(lines),
            )
        )

    for earmark in ledger.open_earmarks:
        points.append(
            DraftPoint(
                f"open:{earmark.key}",
                f"Finansiering av {_lower_first(earmark.name)} er ikke avklart og behandles i egen sak.",
                earmark_id=earmark.key,
            )
        )

    return Draft(
        title=f"{round_.name} – prioritering av lokale midler og søknader til regional ordning",
        saksopplysninger=_saksopplysninger(round_, hf_name, allocation, forwarded),
        vurdering=_vurdering(allocation),
        attachments="\n".join(
            [f"Prioriteringsliste {round_.name} (Excel)", *(f"Søknad: {row.name}" for row in allocation.rows)]
        ),
        points=points,
    )


def _saksopplysninger(round_: Round, hf_name: str, allocation: Allocation, forwarded: list[Row]) -> str:
    ledger = allocation.ledger
    paragraphs = [
        "Rekrutterings- og samhandlingstilskudd, søknadsbasert ordning til Helse Nord, skal vurderes og "
        "prioriteres i det enkelte helsefellesskap før oversendelse til Helse Nord og endelig behandling i "
        "Tildelingsutvalget. Alle søknadene vurderes for både lokalt og regionalt tilskudd."
    ]
    deadlines = []
    if round_.deadline_helsefellesskap:
        deadlines.append(
            f"Søknadsfristen til helsefellesskapet var {format_date(round_.deadline_helsefellesskap)}."
        )
    if round_.deadline_helse_nord:
        deadlines.append(
            "Prioriterte søknader med vedlegg oversendes Tildelingsutvalget for rekrutterings- og "
            f"samhandlingstilskudd i Helse Nord innen {format_date(round_.deadline_helse_nord)}."
        )
    if deadlines:
        paragraphs.append(" ".join(deadlines))

    if ledger.pots:
        pots = "\n".join(
            f"- {pot.origin or f'Lokal pott {pot.budget_year}'}: {kr(pot.amount)}" for pot in ledger.pots
        )
        paragraphs.append(f"{hf_name} har {kr(ledger.pot_total)} til lokal prioritering:\n{pots}")
    else:
        paragraphs.append(f"{hf_name} har ingen bekreftet lokal pott for {allocation.round_year}.")

    if ledger.earmark_lines or ledger.open_earmarks:
        lines = []
        for earmark, amount in ledger.earmark_lines:
            years = sorted(y for y in earmark.amounts if y in ledger.counted_years)
            lines.append(f"- {earmark.name}: {kr(amount)} ({_years_text(years)})")
        lines += [f"- {earmark.name}: beløpet er ikke avklart" for earmark in ledger.open_earmarks]
        paragraphs.append(
            f"Før søknadene prioriteres er det satt av {kr(ledger.earmarked_total)}:\n" + "\n".join(lines)
        )
    paragraphs.append(f"Til fordeling på søknader: {kr(ledger.available)}.")

    rows = allocation.rows
    applied = sum(row.applied_total or 0 for row in rows)
    applied_year = sum(row.applied_year or 0 for row in rows)
    missing = sum(1 for row in rows if row.applied_total is None)
    text = (
        f"Det er kommet inn {_count(len(rows), 'søknad', 'søknader')}. For {allocation.round_year} søkes det om "
        f"{kr(applied_year)}, mot {kr(ledger.available)} til fordeling lokalt; samlet søknadsbeløp over alle "
        f"år er {kr(applied)}."
    )
    if missing:
        text += f" {_count(missing, 'søknad', 'søknader')} har ikke oppgitt søknadsbeløp."
    paragraphs.append(text)

    funded = [row for row in rows if _funded_locally(row)]
    granted = sum(row.granted for row in funded)
    summary = (
        f"Med prioriteringen tildeles {kr(granted)} av de lokale midlene til "
        f"{_count(len(funded), 'søknad', 'søknader')}"
    )
    left = ledger.available - granted
    summary += (
        f", og {kr(left)} står igjen." if left >= 0 else f", {kr(-left)} mer enn det som er til fordeling."
    )
    if forwarded:
        summary += f" {_count(len(forwarded), 'søknad', 'søknader')} oversendes den regionale ordningen."
    not_prioritised = sum(1 for row in rows if _not_prioritised(row))
    if not_prioritised:
        summary += f" {_count(not_prioritised, 'søknad', 'søknader')} prioriteres ikke."
    paragraphs.append(summary)

    notes = [
        f"- {pot.origin or f'Lokal pott {pot.budget_year}'}: {kr(pot.amount)} er ikke bekreftet og er ikke regnet med."
        for pot in ledger.assumed_pots
    ]
    notes += [
        f"- I {year.budget_year} er {kr(year.earmarked + year.granted)} bundet uten bekreftet pott."
        for year in allocation.years
        if year.warning
    ]
    notes += [f"- «{row.name}» har ikke oppgitt søknadsbeløp." for row in rows if row.applied_total is None]
    if notes:
        paragraphs.append("Forhold som må avklares:\n" + "\n".join(notes))
    return "\n\n".join(paragraphs)


def _vurdering(allocation: Allocation) -> str:
    ledger = allocation.ledger
    applied = sum(row.applied_total or 0 for row in allocation.rows)
    applied_year = sum(row.applied_year or 0 for row in allocation.rows)
    paragraphs = ["[Sekretariatets vurdering av søknadene opp mot kravene og kriteriene i utlysningen.]"]
    if max(applied, applied_year) > ledger.available:
        paragraphs.append(
            f"Søknadene gjelder {kr(applied_year)} for {allocation.round_year} og {kr(applied)} samlet over alle år, "
            f"mer enn de {kr(ledger.available)} som er til fordeling lokalt. SSU må derfor prioritere mellom "
            "søknadene, og vurdere i hvilken grad nye prosjekter skal prioriteres foran videreføring av "
            "eksisterende satsninger."
        )
    paragraphs += [
        f"Finansiering av {_lower_first(earmark.name)} krever særskilt vurdering og behandles i egen sak."
        for earmark in ledger.open_earmarks
    ]
    paragraphs.append("[Sekretariatets anbefaling.]")
    return "\n\n".join(paragraphs)


# --- creating and regenerating --------------------------------------------------------------


def create_prioritisation_case(
    session: Session, meeting_id: int, round_id: int, *, number: int | str | None = None
) -> Case:
    """Draft the prioritisation case and put it on the meeting's saksliste (one transaction)."""
    draft = draft_prioritisation(session, round_id)
    with _transaction(session):
        case = _new_case(
            session,
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
    case = _editable_case(session, case_id)
    return _plan(case, case_points(session, case_id), _draft_for_case(session, case))


def apply_regeneration(
    session: Session, case_id: int, accept: Collection[str] | None = None
) -> list[PointChange]:
    """Apply the changes whose keys are in ``accept`` (default: every safe change); returns them.

    A point the user edited is only overwritten or deleted when its key is in ``accept``.
    Points the user added are never touched. New points are placed after the nearest
    earlier generated point that is present. Returns the changes applied.
    """
    with _transaction(session):
        case = _editable_case(session, case_id)
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
    return chosen
