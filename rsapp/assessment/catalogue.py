"""The criteria catalogue of a call: its krav, specially prioritised measures and weighted criteria.

A catalogue is written as a readable TOML file (`data/criteria/rs-2026.toml`) and copied into
the database for each round it names, where the secretariat may edit it for a later call. This
module parses and checks such a file (Norwegian messages naming the file and the item) and
reads a round's catalogue back; it imports neither Textual nor SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rsapp.store.errors import os_reason
from rsapp.store.read_model import as_reader

KINDS: tuple[str, ...] = ("krav", "prioritert", "kriterium")
RULES: tuple[str, ...] = (
    "varighet",
    "avtale",
    "involvering",
    "ordinaer_drift",
    "digital",
    "budsjett",
    "kommuner",
    "nokkelord",
)
_PARAM_KEYS = {"words", "groups", "max_years"}


class CatalogueError(ValueError):
    """A catalogue that cannot be used; the message is Norwegian and names the file and item."""


@dataclass(frozen=True, slots=True)
class Item:
    """One item of a catalogue, as the rules, the scores and the screens see it."""

    key: str
    kind: str  # krav | prioritert | kriterium
    title: str
    text: str = ""
    rule: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    weight: float = 1.0
    id: int = 0  # database id (0 before it is stored)
    position: int = 0

    @property
    def words(self) -> list[str]:
        return list(self.params.get("words", []))

    @property
    def groups(self) -> dict[str, list[str]]:
        return {str(k): list(v) for k, v in dict(self.params.get("groups", {})).items()}


@dataclass(frozen=True, slots=True)
class Catalogue:
    key: str
    name: str
    source: str = ""
    items: tuple[Item, ...] = ()
    rounds: tuple[str, ...] = ()  # round keys the file is meant for
    id: int = 0

    def of_kind(self, kind: str) -> list[Item]:
        return [item for item in self.items if item.kind == kind]

    def by_key(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        known = ", ".join(item.key for item in self.items)
        raise CatalogueError(
            f"Kriterielisten «{self.name}» har ikke punktet «{key}». Kjente punkter: {known}"
        )

    def find(self, ref: str) -> Item:
        """An item by its key ("avtale") or its number ("Krav 2", "krav2", "k2", "kriterium 3")."""
        text = "".join(str(ref).split()).casefold()
        for item in self.items:
            if item.key == text:
                return item
        for number, item in self.numbered():
            kind, n = number.casefold().split()
            if text in (kind + n, kind[0] + n, (kind[:2] + n) if kind == "kriterium" else ""):
                return item
        known = ", ".join(f"{number} ({item.key})" for number, item in self.numbered())
        raise CatalogueError(f"Fant ikke punktet «{ref}» i kriterielisten. Punktene er: {known}")

    def number_of(self, item: Item) -> str:
        return next(number for number, other in self.numbered() if other.key == item.key)

    def numbered(self) -> list[tuple[str, Item]]:
        """Items with their short numbers: "Krav 1", "Prioritert 2", "Kriterium 3"."""
        counters = dict.fromkeys(KINDS, 0)
        out = []
        for item in self.items:
            counters[item.kind] += 1
            out.append((f"{KIND_SHORT[item.kind]} {counters[item.kind]}", item))
        return out


KIND_SHORT = {"krav": "Krav", "prioritert": "Prioritert", "kriterium": "Kriterium"}


# --- parsing a file ---------------------------------------------------------------------------


def load_file(path: Path) -> Catalogue:
    """Read and check a catalogue file."""
    import tomllib

    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except OSError as exc:
        raise CatalogueError(f"Kan ikke lese kriterielisten {path}: {os_reason(exc)}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"Kriterielisten {path} er ikke gyldig TOML: {exc}") from exc
    return parse(doc, str(path))


def parse(doc: Mapping[str, Any], where: str = "kriterielisten") -> Catalogue:
    """A catalogue from a parsed TOML document; `where` names the file in messages."""
    head = doc.get("catalogue")
    if not isinstance(head, Mapping) or not str(head.get("key", "")).strip():
        raise CatalogueError(f"{where}: mangler [catalogue] med key og name.")
    unknown = set(doc) - {"catalogue", *KINDS}
    if unknown:
        raise CatalogueError(
            f"{where}: ukjente deler {sorted(unknown)}; bruk [[krav]], [[prioritert]] og [[kriterium]]."
        )
    items: list[Item] = []
    seen: set[str] = set()
    for kind in KINDS:
        entries = doc.get(kind, [])
        if not isinstance(entries, list):
            raise CatalogueError(f"{where}: «{kind}» må skrives som [[{kind}]].")
        for number, entry in enumerate(entries, start=1):
            item = parse_item(kind, entry, f"{where}, {kind} nr. {number}")
            if item.key in seen:
                raise CatalogueError(f"{where}: nøkkelen «{item.key}» er brukt to ganger.")
            seen.add(item.key)
            items.append(item)
    if not items:
        raise CatalogueError(f"{where}: kriterielisten har ingen punkter.")
    rounds = head.get("rounds", [])
    return Catalogue(
        key=str(head["key"]).strip(),
        name=str(head.get("name", "")).strip() or str(head["key"]),
        source=str(head.get("source", "")).strip(),
        items=tuple(_positioned(items)),
        rounds=tuple(str(r) for r in rounds) if isinstance(rounds, list) else (),
    )


def _positioned(items: list[Item]) -> list[Item]:
    from dataclasses import replace

    return [replace(item, position=position) for position, item in enumerate(items, start=1)]


def parse_item(kind: str, entry: Any, where: str) -> Item:
    """One item; raises CatalogueError naming `where` and the field at fault."""
    if kind not in KINDS:
        raise CatalogueError(f"{where}: ukjent type «{kind}»; bruk krav, prioritert eller kriterium.")
    if not isinstance(entry, Mapping):
        raise CatalogueError(f"{where}: punktet må være en tabell med key og title.")
    key = str(entry.get("key", "")).strip()
    if not key or not key.replace("_", "").isalnum() or key != key.lower():
        raise CatalogueError(
            f"{where}: «key» må være et kort navn med små bokstaver og _ (f.eks. «avtale»), ikke «{key}»."
        )
    title = str(entry.get("title", "")).strip()
    if not title:
        raise CatalogueError(f"{where} («{key}»): mangler «title».")
    rule = str(entry.get("rule", "")).strip()
    if rule and rule not in RULES:
        raise CatalogueError(f"{where} («{key}»): ukjent regel «{rule}». Kjente regler: {', '.join(RULES)}.")
    params: dict[str, Any] = {}
    for name in _PARAM_KEYS & set(entry):
        params[name] = entry[name]
    words = params.get("words", [])
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise CatalogueError(f"{where} («{key}»): «words» må være en liste med ord i anførselstegn.")
    groups = params.get("groups", {})
    if not isinstance(groups, Mapping) or not all(
        isinstance(v, list) and all(isinstance(w, str) for w in v) for v in groups.values()
    ):
        raise CatalogueError(f'{where} («{key}»): «groups» må være navn = ["ord", …].')
    if "max_years" in params and not (isinstance(params["max_years"], int) and params["max_years"] > 0):
        raise CatalogueError(f"{where} («{key}»): «max_years» må være et helt antall år.")
    weight = entry.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
        raise CatalogueError(f"{where} («{key}»): «weight» må være et tall fra 0 og oppover.")
    return Item(
        key=key,
        kind=kind,
        title=title,
        text=str(entry.get("text", "")).strip(),
        rule=rule,
        params=params,
        weight=float(weight),
    )


def to_toml(catalogue: Catalogue) -> str:
    """The catalogue as a TOML file that `load_file` reads back (for «rsapp vurder kriterier eksport»)."""
    lines = [
        "[catalogue]",
        f"key = {_q(catalogue.key)}",
        f"name = {_q(catalogue.name)}",
        f"source = {_q(catalogue.source)}",
    ]
    if catalogue.rounds:
        lines.append("rounds = [" + ", ".join(_q(r) for r in catalogue.rounds) + "]")
    for item in catalogue.items:
        lines += ["", f"[[{item.kind}]]", f"key = {_q(item.key)}", f"title = {_q(item.title)}"]
        if item.text:
            lines.append(f"text = {_q(item.text)}")
        if item.rule:
            lines.append(f"rule = {_q(item.rule)}")
        if item.kind == "kriterium" and item.weight != 1:
            lines.append(f"weight = {item.weight:g}")
        if "max_years" in item.params:
            lines.append(f"max_years = {int(item.params['max_years'])}")
        if item.words:
            lines.append("words = [" + ", ".join(_q(w) for w in item.words) + "]")
        if item.groups:
            lines += ["", f"[{item.kind}.groups]"]
            lines += [
                f"{_q(name)} = [" + ", ".join(_q(w) for w in words) + "]"
                for name, words in item.groups.items()
            ]
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# --- reading a round's catalogue from the database ---------------------------------------------


def round_catalogue(source: Any, round_id: int) -> Catalogue | None:
    """The catalogue stored for a round (None when the round has none). Session or Reader."""
    reader = as_reader(source)
    head = reader.rows(
        "SELECT id, key, name, source FROM criteria_catalogue WHERE round_id = :round_id",
        {"round_id": round_id},
    )
    if not head:
        return None
    cat_id, key, name, src = head[0]
    items = [
        Item(
            key=k,
            kind=kind,
            title=title,
            text=text,
            rule=rule,
            params=_json(params),
            weight=float(weight),
            id=item_id,
            position=position,
        )
        for item_id, k, kind, title, text, rule, params, weight, position in reader.rows(
            "SELECT id, key, kind, title, text, rule, params, weight, position FROM criterion"
            " WHERE catalogue_id = :cat ORDER BY position, id",
            {"cat": cat_id},
        )
    ]
    return Catalogue(key=key, name=name, source=src, items=tuple(items), id=cat_id)


def catalogues_by_round(source: Any) -> dict[int, Catalogue]:
    """Every round's catalogue, by round id (two queries for all rounds)."""
    reader = as_reader(source)
    heads = reader.rows("SELECT id, round_id, key, name, source FROM criteria_catalogue")
    items: dict[int, list[Item]] = {}
    for item_id, cat_id, k, kind, title, text, rule, params, weight, position in reader.rows(
        "SELECT id, catalogue_id, key, kind, title, text, rule, params, weight, position FROM criterion"
        " ORDER BY catalogue_id, position, id"
    ):
        items.setdefault(cat_id, []).append(
            Item(k, kind, title, text, rule, _json(params), float(weight), item_id, position)
        )
    return {
        round_id: Catalogue(key, name, src, tuple(items.get(cat_id, [])), id=cat_id)
        for cat_id, round_id, key, name, src in heads
    }


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if not value:
        return {}
    import json

    return json.loads(value)
