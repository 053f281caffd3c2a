"""The whole cycle after the meeting as a command-line script, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from rsapp.cli import cli


def test_week_43_cycle_from_the_command_line(db_url: str, tmp_path: Path, capsys) -> None:
    def run(*args: str) -> tuple[int, str]:
        code = cli(["--db", db_url, *args])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    def ok(*args: str) -> str:
        code, out = run(*args)
        assert code == 0, out
        return out

    for name in ["Kari Nordmann", "Ola Hansen", "Per Olsen", "Anne Berg", "Liv Dahl", "Tor Moen", "Eva Lie"]:
        ok("vurder", "person", "ny", name, "--rolle", "SSU-medlem")
    out = ok("sak", "historikk", "--år", "2025")
    assert "Neste ledige saksnummer i 2025: 28-2025" in out
    ok(
        "sak",
        "meeting",
        "new",
        "--date",
        "uke 43",
        "--extraordinary",
        "--standing",
        "--round",
        "helgeland-2026",
    )
    out = ok("sak", "new", "--meeting", "1", "--prioritering", "--round", "helgeland-2026")
    assert "Opprettet Sak 28-2025: Rekrutterings- og samhandlingstilskudd 2026" in out

    code, out = run("sak", "innkalling", "send", "1", "--dato", "10.10.2025")
    assert (
        code == 1
        and "Innkallingen til ekstraordinært møte i Strategisk samarbeidsutvalg 20.10.2025 mangler" in out
    )
    ok(
        "sak", "innkalling", "sett", "1", "--tid", "09:00-12:00", "--sted", "Teams",
        "--møteleder", "Kari Nordmann", "--forfall-til", "post@helsefellesskap.no",
    )  # fmt: skip
    out = ok("sak", "innkalling", "lag", "1")
    assert "Forfall meldes snarest til post@helsefellesskap.no" in out
    assert "| | Godkjenning av protokoll fra møtet 09.09.2025 | Beslutningssak |" in out.replace(
        "|  |", "| |"
    )
    out = ok("sak", "innkalling", "pakke", "1", str(tmp_path / "pakke"), "--dato", "10.10.2025")
    assert "02 Prioriteringsliste.xlsx" in out
    ok("sak", "innkalling", "send", "1", "--dato", "10.10.2025")
    ok("sak", "avholdt", "1", "--dato", "20.10.2025")
    ok(
        "sak",
        "oppmøte",
        "1",
        "--møtt",
        "Kari Nordmann",
        "Ola Hansen",
        "Per Olsen",
        "Anne Berg",
        "Liv Dahl",
        "Tor Moen",
        "Eva Lie",
    )

    out = ok(
        "sak", "vedtak", "28-2025", "--som-innstilt",
        "--endre", "3", "Kr 4 000 000 av de lokale midlene innvilges til teamet for 2026.",
        "--inhabil", "Tor Moen",
    )  # fmt: skip
    assert "Vedtatt med endringer" in out and "Inhabil: Tor Moen (forvaltningsloven § 6)" in out
    assert "Innstilling: Kr 4\u00a0657\u00a0500 av de lokale midlene innstilles" in out
    out = ok(
        "sak", "vedtak", "29-2025", "--som-innstilt",
        "--for", "Kari Nordmann", "Ola Hansen", "Per Olsen", "Anne Berg", "Liv Dahl", "--mot", "Tor Moen", "Eva Lie",
    )  # fmt: skip
    assert "Vedtatt med 5 mot 2 stemmer." in out
    ok("sak", "vedtak", "30-2025", "--som-innstilt")
    out = ok("sak", "protokoll", "lag", "1")
    assert "Tor Moen fratrådte som inhabil under behandlingen av saken (forvaltningsloven § 6)." in out
    assert "Protokollen er ikke godkjent ennå." in out
    out = ok("sak", "protokoll", "godkjenn", "1", "--av", "SSU per e-post", "--dato", "22.10.2025")
    assert "Protokollen er godkjent 22.10.2025 og låst." in out
    assert (
        "Innvilget «Interkommunalt innsats- og vurderingsteam for Helgeland»: 4\u00a0000\u00a0000 kr i 2026"
        in out
    )
    code, out = run("sak", "vedtak", "30-2025", "--stryk", "1")
    assert code == 1 and "er låst" in out

    out = ok("list", "--round", "helgeland-2026")
    assert "Innvilget" in out and "Oversendt regionalt" in out
    out = ok("sak", "vedtatt-liste", "--round", "helgeland-2026", "-o", str(tmp_path / "vedtatt.xlsx"))
    assert "(Vedtatt, 20.10.2025)" in out
    out = ok("sak", "oversendelse", "vis", "--round", "helgeland-2026", "--dato", "23.10.2025")
    assert "Frist til Helse Nord 01.11.2025 (om 9 dager): ikke sendt" in out
    out = ok(
        "sak",
        "oversendelse",
        "lag",
        "--round",
        "helgeland-2026",
        str(tmp_path / "brev"),
        "--dato",
        "24.10.2025",
    )
    assert "02 Prioriteringsliste (vedtatt).xlsx" in out
    out = ok("sak", "oversendelse", "sendt", "--round", "helgeland-2026", "--dato", "24.10.2025")
    assert "Oversendt Helse Nord 24.10.2025" in out

    out = ok(
        "oppfølging", "tildeling", "--round", "helgeland-2026",
        "--søknad", "Helgelandssykepleier", "--beløp", "2026=2000000,2027=2000000", "--dato", "25.11.2025",
    )  # fmt: skip
    assert "kr 4\u00a0000\u00a0000 fordelt med kr 2\u00a0000\u00a0000 per år i 2026 og 2027" in out
    out = ok("oppfølging", "frister", "--dato", "15.01.2026")
    assert "Utbetaling 2026 (Helse Nord)" in out and "Utbetaling 2026 (lokal pott)" in out
    out = ok("oppfølging", "prosjekt", "Helgelandssykepleier")
    assert "Årsrapport: venter (frist 01.03.2027)" in out
    out = ok("oppfølging", "oversikt", "-o", str(tmp_path / "oversikt.xlsx"), "--dato", "15.01.2026")
    assert (tmp_path / "oversikt.xlsx").is_file()

    code, out = run("sak", "new", "--meeting", "1", "--title", "For sent")
    assert code == 1
    ok("sak", "meeting", "new", "--date", "01.12.2025")
    out = ok("sak", "new", "--meeting", "2", "--title", "Første sak i desember")
    assert "Opprettet Sak 31-2025: Første sak i desember" in out
