"""The protokoll of a meeting: rendered from templates, approved, and then locked.

* :func:`protokoll_context` gathers what the templates show: the meeting's facts, who was
  present and who sent forfall, the fixed items (*Godkjenning av innkalling og saksliste*,
  *Godkjenning av protokoll fra forrige møte*), then every case with its vedtak: the points
  (amended ones with the innstilling's wording beside them, new ones marked, struck ones
  named), the vote, who left the case as inhabil and any protokolltilførsel. The public version
  (``public=True``) replaces what is withheld (:mod:`rsapp.saksfremlegg.offentlighet`) with the
  legal basis.
* :func:`render_protokoll` makes Markdown, Word or PDF from ``templates/protokoll/``.
* :func:`approve` (avholdt → protokoll godkjent) checks that every case has a vedtak, writes
  the prioritisation case's vedtak back (:mod:`rsapp.saksfremlegg.writeback`), sends postponed
  cases back to the queue, and locks the meeting: from then on the database refuses every change
  to it, its cases, their points, its attendance and its vedtak.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from rsapp.dates import format_date
from rsapp.models import Exemption
from rsapp.saksfremlegg.meeting_life import (
    attendance,
    check_unlocked,
    is_locked,
    previous_meeting,
)
from rsapp.saksfremlegg.numbering import format_case_number
from rsapp.saksfremlegg.offentlighet import MEMBER_LABEL, PUBLIC_LABEL, case_exemptions, notice, redact_text
from rsapp.saksfremlegg.records import ENTITY_CASE, ENTITY_MEETING, CaseError, case_label, change, get_meeting
from rsapp.saksfremlegg.vedtak import VedtakView, meeting_vedtak
from rsapp.saksfremlegg.writeback import WriteBack, write_back
from rsapp.store import queries
from rsapp.vocab import (
    ATTENDANCE_ABSENT,
    CASE_KIND_PRIORITISATION,
    CASE_TYPE_LABELS,
    FIXED_ITEM_MINUTES,
    FIXED_ITEM_SUMMONS,
    MEETING_APPROVED,
    MEETING_HELD,
    MEETING_STATUS_LABELS,
    OUTCOME_AMENDED,
    OUTCOME_AS_RECOMMENDED,
    POINT_AMENDED,
    POINT_NEW,
    POINT_STRUCK,
    POINT_UNCHANGED,
)

__all__ = [
    "Approval",
    "approve",
    "meeting_facts",
    "protokoll_context",
    "protokoll_file_name",
    "render_protokoll",
    "write_protokoll",
]


def meeting_facts(meeting: Any, *, protokoll: bool) -> list[dict[str, str]]:
    """The meeting's facts as label/value rows (innkalling and protokoll)."""
    from rsapp.vocab import WEEKDAYS

    when = meeting.start_time + (f"–{meeting.end_time}" if meeting.end_time else "")
    facts = [
        {"label": "Møtedato", "value": f"{WEEKDAYS[meeting.date.weekday()]} {format_date(meeting.date)}"},
        {"label": "Tid", "value": f"kl. {when}" if when else "ikke fastsatt"},
        {"label": "Sted", "value": meeting.place or ("Videomøte" if meeting.video_link else "ikke fastsatt")},
    ]
    if meeting.video_link:
        facts.append({"label": "Videolenke", "value": meeting.video_link})
    facts.append({"label": "Møteleder", "value": meeting.chair or "ikke fastsatt"})
    if meeting.secretary:
        facts.append({"label": "Referent" if protokoll else "Sekretariat", "value": meeting.secretary})
    if not protokoll and meeting.summoned_on:
        facts.append({"label": "Innkalt", "value": format_date(meeting.summoned_on)})
    return facts


def _person(a: Any) -> str:
    parts = [p for p in (a.role, a.organisation) if p]
    text = a.name + (f" ({', '.join(parts)})" if parts else "")
    if a.substitute_for:
        text += f", vara for {a.substitute_for}"
    return text


def _title(meeting: Any) -> str:
    kind = "ekstraordinært møte" if meeting.extraordinary else "møte"
    return f"Protokoll fra {kind} i {meeting.utvalg}"


