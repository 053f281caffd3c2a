"""Meetings of the SSU, their cases (saker) and the innstilling points of each case."""

import datetime as dt
from datetime import date

from sqlalchemy import JSON, Column, UniqueConstraint, text
from sqlmodel import Field, SQLModel


# A meeting of a committee (utvalg), ordinary or extraordinary.
class Meeting(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    helsefellesskap_id: int | None = Field(default=None, foreign_key="helsefellesskap.id")
    utvalg: str = Field(default="Strategisk samarbeidsutvalg", max_length=120)
    date: date
    extraordinary: bool = False
    place: str = ""
    final: bool = False
    # The meeting's life (rsapp.saksfremlegg.protokoll): planlagt → innkalt → avholdt → godkjent;
    # once the protokoll is godkjent the database refuses every change to the meeting, its cases,
    # their points and vedtak (migration 0006).
    status: str = Field(default="planlagt", max_length=20)
    start_time: str = Field(default="", max_length=5)  # "09:00"
    end_time: str = Field(default="", max_length=5)
    video_link: str = ""
    chair: str = Field(default="", max_length=120)  # møteleder
    secretary: str = Field(default="", max_length=120)  # referent
    recipients: str = ""  # one recipient per line
    forfall_to: str = ""  # where members send forfall (apologies)
    # dt.date: inside the class the field `date` hides the type of the same name.
    summoned_on: dt.date | None = None  # the day the innkalling was sent
    approved_on: dt.date | None = None
    approved_by: str = Field(default="", max_length=200)
    minutes_note: str = ""  # closing lines of the protokoll
    version: int = 1


# A case (sak) numbered NN-ÅÅÅÅ, running through the year; never two with one number.
class Case(SQLModel, table=True):
    __tablename__ = "meeting_case"
    __table_args__ = (UniqueConstraint("year", "number", name="uq_case_year_number"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    round_id: int | None = Field(default=None, foreign_key="round.id")
    year: int
    number: int
    position: int = 0  # order in the meeting's saksliste
    title: str = Field(max_length=300)
    case_type: str = Field(default="beslutningssak", max_length=20)  # beslutningssak | orienteringssak
    kind: str = Field(
        default="annet", max_length=20
    )  # prioritering | orientering | orienteringer | eventuelt | annet
    saksopplysninger: str = ""
    vurdering: str = ""
    attachments: str = ""  # one attachment per line
    final: bool = False
    # Field name -> the text as last generated from data, to tell the user's edits from stale drafts.
    generated_fields: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default=text("'{}'"))
    )
    # source_key of generated points the user deleted: regeneration must not silently restore them.
    dropped_sources: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default=text("'[]'"))
    )


# One numbered point of a case's innstilling; optionally tied to an earmark, application or amount.
class InnstillingPoint(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="meeting_case.id", index=True, ondelete="CASCADE")
    position: int = 0
    text: str = ""
    generated_text: str = ""  # the text as last generated from data, to detect the user's edits
    source_key: str = Field(default="", max_length=60)  # e.g. earmark:3, application:5, regional, open:7
    earmark_id: int | None = Field(default=None, foreign_key="earmark.id", ondelete="SET NULL")
    application_id: int | None = Field(default=None, foreign_key="application.id", ondelete="SET NULL")
    amount: int | None = None
