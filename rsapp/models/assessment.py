"""Assessment: a round's criteria catalogue, the register of assessors, their declared ties,
habilitet decisions, and the scores each assessor gives each application."""

from datetime import UTC, datetime

from sqlalchemy import JSON, CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


# The criteria list of one round (e.g. the 2025/2026 call), loaded from data/criteria/*.toml.
class CriteriaCatalogue(SQLModel, table=True):
    __tablename__ = "criteria_catalogue"
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", unique=True, index=True)
    key: str = Field(default="", max_length=60)
    name: str = Field(default="", max_length=300)
    source: str = ""
    version: int = 1


# One item of a catalogue: a hard requirement (krav), a specially prioritised measure, or a
# weighted criterion; `rule` names the suggestion rule, `params` its words and settings.
class Criterion(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("catalogue_id", "key", name="uq_criterion_catalogue_key"),
        CheckConstraint("kind IN ('krav', 'prioritert', 'kriterium')", name="ck_criterion_kind"),
        CheckConstraint("weight >= 0", name="ck_criterion_weight_nonnegative"),
    )
    id: int | None = Field(default=None, primary_key=True)
    catalogue_id: int = Field(foreign_key="criteria_catalogue.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=60)
    kind: str = Field(max_length=20)
    position: int = 0
    title: str = Field(default="", max_length=300)
    text: str = ""
    rule: str = Field(default="", max_length=40)
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    weight: float = 1.0
    version: int = 1


# A person who assesses applications or sits in SSU: the habilitet register.
class Assessor(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True, index=True)
    role: str = Field(default="", max_length=120)  # e.g. "SSU-medlem", "sekretariatet"
    organisation: str = Field(default="", max_length=200)
    active: bool = True
    version: int = 1
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


# A tie an assessor declares: a board seat, a leadership or project role, family; to an
# organisation or person (`counterpart`) or to one application.
class AssessorTie(SQLModel, table=True):
    __tablename__ = "assessor_tie"
    id: int | None = Field(default=None, primary_key=True)
    assessor_id: int = Field(foreign_key="assessor.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)  # styreverv | lederrolle | prosjektrolle | familie | annet
    counterpart: str = Field(default="", max_length=200)
    application_id: int | None = Field(default=None, foreign_key="application.id", ondelete="CASCADE")
    description: str = ""


# A recorded habilitet decision (forvaltningsloven § 6) for one assessor and one application.
class HabilitetDecision(SQLModel, table=True):
    __tablename__ = "habilitet_decision"
    __table_args__ = (
        UniqueConstraint("assessor_id", "application_id", name="uq_habilitet_assessor_application"),
        CheckConstraint("decision IN ('inhabil', 'ikke_inhabil')", name="ck_habilitet_decision"),
    )
    id: int | None = Field(default=None, primary_key=True)
    assessor_id: int = Field(foreign_key="assessor.id", index=True, ondelete="CASCADE")
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    decision: str = Field(max_length=20)
    reason: str = ""
    decided_by: str = Field(default="", max_length=120)
    decided_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


# One assessor's answer on one catalogue item for one application: a krav answer, ja/nei, a
# score 0–5 or "ikke_relevant"; `suggested` keeps what rsapp proposed when it was answered.
class AssessmentScore(SQLModel, table=True):
    __tablename__ = "assessment_score"
    __table_args__ = (
        UniqueConstraint("application_id", "criterion_id", "assessor_id", name="uq_assessment_score_item"),
    )
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    criterion_id: int = Field(foreign_key="criterion.id", index=True, ondelete="CASCADE")
    assessor_id: int = Field(foreign_key="assessor.id", index=True, ondelete="CASCADE")
    value: str = Field(max_length=20)
    note: str = ""
    suggested: str = Field(default="", max_length=20)
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


# One assessor's overall note on an application (shown as Kommentar in the Excel list).
class AssessmentNote(SQLModel, table=True):
    __tablename__ = "assessment_note"
    __table_args__ = (UniqueConstraint("application_id", "assessor_id", name="uq_assessment_note_assessor"),)
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    assessor_id: int = Field(foreign_key="assessor.id", index=True, ondelete="CASCADE")
    note: str = ""
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
