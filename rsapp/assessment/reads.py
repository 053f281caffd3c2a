"""Reading assessments: a round's texts, register, scores and decisions, and what they add up to.

Plain SQL with ``:name`` parameters through a Reader (stdlib sqlite3 or a SQLAlchemy session),
so the portfolio's first frame can use it as well as the CLI and the exporters.

:func:`assessment_summaries` is the one function every output uses (the portfolio and ranking
columns "Krav" and "Vurdering", the Excel list and its Kommentar, the saksfremlegg's Vurdering):
the same figures everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rsapp.assessment.catalogue import Catalogue, Item, catalogues_by_round, round_catalogue
from rsapp.assessment.scores import (
    KRAV_NOT_MET,
    KRAV_UNCLEAR,
    Aggregate,
    Answer,
    aggregate,
    average_label,
    format_decimal,
    krav_label,
)
from rsapp.store.read_model import as_date, as_reader
from rsapp.vocab import SECTION_HEADINGS

if TYPE_CHECKING:
    # Imported where they are used: the portfolio's first frame needs none of them (no register
    # yet, or no text to search), and each costs start-up time (regular expressions, dataclasses).
    from rsapp.assessment.habilitet import ConflictFlag, Person, Tie
    from rsapp.assessment.rules import Suggestion
    from rsapp.assessment.text import ApplicationText

_TEXT_COLUMNS = (
    "id",
    "round_id",
    "name",
    "working_title",
    "owners",
    "hospital_trust",
    "contact_municipal",
    "contact_trust",
    "agreement_text",
    "agreement_date",
    "period_text",
    "period_start",
    "period_end",
    "status",
    *SECTION_HEADINGS,
)


@dataclass(slots=True)
class RoundTexts:
    texts: dict[int, ApplicationText]
    statuses: dict[int, str]
    round_of: dict[int, int]


def _where(round_id: int | None, application_id: int | None, alias: str = "a") -> tuple[str, dict[str, Any]]:
    clauses, params = [], {}
    if round_id is not None:
        clauses.append(f"{alias}.round_id = :round_id")
        params["round_id"] = round_id
    if application_id is not None:
        clauses.append(f"{alias}.id = :application_id")
        params["application_id"] = application_id
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def read_texts(source: Any, round_id: int | None = None, application_id: int | None = None) -> RoundTexts:
    """The texts the rules read, for one round, one application, or all."""
    from rsapp.assessment.text import ApplicationText, BudgetAmount

    reader = as_reader(source)
    where, params = _where(round_id, application_id)
    columns = ", ".join(f"a.{c}" for c in _TEXT_COLUMNS)
    texts: dict[int, ApplicationText] = {}
    statuses: dict[int, str] = {}
    round_of: dict[int, int] = {}
    for row in reader.rows(f"SELECT {columns} FROM application a{where} ORDER BY a.id", params):
        values = dict(zip(_TEXT_COLUMNS, row, strict=True))
        fields = {
            name: (values.get(name) or "")
            for name in (
                "owners",
                "hospital_trust",
                "contact_municipal",
                "contact_trust",
                "agreement_text",
                "period_text",
                *SECTION_HEADINGS,
            )
        }
        title = (values["name"] or "").strip() or (values["working_title"] or "").strip()
        fields["name"] = title
        app_id = values["id"]
        texts[app_id] = ApplicationText(
            id=app_id,
            title=title or "(uten navn)",
            fields=fields,
            agreement_date=as_date(values["agreement_date"]),
            period_start=as_date(values["period_start"]),
            period_end=as_date(values["period_end"]),
        )
        statuses[app_id] = values["status"]
        round_of[app_id] = values["round_id"]
    if not texts:
        return RoundTexts(texts, statuses, round_of)
    for app_id, name in reader.rows(
        "SELECT am.application_id, m.name FROM applicationmunicipality am"
        f" JOIN municipality m ON m.id = am.municipality_id JOIN application a ON a.id = am.application_id{where}"
        " ORDER BY am.application_id, am.position, m.name",
        params,
    ):
        texts[app_id].municipalities.append(name)
    for app_id, position, year, amount, purpose, phrase in reader.rows(
        "SELECT b.application_id, b.position, b.budget_year, b.amount, b.purpose, b.source_phrase"
        f" FROM budgetline b JOIN application a ON a.id = b.application_id{where}"
        " ORDER BY b.application_id, b.position, b.id",
        params,
    ):
        texts[app_id].budget.append(BudgetAmount(position, year, amount, purpose or "", phrase or ""))
    for app_id, fld, document, l1, l2, p1, p2 in reader.rows(
        "SELECT f.application_id, f.field, f.document, f.line_start, f.line_end, f.page_start, f.page_end"
        f" FROM fieldsource f JOIN application a ON a.id = f.application_id{where} ORDER BY f.id",
        params,
    ):
        texts[app_id].sources.setdefault(fld, _source_label(document, l1, l2, p1, p2))
    return RoundTexts(texts, statuses, round_of)


def _flags(people: Iterable[Person], ties: list[Tie], doc: ApplicationText) -> list[ConflictFlag]:
    from rsapp.assessment.habilitet import flags

    return flags(people, ties, doc)


def _read_ids(reader: Any, round_id: int | None) -> RoundTexts:
    where, params = _where(round_id, None)
    statuses: dict[int, str] = {}
    round_of: dict[int, int] = {}
    for app_id, rid, status in reader.rows(
        f"SELECT a.id, a.round_id, a.status FROM application a{where} ORDER BY a.id", params
    ):
        statuses[app_id], round_of[app_id] = status, rid
    return RoundTexts({}, statuses, round_of)


def _source_label(document: str, l1: int | None, l2: int | None, p1: int | None, p2: int | None) -> str:
    parts = [document] if document else []
    if l1 is not None:
        parts.append(f"linje {l1}" if l2 in (None, l1) else f"linje {l1}–{l2}")
    if p1 is not None:
        parts.append(f"side {p1}" if p2 in (None, p1) else f"side {p1}–{p2}")
    return ", ".join(parts)


# --- register ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AssessorInfo:
    id: int
    name: str
    role: str
    organisation: str
    active: bool
    version: int

    def person(self) -> Person:
        from rsapp.assessment.habilitet import Person

        return Person(self.id, self.name, self.role, self.organisation)

    @property
    def label(self) -> str:
        extra = ", ".join(x for x in (self.role, self.organisation) if x)
        return f"{self.name} ({extra})" if extra else self.name


@dataclass(frozen=True, slots=True)
class Decision:
    assessor_id: int
    application_id: int
    decision: str  # inhabil | ikke_inhabil
    reason: str
    decided_by: str


def read_assessors(source: Any, *, include_inactive: bool = True) -> list[AssessorInfo]:
    reader = as_reader(source)
    rows = reader.rows("SELECT id, name, role, organisation, active, version FROM assessor ORDER BY name, id")
    out = [AssessorInfo(i, n, r or "", o or "", bool(a), v) for i, n, r, o, a, v in rows]
    return out if include_inactive else [a for a in out if a.active]


def read_ties(source: Any) -> list[Tie]:
    from rsapp.assessment.habilitet import Tie

    reader = as_reader(source)
    return [
        Tie(i, a, k, c or "", app, d or "")
        for i, a, k, c, app, d in reader.rows(
            "SELECT id, assessor_id, kind, counterpart, application_id, description FROM assessor_tie"
            " ORDER BY assessor_id, id"
        )
    ]


def read_decisions(source: Any, round_id: int | None = None) -> dict[tuple[int, int], Decision]:
    """(assessor id, application id) -> the recorded decision."""
    reader = as_reader(source)
    where, params = _where(round_id, None)
    return {
        (a, app): Decision(a, app, d, r or "", by or "")
        for a, app, d, r, by in reader.rows(
            "SELECT h.assessor_id, h.application_id, h.decision, h.reason, h.decided_by"
            f" FROM habilitet_decision h JOIN application a ON a.id = h.application_id{where}",
            params,
        )
    }


@dataclass(frozen=True, slots=True)
class ScoreRow:
    application_id: int
    criterion_id: int
    assessor_id: int
    value: str
    note: str
    suggested: str

    def answer(self) -> Answer:
        return Answer(self.criterion_id, self.assessor_id, self.value, self.note)


def read_scores(
    source: Any, round_id: int | None = None, application_id: int | None = None
) -> dict[int, list[ScoreRow]]:
    """Application id -> its answers."""
    reader = as_reader(source)
    where, params = _where(round_id, application_id)
    out: dict[int, list[ScoreRow]] = defaultdict(list)
    for row in reader.rows(
        "SELECT s.application_id, s.criterion_id, s.assessor_id, s.value, s.note, s.suggested"
        f" FROM assessment_score s JOIN application a ON a.id = s.application_id{where}"
        " ORDER BY s.application_id, s.criterion_id, s.assessor_id",
        params,
    ):
        out[row[0]].append(ScoreRow(row[0], row[1], row[2], row[3], row[4] or "", row[5] or ""))
    return out


def read_notes(
    source: Any, round_id: int | None = None, application_id: int | None = None
) -> dict[int, dict[int, str]]:
    """Application id -> assessor id -> overall note."""
    reader = as_reader(source)
    where, params = _where(round_id, application_id)
    out: dict[int, dict[int, str]] = defaultdict(dict)
    for app_id, assessor_id, note in reader.rows(
        "SELECT n.application_id, n.assessor_id, n.note"
        f" FROM assessment_note n JOIN application a ON a.id = n.application_id{where}",
        params,
    ):
        if (note or "").strip():
            out[app_id][assessor_id] = note.strip()
    return out


# --- the summary every output uses ------------------------------------------------------------


@dataclass(slots=True)
class AssessmentSummary:
    """What the assessments of one application add up to, in the words every output uses."""

    application_id: int
    status: str
    krav_label: str  # "6/6", "5/6 ⚠", "–"
    krav_met: int
    krav_total: int
    krav_not_met: list[str]
    krav_unclear: list[str]
    krav_unanswered: list[str]
    average: float | None
    spread: tuple[float, float] | None
    vurdering_label: str  # "3,4 (2,9–3,9)", "3,4", "–"
    assessors: list[str]  # counted, by name
    inhabil: list[str]  # decided inhabil: left out, and to leave the case
    conflicts: list[str]  # flagged, not yet decided
    priorities: list[str]  # specially prioritised measures matched
    strongest: list[str]  # the criteria with the highest mean, "Title (4,5)"
    notes: list[str]  # "Name: note" (overall notes of counted assessors)
    text: str  # a short Norwegian paragraph for the saksfremlegg's Vurdering
    comment: str  # for the Excel list's Kommentar
    has_catalogue: bool = True
    aggregate: Aggregate = field(default_factory=Aggregate)

    @property
    def assessed(self) -> bool:
        return bool(self.assessors)

    def krav_sort_key(self) -> tuple[int, int, int]:
        """Unassessed first, then by krav met, then by fewest not met."""
        return (1 if self.aggregate.krav_assessed else 0, self.krav_met, -len(self.krav_not_met))

    def vurdering_sort_key(self) -> tuple[int, float]:
        return (0, 0.0) if self.average is None else (1, self.average)


def _names(ids: Iterable[int], people: dict[int, AssessorInfo]) -> list[str]:
    return sorted((people[i].name for i in ids if i in people), key=str.casefold)


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]


def summarise(
    application_id: int,
    status: str,
    catalogue: Catalogue | None,
    scores: list[ScoreRow],
    notes: dict[int, str],
    people: dict[int, AssessorInfo],
    decisions: dict[tuple[int, int], Decision],
    conflict_flags: list[ConflictFlag],
) -> AssessmentSummary:
    """One application's summary from its parts (see :func:`assessment_summaries`)."""
    items: tuple[Item, ...] = catalogue.items if catalogue else ()
    inhabil_ids = {
        a for (a, app), d in decisions.items() if app == application_id and d.decision == "inhabil"
    }
    decided_ids = {a for (a, app) in decisions if app == application_id}
    result = aggregate(items, [s.answer() for s in scores], excluded=inhabil_ids)
    titles = {item.id: item.title for item in items}
    not_met = [titles[i] for i in result.krav_with(KRAV_NOT_MET)]
    unclear = [titles[i] for i in result.krav_with(KRAV_UNCLEAR)]
    unanswered = [titles[i] for i, state in result.krav_state.items() if state is None]
    priorities = [titles[i] for i, matched in result.priorities.items() if matched]
    means = sorted(
        ((mean, titles[i]) for i, mean in result.criterion_means.items() if mean is not None),
        key=lambda pair: (-pair[0], pair[1]),
    )
    strongest = [f"{title} ({format_decimal(mean)})" for mean, title in means[:2] if mean >= 3]
    assessors = _names(result.counted, people)
    inhabil = _names(inhabil_ids, people)
    conflicts = _names({f.assessor_id for f in conflict_flags if f.assessor_id not in decided_ids}, people)
    note_lines = [
        f"{people[a].name}: {note}"
        for a, note in sorted(
            notes.items(), key=lambda kv: people[kv[0]].name.casefold() if kv[0] in people else ""
        )
        if a in people and a not in inhabil_ids
    ]
    summary = AssessmentSummary(
        application_id=application_id,
        status=status,
        krav_label=krav_label(result),
        krav_met=result.krav_met,
        krav_total=result.krav_total,
        krav_not_met=not_met,
        krav_unclear=unclear,
        krav_unanswered=unanswered,
        average=result.average,
        spread=result.spread,
        vurdering_label=average_label(result),
        assessors=assessors,
        inhabil=inhabil,
        conflicts=conflicts,
        priorities=priorities,
        strongest=strongest,
        notes=note_lines,
        text="",
        comment="",
        has_catalogue=catalogue is not None,
        aggregate=result,
    )
    summary.text = vurdering_text(summary)
    summary.comment = comment_text(summary)
    return summary


