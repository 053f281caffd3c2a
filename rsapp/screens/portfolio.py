"""The portfolio: the round's pot in one line, and every application, sortable and searchable.

The first frame shows the portfolio read before the app started (`rsapp.app.make_app`);
every later read (Ctrl+R, coming back from another screen) runs in a thread worker that posts
:class:`~rsapp.messages.PortfolioLoaded`. Filters, search and sorting work on what was read,
with no database access.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Select, Static
from textual.worker import Worker, WorkerState

from rsapp.money import format_amount_or_missing
from rsapp.portfolio import ApplicationSummary, PortfolioData, RoundInfo, load_portfolio, pot_header
from rsapp.vocab import NOT_STATED, STATUS_LABELS, status_label
from rsapp.widgets.filters import FilterSelect, SelectPlaceholder, swap_in
from rsapp.widgets.footer import KeyFooter
from rsapp.widgets.table import MeasuredTable
from rsapp.widgets.wrap import WrappedStatic

if TYPE_CHECKING:
    from rsapp.app import RsApp
    from rsapp.messages import PortfolioLoaded

ALL = ""


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    sort_key: Callable[[ApplicationSummary], Any]
    right: bool = False
    width: int | None = None  # the most it takes; it is narrower when its texts are


def _amount_key(value: int | None) -> tuple[int, int]:
    return (0, 0) if value is None else (1, value)


COLUMNS: tuple[Column, ...] = (
    Column("rank", "Nr", lambda a: (a.round_key, a.rank or 0), right=True, width=3),
    Column("title", "Prosjekt", lambda a: a.title.casefold(), width=40),
    Column("owners", "Prosjekteiere", lambda a: a.owners.casefold(), width=26),
    Column("municipalities", "Kommuner", lambda a: ", ".join(a.municipalities).casefold(), width=18),
    Column("applied_year", "Søkt i år", lambda a: _amount_key(a.applied_year), right=True, width=14),
    Column("applied_total", "Søkt totalt", lambda a: _amount_key(a.applied_total), right=True, width=14),
    Column("period", "Periode", lambda a: _period_key(a.period), width=18),
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


#: A narrow screen: what gives way, in this order, until the table fits. Nr, the amounts (Søkt i år,
#: Søkt totalt), Periode and Status never do. The project name shortens first; what still does
#: not fit scrolls sideways (← →). The full texts are in the application (Enter).
GIVE_WAY: tuple[tuple[str, int | None], ...] = (
    ("title", 24),  # the project name shortens to 24 characters
    ("owners", 14),  # the owners shorten
    ("municipalities", None),  # the municipalities go
    ("owners", None),  # the owners go
    ("vurdering", None),  # Vurdering goes (the assessment screen has it)
    ("krav", None),  # Krav goes
    ("title", 16),  # the project name shortens further
)
#: Cell padding (one space each side) and the vertical scrollbar.
CELL_PADDING = 2
SCROLLBAR = 2

_DATES = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")
_NUMBER_WORDS = {
    "ett": "1",
    "en": "1",
    "to": "2",
    "tre": "3",
    "fire": "4",
    "fem": "5",
    "seks": "6",
    "sju": "7",
    "syv": "7",
    "åtte": "8",
    "ni": "9",
    "ti": "10",
    "tolv": "12",
    "atten": "18",
    "tjuefire": "24",
    "tjue": "20",
    "seksti": "60",
}
_FILLER = re.compile(r"^(?:over|i|for)?\s*(?:en|et)?\s*(?:periode|tidsrom)\s*(?:på|av)?\s*", re.IGNORECASE)


def _short_hf(name: str) -> str:
    """«Helsefellesskapet Troms og Ofoten» -> «Troms og Ofoten» (the filter is narrow)."""
    return re.sub(r"^Helsefellesskap(?:et)?\s+", "", name)


def period_cell(period: str) -> str:
    """The period as the table shows it: ``04.2025–03.2028`` for dates, a tidy text otherwise
    (``over en periode på fem år`` -> ``5 år``), *ikke oppgitt* when there is none."""
    found = _DATES.findall(period)
    if len(found) == 2 and len(period) <= 21:
        (_d1, m1, y1), (_d2, m2, y2) = found
        return f"{m1}.{y1}–{m2}.{y2}"
    text = _FILLER.sub("", period.strip()).strip()
    if not text:
        return NOT_STATED
    words = [_NUMBER_WORDS.get(w.lower(), w) if i == 0 else w for i, w in enumerate(text.split(" "))]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _period_key(period: str) -> tuple[int, str]:
    found = _DATES.findall(period)
    if found:
        day, month, year = found[0]
        return (1, f"{year}{month}{day}")
    return (0, period.casefold())


def column_widths(
    columns: Sequence[Column], natural: dict[str, int], available: int
) -> list[tuple[Column, int]]:
    """Each shown column with its width: the natural width of its texts, narrowed by
    :data:`GIVE_WAY` until the table fits ``available`` cells (or nothing more may give way)."""
    widths = {c.key: natural[c.key] for c in columns}

    def total() -> int:
        return sum(w + CELL_PADDING for w in widths.values())

    for key, narrower in GIVE_WAY:
        if total() <= available:
            break
        if key not in widths:
            continue
        if narrower is None:
            del widths[key]
        else:
            widths[key] = min(widths[key], max(narrower, widths[key] - (total() - available)))
    for key in ("title", "owners"):  # what is left goes back to the name, then the owners
        if key in widths and total() < available:
            widths[key] = min(natural[key], widths[key] + available - total())
    return [(c, widths[c.key]) for c in columns if c.key in widths]


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
        yield WrappedStatic(self._header_text(start), id="pot-header")
        self.filter_hf = start.helsefellesskap_key if start else ALL
        self.filter_round = start.key if start else ALL
        self.filter_status = ALL
        # The filters are in the first frame (the screen must not jump when they arrive).
        with Horizontal(id="filters"):
            yield from self._filters()
            yield Input(placeholder="Søk i all tekst", id="search", compact=True)
        yield MeasuredTable(id="applications", cursor_type="row", zebra_stripes=True)
        yield Static(id="portfolio-empty", markup=False)  # names and the search text, as written
        yield Static(id="portfolio-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Søknadsportefølje"
        self._columns: list[tuple[Column, int]] = []
        table = self.query_one("#applications", DataTable)
        if self._data is not None:
            self._show(self._data)
        else:
            self.reload()
        table.focus()
        self._show_search_key()
        # The real filter menus replace their placeholders once the first frame is on screen.
        self.call_after_refresh(self.call_after_refresh, self._swap_filters)

    def _show_search_key(self) -> None:
        """The search field names its key as the keymap has it (``Søk i all tekst (/)``)."""
        from rsapp.keymap import action_key

        key = action_key(self, "focus_search")
        if key:
            self.query_one("#search", Input).placeholder = f"Søk i all tekst ({key})"

    def _hf_options(self) -> list[tuple[str, str]]:
        found = sorted({(r.helsefellesskap, r.helsefellesskap_key) for r in self._rounds})
        return [("Alle helsefellesskap", ALL), *((_short_hf(name), key) for name, key in found)]

    def _round_options(self) -> list[tuple[str, str]]:
        return [("Alle runder", ALL), *((r.short_label, r.key) for r in self._rounds)]

    def _filters(self) -> Iterable[SelectPlaceholder]:
        """The three filter menus. In the first frame they are placeholders that look exactly like
        them (a Select is costly to mount); the real menus take their place right after it."""
        statuses = [("Alle statuser", ALL), *((label, code) for code, label in STATUS_LABELS.items())]
        for select_id, options, value, tooltip in (
            ("filter-hf", self._hf_options, lambda: self.filter_hf, "Filtrer på helsefellesskap"),
            ("filter-round", self._round_options, lambda: self.filter_round, "Filtrer på runde"),
            ("filter-status", lambda: statuses, lambda: self.filter_status, "Filtrer på status"),
        ):
            label = next((text for text, code in options() if code == value()), "")

            def make(
                select_id: str = select_id, options=options, value=value, tooltip: str = tooltip
            ) -> Select[str]:
                return FilterSelect(
                    options(),
                    value=value(),
                    allow_blank=False,
                    id=select_id,
                    tooltip=tooltip,
                    compact=True,
                )

            yield SelectPlaceholder(label, make, id=f"{select_id}-placeholder")

    def _swap_filters(self) -> None:
        swap_in(self.query(SelectPlaceholder).results(SelectPlaceholder))

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
        from rsapp.messages import PortfolioLoaded

        with self.rsapp.db.read() as reader:
            data = load_portfolio(reader)
        self.post_message(PortfolioLoaded(data))

    def on_portfolio_loaded(self, message: PortfolioLoaded) -> None:
        """(A handler by name, not ``@on``: the first frame does not wait for the messages.)"""
        first = self._data is None
        self._data = message.data
        self._rounds = message.data.rounds
        with self.prevent(Select.Changed):
            for select in self.query("#filter-hf").results(Select):
                select.set_options(self._hf_options())
                select.value = self.filter_hf
            for select in self.query("#filter-round").results(Select):
                select.set_options(self._round_options())
                select.value = self.filter_round
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
            from rsapp.messages import error_text

            self.notify(
                error_text(event.worker.error),
                title="Kunne ikke lese databasen",
                severity="error",
                markup=False,
            )

    def _show(self, data: PortfolioData) -> None:
        self._rounds = data.rounds
        self._all = data.applications
        self._show_header()
        self.refresh_table()

    def _show_header(self) -> None:
        self.query_one("#pot-header", WrappedStatic).set_text(self._header_text(self.current_round()))

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

    def _cells(self, a: ApplicationSummary) -> dict[str, str]:
        return {
            "rank": str(a.rank or ""),
            "title": a.title,
            # An empty field reads as the application screen shows it: "–" for a name or a place,
            # "ikke oppgitt" for an amount or a period.
            "owners": a.owners or "–",
            "municipalities": ", ".join(a.municipalities) or "–",
            "applied_year": a.applied_year_label(),
            "applied_total": format_amount_or_missing(a.applied_total),
            "period": period_cell(a.period),
            "status": status_label(a.status),
            "krav": a.assessment.krav_label if a.assessment else "–",
            "vurdering": a.assessment.vurdering_label if a.assessment else "–",
        }

    def _layout(self, cells: list[dict[str, str]]) -> list[tuple[Column, int]]:
        """The columns to show and their widths, for the rows shown and the screen's width.

        The year in «Søkt 2026»."""
        info = self.current_round()
        columns = [
            Column(c.key, f"Søkt {info.year}", c.sort_key, c.right, c.width)
            if c.key == "applied_year" and info is not None
            else c
            for c in COLUMNS
        ]
        natural = {
            c.key: min(c.width or 99, max([len(c.label), *(len(row[c.key]) for row in cells)]))
            for c in columns
        }
        available = (self.app.size.width or 100) - SCROLLBAR
        return column_widths(columns, natural, available)

    def refresh_table(self) -> None:
        table = self.query_one("#applications", DataTable)
        selected = self.selected_id()
        rows = self.visible_rows()
        cells = [self._cells(a) for a in rows]
        layout = self._layout([self._cells(a) for a in self._all] or cells)
        if layout != self._columns:
            table.clear(columns=True)
            for column, width in layout:
                table.add_column(column.label, key=column.key, width=width)
            self._columns = layout
        else:
            table.clear()
        for a, row in zip(rows, cells, strict=True):
            table.add_row(
                *(
                    Text(row[column.key], justify="right")
                    if column.right
                    else Text(row[column.key], style="dim")
                    if row[column.key] == NOT_STATED
                    else row[column.key]
                    for column, _width in layout
                ),
                key=str(a.id),
            )
        if selected is not None and str(selected) in {str(a.id) for a in rows}:
            table.move_cursor(row=table.get_row_index(str(selected)))
        arrow = "↓" if self._sort_reverse else "↑"
        self.query_one("#portfolio-status", Static).update(
            f"{len(rows)} av {len(self._all)} søknader · sortert etter {COLUMNS[self._sort_index].label} {arrow}"
        )
        empty = self.query_one("#portfolio-empty", Static)
        reason = self.empty_reason() if not rows else ""
        empty.update(reason)
        empty.display = bool(reason)

    def empty_reason(self) -> str:
        """Why the table is empty: which filter, or the search, leaves nothing (and how to undo it)."""
        if not self._all:
            return "Ingen søknader ennå. Importer søknader med i."
        info = self.current_round()
        round_hf = {r.key: r.helsefellesskap_key for r in self._rounds}
        names = {r.helsefellesskap_key: r.helsefellesskap for r in self._rounds}
        parts: list[str] = []
        if (
            self.filter_round != ALL
            and self.filter_hf != ALL
            and round_hf.get(self.filter_round) != self.filter_hf
        ):
            return (
                f"Ingen søknader: runden {info.short_label if info else self.filter_round} hører ikke til "
                f"{names.get(self.filter_hf, self.filter_hf)}. Velg en annen runde eller «Alle helsefellesskap»."
            )
        scope = info.short_label if self.filter_round != ALL and info else "utvalget"
        in_scope = [
            a
            for a in self._all
            if (self.filter_round == ALL or a.round_key == self.filter_round)
            and (self.filter_hf == ALL or round_hf.get(a.round_key) == self.filter_hf)
        ]
        if not in_scope:
            return f"Ingen søknader i {scope}."
        if self.filter_status != ALL:
            with_status = [a for a in in_scope if a.status == self.filter_status]
            if not with_status:
                parts.append(f"ingen har status «{status_label(self.filter_status)}»")
        query = self.query_one("#search", Input).value
        if query.strip():
            parts.append(f"ingen treff på «{query.strip()}»")
        detail = " og ".join(parts) or "ingen passer til filtrene"
        return f"Ingen søknader vises: {detail} i {scope} ({len(in_scope)} søknader). Esc tømmer søket."

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
            chosen = next((r for r in self._rounds if r.key == value), None)
            if chosen is not None and self.filter_hf not in (ALL, chosen.helsefellesskap_key):
                self.filter_hf = chosen.helsefellesskap_key  # a round belongs to one helsefellesskap
                with self.prevent(Select.Changed):
                    self.query_one("#filter-hf", Select).value = self.filter_hf
        elif event.select.id == "filter-status":
            if value == self.filter_status:
                return
            self.filter_status = value
        if event.select.id in {"filter-hf", "filter-round"}:
            self._show_header()
        self.refresh_table()
        self.query_one("#applications", DataTable).focus()  # Enter opens the application again

    @on(Input.Changed, "#search")
    def _search_changed(self) -> None:
        self.refresh_table()

    def on_resize(self) -> None:
        """Another width: the columns give way (or come back) in the stated order."""
        if self.is_mounted and self._data is not None:
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
        for select in self.query(f"#{select_id}").results(Select):
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
