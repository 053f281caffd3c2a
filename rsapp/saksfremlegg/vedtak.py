"""The vedtak of each case: as recommended, or amended point by point; the vote; inhabil; utsatt.

A vedtak is recorded once the innkalling is sent (during or after the meeting) and until the
protokoll is approved. It starts as a copy of the innstilling, point by point
(:data:`~rsapp.vocab.POINT_UNCHANGED`); each amended point keeps the innstilling's text beside
its own, a new point has no innstilling, a struck point stays listed as struck. The outcome
follows the points: *som innstilt* while every point is unchanged, *endret* otherwise, unless
the case is *utsatt* (postponed: it returns to the queue when the protokoll is approved).

A point that decides money carries its amounts per year (``amounts``): the prioritisation
case's application and earmark points carry the innstilt amounts, an amendment may change them
("--beløp 2026=400000,2027=200000" or written in the text "kr 400 000 i 2026"), and the
write-back (:mod:`rsapp.saksfremlegg.writeback`) reads them.

The vote is unanimous (*enstemmig*) or counted with names for and against; a member marked
inhabil leaves the case and cannot vote. Names are checked against the meeting's attendance
(:mod:`rsapp.saksfremlegg.meeting_life`), which comes from the SSU member register.

Every change is one unit of work and in the change log; errors are Norwegian and name the case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlmodel import Session, col, select

from rsapp.models import (
    Case,
    InnstillingPoint,
    Meeting,
    MeetingAttendance,
    Vedtak,
    VedtakInhabil,
    VedtakPoint,
    VedtakVote,
)
from rsapp.money import AmountError, format_kr, parse_amount
from rsapp.saksfremlegg.meeting_life import check_unlocked
from rsapp.saksfremlegg.records import CaseError, case_label, change, get_case, get_meeting
from rsapp.store import queries
from rsapp.store.unit_of_work import UnitOfWork
from rsapp.vocab import (
    ATTENDANCE_PRESENT,
    ATTENDANCE_SUBSTITUTE,
    DEFAULT_INHABIL_BASIS,
    MEETING_PLANNED,
    OUTCOME_AMENDED,
    OUTCOME_AS_RECOMMENDED,
    OUTCOME_LABELS,
    OUTCOME_POSTPONED,
    POINT_AMENDED,
    POINT_CHANGE_LABELS,
    POINT_NEW,
    POINT_STRUCK,
    POINT_UNCHANGED,
    VOTE_COUNTED,
    VOTE_UNANIMOUS,
)

__all__ = [
    "ENTITY_VEDTAK",
    "VedtakLine",
    "VedtakView",
    "add_vedtak_point",
    "amend_point",
    "clear_inhabil",
    "clear_vedtak",
    "meeting_vedtak",
    "parse_year_amounts",
    "postpone",
    "record_as_recommended",
    "restore_point",
    "set_inhabil",
    "set_note",
    "set_vote",
    "strike_point",
    "vedtak_view",
    "vote_text",
]

ENTITY_VEDTAK = "vedtak"


# --- amounts ------------------------------------------------------------------------------------

_YEAR_AMOUNT = re.compile(r"^\s*(?P<year>\d{4})\s*[=:]\s*(?P<amount>.+?)\s*$")


def parse_year_amounts(text: str) -> dict[int, int]:
    """ "2026=400000, 2027=200 000 kr" -> {2026: 400000, 2027: 200000}; {} for "" or "0".

    Raises :class:`CaseError` naming the part that cannot be read.
    """
    text = (text or "").strip()
    if text in ("", "0", "ingen"):
        return {}
    out: dict[int, int] = {}
    for part in re.split(r"[;,](?=\s*\d{4}\s*[=:])", text):
        m = _YEAR_AMOUNT.match(part)
        if m is None:
            raise CaseError(f"Kan ikke lese «{part.strip()}»: skriv beløpene som 2026=400000, 2027=200000.")
        year = int(m.group("year"))
        raw = m.group("amount")
        digits = raw.replace(" ", "").replace("\u00a0", "")
        if digits.isdigit():
            amount = int(digits)
        else:
            try:
                amount = parse_amount(raw).low
            except AmountError as exc:
                raise CaseError(f"Kan ikke lese beløpet «{raw}» for {year}: {exc}") from exc
        if year in out:
            raise CaseError(f"Året {year} står to ganger i «{text}».")
        out[year] = amount
    return out


def amounts_label(amounts: Mapping[int, int] | None) -> str:
    if not amounts:
        return "ingen beløp"
    return ", ".join(f"{format_kr(a)} i {y}" for y, a in sorted(amounts.items()))


def _stored(amounts: Mapping[int, int] | None) -> dict[str, int] | None:
    return None if amounts is None else {str(y): int(a) for y, a in sorted(amounts.items())}


def _loaded(amounts: Mapping[str, int] | None) -> dict[int, int] | None:
    return None if amounts is None else {int(y): int(a) for y, a in amounts.items()}


# --- views --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VedtakLine:
    """One point of a vedtak beside the innstilling point it answers."""

    id: int
    number: int  # 1-based position in the vedtak
    innstilling: str  # "" for a new point
    text: str
    change: str
    source_key: str
    application_id: int | None
    earmark_id: int | None
    amounts: dict[int, int] | None

    @property
    def change_label(self) -> str:
        return POINT_CHANGE_LABELS.get(self.change, self.change)

    @property
    def counts(self) -> bool:
        """Part of what was decided (not struck)."""
        return self.change != POINT_STRUCK


@dataclass(slots=True)
class VedtakView:
    """A case's vedtak as screens, the CLI and the protokoll show it."""

    case: Case
    meeting: Meeting | None
    vedtak: Vedtak | None
    innstilling: list[InnstillingPoint]
    lines: list[VedtakLine] = field(default_factory=list)
    votes_for: list[str] = field(default_factory=list)
    votes_against: list[str] = field(default_factory=list)
    inhabil: list[tuple[str, str, str]] = field(default_factory=list)  # (name, basis, note)

    @property
    def outcome(self) -> str:
        return self.vedtak.outcome if self.vedtak else ""

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome)

    @property
    def postponed(self) -> bool:
        return self.outcome == OUTCOME_POSTPONED

    @property
    def decided_lines(self) -> list[VedtakLine]:
        return [line for line in self.lines if line.counts]

    @property
    def vote_text(self) -> str:
        return vote_text(self)


