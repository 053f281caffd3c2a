"""Helse Nord's awards: what the Tildelingsutvalg awarded per forwarded application and year.

The forwarded applications are the decided round's regional list
(:attr:`rsapp.allocation.Allocation.regional`); beside what was sought from the regional scheme
each gets what was awarded, registered by hand (:func:`register_regional`) or from an Excel or
CSV list (:func:`import_regional`). A list is read whole and checked before anything is saved:
an unknown project, an unreadable amount or a year column that is not a year is named by row
and column, and nothing is stored. Registering an award sets the status (innvilget regionalt /
avslått regionalt, unless the project already has a local award) and makes the follow-up plan.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import delete
from sqlmodel import Session, col, select

from rsapp.dates import format_date
from rsapp.followup.plan import FollowUpError, ensure_plan
from rsapp.models import Application, Award
from rsapp.money import AmountError, format_kr, parse_amount
from rsapp.store.unit_of_work import UnitOfWork, unit_of_work
from rsapp.vocab import (
    AWARD_LOCAL,
    AWARD_REGIONAL,
    STATUS_GRANTED,
    STATUS_GRANTED_REGIONAL,
    STATUS_REJECTED_REGIONAL,
    status_label,
)

__all__ = [
    "ImportResult",
    "RegionalRow",
    "import_regional",
    "read_award_list",
    "regional_rows",
    "register_regional",
]


@dataclass(frozen=True, slots=True)
class RegionalRow:
    """A forwarded application: what was sought from Helse Nord and what was awarded."""

    application_id: int
    priority: int  # its place on the regional list (1 = first)
    name: str
    sought: dict[int, int] | None  # None: amount not stated
    awarded: dict[int, int] | None  # None: not registered yet
    status: str

    @property
    def sought_total(self) -> int | None:
        return None if self.sought is None else sum(self.sought.values())

    @property
    def awarded_total(self) -> int | None:
        return None if self.awarded is None else sum(self.awarded.values())


def _title(app: Application) -> str:
    from rsapp.portfolio import application_title

    return application_title(app)


def regional_rows(session: Session, round_id: int) -> list[RegionalRow]:
    from rsapp.portfolio import round_allocation

    allocation = round_allocation(session, round_id)
    ids = [item.key for item in allocation.regional]
    awards: dict[int, dict[int, int]] = {}
    if ids:
        for row in session.exec(
            select(Award).where(col(Award.application_id).in_(ids), Award.source == AWARD_REGIONAL)
        ):
            awards.setdefault(row.application_id, {})[row.budget_year] = row.amount
    apps = (
        {a.id: a for a in session.exec(select(Application).where(col(Application.id).in_(ids)))}
        if ids
        else {}
    )
    return [
        RegionalRow(
            item.key,
            index,
            item.name,
            None if item.by_year is None else dict(item.by_year),
            awards.get(item.key),
            apps[item.key].status if item.key in apps else "",
        )
        for index, item in enumerate(allocation.regional, start=1)
    ]


def _register(
    work: UnitOfWork, app: Application, amounts: Mapping[int, int], *, decided_on: date, note: str = ""
) -> None:
    session = work.session
    for year, amount in amounts.items():
        if type(year) is not int or not 1900 <= year <= 2199:
            raise FollowUpError(f"«{_title(app)}»: {year!r} er ikke et budsjettår.")
        if type(amount) is not int or amount < 0:
            raise FollowUpError(f"«{_title(app)}»: beløpet for {year} må være et helt antall kroner.")
    old = {
        a.budget_year: a.amount
        for a in session.exec(
            select(Award).where(Award.application_id == app.id, Award.source == AWARD_REGIONAL)
        )
    }
    session.execute(
        delete(Award).where(col(Award.application_id) == app.id, col(Award.source) == AWARD_REGIONAL)
    )
    # Zero years are kept: "awarded 0 in 2027" is a decision, not a missing figure.
    for year, amount in sorted(amounts.items()):
        session.add(
            Award(
                application_id=int(app.id or 0),
                budget_year=year,
                amount=amount,
                source=AWARD_REGIONAL,
                decided_on=decided_on,
                note=note or "Tildelingsutvalget i Helse Nord",
            )
        )
    session.flush()
    total = sum(amounts.values())
    local = session.exec(
        select(Award.id).where(Award.application_id == app.id, Award.source == AWARD_LOCAL, Award.amount > 0)
    ).first()
    status = (
        STATUS_GRANTED
        if local is not None
        else (STATUS_GRANTED_REGIONAL if total else STATUS_REJECTED_REGIONAL)
    )
    if status != app.status:
        work.log(
            "søknad",
            app.id,
            "status",
            f"«{_title(app)}»: {status_label(status).lower()}",
            status_label(app.status),
            status_label(status),
            round_id=app.round_id,
        )
        app.status = status
        app.version += 1
        session.add(app)
    work.log(
        "tildeling",
        app.id,
        "regional",
        f"Helse Nord tildelte «{_title(app)}» {format_kr(total)} ({format_date(decided_on)})",
        _amounts(old),
        _amounts(amounts),
        round_id=app.round_id,
    )
    ensure_plan(work, int(app.id or 0), decided_on=decided_on)


def _amounts(amounts: Mapping[int, int]) -> str:
    return ", ".join(f"{format_kr(a)} i {y}" for y, a in sorted(amounts.items())) or "ingen"


def register_regional(
    session: Session, application_id: int, amounts: Mapping[int, int], *, decided_on: date, note: str = ""
) -> RegionalRow:
    """Register what Helse Nord awarded ``application_id`` per year (replacing an earlier figure)."""
    app = session.get(Application, application_id)
    if app is None:
        raise FollowUpError(f"Fant ingen søknad med id {application_id}.")
    forwarded = {row.application_id: row for row in regional_rows(session, app.round_id)}
    if application_id not in forwarded:
        raise FollowUpError(
            f"«{_title(app)}» står ikke på den regionale listen som ble oversendt; bare oversendte søknader får "
            "tildeling fra Helse Nord."
        )
    with unit_of_work(session, app.round_id) as work:
        app = session.get(Application, application_id)
        assert app is not None
        _register(work, app, amounts, decided_on=decided_on, note=note)
    return next(row for row in regional_rows(session, app.round_id) if row.application_id == application_id)


# --- a list from Helse Nord -----------------------------------------------------------------------

_NAME_HEADERS = ("prosjekt", "prosjektnavn", "søknad", "navn", "tiltak", "prosjekt/pilot")
_RANK_HEADERS = ("prioritet", "nr", "nr.", "rangering")
_YEAR_HEADERS = ("år", "budsjettår")
_AMOUNT_HEADERS = ("beløp", "innvilget", "tildelt", "tildeling")


@dataclass(slots=True)
class ImportResult:
    """What a list registered: application id -> {year: kr}, in list order."""

    awards: dict[int, dict[int, int]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)


def _cells_from_csv(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if text.count(";") >= text.count(",") else ","
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def _cells_from_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if value is None else str(value).strip() for value in row])
        return rows
    finally:
        book.close()


def read_award_list(path: Path) -> list[list[str]]:
    """The cells of a CSV or Excel list (first sheet), as text."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _cells_from_xlsx(path)
        if suffix in (".csv", ".txt"):
            return _cells_from_csv(path.read_bytes())
    except OSError as exc:
        from rsapp.files import os_error_message

        raise FollowUpError(os_error_message(path, exc)) from exc
    except Exception as exc:  # noqa: BLE001 - a broken file: name it
        raise FollowUpError(f"Kan ikke lese {path.name}: {exc}") from exc
    raise FollowUpError(f"{path.name}: bruk en Excel-fil (.xlsx) eller CSV-fil (.csv).")


