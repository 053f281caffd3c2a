"""Confirming budget lines flagged «må bekreftes» after the import: as they stand, or corrected.

The import flags an amount it could not take at face value (approximate, a range, "per år"
without years, a year it inferred). The user confirms it later, in the application screen or
with ``rsapp bekreft``: as it stands, the low or high end of a range, or a corrected amount and
year. Each confirmation is one transaction through the unit of work (round lock, the
application's version claimed, a change-log entry), on whichever store the caller has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rsapp.importer.budget import parse_whole_amount, parse_year
from rsapp.importer.errors import ImportFailure
from rsapp.importer.store import as_store
from rsapp.money import format_amount_or_missing

__all__ = ["ConfirmError", "StoredLine", "budget_lines", "confirm_line", "confirm_all"]


class ConfirmError(ValueError):
    """A confirmation that cannot be made; the message is Norwegian and names what and where."""


@dataclass(frozen=True, slots=True)
class StoredLine:
    id: int
    position: int
    budget_year: int | None
    amount: int | None
    amount_high: int | None
    purpose: str
    source_phrase: str
    needs_confirmation: bool

    @property
    def year_label(self) -> str:
        return str(self.budget_year) if self.budget_year else "uten år"


_LINE_SQL = (
    "SELECT id, position, budget_year, amount, amount_high, purpose, source_phrase, needs_confirmation "
    "FROM budgetline WHERE application_id = :id ORDER BY position, id"
)


def _application(db: Any, app_id: int) -> tuple[str, int, int]:
    found = db.rows(
        "SELECT name, working_title, version, round_id FROM application WHERE id = :id", {"id": app_id}
    )
    if not found:
        raise ConfirmError(f"Fant ingen søknad med nummer {app_id}.")
    name, working_title, version, round_id = found[0]
    return (name or working_title or f"Søknad {app_id}"), int(version or 1), int(round_id)


def _lines(db: Any, app_id: int) -> list[StoredLine]:
    return [
        StoredLine(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5] or "", r[6] or "", bool(r[7]))
        for r in db.rows(_LINE_SQL, {"id": app_id})
    ]


def budget_lines(source: Any, app_id: int) -> tuple[str, list[StoredLine]]:
    """The application's title and its budget lines, in order."""
    with as_store(source).read() as db:
        title, _, _ = _application(db, app_id)
        return title, _lines(db, app_id)


def _describe(year: int | None, amount: int | None) -> str:
    return f"{year or 'uten år'}: {format_amount_or_missing(amount)}"


def confirm_line(
    source: Any,
    app_id: int,
    number: int,
    *,
    amount_text: str | None = None,
    year_text: str | None = None,
    pick: str | None = None,
    version: int | None = None,
) -> StoredLine:
    """Confirm budget line ``number`` (1-based) of an application; returns it as saved.

    ``amount_text`` corrects the amount, ``year_text`` the year ("" or None keeps it, "-" means
    no year), ``pick`` takes the low ("lav") or high ("høy") end of a range. ``version`` is the
    application's version the user saw (default: the current one); a change by someone else
    since then is refused. Raises :class:`ConfirmError` with a Norwegian message.
    """
    store = as_store(source)
    with store.read() as db:
        title, current_version, round_id = _application(db, app_id)
        lines = _lines(db, app_id)
    if not 1 <= number <= len(lines):
        raise ConfirmError(f"«{title}» har {len(lines)} budsjettlinjer; linje {number} finnes ikke.")
    line = lines[number - 1]
    amount = line.amount
    try:
        if pick == "høy" and line.amount_high is not None:
            amount = line.amount_high
        elif pick not in (None, "lav", "høy"):
            raise ConfirmError(f"Ukjent valg «{pick}»: bruk lav eller høy.")
        if amount_text is not None and amount_text.strip():
            amount = parse_whole_amount(amount_text)
        year = line.budget_year
        if year_text is not None and year_text.strip():
            year = None if year_text.strip() == "-" else parse_year(year_text)
    except ValueError as exc:
        if isinstance(exc, ConfirmError):
            raise
        raise ConfirmError(str(exc)) from exc
    saved = StoredLine(line.id, line.position, year, amount, None, line.purpose, line.source_phrase, False)
    try:
        with store.write([round_id]) as db:
            db.claim(app_id, version or current_version, f"Søknaden «{title}»")
            db.update(
                "budgetline",
                line.id,
                {"amount": amount, "amount_high": None, "budget_year": year, "needs_confirmation": False},
            )
            db.log(
                "budget_line",
                line.id,
                "bekreft_belop",
                f"Budsjettlinje {number} i «{title}» bekreftet",
                old=_describe(line.budget_year, line.amount)
                + (
                    f" (spenn opp til {format_amount_or_missing(line.amount_high)})"
                    if line.amount_high
                    else ""
                ),
                new=_describe(year, amount),
                round_id=round_id,
            )
    except ImportFailure as exc:
        raise ConfirmError(exc.problem or str(exc)) from exc
    return saved


def confirm_all(source: Any, app_id: int) -> list[StoredLine]:
    """Confirm every flagged line as it stands (a range by its low end)."""
    _, lines = budget_lines(source, app_id)
    done = []
    for n, line in enumerate(lines, start=1):
        if line.needs_confirmation:
            done.append(confirm_line(source, app_id, n, pick="lav"))
    return done