def vote_text(view: VedtakView) -> str:
    """ "Enstemmig vedtatt." / "Vedtatt med 5 mot 2 stemmer. For: …. Mot: …." / "Saken ble utsatt." """
    if view.vedtak is None or not view.outcome:
        return ""
    if view.postponed:
        return "Saken ble utsatt."
    if view.vedtak.vote == VOTE_COUNTED:
        n_for = view.vedtak.votes_for or 0
        n_against = view.vedtak.votes_against or 0
        text = f"Vedtatt med {n_for} mot {n_against} stemmer."
        if view.votes_for:
            text += f" For: {', '.join(view.votes_for)}."
        if view.votes_against:
            text += f" Mot: {', '.join(view.votes_against)}."
        return text
    return "Enstemmig vedtatt."


def _lines_of(points: Sequence[VedtakPoint]) -> list[VedtakLine]:
    return [
        VedtakLine(
            id=int(p.id or 0),
            number=index,
            innstilling=p.innstilling_text,
            text=p.text,
            change=p.change,
            source_key=p.source_key,
            application_id=p.application_id,
            earmark_id=p.earmark_id,
            amounts=_loaded(p.amounts),
        )
        for index, p in enumerate(points, start=1)
    ]


def _view(session: Session, case: Case, vedtak: Vedtak | None, meeting: Meeting | None) -> VedtakView:
    view = VedtakView(case, meeting, vedtak, queries.case_points(session, int(case.id or 0)))
    if vedtak is None:
        return view
    points = session.exec(
        select(VedtakPoint)
        .where(VedtakPoint.vedtak_id == vedtak.id)
        .order_by(col(VedtakPoint.position), col(VedtakPoint.id))
    ).all()
    view.lines = _lines_of(points)
    for vote in session.exec(
        select(VedtakVote).where(VedtakVote.vedtak_id == vedtak.id).order_by(col(VedtakVote.id))
    ):
        (view.votes_for if vote.vote == "for" else view.votes_against).append(vote.name)
    view.inhabil = [
        (row.name, row.basis, row.note)
        for row in session.exec(
            select(VedtakInhabil).where(VedtakInhabil.vedtak_id == vedtak.id).order_by(col(VedtakInhabil.id))
        )
    ]
    return view


