"""The Excel prioritisation list: read back with openpyxl, and recalculated by LibreOffice.

The workbook is written from a real SQLite database (the seeded Helgeland round, ranked
and edited like a user would) or from synthetic allocation inputs, and read back as a
user's spreadsheet program would see it.
"""

from __future__ import annotations

import csv
import errno
import os
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlmodel import Session, select

from rsapp.allocation import (
    ROUTE_BOTH,
    ROUTE_LOCAL,
    ROUTE_NONE,
    ROUTE_REGIONAL,
    ApplicationInput,
    EarmarkInput,
    PotInput,
    allocate,
)
from rsapp.cli import cli
from rsapp.export.excel import (
    MONEY_FORMAT,
    SHEET_EARMARKS,
    SHEET_POT,
    SHEET_PRIORITY,
    SHEET_REGIONAL,
    ExcelData,
    ExportError,
    ExportFileExists,
    build_workbook,
    data_from_allocation,
    default_filename,
    export_round,
    write_excel,
)
from rsapp.models import Application
from rsapp.portfolio import allocation_inputs, round_allocation, round_by_key
from tests.conftest import TODAY

HEADER_ROW = 5
FIRST_ROW = 6
SHEETS = [SHEET_PRIORITY, SHEET_EARMARKS, SHEET_POT, SHEET_REGIONAL]


# --- helpers ----------------------------------------------------------------------------------------


def helgeland_id(session: Session) -> int:
    return round_by_key(session, "helgeland-2026").id


def rank_helgeland(session: Session) -> int:
    """Edit the seeded round as a user would: a partial grant, a regional-only and an unprioritised one.

    Ranks 1..5: 1 full grant (4 657 500), 2 regional only, 3 granted 600 000 (fits: 5 257 500 of
    5 300 000), 4 over the line, 5 not prioritised.
    """
    round_id = helgeland_id(session)
    apps = {a.rank: a for a in session.exec(select(Application).where(Application.round_id == round_id))}
    apps[2].route = ROUTE_REGIONAL
    apps[3].granted = 600_000
    apps[3].comment = "Delvis finansiering: bare fase 1"
    apps[5].route = ROUTE_NONE
    for app in apps.values():
        session.add(app)
    session.commit()
    return round_id


def header_map(ws) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[HEADER_ROW] if cell.value}


def column_values(ws, column: int, first: int, last: int) -> list:
    return [ws.cell(row=r, column=column).value for r in range(first, last + 1)]


def synthetic(n: int, seed: int = 7) -> tuple[ExcelData, object]:
    """A round of ``n`` applications with mixed routes, years and partial grants (no database)."""
    import random

    rng = random.Random(seed)
    pots = [
        PotInput(2025, 2_800_000, "Rest fra 2025"),
        PotInput(2026, 5_000_000, "Lokal pott 2026"),
        PotInput(2027, 5_000_000, "Antatt 2027", confirmed=False),
    ]
    earmarks = [
        EarmarkInput(1, "Dignio", {2026: 500_000, 2027: 500_000}),
        EarmarkInput(2, "Rådgiver", {2025: 1_000_000, 2026: 1_000_000}),
        EarmarkInput(3, "Intermediærpost", {}, is_open=True),
    ]
    routes = [ROUTE_BOTH, ROUTE_LOCAL, ROUTE_REGIONAL, ROUTE_NONE]
    apps = []
    for i in range(n):
        if i % 5 == 0:
            by_year: dict[int | None, int] = {None: rng.randrange(100_000, 2_000_000, 100)}
        else:
            by_year = {2026 + y: rng.randrange(50_000, 900_000, 100) for y in range(rng.randint(1, 3))}
        stated = i % 11 != 3
        total = sum(by_year.values())
        apps.append(
            ApplicationInput(
                key=100 + i,
                name=f"Prosjekt {i + 1}",
                rank=i + 1,
                applied_by_year=by_year if stated else {},
                applied_total=total if stated else None,
                granted=rng.randrange(0, total) if stated and i % 4 == 1 else None,
                route=routes[i % 4],
            )
        )
    allocation = allocate(pots, earmarks, apps, round_year=2026)
    details = {
        a.key: {
            "owners": f"Eier {a.key}",
            "municipalities": "Rana, Vefsn",
            "hospital_trust": "Helgelandssykehuset HF",
            "status": "Mottatt",
            "comment": "",
        }
        for a in apps
    }
    data = data_from_allocation(
        allocation,
        apps,
        earmarks,
        details,
        helsefellesskap="Helsefellesskap Helgeland",
        hospital_trust="Helgelandssykehuset HF",
        round_name="RS-midler 2026",
        today=TODAY,
    )
    return data, allocation


