"""RankedList: the prioritised applications, virtualised, with a cut line and drag to reorder.

A Line API widget (``ScrollView.render_line``): only the visible lines are rendered, so a
move in a round of 10 000 applications costs the same as in a round of 20. Line 0 is the
column header (it does not scroll); then one line per application in rank order, with one
extra line, the **cut line**, before the first application that no longer fits in the pot.

The widget only shows and reports: it posts :class:`RankedList.MoveRequested` when the user
drags a row (press, move, release; a drop marker shows where it lands, the list scrolls while
the pointer is held at its top or bottom edge), :class:`RankedList.CursorMoved` and
:class:`RankedList.Activated` (Enter or double click). The screen makes the change and calls
:meth:`RankedList.set_rows` with the new allocation rows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from rsapp.allocation import POSITION_BELOW, POSITION_UNKNOWN, ROUTE_LABELS, Row
from rsapp.money import format_amount_or_missing, format_kr

__all__ = ["RankedList", "columns_for_width"]

SHORT_ROUTE = {"lokal": "Lokal", "regional": "Regional", "begge": "Begge", "ikke_prioritert": "Ikke prior."}


@dataclass(frozen=True, slots=True)
class _Column:
    key: str
    label: str
    width: int
    right: bool = False


def columns_for_width(width: int, year: int | None = None, assessed: bool = False) -> list[_Column]:
    """Column layout for a list ``width`` cells wide: the name and owners take what is left.

    Amounts never shrink: when the list is narrow the owners go first, then the name shortens.
    The money columns are the round's year (applied, recommended, what is left after the row)
    and the recommended amounts of the later years. With ``assessed``, the columns Krav and
    Vurdering (``rsapp.assessment``) come after the name when the list is wide enough for them.
    """
    year_text = str(year) if year else "i år"
    fixed = [
        _Column("mark", "", 2),
        _Column("rank", "Nr", 4, True),
        _Column("route", "Rute", 11),
        _Column("applied_year", f"Søkt {year_text}", 13, True),
        _Column("recommended_year", f"Innstilt {year_text}", 15, True),
        _Column("recommended_later", "Innstilt senere", 15, True),
        _Column("left", f"Igjen {year_text}", 14, True),
    ]
    gaps = len(fixed) + 1  # one space between columns
    flexible = max(width - sum(c.width for c in fixed) - gaps, 12)
    extra = [_Column("krav", "Krav", 6), _Column("vurdering", "Vurdering", 13, True)] if assessed else []
    if extra and flexible - sum(c.width + 1 for c in extra) >= 40:
        flexible -= sum(c.width + 1 for c in extra)
    else:
        extra = []
    if flexible >= 48:
        name_width = flexible * 2 // 3
        named = [
            _Column("name", "Prosjekt", name_width),
            _Column("owners", "Prosjekteiere", flexible - name_width - 1),
        ]
    else:
        named = [_Column("name", "Prosjekt", flexible)]
    return fixed[:2] + named + extra + fixed[2:]


def _same_keys(a: Collection[int], b: Collection[int]) -> bool:
    """Whether two collections of keys hold the same keys (a set and a tuple may be equal)."""
    if not a and not b:
        return True
    return len(a) == len(b) and set(a) == set(b)


def _fit(text: str, width: int, right: bool) -> str:
    if len(text) > width:
        return text[: max(width - 1, 0)] + "…" if width > 0 else ""
    return text.rjust(width) if right else text.ljust(width)


class RankedList(ScrollView, can_focus=True):
    """The ranked applications of a round, with the cut line; drag or keys to reorder."""

    COMPONENT_CLASSES = {
        "ranked-list--header",
        "ranked-list--cursor",
        "ranked-list--below",
        "ranked-list--muted",
        "ranked-list--cut",
        "ranked-list--drop",
        "ranked-list--dragged",
        "ranked-list--mark",
    }

    DEFAULT_CSS = """
    RankedList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
    }
    RankedList > .ranked-list--header { text-style: bold; background: $panel; }
    RankedList > .ranked-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    RankedList:blur > .ranked-list--cursor { background: $block-cursor-blurred-background; }
    RankedList > .ranked-list--below { color: $text-muted; background: $error 10%; }
    RankedList > .ranked-list--muted { color: $text-muted; text-style: italic; }
    RankedList > .ranked-list--cut { color: $error; text-style: bold; }
    RankedList > .ranked-list--drop { background: $warning 40%; text-style: bold; }
    RankedList > .ranked-list--dragged { text-style: bold reverse; }
    RankedList > .ranked-list--mark { color: $success; text-style: bold; }
    """

    BINDINGS = [
        Binding("up", "cursor_up", "Opp", show=False, id="list-up"),
        Binding("down", "cursor_down", "Ned", show=False, id="list-down"),
        Binding("pageup", "page_up", "Side opp", show=False, id="list-page-up"),
        Binding("pagedown", "page_down", "Side ned", show=False, id="list-page-down"),
        Binding("home", "first", "Første", show=False, id="list-first"),
        Binding("end", "last", "Siste", show=False, id="list-last"),
        Binding("enter", "activate", "Innstilt beløp", show=False, id="prio-grant-enter"),
    ]

    EDGE_SCROLL_SECONDS = 0.05

    class MoveRequested(Message):
        """The user dropped application ``key`` at 1-based ``position``."""

        def __init__(self, ranked_list: RankedList, key: int, position: int) -> None:
            super().__init__()
            self.ranked_list = ranked_list
            self.key = key
            self.position = position

        @property
        def control(self) -> RankedList:
            return self.ranked_list

    class CursorMoved(Message):
        def __init__(self, ranked_list: RankedList, key: int | None) -> None:
            super().__init__()
            self.ranked_list = ranked_list
            self.key = key

        @property
        def control(self) -> RankedList:
            return self.ranked_list

    class Activated(Message):
        """Enter or double click on application ``key``."""

        def __init__(self, ranked_list: RankedList, key: int) -> None:
            super().__init__()
            self.ranked_list = ranked_list
            self.key = key

        @property
        def control(self) -> RankedList:
            return self.ranked_list

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: Sequence[Row] = ()
        self._owners: Mapping[int, str] = {}
        self._assessments: Mapping[int, tuple[str, str]] = {}  # key -> (Krav, Vurdering)
        self._default_grant: Collection[int] = ()
        self._marks: Collection[int] = ()
        self._cut: int | None = None
        self._available = 0
        self._year: int | None = None
        self.cursor = 0
        self._press: tuple[int, int] | None = None  # (row index, y) of a mouse press
        self.dragging = False
        self.drop_index: int | None = None
        self._edge_direction = 0
        self._edge_timer: Timer | None = None
        self._columns: list[_Column] = []
        self._columns_width = -1
        self.render_count = 0  # lines rendered (for the benchmark)
        self._strip_cache: dict[tuple, Strip] = {}  # rendered rows; unchanged rows cost a lookup

    # --- data ------------------------------------------------------------------------------------

    def set_rows(
        self,
        rows: Sequence[Row],
        *,
        cut_index: int | None,
        available: int,
        owners: Mapping[int, str] | None = None,
        default_grant: Collection[int] | None = None,
        marks: Collection[int] | None = None,
        year: int | None = None,
        cursor_key: int | None = None,
        assessments: Mapping[int, tuple[str, str]] | None = None,
    ) -> None:
        """Show these rows (rank order). ``cursor_key`` keeps the cursor on that application.

        When only some rows changed (a move: the rows between the old and the new place), only
        their visible lines are repainted; anything else that changes the look repaints all.
        """
        old_rows, old_cursor, old_top = self._rows, self.cursor, round(self.scroll_y)
        repaint_all = (
            len(rows) != len(old_rows)
            or cut_index != self._cut
            or available != self._available
            or owners is not None
            or default_grant is not None
            or (marks is not None and not _same_keys(marks, self._marks))
            or (year is not None and year != self._year)
            or assessments is not None
        )
        self._rows = rows
        self._cut = cut_index
        self._available = available
        if owners is not None:
            self._owners = owners
            self._strip_cache.clear()
        if assessments is not None:
            self._assessments = assessments
            self._columns_width = -1  # Krav and Vurdering shown or not
            self._strip_cache.clear()
        if default_grant is not None:
            self._default_grant = default_grant
        if marks is not None:
            self._marks = marks
        if year is not None:
            self._year = year
        if cursor_key is not None:
            index = self.index_of(cursor_key)
            if index is not None:
                self.cursor = index
        self.cursor = min(max(self.cursor, 0), max(len(rows) - 1, 0))
        self.virtual_size = Size(self.size.width, self._line_count() + 1)
        self.scroll_to_cursor()
        top = round(self.scroll_y)
        if repaint_all or top != old_top:
            self.refresh()
            return
        cursor = self.cursor
        for line in range(top, min(top + self._visible_rows, self._line_count())):
            index = self._row_of_line(line)
            if index is None:
                continue
            new, old = rows[index], old_rows[index]
            if index == cursor or index == old_cursor or (new is not old and new != old):
                self.refresh_line(line + 1)

    def set_marks(self, marks: Collection[int]) -> None:
        self._marks = marks
        self.refresh()

    @property
    def rows(self) -> Sequence[Row]:
        return self._rows

    @property
    def cut_index(self) -> int | None:
        return self._cut

    @property
    def cursor_key(self) -> int | None:
        return self._rows[self.cursor].key if self._rows else None

    def index_of(self, key: int) -> int | None:
        rows = self._rows
        # The cursor's neighbourhood first: after a move the row is usually close by.
        for index in range(max(self.cursor - 2, 0), min(self.cursor + 3, len(rows))):
            if rows[index].key == key:
                return index
        for index, row in enumerate(rows):
            if row.key == key:
                return index
        return None

    def move_cursor(self, index: int) -> None:
        if not self._rows:
            return
        index = min(max(index, 0), len(self._rows) - 1)
        if index == self.cursor:
            return
        old = self.cursor
        self.cursor = index
        self._refresh_row(old)
        self._refresh_row(index)
        self.scroll_to_cursor()
        self.post_message(self.CursorMoved(self, self.cursor_key))

    # --- geometry --------------------------------------------------------------------------------

    def _line_count(self) -> int:
        return len(self._rows) + (1 if self._cut is not None else 0)

    def _line_of_row(self, index: int) -> int:
        """Content line (0-based, without the header) of row ``index``."""
        return index if self._cut is None or index < self._cut else index + 1

    def _row_of_line(self, line: int) -> int | None:
        """Row index at content line ``line``; None for the cut line or past the end."""
        if line < 0 or line >= self._line_count():
            return None
        if self._cut is None or line < self._cut:
            return line
        if line == self._cut:
            return None
        return line - 1

    @property
    def _visible_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def scroll_to_cursor(self) -> None:
        line = self._line_of_row(self.cursor)
        top = round(self.scroll_y)
        visible = self._visible_rows
        if line < top:
            self.scroll_to(y=line, animate=False, immediate=True)
        elif line >= top + visible:
            self.scroll_to(y=line - visible + 1, animate=False, immediate=True)

    def _refresh_row(self, index: int) -> None:
        self.refresh_line(self._line_of_row(index) + 1)

    def refresh_line(self, y: int) -> None:  # y counts the header as line 0
        from textual.geometry import Region

        top = round(self.scroll_y)
        self.refresh(Region(0, y - top if y > 0 else 0, self.size.width, 1))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip_cache.clear()  # theme or CSS changed

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self._line_count() + 1)
        self.scroll_to_cursor()

    # --- rendering -------------------------------------------------------------------------------

    def _layout(self, width: int) -> list[_Column]:
        if width != self._columns_width:
            self._columns = columns_for_width(width, self._year, bool(self._assessments))
            self._columns_width = width
        return self._columns

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._header_strip(width, base)
        line = y - 1 + round(self.scroll_y)
        if line >= self._line_count():
            return Strip.blank(width, base)
        self.render_count += 1
        index = self._row_of_line(line)
        if index is None:
            return self._cut_strip(width, base)
        return self._row_strip(index, width, base)

    def _header_strip(self, width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("ranked-list--header")
        text = " ".join(_fit(c.label, c.width, c.right) for c in self._layout(width))
        return Strip([Segment(_fit(text, width, False), style)], width)

    def _cut_strip(self, width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("ranked-list--cut")
        year = f" i {self._year}" if self._year else ""
        label = f" Streken: {format_kr(self._available)} til fordeling{year} – søknadene under får ikke plass i potten "
        side = max((width - len(label)) // 2, 2)
        text = ("━" * side + label + "━" * width)[:width]
        return Strip([Segment(text, style)], width)

    def _cells(self, row: Row) -> dict[str, str]:
        recommended = row.recommended
        if recommended is None:
            year_text = later_text = "?"
        else:
            this_year = recommended.get(row.round_year, 0)
            later = sum(amount for year, amount in recommended.items() if year > row.round_year)
            year_text = format_kr(this_year)
            later_text = format_kr(later) if later else "–"
            if not row.counts_locally:  # not paid locally: shown in brackets
                year_text = f"({year_text})"
                later_text = f"({later_text})" if later else "–"
            elif row.key in self._default_grant and row.applied_total is not None:
                year_text = "= " + year_text  # as applied for
        if row.key in self._marks:
            mark = "✓"
        elif row.position == POSITION_UNKNOWN:
            mark = "?"
        else:
            mark = ""
        return {
            "mark": mark,
            "rank": str(row.rank),
            "name": row.name,
            "owners": self._owners.get(row.key, ""),
            "route": SHORT_ROUTE.get(row.route, ROUTE_LABELS.get(row.route, row.route)),
            "applied_year": format_amount_or_missing(row.applied_round_year),
            "recommended_year": year_text,
            "recommended_later": later_text,
            "left": "–" if row.left is None else format_kr(row.left),
            "krav": self._assessments.get(row.key, ("–", "–"))[0],
            "vurdering": self._assessments.get(row.key, ("–", "–"))[1],
        }

    def _row_strip(self, index: int, width: int, base: Style) -> Strip:
        row = self._rows[index]
        dragging = self.dragging
        cache_key = (
            row.key,
            row.rank,
            row.name,
            row.position,
            row.left,
            row.route,
            row.plan.total,
            tuple(row.recommended.items()) if row.recommended is not None else None,
            row.key in self._marks,
            row.key in self._default_grant,
            self._assessments.get(row.key),
            index == self.cursor,
            self.has_focus,
            dragging and self.drop_index == index,
            dragging and self._press is not None and self._press[0] == index,
            width,
            base,
        )
        strip = self._strip_cache.get(cache_key)
        if strip is None:
            if len(self._strip_cache) > 4000:
                self._strip_cache.clear()
            strip = self._strip_cache[cache_key] = self._build_row_strip(index, width, base)
        return strip

    def _build_row_strip(self, index: int, width: int, base: Style) -> Strip:
        row = self._rows[index]
        style = base
        if row.position == POSITION_BELOW:
            style += self.get_component_rich_style("ranked-list--below")
        if not row.counts_locally or row.position == POSITION_UNKNOWN:
            style += self.get_component_rich_style("ranked-list--muted")
        if index == self.cursor:
            style += self.get_component_rich_style("ranked-list--cursor")
        dragged = self.dragging and self._press is not None and self._press[0] == index
        if dragged:
            style += self.get_component_rich_style("ranked-list--dragged")
        if self.dragging and self.drop_index == index and not dragged:
            style += self.get_component_rich_style("ranked-list--drop")
        cells = self._cells(row)
        if self.dragging and self.drop_index == index:
            cells["mark"] = "▶"
        mark_style = style + self.get_component_rich_style("ranked-list--mark")
        segments: list[Segment] = []
        for column in self._layout(width):
            text = _fit(cells[column.key], column.width, column.right)
            segments.append(Segment(text, mark_style if column.key == "mark" else style))
            segments.append(Segment(" ", style))
        used = sum(c.width + 1 for c in self._columns)
        if used < width:
            segments.append(Segment(" " * (width - used), style))
        return Strip(segments).crop(0, width)

    # --- keys ------------------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - self._visible_rows)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + self._visible_rows)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._rows) - 1)

    def action_activate(self) -> None:
        if self._rows:
            self.post_message(self.Activated(self, self._rows[self.cursor].key))

    # --- mouse: click, double click, drag --------------------------------------------------------

    def _row_at_y(self, y: int) -> int | None:
        if y < 1:
            return None
        return self._row_of_line(y - 1 + round(self.scroll_y))

    def _drop_at_y(self, y: int) -> int:
        """Where a row dropped at widget line ``y`` lands (clamped to the visible rows)."""
        top = round(self.scroll_y)
        line = min(max(y - 1, 0), self._visible_rows - 1) + top
        line = min(line, self._line_count() - 1)
        index = self._row_of_line(line)
        if index is None:  # on the cut line: land just below it
            index = self._cut or 0
        return min(max(index, 0), len(self._rows) - 1)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1 or not self._rows:
            return
        self.focus()
        index = self._row_at_y(event.y)
        if index is None:
            return
        self.move_cursor(index)
        self._press = (index, event.y)
        self.dragging = False
        self.drop_index = None
        self.capture_mouse()
        event.stop()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._press is None:
            return
        if not self.dragging and event.y == self._press[1]:
            return
        self.dragging = True
        height = self.scrollable_content_region.height
        if event.y <= 1 and self.scroll_y > 0:
            self._start_edge_scroll(-1)
        elif event.y >= height - 1 and self.scroll_y < self.max_scroll_y:
            self._start_edge_scroll(1)
        else:
            self._stop_edge_scroll()
        self._set_drop(self._drop_at_y(event.y))
        event.stop()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._press is None:
            return
        start, _ = self._press
        dragging, drop = self.dragging, self.drop_index
        self._press = None
        self.dragging = False
        self.drop_index = None
        self._stop_edge_scroll()
        self.release_mouse()
        self.refresh()
        event.stop()
        if dragging and drop is not None and drop != start and self._rows:
            self.post_message(self.MoveRequested(self, self._rows[start].key, drop + 1))

    def on_click(self, event: events.Click) -> None:
        if event.chain == 2:
            index = self._row_at_y(event.y)
            if index is not None and self._rows:
                self.post_message(self.Activated(self, self._rows[index].key))

    def _set_drop(self, index: int) -> None:
        if index != self.drop_index:
            self.drop_index = index
            self.refresh()

    def _start_edge_scroll(self, direction: int) -> None:
        self._edge_direction = direction
        if self._edge_timer is None:
            self._edge_timer = self.set_interval(self.EDGE_SCROLL_SECONDS, self._edge_scroll)

    def _stop_edge_scroll(self) -> None:
        self._edge_direction = 0
        if self._edge_timer is not None:
            self._edge_timer.stop()
            self._edge_timer = None

    def _edge_scroll(self) -> None:
        if not self.dragging or not self._edge_direction:
            self._stop_edge_scroll()
            return
        target = min(max(round(self.scroll_y) + self._edge_direction, 0), round(self.max_scroll_y))
        if target == round(self.scroll_y):
            self._stop_edge_scroll()
            return
        self.scroll_to(y=target, animate=False, immediate=True)
        edge_y = 1 if self._edge_direction < 0 else self.scrollable_content_region.height - 1
        self._set_drop(self._drop_at_y(edge_y))
        self.refresh()
