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
from rsapp.models.organisation import Helsefellesskap, Municipality
from rsapp.models.round import Earmark, EarmarkAmount, Pot, Round

__all__ = [
    "Application",
    "ApplicationMunicipality",
    "ApplicationTableRow",
    "AssessmentNote",
    "AssessmentScore",
    "Assessor",
    "AssessorTie",
    "BudgetLine",
    "Case",
    "ChangeLog",
    "CriteriaCatalogue",
    "Criterion",
    "Earmark",
    "EarmarkAmount",
    "FieldSource",
    "HabilitetDecision",
    "Helsefellesskap",
    "ImportedDocument",
    "InnstillingPoint",
    "Meeting",
    "Municipality",
    "Pot",
    "RecommendedAmount",
    "Round",
]