# --- the file name and the target -------------------------------------------------------------------


def test_default_filename_names_helsefellesskap_year_and_date():
    assert default_filename("Helsefellesskap Helgeland", 2026, date(2025, 10, 20)) == (
        "Prioritering_Helgeland_2026_2025-10-20.xlsx"
    )
    assert default_filename("Helsefellesskapet Lofoten, Vesterålen, Salten", 2026, date(2025, 10, 20)) == (
        "Prioritering_Lofoten_Vesterålen_Salten_2026_2025-10-20.xlsx"
    )


def test_existing_file_is_not_overwritten_without_force(session, tmp_path):
    target = tmp_path / "liste.xlsx"
    target.write_bytes(b"old list")
    with pytest.raises(ExportFileExists, match="finnes fra før"):
        export_round(session, helgeland_id(session), target, today=TODAY)
    assert target.read_bytes() == b"old list"

    export_round(session, helgeland_id(session), target, today=TODAY, force=True)
    assert load_workbook(target).sheetnames == SHEETS


@pytest.mark.parametrize("lock_name", [".~lock.liste.xlsx#", "~$liste.xlsx"])
def test_file_open_in_libreoffice_or_excel_gives_clear_message(session, tmp_path, lock_name):
    target = tmp_path / "liste.xlsx"
    target.write_bytes(b"old list")
    (tmp_path / lock_name).write_text("lock")
    with pytest.raises(ExportError, match="åpen i et annet program.*Lukk filen"):
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
    with pytest.raises(ExportError, match=f"Mappen {tmp_path / 'finnes-ikke'} finnes ikke"):
        export_round(session, helgeland_id(session), tmp_path / "finnes-ikke" / "liste.xlsx", today=TODAY)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        (errno.ENOENT, "mappen finnes ikke"),
        (errno.EACCES, "ingen skrivetilgang"),
        (errno.EROFS, "skrivebeskyttet område"),
        (errno.ENOSPC, "disken er full"),
        (errno.EISDIR, "det finnes en mappe med det navnet"),
        (errno.ENOTDIR, "en del av stien er en fil, ikke en mappe"),
        (errno.EBUSY, "filen er i bruk av et annet program"),
        (errno.ENAMETOOLONG, "filnavnet eller stien er for lang"),
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
    round_id = rank_helgeland(session)
    path = export_round(session, round_id, tmp_path / "liste.xlsx", today=TODAY)
    allocation = round_allocation(session, round_id)
    return load_workbook(path), allocation, path


def test_sheets_titles_and_document_properties(seed_workbook):
    wb, _, _ = seed_workbook
    assert wb.sheetnames == SHEETS
    for name in SHEETS:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
        ws = wb[name]
        assert ws["A1"].value == "Helsefellesskap Helgeland"
        assert "Rekrutterings- og samhandlingstilskudd 2026" in ws["A2"].value
        assert ws["A3"].value == "Dato 20.10.2025 · Utkast"
        assert ws["A1"].font.b and ws["A1"].font.sz == 14
        merged = {str(r) for r in ws.merged_cells.ranges}
        assert {
            f"A{row}:{ws.cell(row=HEADER_ROW, column=ws.max_column).column_letter}{row}" for row in (1, 2, 3)
        } <= merged
    assert wb.properties.title == "Prioriteringsliste – Rekrutterings- og samhandlingstilskudd 2026"
    assert wb.properties.creator == "Helsefellesskap Helgeland"


def test_print_and_view_settings(seed_workbook):
    wb, allocation, _ = seed_workbook
    for name in SHEETS:
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$1:$5"
        assert ws.freeze_panes.endswith(str(FIRST_ROW))
    prio = wb[SHEET_PRIORITY]
    last = FIRST_ROW + len(allocation.rows) - 1
    assert prio.freeze_panes == "C6"
    assert prio.auto_filter.ref == f"A5:{prio.cell(row=5, column=prio.max_column).column_letter}{last}"
    assert wb[SHEET_REGIONAL].auto_filter.ref.startswith("A5:")
    cols = header_map(prio)
    name_col = prio.cell(row=FIRST_ROW, column=cols["Prosjekt"])
    assert name_col.alignment.wrap_text
    # Widths fit the content: the project column is wider than the priority column, and capped.
    width = prio.column_dimensions[name_col.column_letter].width
    assert prio.column_dimensions["A"].width < width <= 48
    assert prio.column_dimensions[prio.cell(row=5, column=cols["Akkumulert"]).column_letter].width >= 14


