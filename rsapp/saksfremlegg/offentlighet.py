"""Passages and fields withheld from the public (*unntatt offentlighet*) with their legal basis.

A case's saksopplysninger, vurdering, attachments, one innstilling point (or the whole
innstilling) or its vedtak can be withheld, whole or one exact passage, with the basis (for
example *offl. § 13 jf. fvl. § 13 første ledd nr. 1*). The member version of the saksfremlegg,
innkalling and protokoll shows everything and says what is withheld; the public version
replaces each withheld text with «[Unntatt offentlighet, jf. …]», stating the basis.

Marking is allowed after the protokoll is approved (it changes who may read, not what was
decided). Every change is one unit of work and goes to the change log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlmodel import Session, col, select

from rsapp.models import Case, Exemption, Meeting
from rsapp.saksfremlegg.records import CaseError, case_label, change, get_case
from rsapp.store import queries
from rsapp.vocab import DEFAULT_EXEMPTION_BASIS

__all__ = [
    "EXEMPT_FIELDS",
    "PUBLIC_LABEL",
    "MEMBER_LABEL",
    "ExemptionLine",
    "add_exemption",
    "case_exemptions",
    "exemption_lines",
    "notice",
    "redact_case",
    "remove_exemption",
]

#: The fields that can be withheld, as the user names them.
EXEMPT_FIELDS: dict[str, str] = {
    "saksopplysninger": "saksopplysningene",
    "vurdering": "vurderingen",
    "vedlegg": "vedleggene",
    "innstilling": "innstillingen",
    "vedtak": "vedtaket",
}
PUBLIC_LABEL = "Offentlig versjon"
MEMBER_LABEL = "Medlemsversjon"
ENTITY_EXEMPTION = "unntak"


def notice(basis: str) -> str:
    """ "[Unntatt offentlighet, jf. offl. § 13 …]" """
    return f"[Unntatt offentlighet, jf. {basis}]"


@dataclass(frozen=True, slots=True)
class ExemptionLine:
    id: int
    case_id: int
    field: str
    point_number: int | None
    passage: str
    basis: str

    @property
    def what(self) -> str:
        """``«passage» i saksopplysningene``, ``Punkt 2 i innstillingen``, ``Vurderingen``."""
        what = EXEMPT_FIELDS.get(self.field, self.field)
        if self.point_number is not None:
            what = f"punkt {self.point_number} i innstillingen"
        return f"«{_short(self.passage)}» i {what}" if self.passage else what.capitalize()

    @property
    def description(self) -> str:
        return f"{self.what} er unntatt offentlighet, jf. {self.basis}"


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def case_exemptions(session: Session, case_id: int) -> list[Exemption]:
    return list(
        session.exec(select(Exemption).where(Exemption.case_id == case_id).order_by(col(Exemption.id)))
    )


def exemption_lines(session: Session, case_id: int) -> list[ExemptionLine]:
    points = {p.id: n for n, p in enumerate(queries.case_points(session, case_id), start=1)}
    return [
        ExemptionLine(
            int(e.id or 0),
            e.case_id,
            e.field,
            points.get(e.point_id) if e.point_id else None,
            e.passage,
            e.basis,
        )
        for e in case_exemptions(session, case_id)
    ]


def add_exemption(
    session: Session,
    case_id: int,
    field: str,
    *,
    basis: str = DEFAULT_EXEMPTION_BASIS,
    passage: str = "",
    point_number: int | None = None,
) -> ExemptionLine:
    """Withhold ``field`` of the case (or ``passage`` in it, or innstilling point ``point_number``)."""
    if field not in EXEMPT_FIELDS:
        raise CaseError(f"Ukjent felt «{field}»: velg {', '.join(EXEMPT_FIELDS)}.")
    basis = basis.strip()
    if not basis:
        raise CaseError("Skriv hjemmelen for unntaket, f.eks. «offl. § 13 jf. fvl. § 13 første ledd nr. 1».")
    passage = passage.strip()
    with change(session) as work:
        case = get_case(session, case_id)
        point_id = None
        if point_number is not None:
            if field != "innstilling":
                raise CaseError("Et punktnummer hører til feltet «innstilling».")
            points = queries.case_points(session, case_id)
            if not 1 <= point_number <= len(points):
                raise CaseError(
                    f"{case_label(case)} har innstillingspunkt 1–{len(points)}, ikke {point_number}."
                )
            point_id = points[point_number - 1].id
        if passage:
            # In the point when one is named, else anywhere in the field.
            text = (
                points[point_number - 1].text
                if point_number is not None
                else _field_text(session, case, field)
            )
            if passage not in text:
                where = (
                    f"punkt {point_number} i innstillingen"
                    if point_number is not None
                    else EXEMPT_FIELDS[field]
                )
                raise CaseError(
                    f"Fant ikke teksten «{_short(passage)}» i {where} i {_sak(case)}; kopier den nøyaktig."
                )
        row = Exemption(case_id=case_id, field=field, point_id=point_id, passage=passage, basis=basis)
        session.add(row)
        session.flush()
        line = exemption_lines(session, case_id)[-1]
        work.log(
            ENTITY_EXEMPTION,
            row.id,
            "ny",
            f"{case_label(case)}: {line.description}",
            "",
            basis,
            round_id=case.round_id,
        )
    return line


def remove_exemption(session: Session, exemption_id: int) -> None:
    with change(session) as work:
        row = session.get(Exemption, exemption_id)
        if row is None:
            raise CaseError(f"Fant ikke unntak med id {exemption_id}.")
        case = get_case(session, row.case_id)
        session.delete(row)
        work.log(
            ENTITY_EXEMPTION,
            exemption_id,
            "slett",
            f"{case_label(case)}: unntak fjernet",
            row.basis,
            "",
            round_id=case.round_id,
        )


def _field_text(session: Session, case: Case, field: str) -> str:
    if field == "saksopplysninger":
        return case.saksopplysninger
    if field == "vurdering":
        return case.vurdering
    if field == "vedlegg":
        return case.attachments
    if field == "innstilling":
        return "\n".join(p.text for p in queries.case_points(session, int(case.id or 0)))
    from rsapp.saksfremlegg.vedtak import vedtak_view

    return "\n".join(line.text for line in vedtak_view(session, int(case.id or 0)).lines)


def redact_text(text: str, exemptions: Sequence[Exemption], field: str, point_id: int | None = None) -> str:
    """``text`` of ``field`` (or of innstilling point ``point_id``) as the public version shows it:
    the exemptions that cover it applied in the order they were made; a whole one replaces all of
    it with the notice, a passage is replaced where it is."""
    for exemption in exemptions:
        if exemption.field != field or exemption.point_id not in (None, point_id):
            continue
        if not exemption.passage:
            return notice(exemption.basis)
        text = text.replace(exemption.passage, notice(exemption.basis))
    return text


def redact_case(
    case: Case, meeting: Meeting | None, points: Sequence[Any], exemptions: Sequence[Exemption]
) -> dict[str, Any]:
    """The case dict of :mod:`rsapp.saksfremlegg.render` for the public version."""
    from rsapp.saksfremlegg.render import _case_dict

    copy = SimpleNamespace(
        id=case.id,
        number=case.number,
        year=case.year,
        title=case.title,
        case_type=case.case_type,
        kind=case.kind,
        final=case.final,
        saksopplysninger=redact_text(case.saksopplysninger, exemptions, "saksopplysninger"),
        vurdering=redact_text(case.vurdering, exemptions, "vurdering"),
        attachments=redact_text(case.attachments, exemptions, "vedlegg"),
    )
    shown = []
    for point in points:
        text = redact_text(point.text, exemptions, "innstilling", point.id)
        shown.append(
            SimpleNamespace(
                id=point.id, text=text, source_key=point.source_key, generated_text=point.generated_text
            )
        )
    return _case_dict(copy, meeting, shown)  # type: ignore[arg-type]


def public_case_context(session: Session, case_id: int) -> dict[str, Any]:
    """:func:`rsapp.saksfremlegg.render.case_context` for the public version of one case."""
    from rsapp.saksfremlegg.render import case_context

    context = case_context(session, case_id)
    case = get_case(session, case_id)
    exemptions = case_exemptions(session, case_id)
    if exemptions:
        meeting = session.get(Meeting, case.meeting_id) if case.meeting_id is not None else None
        redacted = redact_case(case, meeting, queries.case_points(session, case_id), exemptions)
        context["case"] = redacted
        context["cases"] = [redacted]
    return context


def _sak(case: Case) -> str:
    """ "sak 28-2025 «Tittel»" inside a sentence (the title keeps its capitals)."""
    from rsapp.saksfremlegg.numbering import format_case_number

    return f"sak {format_case_number(case.number, case.year)} «{case.title}»"
