"""The Excel prioritisation list: read back with openpyxl, recalculated and printed by LibreOffice.

Every figure in the workbook must be the allocation's (rsapp.allocation): the list's per-year
amounts, the «Innenfor pott» walk and the cut line, the sums, the ledger by budget year with its
carry-over, and the regional list. The formulas are recalculated by LibreOffice and compared with
the allocation for the built-in Helgeland 2026 round (as seeded, with Helgelandssykepleier moved
first, and after a hand edit in the file), for the Troms og Ofoten round (no pot), and for
generated rounds. The printed layout is checked from LibreOffice's PDF with ``pdftotext -bbox``.
"""

from __future__ import annotations

import csv
import dataclasses
import errno
import io
import os
import random
import re
import shutil
import stat
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from sqlmodel import Session, select

from rsapp.allocation import (
    LOCAL_ROUTES,
    ROUTES,
    Allocation,
    ApplicationInput,
    EarmarkInput,
    PotInput,
    allocate,
)
from rsapp.cli import cli
from rsapp.db import open_database
from rsapp.export import xlsx
from rsapp.export.excel import (
    MONEY_FORMAT,
    SHEET_POT,
    SHEET_PRIORITY,
    SHEET_REGIONAL,
    SHEETS,
    ApplicationText,
    ExcelData,
    ExportError,
    ExportFileExists,
    ExtraColumn,
    build_workbook,
    data_from_allocation,
    default_filename,
    excel_data,
    export_round,
    write_excel,
)
from rsapp.export.readback import WorkbookFigures, find_soffice, recalculate, recalculated_figures_many
from rsapp.models import Application
from rsapp.portfolio import allocation_inputs, round_allocation, round_by_key
from rsapp.prioritisation import move_application
from tests.conftest import TODAY, require

HEADER_ROW = 5
FIRST_ROW = 6
ROUND_YEAR = 2026
SYKEPLEIER = "Helgelandssykepleier"


# --- helpers ----------------------------------------------------------------------------------------


def helgeland_id(session: Session) -> int:
    return round_by_key(session, "helgeland-2026").id


def application_id(session: Session, round_id: int, name_part: str) -> tuple[int, int]:
    """(id, version) of the application whose name contains ``name_part``."""
    for app_id, name, version in session.exec(
        select(Application.id, Application.name, Application.version).where(Application.round_id == round_id)
    ):
        if name_part in (name or ""):
            return int(app_id), version  # type: ignore[arg-type]
    raise LookupError(name_part)


def header_map(ws) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[HEADER_ROW] if cell.value}


def data_for(allocation: Allocation, texts: dict[int, ApplicationText] | None = None, **kwargs) -> ExcelData:
    return data_from_allocation(
        allocation,
        helsefellesskap=kwargs.pop("helsefellesskap", "Helsefellesskap Helgeland"),
        hospital_trust="Helgelandssykehuset HF",
        round_name=kwargs.pop("round_name", "Rekrutterings- og samhandlingstilskudd 2026"),
        today=TODAY,
        texts=texts or {},
        **kwargs,
    )


MUNICIPALITIES = ["Rana", "Alstahaug", "Vefsn", "Brønnøy", "Grane", "Hattfjelldal", "Hemnes", "Leirfjord"]


def generated_round(
    seed: int, n: int | None = None, *, long_texts: bool = False
) -> tuple[Allocation, ExcelData]:
    """A round as varied as the rules allow: pots over several years, confirmed and assumed; open
    and per-year earmarks; multi-year, yearless and unknown amounts; partial recommendations;
    all four routes."""
    rng = random.Random(seed)
    pots = []
    for year in range(ROUND_YEAR - 1, ROUND_YEAR + 3):
        kind = rng.choice(["confirmed", "confirmed", "assumed", "none"])
        if kind != "none":
            pots.append(
                PotInput(year, rng.randrange(500_000, 6_000_000, 50_000), f"Pott {year}", kind == "confirmed")
            )
    if not any(p.confirmed for p in pots):
        pots.append(PotInput(ROUND_YEAR, 3_000_000, f"Pott {ROUND_YEAR}"))
    earmarks = [
        EarmarkInput(
            key,
            f"Avsetning {key}",
            {
                y: rng.randrange(100_000, 2_000_000, 50_000)
                for y in rng.sample(range(2025, 2029), rng.randint(1, 2))
            },
        )
        for key in range(1, rng.randint(1, 3) + 1)
    ]
    if rng.random() < 0.6:
        earmarks.append(EarmarkInput(99, "Åpen avsetning", {}, is_open=True))
    apps = []
    texts = {}
    for i in range(n or rng.randint(4, 12)):
        kind = rng.random()
        if kind < 0.12:
            by_year: dict[int | None, int] = {}
            total = None
        elif kind < 0.25:
            by_year = {None: rng.randrange(100_000, 3_000_000, 500)}
            total = sum(by_year.values())
        else:
            first = rng.randint(ROUND_YEAR - 1, ROUND_YEAR + 1)
            by_year = {first + y: rng.randrange(100_000, 2_500_000, 500) for y in range(rng.randint(1, 4))}
            total = sum(by_year.values())
        recommended = None
        if total is not None and rng.random() < 0.35:
            share = rng.choice([0, 0.25, 0.5, 1])
            recommended = {ROUND_YEAR + y: int(total * share / 2) for y in range(2)}
        elif total is None and rng.random() < 0.3:
            recommended = {ROUND_YEAR: 400_000}
        name = f"Søknad {i + 1} fra {rng.choice(MUNICIPALITIES)}"
        if long_texts:
            name += " – " + " ".join(
                rng.choices(["samhandling", "digital", "oppfølging", "rehabilitering"], k=12)
            )
        apps.append(
            ApplicationInput(
                key=10 + i,
                name=name,
                rank=i + 1,
                applied_by_year=by_year,
                applied_total=total,
                recommended=recommended,
                route=rng.choice(ROUTES),
            )
        )
        munis = rng.sample(MUNICIPALITIES, rng.randint(1, 8 if long_texts else 3))
        texts[10 + i] = ApplicationText(
            owners=" og ".join(f"{m} kommune" for m in munis),
            municipalities=", ".join(munis),
            hospital_trust="Helgelandssykehuset HF",
            status="Mottatt",
            comment=(
                "Avklar budsjettet med kommunene\nog helseforetaket før møtet" if long_texts and i % 2 else ""
            ),
        )
    allocation = allocate(pots, earmarks, apps, round_year=ROUND_YEAR)
    return allocation, data_for(allocation, texts)


