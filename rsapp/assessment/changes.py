"""Changing assessments: answers and notes, status, the register, ties, habilitet, the catalogue.

Every change runs through :func:`rsapp.store.unit_of_work.unit_of_work` (one transaction, the
round locked, a change-log row per step) and returns an :class:`Edit`: the steps it made, each
with the state before and after. :func:`undo` and :func:`redo` put those states back in a new
unit of work, after checking that nobody changed the rows in between (else
:class:`~rsapp.store.unit_of_work.StaleError`), and are logged as well. :class:`History` keeps
the edits of one screen for Ctrl+Z / Ctrl+Y.

Workflow: the first answer on an application moves it from *mottatt* to *under vurdering*; an
assessor who has answered every item moves it to *vurdert*; the user may set any status.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from rsapp.assessment.catalogue import Catalogue, CatalogueError, Item, parse_item
from rsapp.assessment.scores import AnswerError, valid_answers
from rsapp.config import current_user
from rsapp.models import (
    Application,
    AssessmentNote,
    AssessmentScore,
    Assessor,
    AssessorTie,
    CriteriaCatalogue,
    Criterion,
    HabilitetDecision,
    Round,
)
from rsapp.store import access
from rsapp.store.unit_of_work import REFRESH_HINT, StaleError, StoreError, UnitOfWork, unit_of_work
from rsapp.vocab import (
    CRITERION_KIND_LABELS,
    HABILITET_LABELS,
    STATUS_LABELS,
    TIE_KIND_LABELS,
    answer_label,
    status_label,
)

__all__ = [
    "AssessmentError",
    "Edit",
    "History",
    "StaleError",
    "add_assessor",
    "add_item",
    "add_tie",
    "clear_answer",
    "clear_decision",
    "install_catalogue",
    "item_version",
    "record_decision",
    "redo",
    "remove_item",
    "remove_tie",
    "set_answer",
    "set_item_note",
    "set_overall_note",
    "set_status",
    "undo",
    "update_assessor",
    "update_item",
]


class AssessmentError(StoreError):
    """A change that cannot be made; the message is Norwegian and names what and where."""


@dataclass(slots=True)
class Step:
    """One row's state before and after; ``key`` is a list so a re-created row can take a new id."""

    kind: str  # score | note | status | decision | tie | assessor | criterion
    key: list[Any]
    old: Any
    new: Any
    summary: str = ""


@dataclass(slots=True)
class Edit:
    """What one change did, undoable as a whole."""

    label: str  # Norwegian noun phrase: "svar på Krav 2", for "Angret: …"
    steps: list[Step] = field(default_factory=list)
    round_id: int | None = None

    @property
    def summary(self) -> str:
        return "; ".join(s.summary for s in self.steps if s.summary)


def _now() -> datetime:
    return datetime.now(UTC)


# --- row states: read and write ---------------------------------------------------------------


def _get(session: Session, kind: str, key: Sequence[Any]) -> Any:
    if kind == "score":
        row = session.exec(
            select(AssessmentScore).where(
                AssessmentScore.application_id == key[0],
                AssessmentScore.criterion_id == key[1],
                AssessmentScore.assessor_id == key[2],
            )
        ).first()
        return None if row is None else {"value": row.value, "note": row.note, "suggested": row.suggested}
    if kind == "note":
        note = session.exec(
            select(AssessmentNote).where(
                AssessmentNote.application_id == key[0], AssessmentNote.assessor_id == key[1]
            )
        ).first()
        return None if note is None or not note.note else note.note
    if kind == "status":
        app = session.get(Application, key[0])
        return None if app is None else app.status
    if kind == "decision":
        dec = session.exec(
            select(HabilitetDecision).where(
                HabilitetDecision.assessor_id == key[0], HabilitetDecision.application_id == key[1]
            )
        ).first()
        return (
            None
            if dec is None
            else {"decision": dec.decision, "reason": dec.reason, "decided_by": dec.decided_by}
        )
    if kind == "tie":
        tie = session.get(AssessorTie, key[0]) if key[0] else None
        return None if tie is None else _tie_state(tie)
    if kind == "assessor":
        person = session.get(Assessor, key[0]) if key[0] else None
        return None if person is None else _assessor_state(person)
    if kind == "criterion":
        crit = session.get(Criterion, key[0]) if key[0] else None
        return None if crit is None else _criterion_state(crit)
    raise ValueError(kind)