def test_priority_rows_numbers_and_formulas(seed_workbook):
    wb, allocation, _ = seed_workbook
    ws = wb[SHEET_PRIORITY]
    cols = header_map(ws)
    assert list(cols)[:5] == ["Prioritet", "Prosjekt", "Prosjekteiere", "Kommuner", "Helseforetak"]
    assert {
        "Søkt 2025",
        "Søkt 2026",
        "Søkt, år ikke oppgitt",
        "Søkt totalt",
        "Innstilt beløp",
        "Akkumulert",
        "Innenfor pott",
        "Rute",
        "Status",
        "Kommentar",
    } <= set(cols)
    n = len(allocation.rows)
    last = FIRST_ROW + n - 1
    assert column_values(ws, cols["Prioritet"], FIRST_ROW, last) == [1, 2, 3, 4, 5]
    assert column_values(ws, cols["Prosjekt"], FIRST_ROW, last) == [r.name for r in allocation.rows]
    assert column_values(ws, cols["Innstilt beløp"], FIRST_ROW, last) == [r.granted for r in allocation.rows]
    assert column_values(ws, cols["Rute"], FIRST_ROW, last) == [
        "Begge",
        "Regional søknad",
        "Begge",
        "Begge",
        "Ikke prioritert",
    ]
    assert ws.cell(row=FIRST_ROW + 2, column=cols["Kommentar"]).value == "Delvis finansiering: bare fase 1"
    assert ws.cell(row=FIRST_ROW, column=cols["Kommuner"]).value == "Rana, Alstahaug, Vefsn"
    # "ikke oppgitt" for the application without an amount, a SUM over its year columns otherwise.
    totals = column_values(ws, cols["Søkt totalt"], FIRST_ROW, last)
    assert totals[1] == "ikke oppgitt"
    first_year = ws.cell(row=5, column=cols["Søkt 2025"]).column_letter
    last_year = ws.cell(row=5, column=cols["Søkt totalt"] - 1).column_letter
    assert totals[0] == f"=SUM({first_year}6:{last_year}6)"
    # Akkumulert is a running formula; rows that do not count locally carry the sum on.
    granted = ws.cell(row=5, column=cols["Innstilt beløp"]).column_letter
    cumulative = ws.cell(row=5, column=cols["Akkumulert"]).column_letter
    assert column_values(ws, cols["Akkumulert"], FIRST_ROW, last) == [
        f"={granted}6",
        f"={cumulative}6",
        f"={cumulative}7+{granted}8",
        f"={cumulative}8+{granted}9",
        f"={cumulative}9",
    ]
    within = ws.cell(row=FIRST_ROW, column=cols["Innenfor pott"]).value
    assert within.startswith(f"=IF({cumulative}6<='Pott'!$C$") and within.endswith(',"Ja","Nei")')
    # Rows the local pot does not pay (regional, not prioritised) are not "within" it: as on Regional liste.
    assert column_values(ws, cols["Innenfor pott"], FIRST_ROW, last)[1] == "Ikke aktuelt"
    assert column_values(ws, cols["Innenfor pott"], FIRST_ROW, last)[4] == "Ikke aktuelt"
    # The totals row sums with formulas; Innstilt counts only what the local pot pays (as the Pott sheet).
    sum_row = last + 1
    assert ws.cell(row=sum_row, column=cols["Prosjekt"]).value == "Sum"
    route = ws.cell(row=5, column=cols["Rute"]).column_letter
    assert ws.cell(row=sum_row, column=cols["Innstilt beløp"]).value == (
        f'=SUMIFS({granted}6:{granted}{last},{route}6:{route}{last},"Lokal pott")'
        f'+SUMIFS({granted}6:{granted}{last},{route}6:{route}{last},"Begge")'
    )
    assert "bare rute «Lokal pott» og «Begge»" in ws.cell(row=sum_row, column=cols["Kommentar"]).value
    # Money in Norwegian kroner format.
    for name in ("Søkt 2025", "Søkt totalt", "Innstilt beløp", "Akkumulert"):
        assert ws.cell(row=FIRST_ROW, column=cols[name]).number_format == MONEY_FORMAT
    for name in ("Søkt 2025", "Søkt totalt", "Innstilt beløp"):
        assert ws.cell(row=sum_row, column=cols[name]).number_format == MONEY_FORMAT