def _vedtak_of(session: Session, case: Case) -> Vedtak | None:
    """The case's vedtak at its current meeting, else its latest one (a postponed case's)."""
    query = select(Vedtak).where(Vedtak.case_id == case.id)
    if case.meeting_id is not None:
        found = session.exec(query.where(Vedtak.meeting_id == case.meeting_id)).first()
        if found is not None:
            return found
    return session.exec(query.order_by(col(Vedtak.id).desc())).first()


def vedtak_view(session: Session, case_id: int) -> VedtakView:
    case = get_case(session, case_id)
    vedtak = _vedtak_of(session, case)
    meeting_id = vedtak.meeting_id if vedtak else case.meeting_id
    meeting = get_meeting(session, meeting_id) if meeting_id is not None else None
    return _view(session, case, vedtak, meeting)


def meeting_vedtak(session: Session, meeting_id: int) -> list[VedtakView]:
    """Every case of the meeting (postponed ones included) with its vedtak, in case-number order."""
    meeting = get_meeting(session, meeting_id)
    cases = {int(c.id or 0): c for c in queries.meeting_cases(session, meeting_id)}
    vedtak = {v.case_id: v for v in session.exec(select(Vedtak).where(Vedtak.meeting_id == meeting_id))}
    for case_id in vedtak:
        if case_id not in cases:
            case = session.get(Case, case_id)
            if case is not None:
                cases[case_id] = case
    ordered = sorted(cases.values(), key=lambda c: (c.year, c.number))
    return [_view(session, case, vedtak.get(int(case.id or 0)), meeting) for case in ordered]


# --- changing -----------------------------------------------------------------------------------


def _meeting_for(session: Session, case: Case) -> Meeting:
    if case.meeting_id is None:
        raise CaseError(f"{case_label(case)} står ikke på noe møte; vedtak føres på møtet saken behandles i.")
    meeting = get_meeting(session, case.meeting_id)
    check_unlocked(meeting, f"Vedtaket i {_sak(case)}")
    if meeting.status == MEETING_PLANNED:
        raise CaseError(
            f"Innkallingen til møtet er ikke sendt; vedtak i {_sak(case)} føres når møtet er "
            "innkalt eller avholdt."
        )
    return meeting


def _innstilling_amounts(session: Session, point: InnstillingPoint) -> dict[int, int] | None:
    """The innstilt amounts per year of a prioritisation point (application or earmark), else None."""
    from rsapp.portfolio import round_allocation

    case = session.get(Case, point.case_id)
    if case is None or case.round_id is None:
        return None
    if point.application_id is not None and point.source_key.startswith("application:"):
        allocation = round_allocation(session, case.round_id)
        row = next((r for r in allocation.rows if r.key == point.application_id), None)
        return {y: a for y, a in (row.local if row else {}).items() if a}
    if point.earmark_id is not None and point.source_key.startswith("earmark:"):
        allocation = round_allocation(session, case.round_id)
        earmark = next((e for e in allocation.ledger.earmarks if e.key == point.earmark_id), None)
        return {y: a for y, a in (earmark.amounts if earmark else {}).items() if a}
    return None