def _tie_state(tie: AssessorTie) -> dict[str, Any]:
    return {
        "assessor_id": tie.assessor_id,
        "kind": tie.kind,
        "counterpart": tie.counterpart,
        "application_id": tie.application_id,
        "description": tie.description,
    }


def _assessor_state(person: Assessor) -> dict[str, Any]:
    return {
        "name": person.name,
        "role": person.role,
        "organisation": person.organisation,
        "active": person.active,
    }


def _criterion_state(crit: Criterion) -> dict[str, Any]:
    return {
        "catalogue_id": crit.catalogue_id,
        "key": crit.key,
        "kind": crit.kind,
        "position": crit.position,
        "title": crit.title,
        "text": crit.text,
        "rule": crit.rule,
        "params": dict(crit.params or {}),
        "weight": crit.weight,
    }


def _put(session: Session, kind: str, key: list[Any], state: Any) -> None:
    """Make the row of `kind`/`key` have `state` (None: no row)."""
    if kind == "score":
        row = session.exec(
            select(AssessmentScore).where(
                AssessmentScore.application_id == key[0],
                AssessmentScore.criterion_id == key[1],
                AssessmentScore.assessor_id == key[2],
            )
        ).first()
        if state is None:
            if row is not None:
                session.delete(row)
        else:
            row = row or AssessmentScore(
                application_id=key[0], criterion_id=key[1], assessor_id=key[2], value=""
            )
            row.value, row.note, row.suggested = state["value"], state["note"], state["suggested"]
            row.updated_at = _now()
            session.add(row)
    elif kind == "note":
        note = session.exec(
            select(AssessmentNote).where(
                AssessmentNote.application_id == key[0], AssessmentNote.assessor_id == key[1]
            )
        ).first()
        if not state:
            if note is not None:
                session.delete(note)
        else:
            note = note or AssessmentNote(application_id=key[0], assessor_id=key[1])
            note.note, note.updated_at = state, _now()
            session.add(note)
    elif kind == "status":
        app = session.get(Application, key[0])
        if app is None:
            raise AssessmentError(f"Fant ingen søknad med id {key[0]}. {REFRESH_HINT}")
        app.status = state
        session.add(app)
    elif kind == "decision":
        dec = session.exec(
            select(HabilitetDecision).where(
                HabilitetDecision.assessor_id == key[0], HabilitetDecision.application_id == key[1]
            )
        ).first()
        if state is None:
            if dec is not None:
                session.delete(dec)
        else:
            dec = dec or HabilitetDecision(
                assessor_id=key[0], application_id=key[1], decision=state["decision"]
            )
            dec.decision, dec.reason, dec.decided_by = state["decision"], state["reason"], state["decided_by"]
            dec.decided_at = _now()
            session.add(dec)
    elif kind in ("tie", "assessor", "criterion"):
        model: Any = {"tie": AssessorTie, "assessor": Assessor, "criterion": Criterion}[kind]
        row = session.get(model, key[0]) if key[0] else None
        if state is None:
            if row is not None:
                session.delete(row)
        else:
            if row is None:
                row = model(**state)
            else:
                for name, value in state.items():
                    setattr(row, name, value)
            session.add(row)
            session.flush()
            key[0] = row.id
    else:  # pragma: no cover - programming error
        raise ValueError(kind)
    session.flush()


def _apply(uow: UnitOfWork, edit: Edit, step: Step, entity: str, action: str, old: str, new: str) -> None:
    _put(uow.session, step.kind, step.key, step.new)
    edit.steps.append(step)
    entity_id = step.key[0] if isinstance(step.key[0], int) else None
    uow.log(entity, entity_id, action, step.summary, old=old, new=new, round_id=edit.round_id)


# --- lookups ----------------------------------------------------------------------------------


def _application(session: Session, application_id: int) -> Application:
    app = session.get(Application, application_id)
    if app is None:
        raise AssessmentError(f"Fant ingen søknad med id {application_id}. {REFRESH_HINT}")
    return app


def _title(app: Application) -> str:
    return (app.name or "").strip() or (app.working_title or "").strip() or "(uten navn)"


def _assessor(session: Session, assessor_id: int) -> Assessor:
    person = session.get(Assessor, assessor_id)
    if person is None:
        raise AssessmentError(f"Fant ingen vurderer med id {assessor_id}. {REFRESH_HINT}")
    return person