def test_cut_line_is_a_heavy_border_and_rows_below_are_shaded(seed_workbook):
    wb, allocation, _ = seed_workbook
    ws = wb[SHEET_PRIORITY]
    assert allocation.cut_index == 3  # rank 4 is the first that does not fit
    last_funded = FIRST_ROW + allocation.cut_index - 1
    for column in range(1, ws.max_column + 1):
        assert ws.cell(row=last_funded, column=column).border.bottom.style == "thick"
        assert ws.cell(row=last_funded - 1, column=column).border.bottom.style != "thick"
        for row in range(FIRST_ROW, last_funded + 1):
            assert ws.cell(row=row, column=column).fill.fill_type is None
        for row in range(last_funded + 1, FIRST_ROW + len(allocation.rows)):
            assert ws.cell(row=row, column=column).fill.fill_type == "solid"


def test_earmarks_pot_and_regional_sheets(seed_workbook):
    wb, allocation, _ = seed_workbook
    earmarks = wb[SHEET_EARMARKS]
    assert [c.value for c in earmarks[HEADER_ROW]] == [
        "Avsetning",
        "Vedtak",
        "2025",
        "2026",
        "2027",
        "2028",
        "Sum",
        "Trekkes fra potten 2026",
    ]
    names = column_values(earmarks, 1, FIRST_ROW, FIRST_ROW + 2)
    assert names == [
        "Lisens for digital hjemmeoppfølging (Dignio)",
        "Prosjektleder/rådgiver i sekretariatet",
        "Intermediærpost i Vefsn",
    ]
    assert earmarks["B6"].value == "Sak 23-2025, innstilling 4"
    assert [c.value for c in earmarks[8]][2:] == ["ikke avklart"] * 6  # open: never 0
    assert earmarks["H6"].value == "=C6+D6"  # only the years with a confirmed pot count
    assert earmarks["H9"].value == "=SUM(H6:H8)"

    pot = wb[SHEET_POT]
    labels = {pot.cell(row=r, column=1).value: r for r in range(FIRST_ROW, pot.max_row + 1)}
    assert pot.cell(row=labels["Rest fra 2025"], column=3).value == 2_800_000
    assert pot.cell(row=labels["− Avsetninger som trekkes fra"], column=3).value == "='Avsetninger'!$H$9"
    available = labels["= Til fordeling"]
    assert pot.cell(row=available, column=3).value == (
        f"=C{labels['Sum bekreftet pott']}-C{labels['− Avsetninger som trekkes fra']}"
    )
    assert "SUMIFS('Prioritering'!" in pot.cell(row=labels["− Innstilt innenfor potten"], column=3).value
    assert pot.cell(row=labels["Ikke avklart: Intermediærpost i Vefsn"], column=3).value == "ikke avklart"
    assert "Avsetning «Intermediærpost i Vefsn»: beløp ikke avklart" in labels
    # The Prioritering sheet's within-pot formula points at "Til fordeling".
    prio = wb[SHEET_PRIORITY]
    assert (
        f"'Pott'!$C${available}" in prio.cell(row=FIRST_ROW, column=header_map(prio)["Innenfor pott"]).value
    )

    regional = wb[SHEET_REGIONAL]
    cols = header_map(regional)
    assert {
        "Prioritet i helsefellesskapet",
        "Prosjekt",
        "Prosjekteiere",
        "Helseforetak",
        "Søkt 2026",
        "Søkt totalt",
    } <= set(cols)
    # Routes "regional" and "begge", in priority order: ranks 1-4 (5 is not prioritised).
    assert column_values(regional, cols["Prioritet i helsefellesskapet"], FIRST_ROW, FIRST_ROW + 3) == [
        1,
        2,
        3,
        4,
    ]
    assert regional.cell(row=FIRST_ROW + 4, column=cols["Prosjekt"]).value == "Sum"


