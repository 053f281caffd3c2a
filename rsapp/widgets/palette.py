"""Textual's own words in Norwegian: the command palette, and the built-in keys' names.

Textual writes a few fixed English texts: the palette's "No matches found", and the names of
the keys its widgets bring (``esc Dismiss menu`` in the footer while a list is open, ``Focus
Next`` and ``Copy selected text`` on every screen, ``Scroll Left`` in every scrolling list) and
the header's tooltip ("Open the command palette"). :func:`norwegian_builtins` gives those
bindings Norwegian names (and ids, so they can be remapped like rsapp's own); the app calls it
once when it is imported.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.widgets.option_list import Option

__all__ = ["BUILTIN_BINDINGS", "NorskCommandPalette", "norwegian_builtins"]


class NorskCommandPalette(CommandPalette):
    """Textual's command palette; "No matches found" reads "Ingen treff"."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Same as Textual's (8.x), with the message in Norwegian.
        self._stop_no_matches_countdown()

        def _show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text("Ingen treff", style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, _show_no_matches)


def _builtin_bindings() -> dict[type[DOMNode], list[Binding]]:
    from textual.containers import ScrollableContainer
    from textual.screen import Screen
    from textual.widgets import Link
    from textual.widgets._select import SelectOverlay

    return {
        Screen: [
            Binding("tab", "app.focus_next", "Neste felt", show=False, id="focus-next"),
            Binding("shift+tab", "app.focus_previous", "Forrige felt", show=False, id="focus-previous"),
            Binding(
                "ctrl+c,super+c",
                "screen.copy_text",
                "Kopier",
                show=False,
                id="copy",
                tooltip="Kopier markert tekst",
            ),
        ],
        ScrollableContainer: [
            Binding("up", "scroll_up", "Rull opp", show=False),
            Binding("down", "scroll_down", "Rull ned", show=False),
            Binding("left", "scroll_left", "Rull til venstre", show=False),
            Binding("right", "scroll_right", "Rull til høyre", show=False),
            Binding("home", "scroll_home", "Til toppen", show=False),
            Binding("end", "scroll_end", "Til bunnen", show=False),
            Binding("pageup", "page_up", "Side opp", show=False),
            Binding("pagedown", "page_down", "Side ned", show=False),
            Binding("ctrl+pageup", "page_left", "Side til venstre", show=False),
            Binding("ctrl+pagedown", "page_right", "Side til høyre", show=False),
        ],
        SelectOverlay: [
            Binding("escape", "dismiss", "Lukk listen", id="select-close", tooltip="Lukk listen uten å velge")
        ],
        CommandPalette: [
            Binding("escape", "escape", "Lukk", id="palette-close", tooltip="Lukk kommandopaletten"),
            *(b for b in CommandPalette.BINDINGS if isinstance(b, Binding) and b.key != "escape"),
        ],
        Link: [Binding("enter", "open_link", "Åpne lenken", id="open-link")],
    }


#: Filled by :func:`norwegian_builtins`: Textual's classes and their Norwegian bindings.
BUILTIN_BINDINGS: dict[type[DOMNode], list[Binding]] = {}


def _with_subclasses(cls: type) -> list[type]:
    found = [cls]
    for sub in cls.__subclasses__():
        found.extend(_with_subclasses(sub))
    return found


def norwegian_builtins() -> None:
    """Give Textual's built-in bindings Norwegian names (idempotent).

    A class's bindings are merged with its bases' when the class is created, so the merge is
    redone for every class that already exists under a changed one.
    """
    if BUILTIN_BINDINGS:
        return
    from textual.widgets._header import HeaderIcon

    def on_mount(icon: HeaderIcon) -> None:  # as Textual's, the tooltip in Norwegian
        if icon.app.ENABLE_COMMAND_PALETTE:
            icon.tooltip = "Åpne kommandopaletten"
        else:
            icon.disabled = True

    HeaderIcon.on_mount = on_mount  # type: ignore[method-assign]
    BUILTIN_BINDINGS.update(_builtin_bindings())
    for cls, bindings in BUILTIN_BINDINGS.items():
        cls.BINDINGS = list(bindings)
    for cls in BUILTIN_BINDINGS:
        for sub in _with_subclasses(cls):
            sub._merged_bindings = sub._merge_bindings()