def vurdering_text(s: AssessmentSummary) -> str:
    """The short Norwegian paragraph the saksfremlegg's Vurdering is drafted from ("" before any
    assessment, so the draft keeps its own wording until there is something to say)."""
    if not s.assessors and not s.inhabil:
        return ""
    parts: list[str] = []
    if s.assessors:
        parts.append(f"Vurdert av {_join(s.assessors)}.")
    if s.krav_total:
        krav = f"Krav: {s.krav_met} av {s.krav_total} oppfylt"
        details = []
        if s.krav_not_met:
            details.append("ikke oppfylt: " + "; ".join(s.krav_not_met))
        if s.krav_unclear:
            details.append("uklart: " + "; ".join(s.krav_unclear))
        if s.krav_unanswered:
            details.append("ikke vurdert: " + "; ".join(s.krav_unanswered))
        parts.append(krav + (f" ({'. '.join(details)})." if details else "."))
    if s.average is not None and s.spread is not None:
        text = f"Gjennomsnitt på kriteriene {format_decimal(s.average)}"
        if len(s.aggregate.assessor_averages) > 1:
            text += f" (spenn {format_decimal(s.spread[0])}–{format_decimal(s.spread[1])})"
        parts.append(text + ("; sterkest: " + ", ".join(s.strongest) + "." if s.strongest else "."))
    if s.priorities:
        parts.append("Særlig prioritert: " + "; ".join(p[0].lower() + p[1:] for p in s.priorities) + ".")
    if s.inhabil:
        verb = "er" if len(s.inhabil) == 1 else "er alle"
        parts.append(
            f"{_join(s.inhabil)} {verb} inhabil (forvaltningsloven § 6), fratrer under behandlingen av "
            "søknaden og er holdt utenfor vurderingen."
        )
    if s.conflicts:
        parts.append(f"Mulig inhabilitet ikke avklart: {_join(s.conflicts)}.")
    return " ".join(parts)