def synthetic(n: int, seed: int = 7) -> tuple[ExcelData, Allocation]:
    allocation, data = generated_round(seed, n)
    return data, allocation


# --- comparing what the workbook shows with the allocation -------------------------------------------


def nonzero(amounts: dict[int, int] | None) -> dict[int, int] | None:
    return None if amounts is None else {y: a for y, a in amounts.items() if a}


def assert_figures_match(
    figures: WorkbookFigures, allocation: Allocation, word: str = "Innstilt", *, edited: bool = False
) -> None:
    """Every per-year balance, the walk, the cut line, the sums and the regional list agree.

    ``edited``: the workbook was changed by hand after the export. Which applications stand on
    the regional list is settled at export; their amounts follow the edit.
    """
    ledger = allocation.ledger
    assert figures.round_year == allocation.round_year
    # The ledger, year by year; years the allocation does not list only carry the balance on.
    listed = {item.budget_year: item for item in allocation.years}
    for year, shown in figures.years.items():
        item = listed.get(year)
        if item is None:
            assert (shown.new_confirmed, shown.new_assumed, shown.earmarked, shown.recommended) == (
                0,
                0,
                0,
                0,
            )
            assert shown.closing == shown.opening, year
            continue
        assert (
            shown.opening,
            shown.new_confirmed,
            shown.new_assumed,
            shown.earmarked,
            shown.recommended,
            shown.closing,
            shown.basis,
        ) == (
            item.opening,
            item.new_confirmed,
            item.new_assumed,
            item.earmarked,
            item.recommended,
            item.closing,
            item.basis,
        ), year
        assert shown.open_earmarks == item.open_earmarks, year
    assert set(listed) <= set(figures.years)
    # The rows, the walk and the cut line.
    assert [(r.rank, r.name) for r in figures.rows] == [(r.rank, r.name) for r in allocation.rows]
    for shown, row in zip(figures.rows, allocation.rows, strict=True):
        assert shown.position == row.position, row.name
        assert shown.fits == row.fits, row.name
        assert shown.applied == row.plan.applied, row.name
        assert shown.applied_total == row.plan.total, row.name
        if row.recommended is None:
            assert shown.recommended is None, row.name
        elif row.route in LOCAL_ROUTES:
            assert nonzero(shown.recommended) == nonzero(row.recommended), row.name
            assert shown.recommended_total == row.recommended_total, row.name
        if row.left is not None and allocation.round_year in shown.left:
            assert shown.left[allocation.round_year] == row.left, row.name
    assert figures.cut_index == allocation.cut_index
    # The sums.
    for year in allocation.plan_years:
        above = [r for r in allocation.rows if r.fits]
        assert figures.sum_within[f"Søkt {year}"] == sum(r.plan.applied.get(year, 0) for r in above)
        assert figures.sum_within[f"{word} {year}"] == sum(r.local.get(year, 0) for r in allocation.rows)
        assert figures.sum_all[f"Søkt {year}"] == sum(r.plan.applied.get(year, 0) for r in allocation.rows)
    # The headline: one meaning of "til fordeling" and of "igjen".
    if ledger.pot_stated:
        assert figures.available == ledger.available
        assert figures.carried_in == ledger.carried_in
        assert figures.left == allocation.left
    else:
        assert figures.available is None and figures.left is None
    # The regional list.
    if edited:
        by_rank = {row.rank: row for row in allocation.rows}
        for item in figures.regional:
            row = by_rank[item.rank]
            assert (item.name, item.by_year, item.total) == (
                row.name,
                nonzero(row.forwarded),
                row.forwarded_total,
            )
        return
    assert [(i.rank, i.name, i.by_year, i.total) for i in figures.regional] == [
        (i.rank, i.name, nonzero(i.by_year), i.total) for i in allocation.regional
    ]


# --- the file name and the target -------------------------------------------------------------------


def test_default_filename_names_helsefellesskap_year_and_date():
    assert default_filename("Helsefellesskap Helgeland", 2026, date(2025, 10, 20)) == (
        "Prioritering_Helgeland_2026_2025-10-20.xlsx"
    )
    assert default_filename("Helsefellesskapet Lofoten, Vesterålen, Salten", 2026, date(2025, 10, 20)) == (
        "Prioritering_Lofoten_Vesterålen_Salten_2026_2025-10-20.xlsx"
    )


def test_existing_file_is_kept_without_force_and_the_file_is_private(session, tmp_path):
    folder = tmp_path / "ut"
    folder.mkdir()
    target = folder / "liste.xlsx"
    target.write_bytes(b"old list")
    with pytest.raises(ExportFileExists, match="finnes fra før"):
        export_round(session, helgeland_id(session), target, today=TODAY)
    assert target.read_bytes() == b"old list"

    export_round(session, helgeland_id(session), target, today=TODAY, force=True)
    assert load_workbook(target).sheetnames == list(SHEETS)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == ["liste.xlsx"]


@pytest.mark.parametrize("lock_name", [".~lock.liste.xlsx#", "~$liste.xlsx"])
def test_file_open_in_libreoffice_or_excel_gives_clear_message(session, tmp_path, lock_name):
    target = tmp_path / "liste.xlsx"
    target.write_bytes(b"old list")
    (tmp_path / lock_name).write_text("lock")
    with pytest.raises(ExportError, match=r"åpen i et annet program.*Lukk filen"):
        export_round(session, helgeland_id(session), target, today=TODAY, force=True)
    assert target.read_bytes() == b"old list"