def _open(work: UnitOfWork, case: Case) -> Vedtak:
    """The case's vedtak at its meeting, created from the innstilling when it does not exist yet."""
    session = work.session
    meeting = _meeting_for(session, case)
    vedtak = session.exec(
        select(Vedtak).where(Vedtak.case_id == case.id, Vedtak.meeting_id == meeting.id)
    ).first()
    if vedtak is not None:
        return vedtak
    vedtak = Vedtak(
        case_id=int(case.id or 0), meeting_id=int(meeting.id or 0), outcome=OUTCOME_AS_RECOMMENDED
    )
    session.add(vedtak)
    session.flush()
    _copy_innstilling(session, vedtak, case)
    return vedtak


def _copy_innstilling(session: Session, vedtak: Vedtak, case: Case) -> None:
    session.execute(delete(VedtakPoint).where(col(VedtakPoint.vedtak_id) == vedtak.id))
    for position, point in enumerate(queries.case_points(session, int(case.id or 0)), start=1):
        session.add(
            VedtakPoint(
                vedtak_id=int(vedtak.id or 0),
                position=position,
                point_id=point.id,
                innstilling_text=point.text,
                text=point.text,
                change=POINT_UNCHANGED,
                source_key=point.source_key,
                application_id=point.application_id,
                earmark_id=point.earmark_id,
                amounts=_stored(_innstilling_amounts(session, point)),
            )
        )
    session.flush()


def _points(session: Session, vedtak: Vedtak) -> list[VedtakPoint]:
    return list(
        session.exec(
            select(VedtakPoint)
            .where(VedtakPoint.vedtak_id == vedtak.id)
            .order_by(col(VedtakPoint.position), col(VedtakPoint.id))
        )
    )


def _point(session: Session, vedtak: Vedtak, number: int, case: Case) -> VedtakPoint:
    points = _points(session, vedtak)
    if not 1 <= number <= len(points):
        raise CaseError(f"Vedtaket i {_sak(case)} har punkt 1–{len(points)}, ikke {number}.")
    return points[number - 1]


def _settle_outcome(session: Session, vedtak: Vedtak) -> None:
    if vedtak.outcome == OUTCOME_POSTPONED:
        return
    changed = any(p.change != POINT_UNCHANGED for p in _points(session, vedtak))
    vedtak.outcome = OUTCOME_AMENDED if changed else OUTCOME_AS_RECOMMENDED
    vedtak.version += 1
    session.add(vedtak)


def _done(session: Session, case_id: int) -> VedtakView:
    return vedtak_view(session, case_id)


def record_as_recommended(session: Session, case_id: int) -> VedtakView:
    """The meeting decided as recommended: the vedtak is the innstilling, point by point."""
    with change(session) as work:
        case = get_case(session, case_id)
        vedtak = _open(work, case)
        before = OUTCOME_LABELS.get(vedtak.outcome, vedtak.outcome)
        _copy_innstilling(session, vedtak, case)
        vedtak.outcome = OUTCOME_AS_RECOMMENDED
        vedtak.version += 1
        session.add(vedtak)
        work.log(
            ENTITY_VEDTAK,
            vedtak.id,
            "som_innstilt",
            f"Vedtak i {case_label(case)}: som innstilt",
            before,
            OUTCOME_LABELS[OUTCOME_AS_RECOMMENDED],
            round_id=case.round_id,
        )
    return _done(session, case_id)


def _amounts_from(text: str, amounts: Mapping[int, int] | None, point: VedtakPoint) -> dict[int, int] | None:
    """The amounts an amended money point carries: given; else read from its text ("kr 400 000 i
    2026", or one amount and one year, or one amount in the only year the point had); else, when
    the text names no amount, the amounts it had. An amount that cannot be placed in a year is
    refused rather than guessed."""
    if amounts is not None:
        return dict(amounts)
    before = _loaded(point.amounts)
    if point.application_id is None and point.earmark_id is None:
        return before
    from rsapp.money import find_amounts
    from rsapp.saksfremlegg.drafting import read_amounts_text

    found = read_amounts_text(text)
    if found:
        return found
    figures = [parsed.low for _, _, parsed in find_amounts(text)]
    if not figures:
        return before
    years = sorted({int(y) for y in re.findall(r"\b(20\d\d)\b", text)})
    if len(figures) == 1 and len(years) == 1:
        return {years[0]: figures[0]}
    if len(figures) == 1 and not years and before is not None and len(before) == 1:
        return {next(iter(before)): figures[0]}
    raise CaseError(
        "Kan ikke se hvilke år beløpene i det endrede punktet gjelder; skriv beløpene per år "
        "(f.eks. 2026=400000,2027=200000)."
    )


