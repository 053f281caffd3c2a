"""The portfolio: the round's pot in one line, and every application, sortable and searchable.

The first frame shows the portfolio read before the app started (`rsapp.app.make_app`);
every later read (Ctrl+R, coming back from another screen) runs in a thread worker that posts
:class:`~rsapp.messages.PortfolioLoaded`. Filters, search and sorting work on what was read,
with no database access.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Select, Static
from textual.worker import Worker, WorkerState

from rsapp.messages import PortfolioLoaded, error_text
from rsapp.money import format_amount_or_missing
from rsapp.portfolio import ApplicationSummary, PortfolioData, RoundInfo, load_portfolio, pot_header
from rsapp.vocab import NOT_STATED, STATUS_LABELS, status_label

if TYPE_CHECKING:
    from rsapp.app import RsApp

ALL = ""


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    sort_key: Callable[[ApplicationSummary], Any]
    right: bool = False
    width: int | None = None


def _amount_key(value: int | None) -> tuple[int, int]:
    return (0, 0) if value is None else (1, value)


COLUMNS: tuple[Column, ...] = (
    Column("rank", "Nr", lambda a: (a.round_key, a.rank or 0), right=True, width=3),
    Column("title", "Prosjekt", lambda a: a.title.casefold(), width=40),
    Column("owners", "Prosjekteiere", lambda a: a.owners.casefold(), width=26),
    Column("municipalities", "Kommuner", lambda a: ", ".join(a.municipalities).casefold(), width=18),
    Column("applied_year", "Søkt i år", lambda a: _amount_key(a.applied_year), right=True, width=14),
    Column("applied_total", "Søkt totalt", lambda a: _amount_key(a.applied_total), right=True, width=14),
    Column("period", "Periode", lambda a: a.period, width=21),
    Column("status", "Status", lambda a: status_label(a.status), width=15),
    Column("krav", "Krav", lambda a: a.assessment.krav_sort_key() if a.assessment else (0, 0, 0), width=7),
    Column(
        "vurdering",
        "Vurdering",
        lambda a: a.assessment.vurdering_sort_key() if a.assessment else (0, 0.0),
        right=True,
        width=14,
    ),
)


def matches(summary: ApplicationSummary, query: str) -> bool:
    """Every word of the query occurs somewhere in the application's text."""
    return all(word in summary.search_blob for word in query.casefold().split())