def test_formula_like_text_stays_text(session, tmp_path):
    round_id = helgeland_id(session)
    nasty = ['=HYPERLINK("http://x.example","klikk")', "+47 99", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]
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
    for sheet in (SHEET_PRIORITY, SHEET_REGIONAL):
        ws = wb[sheet]
        cols = header_map(ws)
        cell = ws.cell(row=FIRST_ROW, column=cols["Prosjekt"])
        assert cell.value == nasty[0] and cell.data_type == "s" and cell.quotePrefix
    ws = wb[SHEET_PRIORITY]
    cols = header_map(ws)
    comments = column_values(ws, cols["Kommentar"], FIRST_ROW, FIRST_ROW + 4)
    assert comments == nasty[1:]
    assert ws.cell(row=FIRST_ROW + 1, column=cols["Prosjekteiere"]).value == "=cmd|' /C calc'!A0"
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>HYPERLINK" not in xml and "<f>cmd" not in xml and "<f>SUM(A1)" not in xml


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=60), comment=st.text(max_size=40))
def test_any_text_is_written_as_text(tmp_path_factory, name, comment):
    """Whatever a name or comment holds (control characters included), it is text in the file."""
    apps = [ApplicationInput(key=1, name=name, rank=1, applied_by_year={2026: 100}, applied_total=100)]
    allocation = allocate([PotInput(2026, 1_000)], [], apps, round_year=2026)
    data = data_from_allocation(
        allocation,
        apps,
        [],
        {1: {"comment": comment}},
        helsefellesskap="H",
        hospital_trust="T",
        round_name="R",
        today=TODAY,
    )
    path = write_excel(data, tmp_path_factory.mktemp("x") / "t.xlsx")
    ws = load_workbook(path)[SHEET_PRIORITY]
    cols = header_map(ws)
    for column, text in ((cols["Prosjekt"], name), (cols["Kommentar"], comment)):
        cell = ws.cell(row=FIRST_ROW, column=column)
        expected = "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)
        # openpyxl normalises line ends the way XML does
        expected = expected.replace("\r\n", "\n").replace("\r", "\n")
        if expected:
            assert cell.data_type == "s"
            assert cell.value.replace("\r\n", "\n").replace("\r", "\n") == expected
        else:
            assert cell.value is None


def test_empty_round_still_gives_a_valid_workbook(tmp_path):
    allocation = allocate([], [], [], round_year=2026)
    data = data_from_allocation(
        allocation,
        [],
        [],
        {},
        helsefellesskap="Helsefellesskap Finnmark",
        hospital_trust="Finnmarkssykehuset HF",
        round_name="RS 2026",
        today=TODAY,
    )
    wb = load_workbook(write_excel(data, tmp_path / "tom.xlsx"))
    assert wb.sheetnames == SHEETS
    assert wb[SHEET_PRIORITY].cell(row=FIRST_ROW, column=2).value == "Sum"


def test_build_workbook_needs_no_database():
    import io

    data, _ = synthetic(20)
    buffer = io.BytesIO()
    build_workbook(data).save(buffer)
    wb = load_workbook(buffer)
    assert wb.sheetnames == SHEETS
    assert wb[SHEET_PRIORITY].cell(row=FIRST_ROW + 19, column=2).value == "Prosjekt 20"


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
    assert load_workbook(tmp_path / "egen.xlsx").sheetnames == SHEETS


def test_cli_unknown_round_is_named(sqlite_url, capsys):
    assert cli(["--db", sqlite_url, "export", "excel", "--round", "finnes-ikke"]) == 1
    assert "Fant ingen runde «finnes-ikke»" in capsys.readouterr().err


# --- LibreOffice recalculates every total to the allocation's figures --------------------------------


def soffice_or_skip() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        return soffice
    message = (
        "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui (.ci/run does this)"
    )
    if os.environ.get("CI"):
        pytest.fail(message + " – required in CI")
    pytest.skip(message)


def recalculate(paths: list[Path], out: Path, profile: Path) -> dict[tuple[str, str], list[list[str]]]:
    """Every sheet of every file as LibreOffice shows it after recalculating (formatted values)."""
    soffice = soffice_or_skip()
    # 44 = comma, 34 = ", 76 = UTF-8, ..., token 9 true = as shown, token 12 -1 = every sheet to its own file
    filter_ = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    result = subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            filter_,
            "--outdir",
            str(out),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    sheets = {}
    for path in paths:
        for sheet in SHEETS:
            csv_path = out / f"{path.stem}-{sheet}.csv"
            assert csv_path.exists(), f"LibreOffice wrote no {csv_path.name}: {result.stdout} {result.stderr}"
            with csv_path.open(encoding="utf-8", newline="") as handle:
                sheets[path.stem, sheet] = list(csv.reader(handle))
    return sheets