def test_unwritable_folder_gives_clear_message(session, tmp_path):
    if os.geteuid() != 0:
        folder = tmp_path / "readonly"
        folder.mkdir()
        folder.chmod(0o500)
    else:  # root ignores file modes; sysfs refuses new files even for root
        folder = Path("/sys")
    try:
        with pytest.raises(ExportError, match="ingen skrivetilgang"):
            export_round(session, helgeland_id(session), folder / "liste.xlsx", today=TODAY)
        assert not (folder / "liste.xlsx").exists()
    finally:
        if folder != Path("/sys"):
            folder.chmod(0o700)


def test_missing_folder_is_named(session, tmp_path):
    missing = tmp_path / "finnes-ikke"
    with pytest.raises(ExportError, match=f"mappen {missing} finnes ikke"):
        export_round(session, helgeland_id(session), missing / "liste.xlsx", today=TODAY)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        (errno.ENOENT, "mappen finnes ikke"),
        (errno.EACCES, "ingen skrivetilgang"),
        (errno.EROFS, "skrivebeskyttet område"),
        (errno.ENOSPC, "disken er full"),
        (errno.EBUSY, "filen er i bruk av et annet program"),
        (errno.ECONNRESET, f"systemfeil (errno {errno.ECONNRESET})"),
    ],
)
def test_os_errors_while_saving_are_explained_in_norwegian(tmp_path, monkeypatch, number, reason):
    """Whatever the OS says (in English), the user reads a Norwegian reason naming the file."""
    from openpyxl.workbook.workbook import Workbook

    def failing_save(self, handle):
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(Workbook, "save", failing_save)
    target = tmp_path / "liste.xlsx"
    data, _ = synthetic(3)
    with pytest.raises(ExportError) as info:
        write_excel(data, target)
    message = str(info.value)
    assert message.startswith(f"Kan ikke skrive {target}: ")
    assert reason in message
    assert os.strerror(number) not in message


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), ExportError),
        (KeyboardInterrupt(), KeyboardInterrupt),
    ],
)
def test_a_crash_while_saving_leaves_the_old_file_and_no_half_workbook(
    tmp_path, monkeypatch, failure, expected
):
    """Fault injection: the save writes part of the zip and dies (disk full, Ctrl+C)."""
    from openpyxl.workbook.workbook import Workbook

    target = tmp_path / "liste.xlsx"
    target.write_bytes(b"old list")

    def dying_save(self, handle):
        handle.write(b"PK\x03\x04 half a workbook")
        raise failure

    monkeypatch.setattr(Workbook, "save", dying_save)
    data, _ = synthetic(5)
    with pytest.raises(expected) as info:
        write_excel(data, target, force=True)
    if expected is ExportError:
        assert "disken er full" in str(info.value)
    assert target.read_bytes() == b"old list"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["liste.xlsx"]


# --- the workbook, read back ------------------------------------------------------------------------


@pytest.fixture
def seed_workbook(session, tmp_path):
    round_id = helgeland_id(session)
    path = export_round(session, round_id, tmp_path / "liste.xlsx", today=TODAY)
    return load_workbook(path), round_allocation(session, round_id), path


def test_sheets_titles_and_document_properties(seed_workbook):
    wb, _, _ = seed_workbook
    assert wb.sheetnames == [SHEET_PRIORITY, SHEET_POT, SHEET_REGIONAL]
    for name in wb.sheetnames:
        ws = wb[name]
        assert ws["A1"].value == "Helsefellesskap Helgeland"
        assert "Rekrutterings- og samhandlingstilskudd 2026" in ws["A2"].value
        assert ws["A3"].value == "Dato 20.10.2025 · Utkast"
        assert ws["A1"].font.b and ws["A1"].font.sz == 14
        merged = {str(r) for r in ws.merged_cells.ranges}
        assert {"A1:B1", "A2:B2", "A3:B3"} <= merged  # the title stays in the columns every page repeats
    assert wb.properties.title == "Prioriteringsliste – Rekrutterings- og samhandlingstilskudd 2026"
    assert wb.properties.creator == "Helsefellesskap Helgeland"


def test_print_settings_are_a4_landscape_with_the_header_row_repeated(seed_workbook):
    wb, _, _ = seed_workbook
    for name in wb.sheetnames:
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert 71 <= int(ws.page_setup.scale) <= 100  # 10 pt text printed at 7 pt or more
        assert ws.print_title_rows == "$5:$5"
        assert ws.freeze_panes.endswith(str(FIRST_ROW))
        assert int(ws.oddFooter.left.size) * int(ws.page_setup.scale) / 100 >= 7
    prio = wb[SHEET_PRIORITY]
    assert prio.print_title_cols == "$A:$B"  # a wide list repeats rank and name on every page
    assert prio.freeze_panes == "C6"


def test_year_columns_are_the_years_the_round_uses_applied_and_recommended_side_by_side(seed_workbook):
    wb, allocation, _ = seed_workbook
    ws = wb[SHEET_PRIORITY]
    headers = [c.value for c in ws[HEADER_ROW] if c.value]
    assert allocation.plan_years == [2026, 2027, 2028, 2029, 2030]
    years = [h for h in headers if re.fullmatch(r"(Søkt|Innstilt) \d{4}", h)]
    assert years == [f"{kind} {y}" for y in allocation.plan_years for kind in ("Søkt", "Innstilt")]
    assert headers[:5] == ["Nr", "Prosjekt", "Prosjekteiere", "Kommuner", "Helseforetak"]
    after = headers[5 + len(years) :]
    assert after[:6] == ["Søkt i alt", "Innstilt i alt", "Rute", "Innenfor pott", "Igjen 2026", "Status"]
    assert after[6:8] == ["Kommentar", "Merknader ved eksport 20.10.2025"]
    assert not any("innvilget" in h.lower() or "Avsetning" in h for h in headers)
    # The helper columns that drive the cut line stand right of the printed area.
    cols = header_map(ws)
    assert headers[-2:] == ["Trekker fra potten", "Under streken"]
    notes = ws.cell(HEADER_ROW, cols["Merknader ved eksport 20.10.2025"]).column_letter
    assert ws.print_area == f"'{SHEET_PRIORITY}'!$A$1:${notes}${ws.max_row}"
    assert ws.cell(FIRST_ROW, cols["Under streken"]).number_format == '"ja";"ja";"nei"'