class PortfolioScreen(Screen[None]):
    """Søknadsportefølje."""

    BINDINGS = [
        Binding("enter", "open", "Åpne", id="open", tooltip="Åpne søknaden", show=True),
        Binding("slash", "focus_search", "Søk", id="search", tooltip="Søk i all tekst"),
        Binding("s", "next_sort", "Sorter", id="sort", tooltip="Sorter etter neste kolonne"),
        Binding("o", "reverse_sort", "Snu", id="reverse", tooltip="Snu sorteringsrekkefølgen"),
        Binding(
            "v", "assess", "Vurder", id="assess", tooltip="Vurder søknaden mot utlysningens krav og kriterier"
        ),
        Binding("p", "prioritise", "Prioriter", id="prioritise", tooltip="Prioritering av runden"),
        Binding("i", "import_files", "Importer", id="import", tooltip="Importer søknader fra filer"),
        Binding("k", "cases", "Saker", id="cases", tooltip="Møter og saksfremlegg"),
        Binding(
            "m",
            "member_ranking",
            "Medlemsrangering",
            id="member-ranking",
            tooltip="SSU-medlem: din egen rangering; sekretariatet: medlemmenes samlede rangering",
        ),
        Binding(
            "u", "follow_up", "Oppfølging", id="follow-up", tooltip="Tildelinger, utbetalinger og rapporter"
        ),
        Binding(
            "e", "export_excel", "Excel", id="export-excel", tooltip="Eksporter prioriteringslisten til Excel"
        ),
        Binding("ctrl+r", "refresh", "Oppdater", id="refresh", tooltip="Les databasen på nytt"),
        Binding("escape", "clear_search", "Tøm søk", show=False, id="clear-search"),
        Binding(
            "f2",
            "open_filter('filter-hf')",
            "Helsefellesskap",
            show=False,
            id="filter-hf",
            tooltip="Velg helsefellesskap",
        ),
        Binding(
            "f3", "open_filter('filter-round')", "Runde", show=False, id="filter-round", tooltip="Velg runde"
        ),
        Binding(
            "f4",
            "open_filter('filter-status')",
            "Status",
            show=False,
            id="filter-status",
            tooltip="Velg status",
        ),
    ]

    def __init__(self, start: PortfolioData | None = None) -> None:
        """``start``: the portfolio already read (the first frame shows it); None: read it now."""
        super().__init__()
        self._data = start
        self._all: list[ApplicationSummary] = start.applications if start else []
        self._rounds: list[RoundInfo] = start.rounds if start else []
        self._sort_index = 0
        self._sort_reverse = False
        self._notify_when_loaded = False

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        start = self._data.default_round if self._data else None
        yield Header(show_clock=False, icon="")
        yield Static(id="pot-header")
        self.filter_hf = start.helsefellesskap_key if start else ALL
        self.filter_round = start.key if start else ALL
        self.filter_status = ALL
        with Horizontal(id="filters"):
            yield Input(placeholder="Søk i all tekst (/)", id="search")
        yield DataTable(id="applications", cursor_type="row", zebra_stripes=True)
        yield Static(id="portfolio-status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Søknadsportefølje"
        table = self.query_one("#applications", DataTable)
        for column in COLUMNS:
            table.add_column(column.label, key=column.key, width=column.width)
        if self._data is not None:
            self._show(self._data)
        else:
            self.reload()
        table.focus()
        # The filter menus are the costliest widgets here: they follow the first frame.
        self.call_after_refresh(self._mount_filters)

    def _mount_filters(self) -> None:
        hf_options = sorted({(r.helsefellesskap, r.helsefellesskap_key) for r in self._rounds})
        self.query_one("#filters", Horizontal).mount(
            Select(
                [("Alle helsefellesskap", ALL), *hf_options],
                value=self.filter_hf,
                allow_blank=False,
                id="filter-hf",
                tooltip="Filtrer på helsefellesskap",
            ),
            Select(
                [("Alle runder", ALL), *((r.short_label, r.key) for r in self._rounds)],
                value=self.filter_round,
                allow_blank=False,
                id="filter-round",
                tooltip="Filtrer på runde",
            ),
            Select(
                [("Alle statuser", ALL), *((label, code) for code, label in STATUS_LABELS.items())],
                value=self.filter_status,
                allow_blank=False,
                id="filter-status",
                tooltip="Filtrer på status",
            ),
            before="#search",
        )

    # --- data ----------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the portfolio again (in a worker); the table follows when it is read."""
        self.query_one("#portfolio-status", Static).update("Leser databasen …")
        self._load()

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="portfolio-load",
        description="Leser porteføljen",
    )
    def _load(self) -> None:
        with self.rsapp.db.read() as reader:
            data = load_portfolio(reader)
        self.post_message(PortfolioLoaded(data))

    @on(PortfolioLoaded)
    def _loaded(self, message: PortfolioLoaded) -> None:
        first = self._data is None
        self._data = message.data
        if first and self.filter_round == ALL and message.data.default_round is not None:
            start = message.data.default_round
            self.filter_hf, self.filter_round = start.helsefellesskap_key, start.key
            for select_id, value in (("#filter-hf", self.filter_hf), ("#filter-round", self.filter_round)):
                for select in self.query(select_id).results(Select):
                    select.value = value
        self._show(message.data)
        if self._notify_when_loaded:
            self._notify_when_loaded = False
            self.notify("Oppdatert fra databasen.")

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.notify(error_text(event.worker.error), title="Kunne ikke lese databasen", severity="error")

    def _show(self, data: PortfolioData) -> None:
        self._rounds = data.rounds
        self._all = data.applications
        self._show_header()
        self.refresh_table()

    def _show_header(self) -> None:
        self.query_one("#pot-header", Static).update(self._header_text(self.current_round()))

    def _header_text(self, info: RoundInfo | None) -> Text:
        if info is None or self._data is None:
            return Text("Velg en runde for å se potten.", style="italic")
        allocation = self._data.allocation(info.id)
        text = Text()
        text.append(f"{info.short_label}: ", style="bold")
        if not allocation.ledger.pots:
            text.append(f"pott {NOT_STATED}")
        else:
            text.append(pot_header(allocation))
        return text

    def current_round(self) -> RoundInfo | None:
        for info in self._rounds:
            if info.key == self.filter_round:
                return info
        hf = self.filter_hf
        for info in self._rounds:
            if info.helsefellesskap_key == hf:
                return info
        return None

    def visible_rows(self) -> list[ApplicationSummary]:
        hf, round_key, status = self.filter_hf, self.filter_round, self.filter_status
        query = self.query_one("#search", Input).value
        round_hf = {r.key: r.helsefellesskap_key for r in self._rounds}
        rows = [
            a
            for a in self._all
            if (hf == ALL or round_hf.get(a.round_key) == hf)
            and (round_key == ALL or a.round_key == round_key)
            and (status == ALL or a.status == status)
            and (not query or matches(a, query))
        ]
        column = COLUMNS[self._sort_index]
        rows.sort(key=column.sort_key, reverse=self._sort_reverse)
        return rows

    def refresh_table(self) -> None:
        table = self.query_one("#applications", DataTable)
        selected = self.selected_id()
        table.clear()
        rows = self.visible_rows()
        for a in rows:
            cells: list[Any] = [
                str(a.rank or ""),
                a.title,
                a.owners,
                ", ".join(a.municipalities),
                a.applied_year_label(),
                format_amount_or_missing(a.applied_total),
                a.period,
                status_label(a.status),
                a.assessment.krav_label if a.assessment else "–",
                a.assessment.vurdering_label if a.assessment else "–",
            ]
            table.add_row(
                *(
                    Text(c, justify="right") if col.right else c
                    for c, col in zip(cells, COLUMNS, strict=True)
                ),
                key=str(a.id),
            )
        if selected is not None and str(selected) in {str(a.id) for a in rows}:
            table.move_cursor(row=table.get_row_index(str(selected)))
        arrow = "↓" if self._sort_reverse else "↑"
        self.query_one("#portfolio-status", Static).update(
            f"{len(rows)} av {len(self._all)} søknader · sortert etter {COLUMNS[self._sort_index].label} {arrow}"
        )

    def selected_id(self) -> int | None:
        table = self.query_one("#applications", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(row_key.value) if row_key.value is not None else None

    # --- events --------------------------------------------------------------------------------

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        value = str(event.value)
        if event.select.id == "filter-hf":
            if value == self.filter_hf:
                return
            self.filter_hf = value
            current = next((r for r in self._rounds if r.key == self.filter_round), None)
            if value != ALL and current is not None and current.helsefellesskap_key != value:
                first = next((r for r in self._rounds if r.helsefellesskap_key == value), None)
                self.filter_round = first.key if first else ALL
                self.query_one("#filter-round", Select).value = self.filter_round
        elif event.select.id == "filter-round":
            if value == self.filter_round:
                return
            self.filter_round = value
        elif event.select.id == "filter-status":
            if value == self.filter_status:
                return
            self.filter_status = value
        if event.select.id in {"filter-hf", "filter-round"}:
            self._show_header()
        self.refresh_table()

    @on(Input.Changed, "#search")
    def _search_changed(self) -> None:
        self.refresh_table()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.query_one("#applications", DataTable).focus()

    @on(DataTable.RowSelected, "#applications")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_application(int(event.row_key.value))  # type: ignore[arg-type]

    @on(DataTable.HeaderSelected, "#applications")
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        index = next(i for i, c in enumerate(COLUMNS) if c.key == event.column_key.value)
        if index == self._sort_index:
            self._sort_reverse = not self._sort_reverse
        else:
            self._sort_index, self._sort_reverse = index, False
        self.refresh_table()

    # --- actions -------------------------------------------------------------------------------

    def open_application(self, application_id: int) -> None:
        from rsapp.screens.application import ApplicationScreen

        # Back from the application (and its assessment): Status, Krav and Vurdering may have changed.
        self.app.push_screen(ApplicationScreen(application_id), callback=lambda _=None: self.reload())

    def action_open(self) -> None:
        app_id = self.selected_id()
        if app_id is None:
            self.notify("Ingen søknad er valgt.", severity="warning")
            return
        self.open_application(app_id)

    def action_assess(self) -> None:
        """The assessment screen for the selected application."""
        from rsapp.screens.assessment import AssessmentScreen

        app_id = self.selected_id()
        if app_id is None:
            self.notify("Ingen søknad er valgt.", severity="warning")
            return
        self.app.push_screen(AssessmentScreen(app_id), callback=lambda _=None: self.reload())

    def action_habilitet(self) -> None:
        """The register of SSU members and assessors, with the round's possible conflicts."""
        from rsapp.screens.habilitet import HabilitetScreen

        info = self._round_or_warn()
        if info is not None:
            self.app.push_screen(HabilitetScreen(info.id), callback=lambda _=None: self.reload())

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        self.query_one("#applications", DataTable).focus()

    def action_open_filter(self, select_id: str) -> None:
        """Open one of the filter menus (helsefellesskap, runde, status)."""
        select = self.query_one(f"#{select_id}", Select)
        select.focus()
        select.expanded = True

    def action_next_sort(self) -> None:
        self._sort_index = (self._sort_index + 1) % len(COLUMNS)
        self._sort_reverse = False
        self.refresh_table()

    def action_reverse_sort(self) -> None:
        self._sort_reverse = not self._sort_reverse
        self.refresh_table()

    def action_refresh(self) -> None:
        self._notify_when_loaded = True
        self.reload()

    def _round_or_warn(self) -> RoundInfo | None:
        info = self.current_round()
        if info is None:
            self.notify("Velg en runde først (filteret «runde»).", severity="warning")
        return info

    def action_prioritise(self) -> None:
        info = self._round_or_warn()
        if info is None:
            return
        try:
            from rsapp.screens.prioritisation import PrioritisationScreen
        except ImportError:
            self.notify("Prioriteringsbildet er ikke tilgjengelig ennå.", severity="error")
            return
        self.app.push_screen(PrioritisationScreen(info.id), callback=lambda _=None: self.reload())

    def action_import_files(self) -> None:
        try:
            from rsapp.screens.import_screen import ImportScreen
        except ImportError:
            self.notify("Importbildet er ikke tilgjengelig ennå.", severity="error")
            return
        info = self.current_round()
        self.app.push_screen(ImportScreen(info.id if info else None), callback=lambda _=None: self.reload())

    def action_cases(self) -> None:
        try:
            from rsapp.screens.cases import CasesScreen
        except ImportError:
            self.notify("Saksbildet er ikke tilgjengelig ennå.", severity="error")
            return
        from rsapp.saksfremlegg.meetings import meeting_round_of

        info = self.current_round()
        # The round is already read: its meeting day and pot line need no second read.
        meeting_round = None
        if info is not None and self._data is not None:
            meeting_round = meeting_round_of(info, pot_header(self._data.allocation(info.id)))
        self.app.push_screen(
            CasesScreen(info.id if info else None, round=meeting_round), callback=lambda _=None: self.reload()
        )

    def action_follow_up(self) -> None:
        from rsapp.screens.followup import FollowUpScreen

        info = self.current_round()
        self.app.push_screen(FollowUpScreen(info.id if info else None), callback=lambda _=None: self.reload())

    def action_member_ranking(self) -> None:
        """An SSU member's own ranking of the round, or (the secretariat) the members' aggregate."""
        from rsapp.screens.member_ranking import MemberRankingScreen

        info = self._round_or_warn()
        if info is not None:
            self.app.push_screen(MemberRankingScreen(info.id), callback=lambda _=None: self.reload())

    def live_refresh(self) -> bool:
        """Another session changed the database: read the portfolio again (silently, in a worker)."""
        self.reload()
        return True

    def action_export_excel(self) -> None:
        info = self._round_or_warn()
        if info is not None:
            self.rsapp.action_export_excel(info.id)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Søknad: åpne valgt søknad", "Vis alle feltene i søknaden", self.action_open)
        yield SystemCommand(
            "Vurdering: vurder valgt søknad",
            "Krav, prioriterte tiltak og kriterier med sitater (v)",
            self.action_assess,
        )
        yield SystemCommand(
            "Habilitet: register og avgjørelser",
            "SSU-medlemmer, tilknytninger og mulig inhabilitet",
            self.action_habilitet,
        )
        yield SystemCommand("Søk: i all tekst", "Flytt markøren til søkefeltet", self.action_focus_search)
        yield SystemCommand(
            "Filter: helsefellesskap",
            "Vis søknadene til ett helsefellesskap (F2)",
            lambda: self.action_open_filter("filter-hf"),
        )
        yield SystemCommand(
            "Filter: runde", "Vis søknadene i én runde (F3)", lambda: self.action_open_filter("filter-round")
        )
        yield SystemCommand(
            "Filter: status",
            "Vis søknader med én status (F4)",
            lambda: self.action_open_filter("filter-status"),
        )
        yield SystemCommand(
            "Sorter: neste kolonne", "Sorter tabellen etter neste kolonne", self.action_next_sort
        )
        yield SystemCommand("Sorter: snu rekkefølgen", "Stigende eller synkende", self.action_reverse_sort)
        yield SystemCommand(
            "Prioritering: åpne runden", "Avsetninger og rangering i potten", self.action_prioritise
        )
        yield SystemCommand(
            "Import: søknader fra filer", "Word, PDF, tekst eller Markdown", self.action_import_files
        )
        yield SystemCommand(
            "Sak: møter og saksfremlegg", "Saksliste, innstilling og dokumenter", self.action_cases
        )
        yield SystemCommand(
            "Rangering: medlemsrangering",
            "SSU-medlem: din egen rangering; sekretariatet: medlemmenes samlede rangering",
            self.action_member_ranking,
        )
        yield SystemCommand("Oppdater: les databasen på nytt", "Vis endringer fra andre", self.action_refresh)
