"""Undo and redo: command objects whose ``do``/``undo`` call the same write functions, so an undo
is version-checked and logged like any other change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sqlmodel import Session

from rsapp.prioritisation.common import REFRESH_HINT, Change, StaleError
from rsapp.prioritisation.earmarks import EarmarkData, add_earmark, remove_earmark, update_earmark
from rsapp.prioritisation.ranks import apply_fill_pot, move_application, set_order
from rsapp.prioritisation.recommendations import set_recommendation, set_route

__all__ = [
    "Command",
    "EarmarkAddCommand",
    "EarmarkEditCommand",
    "EarmarkRef",
    "EarmarkRemoveCommand",
    "FillPotCommand",
    "History",
    "MoveCommand",
    "RecommendCommand",
    "RouteCommand",
    "Versions",
]


@dataclass(slots=True)
class Versions:
    """The versions the user's next change is based on: what the screen shows, kept up to date by
    every change made through :class:`History`. Undo and redo check against these as well."""

    applications: dict[int, int] = field(default_factory=dict)
    earmarks: dict[int, int] = field(default_factory=dict)
    #: application id -> the place the user sees it at (a grant is refused if it has moved since)
    ranks: dict[int, int] = field(default_factory=dict)

    def update(self, change: Change) -> None:
        self.applications.update(change.versions)
        self.earmarks.update(change.earmark_versions)
        self.ranks.update(change.ranks)

    def app(self, application_id: int) -> int:
        try:
            return self.applications[application_id]
        except KeyError:
            raise StaleError(f"Søknaden (id {application_id}) er ikke kjent her. {REFRESH_HINT}") from None

    def earmark(self, earmark_id: int) -> int:
        try:
            return self.earmarks[earmark_id]
        except KeyError:
            raise StaleError(f"Avsetningen (id {earmark_id}) er ikke kjent her. {REFRESH_HINT}") from None


class Command(Protocol):
    label: str  # Norwegian noun phrase for messages: "Angret: <label>"

    def do(self, session: Session, versions: Versions) -> Change: ...

    def undo(self, session: Session, versions: Versions) -> Change: ...


@dataclass(slots=True)
class EarmarkRef:
    """An earmark's current id: a removed and restored earmark gets a new id, shared by its commands."""

    id: int


@dataclass(slots=True)
class MoveCommand:
    """A move as the user made it: to a place, next to the row the user saw there.

    ``above``/``below`` name the neighbour the user saw (put it directly above/below that
    application), so the move keeps its meaning when another user has reordered the round in
    the meantime; ``undo_above``/``undo_below`` name the neighbour of the place it came from.
    Without them the places are taken as they are.
    """

    application_id: int
    from_rank: int
    to_rank: int
    label: str = "flytting"
    above: int | None = None
    below: int | None = None
    undo_above: int | None = None
    undo_below: int | None = None

    def do(self, session: Session, versions: Versions) -> Change:
        return move_application(
            session,
            self.application_id,
            self.to_rank,
            version=versions.app(self.application_id),
            above=self.above,
            below=self.below,
        )

    def undo(self, session: Session, versions: Versions) -> Change:
        return move_application(
            session,
            self.application_id,
            self.from_rank,
            version=versions.app(self.application_id),
            above=self.undo_above,
            below=self.undo_below,
        )


@dataclass(slots=True)
class RecommendCommand:
    application_id: int
    old: dict[int, int] | None
    new: dict[int, int] | None
    label: str = "innstilt beløp"

    def do(self, session: Session, versions: Versions) -> Change:
        return set_recommendation(
            session,
            self.application_id,
            self.new,
            version=versions.app(self.application_id),
            rank=versions.ranks.get(self.application_id),
        )

    def undo(self, session: Session, versions: Versions) -> Change:
        return set_recommendation(
            session,
            self.application_id,
            self.old,
            version=versions.app(self.application_id),
            rank=versions.ranks.get(self.application_id),
        )


@dataclass(slots=True)
class RouteCommand:
    application_id: int
    old: str
    new: str
    label: str = "rute"

    def do(self, session: Session, versions: Versions) -> Change:
        return set_route(session, self.application_id, self.new, version=versions.app(self.application_id))

    def undo(self, session: Session, versions: Versions) -> Change:
        return set_route(session, self.application_id, self.old, version=versions.app(self.application_id))