def _item(session: Session, app: Application, item_id: int) -> tuple[Criterion, str]:
    crit = session.get(Criterion, item_id)
    cat = session.exec(select(CriteriaCatalogue).where(CriteriaCatalogue.round_id == app.round_id)).first()
    if crit is None or cat is None or crit.catalogue_id != cat.id:
        raise AssessmentError(
            f"Punktet (id {item_id}) hører ikke til kriterielisten for søknaden «{_title(app)}». {REFRESH_HINT}"
        )
    items = list(
        session.exec(
            select(Criterion)
            .where(Criterion.catalogue_id == cat.id)
            .order_by(col(Criterion.position), col(Criterion.id))
        )
    )
    number = sum(1 for c in items[: items.index(crit) + 1] if c.kind == crit.kind)
    short = {"krav": "Krav", "prioritert": "Prioritert", "kriterium": "Kriterium"}[crit.kind]
    return crit, f"{short} {number}"


def _inhabil(session: Session, assessor_id: int, application_id: int) -> bool:
    dec = session.exec(
        select(HabilitetDecision).where(
            HabilitetDecision.assessor_id == assessor_id, HabilitetDecision.application_id == application_id
        )
    ).first()
    return dec is not None and dec.decision == "inhabil"


def _score_text(state: Any) -> str:
    return "" if state is None else answer_label(state["value"])


# --- answers ----------------------------------------------------------------------------------


def _status_steps(session: Session, app: Application, assessor_id: int, edit: Edit) -> Step | None:
    """The status the workflow moves to after an answer (None: unchanged)."""
    cat = session.exec(select(CriteriaCatalogue).where(CriteriaCatalogue.round_id == app.round_id)).first()
    total = (
        0
        if cat is None
        else len(session.exec(select(Criterion.id).where(Criterion.catalogue_id == cat.id)).all())
    )
    answered = len(
        session.exec(
            select(AssessmentScore.id).where(
                AssessmentScore.application_id == app.id, AssessmentScore.assessor_id == assessor_id
            )
        ).all()
    )
    new = app.status
    if app.status in ("mottatt", "under_vurdering") and total and answered >= total:
        new = "vurdert"
    elif app.status == "mottatt":
        new = "under_vurdering"
    if new == app.status:
        return None
    return Step(
        "status",
        [app.id],
        app.status,
        new,
        f"«{_title(app)}»: status {status_label(app.status)} → {status_label(new)}",
    )


def set_answer(
    session: Session,
    application_id: int,
    item_id: int,
    assessor_id: int,
    value: str,
    *,
    note: str | None = None,
    suggested: str = "",
) -> Edit:
    """Record one assessor's answer on one item (`value` as stored: "oppfylt", "4", "ikke_relevant" …).

    `note` None keeps the note there is; `suggested` is what rsapp proposed (kept for the record).
    """
    with unit_of_work(session, scope="member", assessor_id=assessor_id) as uow:
        app = _application(session, application_id)
        uow.lock_round(app.round_id)
        person = _assessor(session, assessor_id)
        crit, number = _item(session, app, item_id)
        if value not in valid_answers(crit.kind):
            raise AnswerError(
                f"«{value}» er ikke et gyldig svar på {number} ({CRITERION_KIND_LABELS[crit.kind].lower()})."
            )
        if _inhabil(session, assessor_id, application_id):
            raise AssessmentError(
                f"{person.name} er registrert som inhabil for «{_title(app)}» og kan ikke vurdere søknaden. "
                "Endre avgjørelsen i habilitetsregisteret om den er feil."
            )
        edit = Edit(f"svar på {number}", round_id=app.round_id)
        old = _get(session, "score", [application_id, item_id, assessor_id])
        new = {
            "value": value,
            "note": (old or {}).get("note", "") if note is None else note.strip(),
            "suggested": suggested if suggested in valid_answers(crit.kind) else "",
        }
        if old == new:
            return edit
        step = Step(
            "score",
            [application_id, item_id, assessor_id],
            old,
            new,
            f"{person.name}, «{_title(app)}», {number} {crit.title}: {_score_text(old) or 'ikke vurdert'} → {_score_text(new)}",
        )
        _apply(uow, edit, step, "vurdering", "svar", _score_text(old), _score_text(new))
        # The application's status is the secretariat's: an SSU member's own answer leaves it be.
        status = (
            _status_steps(session, app, assessor_id, edit) if access.current().can_change_shared else None
        )
        if status is not None:
            _apply(uow, edit, status, "søknad", "status", status_label(status.old), status_label(status.new))
        return edit