def _case_entry(view: VedtakView, exemptions: list[Exemption], public: bool) -> dict[str, Any]:
    case = view.case
    number = format_case_number(case.number, case.year)
    vedtak_exempt = [e for e in exemptions if e.field == "vedtak"]
    whole = next((e for e in vedtak_exempt if not e.passage), None)

    def shown(text: str, field_name: str = "vedtak") -> str:
        return redact_text(text, exemptions, field_name) if public else text

    lines = []
    struck = []
    for line in view.lines:
        if line.change == POINT_STRUCK:
            struck.append(f"punkt {line.number} («{shown(line.innstilling, 'innstilling')}»)")
            continue
        text = shown(line.text)
        innstilling = shown(line.innstilling, "innstilling")
        docx = text
        if line.change == POINT_AMENDED:
            docx += f"\n(Endret. Innstillingen lød: «{innstilling}»)"
        elif line.change == POINT_NEW:
            docx += "\n(Nytt punkt)"
        lines.append(
            {
                "text": text,
                "docx": docx,
                "amended": line.change == POINT_AMENDED,
                "new": line.change == POINT_NEW,
                "innstilling": innstilling,
            }
        )
    amended = any(line.change != POINT_UNCHANGED for line in view.lines)
    inhabil = [
        f"{name} fratrådte som inhabil under behandlingen av saken ({basis})." + (f" {note}" if note else "")
        for name, basis, note in view.inhabil
    ]
    return {
        "number": number,
        "title": case.title,
        "heading": f"Sak {number}: {case.title}",
        "type_label": CASE_TYPE_LABELS.get(case.case_type, case.case_type),
        "outcome": view.outcome,
        "outcome_label": view.outcome_label,
        "postponed": view.postponed,
        "note": shown(view.vedtak.note) if view.vedtak else "",
        "vote_text": view.vote_text,
        "amended": amended,
        "innstilling": [
            shown(line.innstilling, "innstilling") for line in view.lines if line.change != POINT_NEW
        ],
        "lines": lines,
        "struck": ", ".join(struck),
        "inhabil": inhabil,
        "exempt": notice(whole.basis) if public and whole is not None else "",
        "exemptions": [e.basis for e in exemptions],
    }


def protokoll_context(session: Session, meeting_id: int, *, public: bool = False) -> dict[str, Any]:
    """What the protokoll templates show (member version, or ``public`` with withheld text out)."""
    meeting = get_meeting(session, meeting_id)
    hf = queries.helsefellesskap(session, meeting.helsefellesskap_id) if meeting.helsefellesskap_id else None
    people = attendance(session, meeting_id)
    present = [_person(a) for a in people if a.present]
    absent = [_person(a) for a in people if a.status == ATTENDANCE_ABSENT]
    previous = previous_meeting(session, meeting)
    views = meeting_vedtak(session, meeting_id)
    cases = [_case_entry(view, case_exemptions(session, int(view.case.id or 0)), public) for view in views]
    approved = is_locked(meeting)
    if approved:
        by = f" av {meeting.approved_by}" if meeting.approved_by else ""
        approval = f"Protokollen ble godkjent {format_date(meeting.approved_on)}{by}."
    else:
        approval = "Protokollen er ikke godkjent ennå."
    return {
        "helsefellesskap": hf.name if hf else "",
        "utvalg": meeting.utvalg,
        "public": public,
        "version_label": PUBLIC_LABEL if public else MEMBER_LABEL,
        "approved": approved,
        "approval": approval,
        "meeting": {
            "title": _title(meeting),
            "date": format_date(meeting.date),
            "status_label": MEETING_STATUS_LABELS.get(meeting.status, meeting.status),
            "facts": meeting_facts(meeting, protokoll=True),
            "secretary": meeting.secretary,
            "minutes_note": meeting.minutes_note,
        },
        "present": present or ["Ikke registrert"],
        "absent": absent,
        "fixed_items": [
            {"title": FIXED_ITEM_SUMMONS, "vedtak": "Innkalling og saksliste godkjennes."},
            {
                "title": f"Godkjenning av protokoll fra {previous}" if previous else FIXED_ITEM_MINUTES,
                "vedtak": "Protokollen godkjennes.",
            },
        ],
        "cases": cases,
    }