def amend_point(
    session: Session,
    case_id: int,
    number: int,
    text: str | None = None,
    *,
    amounts: Mapping[int, int] | None = None,
) -> VedtakView:
    """Amend point ``number`` (1-based): a new text and/or new amounts per year; the innstilling
    stays beside it."""
    if text is not None and not text.strip():
        raise CaseError("Et vedtakspunkt kan ikke være tomt; stryk punktet i stedet.")
    if text is None and amounts is None:
        raise CaseError("Skriv den nye teksten eller de nye beløpene for punktet.")
    with change(session) as work:
        case = get_case(session, case_id)
        vedtak = _open(work, case)
        point = _point(session, vedtak, number, case)
        old = point.text
        new_text = text.strip() if text is not None else point.text
        if (
            text is not None
            and amounts is None
            and (point.application_id is not None or point.earmark_id is not None)
        ):
            point.amounts = _stored(_amounts_from(new_text, None, point))
        elif amounts is not None:
            if point.application_id is None and point.earmark_id is None:
                raise CaseError(
                    f"Punkt {number} i {_sak(case)} gjelder ingen søknad eller avsetning; "
                    "det har ingen beløp."
                )
            point.amounts = _stored(amounts)
        point.text = new_text
        if point.change != POINT_NEW:
            unchanged = point.text == point.innstilling_text and (
                amounts is None or _loaded(point.amounts) == _innstilling_amounts_of(session, point)
            )
            point.change = POINT_UNCHANGED if unchanged else POINT_AMENDED
        session.add(point)
        _settle_outcome(session, vedtak)
        work.log(
            ENTITY_VEDTAK,
            vedtak.id,
            "endre",
            f"Vedtak i {case_label(case)}: punkt {number} endret"
            + (f" ({amounts_label(amounts)})" if amounts is not None else ""),
            old,
            point.text,
            round_id=case.round_id,
        )
    return _done(session, case_id)


def _innstilling_amounts_of(session: Session, point: VedtakPoint) -> dict[int, int] | None:
    source = session.get(InnstillingPoint, point.point_id) if point.point_id else None
    return _innstilling_amounts(session, source) if source is not None else None


def add_vedtak_point(
    session: Session,
    case_id: int,
    text: str,
    *,
    application_id: int | None = None,
    amounts: Mapping[int, int] | None = None,
) -> VedtakView:
    """A point the meeting added (no innstilling); with ``application_id`` and ``amounts`` it
    awards that application the amounts per year."""
    if not text.strip():
        raise CaseError("Et vedtakspunkt kan ikke være tomt.")
    if amounts is not None and application_id is None:
        raise CaseError("Beløp i et nytt vedtakspunkt må høre til en søknad (--søknad).")
    with change(session) as work:
        case = get_case(session, case_id)
        vedtak = _open(work, case)
        points = _points(session, vedtak)
        if application_id is not None:
            app = queries.application_record(session, application_id)
            if app is None or app.application.round_id != case.round_id:
                raise CaseError(f"Søknad {application_id} hører ikke til runden i {_sak(case)}.")
            if any(p.application_id == application_id and p.change != POINT_STRUCK for p in points):
                raise CaseError(
                    f"Søknaden har allerede et punkt i vedtaket i {_sak(case)}; endre det i stedet."
                )
        point = VedtakPoint(
            vedtak_id=int(vedtak.id or 0),
            position=len(points) + 1,
            text=text.strip(),
            change=POINT_NEW,
            source_key=f"application:{application_id}" if application_id is not None else "",
            application_id=application_id,
            amounts=_stored(amounts) if amounts is not None else None,
        )
        session.add(point)
        session.flush()
        _settle_outcome(session, vedtak)
        work.log(
            ENTITY_VEDTAK,
            vedtak.id,
            "ny",
            f"Vedtak i {case_label(case)}: nytt punkt {len(points) + 1}",
            "",
            point.text,
            round_id=case.round_id,
        )
    return _done(session, case_id)