def test_rows_carry_the_allocations_amounts_per_year(seed_workbook):
    wb, allocation, _ = seed_workbook
    ws = wb[SHEET_PRIORITY]
    cols = header_map(ws)
    for index, row in enumerate(allocation.rows):
        line = FIRST_ROW + index
        assert ws.cell(line, cols["Nr"]).value == row.rank
        assert ws.cell(line, cols["Prosjekt"]).value == row.name
        for year in allocation.plan_years:
            assert ws.cell(line, cols[f"Søkt {year}"]).value == row.plan.applied.get(year), (row.name, year)
            expected = "?" if row.recommended is None and year == ROUND_YEAR else None
            if row.recommended is not None and row.route in LOCAL_ROUTES:
                expected = row.recommended.get(year)
            assert ws.cell(line, cols[f"Innstilt {year}"]).value == expected, (row.name, year)
    # Observasjonspost: the 2025 plan shifted to 2026, and said so.
    obs = next(i for i, r in enumerate(allocation.rows) if "Observasjonspost" in r.name)
    assert ws.cell(FIRST_ROW + obs, cols["Søkt 2026"]).value == 3_600_000
    assert (
        "planen er forskjøvet fra 2025 til 2026"
        in ws.cell(FIRST_ROW + obs, cols["Merknader ved eksport 20.10.2025"]).value
    )
    # Fremtidens pasientforløp: nothing stated, so «?» and «ikke oppgitt», never 0.
    unknown = next(i for i, r in enumerate(allocation.rows) if r.plan.total is None)
    assert ws.cell(FIRST_ROW + unknown, cols["Innstilt 2026"]).value == "?"
    assert "ikke oppgitt" in ws.cell(FIRST_ROW + unknown, cols["Søkt i alt"]).value


def test_the_cut_line_and_shading_are_conditional_formats_driven_by_the_walk(seed_workbook):
    wb, allocation, _ = seed_workbook
    ws = wb[SHEET_PRIORITY]
    cols = header_map(ws)
    below = ws.cell(HEADER_ROW, cols["Under streken"]).column_letter
    within = ws.cell(HEADER_ROW, cols["Innenfor pott"]).column_letter
    last = FIRST_ROW + len(allocation.rows) - 1
    rules = [
        (str(cf.sqref), rule.formula[0], rule.dxf) for cf in ws.conditional_formatting for rule in cf.rules
    ]
    assert [(ref, formula) for ref, formula, _ in rules] == [
        (
            f"A{FIRST_ROW}:{ws.cell(HEADER_ROW, cols['Merknader ved eksport 20.10.2025']).column_letter}{last}",
            f"AND(${below}{FIRST_ROW}=1,${below}{FIRST_ROW - 1}<>1)",
        ),
        (
            f"A{FIRST_ROW}:{ws.cell(HEADER_ROW, cols['Merknader ved eksport 20.10.2025']).column_letter}{last}",
            f"${below}{FIRST_ROW}=1",
        ),
    ]
    cut, shade = rules[0][2], rules[1][2]
    assert cut.border.top.style == "thin" and cut.border.top.color.rgb.endswith("C00000")
    assert cut.fill.fgColor.rgb.endswith("E7E6E6") and shade.fill.fgColor.rgb.endswith("E7E6E6")
    # «Under streken» follows the rows above it and the row's own fit; «Innenfor pott» reads it.
    second = ws.cell(FIRST_ROW + 1, cols["Under streken"]).value
    assert second.startswith(f"=IF(OR({below}{FIRST_ROW}=1,")
    assert (
        "'Pott'!$C$" in ws.cell(FIRST_ROW, cols["Under streken"]).value
    )  # 2026's balance before applications
    assert ws.cell(FIRST_ROW, cols["Innenfor pott"]).value.startswith("=IF(OR(")
    assert f'{within}{FIRST_ROW + 1}="Ja"' in ws.cell(FIRST_ROW + 1, cols["Igjen 2026"]).value


def test_sums_within_the_pot_and_over_the_whole_list(seed_workbook):
    wb, allocation, _ = seed_workbook
    ws = wb[SHEET_PRIORITY]
    cols = header_map(ws)
    last = FIRST_ROW + len(allocation.rows) - 1
    within = ws.cell(HEADER_ROW, cols["Innenfor pott"]).column_letter
    column = ws.cell(HEADER_ROW, cols["Innstilt 2026"]).column_letter
    assert ws.cell(last + 1, cols["Prosjekt"]).value == "Sum innenfor potten"
    assert ws.cell(last + 1, cols["Innstilt 2026"]).value == (
        f'=SUMIFS({column}{FIRST_ROW}:{column}{last},{within}{FIRST_ROW}:{within}{last},"Ja")'
    )
    assert ws.cell(last + 2, cols["Prosjekt"]).value == "Sum hele listen"
    assert ws.cell(last + 2, cols["Innstilt 2026"]).value == f"=SUM({column}{FIRST_ROW}:{column}{last})"


def test_money_formats_use_kroner_spaces_and_a_real_minus(seed_workbook):
    wb, _, _ = seed_workbook
    assert MONEY_FORMAT == '[$-414]#,##0\\ "kr";"\u2212"#,##0\\ "kr"'
    ws = wb[SHEET_PRIORITY]
    cols = header_map(ws)
    assert ws.cell(FIRST_ROW, cols["Søkt 2026"]).number_format == MONEY_FORMAT
    assert ws.cell(FIRST_ROW, cols["Igjen 2026"]).number_format == MONEY_FORMAT


