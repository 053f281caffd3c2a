"""The letter to Helse Nord (*oversendelse*): the decided regional list, by 1 November.

After the vedtak, the prioritised applications that are left to forward (the allocation's
regional list, :attr:`rsapp.allocation.Allocation.regional`, now counting the awards) go to
Helse Nord's Tildelingsutvalg with a cover letter from ``templates/oversendelse/``. The letter
and its attachments (the Excel list, whose sheet «Regional liste» is the same list, and each
forwarded application) are written as a folder or as one PDF. :func:`forwarding_state` tells
the round's deadline (``Round.deadline_helse_nord``, 01.11.2025 for Helgeland 2026) and whether
the letter is sent; the screens show it until :func:`mark_sent` records the day it went.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from rsapp.dates import format_date
from rsapp.models import Forwarding, Round
from rsapp.saksfremlegg.records import CaseError, change
from rsapp.store import queries

__all__ = [
    "DEFAULT_RECIPIENT",
    "ForwardingState",
    "LetterPackage",
    "forwarding_state",
    "letter_context",
    "mark_sent",
    "write_letter",
]

DEFAULT_RECIPIENT = "Helse Nord RHF\nTildelingsutvalget for rekrutterings- og samhandlingstilskudd"
ENTITY_FORWARDING = "oversendelse"


@dataclass(frozen=True, slots=True)
class ForwardingState:
    """The round's deadline to Helse Nord and whether the letter has gone."""

    round_id: int
    round_name: str
    deadline: date | None
    sent_on: date | None
    letter_date: date | None
    today: date

    @property
    def days_left(self) -> int | None:
        return None if self.deadline is None else (self.deadline - self.today).days

    @property
    def line(self) -> str:
        """ "Frist til Helse Nord 01.11.2025 (om 12 dager): ikke sendt" / "Sendt Helse Nord 28.10.2025"."""
        if self.sent_on is not None:
            return f"Oversendt Helse Nord {format_date(self.sent_on)}"
        if self.deadline is None:
            return "Frist til Helse Nord ikke oppgitt: ikke sendt"
        days = self.days_left or 0
        if days > 1:
            when = f"om {days} dager"
        elif days == 1:
            when = "i morgen"
        elif days == 0:
            when = "i dag"
        else:
            when = f"⚠ {-days} dager over fristen"
        return f"Frist til Helse Nord {format_date(self.deadline)} ({when}): ikke sendt"


def _round(session: Session, round_id: int) -> Round:
    found = queries.round_record(session, round_id)
    if found is None:
        raise CaseError(f"Fant ingen runde med id {round_id}.")
    return found


def _forwarding(session: Session, round_id: int) -> Forwarding | None:
    return session.exec(select(Forwarding).where(Forwarding.round_id == round_id)).first()


def forwarding_state(session: Session, round_id: int, *, today: date) -> ForwardingState:
    round_ = _round(session, round_id)
    sent = _forwarding(session, round_id)
    return ForwardingState(
        round_id,
        round_.name,
        round_.deadline_helse_nord,
        sent.sent_on if sent else None,
        sent.letter_date if sent else None,
        today,
    )


def letter_context(
    session: Session,
    round_id: int,
    *,
    letter_date: date,
    signer: str,
    reference: str = "",
    recipient: str = DEFAULT_RECIPIENT,
) -> dict[str, Any]:
    """What the letter template shows; the regional list is the decided allocation's."""
    from rsapp.portfolio import round_allocation
    from rsapp.saksfremlegg.drafting import amounts_text
    from rsapp.saksfremlegg.numbering import format_case_number
    from rsapp.saksfremlegg.writeback import ROUND_DECIDED, decision_meeting

    round_ = _round(session, round_id)
    if round_.status != ROUND_DECIDED:
        raise CaseError(
            f"{round_.name} er ikke vedtatt ennå: godkjenn protokollen fra prioriteringsmøtet før listen sendes "
            "Helse Nord."
        )
    hf = queries.helsefellesskap(session, round_.helsefellesskap_id)
    hf_name = hf.name if hf else ""
    allocation = round_allocation(session, round_id)
    meeting = decision_meeting(session, round_id)
    case = None
    if meeting is not None:
        case = next(
            (c for c in queries.meeting_cases(session, int(meeting.id or 0)) if c.round_id == round_id), None
        )
    decided = (
        f"i møte {format_date(meeting.date)}"
        + (f", sak {format_case_number(case.number, case.year)}" if case is not None else "")
        if meeting is not None
        else ""
    )
    regional = [
        {
            "rank": str(index),
            "name": item.name,
            "years": "beløp ikke oppgitt" if item.by_year is None else amounts_text(item.by_year),
            "total": "ikke oppgitt" if item.total is None else f"kr {item.total:,}".replace(",", "\u00a0"),
        }
        for index, item in enumerate(allocation.regional, start=1)
    ]
    body = [
        f"{hf_name} har behandlet søknadene om rekrutterings- og samhandlingstilskudd for {round_.year}. "
        f"Strategisk samarbeidsutvalg vedtok prioriteringen {decided}.".replace("  ", " ").replace(" .", "."),
        f"Vi oversender med dette {len(regional)} søknader i prioritert rekkefølge til Tildelingsutvalget. "
        "Beløpene er det som gjenstår av det søkte etter den lokale tildelingen, per budsjettår.",
        "Søknadene og prioriteringslisten (Excel, arket «Regional liste») følger vedlagt. Ta gjerne kontakt "
        "med sekretariatet ved spørsmål.",
    ]
    attachments = [
        f"Prioriteringsliste {round_.name} (Excel, vedtatt)",
        *(f"Søknad: {item['name']}" for item in regional),
    ]
    return {
        "helsefellesskap": hf_name,
        "recipient": recipient,
        "letter_date": format_date(letter_date),
        "reference": reference,
        "signer": signer or "Sekretariatet",
        "subject": f"Oversendelse av prioriterte søknader – rekrutterings- og samhandlingstilskudd {round_.year}",
        "body": body,
        "regional": regional,
        "attachments": attachments,
        "deadline": format_date(round_.deadline_helse_nord) if round_.deadline_helse_nord else "",
    }