def comment_text(s: AssessmentSummary) -> str:
    """The Excel list's Kommentar: the assessors' notes, then what needs attention."""
    parts = list(s.notes)
    if s.krav_not_met:
        parts.append("Krav ikke oppfylt: " + "; ".join(s.krav_not_met))
    if s.inhabil:
        parts.append("Inhabil: " + ", ".join(s.inhabil))
    return " · ".join(parts)


def assessment_summaries(source: Any, round_id: int | None = None) -> dict[int, AssessmentSummary]:
    """Per application of a round (or of every round): krav label, average and spread, inhabil and
    flagged names, matched priorities, the Vurdering text and the Kommentar. Every output uses this."""
    reader = as_reader(source)
    people = {a.id: a for a in read_assessors(reader)}
    persons = [a.person() for a in people.values() if a.active]
    # The full texts are needed only to look for conflicts; without a register, ids will do.
    texts = read_texts(reader, round_id) if persons else _read_ids(reader, round_id)
    if not texts.round_of:
        return {}
    if round_id is not None:
        found = round_catalogue(reader, round_id)
        catalogues = {round_id: found} if found else {}
    else:
        catalogues = catalogues_by_round(reader)
    scores = read_scores(reader, round_id)
    notes = read_notes(reader, round_id)
    ties = read_ties(reader) if people else []
    decisions = read_decisions(reader, round_id) if people else {}
    out: dict[int, AssessmentSummary] = {}
    for app_id in texts.round_of:
        doc = texts.texts.get(app_id)
        app_flags = _flags(persons, ties, doc) if persons and doc is not None else []
        out[app_id] = summarise(
            app_id,
            texts.statuses[app_id],
            catalogues.get(texts.round_of[app_id]),
            scores.get(app_id, []),
            notes.get(app_id, {}),
            people,
            decisions,
            app_flags,
        )
    return out