def test_the_pot_sheet_is_the_ledger_per_year_with_the_open_earmark_not_counted(seed_workbook):
    wb, allocation, _ = seed_workbook
    ws = wb[SHEET_POT]
    cols = header_map(ws)
    assert [h for h in cols if str(h).isdigit()] == ["2025", "2026", "2027", "2028", "2029", "2030"]
    labels = {ws.cell(r, 1).value: r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value}
    opening, closing = (
        labels["Inngående saldo (overført fra året før)"],
        labels["= Utgående saldo (overføres til neste år)"],
    )
    c26, c25 = (
        ws.cell(HEADER_ROW, cols["2026"]).column_letter,
        ws.cell(HEADER_ROW, cols["2025"]).column_letter,
    )
    assert ws.cell(opening, cols["2026"]).value == f"={c25}{closing}"  # carried from 2025
    assert ws.cell(closing, cols["2026"]).value.startswith(f"={c26}{opening}+SUM(")
    assert ws.cell(labels["+ Lokal pott 2026"], cols["2026"]).value == 5_000_000
    assert ws.cell(labels["+ Rest fra 2025"], cols["2025"]).value == 2_800_000
    assert (
        ws.cell(labels["+ Lokal pott 2027 (antatt, indeksregulert)"], cols["Merknad"]).value
        == "antatt, ikke bekreftet"
    )
    intermediate = labels["− Intermediærpost i Vefsn"]
    assert ws.cell(intermediate, cols["2026"]).value == "ikke avklart"
    assert all(ws.cell(intermediate, cols[str(y)]).value in (None, "ikke avklart") for y in range(2025, 2031))
    recommended = labels["− Innstilt innenfor potten"]
    assert ws.cell(recommended, cols["2026"]).value.startswith("='Prioritering'!$G$")
    # Warnings, dated: they do not follow a hand edit, so they say when they were true.
    assert labels["Varsler ved eksport 20.10.2025"] > closing
    assert "Avsetning «Intermediærpost i Vefsn»: beløp ikke avklart" in labels
    assert any(label.startswith("Streken går ved") for label in labels)


def test_the_regional_sheet_is_the_allocations_regional_list(seed_workbook):
    wb, allocation, _ = seed_workbook
    ws = wb[SHEET_REGIONAL]
    cols = header_map(ws)
    items = allocation.regional
    assert [ws.cell(FIRST_ROW + i, cols["Prosjekt"]).value for i in range(len(items))] == [
        i.name for i in items
    ]
    assert [ws.cell(FIRST_ROW + i, cols["Prioritet"]).value for i in range(len(items))] == [
        i.rank for i in items
    ]
    assert ws.cell(FIRST_ROW + len(items), cols["Prosjekt"]).value == "Sum"
    unknown = next(i for i, item in enumerate(items) if item.total is None)
    assert ws.cell(FIRST_ROW + unknown, cols["Søkes regionalt i alt"]).value == "ikke oppgitt"
    funded = {r.name for r in allocation.rows if r.fits and not r.forwarded}
    assert funded and not funded & {i.name for i in items}  # funded in full locally: not forwarded


def test_row_heights_grow_with_wrapped_text(seed_workbook):
    wb, allocation, _ = seed_workbook
    ws = wb[SHEET_PRIORITY]
    heights = {r.name: ws.row_dimensions[FIRST_ROW + i].height for i, r in enumerate(allocation.rows)}
    nurse = next(name for name in heights if SYKEPLEIER in name)  # 17 municipalities
    assert heights[nurse] > 3 * min(heights.values())
    assert all(h and h >= 16 for h in heights.values())


def test_a_decided_round_says_innvilget_and_vedtatt(tmp_path):
    allocation, _ = generated_round(3)
    wb = load_workbook(write_excel(data_for(allocation, decided=True), tmp_path / "v.xlsx"))
    headers = [c.value for c in wb[SHEET_PRIORITY][HEADER_ROW] if c.value]
    assert f"Innvilget {ROUND_YEAR}" in headers and "Innvilget i alt" in headers
    assert not any(str(h).startswith("Innstilt") for h in headers)
    assert wb[SHEET_PRIORITY]["A3"].value.endswith("· Vedtatt")


def test_extra_columns_land_between_status_and_comment(tmp_path):
    allocation, data = generated_round(4, 3)
    keys = [row.key for row in allocation.rows]
    data.extra_columns = (
        ExtraColumn("Krav", {keys[0]: "Oppfylt"}, width=10),
        ExtraColumn("Vurdering", {keys[1]: "Godt begrunnet, men budsjettet mangler"}),
    )
    ws = load_workbook(write_excel(data, tmp_path / "x.xlsx"))[SHEET_PRIORITY]
    headers = [c.value for c in ws[HEADER_ROW] if c.value]
    at = headers.index("Status")
    assert headers[at : at + 4] == ["Status", "Krav", "Vurdering", "Kommentar"]
    cols = header_map(ws)
    assert ws.cell(FIRST_ROW, cols["Krav"]).value == "Oppfylt"
    assert ws.cell(FIRST_ROW + 1, cols["Vurdering"]).value.startswith("Godt begrunnet")


def test_formula_like_text_stays_text(session, tmp_path):
    round_id = helgeland_id(session)
    nasty = ['=HYPERLINK("http://x.example","klikk")', "+47 99", "-1+1", "@SUM(A1)", "=1+1"]
    apps = list(
        session.exec(select(Application).where(Application.round_id == round_id).order_by(Application.rank))
    )
    apps[0].name = nasty[0]
    for app, text in zip(apps, nasty[1:], strict=False):
        app.comment = text
    apps[1].owners = "=cmd|' /C calc'!A0"
    for app in apps:
        session.add(app)
    session.commit()
    path = export_round(session, round_id, tmp_path / "liste.xlsx", today=TODAY)
    wb = load_workbook(path)
    ws = wb[SHEET_PRIORITY]
    cols = header_map(ws)
    cell = ws.cell(FIRST_ROW, cols["Prosjekt"])
    assert cell.value == nasty[0] and cell.data_type == "s" and cell.quotePrefix
    assert [ws.cell(FIRST_ROW + i, cols["Kommentar"]).value for i in range(4)] == nasty[1:]
    assert ws.cell(FIRST_ROW + 1, cols["Prosjekteiere"]).value == "=cmd|' /C calc'!A0"
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>HYPERLINK" not in xml and "<f>cmd" not in xml and "<f>SUM(A1)" not in xml


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=60), comment=st.text(max_size=40))
def test_any_text_is_written_as_text(tmp_path_factory, name, comment):
    """Whatever a name or comment holds (control characters included), it is text in the file."""
    apps = [ApplicationInput(key=1, name=name, rank=1, applied_by_year={2026: 100}, applied_total=100)]
    allocation = allocate([PotInput(2026, 1_000)], [], apps, round_year=2026)
    data = data_for(allocation, {1: ApplicationText(comment=comment)})
    path = write_excel(data, tmp_path_factory.mktemp("x") / "t.xlsx")
    ws = load_workbook(path)[SHEET_PRIORITY]
    cols = header_map(ws)
    for column, text in ((cols["Prosjekt"], name), (cols["Kommentar"], comment)):
        cell = ws.cell(row=FIRST_ROW, column=column)
        expected = "".join(
            ch for ch in text if ch in "\t\n\r" or (ord(ch) >= 32 and ch not in "\ufffe\uffff")
        )
        expected = expected.replace("\r\n", "\n").replace("\r", "\n")
        if expected:
            assert cell.data_type == "s"
            assert cell.value.replace("\r\n", "\n") == expected
        else:
            assert cell.value is None


