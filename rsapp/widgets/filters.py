"""Filter menus that are in the first frame without costing it.

Textual's ``Select`` is one of the costliest widgets to mount (its option list is built on mount).
A screen that must show its filters in the first frame (the portfolio) composes a
:class:`SelectPlaceholder` in each filter's place: it looks like a compact ``Select`` with its
value (same width, same colours, the arrow at the right), so the layout of the first frame is
the final one. Right after that frame, :func:`swap_in` replaces each placeholder with the real
``Select`` in the same place, and nothing on the screen moves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Select
from textual.widgets._select import NoSelection

__all__ = ["FilterSelect", "SelectPlaceholder", "swap_in"]


class FilterSelect(Select[str]):
    """A ``Select`` that may be removed while it mounts (the user quits at once) without an error,
    and that shows its options as plain text.

    Textual's ``Select`` looks its option list up when it mounts and when its value is set; if the
    app is closing, the list is already gone and Textual reports ``NoMatches`` as a crash.

    ``Select`` reads a ``str`` option as markup, so a round or helsefellesskap named
    ``Helgeland [hf]`` would show as ``Helgeland``: the names are data, turned into plain
    ``Text`` here.
    """

    def __init__(self, options: Iterable[tuple[RenderableType, str]], **kwargs: Any) -> None:
        super().__init__(_plain(options), **kwargs)

    def set_options(self, options: Iterable[tuple[RenderableType, str]]) -> None:
        super().set_options(_plain(options))

    def _setup_options_renderables(self) -> None:
        try:
            super()._setup_options_renderables()
        except NoMatches:
            pass

    def _watch_value(self, value: str | NoSelection) -> None:
        try:
            super()._watch_value(value)
        except NoMatches:
            pass


def _plain(options: Iterable[tuple[RenderableType, str]]) -> list[tuple[RenderableType, str]]:
    """The options with every ``str`` prompt as plain ``Text`` (no markup)."""
    return [(Text(prompt) if isinstance(prompt, str) else prompt, value) for prompt, value in options]


class SelectPlaceholder(Widget):
    """How a compact ``Select`` showing ``label`` looks, until the real one is mounted."""

    DEFAULT_CSS = """
    SelectPlaceholder {
        height: 1;
        background: $surface;
        color: $foreground;
    }
    SelectPlaceholder > .select-placeholder--arrow {
        color: $foreground 50%;
    }
    """
    COMPONENT_CLASSES = {"select-placeholder--arrow"}

    def __init__(self, label: str, make: Callable[[], Select[str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self.make = make

    def render(self) -> Text:
        width = self.size.width
        arrow_style = self.get_component_rich_style("select-placeholder--arrow")
        # A compact Select: the label, then " ▼" and one cell of padding at the right.
        text = Text(self.label[: max(width - 3, 0)].ljust(max(width - 3, 0)), no_wrap=True)
        text.append(" ▼", style=arrow_style)
        text.append(" ")
        return text


def swap_in(placeholders: Iterable[SelectPlaceholder]) -> None:
    """Replace each placeholder with its real ``Select``, in its place (after the first frame)."""
    for placeholder in placeholders:
        if not placeholder.is_attached:
            continue
        parent = placeholder.parent
        if not isinstance(parent, Widget):
            continue
        parent.mount(placeholder.make(), before=placeholder)
        placeholder.remove()
