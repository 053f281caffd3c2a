"""Prioritering: the pot ledger, earmarks, the ranked list with its cut line, years and change log.

The screen presents `rsapp.allocation` (every figure) and changes things only through
`rsapp.prioritisation` (one transaction per change, versioned, logged, undoable).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, DataTable, Header, Static, TabbedContent, TabPane

from rsapp.allocation import (
    POSITION_ABOVE,
    POSITION_BELOW,
    POSITION_NO_POT,
    POSITION_UNKNOWN,
    ROUTE_LABELS,
    ROUTES,
    Allocation,
    fill_pot,
    reallocate_after_move,
)
from rsapp.money import format_kr
from rsapp.prioritisation import (
    Change,
    Command,
    EarmarkAddCommand,
    EarmarkEditCommand,
    EarmarkRemoveCommand,
    FillPotCommand,
    History,
    MoveCommand,
    PrioritisationError,
    RecommendCommand,
    RoundView,
    RouteCommand,
    StaleError,
    Versions,
    change_log,
    format_earmark_amounts,
    format_log_value,
    load_earmarks,
    load_view,
)
from rsapp.widgets.footer import KeyFooter
from rsapp.widgets.ranked_list import RankedList
from rsapp.widgets.table import MeasuredTable
from rsapp.widgets.wrap import WrappedStatic, wrapped

if TYPE_CHECKING:
    from rsapp.app import RsApp

__all__ = ["PrioritisationScreen"]

SLOW_UPDATE_SECONDS = 0.15  # years view, warnings and log follow shortly after each change

#: Under the years view: how the ledger reads.
YEARS_NOTE = (
    "Hvert år: inngående saldo (fjorårets utgående) + ny pott − avsetninger − innstilt for søknadene "
    "over streken = utgående saldo, som overføres til neste år. Streken trekkes mot årene med bekreftet "
    "pott; år med antatt pott eller uten pott er lov, men varslet."
)

POSITION_WORDS = {
    POSITION_ABOVE: "over streken",
    POSITION_BELOW: "under streken",
    POSITION_UNKNOWN: "beløp ukjent (?)",
    POSITION_NO_POT: "pott ikke oppgitt",
}


def _button(label: str, button_id: str, tooltip: str, variant: str = "default") -> Button:
    return Button(label, id=button_id, tooltip=tooltip, compact=True, variant=variant)  # type: ignore[arg-type]


class PrioritisationScreen(Screen[None]):
    """Prioritering av en runde."""

    CSS_PATH = "../styles/prioritisation.tcss"

    BINDINGS = [
        Binding("escape", "back", "Tilbake", id="prio-back", tooltip="Tilbake til porteføljen"),
        Binding(
            "shift+up,u", "move_up", "Flytt opp", id="prio-move-up", tooltip="Flytt søknaden én plass opp"
        ),
        Binding(
            "shift+down,d",
            "move_down",
            "Flytt ned",
            id="prio-move-down",
            tooltip="Flytt søknaden én plass ned",
        ),
        Binding("t", "move_top", "Øverst", id="prio-move-top", tooltip="Flytt søknaden øverst"),
        Binding("b", "move_bottom", "Nederst", id="prio-move-bottom", tooltip="Flytt søknaden nederst"),
        Binding("n", "move_to", "Til plass …", id="prio-move-to", tooltip="Flytt søknaden til plass N"),
        Binding(
            "g", "edit_grant", "Innstilt", id="prio-grant", tooltip="Endre innstilt beløp per år (også Enter)"
        ),
        Binding(
            "r",
            "cycle_route",
            "Rute",
            id="prio-route",
            tooltip="Bytt rute: lokal pott, regional søknad, begge, ikke prioritert",
        ),
        Binding(
            "v",
            "choose_route",
            "Velg rute",
            id="prio-route-choose",
            tooltip="Velg rute i en liste: lokal pott, regional søknad, begge, ikke prioritert",
        ),
        Binding(
            "m",
            "toggle_marks",
            "Vis forslag",
            id="prio-marks",
            tooltip="Merk det som får plass i potten, i gjeldende rekkefølge (fyll potten)",
        ),
        Binding(
            "f",
            "fill_pot",
            "Fyll potten",
            id="prio-fill",
            tooltip="Flytt det som får plass øverst, i gjeldende rekkefølge",
        ),
        Binding("ctrl+z", "undo", "Angre", id="prio-undo", tooltip="Angre siste endring"),
        Binding("ctrl+y", "redo", "Gjør om", id="prio-redo", tooltip="Gjør om det som ble angret"),
        Binding(
            "ctrl+r",
            "refresh",
            "Oppdater",
            id="prio-refresh",
            tooltip="Les databasen på nytt (endringer fra andre)",
        ),
        Binding("a", "add_earmark", "Ny avsetning", id="prio-earmark-add", tooltip="Legg til en avsetning"),
        Binding(
            "w",
            "edit_earmark",
            "Endre avsetning",
            id="prio-earmark-edit",
            show=False,
            tooltip="Endre valgt avsetning (fanen Avsetninger)",
        ),
        Binding(
            "x",
            "remove_earmark",
            "Slett avsetning",
            id="prio-earmark-remove",
            show=False,
            tooltip="Slett valgt avsetning (fanen Avsetninger)",
        ),
        Binding("e", "export_excel", "Eksporter Excel", id="prio-export", tooltip="Excel-prioriteringsliste"),
        Binding(
            "V",
            "assess",
            "Vurder",
            id="prio-assess",
            tooltip="Vurder valgt søknad mot utlysningens krav og kriterier (Shift+V)",
        ),
        Binding(
            "1", "tab('tab-rank')", "Rangering", show=False, id="prio-tab-rank", tooltip="Vis rangeringen"
        ),
        Binding(
            "2",
            "tab('tab-earmarks')",
            "Avsetninger",
            show=False,
            id="prio-tab-earmarks",
            tooltip="Vis avsetningene",
        ),
        Binding(
            "3",
            "tab('tab-years')",
            "Flerår",
            show=False,
            id="prio-tab-years",
            tooltip="Vis flerårsoversikten",
        ),
        Binding(
            "4", "tab('tab-log')", "Endringslogg", show=False, id="prio-tab-log", tooltip="Vis endringsloggen"
        ),
        Binding(
            "5",
            "tab('tab-regional')",
            "Regional liste",
            show=False,
            id="prio-tab-regional",
            tooltip="Vis det som sendes videre til Helse Nord",
        ),
    ]

    def __init__(self, round_id: int) -> None:
        super().__init__()
        self.round_id = round_id
        self.view: RoundView | None = None
        self.allocation: Allocation | None = None
        self.history = History()
        self.show_marks = False
        self._slow_timer: Timer | None = None
        self._ledger_key: tuple | None = None
        self._unsaved_moves: list[MoveCommand] = []  # shown, not yet written (saved after the frame)
        self._grants_dirty = True
        self._needs_full = False  # the shown allocation came from reallocate_after_move
        self._assessments: dict[int, tuple[str, str]] = {}  # id -> (Krav, Vurdering)

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    # --- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        with Horizontal(id="prio-top"):
            yield Static(id="prio-ledger")
            yield Static(id="prio-summary")
        with TabbedContent(id="prio-tabs", initial="tab-rank"):
            with TabPane("Rangering (1)", id="tab-rank"):
                yield RankedList(id="ranked")
                yield Static(id="prio-status", markup=False)  # names the application: plain text
                with Horizontal(classes="prio-buttons"):
                    yield _button("▲ Opp", "btn-up", "Flytt opp (Shift+↑)")
                    yield _button("▼ Ned", "btn-down", "Flytt ned (Shift+↓)")
                    yield _button("Øverst", "btn-top", "Flytt øverst (t)")
                    yield _button("Nederst", "btn-bottom", "Flytt nederst (b)")
                    yield _button("Til plass …", "btn-move-to", "Flytt til plass N (n)")
                    yield _button("Innstilt …", "btn-grant", "Endre innstilt beløp per år (g)")
                    yield _button("Rute", "btn-route", "Bytt til neste rute (r)")
                    yield _button("Velg rute …", "btn-route-choose", "Velg rute i en liste (v)")
                    yield _button("Vis forslag", "btn-marks", "Merk det som får plass (m)")
                    yield _button("Fyll potten", "btn-fill", "Flytt det som får plass øverst (f)")
                    yield _button("Angre", "btn-undo", "Angre (Ctrl+Z)")
                    yield _button("Gjør om", "btn-redo", "Gjør om (Ctrl+Y)")
                    yield _button("Oppdater", "btn-refresh", "Les databasen på nytt (Ctrl+R)")
                    yield _button("Eksporter Excel", "btn-export", "Excel-prioriteringsliste (e)", "primary")
            with TabPane("Avsetninger (2)", id="tab-earmarks"):
                yield MeasuredTable(id="earmarks", cursor_type="row", zebra_stripes=True)
                yield WrappedStatic(id="earmark-detail")  # the selected earmark's long texts, whole
                with Horizontal(classes="prio-buttons"):
                    yield _button("Ny avsetning", "btn-earmark-add", "Legg til en avsetning (a)", "primary")
                    yield _button("Endre", "btn-earmark-edit", "Endre valgt avsetning (w eller Enter)")
                    yield _button("Slett", "btn-earmark-remove", "Slett valgt avsetning (x)", "error")
                    yield _button("Angre", "btn-undo-2", "Angre (Ctrl+Z)")
                    yield _button("Gjør om", "btn-redo-2", "Gjør om (Ctrl+Y)")
            with TabPane("Flerårsoversikt (3)", id="tab-years"):
                with VerticalScroll(id="years-scroll"):
                    yield Static(id="years")
            with TabPane("Endringslogg (4)", id="tab-log"):
                yield MeasuredTable(id="log", cursor_type="row", zebra_stripes=True)
            with TabPane("Regional liste (5)", id="tab-regional"):
                with VerticalScroll(id="regional-scroll"):
                    yield Static(id="regional")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Prioritering"
        earmarks = self.query_one("#earmarks", DataTable)
        earmarks.add_column("Navn", width=32)
        earmarks.add_column("Beløp per år")
        earmarks.add_column("Formål", width=36)  # in full under the table
        earmarks.add_column("Sak", width=10)
        earmarks.add_column("Begrunnelse", width=36)
        log = self.query_one("#log", DataTable)
        log.add_columns("Tid", "Bruker", "Endring", "Før", "Etter")
        self.reload()
        self.query_one(RankedList).focus()

    # --- data ------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the whole round again (on open and Ctrl+R)."""
        ranked = self.query_one(RankedList)
        key = ranked.cursor_key
        try:
            with self.rsapp.session() as session:
                self.view = load_view(session, self.round_id)
                self._assessments = _assessment_columns(session, self.round_id)
        except PrioritisationError as exc:
            self.notify(str(exc), severity="error", timeout=8, markup=False)
            return
        view = self.view
        self.history.versions = Versions(
            view.versions, {e.id: e.version for e in view.earmarks}, view.ranks()
        )
        self.title = "Prioritering"
        self.sub_title = view.round_name
        self._recompute(cursor_key=key, full=True)
        self._fill_earmark_table()

    def _recompute(self, *, cursor_key: int | None = None, full: bool = False, schedule: bool = True) -> None:
        view = self.view
        assert view is not None
        try:
            allocation = view.allocation()
        except PrioritisationError as exc:  # pragma: no cover - AllocationError is a ValueError too
            self.notify(str(exc), severity="error", markup=False)
            return
        except ValueError:
            # Our copy drifted from the database (e.g. another user reordered): read it again.
            with self.rsapp.session() as session:
                self.view = view = load_view(session, self.round_id)
            self.history.versions = Versions(
                view.versions, {e.id: e.version for e in view.earmarks}, view.ranks()
            )
            allocation = view.allocation()
        self._needs_full = False
        self._present(allocation, cursor_key=cursor_key, full=full, schedule=schedule)

    def _present(
        self,
        allocation: Allocation,
        *,
        cursor_key: int | None = None,
        full: bool = False,
        schedule: bool = True,
    ) -> None:
        """Show ``allocation`` in the list, ledger and status line; the rest follows shortly after."""
        view = self.view
        assert view is not None
        self.allocation = allocation
        ranked = self.query_one(RankedList)
        ranked.set_rows(
            allocation.rows,
            cut_index=allocation.cut_index,
            available=allocation.ledger.available,
            owners=view.owners if full else None,
            default_grant=self._default_grant(full),
            marks=set(fill_pot(allocation)) if self.show_marks else (),
            year=view.year,
            cursor_key=cursor_key,
            assessments=self._assessments if full else None,
        )
        self._update_ledger()
        self._update_status()
        if schedule:
            self._schedule_slow()

    def _default_grant(self, full: bool) -> set[int] | None:
        """Applications whose grant is the applied amount (shown with "="), recomputed only when needed."""
        view = self.view
        assert view is not None
        if full or self._grants_dirty:
            self._grants_dirty = False
            return {k for k, a in view.applications.items() if a.recommended is None}
        return None

    def _schedule_slow(self) -> None:
        if self._slow_timer is not None:
            self._slow_timer.stop()
        self._slow_timer = self.set_timer(SLOW_UPDATE_SECONDS, self._slow_update)

    def _slow_update(self) -> None:
        self._slow_timer = None
        if self._needs_full:
            if self._unsaved_moves:  # a move is still being saved: come back when it is
                self._schedule_slow()
                return
            # Moves were shown incrementally: recompute the whole allocation once things are quiet.
            shown = self.allocation
            self._needs_full = False
            view = self.view
            assert view is not None
            try:
                full = view.allocation()
            except ValueError:
                full = None
            if full is not None and full == shown:
                self.allocation = full  # same figures: nothing on screen changes
            else:  # pragma: no cover - reallocate_after_move is property-tested against allocate()
                self._recompute(cursor_key=self.query_one(RankedList).cursor_key, schedule=False)
        self._update_summary()
        tabs = self.query_one("#prio-tabs", TabbedContent)
        if tabs.active == "tab-years":
            self._update_years()
        elif tabs.active == "tab-regional":
            self._update_regional()
        elif tabs.active == "tab-log":
            self._fill_log()

    def _apply(self, change: Change, cursor_key: int | None = None) -> None:
        view = self.view
        assert view is not None
        view.apply(change)
        self._grants_dirty = self._grants_dirty or bool(change.recommended)
        if change.earmarks_changed:
            with self.rsapp.session() as session:
                view.earmarks = load_earmarks(session, self.round_id)
            self._fill_earmark_table()
        self._recompute(cursor_key=cursor_key)

    # --- presenting ------------------------------------------------------------------------------

    def _update_ledger(self) -> None:
        allocation = self.allocation
        assert allocation is not None
        ledger = allocation.ledger
        years = [y for y in allocation.years if y.budget_year <= allocation.round_year]
        key = (
            tuple((y.budget_year, y.opening, y.new_confirmed, y.new_assumed, y.earmarked) for y in years),
            tuple(e.name for e in ledger.open_earmarks),
            ledger.pot_stated,
        )
        if key == self._ledger_key:
            return  # a move or a recommendation does not change the ledger: skip the layout pass
        self._ledger_key = key
        width = self._panel_width("#prio-ledger", 3 / 5)
        parts: list = []
        if not ledger.pot_stated:
            parts.append(
                wrapped("Pott ikke oppgitt: ingen strek før potten er lagt inn.", width, style="bold yellow")
            )
        for year in years:
            line = f"{year.budget_year}: "
            if year.opening:
                line += f"{format_kr(year.opening)} overført + "
            line += f"{format_kr(year.new_confirmed + year.new_assumed)} ny pott"
            if year.new_assumed:
                line += " (antatt)"
            if year.earmarked:
                line += f" − {format_kr(year.earmarked)} avsatt"
            if year.budget_year < allocation.round_year:
                line += f" = {format_kr(year.closing)} overføres"
            parts.append(wrapped(line, width, indent="  "))
        if ledger.pot_stated:
            headline = f"Til fordeling {allocation.round_year}: {format_kr(ledger.available)}"
            if ledger.carried_in:
                headline += f" (herav {format_kr(ledger.carried_in)} overført)"
            parts.append(wrapped(headline, width, style="bold"))
        for earmark in ledger.open_earmarks:
            parts.append(
                wrapped(
                    f"⚠ «{earmark.name}»: beløp ikke avklart, ikke regnet som 0.", width, style="bold yellow"
                )
            )
        self.query_one("#prio-ledger", Static).update(Group(*parts))

    def _update_summary(self) -> None:
        allocation = self.allocation
        if allocation is None:
            return
        year = allocation.round_year
        width = self._panel_width("#prio-summary", 2 / 5) - 2
        parts: list = []
        if allocation.ledger.pot_stated:
            parts.append(
                wrapped(
                    f"Innstilt over streken {year}: {format_kr(allocation.recommended_round_year)}",
                    width,
                    style="bold",
                )
            )
            parts.append(
                wrapped(
                    f"Igjen {year} etter søknadene over streken: {format_kr(allocation.left or 0)}",
                    width,
                    style="bold",
                )
            )
        if allocation.cut_index is None:
            if allocation.ledger.pot_stated:
                parts.append(
                    wrapped("Alle søknadene med kjent beløp får plass i potten.", width, style="green")
                )
        else:
            row = allocation.rows[allocation.cut_index]
            parts.append(wrapped(f"Streken går før plass {row.rank}: «{row.name}».", width, style="bold red"))
        unknown = sum(1 for row in allocation.rows if row.position == POSITION_UNKNOWN)
        if unknown:
            noun = "søknad" if unknown == 1 else "søknader"
            parts.append(wrapped(f"⚠ {unknown} {noun} uten oppgitt beløp (?)", width, style="yellow"))
        # Year warnings are listed in the years tab; here only how many there are, so that the
        # list keeps its room at 100×30 (each application's own warnings are in the status line).
        year_warnings = [w for w in allocation.warnings if w[:4].isdigit()]
        if year_warnings:
            parts.append(
                wrapped(
                    f"⚠ {len(year_warnings)} {'varsel' if len(year_warnings) == 1 else 'varsler'} om årene "
                    f"etter {year}: se Flerårsoversikt (3)",
                    width,
                    style="yellow",
                )
            )
        self.query_one("#prio-summary", Static).update(Group(*parts))

    def _panel_width(self, selector: str, share: float) -> int:
        """The width a top panel has (or will have, before the first layout)."""
        width = self.query_one(selector, Static).size.width
        return width if width > 0 else int((self.size.width or self.app.size.width) * share) - 2

    def on_resize(self) -> None:
        if self.allocation is not None:
            self._ledger_key = None
            self._update_ledger()
            self._update_summary()
            self._update_status()

    def _update_status(self) -> None:
        ranked = self.query_one(RankedList)
        allocation = self.allocation
        if allocation is None or not allocation.rows:
            self.query_one("#prio-status", Static).update("Ingen søknader i runden.")
            return
        row = allocation.rows[ranked.cursor]
        where = POSITION_WORDS.get(row.position, row.position)
        route = ROUTE_LABELS.get(row.route, row.route)
        notes = " · ".join(f"⚠ {w}" for w in row.warnings)
        hint = notes or (
            "Ctrl+Z angrer" if self.history.can_undo else "Dra en rad med musen eller bruk Shift+↑/↓"
        )
        # One line of fixed height: no layout pass needed (keeps a move within one frame).
        self.query_one("#prio-status", Static).update(
            f"{row.rank}/{len(allocation.rows)} {row.name} · {route} · {where} · {hint}",
            layout=False,
        )

    def _update_years(self) -> None:
        allocation = self.allocation
        view = self.view
        if allocation is None or view is None:
            return
        table = Table(
            title="Regnskap per budsjettår",
            title_justify="left",
            expand=False,
            box=box.SIMPLE_HEAD,
            collapse_padding=True,  # fits 100 columns
        )
        table.add_column("År", no_wrap=True)
        table.add_column("Pott", no_wrap=True)
        for label in ("Inngående", "Ny pott", "Avsatt", "Innstilt", "Utgående"):
            table.add_column(label, justify="right", no_wrap=True)
        for year in allocation.years:
            basis = Text(year.basis, style="" if year.basis == "bekreftet" else "yellow")
            closing = Text(format_kr(year.closing), style="bold red" if year.closing < 0 else "bold")
            table.add_row(
                str(year.budget_year),
                basis,
                format_kr(year.opening),
                format_kr(year.new_confirmed + year.new_assumed),
                format_kr(year.earmarked) + (" + ?" if year.open_earmarks else ""),
                format_kr(year.recommended),
                closing,
            )
        parts: list = [table, Text(YEARS_NOTE, style="italic")]
        # What each year holds: the earmarks and the applications above the line.
        for year in allocation.years:
            lines = [
                f"  − {earmark.data.name}: {format_kr(earmark.data.amounts[year.budget_year])}"
                for earmark in view.earmarks
                if not earmark.data.is_open and year.budget_year in earmark.data.amounts
            ]
            lines += [f"  ⚠ {name}: beløp ikke avklart" for name in year.open_earmarks]
            lines += [
                f"  {row.rank}. {row.name}: {format_kr(row.local[year.budget_year])}"
                for row in allocation.rows
                if year.budget_year in row.local
            ]
            if lines:
                parts.append(Text(f"{year.budget_year} ({year.basis})", style="bold"))
                parts.extend(Text(line) for line in lines)
        warnings = [w for w in allocation.warnings if w[:4].isdigit()]
        parts.extend(Text(f"⚠ {w}", style="bold yellow") for w in warnings)
        years = self.query_one("#years", Static)
        # Never narrower than the table: on a narrow screen it scrolls sideways, amounts whole.
        console = self.app.console
        years.styles.min_width = Measurement.get(console, console.options.update_width(1000), table).maximum
        years.update(Group(*parts))

    def _update_regional(self) -> None:
        """The regional list for Helse Nord: what is left to forward, per year, in rank order."""
        allocation = self.allocation
        if allocation is None:
            return
        items = allocation.regional
        years = sorted({y for item in items for y in (item.by_year or {})})
        table = Table(
            title="Regional liste: det som sendes videre til Helse Nord",
            title_justify="left",
            box=box.SIMPLE_HEAD,
        )
        table.add_column("Nr", justify="right", no_wrap=True)
        table.add_column("Prosjekt", ratio=1)
        for year in years:
            table.add_column(str(year), justify="right", no_wrap=True)
        table.add_column("Sum", justify="right", no_wrap=True)
        for item in items:
            amounts = [
                "ikke oppgitt"
                if item.by_year is None
                else format_kr(item.by_year[y])
                if y in item.by_year
                else "–"
                for y in years
            ]
            total = "ikke oppgitt" if item.total is None else format_kr(item.total)
            table.add_row(str(item.rank), Text(item.name), *amounts, total)  # the name: plain text
        parts: list = [table] if items else [Text("Ingen søknader sendes videre til Helse Nord.")]
        parts.append(
            Text(
                "Regional: alt som er søkt sendes videre. Begge: det som ikke betales av den lokale potten "
                "sendes videre. En søknad som er fullt finansiert lokalt, står ikke på listen.",
                style="italic",
            )
        )
        self.query_one("#regional", Static).update(Group(*parts))

    def _fill_earmark_table(self) -> None:
        view = self.view
        if view is None:
            return
        table = self.query_one("#earmarks", DataTable)
        row_index = table.cursor_row
        table.clear()
        for item in view.earmarks:
            data = item.data
            amounts = "beløp ikke avklart" if data.is_open else format_earmark_amounts(data.amounts)
            table.add_row(data.name, amounts, data.purpose, data.source_case, data.reason, key=str(item.id))
        if view.earmarks:
            table.move_cursor(row=min(row_index, len(view.earmarks) - 1))
        self._show_earmark_detail()

    @on(DataTable.RowHighlighted, "#earmarks")
    def _show_earmark_detail(self) -> None:
        """Under the table: the selected earmark's purpose and reason, wrapped (the columns cut them)."""
        view = self.view
        table = self.query_one("#earmarks", DataTable)
        detail = self.query_one("#earmark-detail", WrappedStatic)
        if view is None or not view.earmarks or table.row_count == 0:
            detail.set_text("")
            return
        data = view.earmarks[min(table.cursor_row, len(view.earmarks) - 1)].data
        amounts = "beløp ikke avklart" if data.is_open else format_earmark_amounts(data.amounts)
        text = Text()
        text.append(data.name, style="bold")
        text.append(f" · {amounts}")
        if data.source_case:
            text.append(f" · sak {data.source_case}")
        for label, value in (("Formål", data.purpose), ("Begrunnelse", data.reason)):
            if value:
                text.append(f"\n{label}: ", style="bold")
                text.append(value)
        detail.set_text(text)

    def _fill_log(self) -> None:
        from rsapp.dates import format_date

        with self.rsapp.session() as session:
            entries = change_log(session, self.round_id)
        table = self.query_one("#log", DataTable)
        table.clear()
        for entry in entries:
            at = entry.at.astimezone() if entry.at.tzinfo else entry.at
            table.add_row(
                f"{format_date(at)} {at:%H:%M:%S}",
                entry.user,
                entry.summary,
                format_log_value(entry.action, entry.old)[:40],
                format_log_value(entry.action, entry.new)[:40],
            )

    # --- running commands ------------------------------------------------------------------------

    def _run(self, command: Command, *, cursor_key: int | None = None) -> bool:
        if self._unsaved_moves:  # a move shown but not saved yet: keep the order of changes
            self.call_after_refresh(self._run, command, cursor_key=cursor_key)
            return True
        try:
            with self.rsapp.session() as session:
                change = self.history.run(command, session)
        except PrioritisationError as exc:
            self.notify(str(exc), title="Ikke lagret", severity="error", timeout=8, markup=False)
            if isinstance(exc, StaleError):  # show what the other user saved, at once
                self.reload()
            return False
        self._apply(change, cursor_key)
        return True

    def action_undo(self) -> None:
        if self._unsaved_moves:
            self.call_after_refresh(self.action_undo)
            return
        try:
            with self.rsapp.session() as session:
                result = self.history.undo(session)
        except PrioritisationError as exc:
            self.notify(str(exc), title="Kan ikke angre", severity="error", timeout=8, markup=False)
            if isinstance(exc, StaleError):
                self.reload()
            return
        if result is None:
            self.notify("Ingenting å angre.")
            return
        command, change = result
        self._apply(change, getattr(command, "application_id", None))
        self.notify(f"Angret: {command.label}.", markup=False)

    def action_redo(self) -> None:
        if self._unsaved_moves:
            self.call_after_refresh(self.action_redo)
            return
        try:
            with self.rsapp.session() as session:
                result = self.history.redo(session)
        except PrioritisationError as exc:
            self.notify(str(exc), title="Kan ikke gjøre om", severity="error", timeout=8, markup=False)
            if isinstance(exc, StaleError):
                self.reload()
            return
        if result is None:
            self.notify("Ingenting å gjøre om.")
            return
        command, change = result
        self._apply(change, getattr(command, "application_id", None))
        self.notify(f"Gjort om: {command.label}.", markup=False)

    # --- moves -----------------------------------------------------------------------------------

    def _current_row(self):
        allocation = self.allocation
        if allocation is None or not allocation.rows:
            self.notify("Ingen søknad er valgt.", severity="warning")
            return None
        return allocation.rows[self.query_one(RankedList).cursor]

    def move(self, key: int, position: int) -> bool:
        """Move application ``key`` to 1-based ``position`` (undoable)."""
        allocation = self.allocation
        if allocation is None:
            return False
        position = min(max(position, 1), len(allocation.rows))
        ranked = self.query_one(RankedList)
        index = ranked.index_of(key)
        if index is None:
            return False
        from_rank = allocation.rows[index].rank
        if from_rank == position:
            return False
        # The neighbour the user sees at the new place (and at the old one, for undo): the move
        # lands next to it even if another user has reordered the round since this list was read.
        rows = allocation.rows
        if position < from_rank:
            above, below = rows[position - 1].key, None
            undo_above, undo_below = None, rows[from_rank - 2].key
        else:
            above, below = None, rows[position - 1].key
            undo_above, undo_below = rows[from_rank].key, None
        command = MoveCommand(
            key,
            from_rank,
            position,
            label=f"flytting av «{rows[index].name}»",
            above=above,
            below=below,
            undo_above=undo_above,
            undo_below=undo_below,
        )
        # Show the move at once (the next frame), then save it right after that frame is drawn.
        # Should saving fail (e.g. another user changed the row), the database's state is read back.
        lo, hi = min(from_rank, position), max(from_rank, position)
        segment = [row.key for row in allocation.rows[lo - 1 : hi]]
        segment.remove(key)
        segment.insert(position - lo, key)
        self._unsaved_moves.append(command)
        # No cyclic garbage collection in this hot path (10 000 rows allocate many objects);
        # it runs again right after, outside the frame.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            assert self.view is not None
            self.view.apply(Change(ranks={k: lo + i for i, k in enumerate(segment)}))
            # Only the rows between the old and new place change: no full allocate() per move.
            self._needs_full = True
            self._present(reallocate_after_move(allocation, index, position - 1), cursor_key=key)
        finally:
            if gc_was_enabled:
                gc.enable()
        self.call_after_refresh(self._save_move, command)
        return True

    def flush_unsaved(self) -> None:
        """Write every move already shown but not yet saved (called before the app quits)."""
        for command in list(self._unsaved_moves):
            self._save_move(command)

    def _save_move(self, command: MoveCommand) -> None:
        position = next((i for i, c in enumerate(self._unsaved_moves) if c is command), None)
        if position is None:  # already written by flush_unsaved()
            return
        del self._unsaved_moves[position]
        try:
            with self.rsapp.session() as session:
                change = self.history.run(command, session)
        except PrioritisationError as exc:
            self.notify(str(exc), title="Ikke lagret", severity="error", timeout=8, markup=False)
            self.reload()
            return
        assert self.view is not None
        expected = {k: self.view.applications[k].rank for k in change.ranks if k in self.view.applications}
        if not change.ranks or expected != change.ranks:
            # Another user had reordered the round: the move kept its neighbour, but the rest of
            # the list on the screen is old. Show the order as it is now, and say why it moved.
            self.notify(
                f"{change.summary}. Rekkefølgen var endret av en annen bruker; listen viser den slik den er nå.",
                title="Rekkefølgen er oppdatert",
                severity="warning",
                timeout=8,
                markup=False,
            )
            self.reload()
        else:
            self.view.apply(change)
            self._update_status()

    def action_move_up(self) -> None:
        if (row := self._current_row()) is not None:
            self.move(row.key, row.rank - 1)

    def action_move_down(self) -> None:
        if (row := self._current_row()) is not None:
            self.move(row.key, row.rank + 1)

    def action_move_top(self) -> None:
        if (row := self._current_row()) is not None:
            self.move(row.key, 1)

    def action_move_bottom(self) -> None:
        if (row := self._current_row()) is not None and self.allocation is not None:
            self.move(row.key, len(self.allocation.rows))

    def action_move_to(self) -> None:
        from rsapp.screens.prioritisation_dialogs import MoveToDialog

        row = self._current_row()
        if row is None or self.allocation is None:
            return
        key = row.key

        def done(position: int | None) -> None:
            if position is not None:
                self.move(key, position)

        self.app.push_screen(MoveToDialog(row.name, row.rank, len(self.allocation.rows)), callback=done)

    @on(RankedList.MoveRequested)
    def _dragged(self, event: RankedList.MoveRequested) -> None:
        self.move(event.key, event.position)

    @on(RankedList.CursorMoved)
    def _cursor_moved(self) -> None:
        self._update_status()

    @on(RankedList.Activated)
    def _activated(self, event: RankedList.Activated) -> None:
        self.edit_grant(event.key)

    # --- grants, routes, fill the pot ------------------------------------------------------------

    def action_edit_grant(self) -> None:
        if (row := self._current_row()) is not None:
            self.edit_grant(row.key)

    def edit_grant(self, key: int) -> None:
        from rsapp.screens.prioritisation_dialogs import RecommendChoice, RecommendDialog

        view = self.view
        if view is None or key not in view.applications:
            return
        app_input = view.applications[key]
        old = dict(app_input.recommended) if app_input.recommended is not None else None

        def done(choice: RecommendChoice | None) -> None:
            if choice is None or choice.amounts == old:
                return
            self._run(
                RecommendCommand(key, old, choice.amounts, label=f"innstilt beløp for «{app_input.name}»"),
                cursor_key=key,
            )

        self.app.push_screen(
            RecommendDialog(app_input.name, app_input.plan(view.year), old, view.year), callback=done
        )

    def action_cycle_route(self) -> None:
        row = self._current_row()
        if row is None:
            return
        new = ROUTES[(ROUTES.index(row.route) + 1) % len(ROUTES)] if row.route in ROUTES else ROUTES[0]
        self._set_route(row.key, row.name, row.route, new)

    def action_choose_route(self) -> None:
        from rsapp.screens.prioritisation_dialogs import RouteDialog

        row = self._current_row()
        if row is None:
            return
        key, name, old = row.key, row.name, row.route

        def done(route: str | None) -> None:
            if route is not None and route != old:
                self._set_route(key, name, old, route)
                self.query_one(RankedList).focus()

        self.app.push_screen(RouteDialog(name, old), callback=done)

    def _set_route(self, key: int, name: str, old: str, new: str) -> None:
        """One route change: one undo step and one change log row."""
        if self._run(RouteCommand(key, old, new, label=f"rute for «{name}»"), cursor_key=key):
            self.notify(f"«{name}»: {ROUTE_LABELS[new]}.", markup=False)

    def action_toggle_marks(self) -> None:
        self.show_marks = not self.show_marks
        allocation = self.allocation
        if allocation is not None:
            self.query_one(RankedList).set_marks(set(fill_pot(allocation)) if self.show_marks else ())
        if self.show_marks:
            self.notify(
                "✓ merker søknadene som får plass i potten i gjeldende rekkefølge. «f» flytter dem øverst."
            )

    def action_fill_pot(self) -> None:
        key = self.query_one(RankedList).cursor_key
        if self._run(FillPotCommand(self.round_id), cursor_key=key):
            self.notify("Fyll potten: søknadene som får plass, står nå øverst. Ctrl+Z angrer.")

    # --- earmarks --------------------------------------------------------------------------------

    def _selected_earmark(self):
        view = self.view
        table = self.query_one("#earmarks", DataTable)
        if view is None or not view.earmarks or table.row_count == 0:
            self.notify("Velg en avsetning i fanen «Avsetninger» først.", severity="warning")
            return None
        return view.earmarks[min(table.cursor_row, len(view.earmarks) - 1)]

    def action_add_earmark(self) -> None:
        from rsapp.screens.prioritisation_dialogs import EarmarkDialog

        def done(data) -> None:
            if data is not None and self._run(
                EarmarkAddCommand(self.round_id, data, label=f"ny avsetning «{data.name}»")
            ):
                self.notify(f"Avsetningen «{data.name}» er lagt til. Ctrl+Z angrer.", markup=False)

        self.app.push_screen(EarmarkDialog(), callback=done)

    def action_edit_earmark(self) -> None:
        from rsapp.screens.prioritisation_dialogs import EarmarkDialog

        item = self._selected_earmark()
        if item is None:
            return
        ref = self.history.earmark_ref(item.id)
        old = item.data

        def done(data) -> None:
            if (
                data is not None
                and data != old
                and self._run(EarmarkEditCommand(ref, old, data, label=f"endret avsetning «{data.name}»"))
            ):
                self.notify(f"Avsetningen «{data.name}» er endret. Ctrl+Z angrer.", markup=False)

        self.app.push_screen(EarmarkDialog(old), callback=done)

    def action_remove_earmark(self) -> None:
        from rsapp.screens.prioritisation_dialogs import ConfirmDialog

        item = self._selected_earmark()
        if item is None:
            return
        ref = self.history.earmark_ref(item.id)

        def done(yes: bool | None) -> None:
            if yes and self._run(
                EarmarkRemoveCommand(self.round_id, ref, label=f"slettet avsetning «{item.data.name}»")
            ):
                self.notify(f"Avsetningen «{item.data.name}» er slettet. Ctrl+Z angrer.", markup=False)

        self.app.push_screen(ConfirmDialog(f"Slette avsetningen «{item.data.name}»?", "Slett"), callback=done)

    @on(DataTable.RowSelected, "#earmarks")
    def _earmark_selected(self) -> None:
        self.action_edit_earmark()

    # --- other actions ---------------------------------------------------------------------------

    def live_refresh(self) -> bool:
        """Another session changed the database: show it (rsapp.screens.shared_session). Not while a move
        of ours is still being saved (False: ask again shortly)."""
        if self._unsaved_moves:
            return False
        self.reload()
        return True

    def action_refresh(self) -> None:
        self.reload()
        self._update_summary()
        self._fill_log()
        self._update_years()
        self.notify("Oppdatert fra databasen.")

    def action_back(self) -> None:
        self.dismiss(None)

    def action_assess(self) -> None:
        """The assessment screen for the selected application; Krav and Vurdering follow."""
        from rsapp.screens.assessment import AssessmentScreen

        key = self.query_one(RankedList).cursor_key
        if key is None:
            self.notify("Ingen søknad er valgt.", severity="warning")
            return
        self.app.push_screen(AssessmentScreen(key), callback=lambda _=None: self.reload())

    def action_tab(self, tab: str) -> None:
        self.query_one("#prio-tabs", TabbedContent).active = tab

    def action_export_excel(self) -> None:
        export = getattr(self.app, "action_export_excel", None)
        if export is None:
            self.notify("Eksport til Excel er ikke tilgjengelig ennå.", severity="warning")
            return
        export(self.round_id)

    @on(TabbedContent.TabActivated, "#prio-tabs")
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id
        if pane == "tab-years":
            self._update_years()
        elif pane == "tab-regional":
            self._update_regional()
        elif pane == "tab-log":
            self._fill_log()
        elif pane == "tab-rank":
            self.query_one(RankedList).focus()
        elif pane == "tab-earmarks":  # arrow keys choose the earmark that w / x act on
            self.query_one("#earmarks", DataTable).focus()

    _BUTTONS = {
        "btn-up": "move_up",
        "btn-down": "move_down",
        "btn-top": "move_top",
        "btn-bottom": "move_bottom",
        "btn-move-to": "move_to",
        "btn-grant": "edit_grant",
        "btn-route": "cycle_route",
        "btn-route-choose": "choose_route",
        "btn-marks": "toggle_marks",
        "btn-fill": "fill_pot",
        "btn-undo": "undo",
        "btn-redo": "redo",
        "btn-undo-2": "undo",
        "btn-redo-2": "redo",
        "btn-refresh": "refresh",
        "btn-export": "export_excel",
        "btn-earmark-add": "add_earmark",
        "btn-earmark-edit": "edit_earmark",
        "btn-earmark-remove": "remove_earmark",
    }

    @on(Button.Pressed)
    def _button_pressed(self, event: Button.Pressed) -> None:
        action = self._BUTTONS.get(event.button.id or "")
        if action is not None:
            event.stop()
            getattr(self, f"action_{action}")()
            if action.startswith("move") or action in {"undo", "redo", "fill_pot", "cycle_route"}:
                self.query_one(RankedList).focus()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Vurdering: vurder valgt søknad",
            "Krav, prioriterte tiltak og kriterier (Shift+V)",
            self.action_assess,
        )
        yield SystemCommand("Prioritering: flytt opp", "Flytt valgt søknad én plass opp", self.action_move_up)
        yield SystemCommand(
            "Prioritering: flytt ned", "Flytt valgt søknad én plass ned", self.action_move_down
        )
        yield SystemCommand(
            "Prioritering: flytt øverst", "Flytt valgt søknad til plass 1", self.action_move_top
        )
        yield SystemCommand("Prioritering: flytt nederst", "Flytt valgt søknad sist", self.action_move_bottom)
        yield SystemCommand(
            "Prioritering: flytt til plass …", "Flytt valgt søknad til plass N", self.action_move_to
        )
        yield SystemCommand(
            "Prioritering: innstilt beløp", "Endre innstilt beløp per år", self.action_edit_grant
        )
        yield SystemCommand(
            "Prioritering: bytt rute",
            "Til neste: lokal pott, regional, begge, ikke prioritert",
            self.action_cycle_route,
        )
        yield SystemCommand(
            "Prioritering: velg rute",
            "Velg lokal pott, regional søknad, begge eller ikke prioritert i en liste",
            self.action_choose_route,
        )
        yield SystemCommand(
            "Prioritering: vis forslag (fyll potten)", "Merk det som får plass", self.action_toggle_marks
        )
        yield SystemCommand(
            "Prioritering: fyll potten", "Flytt det som får plass øverst", self.action_fill_pot
        )
        yield SystemCommand("Endring: angre", "Angre siste endring (Ctrl+Z)", self.action_undo)
        yield SystemCommand("Endring: gjør om", "Gjør om (Ctrl+Y)", self.action_redo)
        yield SystemCommand("Avsetning: ny", "Legg til en avsetning", self.action_add_earmark)
        yield SystemCommand("Avsetning: endre", "Endre valgt avsetning", self.action_edit_earmark)
        yield SystemCommand("Avsetning: slett", "Slett valgt avsetning", self.action_remove_earmark)
        yield SystemCommand(
            "Vis: flerårsoversikt",
            "Regnskap per budsjettår: overført, ny pott, avsatt, innstilt, utgående",
            lambda: self.action_tab("tab-years"),
        )
        yield SystemCommand(
            "Vis: endringslogg", "Hvem endret hva, og når", lambda: self.action_tab("tab-log")
        )
        yield SystemCommand(
            "Vis: regional liste",
            "Det som sendes videre til Helse Nord, per år",
            lambda: self.action_tab("tab-regional"),
        )
        yield SystemCommand(
            "Eksport: Excel-prioriteringsliste",
            "Prioritert liste til Tildelingsutvalget",
            self.action_export_excel,
        )
        yield SystemCommand(
            "Oppdater: les databasen på nytt", "Vis endringer fra andre (Ctrl+R)", self.action_refresh
        )


def _assessment_columns(session: object, round_id: int) -> dict[int, tuple[str, str]]:
    """Krav and Vurdering per application, from the one summary every output uses (as the Excel
    list: none before the round has any assessment, so the list keeps its room until then)."""
    from rsapp.assessment.reads import assessment_summaries

    summaries = assessment_summaries(session, round_id)
    if not any(summary.assessed for summary in summaries.values()):
        return {}
    return {app_id: (summary.krav_label, summary.vurdering_label) for app_id, summary in summaries.items()}
