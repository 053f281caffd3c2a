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
)
from rsapp.models.changelog import ChangeLog
from rsapp.models.meeting import Case, InnstillingPoint, Meeting
from rsapp.models.organisation import Helsefellesskap, Municipality
from rsapp.models.round import Earmark, EarmarkAmount, Pot, Round

__all__ = [
    "Application",
    "ApplicationMunicipality",
    "ApplicationTableRow",
    "BudgetLine",
    "Case",
    "ChangeLog",
    "Earmark",
    "EarmarkAmount",
    "FieldSource",
    "Helsefellesskap",
    "ImportedDocument",
    "InnstillingPoint",
    "Meeting",
    "Municipality",
    "Pot",
    "Round",
]