def kr(text: str) -> int:
    """'1 234 567 kr' (non-breaking spaces) as LibreOffice shows the money format -> 1234567."""
    assert text.endswith(" kr"), text
    digits = text[:-3].replace("\u00a0", "")
    assert digits.lstrip("-").isdigit(), text
    return int(digits)


def check_against_allocation(
    sheets: dict, stem: str, allocation, applications: list[ApplicationInput]
) -> None:
    prio = sheets[stem, SHEET_PRIORITY]
    header = prio[HEADER_ROW - 1]
    col = {name: i for i, name in enumerate(header)}
    rows = prio[FIRST_ROW - 1 : FIRST_ROW - 1 + len(allocation.rows)]
    by_key = {a.key: a for a in applications}
    for line, row in zip(rows, allocation.rows, strict=True):
        assert line[col["Prosjekt"]] == row.name
        assert kr(line[col["Akkumulert"]]) == row.cumulative, row.name
        if row.counts_locally:
            assert line[col["Innenfor pott"]] == ("Ja" if row.within_pot else "Nei"), row.name
        else:
            assert line[col["Innenfor pott"]] == "Ikke aktuelt", row.name
        assert kr(line[col["Innstilt beløp"]]) == row.granted
        if row.applied_total is None:
            assert line[col["Søkt totalt"]] == "ikke oppgitt"
        else:
            assert kr(line[col["Søkt totalt"]]) == row.applied_total
    total = prio[FIRST_ROW - 1 + len(allocation.rows)]
    assert total[col["Prosjekt"]] == "Sum"
    assert kr(total[col["Innstilt beløp"]]) == allocation.granted_total  # local pot only, as on Pott
    assert kr(total[col["Søkt totalt"]]) == sum(r.applied_total or 0 for r in allocation.rows)
    for name, i in col.items():
        if name.startswith("Søkt ") and name[5:].isdigit():
            year = int(name[5:])
            assert kr(total[i]) == sum(by_key[r.key].applied_by_year.get(year, 0) for r in allocation.rows)

    ledger = allocation.ledger
    pot = {line[0]: line for line in sheets[stem, SHEET_POT] if line}
    assert kr(pot["Sum bekreftet pott"][2]) == ledger.pot_total
    assert kr(pot["− Avsetninger som trekkes fra"][2]) == ledger.earmarked_total
    assert kr(pot["= Til fordeling"][2]) == ledger.available
    assert kr(pot["− Innstilt innenfor potten"][2]) == allocation.granted_within_pot
    assert kr(pot["= Igjen i potten"][2]) == ledger.available - allocation.granted_within_pot
    assert kr(pot["Innstilt fra lokal pott, hele listen"][2]) == allocation.granted_total
    assert kr(pot["Til fordeling minus hele listen"][2]) == allocation.left_after_grants

    earmarks = sheets[stem, SHEET_EARMARKS]
    sum_line = next(line for line in earmarks[FIRST_ROW - 1 :] if line[0] == "Sum")
    assert kr(sum_line[-1]) == ledger.earmarked_total

    regional = sheets[stem, SHEET_REGIONAL]
    rcol = {name: i for i, name in enumerate(regional[HEADER_ROW - 1])}
    expected = [r for r in allocation.rows if r.route in (ROUTE_REGIONAL, ROUTE_BOTH)]
    lines = regional[FIRST_ROW - 1 : FIRST_ROW - 1 + len(expected)]
    assert [line[rcol["Prosjekt"]] for line in lines] == [r.name for r in expected]
    assert [int(line[rcol["Prioritet i helsefellesskapet"]]) for line in lines] == [r.rank for r in expected]
    rsum = regional[FIRST_ROW - 1 + len(expected)]
    assert kr(rsum[rcol["Søkt totalt"]]) == sum(r.applied_total or 0 for r in expected)


