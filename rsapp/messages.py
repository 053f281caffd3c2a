"""Past-tense messages that thread workers post to their screen (Harlequin's pattern).

Messages are dataclasses (Textual initialises them through ``__post_init__``). A worker (``@work(thread=True, exclusive=True, exit_on_error=False, group=...)``) reads or
writes through the store and the domain modules, never touches a widget, and reports with one
of these messages; the screen handles it on the UI thread. A worker that fails is reported by
the screen's one ``@on(Worker.StateChanged)`` handler, with :func:`error_text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.notifications import SeverityLevel

if TYPE_CHECKING:
    from rsapp.portfolio import ApplicationDetail, PortfolioData

__all__ = [
    "ApplicationLoaded",
    "CaseLoaded",
    "CaseSlotChecked",
    "ChangeSaved",
    "DocumentWritten",
    "FollowUpLoaded",
    "MeetingDateDescribed",
    "MeetingLifeLoaded",
    "MeetingsLoaded",
    "PortfolioLoaded",
    "ProjectLoaded",
    "RegenerationPlanned",
    "RoundLoaded",
    "SakslisteLoaded",
    "error_text",
]


def error_text(error: BaseException | None) -> str:
    """What the user reads about a failed worker: the Norwegian message of a refusal (a
    ``ValueError`` or ``LookupError`` from the domain), else an "unexpected error" line."""
    if error is None:
        return "Uventet feil."
    from rsapp.store.errors import describe

    described = describe(error)  # database and file errors: Norwegian, without SQL or parameters
    if described:
        return described
    own = (type(error).__module__ or "").startswith("rsapp")  # rsapp's own errors speak Norwegian
    if own or isinstance(error, ValueError | LookupError):
        return str(error)
    return f"Uventet feil ({type(error).__name__})."


@dataclass(eq=False)
class PortfolioLoaded(Message):
    """The portfolio (rounds, applications, money) was read."""

    data: PortfolioData


@dataclass(eq=False)
class ApplicationLoaded(Message):
    """One application was read in full (``live``: because another session changed something)."""

    detail: ApplicationDetail
    live: bool = False


@dataclass(eq=False)
class RoundLoaded(Message):
    """The round the meetings screen works for was read."""

    round: Any  # rsapp.saksfremlegg.meetings.MeetingRound


@dataclass(eq=False)
class MeetingsLoaded(Message):
    """The meetings were read (newest first), with the saksliste of the one to show."""

    meetings: list[Any]  # MeetingSummary
    meeting_id: int | None
    saksliste_title: str
    saksliste: list[Any]  # SakslisteRow
    select_case: int | None = None


@dataclass(eq=False)
class SakslisteLoaded(Message):
    """One meeting's saksliste was read."""

    meeting_id: int
    title: str
    rows: list[Any]  # SakslisteRow
    select_case: int | None = None


@dataclass(eq=False)
class CaseSlotChecked(Message):
    """A meeting was checked for a round's case of one kind: the case it has, else the number
    a new one would get."""

    meeting_id: int
    round_id: int
    existing_case_id: int | None
    proposed: str


@dataclass(eq=False)
class MeetingDateDescribed(Message):
    """The meeting form's date was read as a date (or not), and checked against other meetings."""

    text: str
    description: str


@dataclass(eq=False)
class CaseLoaded(Message):
    """A case was read with its meeting and innstilling points."""

    case: Any  # Case
    meeting: Any  # Meeting | None
    points: list[Any]  # InnstillingPoint
    select_index: int | None = None
    select_id: int | None = None
    fields: bool = False  # also put the case's text fields into the editor


@dataclass(eq=False)
class ChangeSaved(Message):
    """A change was written (and logged). ``notice`` is what the user is told; the rest says
    what to show next."""

    notice: str = ""
    status: str = ""
    severity: SeverityLevel = "information"
    timeout: float | None = None
    select_meeting: int | None = None
    select_case: int | None = None
    select_point: int | None = None
    select_index: int | None = None
    reload: bool = True
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class RegenerationPlanned(Message):
    """What a fresh draft from the figures would change in a case."""

    changes: list[Any]  # PointChange


@dataclass(eq=False)
class DocumentWritten(Message):
    """A document was rendered and written (atomically) to ``path``."""

    path: Path


@dataclass(eq=False)
class MeetingLifeLoaded(Message):
    """A meeting's life was read: its state, attendance, cases with their vedtak, the deadline."""

    life: Any  # rsapp.saksfremlegg.meeting_life.MeetingLife
    vedtak: list[Any]  # rsapp.saksfremlegg.vedtak.VedtakView, in case-number order
    deadlines: list[str]  # "Frist til Helse Nord 01.11.2025 (om 9 dager): ikke sendt"
    select_case: int | None = None


@dataclass(eq=False)
class FollowUpLoaded(Message):
    """The follow-up was read: what falls due, the funded projects, the regional awards."""

    due: list[Any]  # rsapp.followup.views.DueItem
    projects: list[Any]  # rsapp.followup.views.ProjectLine
    regional: list[Any]  # rsapp.followup.awards.RegionalRow
    round_id: int | None = None
    deadline: str = ""


@dataclass(eq=False)
class ProjectLoaded(Message):
    """One funded project's summary (years, payments, reports) was read."""

    summary: Any  # rsapp.followup.views.ProjectSummary
