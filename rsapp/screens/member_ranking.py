"""Medlemsrangering: an SSU member ranks a round privately; the secretariat sees the aggregate.

For an SSU member the screen is their own order (rsapp.store.member_rankings): Shift+↑/↓ (or
``u``/``d``), ``t``/``b`` move the highlighted application; each move is saved at once, in a
thread worker (always the newest order, so quick moves cannot arrive out of order). Nobody else
sees the order; the secretariat sees only the aggregate.

For the secretariat the screen is the aggregate: place, Borda points, median place, spread,
the current place in the innstilling, and ⚠ for applications the members place on both sides
of the cut line (omstridt nær streken), with the tie-break rule under the table; ``s`` takes the
aggregate as the innstilling's starting order (after a confirmation). Both follow other
sessions' changes as they happen (``live_refresh``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker, WorkerState

from rsapp.messages import error_text
from rsapp.widgets.footer import KeyFooter
from rsapp.widgets.table import MeasuredTable

if TYPE_CHECKING:
    from rsapp.app import RsApp

__all__ = ["MemberRankingScreen"]

#: Columns of the application's title (longer titles are cut, so the figures stay in view).
NAME_WIDTH = 60


@dataclass(eq=False)
class RankingLoaded(Message):
    """The member's own ranking (``own``) or the aggregate (``aggregate``) was read."""

    own: Any = None
    aggregate: Any = None
    label: str = ""


@dataclass(eq=False)
class RankingSaved(Message):
    """The member's order was saved."""

    order: list[int]


@dataclass(eq=False)
class AggregateUsed(Message):
    moved: int


