"""The footer: the keys of the screen in front, from the keymap, never cut in the middle of a word.

One widget (Textual's ``Footer`` is a widget per key) that shows what the footer, the help (F1)
and the palette all take from the same place (``Screen.active_bindings``, the user's keymap
applied; :func:`rsapp.keymap.key_label` for the names of the keys). A key that does not fit
whole is left out, and ``…`` says that there are more; the palette key stays at the right. A key
is clicked like a button; the mouse and the keyboard run the same action.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

from rsapp.keymap import declared_order

__all__ = ["KeyFooter"]

#: Between two keys.
GAP = "  "
#: Where the keys that did not fit would be.
MORE = " …"
#: Kept at the right whatever the width: help (every key) and the command palette (every action).
PINNED = ("help", "command_palette")


_Key = tuple[str, DOMNode, Binding, bool]


@dataclass(frozen=True, slots=True)
class _Item:
    start: int
    end: int
    node: DOMNode
    binding: Binding
    enabled: bool


class KeyFooter(Widget):
    """The screen's keys in one line: ``Esc Tilbake  p Prioriter  …    Ctrl+P Kommandoer``."""

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        text-style: bold;
    }
    KeyFooter > .key-footer--hover {
        background: $block-hover-background;
    }
    KeyFooter > .key-footer--disabled {
        color: $footer-description-foreground 50%;
    }
    """
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--hover", "key-footer--disabled"}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._items: list[_Item] = []
        self._hover: int | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen) -> None:
        self.refresh()

    def _shown(self) -> tuple[list[_Key], list[_Key]]:
        """The keys to show (one per action, in the screen's order), and the ones kept at the right
        (help and the palette: where every other key can be found)."""
        shown: list[_Key] = []
        pinned: dict[str, _Key] = {}
        seen: set[tuple[int, str]] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            action = binding.action.removeprefix("app.")
            if action in PINNED:
                if action not in pinned and (binding.show or action == "command_palette"):
                    pinned[action] = (key, active.node, binding, active.enabled)
                continue
            if not binding.show or not binding.description:
                continue
            slot = (id(active.node), binding.action)
            if slot in seen:
                continue
            seen.add(slot)
            shown.append((key, active.node, binding, active.enabled))
        if not self.app.ENABLE_COMMAND_PALETTE:
            pinned.pop("command_palette", None)
        chain = [node for node, _bindings in self.screen._binding_chain]
        shown.sort(
            key=lambda e: (chain.index(e[1]) if e[1] in chain else len(chain), declared_order(e[1], e[2]))
        )
        return shown, [pinned[action] for action in PINNED if action in pinned]

    def render(self) -> Text:
        from rsapp.keymap import key_label

        width = self.size.width or self.app.size.width
        key_style = self.get_component_rich_style("key-footer--key", partial=True)
        hover_style = self.get_component_rich_style("key-footer--hover", partial=True)
        off_style = self.get_component_rich_style("key-footer--disabled", partial=True)
        shown, pinned = self._shown()

        def piece(entry: _Key) -> Text:
            key, _node, binding, enabled = entry
            text = Text.assemble((key_label(key), key_style), " ", binding.description)
            if not enabled:
                text.stylize(off_style)
            return text

        right = [piece(entry) for entry in pinned]
        right_width = sum(p.cell_len for p in right) + len(GAP) * max(len(right) - 1, 0) + (2 if right else 0)
        room = width - right_width
        text = Text(" ", no_wrap=True, overflow="crop", end="")
        items: list[_Item] = []
        for index, entry in enumerate(shown):
            part = piece(entry)
            more = index < len(shown) - 1
            needed = part.cell_len + (len(GAP) if items else 0) + (len(MORE) if more else 0)
            if text.cell_len + needed > room:
                text.append(MORE)
                break
            if items:
                text.append(GAP)
            self._add(text, items, part, entry, hover_style)
        if right:
            text.append(" " * max(room - text.cell_len, 0))
            text.append("▏")
            for index, (part, entry) in enumerate(zip(right, pinned, strict=True)):
                if index:
                    text.append(GAP)
                self._add(text, items, part, entry, hover_style)
            text.append(" ")
        self._items = items
        return text

    def _add(self, text: Text, items: list[_Item], part: Text, entry: _Key, hover_style: Style) -> None:
        _key, node, binding, enabled = entry
        if self._hover == len(items):
            part.stylize(hover_style)
        start = text.cell_len
        text.append_text(part)
        items.append(_Item(start, text.cell_len, node, binding, enabled))

    def _item_at(self, x: int) -> int | None:
        for index, item in enumerate(self._items):
            if item.start <= x < item.end:
                return index
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        index = self._item_at(event.x)
        if index != self._hover:
            self._hover = index
            binding = self._items[index].binding if index is not None else None
            self.tooltip = (binding.tooltip or binding.description) if binding else None
            self.refresh()

    def on_leave(self, _event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    async def on_click(self, event: events.Click) -> None:
        """A click on a key runs its action, as pressing it would."""
        index = self._item_at(event.x)
        if index is None:
            return
        event.stop()
        item = self._items[index]
        if item.enabled:
            await self.app.run_action(item.binding.action, item.node)

    def keys_text(self) -> str:
        """What the footer shows, as plain text (for tests)."""
        return self.render().plain