def test_an_empty_round_still_gives_a_valid_workbook(tmp_path):
    allocation = allocate([], [], [], round_year=2026)
    wb = load_workbook(
        write_excel(data_for(allocation, helsefellesskap="Helsefellesskap Finnmark"), tmp_path / "t.xlsx")
    )
    assert wb.sheetnames == list(SHEETS)
    assert wb[SHEET_PRIORITY].cell(row=FIRST_ROW, column=2).value == "Sum innenfor potten"


def test_excel_data_reads_the_round_once_and_keeps_the_texts(session):
    round_id = helgeland_id(session)
    data = excel_data(session, round_id, today=TODAY)
    assert data.allocation.ledger.available == 5_300_000 and data.allocation.ledger.carried_in == 1_800_000
    first = data.allocation.rows[0]
    assert data.text(first.key).municipalities == "Rana, Alstahaug, Vefsn"
    assert data.text(first.key).status == "Mottatt"
    assert any(source.startswith("Sak 23-2025") for source in data.earmark_sources.values())


# --- the fenced writer ------------------------------------------------------------------------------


def test_openpyxl_internals_are_what_the_fast_writer_expects():
    """Fails loudly (naming what changed) on an openpyxl whose private parts moved."""
    xlsx.check_openpyxl()
    assert xlsx.fast_writer_available()


def test_a_changed_openpyxl_is_named_and_the_export_falls_back_on_the_public_api(tmp_path, monkeypatch):
    import openpyxl
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    monkeypatch.setattr(openpyxl, "__version__", "3.2.0")
    with pytest.raises(xlsx.OpenpyxlChanged, match=r"openpyxl 3\.2\.0 is not a version"):
        xlsx.check_openpyxl()
    monkeypatch.setattr(WriteOnlyWorksheet, "close", lambda self: None)
    with pytest.raises(xlsx.OpenpyxlChanged, match=r"close no longer writes"):
        xlsx.check_openpyxl()
    monkeypatch.undo()

    monkeypatch.setattr(openpyxl, "__version__", "3.2.0")
    monkeypatch.setattr(xlsx, "_FAST", None)
    data, _ = synthetic(6)
    path = write_excel(data, tmp_path / "fallback.xlsx")
    assert xlsx._FAST is False  # checked once, logged, and the public writer used
    assert load_workbook(path)[SHEET_PRIORITY].cell(FIRST_ROW, 2).value == data.allocation.rows[0].name


def _describe(ws) -> dict:
    """Everything a reader of a sheet sees, for comparing two writers' output."""
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None and not c.has_style:
                continue
            cells[c.coordinate] = (
                c.value,
                c.data_type,
                c.number_format,
                (c.font.b, c.font.i, c.font.sz, c.font.color.rgb if c.font.color else None),
                c.fill.fgColor.rgb if c.fill.fill_type else None,
                tuple(getattr(getattr(c.border, side), "style", None) for side in ("top", "bottom", "left")),
                (c.alignment.horizontal, c.alignment.vertical, bool(c.alignment.wrap_text)),
                bool(c.quotePrefix),
            )
    return {
        "cells": cells,
        "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height},
        "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        "print_area": ws.print_area,
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "cf": [(str(cf.sqref), [r.formula for r in cf.rules]) for cf in ws.conditional_formatting],
        "page": (ws.page_setup.orientation, ws.page_setup.scale, ws.print_title_rows, ws.print_title_cols),
        "freeze": ws.freeze_panes,
    }


def test_the_fast_and_the_public_writer_make_the_same_workbook(session):
    for data in (excel_data(session, helgeland_id(session), today=TODAY), synthetic(25)[0]):
        books = []
        for fast in (True, False):
            buffer = io.BytesIO()
            build_workbook(data, fast=fast).save(buffer)
            books.append(load_workbook(buffer))
        fast_wb, public_wb = books
        assert fast_wb.sheetnames == public_wb.sheetnames
        for name in fast_wb.sheetnames:
            assert _describe(fast_wb[name]) == _describe(public_wb[name]), name


def test_no_openpyxl_private_access_outside_the_fence():
    """Only rsapp/export/xlsx.py touches openpyxl's internals (its writer, cells' and books' styles)."""
    export = Path(__file__).resolve().parent.parent / "rsapp" / "export"
    private = re.compile(
        r"\.(_writer|_values_to_row|_write_rows|_get_writer|_cell_styles|_style|_value|_sheets)\b"
    )
    offenders = {
        path.name: sorted(set(private.findall(path.read_text(encoding="utf-8"))))
        for path in export.rglob("*.py")
        if path.name != "xlsx.py"
    }
    assert {name: found for name, found in offenders.items() if found} == {}
    assert private.search((export / "xlsx.py").read_text(encoding="utf-8"))


# --- the command line -------------------------------------------------------------------------------