def round_flags(source: Any, round_id: int) -> list[ConflictFlag]:
    """Every possible conflict in a round, by application then assessor."""
    reader = as_reader(source)
    people = [a.person() for a in read_assessors(reader, include_inactive=False)]
    if not people:
        return []
    ties = read_ties(reader)
    texts = read_texts(reader, round_id)
    return [f for doc in texts.texts.values() for f in _flags(people, ties, doc)]


# --- one application, for the assessment screen and «rsapp vurder vis» ----------------------------


@dataclass(slots=True)
class ItemView:
    """One catalogue item as an assessor sees it on one application."""

    number: str  # "Krav 2"
    item: Item
    suggestion: Suggestion
    own: ScoreRow | None
    others: list[tuple[str, ScoreRow]]  # (name, answer), only once `own` is saved; inhabil left out


@dataclass(slots=True)
class ApplicationAssessment:
    application_id: int
    round_id: int
    title: str
    status: str
    catalogue: Catalogue | None
    assessor: AssessorInfo | None
    items: list[ItemView]
    summary: AssessmentSummary
    flags: list[ConflictFlag]
    decisions: dict[int, Decision]  # assessor id -> decision on this application
    own_note: str = ""
    assessors: list[AssessorInfo] = field(default_factory=list)  # the register, for choosing who assesses

    @property
    def answered(self) -> int:
        return sum(1 for view in self.items if view.own is not None)

    def progress_label(self) -> str:
        return f"{self.answered} av {len(self.items)} vurdert"

    def own_flag(self) -> ConflictFlag | None:
        if self.assessor is None:
            return None
        return next((f for f in self.flags if f.assessor_id == self.assessor.id), None)