def clear_answer(session: Session, application_id: int, item_id: int, assessor_id: int) -> Edit:
    """Remove one assessor's answer (and its note) on one item."""
    with unit_of_work(session, scope="member", assessor_id=assessor_id) as uow:
        app = _application(session, application_id)
        uow.lock_round(app.round_id)
        person = _assessor(session, assessor_id)
        crit, number = _item(session, app, item_id)
        edit = Edit(f"fjernet svar på {number}", round_id=app.round_id)
        old = _get(session, "score", [application_id, item_id, assessor_id])
        if old is None:
            return edit
        step = Step(
            "score",
            [application_id, item_id, assessor_id],
            old,
            None,
            f"{person.name}, «{_title(app)}», {number} {crit.title}: svaret {_score_text(old)} fjernet",
        )
        _apply(uow, edit, step, "vurdering", "fjern_svar", _score_text(old), "")
        return edit


def set_item_note(session: Session, application_id: int, item_id: int, assessor_id: int, note: str) -> Edit:
    """The assessor's note on one item; the item must have an answer first."""
    with unit_of_work(session, scope="member", assessor_id=assessor_id) as uow:
        app = _application(session, application_id)
        uow.lock_round(app.round_id)
        person = _assessor(session, assessor_id)
        crit, number = _item(session, app, item_id)
        old = _get(session, "score", [application_id, item_id, assessor_id])
        if old is None:
            raise AssessmentError(f"Gi et svar på {number} før du skriver en merknad til det.")
        edit = Edit(f"merknad på {number}", round_id=app.round_id)
        new = dict(old, note=note.strip())
        if new == old:
            return edit
        step = Step(
            "score",
            [application_id, item_id, assessor_id],
            old,
            new,
            f"{person.name}, «{_title(app)}», {number}: merknad endret",
        )
        _apply(uow, edit, step, "vurdering", "merknad", old["note"], new["note"])
        return edit


def set_overall_note(session: Session, application_id: int, assessor_id: int, note: str) -> Edit:
    """The assessor's overall note on an application (the Excel list's Kommentar)."""
    with unit_of_work(session, scope="member", assessor_id=assessor_id) as uow:
        app = _application(session, application_id)
        uow.lock_round(app.round_id)
        person = _assessor(session, assessor_id)
        edit = Edit("kommentar", round_id=app.round_id)
        old = _get(session, "note", [application_id, assessor_id])
        new = note.strip() or None
        if old == new:
            return edit
        step = Step(
            "note",
            [application_id, assessor_id],
            old,
            new,
            f"{person.name}, «{_title(app)}»: kommentar endret",
        )
        _apply(uow, edit, step, "vurdering", "kommentar", old or "", new or "")
        return edit


def set_status(session: Session, application_id: int, status: str, *, expected: str | None = None) -> Edit:
    """Set an application's status by hand; `expected` (what the screen showed) guards against a
    change someone else made in between."""
    if status not in STATUS_LABELS:
        known = ", ".join(STATUS_LABELS)
        raise AssessmentError(f"Ukjent status «{status}». Kjente statuser: {known}.")
    with unit_of_work(session) as uow:
        app = _application(session, application_id)
        uow.lock_round(app.round_id)
        if expected is not None and app.status != expected:
            raise StaleError(
                f"Statusen til «{_title(app)}» er endret av en annen bruker (nå {status_label(app.status)}). {REFRESH_HINT}"
            )
        edit = Edit("status", round_id=app.round_id)
        if app.status == status:
            return edit
        step = Step(
            "status",
            [app.id],
            app.status,
            status,
            f"«{_title(app)}»: status {status_label(app.status)} → {status_label(status)}",
        )
        _apply(uow, edit, step, "søknad", "status", status_label(step.old), status_label(status))
        return edit


# --- the register -----------------------------------------------------------------------------


def _clean(text: str | None, what: str, limit: int) -> str:
    value = " ".join((text or "").split())
    if len(value) > limit:
        raise AssessmentError(f"{what} kan være høyst {limit} tegn (har {len(value)}).")
    return value


