"""SQLModel tables of rsapp, and nothing else.

Import every table from here so that the metadata is complete (Alembic, tests).
"""

from rsapp.models.application import (
    Application,
    ApplicationMunicipality,
    ApplicationTableRow,
    BudgetLine,
    FieldSource,
    ImportedDocument,
    RecommendedAmount,
)
from rsapp.models.assessment import (
    AssessmentNote,
    AssessmentScore,
    Assessor,
    AssessorTie,
    CriteriaCatalogue,
    Criterion,
    HabilitetDecision,
)
from rsapp.models.changelog import ChangeLog
from rsapp.models.meeting import Case, InnstillingPoint, Meeting
from rsapp.models.meeting_cycle import (
    Award,
    Exemption,
    Forwarding,
    MeetingAttendance,
    Payment,
    ProjectReport,
    RegisteredCaseNumber,
    Vedtak,
    VedtakInhabil,
    VedtakPoint,
    VedtakVote,
)
from rsapp.models.organisation import Helsefellesskap, Municipality
from rsapp.models.round import Earmark, EarmarkAmount, Pot, Round
from rsapp.models.shared_use import AppUser, MemberRanking

__all__ = [
    "Application",
    "ApplicationMunicipality",
    "AppUser",
    "ApplicationTableRow",
    "AssessmentNote",
    "AssessmentScore",
    "Assessor",
    "AssessorTie",
    "Award",
    "BudgetLine",
    "Case",
    "ChangeLog",
    "CriteriaCatalogue",
    "Criterion",
    "Earmark",
    "EarmarkAmount",
    "Exemption",
    "FieldSource",
    "Forwarding",
    "HabilitetDecision",
    "Helsefellesskap",
    "ImportedDocument",
    "InnstillingPoint",
    "Meeting",
    "MeetingAttendance",
    "MemberRanking",
    "Municipality",
    "Payment",
    "Pot",
    "ProjectReport",
    "RecommendedAmount",
    "RegisteredCaseNumber",
    "Round",
    "Vedtak",
    "VedtakInhabil",
    "VedtakPoint",
    "VedtakVote",
]
