"""Reading a screen as the user sees it, and finding amounts that are cut or split.

An amount is written ``1 234 567 kr`` (``rsapp.money.format_kr``: no-break spaces between the
groups). On screen it may go wrong in two ways:

* **cut**: a column or a line too narrow for it: ``2 800 0…`` or ``2 800 0`` at a widget's edge;
* **split**: wrapped over two lines: ``22 257`` / ``500 kr``, or ``3 600 000`` / ``kr``.

The screen is read widget by widget (each visible widget's own rectangle), so that two widgets
side by side are not read as one line.
"""

from __future__ import annotations

import re

from textual.app import App
from textual.widget import Widget

#: An amount, or the start of one: digit groups joined by (no-break) spaces, maybe "kr".
_GROUPS = r"\d{1,3}(?:[ \u00a0]\d{3})*"
#: A line that ends in digit groups (an amount whose rest may be on the next line).
ENDS_IN_GROUPS = re.compile(r"(?:^|[^\d\u00a0 ])[ \u00a0]?(" + _GROUPS + r")[ \u00a0]*$")
#: A line that starts where an amount would continue: "000 kr", "500 kr", or a lone "kr".
CONTINUES_AMOUNT = re.compile(r"^[ \u00a0]*(?:\d{3}(?:[ \u00a0]\d{3})*[ \u00a0]kr\b|kr\b)")
#: An amount cut short with an ellipsis: "2 800 0…", "4 657 …".
CUT_WITH_ELLIPSIS = re.compile(r"\d[ \u00a0]?…")
#: An amount running into the widget's right edge, its "kr" (or more) cut off: "1 800 000",
#: "1 800 0", "1 800 000 k", "500 k" (the no-break space between groups marks an amount).
AT_EDGE = re.compile(r"\d\u00a0\d{0,3}$|\d\u00a0\d{3} ?k?$|\d k$")
#: Amounts (money): groups followed by "kr".
AMOUNT = re.compile(_GROUPS + r"[ \u00a0]kr\b")


def screen_lines(app: App[object]) -> list[str]:
    """The whole screen as text, one string per line (no-break spaces kept)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def widget_texts(app: App[object]) -> dict[Widget, tuple[list[str], bool]]:
    """Each visible leaf widget's rectangle of the screen as lines of text, and whether its right
    edge is its own (not a scrolling parent's: there a cut is only where the user scrolled to)."""
    lines = screen_lines(app)
    found: dict[Widget, tuple[list[str], bool]] = {}
    for widget, (region, clip) in app.screen._compositor.visible_widgets.items():
        if widget.children and not widget.is_scrollable:
            continue
        visible = region.intersection(clip)
        if visible.width <= 0 or visible.height <= 0:
            continue
        own_edge = visible.right == region.right and not widget.is_scrollable
        found[widget] = (
            [lines[y][visible.x : visible.right] for y in range(visible.y, visible.bottom) if y < len(lines)],
            own_edge,
        )
    return found


def amount_problems(app: App[object]) -> list[str]:
    """Every cut or split amount on the screen, described with the widget and the lines."""
    problems: list[str] = []
    for widget, (lines, own_edge) in widget_texts(app).items():
        name = f"{type(widget).__name__}#{widget.id}" if widget.id else type(widget).__name__
        for line in lines:
            if CUT_WITH_ELLIPSIS.search(line):
                problems.append(f"{name}: amount cut: {line.strip()!r}")
            elif own_edge and AT_EDGE.search(line):
                problems.append(f"{name}: amount cut at the edge: {line.strip()!r}")
        for above, below in zip(lines, lines[1:], strict=False):
            head = ENDS_IN_GROUPS.search(above.rstrip())
            if head and CONTINUES_AMOUNT.match(below):
                problems.append(f"{name}: amount split: {above.strip()!r} / {below.strip()!r}")
    return problems