def strike_point(session: Session, case_id: int, number: int) -> VedtakView:
    """The meeting struck point ``number``: kept in the list as struck, decides nothing."""
    with change(session) as work:
        case = get_case(session, case_id)
        vedtak = _open(work, case)
        point = _point(session, vedtak, number, case)
        if point.change == POINT_NEW:
            session.delete(point)
            session.flush()
            for position, other in enumerate(_points(session, vedtak), start=1):
                other.position = position
                session.add(other)
        else:
            point.change = POINT_STRUCK
            session.add(point)
        _settle_outcome(session, vedtak)
        work.log(
            ENTITY_VEDTAK,
            vedtak.id,
            "stryk",
            f"Vedtak i {case_label(case)}: punkt {number} strøket",
            point.text,
            "",
            round_id=case.round_id,
        )
    return _done(session, case_id)


def restore_point(session: Session, case_id: int, number: int) -> VedtakView:
    """Point ``number`` back as the innstilling said (text and amounts)."""
    with change(session) as work:
        case = get_case(session, case_id)
        vedtak = _open(work, case)
        point = _point(session, vedtak, number, case)
        if point.change == POINT_NEW:
            raise CaseError(f"Punkt {number} er nytt i vedtaket og har ingen innstilling å gå tilbake til.")
        old = point.text
        point.text = point.innstilling_text
        point.amounts = _stored(_innstilling_amounts_of(session, point))
        point.change = POINT_UNCHANGED
        session.add(point)
        _settle_outcome(session, vedtak)
        work.log(
            ENTITY_VEDTAK,
            vedtak.id,
            "tilbake",
            f"Vedtak i {case_label(case)}: punkt {number} som innstilt",
            old,
            point.text,
            round_id=case.round_id,
        )
    return _done(session, case_id)


def _present(session: Session, meeting_id: int) -> dict[str, MeetingAttendance]:
    rows = session.exec(select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting_id)).all()
    return {row.name: row for row in rows}


def _resolve(
    names: Iterable[str], present: Mapping[str, MeetingAttendance], case: Case
) -> list[MeetingAttendance]:
    out: list[MeetingAttendance] = []
    for raw in names:
        wanted = raw.strip().lower()
        if not wanted:
            continue
        exact = [row for name, row in present.items() if name.lower() == wanted]
        found = exact or [row for name, row in present.items() if wanted in name.lower()]
        if len(found) != 1:
            listed = ", ".join(present) or "ingen"
            what = "passer på flere" if found else "står ikke på møtet"
            raise CaseError(f"«{raw.strip()}» {what} (møtet: {listed}).")
        row = found[0]
        if row.status not in (ATTENDANCE_PRESENT, ATTENDANCE_SUBSTITUTE):
            raise CaseError(f"{row.name} er ikke registrert som møtt og kan ikke stemme i {_sak(case)}.")
        if row in out:
            raise CaseError(f"{row.name} står to ganger i voteringen.")
        out.append(row)
    return out


