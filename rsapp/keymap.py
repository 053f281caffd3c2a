"""Keys users can change: the keymap file, key names as users read them, and one list of actions.

Every binding in rsapp has an id (``prio-move-up``, ``search``, …). The file ``config.toml`` in
the user's config folder (``rsapp config sti`` prints where) may give any id other keys::

    [taster]
    prio-move-up = "ctrl+k"          # one key
    prio-move-down = ["ctrl+j", "d"]  # or several

The app hands that map to Textual (``App.set_keymap``), so the bindings themselves change. The
footer, the help screen (F1) and the command palette are all built from the bindings in force
(:func:`binding_entries`) and show their keys through one function (:func:`key_label`): they
cannot disagree. A screen may offer nicer palette titles (``palette_commands``); a title that
belongs to a binding gets that binding's key from here, and every binding without one gets a
generated entry, so every key of the footer is also in the palette.

The default keys need no AltGr on a Norwegian keyboard (no ``[ ] { } @ $ \\ | ~``) and leave
Ctrl+A and Ctrl+B to tmux and screen (``tests/ui/test_keymap.py`` checks every binding).

Reading the file needs no Textual; the functions that look at a screen import it when called.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App, SystemCommand
    from textual.binding import Binding
    from textual.dom import DOMNode
    from textual.screen import Screen

__all__ = [
    "ALTGR_KEYS",
    "GENERIC_IDS",
    "MULTIPLEXER_KEYS",
    "SECTION",
    "BindingEntry",
    "KeymapFile",
    "all_bindings",
    "binding_entries",
    "declared_order",
    "key_label",
    "keys_label",
    "load_keymap",
    "normalise_key",
    "palette_commands",
    "relabel_buttons",
    "strip_key_hint",
    "unknown_ids",
]

#: The table in ``config.toml`` that maps binding ids to keys.
SECTION = "taster"

#: Keys that need AltGr on a Norwegian keyboard (Textual's names).
ALTGR_KEYS = frozenset(
    {
        "at",
        "dollar_sign",
        "pound_sign",
        "euro_sign",
        "left_curly_bracket",
        "right_curly_bracket",
        "left_square_bracket",
        "right_square_bracket",
        "backslash",
        "vertical_line",
        "tilde",
        "micro_sign",
    }
)
#: Prefix keys of tmux (Ctrl+B) and GNU screen (Ctrl+A): never a default.
MULTIPLEXER_KEYS = frozenset({"ctrl+a", "ctrl+b"})

_MODIFIERS = ("ctrl", "alt", "shift", "meta", "super", "hyper")
_MODIFIER_LABELS = {"ctrl": "Ctrl", "alt": "Alt", "shift": "Shift", "meta": "Meta", "super": "Super"}

#: Key names users may write (Norwegian and short forms) -> Textual's names.
_KEY_ALIASES = {
    "esc": "escape",
    "return": "enter",
    "retur": "enter",
    "pgup": "pageup",
    "pgdn": "pagedown",
    "page_up": "pageup",
    "page_down": "pagedown",
    "del": "delete",
    "ins": "insert",
    "mellomrom": "space",
    "rettetast": "backspace",
    "tilbaketast": "backspace",
    "opp": "up",
    "ned": "down",
    "venstre": "left",
    "høyre": "right",
    "hoyre": "right",
}
_NAMED_KEYS = frozenset(
    {
        "escape",
        "enter",
        "tab",
        "space",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
        *(f"f{n}" for n in range(1, 25)),
    }
)

#: How a key reads on screen: one label in the footer, the help and the palette.
_KEY_LABELS = {
    "enter": "Enter",
    "escape": "Esc",
    "tab": "Tab",
    "space": "Mellomrom",
    "backspace": "Rettetast",
    "delete": "Delete",
    "insert": "Insert",
    "home": "Home",
    "end": "End",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "slash": "/",
    "question_mark": "?",
    "plus": "+",
    "minus": "-",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "comma": ",",
    "full_stop": ".",
    "colon": ":",
    "semicolon": ";",
    "asterisk": "*",
    "number_sign": "#",
    "exclamation_mark": "!",
    "quotation_mark": '"',
    "apostrophe": "'",
    "equals_sign": "=",
    "underscore": "_",
    "ampersand": "&",
    "percent_sign": "%",
    "left_parenthesis": "(",
    "right_parenthesis": ")",
    "circumflex_accent": "^",
    "grave_accent": "`",
    "section_sign": "§",
    "vertical_line": "|",
}


def _character_key(character: str) -> str:
    """One typed character as Textual names it (``?`` -> ``question_mark``; letters stay)."""
    if character.isalnum():
        return character
    try:
        return unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return character


def normalise_key(text: str) -> str:
    """A key as a user writes it (``Ctrl+K``, ``?``, ``Esc``, ``shift+opp``) -> Textual's name.

    Raises ValueError with a Norwegian message when it is not a key.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("tom tast")
    if raw == "+":
        return "plus"
    parts = raw.split("+")
    if raw.endswith("+") and len(parts) > 1:  # "ctrl++"
        parts = [*parts[:-2], "+"]
    *modifiers, key = parts
    mods = []
    for modifier in modifiers:
        name = modifier.strip().lower()
        if name not in _MODIFIERS:
            raise ValueError(f"ukjent tillegstast «{modifier.strip()}» (bruk ctrl, alt eller shift)")
        mods.append(name)
    key = key.strip()
    if not key:
        raise ValueError(f"«{raw}» mangler tasten etter «+»")
    if len(key) == 1:
        name = _character_key(key)
        if mods and name.isalpha():
            name = name.lower()
    else:
        name = _KEY_ALIASES.get(key.lower(), key.lower())
        if name not in _NAMED_KEYS and name not in _KEY_LABELS and not name.replace("_", "").isalpha():
            raise ValueError(f"ukjent tast «{key}»")
    return "+".join([*mods, name])