def protokoll_file_name(session: Session, meeting_id: int, fmt: str, *, public: bool = False) -> str:
    """ "protokoll-2025-10-20.docx" ("…-offentlig.pdf" for the public version)."""
    meeting = get_meeting(session, meeting_id)
    return f"protokoll-{meeting.date.isoformat()}{'-offentlig' if public else ''}.{fmt}"


def render_protokoll(
    session: Session,
    meeting_id: int,
    fmt: str,
    *,
    public: bool = False,
    templates_dir: str | Path | None = None,
) -> str | bytes:
    from rsapp.saksfremlegg.documents import DocumentRenderer

    context = protokoll_context(session, meeting_id, public=public)
    return DocumentRenderer("protokoll", templates_dir).render(
        context, fmt, title=context["meeting"]["title"]
    )


def write_protokoll(
    session: Session,
    meeting_id: int,
    fmt: str,
    target: Path,
    *,
    public: bool = False,
    templates_dir: str | Path | None = None,
) -> Path:
    """Render and write the protokoll; a folder as ``target`` gets :func:`protokoll_file_name`."""
    from rsapp.files import write_atomic

    content = render_protokoll(session, meeting_id, fmt, public=public, templates_dir=templates_dir)
    if target.is_dir():
        target = target / protokoll_file_name(session, meeting_id, fmt, public=public)
    return write_atomic(target, content)


@dataclass(slots=True)
class Approval:
    """An approved protokoll: the meeting, and what its vedtak wrote back."""

    meeting_id: int
    approved_on: date
    write_backs: list[WriteBack] = field(default_factory=list)
    postponed: list[str] = field(default_factory=list)


def approve(session: Session, meeting_id: int, *, approved_by: str, on: date) -> Approval:
    """avholdt → protokoll godkjent: write the vedtak back, then lock the meeting."""
    approved_by = approved_by.strip()
    if not approved_by:
        raise CaseError(
            "Skriv hvem som godkjente protokollen (f.eks. «SSU per e-post» eller møteleders navn)."
        )
    with change(session) as work:
        meeting = get_meeting(session, meeting_id)
        check_unlocked(meeting, "Protokollen")
        if meeting.status != MEETING_HELD:
            raise CaseError(
                f"Møtet er {MEETING_STATUS_LABELS.get(meeting.status, meeting.status).lower()}; bare protokollen "
                "fra et avholdt møte kan godkjennes."
            )
        if on < meeting.date:
            raise CaseError(f"Protokollen kan ikke godkjennes før møtet ({format_date(meeting.date)}).")
        views = meeting_vedtak(session, meeting_id)
        missing = [case_label(view.case) for view in views if not view.outcome]
        if missing:
            raise CaseError(
                "Protokollen kan ikke godkjennes før alle saker har vedtak. Mangler: " + "; ".join(missing)
            )
        result = Approval(meeting_id, on)
        for view in views:
            case = view.case
            if view.postponed:
                case.meeting_id = None  # back to the queue, keeping its number
                case.final = True
                session.add(case)
                result.postponed.append(case_label(case))
                work.log(
                    ENTITY_CASE,
                    case.id,
                    "utsatt",
                    f"{case_label(case)} utsatt: tilbake i køen til neste møte",
                    meeting.date.isoformat(),
                    "",
                    round_id=case.round_id,
                )
                continue
            case.final = True
            session.add(case)
            if case.kind == CASE_KIND_PRIORITISATION and view.outcome in (
                OUTCOME_AS_RECOMMENDED,
                OUTCOME_AMENDED,
            ):
                result.write_backs.append(write_back(work, meeting, view))
        session.flush()
        meeting.approved_on = on
        meeting.approved_by = approved_by
        meeting.final = True
        meeting.version += 1
        meeting.status = MEETING_APPROVED  # last: from here on the meeting is locked
        session.add(meeting)
        work.log(
            ENTITY_MEETING,
            meeting_id,
            "godkjent",
            f"Protokollen for {_title(meeting).removeprefix('Protokoll fra ')} godkjent {format_date(on)} av {approved_by}",
            MEETING_STATUS_LABELS[MEETING_HELD],
            MEETING_STATUS_LABELS[MEETING_APPROVED],
        )
    return result