def set_vote(
    session: Session,
    case_id: int,
    *,
    unanimous: bool = True,
    for_names: Sequence[str] = (),
    against_names: Sequence[str] = (),
) -> VedtakView:
    """The vote: unanimous, or counted with the names of those for and against."""
    with change(session) as work:
        case = get_case(session, case_id)
        vedtak = _open(work, case)
        if vedtak.outcome == OUTCOME_POSTPONED:
            raise CaseError(f"{case_label(case)} er utsatt; det ble ikke stemt.")
        session.execute(delete(VedtakVote).where(col(VedtakVote.vedtak_id) == vedtak.id))
        inhabil = {
            row.name
            for row in session.exec(select(VedtakInhabil).where(VedtakInhabil.vedtak_id == vedtak.id))
        }
        if unanimous:
            if for_names or against_names:
                raise CaseError("En enstemmig votering har ingen navn for og mot.")
            vedtak.vote, vedtak.votes_for, vedtak.votes_against = VOTE_UNANIMOUS, None, None
            summary = "enstemmig"
        else:
            present = _present(session, vedtak.meeting_id)
            yes = _resolve(for_names, present, case)
            no = _resolve(against_names, present, case)
            both = {row.name for row in yes} & {row.name for row in no}
            if both:
                raise CaseError(f"{', '.join(sorted(both))} kan ikke stemme både for og mot.")
            left = ({row.name for row in yes} | {row.name for row in no}) & inhabil
            if left:
                raise CaseError(f"{', '.join(sorted(left))} er inhabil i {_sak(case)} og kan ikke stemme.")
            if not yes:
                raise CaseError("Skriv hvem som stemte for.")
            if len(no) >= len(yes):
                raise CaseError(
                    f"Med {len(yes)} for og {len(no)} mot er forslaget ikke vedtatt; før det som et endret vedtak "
                    "eller utsett saken."
                )
            for row in yes:
                session.add(
                    VedtakVote(
                        vedtak_id=int(vedtak.id or 0), assessor_id=row.assessor_id, name=row.name, vote="for"
                    )
                )
            for row in no:
                session.add(
                    VedtakVote(
                        vedtak_id=int(vedtak.id or 0), assessor_id=row.assessor_id, name=row.name, vote="mot"
                    )
                )
            vedtak.vote, vedtak.votes_for, vedtak.votes_against = VOTE_COUNTED, len(yes), len(no)
            summary = f"{len(yes)} mot {len(no)}"
        vedtak.version += 1
        session.add(vedtak)
        work.log(
            ENTITY_VEDTAK,
            vedtak.id,
            "votering",
            f"Votering i {case_label(case)}: {summary}",
            "",
            summary,
            round_id=case.round_id,
        )
    return _done(session, case_id)


def set_inhabil(
    session: Session, case_id: int, name: str, *, basis: str = DEFAULT_INHABIL_BASIS, note: str = ""
) -> VedtakView:
    """``name`` left the case as inhabil (forvaltningsloven § 6); a vote they were in is refused."""
    with change(session) as work:
        case = get_case(session, case_id)
        vedtak = _open(work, case)
        meeting_rows = session.exec(
            select(MeetingAttendance).where(MeetingAttendance.meeting_id == vedtak.meeting_id)
        ).all()
        present = {row.name: row for row in meeting_rows}
        wanted = name.strip().lower()
        found = [row for n, row in present.items() if n.lower() == wanted] or [
            row for n, row in present.items() if wanted and wanted in n.lower()
        ]
        if len(found) != 1:
            listed = ", ".join(present) or "ingen"
            raise CaseError(f"«{name.strip()}» står ikke (entydig) på møtet (møtet: {listed}).")
        row = found[0]
        voted = session.exec(
            select(VedtakVote).where(VedtakVote.vedtak_id == vedtak.id, VedtakVote.name == row.name)
        ).first()
        if voted is not None:
            raise CaseError(
                f"{row.name} står i voteringen i {_sak(case)}; endre voteringen før vedkommende "
                "markeres inhabil."
            )
        existing = session.exec(
            select(VedtakInhabil).where(VedtakInhabil.vedtak_id == vedtak.id, VedtakInhabil.name == row.name)
        ).first()
        entry = existing or VedtakInhabil(
            vedtak_id=int(vedtak.id or 0), assessor_id=row.assessor_id, name=row.name
        )
        entry.basis = basis.strip() or DEFAULT_INHABIL_BASIS
        entry.note = note.strip()
        session.add(entry)
        vedtak.version += 1
        session.add(vedtak)
        work.log(
            ENTITY_VEDTAK,
            vedtak.id,
            "inhabil",
            f"{row.name} inhabil i {case_label(case)} ({entry.basis})",
            "",
            row.name,
            round_id=case.round_id,
        )
    return _done(session, case_id)