def key_label(key: str) -> str:
    """``ctrl+r`` -> ``Ctrl+R``, ``shift+up`` -> ``Shift+↑``, ``X`` -> ``Shift+X``, ``slash`` -> ``/``."""
    *modifiers, name = key.split("+") if key not in ("plus", "+") else [key]
    labels = [_MODIFIER_LABELS.get(m, m.capitalize()) for m in modifiers]
    if len(name) == 1 and name.isalpha():
        if name.isupper() and "shift" not in modifiers:
            labels.append("Shift")
        label = name.upper() if modifiers or name.isupper() else name
    elif name.startswith("f") and name[1:].isdigit():
        label = name.upper()
    else:
        label = _KEY_LABELS.get(name, name)
    return "+".join([*labels, label])


def action_key(screen: Screen[Any], action: str) -> str | None:
    """The key that runs ``action`` on ``screen``, as the footer names it (the user's keymap
    applied), or None: for texts that tell the user which key to press."""
    keys = [key for key, active in screen.active_bindings.items() if active.binding.action == action]
    return key_label(keys[0]) if keys else None


def keys_label(keys: Iterable[str]) -> str:
    """Several keys for one action: ``Esc, Rettetast``."""
    return ", ".join(dict.fromkeys(key_label(k) for k in keys))


#: A key hint written into an older text: "(v)", "(F2)", "(Ctrl+Z)", "(også Enter)".
_KEY_HINT = re.compile(
    r"\s*\((?:også |tast )?(?:(?:ctrl|alt|shift|Ctrl|Alt|Shift)\+\S+|F\d{1,2}|Enter|Esc|[^\s()])\)\s*$"
)


def strip_key_hint(text: str) -> str:
    """A help text without a key written into it: the key is added from the keymap instead."""
    return _KEY_HINT.sub("", text or "")


# --- the file -----------------------------------------------------------------------------------


@dataclass(slots=True)
class KeymapFile:
    """What the keymap file says: binding id -> keys (Textual's names), and what was wrong in it."""

    path: Path
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    exists: bool = False