def add_assessor(session: Session, name: str, role: str = "", organisation: str = "") -> tuple[int, Edit]:
    """Register a person (SSU member or assessor); names are unique (case-insensitive)."""
    name = _clean(name, "Navnet", 120)
    if not name:
        raise AssessmentError("Skriv navnet på personen.")
    with unit_of_work(session) as uow:
        existing = [a for a in session.exec(select(Assessor)) if a.name.casefold() == name.casefold()]
        if existing:
            raise AssessmentError(f"{existing[0].name} er allerede registrert.")
        state = {
            "name": name,
            "role": _clean(role, "Rollen", 120),
            "organisation": _clean(organisation, "Organisasjonen", 200),
            "active": True,
        }
        edit = Edit(f"registrerte {name}")
        step = Step(
            "assessor",
            [None],
            None,
            state,
            f"Registrerte {name}" + (f" ({state['role']})" if state["role"] else ""),
        )
        _apply(uow, edit, step, "vurderer", "ny", "", name)
        return step.key[0], edit


def update_assessor(
    session: Session,
    assessor_id: int,
    *,
    version: int,
    name: str | None = None,
    role: str | None = None,
    organisation: str | None = None,
    active: bool | None = None,
) -> Edit:
    """Change a person's name, role, organisation or whether they are active (never deleted: their
    scores and decisions stay on record)."""
    with unit_of_work(session) as uow:
        person = _assessor(session, assessor_id)
        old = _assessor_state(person)
        new = dict(old)
        if name is not None:
            new["name"] = _clean(name, "Navnet", 120)
            if not new["name"]:
                raise AssessmentError("Navnet kan ikke være tomt.")
            clash = [
                a
                for a in session.exec(select(Assessor))
                if a.id != assessor_id and a.name.casefold() == new["name"].casefold()
            ]
            if clash:
                raise AssessmentError(f"{clash[0].name} er allerede registrert.")
        if role is not None:
            new["role"] = _clean(role, "Rollen", 120)
        if organisation is not None:
            new["organisation"] = _clean(organisation, "Organisasjonen", 200)
        if active is not None:
            new["active"] = active
        edit = Edit(f"endret {old['name']}")
        if new == old:
            return edit
        uow.claim(Assessor, assessor_id, version, f"{old['name']} i registeret")
        session.refresh(person)
        changed = [k for k in new if new[k] != old[k]]
        step = Step("assessor", [assessor_id], old, new, f"Endret {old['name']}: {', '.join(changed)}")
        _apply(
            uow,
            edit,
            step,
            "vurderer",
            "endret",
            str({k: old[k] for k in changed}),
            str({k: new[k] for k in changed}),
        )
        return edit


def add_tie(
    session: Session,
    assessor_id: int,
    kind: str,
    counterpart: str = "",
    *,
    application_id: int | None = None,
    description: str = "",
) -> tuple[int, Edit]:
    """A declared tie: a board seat, leadership or project role, family; to an organisation or
    person (`counterpart`) or to one application."""
    if kind not in TIE_KIND_LABELS:
        raise AssessmentError(f"Ukjent type tilknytning «{kind}». Bruk {', '.join(TIE_KIND_LABELS)}.")
    counterpart = _clean(counterpart, "Motparten", 200)
    if not counterpart and application_id is None:
        raise AssessmentError(
            "Skriv hvem eller hva tilknytningen gjelder (organisasjon, person eller søknad)."
        )
    with unit_of_work(session) as uow:
        person = _assessor(session, assessor_id)
        if application_id is not None:
            _application(session, application_id)
        state = {
            "assessor_id": assessor_id,
            "kind": kind,
            "counterpart": counterpart,
            "application_id": application_id,
            "description": " ".join(description.split()),
        }
        edit = Edit(f"tilknytning for {person.name}")
        what = TIE_KIND_LABELS[kind].lower() + (f" i/til {counterpart}" if counterpart else "")
        step = Step("tie", [None], None, state, f"{person.name} erklærte {what}")
        _apply(uow, edit, step, "tilknytning", "ny", "", what)
        return step.key[0], edit


def remove_tie(session: Session, tie_id: int) -> Edit:
    with unit_of_work(session) as uow:
        old = _get(session, "tie", [tie_id])
        if old is None:
            raise AssessmentError(f"Fant ingen tilknytning med id {tie_id}. {REFRESH_HINT}")
        person = _assessor(session, old["assessor_id"])
        what = TIE_KIND_LABELS.get(old["kind"], old["kind"]).lower()
        edit = Edit(f"slettet tilknytning for {person.name}")
        step = Step("tie", [tie_id], old, None, f"{person.name}: tilknytningen «{what}» slettet")
        _apply(uow, edit, step, "tilknytning", "slettet", what, "")
        return edit