def clear_inhabil(session: Session, case_id: int, name: str) -> VedtakView:
    with change(session) as work:
        case = get_case(session, case_id)
        vedtak = _open(work, case)
        rows = session.exec(select(VedtakInhabil).where(VedtakInhabil.vedtak_id == vedtak.id)).all()
        found = [row for row in rows if row.name.lower() == name.strip().lower()]
        if not found:
            raise CaseError(f"{name.strip()} er ikke markert inhabil i {_sak(case)}.")
        session.delete(found[0])
        work.log(
            ENTITY_VEDTAK,
            vedtak.id,
            "habil",
            f"{found[0].name} ikke lenger inhabil i {case_label(case)}",
            found[0].name,
            "",
            round_id=case.round_id,
        )
    return _done(session, case_id)


def postpone(session: Session, case_id: int, reason: str = "") -> VedtakView:
    """The case is *utsatt*: it goes back to the queue when the protokoll is approved."""
    with change(session) as work:
        case = get_case(session, case_id)
        vedtak = _open(work, case)
        before = OUTCOME_LABELS.get(vedtak.outcome, vedtak.outcome)
        session.execute(delete(VedtakVote).where(col(VedtakVote.vedtak_id) == vedtak.id))
        vedtak.outcome = OUTCOME_POSTPONED
        vedtak.vote, vedtak.votes_for, vedtak.votes_against = VOTE_UNANIMOUS, None, None
        vedtak.note = reason.strip()
        vedtak.version += 1
        session.add(vedtak)
        work.log(
            ENTITY_VEDTAK,
            vedtak.id,
            "utsatt",
            f"{case_label(case)} utsatt" + (f": {reason.strip()}" if reason.strip() else ""),
            before,
            OUTCOME_LABELS[OUTCOME_POSTPONED],
            round_id=case.round_id,
        )
    return _done(session, case_id)


def set_note(session: Session, case_id: int, note: str) -> VedtakView:
    """A protokolltilførsel (or the reason a case was postponed)."""
    with change(session) as work:
        case = get_case(session, case_id)
        vedtak = _open(work, case)
        old = vedtak.note
        vedtak.note = note.strip()
        vedtak.version += 1
        session.add(vedtak)
        work.log(
            ENTITY_VEDTAK,
            vedtak.id,
            "merknad",
            f"Merknad til vedtaket i {case_label(case)}",
            old,
            vedtak.note,
            round_id=case.round_id,
        )
    return _done(session, case_id)


def clear_vedtak(session: Session, case_id: int) -> VedtakView:
    """Remove what was recorded for the case at its meeting (before approval)."""
    with change(session) as work:
        case = get_case(session, case_id)
        meeting = _meeting_for(session, case)
        vedtak = session.exec(
            select(Vedtak).where(Vedtak.case_id == case.id, Vedtak.meeting_id == meeting.id)
        ).first()
        if vedtak is None:
            raise CaseError(f"{case_label(case)} har ikke noe vedtak ennå.")
        before = OUTCOME_LABELS.get(vedtak.outcome, vedtak.outcome)
        session.delete(vedtak)
        work.log(
            ENTITY_VEDTAK,
            vedtak.id,
            "slett",
            f"Vedtaket i {case_label(case)} fjernet",
            before,
            "",
            round_id=case.round_id,
        )
    return _done(session, case_id)


def _sak(case: Case) -> str:
    """ "sak 28-2025 «Tittel»" inside a sentence (the title keeps its capitals)."""
    from rsapp.saksfremlegg.numbering import format_case_number

    return f"sak {format_case_number(case.number, case.year)} «{case.title}»"