def load_keymap(path: Path | None = None) -> KeymapFile:
    """Read ``[taster]`` from the config file (default: :func:`rsapp.config.config_file`).

    A missing file is no problem; a file that cannot be read, or a key that is not a key, gives a
    Norwegian problem naming the file, the line or id, and what to write; the rest still counts.
    """
    if path is None:
        from rsapp.config import config_file

        path = config_file()
    result = KeymapFile(path=path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return result
    except OSError as exc:
        import errno

        reason = (
            "ingen lesetilgang" if exc.errno in (errno.EACCES, errno.EPERM) else f"systemfeil {exc.errno}"
        )
        if exc.errno == errno.EISDIR:
            reason = "det er en mappe"
        result.problems.append(f"{path}: kan ikke lese filen ({reason}). Standardtastene brukes.")
        return result
    except UnicodeDecodeError:
        result.problems.append(f"{path}: filen er ikke UTF-8-tekst. Standardtastene brukes.")
        return result
    result.exists = True
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        place = f", linje {where.group(1)}, kolonne {where.group(2)}" if where else ""
        result.problems.append(
            f'{path}{place}: ugyldig TOML. Skriv f.eks. «prio-move-up = "ctrl+k"» under [taster]. '
            "Standardtastene brukes."
        )
        return result
    table = data.get(SECTION, {})
    if not isinstance(table, dict):
        result.problems.append(f'{path}: [{SECTION}] må være en tabell (id = "tast").')
        return result
    for binding_id, value in table.items():
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, str) for v in values):
            result.problems.append(
                f'{path}, [{SECTION}] {binding_id}: tasten må være tekst, f.eks. "ctrl+k" eller ["u", "shift+up"].'
            )
            continue
        keys: list[str] = []
        try:
            for item in values:
                parts = ["comma"] if item.strip() == "," else [normalise_key(k) for k in item.split(",")]
                keys.extend(parts)
        except ValueError as exc:
            result.problems.append(f"{path}, [{SECTION}] {binding_id}: {exc}.")
            continue
        result.keymap[str(binding_id)] = ",".join(dict.fromkeys(keys))
    return result


# --- the bindings in force ------------------------------------------------------------------------


@dataclass(slots=True)
class BindingEntry:
    """One action reachable on a screen: its keys (keymap applied), names and where it runs."""

    namespace: DOMNode
    binding: Binding
    keys: list[str]
    enabled: bool

    @property
    def label(self) -> str:
        return keys_label(self.keys)

    @property
    def description(self) -> str:
        return self.binding.description

    @property
    def explanation(self) -> str:
        """The tooltip without a key written into it (the key column says it), else the name."""
        return strip_key_hint(self.binding.tooltip) or self.binding.description

    @property
    def shown(self) -> bool:
        """In the footer."""
        return self.binding.show


def _ours(node: Any, binding: Binding) -> bool:
    """A key rsapp declared (on the app, or in the ``BINDINGS`` of one of rsapp's own screens and
    widgets); the keys Textual's built-in widgets declare stay out, also on rsapp's subclasses of
    them (a table's cursor keys are not rsapp's to name). Textual's keys every screen has
    (:data:`GENERIC_IDS`) are named by rsapp and count as its own."""
    from textual.app import App
    from textual.binding import Binding
    from textual.screen import Screen

    if isinstance(node, App) or binding.id in GENERIC_IDS:
        return True
    for cls in type(node).__mro__:
        declared = cls.__dict__.get("BINDINGS")
        if not declared:
            continue
        module = cls.__module__
        if not (module.startswith("rsapp.") or (issubclass(cls, Screen) and module.startswith("tests."))):
            continue
        for item in declared:
            action = item.action if isinstance(item, Binding) else item[1]
            if action == binding.action:
                return True
    return False