def application_assessment(
    source: Any, application_id: int, assessor_id: int | None
) -> ApplicationAssessment:
    """Everything the assessment screen shows for one application and one assessor."""
    reader = as_reader(source)
    texts = read_texts(reader, application_id=application_id)
    if application_id not in texts.texts:
        raise LookupError(f"Fant ingen søknad med id {application_id}.")
    doc = texts.texts[application_id]
    round_id = texts.round_of[application_id]
    catalogue = round_catalogue(reader, round_id)
    people = {a.id: a for a in read_assessors(reader)}
    assessor = people.get(assessor_id) if assessor_id is not None else None
    ties = read_ties(reader)
    decisions = {key: d for key, d in read_decisions(reader, round_id).items() if key[1] == application_id}
    app_flags = _flags([p.person() for p in people.values() if p.active], ties, doc)
    scores = read_scores(reader, application_id=application_id).get(application_id, [])
    notes = read_notes(reader, application_id=application_id).get(application_id, {})
    summary = summarise(
        application_id, texts.statuses[application_id], catalogue, scores, notes, people, decisions, app_flags
    )
    inhabil = {a for (a, _), d in decisions.items() if d.decision == "inhabil"}
    from rsapp.assessment.rules import suggest_all

    suggestions = suggest_all(catalogue, doc) if catalogue else {}
    views: list[ItemView] = []
    for number, item in catalogue.numbered() if catalogue else []:
        mine = next((s for s in scores if s.criterion_id == item.id and s.assessor_id == assessor_id), None)
        others = (
            [
                (people[s.assessor_id].name, s)
                for s in scores
                if s.criterion_id == item.id
                and s.assessor_id != assessor_id
                and s.assessor_id not in inhabil
                and s.assessor_id in people
            ]
            if mine is not None
            else []
        )
        views.append(ItemView(number, item, suggestions[item.key], mine, others))
    return ApplicationAssessment(
        application_id=application_id,
        round_id=round_id,
        title=doc.title,
        status=texts.statuses[application_id],
        catalogue=catalogue,
        assessor=assessor,
        items=views,
        summary=summary,
        flags=app_flags,
        decisions={a: d for (a, _), d in decisions.items()},
        own_note=notes.get(assessor_id, "") if assessor_id is not None else "",
        assessors=list(people.values()),
    )


