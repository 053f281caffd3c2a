"""The complete innkalling, and the meeting package bundled as one PDF or one folder.

The innkalling names the date and time, the place or video link, the møteleder, the recipients
and where to send *forfall*; its saksliste starts with the fixed items (*Godkjenning av
innkalling og saksliste*, *Godkjenning av protokoll fra forrige møte*) and then every case,
whose saksfremlegg follow it. :func:`write_bundle` adds every case's attachments: for the
prioritisation case the Excel list of its round and each application (the original file when
it is on disk, else a summary rendered from the data). As a folder the package is Word and
Excel files numbered in reading order; as one PDF, LibreOffice converts them all in one run
and the parts are joined.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from rsapp.dates import format_date
from rsapp.models import Application, Case
from rsapp.saksfremlegg.meeting_life import attendance, previous_meeting
from rsapp.saksfremlegg.offentlighet import MEMBER_LABEL, PUBLIC_LABEL, case_exemptions, redact_case
from rsapp.saksfremlegg.protokoll import meeting_facts
from rsapp.saksfremlegg.records import CaseError, get_meeting
from rsapp.saksfremlegg.saksliste import meeting_cases
from rsapp.store import queries
from rsapp.vocab import (
    CASE_KIND_PRIORITISATION,
    CASE_TYPE_DECISION,
    CASE_TYPE_LABELS,
    FIXED_ITEM_MINUTES,
    FIXED_ITEM_SUMMONS,
    SECTION_HEADINGS,
)

__all__ = [
    "Bundle",
    "application_context",
    "innkalling_context",
    "innkalling_file_name",
    "render_innkalling",
    "write_bundle",
]


def _title(meeting: Any) -> str:
    kind = "ekstraordinært møte" if meeting.extraordinary else "møte"
    return f"Innkalling til {kind} i {meeting.utvalg}"


def _safe(name: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in " -_.,()" else "-" for ch in name)
    return " ".join(keep.split())[:80].strip(" .") or "dokument"


def innkalling_context(session: Session, meeting_id: int, *, public: bool = False) -> dict[str, Any]:
    """What the innkalling templates show: details, recipients, agenda, then every case."""
    from rsapp.saksfremlegg.render import _case_dict

    meeting = get_meeting(session, meeting_id)
    hf = queries.helsefellesskap(session, meeting.helsefellesskap_id) if meeting.helsefellesskap_id else None
    cases = meeting_cases(session, meeting_id)
    points = queries.points_of_cases(session, [int(c.id or 0) for c in cases])
    case_dicts = []
    for case in cases:
        listed = points[int(case.id or 0)]
        exemptions = case_exemptions(session, int(case.id or 0)) if public else []
        case_dicts.append(
            redact_case(case, meeting, listed, exemptions)
            if exemptions
            else _case_dict(case, meeting, listed)
        )
    previous = previous_meeting(session, meeting)
    decision = CASE_TYPE_LABELS[CASE_TYPE_DECISION]
    agenda = [
        {"number": "", "title": FIXED_ITEM_SUMMONS, "type_label": decision},
        {
            "number": "",
            "title": f"Godkjenning av protokoll fra {previous}" if previous else FIXED_ITEM_MINUTES,
            "type_label": decision,
        },
        *({"number": c["number"], "title": c["title"], "type_label": c["type_label"]} for c in case_dicts),
    ]
    recipients = [line.strip() for line in meeting.recipients.splitlines() if line.strip()]
    if not recipients:
        recipients = [
            a.name + (f" ({a.organisation})" if a.organisation else "")
            for a in attendance(session, meeting_id)
        ]
    attachments = [f"Sak {c['number']}: {attachment}" for c in case_dicts for attachment in c["attachments"]]
    meeting_dict = {
        "title": _title(meeting),
        "helsefellesskap": hf.name if hf else "",
        "date": format_date(meeting.date),
        "facts": meeting_facts(meeting, protokoll=False),
        "forfall_to": meeting.forfall_to or "sekretariatet",
        "recipients": recipients or [f"Medlemmene i {meeting.utvalg}"],
        "secretary": meeting.secretary,
        "cases": case_dicts,
    }
    return {
        "meeting": meeting_dict,
        "cases": case_dicts,
        "agenda": agenda,
        "attachments": attachments,
        "innkalling": True,
        "public": public,
        "version_label": PUBLIC_LABEL if public else MEMBER_LABEL,
        "helsefellesskap": meeting_dict["helsefellesskap"],
        "utvalg": meeting.utvalg,
    }


def innkalling_file_name(session: Session, meeting_id: int, fmt: str) -> str:
    meeting = get_meeting(session, meeting_id)
    return f"innkalling-{meeting.date.isoformat()}.{fmt}"


def render_innkalling(
    session: Session,
    meeting_id: int,
    fmt: str,
    *,
    public: bool = False,
    templates_dir: str | Path | None = None,
) -> str | bytes:
    from rsapp.saksfremlegg.documents import DocumentRenderer

    context = innkalling_context(session, meeting_id, public=public)
    return DocumentRenderer("innkalling", templates_dir).render(
        context, fmt, title=context["meeting"]["title"]
    )


# --- applications as attachments ----------------------------------------------------------------


def application_context(session: Session, application_id: int, case_label: str) -> dict[str, Any]:
    """One application as the attachment template shows it (facts, then the form's sections)."""
    from rsapp.money import format_amount_or_missing
    from rsapp.portfolio import application_detail, application_title
    from rsapp.saksfremlegg.drafting import amounts_text
    from rsapp.saksfremlegg.render import _blocks, _docx_text

    record = queries.application_record(session, application_id)
    if record is None:
        raise CaseError(f"Fant ikke søknad med id {application_id}.")
    app = record.application
    summary = application_detail(session, application_id).summary
    applied = {
        line.budget_year: line.amount
        for line in record.budget_lines
        if line.budget_year is not None and line.amount is not None
    }
    facts = [
        ("Prosjekteiere", app.owners),
        ("Kommuner", ", ".join(summary.municipalities)),
        ("Helseforetak", app.hospital_trust),
        ("Kontaktperson kommune", app.contact_municipal),
        ("Kontaktperson helseforetak", app.contact_trust),
        ("Avtale om felles søknad", app.agreement_text),
        ("Periode", app.period_text),
        ("Søkt beløp", format_amount_or_missing(summary.applied_total)),
        ("Søkt per år", amounts_text(applied) if applied else ""),
    ]
    sections = []
    for column, heading in SECTION_HEADINGS.items():
        text = (getattr(app, column, "") or "").strip()
        if text:
            sections.append({"heading": heading, "text": text, "docx": _docx_text(_blocks(text))})
    hf = ""
    round_ = queries.round_record(session, app.round_id)
    if round_ is not None:
        found = queries.helsefellesskap(session, round_.helsefellesskap_id)
        hf = found.name if found else ""
    return {
        "helsefellesskap": hf,
        "case_label": case_label,
        "application": {
            "title": application_title(app),
            "facts": [{"label": label, "value": value} for label, value in facts if value],
            "sections": sections,
        },
    }


# --- the package --------------------------------------------------------------------------------


@dataclass(slots=True)
class Bundle:
    """What :func:`write_bundle` wrote: the PDF or the folder, and the parts in reading order."""

    path: Path
    parts: list[str] = field(default_factory=list)


def _round_applications(session: Session, round_id: int) -> list[Application]:
    return list(
        session.exec(
            select(Application)
            .where(Application.round_id == round_id)
            .order_by(col(Application.rank).is_(None), col(Application.rank), col(Application.id))
        )
    )


def _attachments(
    session: Session, case: Case, *, today: date, templates_dir: str | Path | None
) -> list[tuple[str, bytes]]:
    """(file name, content) of a case's attachments: the Excel list and the applications."""
    if case.kind != CASE_KIND_PRIORITISATION or case.round_id is None:
        return []
    from rsapp.export.data import excel_data
    from rsapp.export.excel import write_excel
    from rsapp.saksfremlegg.documents import DocumentRenderer
    from rsapp.saksfremlegg.records import case_label

    label = case_label(case)
    out: list[tuple[str, bytes]] = []
    with tempfile.TemporaryDirectory(prefix="rsapp-vedlegg-") as tmp:
        path = write_excel(excel_data(session, case.round_id, today=today), Path(tmp) / "liste.xlsx")
        out.append(("Prioriteringsliste.xlsx", path.read_bytes()))
    renderer = DocumentRenderer("soknad", templates_dir)
    from rsapp.portfolio import application_title

    for app in _round_applications(session, case.round_id):
        title = application_title(app)
        original = Path(app.source_document.split(",")[0]).expanduser() if app.source_document else None
        if original is not None and original.is_file() and original.suffix.lower() in (".docx", ".pdf"):
            out.append((f"Søknad - {_safe(title)}{original.suffix.lower()}", original.read_bytes()))
            continue
        context = application_context(session, int(app.id or 0), label)
        out.append((f"Søknad - {_safe(title)}.docx", renderer.docx(context, title=title)))
    return out


def write_bundle(
    session: Session,
    meeting_id: int,
    target: Path,
    *,
    as_pdf: bool,
    today: date,
    public: bool = False,
    templates_dir: str | Path | None = None,
) -> Bundle:
    """The meeting package: innkalling (with every saksfremlegg) and the attachments.

    ``as_pdf``: one PDF at ``target`` (a folder gets ``innkalling-<dato>.pdf``); else a folder
    ``target`` with the Word/Excel files numbered in reading order. Files are private (0600).
    """
    from rsapp.files import FileWriteError, private_dir, write_atomic
    from rsapp.saksfremlegg.documents import DocumentRenderer, convert_to_pdf, merge_pdfs

    context = innkalling_context(session, meeting_id, public=public)
    innkalling = DocumentRenderer("innkalling", templates_dir).docx(
        context, title=context["meeting"]["title"]
    )
    files: list[tuple[str, bytes]] = [(f"01 Innkalling {context['meeting']['date']}.docx", innkalling)]
    for case in meeting_cases(session, meeting_id):
        for name, content in _attachments(session, case, today=today, templates_dir=templates_dir):
            files.append((f"{len(files) + 1:02d} {name}", content))
    try:
        if not as_pdf:
            folder = private_dir(target)
            for name, content in files:
                write_atomic(folder / name, content)
            return Bundle(folder, [name for name, _ in files])
        to_convert = {name: content for name, content in files if not name.lower().endswith(".pdf")}
        converted = convert_to_pdf(to_convert)
        parts = []
        for name, content in files:
            parts.append(content if name.lower().endswith(".pdf") else converted[Path(name).stem + ".pdf"])
        if target.is_dir():
            target = target / innkalling_file_name(session, meeting_id, "pdf")
        written = write_atomic(target, merge_pdfs(parts))
        return Bundle(written, [name for name, _ in files])
    except FileWriteError as exc:
        raise CaseError(str(exc)) from exc