def binding_entries(screen: Screen) -> list[BindingEntry]:
    """Every action with a name that the screen's keys reach now, in the footer's order.

    The same source as Textual's footer (``Screen.active_bindings``: the keymap applied, shadowed
    keys left out); keys that run the same action are one entry.
    """
    entries: dict[tuple[int, str, str], BindingEntry] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.system or not _ours(active.node, binding):
            continue
        slot = (id(active.node), binding.action, binding.description)
        entry = entries.get(slot)
        if entry is None:
            entries[slot] = BindingEntry(active.node, binding, [key], active.enabled)
        else:
            entry.keys.append(key)
            entry.enabled = entry.enabled or active.enabled
    for entry in entries.values():
        entry.keys = _ordered_keys(entry.keys)
    return sorted(
        entries.values(),
        key=lambda e: (_node_rank(screen, e.namespace), declared_order(e.namespace, e.binding)),
    )


def _node_rank(screen: Screen, node: DOMNode) -> int:
    """Focused widget first, then its parents, the screen, the app (as the footer reads them)."""
    chain = [n for n, _bindings in screen._binding_chain]
    return chain.index(node) if node in chain else len(chain)


def declared_order(node: DOMNode, binding: Binding) -> int:
    """Where ``binding`` is declared in its node's ``BINDINGS``: a remapped key keeps its place
    in the footer, the help and the palette (the keymap itself puts it last)."""
    position = 0
    for bindings in node._bindings.key_to_bindings.values():
        for declared in bindings:
            if declared.action == binding.action and declared.id == binding.id:
                return position
            position += 1
    return position


#: Textual's own bindings every screen has (named in rsapp.widgets.palette): listed under
#: "Overalt" in the help, left out of the palette.
GENERIC_IDS = frozenset({"focus-next", "focus-previous", "copy"})


def _ordered_keys(keys: list[str]) -> list[str]:
    """Plain keys before Ctrl/Alt ones (``q, Ctrl+Q``); Super (the Mac's Cmd) only when alone."""
    ordered = sorted(keys, key=lambda k: ("ctrl+" in k or "alt+" in k, keys.index(k)))
    plain = [k for k in ordered if not k.startswith("super+")]
    return plain or ordered


def _parse_action(action: str) -> tuple[str, tuple[Any, ...]]:
    from textual.actions import parse

    _namespace, name, params = parse(action)
    return name, tuple(params)


def _callback_action(callback: Callable[..., Any]) -> tuple[str, tuple[Any, ...]] | None:
    """The action a palette callback runs: a bound ``action_x`` method, a ``partial`` of one, or a
    ``lambda: self.action_x(args)``."""
    import functools

    if isinstance(callback, functools.partial):
        inner = _callback_action(callback.func)
        return (inner[0], tuple(callback.args)) if inner else None
    func = getattr(callback, "__func__", None)
    name = getattr(func, "__name__", "")
    if name.startswith("action_"):
        return name[len("action_") :], ()
    code = getattr(callback, "__code__", None)
    if code is not None and getattr(callback, "__name__", "") == "<lambda>":
        actions = [n for n in code.co_names if n.startswith("action_")]
        if len(actions) == 1:
            return actions[0][len("action_") :], tuple(c for c in code.co_consts if c is not None)
    return None


def palette_commands(
    app: App[Any], screen: Screen, offered: Iterable[SystemCommand]
) -> Iterator[SystemCommand]:
    """The palette of a screen: every named key of it (from the keymap) and what the screen offers.

    A command the screen offers for an action that has a key keeps its title and gets the key in
    its help text; a key with no such command gets one (its name, its explanation and its key);
    commands without a key follow as offered.
    """
    import functools

    from textual.app import SystemCommand

    entries = binding_entries(screen)
    by_action: dict[tuple[str, tuple[Any, ...]], BindingEntry] = {}
    for listed in entries:
        binding = listed.binding
        if binding.action == "command_palette" or binding.id in GENERIC_IDS:
            continue
        if not binding.show and (binding.id is None or listed.namespace not in (screen, app)):
            continue  # moving the cursor and scrolling in a list: keys, not commands
        by_action.setdefault(_parse_action(binding.action), listed)
    used: set[int] = set()
    rest: list[SystemCommand] = []
    for command in offered:
        action = _callback_action(command.callback)
        entry: BindingEntry | None = by_action.get(action) if action else None
        if entry is None and action is not None and not action[1]:
            entry = next((e for (n, _p), e in by_action.items() if n == action[0]), None)
        text = strip_key_hint(command.help)
        if entry is None:
            rest.append(command._replace(help=text))
            continue
        used.add(id(entry))
        yield command._replace(help=f"{text} · {entry.label}" if text else entry.label)
    for entry in by_action.values():
        if id(entry) in used:
            continue
        run = functools.partial(app.run_action, entry.binding.action, entry.namespace)
        yield SystemCommand(entry.description, f"{entry.explanation} · {entry.label}", run)
    yield from rest