def record_decision(
    session: Session,
    assessor_id: int,
    application_id: int,
    decision: str,
    reason: str,
    *,
    decided_by: str = "",
) -> Edit:
    """Record the decision on habilitet (inhabil / ikke_inhabil) with its reason."""
    if decision not in HABILITET_LABELS:
        raise AssessmentError(f"Avgjørelsen må være inhabil eller ikke_inhabil, ikke «{decision}».")
    reason = " ".join(reason.split())
    if not reason:
        raise AssessmentError(
            "Skriv begrunnelsen for avgjørelsen (f.eks. «Styreleder i søkerorganisasjonen»)."
        )
    with unit_of_work(session) as uow:
        app = _application(session, application_id)
        uow.lock_round(app.round_id)
        person = _assessor(session, assessor_id)
        old = _get(session, "decision", [assessor_id, application_id])
        new = {"decision": decision, "reason": reason, "decided_by": decided_by or current_user()}
        edit = Edit(f"habilitet for {person.name}", round_id=app.round_id)
        if old == new:
            return edit
        label = HABILITET_LABELS[decision].lower()
        step = Step(
            "decision",
            [assessor_id, application_id],
            old,
            new,
            f"{person.name} er {label} for «{_title(app)}»: {reason}",
        )
        _apply(
            uow,
            edit,
            step,
            "habilitet",
            "avgjørelse",
            HABILITET_LABELS.get((old or {}).get("decision", ""), ""),
            HABILITET_LABELS[decision],
        )
        return edit


def clear_decision(session: Session, assessor_id: int, application_id: int) -> Edit:
    with unit_of_work(session) as uow:
        app = _application(session, application_id)
        uow.lock_round(app.round_id)
        person = _assessor(session, assessor_id)
        old = _get(session, "decision", [assessor_id, application_id])
        edit = Edit(f"habilitet for {person.name}", round_id=app.round_id)
        if old is None:
            return edit
        step = Step(
            "decision",
            [assessor_id, application_id],
            old,
            None,
            f"{person.name}, «{_title(app)}»: avgjørelsen om habilitet slettet",
        )
        _apply(uow, edit, step, "habilitet", "slettet", HABILITET_LABELS[old["decision"]], "")
        return edit


# --- the catalogue ----------------------------------------------------------------------------


def _store_catalogue(session: Session, head: CriteriaCatalogue, catalogue: Catalogue) -> None:
    session.add(head)
    session.flush()
    assert head.id is not None
    for position, item in enumerate(catalogue.items, start=1):
        session.add(
            Criterion(
                catalogue_id=head.id,
                key=item.key,
                kind=item.kind,
                position=position,
                title=item.title,
                text=item.text,
                rule=item.rule,
                params=dict(item.params),
                weight=item.weight,
            )
        )
    session.flush()


def install_catalogue(session: Session, round_id: int, catalogue: Catalogue, *, replace: bool = False) -> int:
    """Store a catalogue for a round; with `replace`, a round whose items have no answers yet gets
    the new list instead of the old. Returns the number of items."""
    with unit_of_work(session, round_id) as uow:
        round_ = session.get(Round, round_id)
        if round_ is None:
            raise AssessmentError(f"Fant ingen runde med id {round_id}.")
        existing = session.exec(
            select(CriteriaCatalogue).where(CriteriaCatalogue.round_id == round_id)
        ).first()
        if existing is not None:
            if not replace:
                raise AssessmentError(
                    f"Runden «{round_.name}» har allerede en kriterieliste («{existing.name}»). "
                    "Bruk «erstatt» for å bytte den ut."
                )
            ids = [c.id for c in session.exec(select(Criterion).where(Criterion.catalogue_id == existing.id))]
            if (
                ids
                and session.exec(
                    select(AssessmentScore.id).where(col(AssessmentScore.criterion_id).in_(ids))
                ).first()
            ):
                raise AssessmentError(
                    f"Kriterielisten for «{round_.name}» har svar fra vurderere og kan ikke byttes ut. "
                    "Endre punktene enkeltvis i stedet."
                )
            for crit in session.exec(select(Criterion).where(Criterion.catalogue_id == existing.id)):
                session.delete(crit)
            session.flush()
            session.delete(existing)
            session.flush()
        head = CriteriaCatalogue(
            round_id=round_id, key=catalogue.key, name=catalogue.name, source=catalogue.source
        )
        _store_catalogue(session, head, catalogue)
        uow.log(
            "kriterieliste",
            head.id,
            "erstattet" if existing is not None else "ny",
            f"Kriterielisten «{catalogue.name}» ({len(catalogue.items)} punkter) for {round_.name}",
            old=existing.name if existing is not None else "",
            new=catalogue.name,
        )
        return len(catalogue.items)


