"""An application round, its pots (money sources) and its earmarks (avsetninger)."""

from datetime import date

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel


# One call for applications of one helsefellesskap (e.g. Helgeland 2026).
class Round(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=60)
    helsefellesskap_id: int = Field(foreign_key="helsefellesskap.id", index=True)
    year: int
    name: str = Field(max_length=200)
    deadline_helsefellesskap: date | None = None
    deadline_helse_nord: date | None = None
    meeting_week: int | None = None
    meeting_date: date | None = None
    status: str = Field(default="utkast", max_length=20)  # utkast | vedtatt


# A money source for a round: one budget year's amount, confirmed or only assumed.
class Pot(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("round_id", "budget_year", "origin", name="uq_pot_round_year_origin"),
        CheckConstraint("amount >= 0", name="ck_pot_amount_nonnegative"),
    )
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    budget_year: int
    amount: int
    origin: str = Field(default="", max_length=120)
    confirmed: bool = True
    source: str = Field(default="", max_length=200)


# Money set aside before any application is ranked; open when its amount is not decided.
class Earmark(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    position: int = 0
    name: str = Field(max_length=200)
    purpose: str = ""
    source_case: str = Field(default="", max_length=200)
    reason: str = ""
    is_open: bool = False
    version: int = 1


# An earmark's amount in one budget year.
class EarmarkAmount(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("earmark_id", "budget_year", name="uq_earmark_amount_year"),
        CheckConstraint("amount >= 0", name="ck_earmark_amount_nonnegative"),
    )
    id: int | None = Field(default=None, primary_key=True)
    earmark_id: int = Field(foreign_key="earmark.id", index=True, ondelete="CASCADE")
    budget_year: int
    amount: int