# --- buttons that name their key ----------------------------------------------------------------

#: "Nytt (n)", "Lagre felt (Ctrl+S)", "Opp (alt+↑)": a button label that names its key.
_BUTTON_HINT = re.compile(r"^(?P<text>.*\S)\s+\((?P<key>[^()]{1,14})\)$")
_SYMBOL_KEYS = {"↑": "up", "↓": "down", "←": "left", "→": "right", "↵": "enter", "⏎": "enter"}


def _hint_key(hint: str) -> str | None:
    """The key a button's hint names, as Textual names it (None when it is not a key)."""
    parts = hint.strip().split("+")
    parts[-1] = _SYMBOL_KEYS.get(parts[-1], parts[-1])
    try:
        return normalise_key("+".join(parts))
    except ValueError:
        return None


def relabel_buttons(screen: Screen) -> None:
    """Buttons whose label names a key (``Nytt (n)``) name the key the keymap gives that action.

    Only a binding the user has remapped changes a label; the others stay as written.
    """
    from textual.widgets import Button

    keymap = screen.app._keymap
    if not keymap:
        return
    defaults: dict[str, Binding] = {}
    for node in (screen, *screen.query("*")):
        merged = getattr(type(node), "_merged_bindings", None)
        if merged is None:
            continue
        for key, bindings in merged.key_to_bindings.items():
            for binding in bindings:
                if binding.id and binding.id in keymap:
                    defaults.setdefault(key, binding)
    if not defaults:
        return
    for button in screen.query(Button):
        original = getattr(button, "_rsapp_label", None) or str(button.label)
        match = _BUTTON_HINT.match(original)
        if match is None:
            continue
        key = _hint_key(match.group("key"))
        binding = defaults.get(key or "") or defaults.get((key or "").lower())
        if binding is None or binding.id is None:
            continue
        button._rsapp_label = original  # type: ignore[attr-defined]
        keys = [k.strip() for k in keymap[binding.id].split(",")]
        button.label = f"{match.group('text')} ({key_label(keys[0])})"


# --- every binding rsapp has -----------------------------------------------------------------------

#: The modules whose classes carry rsapp's bindings (imported by :func:`all_bindings`).
BINDING_MODULES = (
    "rsapp.app",
    "rsapp.screens",
    "rsapp.widgets",
    "rsapp.dialogs",
)


def _subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def all_bindings() -> list[tuple[str, Binding]]:
    """(class name, binding) for every binding of every rsapp screen, widget, dialog and the app.

    Imports every module under :data:`BINDING_MODULES` (slow: for ``rsapp config taster``, the
    check of the keymap file's ids, and the tests).
    """
    import importlib
    import pkgutil

    from textual.binding import Binding
    from textual.dom import DOMNode

    for name in BINDING_MODULES:
        module = importlib.import_module(name)
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            importlib.import_module(f"{name}.{info.name}")
    found: list[tuple[str, Binding]] = []
    for cls in _subclasses(DOMNode):
        if not cls.__module__.startswith("rsapp."):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding):
                found.append((cls.__name__, binding))
    return found


def unknown_ids(keymap: dict[str, str]) -> list[str]:
    """The ids in a keymap that no binding of rsapp has (a typo in the file)."""
    known = {binding.id for _owner, binding in all_bindings() if binding.id}
    return sorted(set(keymap) - known)