def _catalogue_of(session: Session, round_id: int) -> CriteriaCatalogue:
    cat = session.exec(select(CriteriaCatalogue).where(CriteriaCatalogue.round_id == round_id)).first()
    if cat is None:
        raise AssessmentError(
            "Runden har ingen kriterieliste. Last inn en med «rsapp vurder kriterier last FIL»."
        )
    return cat


def item_version(session: Session, item_id: int) -> int:
    """The version an edit of the item is based on."""
    crit = session.get(Criterion, item_id)
    if crit is None:
        raise AssessmentError(f"Fant ingen punkt med id {item_id}. {REFRESH_HINT}")
    return crit.version


def update_item(session: Session, item_id: int, *, version: int, **changes: Any) -> Edit:
    """Change an item's title, text, words, groups, weight or rule (checked as a file would be)."""
    with unit_of_work(session) as uow:
        crit = session.get(Criterion, item_id)
        if crit is None:
            raise AssessmentError(f"Fant ingen punkt med id {item_id}. {REFRESH_HINT}")
        cat = session.get(CriteriaCatalogue, crit.catalogue_id)
        assert cat is not None
        uow.lock_round(cat.round_id)
        old = _criterion_state(crit)
        entry = {k: v for k, v in old.items() if k in ("key", "title", "text", "rule", "weight")}
        entry.update(old["params"])
        unknown = set(changes) - {"title", "text", "rule", "weight", "words", "groups", "max_years"}
        if unknown:
            raise AssessmentError(f"Kan ikke endre {sorted(unknown)} på et punkt.")
        entry.update(changes)
        try:
            checked = parse_item(crit.kind, entry, f"punktet «{crit.key}»")
        except CatalogueError as exc:
            raise AssessmentError(str(exc)) from exc
        new = dict(
            old,
            title=checked.title,
            text=checked.text,
            rule=checked.rule,
            params=dict(checked.params),
            weight=checked.weight,
        )
        edit = Edit(f"endret punkt «{crit.title}»", round_id=cat.round_id)
        if new == old:
            return edit
        uow.claim(Criterion, item_id, version, f"Punktet «{crit.title}»")
        session.refresh(crit)
        changed = [k for k in new if new[k] != old[k]]
        step = Step("criterion", [item_id], old, new, f"Punktet «{crit.title}» endret: {', '.join(changed)}")
        _apply(uow, edit, step, "kriterium", "endret", old["title"], new["title"])
        return edit


def add_item(session: Session, round_id: int, kind: str, entry: dict[str, Any]) -> tuple[int, Edit]:
    """A new item at the end of its kind's items in the round's catalogue."""
    try:
        item: Item = parse_item(kind, entry, "det nye punktet")
    except CatalogueError as exc:
        raise AssessmentError(str(exc)) from exc
    with unit_of_work(session, round_id) as uow:
        cat = _catalogue_of(session, round_id)
        items = list(session.exec(select(Criterion).where(Criterion.catalogue_id == cat.id)))
        if any(c.key == item.key for c in items):
            raise AssessmentError(f"Kriterielisten har allerede et punkt med nøkkelen «{item.key}».")
        state = {
            "catalogue_id": cat.id,
            "key": item.key,
            "kind": kind,
            "position": max((c.position for c in items), default=0) + 1,
            "title": item.title,
            "text": item.text,
            "rule": item.rule,
            "params": dict(item.params),
            "weight": item.weight,
        }
        edit = Edit(f"nytt punkt «{item.title}»", round_id=round_id)
        step = Step(
            "criterion",
            [None],
            None,
            state,
            f"Nytt punkt ({CRITERION_KIND_LABELS[kind].lower()}): {item.title}",
        )
        _apply(uow, edit, step, "kriterium", "ny", "", item.title)
        return step.key[0], edit