@dataclass(slots=True)
class LetterPackage:
    path: Path
    parts: list[str] = field(default_factory=list)


def write_letter(
    session: Session,
    round_id: int,
    target: Path,
    *,
    as_pdf: bool,
    letter_date: date,
    signer: str,
    reference: str = "",
    recipient: str = DEFAULT_RECIPIENT,
    templates_dir: str | Path | None = None,
) -> LetterPackage:
    """The letter with the regional list and the forwarded applications: a folder or one PDF."""
    import tempfile

    from rsapp.export.data import excel_data
    from rsapp.export.excel import write_excel
    from rsapp.files import FileWriteError, private_dir, write_atomic
    from rsapp.portfolio import round_allocation
    from rsapp.saksfremlegg.documents import DocumentRenderer, convert_to_pdf, merge_pdfs
    from rsapp.saksfremlegg.innkalling import _safe, application_context
    from rsapp.saksfremlegg.writeback import decision_meeting

    context = letter_context(
        session, round_id, letter_date=letter_date, signer=signer, reference=reference, recipient=recipient
    )
    letter = DocumentRenderer("oversendelse", templates_dir).docx(context, title=context["subject"])
    files: list[tuple[str, bytes]] = [(f"01 Oversendelse {context['letter_date']}.docx", letter)]
    meeting = decision_meeting(session, round_id)
    list_date = meeting.date if meeting is not None else letter_date
    with tempfile.TemporaryDirectory(prefix="rsapp-oversendelse-") as tmp:
        path = write_excel(excel_data(session, round_id, today=list_date), Path(tmp) / "liste.xlsx")
        files.append(("02 Prioriteringsliste (vedtatt).xlsx", path.read_bytes()))
    renderer = DocumentRenderer("soknad", templates_dir)
    for item in round_allocation(session, round_id).regional:
        context_app = application_context(session, item.key, "oversendelsen til Helse Nord")
        files.append(
            (
                f"{len(files) + 1:02d} Søknad - {_safe(item.name)}.docx",
                renderer.docx(context_app, title=item.name),
            )
        )
    try:
        if not as_pdf:
            folder = private_dir(target)
            for name, content in files:
                write_atomic(folder / name, content)
            return LetterPackage(folder, [name for name, _ in files])
        converted = convert_to_pdf(dict(files))
        if target.is_dir():
            target = target / f"oversendelse-{letter_date.isoformat()}.pdf"
        merged = merge_pdfs([converted[Path(name).stem + ".pdf"] for name, _ in files])
        return LetterPackage(write_atomic(target, merged), [name for name, _ in files])
    except FileWriteError as exc:
        raise CaseError(str(exc)) from exc


def mark_sent(
    session: Session,
    round_id: int,
    *,
    on: date,
    letter_date: date | None = None,
    reference: str = "",
    path: str = "",
) -> ForwardingState:
    """Record that the letter went to Helse Nord on ``on`` (the deadline is then no longer shown)."""
    with change(session) as work:
        round_ = _round(session, round_id)
        row = _forwarding(session, round_id) or Forwarding(round_id=round_id)
        old = format_date(row.sent_on) if row.sent_on else ""
        row.sent_on = on
        row.letter_date = letter_date or row.letter_date or on
        row.reference = reference or row.reference
        row.path = path or row.path
        row.recipient = row.recipient or DEFAULT_RECIPIENT.splitlines()[0]
        row.version += 1 if row.id else 0
        session.add(row)
        work.log(
            ENTITY_FORWARDING,
            round_id,
            "sendt",
            f"Prioritert liste for {round_.name} sendt Helse Nord {format_date(on)}",
            old,
            format_date(on),
            round_id=round_id,
        )
    return forwarding_state(session, round_id, today=on)