@dataclass(slots=True)
class FillPotCommand:
    round_id: int
    before: list[int] = field(default_factory=list)
    after: list[int] = field(default_factory=list)
    label: str = "fyll potten"

    def do(self, session: Session, versions: Versions) -> Change:
        if not self.after:
            change, self.before, self.after = apply_fill_pot(
                session, self.round_id, versions=versions.applications
            )
            return change
        return set_order(
            session,
            self.round_id,
            self.after,
            versions=versions.applications,
            action="fyll_potten",
            summary="Fyll potten (gjort om)",
            expected_order=self.before,
        )

    def undo(self, session: Session, versions: Versions) -> Change:
        return set_order(
            session,
            self.round_id,
            self.before,
            versions=versions.applications,
            action="angre",
            summary="Angret «fyll potten»: rekkefølgen fra før er tilbake",
            expected_order=self.after,
        )


@dataclass(slots=True)
class EarmarkAddCommand:
    round_id: int
    data: EarmarkData
    ref: EarmarkRef = field(default_factory=lambda: EarmarkRef(0))
    position: int | None = None
    label: str = "ny avsetning"

    def do(self, session: Session, versions: Versions) -> Change:
        self.ref.id, change = add_earmark(session, self.round_id, self.data, position=self.position)
        return change

    def undo(self, session: Session, versions: Versions) -> Change:
        _data, self.position, change = remove_earmark(
            session, self.ref.id, version=versions.earmark(self.ref.id)
        )
        return change


@dataclass(slots=True)
class EarmarkEditCommand:
    ref: EarmarkRef
    old: EarmarkData
    new: EarmarkData
    label: str = "endret avsetning"

    def do(self, session: Session, versions: Versions) -> Change:
        return update_earmark(session, self.ref.id, self.new, version=versions.earmark(self.ref.id))

    def undo(self, session: Session, versions: Versions) -> Change:
        return update_earmark(session, self.ref.id, self.old, version=versions.earmark(self.ref.id))


@dataclass(slots=True)
class EarmarkRemoveCommand:
    round_id: int
    ref: EarmarkRef
    data: EarmarkData | None = None
    position: int | None = None
    label: str = "slettet avsetning"

    def do(self, session: Session, versions: Versions) -> Change:
        self.data, self.position, change = remove_earmark(
            session, self.ref.id, version=versions.earmark(self.ref.id)
        )
        return change

    def undo(self, session: Session, versions: Versions) -> Change:
        assert self.data is not None
        self.ref.id, change = add_earmark(session, self.round_id, self.data, position=self.position)
        return change


class History:
    """Undo and redo stacks of commands. A failed undo/redo leaves both stacks as they were.

    ``versions`` is the book of versions the next change is based on; the screen replaces its
    contents when it reads the database again (Ctrl+R).
    """

    def __init__(self, versions: Versions | None = None, limit: int = 500) -> None:
        self.versions = versions or Versions()
        self.limit = limit
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._refs: dict[int, EarmarkRef] = {}

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def earmark_ref(self, earmark_id: int) -> EarmarkRef:
        """The shared reference for an earmark id (so commands follow it when it is restored)."""
        for ref in self._refs.values():
            if ref.id == earmark_id:
                return ref
        ref = EarmarkRef(earmark_id)
        self._refs[id(ref)] = ref
        return ref

    def run(self, command: Command, session: Session) -> Change:
        change = command.do(session, self.versions)
        self.versions.update(change)
        ref = getattr(command, "ref", None)
        if isinstance(ref, EarmarkRef):
            self._refs[id(ref)] = ref
        self._undo.append(command)
        del self._undo[: -self.limit]
        self._redo.clear()
        return change

    def undo(self, session: Session) -> tuple[Command, Change] | None:
        if not self._undo:
            return None
        command = self._undo[-1]
        change = command.undo(session, self.versions)
        self.versions.update(change)
        self._redo.append(self._undo.pop())
        return command, change

    def redo(self, session: Session) -> tuple[Command, Change] | None:
        if not self._redo:
            return None
        command = self._redo[-1]
        change = command.do(session, self.versions)
        self.versions.update(change)
        self._undo.append(self._redo.pop())
        return command, change