class MemberRankingScreen(Screen[None]):
    """Medlemmenes rangering av en runde."""

    CSS_PATH = "../styles/member_ranking.tcss"
    #: Its own writes, which a live refresh waits for (rsapp.screens.shared_session).
    LIVE_WAITS_FOR = ("members-save",)
    BINDINGS = [
        Binding("escape", "back", "Tilbake", id="members-back", tooltip="Tilbake til porteføljen"),
        Binding(
            "shift+up,u", "move(-1)", "Flytt opp", id="members-up", tooltip="Flytt søknaden én plass opp"
        ),
        Binding(
            "shift+down,d", "move(1)", "Flytt ned", id="members-down", tooltip="Flytt søknaden én plass ned"
        ),
        Binding("t", "move_to_end('top')", "Øverst", id="members-top", tooltip="Flytt søknaden øverst"),
        Binding(
            "b", "move_to_end('bottom')", "Nederst", id="members-bottom", tooltip="Flytt søknaden nederst"
        ),
        Binding(
            "s",
            "use_aggregate",
            "Bruk som startrekkefølge",
            id="members-use",
            tooltip="Gi innstillingen medlemmenes samlede rekkefølge (sekretariatet)",
        ),
        Binding("ctrl+r", "refresh", "Oppdater", id="members-refresh", tooltip="Les databasen på nytt"),
    ]

    def __init__(self, round_id: int) -> None:
        super().__init__()
        self.round_id = round_id
        self.mode = ""  # "own" or "aggregate", known once read
        self.order: list[Any] = []  # own mode: Candidate in the member's order
        self.aggregate: Any = None
        self._save_lock = threading.Lock()
        self._saving = 0

    @property
    def rsapp(self) -> RsApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        # Error messages may quote names from the database: plain text, never markup.
        yield Static(id="members-info", markup=False)
        yield MeasuredTable(id="members-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="members-rule", markup=False)
        yield Static(id="members-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Medlemsrangering"
        self.query_one("#members-info", Static).update("Leser rangeringen …")
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("move", "move_to_end"):
            return self.mode == "own"
        if action == "use_aggregate":
            return self.mode == "aggregate"
        return True

    # --- reading ---------------------------------------------------------------------------------

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="members-load",
        description="Leser rangeringen",
    )
    def load(self) -> None:
        from rsapp.store import access
        from rsapp.store.member_rankings import own_ranking, round_aggregate

        identity = access.current()

        def read(session: Any) -> RankingLoaded:
            from rsapp.store.read_model import SessionReader, read_rounds

            label = next(
                (r.label for r in read_rounds(SessionReader(session)) if r.id == self.round_id), "Runden"
            )
            if identity.role == access.ROLE_SSU:
                return RankingLoaded(own=own_ranking(session, self.round_id), label=label)
            return RankingLoaded(aggregate=round_aggregate(session, self.round_id), label=label)

        self.post_message(self.rsapp.db.call(read))

    @on(RankingLoaded)
    def _loaded(self, message: RankingLoaded) -> None:
        self.sub_title = message.label
        table = self.query_one("#members-table", DataTable)
        key = self._cursor_key()
        table.clear(columns=True)
        if message.own is not None:
            self.mode = "own"
            self.order = list(message.own.order)
            table.add_column("Din plass", key="place")
            table.add_column("Søknad", key="name", width=NAME_WIDTH)
            table.add_column("Plass i innstillingen", key="rank")
            self._fill_own(cursor_key=key)
            self._own_info(saved=message.own.saved)
            self.query_one("#members-rule", Static).update("")
        else:
            self.mode = "aggregate"
            self.aggregate = message.aggregate
            self._fill_aggregate(cursor_key=key)
        self.refresh_bindings()
        table.focus()

    def _own_info(self, *, saved: bool) -> None:
        self.query_one("#members-info", Static).update(
            "Din egen rangering. Den er privat: andre medlemmer ser den ikke, og sekretariatet ser bare "
            "medlemmenes samlede rangering. Shift+↑/↓ flytter, t/b øverst/nederst; hver flytting lagres."
            + ("" if saved else " Ikke lagret ennå: du ser innstillingens rekkefølge.")
        )

    def _cursor_key(self) -> int | None:
        table = self.query_one("#members-table", DataTable)
        if table.row_count == 0:
            return None
        try:
            return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)
        except Exception:  # noqa: BLE001 - no row under the cursor
            return None

    def _fill_own(self, *, cursor_key: int | None = None) -> None:
        table = self.query_one("#members-table", DataTable)
        table.clear()
        for place, candidate in enumerate(self.order, start=1):
            table.add_row(str(place), candidate.name, str(candidate.rank), key=str(candidate.key))
        self._move_cursor(cursor_key)

    def _move_cursor(self, key: int | None) -> None:
        table = self.query_one("#members-table", DataTable)
        if key is None or table.row_count == 0:
            return
        try:
            table.move_cursor(row=table.get_row_index(str(key)))
        except Exception:  # noqa: BLE001 - the row is gone
            pass

    def _fill_aggregate(self, *, cursor_key: int | None = None) -> None:
        result = self.aggregate
        table = self.query_one("#members-table", DataTable)
        table.add_column("Samlet", key="place")
        table.add_column("Søknad", key="name", width=NAME_WIDTH)
        for label in ("Borda-poeng", "Median plass", "Spredning", "Innstilling nå", "Omstridt nær streken"):
            table.add_column(label)
        for row in result.rows:
            table.add_row(
                str(row.place),
                row.name,
                str(row.borda),
                row.median_label,
                row.spread_label,
                str(row.current_rank),
                "⚠ omstridt" if row.contested else "",
                key=str(row.key),
            )
        self._move_cursor(cursor_key)
        members = "1 medlem har" if result.members == 1 else f"{result.members} medlemmer har"
        line = f"{members} rangert søknadene."
        if result.cut is not None:
            line += f" Streken går nå etter plass {result.cut} i innstillingen."
        contested = len(result.contested)
        if contested:
            line += f" ⚠ {contested} omstridt nær streken (medlemmene plasserer dem både over og under)."
        line += " s: bruk som startrekkefølge i innstillingen."
        self.query_one("#members-info", Static).update(line)
        self.query_one("#members-rule", Static).update(result.rule)

    # --- a member's moves ------------------------------------------------------------------------

    def _current_index(self) -> int | None:
        table = self.query_one("#members-table", DataTable)
        if self.mode != "own" or not self.order or table.row_count == 0:
            return None
        return table.cursor_row

    def _move_index(self, index: int, target: int) -> None:
        target = min(max(target, 0), len(self.order) - 1)
        if target == index:
            return
        candidate = self.order.pop(index)
        self.order.insert(target, candidate)
        self._fill_own(cursor_key=candidate.key)
        self._save()

    def action_move(self, step: int) -> None:
        index = self._current_index()
        if index is not None:
            self._move_index(index, index + step)

    def action_move_to_end(self, end: str) -> None:
        index = self._current_index()
        if index is not None:
            self._move_index(index, 0 if end == "top" else len(self.order) - 1)

    @work(thread=True, exit_on_error=False, group="members-save", description="Lagrer rangeringen")
    def _save(self) -> None:
        from rsapp.store.member_rankings import save_own_order

        with self._save_lock:  # one save at a time, always the newest order
            order = [c.key for c in self.order]
            self.rsapp.db.call(save_own_order, self.round_id, order)
        self.post_message(RankingSaved(order))

    @on(RankingSaved)
    def _saved(self, message: RankingSaved) -> None:
        self._own_info(saved=True)
        self.query_one("#members-status", Static).update(f"Lagret: plass 1–{len(message.order)}.")

    # --- the secretariat -------------------------------------------------------------------------

    def action_use_aggregate(self) -> None:
        from rsapp.dialogs import ConfirmDialog

        if self.mode != "aggregate" or self.aggregate is None:
            return
        if self.aggregate.members == 0:
            self.notify("Ingen SSU-medlemmer har rangert søknadene ennå.", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._use()

        self.app.push_screen(
            ConfirmDialog(
                "Gi innstillingen medlemmenes samlede rekkefølge? Rekkefølgen i prioriteringen blir "
                "erstattet; endringen står i endringsloggen.",
                title="Bruk som startrekkefølge",
                yes="Bruk (j)",
                danger=False,
            ),
            answered,
        )

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="members-use",
        description="Setter rekkefølgen",
    )
    def _use(self) -> None:
        from rsapp.store.member_rankings import use_aggregate

        _result, moved = self.rsapp.db.call(use_aggregate, self.round_id)
        self.post_message(AggregateUsed(moved))

    @on(AggregateUsed)
    def _used(self, message: AggregateUsed) -> None:
        self.notify(
            f"Innstillingen har fått medlemmenes samlede rekkefølge ({message.moved} søknader fikk ny plass).",
            title="Startrekkefølge",
        )
        self.load()

    # --- other -----------------------------------------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        self.notify(
            error_text(event.worker.error), title="Ikke lagret", severity="error", timeout=8, markup=False
        )
        if event.worker.group in ("members-save", "members-use", "members-load"):
            self.query_one("#members-info", Static).update(error_text(event.worker.error))
        if event.worker.group == "members-save":
            self.load()  # show what is saved

    def live_refresh(self) -> bool:
        """Another session changed the database: read again (the move being saved first waits)."""
        self.load()
        return True

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)
