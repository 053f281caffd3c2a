"""`rsapp prioriter`: the same figures as the ledger, and every change the screen offers, from the CLI."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from rsapp.allocation import Allocation, spread
from rsapp.cli import cli
from rsapp.db import open_database
from rsapp.models import Application, Round
from rsapp.portfolio import round_allocation
from rsapp.prioritisation import load_recommendation

NBSP = "\u00a0"
SYKEPLEIER = 5  # Helgelandssykepleier: 2 000 000 a year, written for 2025–2029, shifted to 2026–2030
TEAM = 1  # Interkommunalt: 4 657 500 kr with no year
FREMTIDENS = 2  # amount not stated


def _run(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    code = cli(["--db", url, "prioriter", *args])
    out, err = capsys.readouterr()
    return code, out.replace(NBSP, " "), err.replace(NBSP, " ")


def _allocation(url: str, key: str = "helgeland-2026") -> Allocation:
    engine = open_database(url)
    try:
        with Session(engine) as session:
            round_ = session.exec(select(Round).where(Round.key == key)).one()
            return round_allocation(session, round_.id)
    finally:
        engine.dispose()


def _recommendation(url: str, application_id: int) -> dict[int, int] | None:
    engine = open_database(url)
    try:
        with Session(engine) as session:
            return load_recommendation(session, application_id)
    finally:
        engine.dispose()


def _order(url: str) -> list[int]:
    engine = open_database(url)
    try:
        with Session(engine) as session:
            round_ = session.exec(select(Round).where(Round.key == "helgeland-2026")).one()
            apps = session.exec(select(Application).where(Application.round_id == round_.id)).all()
            return [a.id for a in sorted(apps, key=lambda a: a.rank or 0)]  # type: ignore[misc]
    finally:
        engine.dispose()


# --- reading `vis` back -------------------------------------------------------------------------


def _kr(text: str) -> int | None:
    """ "1 800 000 kr" → 1800000, "−500 kr" → −500, "?" → None."""
    text = text.strip()
    if text == "?":
        return None
    digits = text.removesuffix(" kr").replace(" ", "").replace(NBSP, "")
    return -int(digits[1:]) if digits.startswith("−") else int(digits)


def _per_year(text: str) -> dict[int, int] | None:
    """ "2026–2030: 2 000 000 kr per år" / "2026: 1 000 000 kr; 2027: 500 000 kr" / "?" / "–"."""
    if text == "?":
        return None
    out: dict[int, int] = {}
    if text == "–":
        return out
    for part in text.split("; "):
        years, amount = part.split(": ")
        first, _, last = years.partition("–")
        for year in range(int(first), int(last or first) + 1):
            out[year] = _kr(amount.removesuffix(" per år")) or 0
    return out


def _table(lines: list[str], start: int) -> list[list[str]]:
    """The rows of the table whose header is ``lines[start]`` (cells apart by two spaces or more)."""
    rows = []
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        rows.append(re.split(r" {2,}", line.strip()))
    return rows


@dataclass
class ShownFigures:
    """What `rsapp prioriter vis` states, read back from its output."""

    headline: str
    left: int | None
    years: dict[
        int, tuple[int | None, ...]
    ]  # opening, new confirmed, new assumed, earmarked, innstilt, closing
    rows: list[list[str]]  # the ranked table, the cut line included as a row starting with "—"
    regional: list[tuple[int, str, dict[int, int] | None, int | None]]  # id, name, per year, sum
    warnings: list[str]


def figures_from_show_output(output: str) -> ShownFigures:
    lines = output.splitlines()
    left_line = next(line for line in lines if line.startswith("Igjen i "))
    left_text = left_line.split(": ", 1)[1]
    years: dict[int, tuple[int | None, ...]] = {}
    ledger_at = next(
        (i for i, line in enumerate(lines) if line.startswith("De lokale midlene per budsjettår")), None
    )
    if ledger_at is not None:
        for cells in _table(lines, ledger_at + 1):
            years[int(cells[0])] = tuple(_kr(cell) for cell in cells[1:7])
    ranked = (
        next(i for i, line in enumerate(lines) if line.startswith("Søknadene i prioritert rekkefølge")) + 1
    )
    regional_rows: list[tuple[int, str, dict[int, int] | None, int | None]] = []
    regional_at = next((i for i, line in enumerate(lines) if line.startswith("Regional liste (")), None)
    if regional_at is not None:
        for cells in _table(lines, regional_at + 1):
            regional_rows.append((int(cells[1]), cells[2], _per_year(cells[3]), _kr(cells[4])))
    warnings = [line.strip().removeprefix("⚠ ") for line in lines if line.startswith("  ⚠ ")]
    return ShownFigures(
        headline=lines[1],
        left=None if left_text == "pott ikke oppgitt" else _kr(left_text),
        years=years,
        rows=_table(lines, ranked),
        regional=regional_rows,
        warnings=warnings,
    )


def _assert_shows(allocation: Allocation, shown: ShownFigures) -> None:
    assert shown.left == allocation.left
    assert shown.years == {
        y.budget_year: (y.opening, y.new_confirmed, y.new_assumed, y.earmarked, y.recommended, y.closing)
        for y in allocation.years
    }
    assert shown.regional == [(i.key, i.name, i.by_year, i.total) for i in allocation.regional]
    assert shown.warnings == [w.replace(NBSP, " ") for w in allocation.warnings]
    keys = [int(cells[1]) for cells in shown.rows if cells[0] != "—"]
    assert keys == [row.key for row in allocation.rows]
    cut = [i for i, cells in enumerate(shown.rows) if cells[0] == "—"]
    assert cut == ([] if allocation.cut_index is None else [allocation.cut_index])


# --- vis ----------------------------------------------------------------------------------------


def test_vis_shows_the_builtin_round_as_the_ledger_has_it(sqlite_url: str, capsys) -> None:
    code, out, _ = _run(capsys, sqlite_url, "vis")
    assert code == 0
    shown = figures_from_show_output(out)
    assert shown.headline == (
        "Pott 7 800 000 kr · Avsatt 2 500 000 kr · Til fordeling 5 300 000 kr (herav 1 800 000 kr overført)"
        " · ⚠ Ikke avklart: Intermediærpost i Vefsn"
    )
    assert shown.left == 642_500
    assert shown.years == {
        2025: (0, 2_800_000, 0, 1_000_000, 0, 1_800_000),
        2026: (1_800_000, 5_000_000, 0, 1_500_000, 4_657_500, 642_500),
        2027: (642_500, 0, 5_000_000, 500_000, 0, 5_142_500),
        2028: (5_142_500, 0, 0, 500_000, 0, 4_642_500),
    }
    assert "bekreftet; rundens år; ikke avklart: Intermediærpost i Vefsn" in out
    rows = {cells[1]: cells for cells in shown.rows if cells[0] != "—"}
    # Nr, ID, Prosjekt, Rute, Søkt 2026, Innstilt 2026, Innstilt senere år, Igjen 2026, Status
    assert rows["1"][4:] == ["4 657 500 kr", "4 657 500 kr", "–", "642 500 kr", "✓ får plass"]
    assert rows["2"][4:] == ["?", "?", "?", "–", "? ikke oppgitt"]  # unknown is not 0, and does not fit
    assert rows["3"][4:6] == ["3 600 000 kr", "3 600 000 kr"]  # shifted from 2025, not 0 kr
    assert rows["5"][6] == "2027–2030: 2 000 000 kr per år"
    assert [cells[0] for cells in shown.rows] == ["1", "2", "—", "3", "4", "5"]  # the cut line after rank 2
    assert [item[0] for item in shown.regional] == [2, 3, 4, 5]
    assert shown.regional[0][2:] == (None, None)
    _assert_shows(_allocation(sqlite_url), shown)


def test_vis_of_a_round_without_a_pot_says_so_and_draws_no_line(sqlite_url: str, capsys) -> None:
    code, out, _ = _run(capsys, sqlite_url, "vis", "--round", "troms-ofoten-2025")
    assert code == 0
    shown = figures_from_show_output(out)
    assert shown.headline == "Pott ikke oppgitt" and shown.left is None and shown.years == {}
    assert "Igjen i 2025: pott ikke oppgitt" in out and "— streken" not in out
    _assert_shows(_allocation(sqlite_url, "troms-ofoten-2025"), shown)


@pytest.mark.parametrize(
    "changes",
    [
        [("flytt", "5", "1")],
        [("innstill", "1", "3 000 000"), ("rute", "4", "lokal"), ("rute", "3", "regional")],
        [("flytt", "5", "2"), ("innstill", "5", "--år", "2026=500 000", "--år", "2027=1 000 000")],
        [("innstill", "2", "100 000"), ("rute", "1", "ikke_prioritert"), ("fyll",)],
    ],
    ids=["sykepleier-øverst", "delvis-og-ruter", "per-år", "fyll"],
)
def test_vis_after_changes_shows_the_allocations_figures(sqlite_url: str, capsys, changes) -> None:
    for change in changes:
        code, _, err = _run(capsys, sqlite_url, *change)
        assert code == 0, err
    code, out, _ = _run(capsys, sqlite_url, "vis")
    assert code == 0
    _assert_shows(_allocation(sqlite_url), figures_from_show_output(out))


def test_moving_helgelandssykepleier_to_the_top_leaves_3_300_000_in_2026(sqlite_url: str, capsys) -> None:
    code, out, _ = _run(capsys, sqlite_url, "flytt", str(SYKEPLEIER), "1")
    assert code == 0
    assert out.startswith("Flyttet «Helgelandssykepleier") and out.count("\n") == 1  # one line per change
    _, out, _ = _run(capsys, sqlite_url, "vis")
    shown = figures_from_show_output(out)
    assert shown.left == 3_300_000 and shown.years[2026][-1] == 3_300_000
    assert shown.years[2027][4] == 2_000_000  # drawn against the assumed 2027 pot
    assert any("2027 mot antatt pott" in w for w in shown.warnings)
    assert any("2028–2030 uten pott" in w for w in shown.warnings)


# --- innstill -----------------------------------------------------------------------------------


def test_innstill_spreads_a_total_as_chosen(sqlite_url: str, capsys) -> None:
    plan = next(row.plan for row in _allocation(sqlite_url).rows if row.key == SYKEPLEIER)
    code, out, _ = _run(capsys, sqlite_url, "innstill", str(SYKEPLEIER), "3 000 000")  # default: as applied
    assert code == 0 and out.startswith("Innstilt for «Helgelandssykepleier")
    assert _recommendation(sqlite_url, SYKEPLEIER) == dict.fromkeys(range(2026, 2031), 600_000)
    for mode, words, total in (
        ("runden", ["3 000 000"], 3_000_000),
        ("jevnt", ["3", "000", "001"], 3_000_001),  # unquoted words make one amount
        ("som_søkt", ["1,5 mill"], 1_500_000),
    ):
        code, _, err = _run(capsys, sqlite_url, "innstill", str(SYKEPLEIER), *words, "--fordeling", mode)
        assert code == 0, err
        assert _recommendation(sqlite_url, SYKEPLEIER) == spread(total, mode, plan, 2026)
    assert _recommendation(sqlite_url, SYKEPLEIER) == dict.fromkeys(range(2026, 2031), 300_000)


def test_innstill_per_year_and_back_to_what_was_applied_for(sqlite_url: str, capsys) -> None:
    code, _, err = _run(
        capsys, sqlite_url, "innstill", str(SYKEPLEIER), "--år", "2026=1 000 000", "--år", "2027=500 000"
    )
    assert code == 0, err
    assert _recommendation(sqlite_url, SYKEPLEIER) == {2026: 1_000_000, 2027: 500_000}
    # Unquoted, as typed in a shell: the words of an amount belong to the year before them.
    code, _, err = _run(
        capsys,
        sqlite_url,
        "innstill",
        str(SYKEPLEIER),
        "--år",
        "2026=2",
        "000",
        "000",
        "2028=0",
        "2029=1",
        "000",
    )
    assert code == 0, err
    assert _recommendation(sqlite_url, SYKEPLEIER) == {2026: 2_000_000, 2029: 1_000}
    code, out, _ = _run(capsys, sqlite_url, "innstill", str(SYKEPLEIER), "--som-søkt")
    assert code == 0 and out.rstrip().endswith("→ som søkt")
    assert _recommendation(sqlite_url, SYKEPLEIER) is None
    # The old name still works, and so does "søkt" as the amount.
    assert _run(capsys, sqlite_url, "innvilg", str(TEAM), "4 000 000")[0] == 0
    assert _recommendation(sqlite_url, TEAM) == {2026: 4_000_000}
    assert _run(capsys, sqlite_url, "innvilg", str(TEAM), "søkt")[0] == 0
    assert _recommendation(sqlite_url, TEAM) is None
    # 0 is a recommendation of nothing, not the default.
    assert _run(capsys, sqlite_url, "innstill", str(TEAM), "0")[0] == 0
    assert _recommendation(sqlite_url, TEAM) == {2026: 0}
    # An application without an amount gets one in the round's year.
    assert _run(capsys, sqlite_url, "innstill", str(FREMTIDENS), "250 000")[0] == 0
    assert _recommendation(sqlite_url, FREMTIDENS) == {2026: 250_000}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["innstill", "5", ""], "Beløpet er tomt: skriv 0 eller et beløp, eller bruk --som-søkt"),
        (
            ["innstill", "5"],
            "Oppgi et innstilt beløp (BELØP), beløp per år (--år 2026=1 000 000) eller --som-søkt",
        ),
        (["innstill", "5", "--år", "2026="], "--år 2026: beløpet er tomt; skriv 0 eller et beløp."),
        (["innstill", "5", "--år", "26=5"], "skriv år og beløp som ÅR=BELØP"),
        (["innstill", "5", "--år", "2026=1", "2026=2"], "--år: 2026 er oppgitt to ganger."),
        (["innstill", "5", "1 000", "--som-søkt"], "Bruk bare én av BELØP, --år og --som-søkt"),
        (
            ["innstill", "5", "--år", "2026=1", "--fordeling", "jevnt"],
            "--fordeling gjelder bare et totalbeløp",
        ),
        (["innstill", "5", "1 000", "--fordeling", "tilfeldig"], "Ukjent fordeling «tilfeldig»"),
        (["innstill", "5", "20 000 000"], "kan ikke være høyere enn søkt (10 000 000 kr)"),
        (["innstill", "5", "--år", "2026=-5"], "kan ikke være negativt"),
        (["innstill", "5", "mye"], "Innstilt beløp: Kan ikke lese beløpet «mye»"),
        (["innstill", "fem", "1 000"], "Søknadens id må være et heltall, fikk «fem»."),
        (["innstill", "99", "1 000"], "Fant ingen søknad med id 99 i runden."),
        (["innstill", "6", "1 000"], "Fant ingen søknad med id 6 i runden."),  # Troms og Ofoten's
    ],
)
def test_innstill_refuses_what_cannot_be_meant_and_changes_nothing(
    sqlite_url: str, capsys, args: list[str], message: str
) -> None:
    code, out, err = _run(capsys, sqlite_url, *args)
    assert code == 1 and out == ""
    assert err.startswith("Feil: ") and message in err, err
    assert _recommendation(sqlite_url, SYKEPLEIER) is None


# --- flytt, rute, fyll --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("position", "message"),
    [
        ("0", "Plass 0 finnes ikke: runden har 5 søknader, så plassen må være fra 1 til 5."),
        ("6", "Plass 6 finnes ikke: runden har 5 søknader, så plassen må være fra 1 til 5."),
        ("tre", "Plassen må være et heltall, fikk «tre»."),
    ],
)
def test_flytt_refuses_a_place_that_does_not_exist(
    sqlite_url: str, capsys, position: str, message: str
) -> None:
    before = _order(sqlite_url)
    code, _, err = _run(capsys, sqlite_url, "flytt", "5", position)
    assert code == 1 and message in err
    assert _order(sqlite_url) == before


def test_rute_accepts_the_ways_a_route_is_written_and_refuses_others(sqlite_url: str, capsys) -> None:
    code, out, _ = _run(capsys, sqlite_url, "rute", "4", "ikke-prioritert")
    assert code == 0 and out.strip().endswith("Begge → Ikke prioritert")
    assert next(r for r in _allocation(sqlite_url).rows if r.key == 4).route == "ikke_prioritert"
    code, _, err = _run(capsys, sqlite_url, "rute", "4", "nasjonal")
    assert (
        code == 1
        and "Ukjent prioritering «nasjonal». Gyldige: lokal, regional, begge, ikke_prioritert." in err
    )


def test_fyll_moves_what_fits_to_the_top(sqlite_url: str, capsys) -> None:
    _run(capsys, sqlite_url, "innstill", str(FREMTIDENS), "100 000")  # now it has an amount, and fits
    code, out, _ = _run(capsys, sqlite_url, "fyll")
    assert code == 0 and out.startswith("Fyll potten: ")
    allocation = _allocation(sqlite_url)
    assert [row.key for row in allocation.rows][:2] == [TEAM, FREMTIDENS]
    assert allocation.left == 542_500


def test_help_texts_are_norwegian(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli(["prioriter", "innstill", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for words in (
        "--fordeling MÅTE",
        "runden (alt i rundens år)",
        "--år ÅR=BELØP",
        "--som-søkt",
        "det som er søkt",
    ):
        assert words in out
    with pytest.raises(SystemExit):
        cli(["prioriter", "--help"])
    out = capsys.readouterr().out
    assert "Prioriteringen av en runde" in out and "sett innstilt beløp" in out