def _amount(text: str, where: str) -> int:
    raw = text.strip()
    if raw in ("", "-", "–"):
        return 0
    digits = raw.replace(" ", "").replace("\u00a0", "").replace(".", "")
    if digits.endswith(",-"):
        digits = digits[:-2]
    if digits.isdigit():
        return int(digits)
    if re.fullmatch(r"\d+\.0", raw):  # Excel numbers read as "1500000.0"
        return int(float(raw))
    try:
        return parse_amount(raw).low
    except AmountError as exc:
        raise FollowUpError(f"{where}: kan ikke lese beløpet «{raw}».") from exc


def _match(text: str, rows: list[RegionalRow], where: str) -> RegionalRow:
    wanted = " ".join(text.lower().split())
    exact = [row for row in rows if " ".join(row.name.lower().split()) == wanted]
    found = exact or [row for row in rows if wanted and wanted in row.name.lower()]
    if len(found) == 1:
        return found[0]
    names = "; ".join(f"{row.priority}. {row.name}" for row in rows)
    if not found:
        raise FollowUpError(f"{where}: fant ingen oversendt søknad «{text}». Oversendt: {names}.")
    raise FollowUpError(f"{where}: «{text}» passer på flere søknader: {'; '.join(r.name for r in found)}.")


def _parse(cells: list[list[str]], rows: list[RegionalRow], filename: str) -> dict[int, dict[int, int]]:
    header_index = next(
        (
            i
            for i, row in enumerate(cells)
            if any(cell.lower() in _NAME_HEADERS + _RANK_HEADERS for cell in row)
        ),
        None,
    )
    if header_index is None:
        raise FollowUpError(
            f"{filename}: fant ingen overskriftsrad med «Prosjekt» (eller «Prioritet») og år eller «Beløp»."
        )
    header = [cell.lower() for cell in cells[header_index]]
    name_col = next((i for i, h in enumerate(header) if h in _NAME_HEADERS), None)
    rank_col = next((i for i, h in enumerate(header) if h in _RANK_HEADERS), None)
    year_cols = {i: int(h) for i, h in enumerate(header) if re.fullmatch(r"(19|20|21)\d\d(\.0)?", h)}
    year_col = next((i for i, h in enumerate(header) if h in _YEAR_HEADERS), None)
    amount_col = next((i for i, h in enumerate(header) if h in _AMOUNT_HEADERS), None)
    if not year_cols and (year_col is None or amount_col is None):
        raise FollowUpError(
            f"{filename}, rad {header_index + 1}: fant verken årskolonner (2026, 2027 …) eller kolonnene «År» og «Beløp»."
        )
    by_key = {row.priority: row for row in rows}
    out: dict[int, dict[int, int]] = {}
    for number, row in enumerate(cells[header_index + 1 :], start=header_index + 2):
        if not any(row):
            continue
        where = f"{filename}, rad {number}"

        def cell(index: int | None, row: list[str] = row) -> str:
            return row[index] if index is not None and index < len(row) else ""

        if cell(name_col).lower().startswith(("sum", "totalt")):
            continue  # a sum row
        if name_col is not None and cell(name_col):
            target = _match(cell(name_col), rows, where)
        elif rank_col is not None and cell(rank_col):
            try:
                target = by_key[int(float(cell(rank_col)))]
            except (ValueError, KeyError) as exc:
                raise FollowUpError(
                    f"{where}: prioritet «{cell(rank_col)}» finnes ikke på den oversendte listen."
                ) from exc
        else:
            raise FollowUpError(f"{where}: mangler prosjektnavn.")
        amounts = out.setdefault(target.application_id, {})
        if year_cols:
            for index, year in year_cols.items():
                amounts[year] = amounts.get(year, 0) + _amount(cell(index), f"{where}, kolonne {year}")
        else:
            year_text = cell(year_col)
            if not re.fullmatch(r"(19|20|21)\d\d(\.0)?", year_text):
                raise FollowUpError(f"{where}: «{year_text}» i kolonnen «År» er ikke et årstall.")
            year = int(float(year_text))
            amounts[year] = amounts.get(year, 0) + _amount(cell(amount_col), f"{where}, kolonne «Beløp»")
    if not out:
        raise FollowUpError(f"{filename}: listen har ingen rader med tildelinger.")
    return out


def import_regional(session: Session, round_id: int, path: Path, *, decided_on: date) -> ImportResult:
    """Register a list from Helse Nord (all rows, or none when one is wrong)."""
    rows = regional_rows(session, round_id)
    if not rows:
        raise FollowUpError(
            "Runden har ingen oversendte søknader; vedta prioriteringen og send listen først."
        )
    parsed = _parse(read_award_list(path), rows, path.name)
    result = ImportResult()
    with unit_of_work(session, round_id) as work:
        for app_id, amounts in parsed.items():
            app = session.get(Application, app_id)
            assert app is not None
            _register(work, app, amounts, decided_on=decided_on, note=f"Fra {path.name}")
            result.awards[app_id] = amounts
            result.names[app_id] = _title(app)
    return result