@pytest.mark.libreoffice
def test_libreoffice_recalculates_every_total_to_the_allocation(session, tmp_path):
    soffice_or_skip()
    round_id = rank_helgeland(session)
    injected = {4: ("name", '=HYPERLINK("http://x.example","klikk")'), 1: ("comment", "=1+1")}
    for app in session.exec(select(Application).where(Application.round_id == round_id)):
        if app.rank in injected:
            setattr(app, *injected[app.rank])
            session.add(app)
    session.commit()
    seed_path = export_round(session, round_id, tmp_path / "seed.xlsx", today=TODAY)
    seed_allocation = round_allocation(session, round_id)
    _, _, seed_apps, _ = allocation_inputs(session, round_id)
    data, allocation = synthetic(60)
    synthetic_path = write_excel(data, tmp_path / "synthetic.xlsx")
    empty = allocate([], [], [], round_year=2026)
    empty_path = write_excel(
        data_from_allocation(
            empty, [], [], {}, helsefellesskap="H", hospital_trust="T", round_name="R", today=TODAY
        ),
        tmp_path / "empty.xlsx",
    )

    # A reader changes amounts by hand (as in Excel): the first grant and Dignio's 2026 earmark.
    pots, earmarks, apps, year = allocation_inputs(session, round_id)
    first = next(a for a in apps if a.rank == 1)
    dignio = next(e for e in earmarks if "Dignio" in e.name)
    edited_path = tmp_path / "edited.xlsx"
    wb = load_workbook(seed_path)
    prio_ws, earmark_ws = wb[SHEET_PRIORITY], wb[SHEET_EARMARKS]
    granted_cell = prio_ws.cell(row=FIRST_ROW, column=header_map(prio_ws)["Innstilt beløp"])
    assert granted_cell.value == 4_657_500
    granted_cell.value = 3_000_000
    dignio_row = next(
        r for r in range(FIRST_ROW, earmark_ws.max_row + 1) if "Dignio" in str(earmark_ws.cell(r, 1).value)
    )
    dignio_cell = earmark_ws.cell(row=dignio_row, column=header_map(earmark_ws)["2026"])
    assert dignio_cell.value == 500_000
    dignio_cell.value = 200_000
    wb.save(edited_path)
    edited_allocation = allocate(
        pots,
        [replace(e, amounts={**e.amounts, 2026: 200_000}) if e is dignio else e for e in earmarks],
        [replace(a, granted=3_000_000) if a is first else a for a in apps],
        round_year=year,
    )

    sheets = recalculate(
        [seed_path, synthetic_path, empty_path, edited_path], tmp_path / "csv", tmp_path / "lo-profile"
    )
    # The hand-edited copy recalculates to what rsapp computes for the same amounts.
    edited_pot = {line[0]: line for line in sheets["edited", SHEET_POT] if line}
    assert kr(edited_pot["= Til fordeling"][2]) == 5_600_000 == edited_allocation.ledger.available
    assert kr(edited_pot["= Igjen i potten"][2]) == (
        edited_allocation.ledger.available - edited_allocation.granted_within_pot
    )
    assert kr(edited_pot["= Igjen i potten"][2]) != kr(
        {line[0]: line for line in sheets["seed", SHEET_POT] if line}["= Igjen i potten"][2]
    )
    check_against_allocation(sheets, "edited", edited_allocation, apps)

    assert seed_allocation.cut_index == 3 and 0 < allocation.granted_within_pot
    check_against_allocation(sheets, "seed", seed_allocation, seed_apps)
    synthetic_inputs = list(allocation._applications)
    assert allocation.cut_index is not None  # the synthetic list goes over the pot
    check_against_allocation(sheets, "synthetic", allocation, synthetic_inputs)
    check_against_allocation(sheets, "empty", empty, [])
    # The money format shows Norwegian thousands spaces and "kr".
    pot = {line[0]: line for line in sheets["seed", SHEET_POT] if line}
    assert pot["= Til fordeling"][2] == "5\u00a0300\u00a0000 kr"
    # Formula-like text came through LibreOffice as text, not as a result.
    prio = sheets["seed", SHEET_PRIORITY]
    col = {name: i for i, name in enumerate(prio[HEADER_ROW - 1])}
    assert prio[FIRST_ROW - 1 + 3][col["Prosjekt"]] == '=HYPERLINK("http://x.example","klikk")'
    assert prio[FIRST_ROW - 1][col["Kommentar"]] == "=1+1"