# --- the habilitet register screen ------------------------------------------------------------


@dataclass(slots=True)
class RegisterView:
    """The register with every declared tie, and a round's flags and decisions."""

    round_id: int
    people: list[AssessorInfo]
    ties: list[Tie]
    flags: list[ConflictFlag]
    decisions: dict[tuple[int, int], Decision]
    titles: dict[int, str]  # application id -> title (the round's applications)

    def ties_of(self, assessor_id: int) -> list[Tie]:
        return [t for t in self.ties if t.assessor_id == assessor_id]

    def flags_of(self, assessor_id: int) -> list[ConflictFlag]:
        return [f for f in self.flags if f.assessor_id == assessor_id]

    def decided_of(self, assessor_id: int) -> list[Decision]:
        """Decisions recorded without a current flag (kept on record)."""
        flagged = {f.application_id for f in self.flags_of(assessor_id)}
        return [
            d
            for (a, app), d in self.decisions.items()
            if a == assessor_id and app not in flagged and app in self.titles
        ]


def register_view(source: Any, round_id: int) -> RegisterView:
    reader = as_reader(source)
    people = read_assessors(reader)
    ties = read_ties(reader)
    texts = read_texts(reader, round_id)
    active = [p.person() for p in people if p.active]
    found = [f for doc in texts.texts.values() for f in _flags(active, ties, doc)] if active else []
    return RegisterView(
        round_id=round_id,
        people=people,
        ties=ties,
        flags=found,
        decisions=read_decisions(reader, round_id),
        titles={i: t.title for i, t in texts.texts.items()},
    )
