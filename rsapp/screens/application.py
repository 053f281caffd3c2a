"""One application in full: every form section, the budget lines and the source.

The application is read in a thread worker (:class:`~rsapp.messages.ApplicationLoaded`); the
screen shows a loading indicator until then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Static
from textual.worker import Worker, WorkerState

from rsapp.dates import format_date
from rsapp.messages import ApplicationLoaded, error_text
from rsapp.money import format_amount_or_missing, format_kr
from rsapp.portfolio import ApplicationDetail, application_detail
from rsapp.vocab import NOT_STATED, SECTION_HEADINGS, status_label
from rsapp.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from rsapp.app import RsApp


def budget_table(detail: ApplicationDetail, round_year: int | None = None) -> Table | Text:
    lines = detail.budget_lines
    if not lines or all(line.amount is None for line in lines):
        return Text(f"Søkt beløp: {NOT_STATED}", style="bold")
    table = Table(title="Budsjettlinjer", title_justify="left", expand=False)
    table.add_column("År")
    table.add_column("Beløp", justify="right")
    table.add_column("Formål")
    table.add_column("Fra dokumentet", style="dim")
    for line in lines:
        amount = format_amount_or_missing(line.amount)
        if line.amount_high is not None and line.amount is not None:
            amount = f"{format_kr(line.amount)}–{format_kr(line.amount_high)}"
        if line.needs_confirmation:
            amount += " ⚠"
        # The purpose and the phrase are the document's words: plain text, never markup.
        table.add_row(
            str(line.budget_year or "–"), amount, Text(line.purpose), Text(f"«{line.source_phrase}»")
        )
    table.add_section()
    table.add_row("Sum", format_amount_or_missing(detail.summary.applied_total), "", "")
    return table


def sources_table(detail: ApplicationDetail) -> Table:
    """Every recorded field source: which document and which lines or pages."""
    from rsapp.portfolio import source_label

    labels = {
        "name": "Navn",
        "owners": "Prosjekteiere",
        "municipalities": "Kommune(r)",
        "contact_municipal": "Kontaktperson(er)",
        "hospital_trust": "Helseforetak",
        "contact_trust": "Kontaktperson",
        "agreement_text": "Signert avtale",
        "period_text": "Periode",
        "budget_line": "Budsjettlinje",
    } | SECTION_HEADINGS
    table = Table(expand=False, show_edge=False)
    table.add_column("Felt", style="bold")
    table.add_column("Kilde")
    for source in detail.sources:
        table.add_row(Text(labels.get(source.field, source.field)), Text(source_label(source)))
    return table


class ApplicationScreen(Screen[None]):
    """Søknaden i sin helhet."""

    BINDINGS = [
        Binding("escape", "back", "Tilbake", id="back", tooltip="Tilbake til porteføljen"),
        Binding(
            "v", "assess", "Vurder", id="assess", tooltip="Vurder søknaden mot utlysningens krav og kriterier"
        ),
        Binding(
            "b",
            "confirm_amounts",
            "Bekreft beløp",
            id="confirm-amounts",
            tooltip="Bekreft eller rett beløp som er merket «må bekreftes»",
        ),
        Binding(
            "h",
            "replaced_values",
            "Erstattet",
            id="replaced-values",
            tooltip="Verdier en import har erstattet, og legg en gammel verdi tilbake",
        ),
        Binding("backspace", "back", "Tilbake", show=False, id="back-alt"),
    ]

    def __init__(self, application_id: int) -> None:
        super().__init__()
        self.application_id = application_id

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    def action_back(self) -> None:
        """Back to the portfolio, which reads again what the assessment may have changed."""
        self.dismiss(None)

    def action_assess(self) -> None:
        """The assessment screen for this application."""
        from rsapp.screens.assessment import AssessmentScreen

        self.app.push_screen(AssessmentScreen(self.application_id), callback=self._assessed)

    def action_confirm_amounts(self) -> None:
        """Confirm or correct the budget lines flagged «må bekreftes»; read again afterwards."""
        from rsapp.screens.import_review import ConfirmAmountsScreen

        self.app.push_screen(ConfirmAmountsScreen(self.application_id), callback=self._amounts_confirmed)

    def action_replaced_values(self) -> None:
        """The values imports have replaced here; restoring one reads the application again."""
        from rsapp.screens.replaced_values import ReplacedValuesScreen

        self.app.push_screen(ReplacedValuesScreen(self.application_id), callback=self._amounts_confirmed)

    async def _amounts_confirmed(self, changed: bool | None = None) -> None:
        if changed:
            await self._assessed()

    async def _assessed(self, _: None = None) -> None:
        """Back from the assessment: read the application again (its status may have changed)."""
        body = self.query_one("#application-body", VerticalScroll)
        await body.remove_children()
        body.loading = True
        self._load(self.application_id)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        yield VerticalScroll(id="application-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Søknad"
        body = self.query_one("#application-body")
        body.loading = True
        body.focus()
        self._load(self.application_id)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="application-load",
        description="Leser søknaden",
    )
    def _load(self, application_id: int, live: bool = False) -> None:
        detail = self.rsapp.db.call(application_detail, application_id)
        self.post_message(ApplicationLoaded(detail, live))

    def live_refresh(self) -> bool:
        """Another session changed the database: read the application again; redraw it only if
        it changed, keeping the place the user has scrolled to."""
        self._load(self.application_id, live=True)
        return True

    @on(Worker.StateChanged)
    def _load_failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "application-load" and event.state == WorkerState.ERROR:
            self.query_one("#application-body").loading = False
            self.notify(
                error_text(event.worker.error),
                title="Kunne ikke vise søknaden",
                severity="error",
                markup=False,
            )

    @on(ApplicationLoaded)
    async def _loaded(self, message: ApplicationLoaded) -> None:
        body = self.query_one("#application-body", VerticalScroll)
        shown = _fingerprint(message.detail)
        if message.live:
            if shown == getattr(self, "_shown", None):
                return  # nothing new for this application
            scrolled = body.scroll_y
            await body.remove_children()
            await body.mount_all(self._content(message.detail))
            body.scroll_to(y=scrolled, animate=False, immediate=True)
        else:
            await body.mount_all(self._content(message.detail))
        self._shown = shown
        body.loading = False

    def _content(self, detail: ApplicationDetail) -> list[Widget]:
        s, a = detail.summary, detail.application
        widgets: list[Widget] = [Static(Text(s.title, style="bold"), id="application-title", classes="title")]
        facts = Table.grid(padding=(0, 2))
        facts.add_column(style="bold")
        facts.add_column()
        for label, value in (
            ("Helsefellesskap", s.helsefellesskap),
            ("Prosjekteiere", a.owners or "–"),
            ("Kommune(r)", ", ".join(s.municipalities) or "–"),
            ("Kontaktperson(er)", a.contact_municipal or "–"),
            ("Helseforetak", a.hospital_trust or "–"),
            ("Kontaktperson", a.contact_trust or "–"),
            (
                "Signert avtale",
                (a.agreement_text or "–")
                + (f" ({format_date(a.agreement_date)})" if a.agreement_date else ""),
            ),
            ("Periode", s.period or NOT_STATED),
            ("Status", status_label(a.status)),
            ("Søkt totalt", format_amount_or_missing(s.applied_total)),
            ("Kilde", a.source_document or "–"),
        ):
            facts.add_row(label, Text(value))  # the application's own words: plain text, never markup
        widgets.append(Static(facts, id="application-facts"))
        widgets.append(Static(budget_table(detail), id="application-budget"))
        for column, (heading, text) in zip(detail.section_fields, detail.sections, strict=True):
            title = Text(heading, style="bold underline")
            source = detail.source_of(column)
            if source:
                title.append(f"  (kilde: {source})", style="dim")
            widgets.append(Static(title, classes="section-heading"))
            widgets.append(Static(text, classes="section-text", markup=False))
        if detail.sources:
            widgets.append(
                Static(Text("Kilder for feltene", style="bold underline"), classes="section-heading")
            )
            widgets.append(Static(sources_table(detail), id="application-sources"))
        return widgets


def _fingerprint(detail: ApplicationDetail) -> tuple[object, ...]:
    """What the screen shows of ``detail``, to compare two reads of it."""
    return (
        detail.summary,
        tuple(sorted(detail.application.model_dump().items(), key=lambda item: item[0])),
        tuple(tuple(sorted(line.model_dump().items())) for line in detail.budget_lines),
        tuple(detail.sections),
        tuple(tuple(sorted(source.model_dump().items())) for source in detail.sources),
    )