def remove_item(session: Session, item_id: int) -> Edit:
    """Remove an item that nobody has answered yet."""
    with unit_of_work(session) as uow:
        crit = session.get(Criterion, item_id)
        if crit is None:
            raise AssessmentError(f"Fant ingen punkt med id {item_id}. {REFRESH_HINT}")
        cat = session.get(CriteriaCatalogue, crit.catalogue_id)
        assert cat is not None
        uow.lock_round(cat.round_id)
        if session.exec(select(AssessmentScore.id).where(AssessmentScore.criterion_id == item_id)).first():
            raise AssessmentError(f"Punktet «{crit.title}» har svar fra vurderere og kan ikke slettes.")
        edit = Edit(f"slettet punkt «{crit.title}»", round_id=cat.round_id)
        step = Step("criterion", [item_id], _criterion_state(crit), None, f"Punktet «{crit.title}» slettet")
        _apply(uow, edit, step, "kriterium", "slettet", crit.title, "")
        return edit


# --- undo and redo ----------------------------------------------------------------------------


_VERSIONED: dict[str, Any] = {"assessor": Assessor, "criterion": Criterion}


def _replay(session: Session, edit: Edit, *, backwards: bool) -> Edit:
    action = "angre" if backwards else "gjenta"
    word = "Angret" if backwards else "Gjort om igjen"
    with unit_of_work(session) as uow:
        if edit.round_id is not None:
            uow.lock_round(edit.round_id)
        steps = list(reversed(edit.steps)) if backwards else list(edit.steps)
        for step in steps:
            expected, target = (step.new, step.old) if backwards else (step.old, step.new)
            current = _get(session, step.kind, step.key)
            if current != expected:
                raise StaleError(
                    f"Kan ikke {'angre' if backwards else 'gjøre om'} «{edit.label}»: noen har endret det siden. {REFRESH_HINT}"
                )
            _put(session, step.kind, step.key, target)
            if target is not None and step.kind in _VERSIONED:
                # Screens that show this row must see that it changed.
                table = _VERSIONED[step.kind].__table__
                session.execute(
                    update(table).where(table.c.id == step.key[0]).values(version=table.c.version + 1)
                )
            entity_id = step.key[0] if isinstance(step.key[0], int) else None
            uow.log(step.kind, entity_id, action, f"{word}: {step.summary}", round_id=edit.round_id)
    return edit


def undo(session: Session, edit: Edit) -> Edit:
    """Put back the states from before `edit` (logged as «angre»)."""
    return _replay(session, edit, backwards=True)


def redo(session: Session, edit: Edit) -> Edit:
    """Make `edit` again after an undo (logged as «gjenta»)."""
    return _replay(session, edit, backwards=False)


class History:
    """The undo and redo stacks of one screen. A failed undo/redo leaves both as they were."""

    def __init__(self, limit: int = 500) -> None:
        self.limit = limit
        self._undo: list[Edit] = []
        self._redo: list[Edit] = []

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str:
        return self._undo[-1].label if self._undo else ""

    @property
    def redo_label(self) -> str:
        return self._redo[-1].label if self._redo else ""

    def run(self, change: Callable[[], Edit | tuple[Any, Edit]]) -> Edit:
        result = change()
        edit = result[1] if isinstance(result, tuple) else result
        if edit.steps:
            self._undo.append(edit)
            del self._undo[: -self.limit]
            self._redo.clear()
        return edit

    def undo(self, session: Session) -> Edit | None:
        if not self._undo:
            return None
        edit = undo(session, self._undo[-1])
        self._redo.append(self._undo.pop())
        return edit

    def redo(self, session: Session) -> Edit | None:
        if not self._redo:
            return None
        edit = redo(session, self._redo[-1])
        self._undo.append(self._redo.pop())
        return edit


# --- built-in data ----------------------------------------------------------------------------


def load_builtin_catalogues(session: Session, folder: Path) -> list[str]:
    """Give every round named by a file in `folder` (data/criteria/*.toml) that file's catalogue,
    when the round has none yet: loaded once, never over the user's edits. Called by the seed,
    which commits; returns the keys of the rounds given a catalogue now."""
    from rsapp.assessment.catalogue import load_file

    rounds = dict(session.exec(select(Round.key, Round.id)).all())
    have = set(session.exec(select(CriteriaCatalogue.round_id)).all())
    if not rounds or have >= set(rounds.values()):
        return []
    loaded: list[str] = []
    for path in sorted(folder.glob("*.toml")):
        catalogue = load_file(path)
        for key in catalogue.rounds:
            round_id = rounds.get(key)
            if round_id is None or round_id in have:
                continue
            head = CriteriaCatalogue(
                round_id=round_id, key=catalogue.key, name=catalogue.name, source=catalogue.source
            )
            _store_catalogue(session, head, catalogue)
            have.add(round_id)
            loaded.append(key)
    session.flush()
    return loaded