def test_cli_writes_default_file_and_refuses_to_overwrite(sqlite_url, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli(["--db", sqlite_url, "export", "excel", "--round", "helgeland-2026"]) == 0
    expected = tmp_path / default_filename("Helsefellesskap Helgeland", 2026, date.today())
    assert expected.exists()
    assert f"Skrev {expected}" in capsys.readouterr().out
    before = expected.read_bytes()

    assert cli(["--db", sqlite_url, "export", "excel", "--round", "helgeland-2026"]) == 1
    err = capsys.readouterr().err
    assert "finnes fra før" in err and "--force" in err
    assert expected.read_bytes() == before

    assert (
        cli(["--db", sqlite_url, "export", "excel", "--round", "helgeland-2026", "-o", "egen", "--force"])
        == 0
    )
    assert load_workbook(tmp_path / "egen.xlsx").sheetnames == list(SHEETS)


def test_cli_unknown_round_is_named(sqlite_url, capsys):
    assert cli(["--db", sqlite_url, "export", "excel", "--round", "finnes-ikke"]) == 1
    assert "Fant ingen runde «finnes-ikke»" in capsys.readouterr().err


# --- LibreOffice: recalculated, the workbook shows the allocation's figures ---------------------------


def soffice_or_skip() -> str:
    soffice = find_soffice()
    require(soffice is not None, "soffice (LibreOffice, pakken libreoffice-calc-nogui)")
    require(shutil.which("pdftotext") is not None, "pdftotext (pakken poppler-utils)")
    assert soffice is not None
    return soffice


@dataclasses.dataclass
class Case:
    path: Path
    allocation: Allocation
    word: str = "Innstilt"


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> tuple[dict[str, Case], dict[str, WorkbookFigures]]:
    """Every workbook of the LibreOffice checks, recalculated by one start of LibreOffice."""
    soffice_or_skip()
    folder = tmp_path_factory.mktemp("excel")
    engine = open_database(f"sqlite:///{folder / 'rsapp.sqlite3'}")
    cases: dict[str, Case] = {}
    with Session(engine) as session:
        round_id = helgeland_id(session)
        cases["seed"] = Case(
            export_round(session, round_id, folder / "seed.xlsx", today=TODAY),
            round_allocation(session, round_id),
        )

        # A hand edit in the file: Interkommunalt recommended 1 000 000 in 2026, the 2026 pot 6 000 000.
        pots, earmarks, apps, year = allocation_inputs(session, round_id)
        first = next(a for a in apps if a.rank == 1)
        edited = allocate(
            [dataclasses.replace(p, amount=6_000_000) if p.budget_year == 2026 else p for p in pots],
            earmarks,
            [dataclasses.replace(a, recommended={2026: 1_000_000}) if a is first else a for a in apps],
            round_year=year,
        )
        wb = load_workbook(cases["seed"].path)
        prio, pot = wb[SHEET_PRIORITY], wb[SHEET_POT]
        prio.cell(FIRST_ROW, header_map(prio)["Innstilt 2026"]).value = 1_000_000
        pot_row = next(
            r for r in range(FIRST_ROW, pot.max_row + 1) if pot.cell(r, 1).value == "+ Lokal pott 2026"
        )
        pot.cell(pot_row, header_map(pot)["2026"]).value = 6_000_000
        wb.save(folder / "edited.xlsx")
        cases["edited"] = Case(folder / "edited.xlsx", edited)

        cases["troms"] = Case(
            export_round(
                session, round_by_key(session, "troms-ofoten-2025").id, folder / "troms.xlsx", today=TODAY
            ),
            round_allocation(session, round_by_key(session, "troms-ofoten-2025").id),
        )

        # As a user would: Helgelandssykepleier moved to the top.
        nurse, version = application_id(session, round_id, SYKEPLEIER)
        move_application(session, nurse, 1, version=version)
        cases["moved"] = Case(
            export_round(session, round_id, folder / "moved.xlsx", today=TODAY),
            round_allocation(session, round_id),
        )
    engine.dispose()

    for seed in (1, 2, 5, 8, 13, 21):
        allocation, data = generated_round(seed)
        cases[f"generated-{seed}"] = Case(write_excel(data, folder / f"generated-{seed}.xlsx"), allocation)
    allocation, data = generated_round(34)
    cases["decided"] = Case(
        write_excel(dataclasses.replace(data, decided=True), folder / "decided.xlsx"), allocation, "Innvilget"
    )
    figures = recalculated_figures_many([case.path for case in cases.values()])
    return cases, {name: figures[case.path.resolve()] for name, case in cases.items()}


@pytest.mark.libreoffice
def test_the_built_in_round_recalculates_to_the_ledger(recalculated):
    cases, figures = recalculated
    seed = figures["seed"]
    assert_figures_match(seed, cases["seed"].allocation)
    # The figures: 5 300 000 kr to distribute in 2026, 1 800 000 kr of it carried from 2025.
    assert (seed.available, seed.carried_in) == (5_300_000, 1_800_000)
    assert seed.years[2025].closing == 1_800_000 and seed.years[2026].opening == 1_800_000
    assert seed.years[2027].basis == "antatt" and seed.years[2028].basis == "ingen pott"
    assert seed.years[2026].open_earmarks == ["Intermediærpost i Vefsn"]
    unknown = next(r for r in seed.rows if r.applied_total is None)
    assert unknown.within == "?" and not unknown.fits


@pytest.mark.libreoffice
def test_with_helgelandssykepleier_first_3_300_000_is_left_in_2026(recalculated):
    cases, figures = recalculated
    moved = figures["moved"]
    assert_figures_match(moved, cases["moved"].allocation)
    assert moved.rows[0].name.startswith(SYKEPLEIER) and moved.rows[0].within == "Ja"
    assert moved.left == 3_300_000 == moved.years[2026].closing
    assert moved.rows[1].within == "Nei" and moved.cut_index == 1  # Interkommunalt no longer fits


@pytest.mark.libreoffice
def test_a_hand_edit_in_the_file_moves_the_line_as_rsapp_would(recalculated):
    cases, figures = recalculated
    edited, seed = figures["edited"], figures["seed"]
    assert_figures_match(edited, cases["edited"].allocation, edited=True)
    assert edited.available == 6_300_000 and edited.cut_index != seed.cut_index
    # Observasjonspost is now paid locally in full: nothing left on the regional list for it.
    assert next(i for i in edited.regional if "Observasjonspost" in i.name).by_year == {}
    obs = next(r for r in edited.rows if "Observasjonspost" in r.name)
    assert obs.within == "Ja"  # fits once Interkommunalt takes only 1 000 000


@pytest.mark.libreoffice
def test_a_round_without_a_pot_has_no_line_and_no_zero(recalculated):
    cases, figures = recalculated
    troms = figures["troms"]
    assert_figures_match(troms, cases["troms"].allocation)
    assert troms.cut_index is None
    assert {r.within for r in troms.rows} <= {"ingen pott", "?"}


@pytest.mark.libreoffice
def test_generated_rounds_recalculate_to_their_allocations(recalculated):
    cases, figures = recalculated
    names = [name for name in cases if name.startswith("generated") or name == "decided"]
    assert len(names) == 7
    for name in names:
        assert_figures_match(figures[name], cases[name].allocation, cases[name].word)
    # The generated rounds reach every position and route the walk knows.
    positions = {r.position for name in names for r in cases[name].allocation.rows}
    routes = {r.route for name in names for r in cases[name].allocation.rows}
    assert {"over", "under", "ukjent"} <= positions and set(ROUTES) <= routes
    assert any(cases[name].allocation.cut_index is not None for name in names)


@pytest.mark.libreoffice
def test_amounts_are_shown_in_kroner_with_spaces_and_a_real_minus(tmp_path):
    soffice_or_skip()
    pots = [PotInput(2026, 1_000_000)]
    earmarks = [EarmarkInput(1, "Lisens", {2026: 1_250_000})]  # more than the pot: a negative balance
    apps = [ApplicationInput(1, "Prosjekt", 1, {2026: 300_000}, 300_000)]
    allocation = allocate(pots, earmarks, apps, round_year=2026)
    path = write_excel(data_for(allocation), tmp_path / "minus.xlsx")
    recalculate(
        [path],
        tmp_path / "csv",
        to="csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
    )
    with (tmp_path / "csv" / f"minus-{SHEET_POT}.csv").open(encoding="utf-8", newline="") as handle:
        rows = {line[0]: line for line in csv.reader(handle) if line}
    closing = rows["= Utgående saldo (overføres til neste år)"]
    assert "\u2212250\u00a0000 kr" in closing
    assert rows["+ Lokal pott 2026"][1] == "1\u00a0000\u00a0000 kr"


# --- LibreOffice: the printed list -----------------------------------------------------------------


def _pdf_words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        words = re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
        )
        pages.append([(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in words])
    return pages


def _page_sizes(pdf: Path) -> list[tuple[float, float]]:
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [(float(w), float(h)) for w, h in re.findall(r'<page width="([\d.]+)" height="([\d.]+)"', out)]


def _calibration_workbook(path: Path) -> None:
    """One 10 pt word at 100 %: how tall pdftotext's box is for a 10 pt font in this LibreOffice."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.active["A1"] = "Kalibrering"
    wb.active["A1"].font = Font(name="Calibri", size=10)
    wb.save(path)


def _texts_of(path: Path) -> list[str]:
    """The text of every cell the reader should find on paper (header, names, owners, comments, notes)."""
    wb = load_workbook(path)
    texts = []
    for ws in wb.worksheets:
        last = ws.print_area.rsplit(":", 1)[1].strip("$").rstrip("0123456789").rstrip("$")
        printed = column_index_from_string(last)
        for row in ws.iter_rows(min_row=1, max_col=printed):
            for cell in row:
                if isinstance(cell.value, str) and not cell.value.startswith("="):
                    texts.append(cell.value)
    return texts


@pytest.mark.libreoffice
def test_the_printed_list_is_a4_landscape_readable_and_nothing_overlaps(session, tmp_path):
    """LibreOffice's PDF of the built-in round and of a round with long texts: every page A4
    landscape, no text under 7 pt, no two words on top of each other (a row too short for its
    wrapped text runs into the next), every word of every cell printed, and no «###»."""
    soffice_or_skip()
    round_id = helgeland_id(session)
    seed = export_round(session, round_id, tmp_path / "seed.xlsx", today=TODAY)
    _, data = generated_round(55, 14, long_texts=True)
    long = write_excel(data, tmp_path / "long.xlsx")
    calibration = tmp_path / "kalibrering.xlsx"
    _calibration_workbook(calibration)
    pdfs = recalculate([seed, long, calibration], tmp_path / "pdf", to="pdf")

    (cal,) = [w for page in _pdf_words(pdfs[calibration.resolve()]) for w in page]
    per_point = (cal[3] - cal[1]) / 10  # box height of 1 pt of font

    for source in (seed, long):
        pdf = pdfs[source.resolve()]
        assert all(abs(w - 841.89) < 1 and abs(h - 595.3) < 1 for w, h in _page_sizes(pdf)), "A4 landscape"
        pages = _pdf_words(pdf)
        printed = set()
        for number, words in enumerate(pages, start=1):
            assert words, f"page {number} is empty"
            smallest = min(w[3] - w[1] for w in words) / per_point
            assert smallest >= 7 - 0.05, f"{source.name} page {number}: text at {smallest:.2f} pt"
            assert not [w for w in words if "###" in w[4]], (
                f"{source.name} page {number}: a column too narrow"
            )
            for i, a in enumerate(words):
                for b in words[i + 1 :]:
                    dx = min(a[2], b[2]) - max(a[0], b[0])
                    dy = min(a[3], b[3]) - max(a[1], b[1])
                    # Lines of one wrapped cell touch by design (box taller than the line pitch).
                    assert not (dx > 0.5 and dy > 0.3 * min(a[3] - a[1], b[3] - b[1])), (
                        f"{source.name} page {number}: «{a[4]}» and «{b[4]}» overlap"
                    )
            printed.update(part for w in words for part in w[4].split())
        missing = {
            word
            for text in _texts_of(source)
            for word in text.split()
            # LibreOffice may break a line after a hyphen ("Sør-" / "Helgeland").
            if word not in printed and not all(part in printed for part in re.split(r"(?<=-)(?=.)", word))
        }
        assert not missing, f"{source.name}: not printed (clipped?): {sorted(missing)[:10]}"
