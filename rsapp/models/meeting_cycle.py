"""After the meeting: attendance, vedtak per case (points, votes, inhabil), case numbers from
before rsapp, awards (innvilget, local and regional), the letter to Helse Nord, follow-up of
funded projects (payments, reports) and passages withheld from the public."""

from datetime import UTC, date, datetime

from sqlalchemy import JSON, CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


# A case number used before rsapp kept the year's cases (e.g. sak 23-2025 … 27-2025 of 09.09.2025).
class RegisteredCaseNumber(SQLModel, table=True):
    __tablename__ = "registered_case_number"
    __table_args__ = (
        UniqueConstraint("year", "number", "title", name="uq_registered_case_number"),
        CheckConstraint("number >= 1", name="ck_registered_case_number_positive"),
    )
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    number: int
    title: str = Field(default="", max_length=300)
    written: str = Field(default="", max_length=40)  # as the document wrote it, e.g. "24/2025"
    utvalg: str = Field(default="", max_length=120)
    meeting_date: date | None = None
    source: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


# Who was summoned to a meeting and whether they came (møtt), sent apologies (forfall) or
# stood in for someone (vara); a member of the SSU register when ``assessor_id`` is set.
class MeetingAttendance(SQLModel, table=True):
    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "name", name="uq_meeting_attendance_name"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    assessor_id: int | None = Field(default=None, foreign_key="assessor.id", ondelete="SET NULL")
    position: int = 0
    name: str = Field(max_length=120)
    role: str = Field(default="", max_length=120)
    organisation: str = Field(default="", max_length=200)
    status: str = Field(default="innkalt", max_length=20)  # innkalt | møtt | forfall | vara
    substitute_for: str = Field(default="", max_length=120)


# What the meeting decided in one case: as recommended, amended, postponed (utsatt) or taken
# to information; how the vote went (unanimous, or counted with names in VedtakVote).
class Vedtak(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("case_id", "meeting_id", name="uq_vedtak_case_meeting"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="meeting_case.id", index=True, ondelete="CASCADE")
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    outcome: str = Field(default="", max_length=20)  # "" | som_innstilt | endret | utsatt | orientering
    vote: str = Field(default="enstemmig", max_length=20)  # enstemmig | votering
    votes_for: int | None = None
    votes_against: int | None = None
    note: str = ""  # protokolltilførsel or the reason for postponing
    recorded_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    version: int = 1


# One point of a vedtak beside the innstilling point it answers: unchanged, amended, new or
# struck; structured amendments carry the application/earmark and the amounts per year.
class VedtakPoint(SQLModel, table=True):
    __tablename__ = "vedtak_point"
    id: int | None = Field(default=None, primary_key=True)
    vedtak_id: int = Field(foreign_key="vedtak.id", index=True, ondelete="CASCADE")
    position: int = 0
    point_id: int | None = Field(default=None, foreign_key="innstillingpoint.id", ondelete="SET NULL")
    innstilling_text: str = ""
    text: str = ""
    change: str = Field(default="uendret", max_length=10)  # uendret | endret | ny | strøket
    source_key: str = Field(default="", max_length=60)
    application_id: int | None = Field(default=None, foreign_key="application.id", ondelete="SET NULL")
    earmark_id: int | None = Field(default=None, foreign_key="earmark.id", ondelete="SET NULL")
    # {"2026": 500000, ...}; None: the point carries no amounts (or keeps the innstilling's)
    amounts: dict[str, int] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


# A named member's vote in a counted vote (for or against).
class VedtakVote(SQLModel, table=True):
    __tablename__ = "vedtak_vote"
    __table_args__ = (
        UniqueConstraint("vedtak_id", "name", name="uq_vedtak_vote_name"),
        CheckConstraint("vote IN ('for', 'mot')", name="ck_vedtak_vote_value"),
    )
    id: int | None = Field(default=None, primary_key=True)
    vedtak_id: int = Field(foreign_key="vedtak.id", index=True, ondelete="CASCADE")
    assessor_id: int | None = Field(default=None, foreign_key="assessor.id", ondelete="SET NULL")
    name: str = Field(max_length=120)
    vote: str = Field(max_length=5)


# A member who left the case as inhabil (forvaltningsloven § 6).
class VedtakInhabil(SQLModel, table=True):
    __tablename__ = "vedtak_inhabil"
    __table_args__ = (UniqueConstraint("vedtak_id", "name", name="uq_vedtak_inhabil_name"),)
    id: int | None = Field(default=None, primary_key=True)
    vedtak_id: int = Field(foreign_key="vedtak.id", index=True, ondelete="CASCADE")
    assessor_id: int | None = Field(default=None, foreign_key="assessor.id", ondelete="SET NULL")
    name: str = Field(max_length=120)
    basis: str = Field(default="forvaltningsloven § 6", max_length=200)
    note: str = ""


# An amount awarded (innvilget) for one budget year: by SSU from the local pot, or by Helse
# Nord's Tildelingsutvalg from the regional scheme.
class Award(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("application_id", "budget_year", "source", name="uq_award_year_source"),
        CheckConstraint("amount >= 0", name="ck_award_amount_nonnegative"),
        CheckConstraint("source IN ('lokal', 'regional')", name="ck_award_source"),
    )
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    budget_year: int
    amount: int
    source: str = Field(default="lokal", max_length=10)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL")
    decided_on: date | None = None
    note: str = ""
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


# The letter forwarding a round's prioritised list to Helse Nord (oversendelse).
class Forwarding(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", unique=True, index=True)
    letter_date: date | None = None
    sent_on: date | None = None
    recipient: str = Field(default="", max_length=200)
    reference: str = Field(default="", max_length=120)
    signer: str = Field(default="", max_length=200)
    path: str = ""
    version: int = 1


# A payment to a funded project in one budget year: planned, and paid when ``paid_on`` is set.
class Payment(SQLModel, table=True):
    __table_args__ = (CheckConstraint("amount >= 0", name="ck_payment_amount_nonnegative"),)
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    budget_year: int
    source: str = Field(default="lokal", max_length=10)
    amount: int
    planned_on: date | None = None
    paid_on: date | None = None
    paid_amount: int | None = None
    note: str = ""
    version: int = 1


# A report a funded project owes: an annual report for a year, or the final report.
class ProjectReport(SQLModel, table=True):
    __tablename__ = "project_report"
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    kind: str = Field(default="årsrapport", max_length=20)  # årsrapport | sluttrapport
    period_year: int | None = None
    due_on: date
    received_on: date | None = None
    status: str = Field(default="venter", max_length=20)  # venter | mottatt | godkjent | purret
    note: str = ""
    version: int = 1


# A field, point or passage of a case withheld from the public (unntatt offentlighet) with its
# legal basis; the public version leaves it out and states the basis.
class Exemption(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="meeting_case.id", index=True, ondelete="CASCADE")
    field: str = Field(max_length=40)  # saksopplysninger | vurdering | vedlegg | innstilling | vedtak
    point_id: int | None = Field(default=None, foreign_key="innstillingpoint.id", ondelete="CASCADE")
    passage: str = ""  # "" = the whole field (or point); else the exact text withheld
    basis: str = Field(max_length=200)  # e.g. "offl. § 13 jf. fvl. § 13 første ledd nr. 1"
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
