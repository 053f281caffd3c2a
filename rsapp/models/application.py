"""Applications (søknader), their budget lines, provenance and imported documents."""

from datetime import UTC, date, datetime

from sqlalchemy import JSON, CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


# One joint application on Helse Nord's form; every form section kept as its own text.
class Application(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("round_id", "rank", name="uq_application_round_rank"),
        CheckConstraint("rank IS NULL OR rank >= 1", name="ck_application_rank_positive"),
    )
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    name: str = Field(default="", max_length=300)  # as written; may be empty on the form
    working_title: str = Field(default="", max_length=300)  # used when the form leaves the name empty
    owners: str = ""
    hospital_trust: str = ""
    contact_municipal: str = ""
    contact_trust: str = ""
    agreement_text: str = ""
    agreement_date: date | None = None
    description: str = ""
    benefit: str = ""
    purpose_support: str = ""
    budget_text: str = ""
    patient_responsibility: str = ""
    digital: str = ""
    project_plan: str = ""
    involvement: str = ""
    benefit_table: str = ""
    risk_table: str = ""
    other_text: str = ""
    period_text: str = ""
    period_start: date | None = None
    period_end: date | None = None
    status: str = Field(default="mottatt", max_length=20)
    source_document: str = ""
    content_hash: str = Field(default="", max_length=64, index=True)
    rank: int | None = None
    route: str = Field(default="begge", max_length=20)
    comment: str = ""
    version: int = 1
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


# The amount recommended (innstilt) for one budget year; no rows means "as applied for".
class RecommendedAmount(SQLModel, table=True):
    __tablename__ = "recommended_amount"
    __table_args__ = (
        UniqueConstraint("application_id", "budget_year", name="uq_recommended_amount_year"),
        CheckConstraint("amount >= 0", name="ck_recommended_amount_nonnegative"),
    )
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    budget_year: int
    amount: int


# Link between an application and a municipality it covers.
class ApplicationMunicipality(SQLModel, table=True):
    application_id: int = Field(foreign_key="application.id", primary_key=True, ondelete="CASCADE")
    municipality_id: int = Field(foreign_key="municipality.id", primary_key=True)
    position: int = 0


# An amount in an application's budget; amount None means "ikke oppgitt".
class BudgetLine(SQLModel, table=True):
    __table_args__ = (CheckConstraint("amount IS NULL OR amount >= 0", name="ck_budget_amount_nonnegative"),)
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    position: int = 0
    budget_year: int | None = None
    amount: int | None = None
    amount_high: int | None = None
    purpose: str = ""
    source_phrase: str = ""
    needs_confirmation: bool = False


# A row of the benefit table or the risk table of an application.
class ApplicationTableRow(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    table: str = Field(max_length=20)  # nytte | risiko
    position: int = 0
    cells: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# Where a field of an application came from: document and line/page range.
class FieldSource(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    field: str = Field(max_length=40)
    document: str = ""
    line_start: int | None = None
    line_end: int | None = None
    page_start: int | None = None
    page_end: int | None = None


# A document that has been imported, by content hash, so it is never imported twice.
class ImportedDocument(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    content_hash: str = Field(unique=True, index=True, max_length=64)
    filename: str = ""
    imported_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    applications: int = 0
