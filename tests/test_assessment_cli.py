"""`rsapp vurder …`: the assessment, the register and the catalogue from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from rsapp.cli import cli

REHAB_ID = 4  # the fourth built-in application, in the order of data/applications/


def _run(db: str, capsys: pytest.CaptureFixture[str], *args: str, code: int = 0) -> str:
    assert cli(["--db", db, "vurder", *args]) == code
    captured = capsys.readouterr()
    return captured.out if code == 0 else captured.err


def test_the_done_when_story_on_the_command_line(db_url: str, capsys) -> None:
    out = _run(db_url, capsys, "vis", str(REHAB_ID))
    assert "Forprosjekt - tverretatlig rehabilitering" in out
    assert "Krav 2  Dokumentert enighet mellom kommune(r) og helseforetak" in out
    assert "Forslag: Oppfylt – Avtalen om felles søknad er datert 28.02.2025." in out
    assert "«Helgelandssykehusets brukerutvalg, tillitsvalgte og vernetjeneste" in out
    assert "(Involvering av brukere, tillitsvalgte og vernetjenesten, linje 1)" in out

    _run(db_url, capsys, "person", "ny", "Kari Nilsen", "--rolle", "Sekretariatet")
    out = _run(db_url, capsys, "bekreft", str(REHAB_ID), "--vurderer", "Kari Nilsen")
    assert "Bekreftet 18 forslag. Kari Nilsen: 18 av 18 vurdert." in out
    assert "status Under vurdering → Vurdert" in out
    for item in ("kr1", "kr2", "kr3", "kr4", "kr5", "kr7", "kr8"):
        _run(db_url, capsys, "sett", str(REHAB_ID), item, "4", "--vurderer", "kari nilsen")
    out = _run(
        db_url,
        capsys,
        "sett",
        str(REHAB_ID),
        "samiske_pasienter",
        "ikke",
        "relevant",
        "--vurderer",
        "Kari Nilsen",
    )
    assert "Kriterium 6: Ikke relevant" in out

    _run(
        db_url,
        capsys,
        "person",
        "ny",
        "Per Vefsnes",
        "--rolle",
        "SSU-medlem",
        "--organisasjon",
        "Vefsn kommune",
    )
    out = _run(
        db_url, capsys, "tilknytning", "ny", "Per Vefsnes", "prosjektrolle", "--soknad", str(REHAB_ID),
        "--beskrivelse", "styringsgruppen",
    )  # fmt: skip
    assert "⚠ Mulig inhabil for «Forprosjekt - tverretatlig rehabilitering»" in out
    for item in ("kr1", "kr2", "kr3", "kr4", "kr5", "kr6", "kr7", "kr8"):
        _run(db_url, capsys, "sett", str(REHAB_ID), item, "1", "--vurderer", "Per Vefsnes")
    out = _run(db_url, capsys, "oversikt")
    row = next(line for line in out.splitlines() if "tverretatlig rehabilitering" in line)
    assert "4/6 ⚠" in row and "2,5 (1,0–4,0)" in row and "⚠ mulig: Per Vefsnes" in row

    out = _run(
        db_url, capsys, "habilitet", "avgjor", "Per Vefsnes", str(REHAB_ID), "inhabil",
        "--begrunnelse", "Sitter i prosjektets styringsgruppe",
    )  # fmt: skip
    assert "Per Vefsnes er inhabil" in out
    out = _run(db_url, capsys, "oversikt")
    row = next(line for line in out.splitlines() if "tverretatlig rehabilitering" in line)
    assert " 4,0 " in row and "inhabil: Per Vefsnes" in row and "1,0" not in row
    out = _run(db_url, capsys, "habilitet")
    assert "Inhabil: Sitter i prosjektets styringsgruppe" in out


def test_others_answers_appear_after_ones_own(sqlite_url: str, capsys) -> None:
    _run(sqlite_url, capsys, "person", "ny", "Kari Nilsen")
    _run(sqlite_url, capsys, "person", "ny", "Ola Hansen")
    _run(
        sqlite_url,
        capsys,
        "sett",
        "1",
        "krav2",
        "oppfylt",
        "--vurderer",
        "Kari Nilsen",
        "--merknad",
        "Mail 27.02.",
    )
    out = _run(sqlite_url, capsys, "vis", "1", "--vurderer", "Ola Hansen", "--punkt", "avtale")
    assert "Ditt svar: ikke gitt" in out and "Kari Nilsen" not in out
    _run(sqlite_url, capsys, "sett", "1", "avtale", "uklart", "--vurderer", "Ola Hansen")
    out = _run(sqlite_url, capsys, "vis", "1", "--vurderer", "Ola Hansen", "--punkt", "avtale")
    assert "Ditt svar: Uklart" in out
    assert "Kari Nilsen: Oppfylt – Mail 27.02." in out


def test_mistakes_get_norwegian_messages(sqlite_url: str, capsys) -> None:
    err = _run(sqlite_url, capsys, "sett", "1", "krav2", "ja", "--vurderer", "Ukjent", code=1)
    assert "Fant ingen vurderer «Ukjent» i registeret" in err
    _run(sqlite_url, capsys, "person", "ny", "Kari Nilsen")
    err = _run(sqlite_url, capsys, "sett", "1", "krav1", "4", "--vurderer", "Kari Nilsen", code=1)
    assert "«4» er ikke et gyldig svar på Krav 1: skriv oppfylt, ikke oppfylt eller uklart." in err
    err = _run(sqlite_url, capsys, "sett", "1", "krav9", "oppfylt", "--vurderer", "Kari Nilsen", code=1)
    assert "Fant ikke punktet «krav9»" in err and "Krav 6 (budsjett)" in err
    err = _run(sqlite_url, capsys, "status", "1", "ferdig", code=1)
    assert "Ukjent status «ferdig»" in err
    err = _run(sqlite_url, capsys, "vis", "999", code=1)
    assert "Fant ingen søknad med id 999" in err


def test_status_by_hand(sqlite_url: str, capsys) -> None:
    out = _run(sqlite_url, capsys, "status", "3", "under", "vurdering")
    assert "status Mottatt → Under vurdering" in out
    out = _run(sqlite_url, capsys, "status", "3", "avslått")
    assert "Under vurdering → Avslått" in out


def test_catalogue_export_edit_and_load_for_a_later_call(sqlite_url: str, capsys, tmp_path: Path) -> None:
    target = tmp_path / "rs-2027.toml"
    out = _run(sqlite_url, capsys, "kriterier", "eksport", "-o", str(target))
    assert target.stat().st_mode & 0o077 == 0
    assert "Skrev" in out
    text = target.read_text(encoding="utf-8").replace("utlysningen 2025/2026", "utlysningen 2027")
    target.write_text(text, encoding="utf-8")
    out = _run(sqlite_url, capsys, "kriterier", "endre", "kr6", "--ord", "samisk*, samer, lulesamisk*")
    assert "Punktet «Tiltak rettet mot samiske pasienter» endret: params" in out
    err = _run(sqlite_url, capsys, "kriterier", "last", str(target), code=1)
    assert "har allerede en kriterieliste" in err
    out = _run(sqlite_url, capsys, "kriterier", "last", str(target), "--erstatt")
    assert (
        "Lastet inn «Rekrutterings- og samhandlingstilskudd i Helse Nord, utlysningen 2027» (18 punkter)"
        in out
    )
    out = _run(sqlite_url, capsys, "kriterier", "vis")
    assert "utlysningen 2027" in out and "Kriterium 8" in out
    bad = tmp_path / "feil.toml"
    bad.write_text("[catalogue]\nkey = 'x'\n[[krav]]\nkey = 'a'\n", encoding="utf-8")
    err = _run(sqlite_url, capsys, "kriterier", "last", str(bad), "--erstatt", code=1)
    assert str(bad) in err and "mangler «title»" in err
