"""Parsing the seed documents: the application form's fields, budget lines, periods and tables.

The expected values come from data/applications/*.toml, which hold the same applications
extracted by hand from the same seeds (DOMAIN.md §6).
"""

from __future__ import annotations

import difflib
import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rsapp.importer import ImportFailure
from rsapp.importer.fields import ParsedApplication, parse_document, parse_text
from rsapp.importer.readers import read_document
from rsapp.seed import APPLICATION_TEXT_FIELDS
from tests.conftest import REPO, SEEDS

DATA = REPO / "data" / "applications"
BUNDLE = next(SEEDS.glob("003_*.txt"))
SINGLE = next(SEEDS.glob("000_*.txt"))
HELGELAND_FILES = sorted(DATA.glob("0[1-5]-*.toml"))
ALIS_FILE = next(DATA.glob("06-*.toml"))


def expected(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def norm(text: str) -> str:
    """Whitespace and the hand-made « | » cell separators do not count."""
    return " ".join(text.replace("|", " ").split())


@pytest.fixture(scope="module")
def bundle() -> list[ParsedApplication]:
    return parse_document(read_document(BUNDLE)).applications


@pytest.fixture(scope="module")
def alis() -> ParsedApplication:
    apps = parse_document(read_document(SINGLE)).applications
    assert len(apps) == 1
    return apps[0]


def budget_tuples(app: ParsedApplication) -> list[tuple[int | None, int | None, bool]]:
    return [(b.budget_year, b.amount, b.needs_confirmation) for b in app.budget_lines]


def expected_budget(data: dict) -> list[tuple[int | None, int | None, bool]]:
    return [
        (b.get("budget_year"), b.get("amount"), b.get("needs_confirmation", False))
        for b in data.get("budget_line", [])
    ]


def test_bundle_yields_exactly_its_five_helgeland_applications(bundle: list[ParsedApplication]) -> None:
    assert [a.text("name") for a in bundle] == [expected(p)["name"] for p in HELGELAND_FILES]


@pytest.mark.parametrize("index", range(5), ids=[p.stem for p in HELGELAND_FILES])
def test_bundle_application_matches_hand_extraction(bundle: list[ParsedApplication], index: int) -> None:
    app, data = bundle[index], expected(HELGELAND_FILES[index])
    assert app.text("owners") == data["owners"]
    assert app.municipalities == data["municipalities"]
    assert app.unknown_municipalities == []
    assert app.text("hospital_trust") == data["hospital_trust"]
    assert norm(app.text("contact_municipal")) == norm(data["contact_municipal"])
    assert norm(app.text("contact_trust")) == norm(data["contact_trust"])
    assert norm(app.text("agreement_text")) == norm(data["agreement_text"])
    assert app.agreement_date == data.get("agreement_date")
    assert budget_tuples(app) == expected_budget(data)  # amounts to the krone, years, flags
    assert app.period_start == data.get("period_start")
    assert app.period_end == data.get("period_end")
    assert app.missing_required == []
    # Every form section, word for word (whitespace aside), as the hand extraction has it.
    for section, column in APPLICATION_TEXT_FIELDS.items():
        if section in ("other", "benefit_table", "risk_table"):
            continue
        want, got = norm(data["sections"].get(section, "")), norm(app.text(column))
        ratio = difflib.SequenceMatcher(None, want, got, autojunk=False).ratio()
        assert ratio > 0.995, f"{section}: {ratio:.4f}"


def test_amounts_as_written_in_domain_section_6(bundle: list[ParsedApplication]) -> None:
    team, _, observation, rehab, nurse = bundle
    assert [b.amount for b in team.budget_lines] == [4_657_500]  # applied; the total 9 315 000 is not a line
    assert [b.amount for b in observation.budget_lines] == [
        1_500_000,
        1_300_000,
        800_000,
    ]  # table total 3 600 000
    assert [b.amount for b in rehab.budget_lines] == [1_500_000, 1_500_000, 700_000, 300_000]
    assert all(b.needs_confirmation for b in rehab.budget_lines)  # "ca. kr 1,5 mill"
    assert sum(b.amount or 0 for b in nurse.budget_lines) == 10_000_000
    assert [b.budget_year for b in nurse.budget_lines] == [2025, 2026, 2027, 2028, 2029]
    assert all("antatt" in b.note for b in nurse.budget_lines)  # the start year is a guess: flagged


def test_periods_are_read(bundle: list[ParsedApplication]) -> None:
    team, _, observation, rehab, nurse = bundle
    assert team.period_text == "April 2025 – Mars 2028"
    assert observation.period_text == "Q3 2025 – Q3 2026"
    assert rehab.period_text == "3. kvartal 2025 – senest 4. kvartal 2026"
    assert (nurse.period_start, nurse.period_text) == (None, "over en periode på fem år")


def test_tables_become_rows(bundle: list[ParsedApplication]) -> None:
    future = bundle[1]
    benefit = [r.cells for r in future.table_rows if r.table == "nytte"]
    risk = [r.cells for r in future.table_rows if r.table == "risiko"]
    assert benefit[0][0] == "Forventet nytte" and len(benefit) == 1 + 7  # header and seven benefits
    assert [row[0].split()[0] for row in benefit[1:]] == [
        "Helsegevinst", "Kvalitet", "Mer", "Redusert", "Tidsbesparels", "Økonomi", "Rekruttering",
    ]  # fmt: skip
    assert all(row[-1].endswith("år") for row in benefit[1:])
    assert risk[0] == ["Risikofaktorer", "Vurderinger", "Risikoreduserende tiltak"]
    assert [(row[0], row[1]) for row in risk[1:]] == [
        ("Forankring", "middels"),
        ("Investering i utstyr og teknologi", "middels"),
        ("Kompetanse", "middels"),
        ("Tilpasning i organisasjonene", "høy"),
        ("Helhet på tvers av tjenestenivå/aktører", "høy"),
        ("Digitalisering gir økt risiko for datainnbrudd og cyberangrep generelt", "middels"),
        ("Ulike tilgang til helsetjenester pga. digitalt utenforskap", "middels"),
    ]
    # The tables are not glued into the text fields around them.
    assert "RISIKOFAKTORER" not in future.text("project_plan")
    assert "Tidshoriso" not in future.text("benefit")


def test_pages_that_are_not_applications_are_skipped_and_reported() -> None:
    parsed = parse_document(read_document(BUNDLE))
    kinds = {block.kind for block in parsed.skipped}
    assert {"saksfremlegg", "skjemaets innledning", "lenke", "sidetall", "sidefot/adresse"} <= kinds
    everything = "\n".join(
        app.fields[k].text for app in parsed.applications for k in app.fields if k != "other_text"
    )
    for furniture in (
        "file:///",
        "mailto:",
        "Postboks 1445",
        "Oversending av søknad",
        "Saksfremlegg",
        "Sak 23-2025",
    ):
        assert furniture not in everything
    # The cover letter is not skipped: it belongs to the application it sends, kept labelled.
    nurse = parsed.applications[4]
    [cover] = nurse.attachments
    assert (cover.kind, cover.line_start, cover.line_end) == ("oversendelsesbrev", 1511, 1554)
    assert cover.title.startswith("Oversending av søknad Helgelandssykepleier")
    assert "[Vedlegg: Oversendelsesbrev] Oversending av søknad" in nurse.text("other_text")
    assert "Med vennlig hilsen" in nurse.text("other_text")
    assert "file:///" not in nurse.text("other_text") and "mailto:" not in nurse.text("other_text")
    assert all(not app.attachments for app in parsed.applications[:4])


def test_text_under_no_heading_is_kept_as_other_text(bundle: list[ParsedApplication]) -> None:
    future = bundle[1]
    assert "Vedlegg:" in future.text("other_text")
    assert "Signert avtale fra involverte parter" in future.text("other_text")


def test_every_field_knows_its_lines(bundle: list[ParsedApplication]) -> None:
    team = bundle[0]
    assert (team.fields["name"].line_start, team.fields["name"].line_end) == (25, 25)
    assert (team.fields["contact_trust"].line_start, team.fields["contact_trust"].line_end) == (35, 36)
    assert team.fields["involvement"].line_end == 179
    assert (team.line_start, team.line_end) == (25, 179)


def test_single_form_yields_the_harstad_alis_application(alis: ParsedApplication) -> None:
    data = expected(ALIS_FILE)
    assert alis.text("name") == ""  # left empty on the form
    assert alis.municipalities == ["Harstad"]
    assert alis.text("hospital_trust") == "Helse Nord"
    assert norm(alis.text("contact_municipal")) == norm(data["contact_municipal"])
    assert [(b.amount, b.budget_year) for b in alis.budget_lines] == [(1_200_000, None)]
    assert alis.budget_lines[0].needs_confirmation  # "per år" with no years
    assert set(alis.missing_required) == {"name", "owners", "agreement_text"}
    assert alis.text("agreement_text") == ""  # the form's help text is not a value
    assert norm(alis.text("description")) == norm(data["sections"]["description"])


@pytest.mark.parametrize(
    "heading",
    [
        "# Kommune(r)\nRana og Vefsn",
        "**Kommune(r):** Rana og Vefsn",
        "*Kommune(r)*: Rana og Vefsn",
        "Kommune®: Rana og Vefsn",
        "Kommune:\n\nRana og Vefsn",
    ],
)
def test_headings_decorated_misread_or_value_below(heading: str) -> None:
    text = f"**Navn på prosjekt/pilot:** Test\n\n{heading}\n\n## Helseforetak\nHelgelandssykehuset HF\n"
    app = parse_text(text).applications[0]
    assert app.text("name") == "Test"
    assert app.municipalities == ["Rana", "Vefsn"]
    assert app.text("hospital_trust") == "Helgelandssykehuset HF"


def test_heading_broken_over_lines() -> None:
    text = (
        "Navn på prosjekt/pilot: X\nHvordan kan tiltak som omhandler innovasjon og implementering av\n\n"
        "digitale løsninger for samhandling lede fram mot felles regionale løsninger på sikt (ved relevans)?:\n"
        "Ikke relevant.\n"
    )
    assert parse_text(text).applications[0].text("digital") == "Ikke relevant."


def test_ambiguous_amounts_are_flagged_never_guessed() -> None:
    text = (
        "Navn på prosjekt/pilot: X\nBudsjett for gjennomføring av prosjekt/pilot:\n"
        "Lønn: kr. 7-800.000,-\nDrift: ca. 1 MNOK\nReiser: 250 000 kr\n"
    )
    lines = parse_text(text).applications[0].budget_lines
    assert [(b.amount, b.amount_high, b.needs_confirmation) for b in lines] == [
        (700_000, 800_000, True),
        (1_000_000, None, True),
        (250_000, None, False),
    ]


def test_unknown_municipality_is_reported() -> None:
    app = parse_text(
        "Navn på prosjekt/pilot: X\nKommune(r): Tromsø kommune og Balsfjord kommune\n"
    ).applications[0]
    assert app.unknown_municipalities == ["Tromsø", "Balsfjord"]


def test_text_without_a_form_is_a_clear_failure() -> None:
    with pytest.raises(ImportFailure, match="notat.txt: fant ikke noe søknadsskjema"):
        parse_text("Dette er bare et notat.\nIngen søknad her.", "notat.txt")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=60),
            st.sampled_from(
                [
                    "Navn på prosjekt/pilot:",
                    "Kommune®:",
                    "Budsjett for gjennomføring av prosjekt/pilot:",
                    "ca. kr 1,5 mill",
                    "kr. 7-800.000,-",
                    "Q3 2025 – Q3 2026",
                    "RISIKOFAKTORER VURDERINGER",
                    "middels Tiltak",
                    "Forventet nytte – Tabell",
                    "Tidshorisont",
                    "2 millioner per år over 5 år",
                    "| a | b |",
                    "(Mål, målgruppe",
                    "Saksfremlegg",
                    "",
                ]
            ),
        ),
        max_size=40,
    )
)
def test_arbitrary_text_raises_nothing_but_import_failure(parts: list[str]) -> None:
    try:
        parsed = parse_text("\n".join(parts))
    except ImportFailure as exc:
        assert str(exc).startswith("tekst.txt: ")
        return
    for app in parsed.applications:
        assert all(b.amount is None or b.amount >= 0 for b in app.budget_lines)


def md(text: str, name: str = "søknad.md") -> ParsedApplication:
    from rsapp.importer.readers import read_bytes

    [app] = parse_document(read_bytes(name, text.encode("utf-8"))).applications
    return app


def test_year_column_in_a_markdown_budget_table() -> None:
    app = md(
        "# Navn på prosjekt/pilot\nTest\n\n## Budsjett for gjennomføring av prosjekt/pilot\n\n"
        "| År | Formål | Beløp |\n|---|---|---|\n"
        "| 2026 | Prosjektleder | kr 900 000 |\n| 2027 | Prosjektleder | kr 950 000 |\n"
        "| Sum | | kr 1 850 000 |\n"
    )
    assert [(b.budget_year, b.purpose, b.amount, b.needs_confirmation) for b in app.budget_lines] == [
        (2026, "Prosjektleder", 900_000, False),
        (2027, "Prosjektleder", 950_000, False),
    ]


def test_year_cell_beside_the_amount_without_a_year_heading() -> None:
    app = md(
        "# Navn på prosjekt/pilot\nTest\n\n## Budsjett for gjennomføring av prosjekt/pilot\n\n"
        "| Prosjektleder | 2026 | 900 000 |\n| Reiser | 2027 | 50 000 |\n"
    )
    assert [(b.budget_year, b.purpose, b.amount) for b in app.budget_lines] == [
        (2026, "Prosjektleder", 900_000),
        (2027, "Reiser", 50_000),
    ]


def test_a_year_inferred_from_a_period_over_two_years_is_flagged() -> None:
    app = parse_text(
        "Navn på prosjekt/pilot: X\nBudsjett for gjennomføring av prosjekt/pilot:\n"
        "Vi søker 500 000 kr for perioden Q3 2025 – Q3 2026\n"
    ).applications[0]
    [line] = app.budget_lines
    assert (line.budget_year, line.amount, line.needs_confirmation) == (2025, 500_000, True)
    assert line.note == "året er antatt ut fra perioden «Q3 2025 – Q3 2026»"
    assert "1 beløp må bekreftes" in app.notices[-1]


def test_a_period_within_one_year_gives_the_year_without_a_flag() -> None:
    [line] = (
        parse_text(
            "Navn på prosjekt/pilot: X\nBudsjett for gjennomføring av prosjekt/pilot:\n"
            "Vi søker 500 000 kr for perioden mars 2026 – desember 2026\n"
        )
        .applications[0]
        .budget_lines
    )
    assert (line.budget_year, line.needs_confirmation) == (2026, False)


def test_yearly_amount_with_project_years_off_the_calendar_is_flagged() -> None:
    app = parse_text(
        "Navn på prosjekt/pilot: X\nKort beskrivelse av prosjektet/piloten\n"
        "Prosjektperiode: Q3 2025 – Q2 2027.\n"
        "Budsjett for gjennomføring av prosjekt/pilot:\n2 millioner per år over 2 år\n"
    ).applications[0]
    assert [(b.budget_year, b.amount, b.needs_confirmation) for b in app.budget_lines] == [
        (2025, 2_000_000, True),
        (2026, 2_000_000, True),
    ]
    assert "følger ikke kalenderårene" in app.budget_lines[0].note


@pytest.mark.parametrize(
    ("field", "sentence", "period"),
    [
        ("Kort beskrivelse av prosjektet/piloten", "Prosjektperiode: Q3 2025 – Q3 2026. Mer tekst.",
         ("Q3 2025 – Q3 2026", date(2025, 7, 1), date(2026, 9, 30))),
        ("Prosjektplan, inkludert evalueringspunkter", "Periode: 3. kvartal 2025",
         ("3. kvartal 2025", date(2025, 7, 1), date(2025, 9, 30))),
        ("Kort beskrivelse av prosjektet/piloten", "Tiltaket går fra april 2025 til mars 2028 i Rana.",
         ("april 2025 til mars 2028", date(2025, 4, 1), date(2028, 3, 31))),
    ],
)  # fmt: skip
def test_period_named_in_the_description_or_plan(field: str, sentence: str, period: tuple) -> None:
    app = parse_text(
        f"Navn på prosjekt/pilot: X\nDato for signert avtale: 28.02.2025\n{field}\nTekst.\n{sentence}\n"
    ).applications[0]
    assert (app.period_text, app.period_start, app.period_end) == period


def test_history_in_the_description_is_not_the_period() -> None:
    app = parse_text(
        "Navn på prosjekt/pilot: X\nDato for signert avtale: 28.02.2025\n"
        "Kort beskrivelse av prosjektet/piloten\n"
        "Et EU-prosjekt ble gjennomført fra februar 2016 til januar 2019 med gode resultater.\n"
    ).applications[0]
    assert (app.period_text, app.period_start) == ("", None)


def test_markdown_heading_split_over_two_lines() -> None:
    app = md(
        "# Navn på prosjekt/pilot\nTest\n\n### Kort beskrivelse av\n### prosjektet/piloten\n"
        "Vi prøver ut noe nytt.\n\n### Hvilken nytte forventes av\n### prosjektet/piloten?\nMindre venting.\n"
    )
    assert app.text("description") == "Vi prøver ut noe nytt."
    assert app.text("benefit") == "Mindre venting."
    assert app.fields["description"].where() == "linje 4–6"
    assert "other_text" not in app.fields


def test_confirming_a_budget_line() -> None:
    from rsapp.importer.fields import confirm_budget_edit

    app = parse_text(
        "Navn på prosjekt/pilot: X\nBudsjett for gjennomføring av prosjekt/pilot:\nLønn: kr. 7-800.000,-\n"
    ).applications[0]
    [line] = app.budget_lines
    line.confirm(pick="høy")
    assert (line.amount, line.amount_high, line.needs_confirmation) == (800_000, None, False)
    assert app.unconfirmed == [] and not any("må bekreftes" in n for n in app.notices)
    confirm_budget_edit(line, "2026", "750 000")
    assert (line.budget_year, line.amount) == (2026, 750_000)
    with pytest.raises(ValueError, match="Kan ikke lese året «26»"):
        confirm_budget_edit(line, "26", "750 000")
    with pytest.raises(ValueError, match="Kan ikke lese beløpet «mye»"):
        confirm_budget_edit(line, "2026", "mye")
    assert (line.budget_year, line.amount) == (2026, 750_000)  # a failed edit changes nothing


# --------------------------------------------------------------------------- issue 12: shapes at text level


def test_words_broken_at_a_line_end_are_rejoined_as_written() -> None:
    from rsapp.importer.cleanup import unwrap, vocabulary

    words = vocabulary(["Helsetjenesten er god.", "Vi bruker e-helse."])
    assert unwrap(["Midt-", "Troms"], words) == "Midt-Troms"  # a capital after the hyphen: kept
    assert unwrap(["i helse-", "tjenesten"], words) == "i helsetjenesten"  # the document spells it so
    assert (
        unwrap(["primær- og", "spesialist-", "helsetjenesten"], words)
        == "primær- og spesialisthelsetjenesten"
    )
    assert (
        unwrap(["både primær-", "og spesialisthelsetjenesten"], words)
        == "både primær- og spesialisthelsetjenesten"
    )
    assert unwrap(["ny e-", "helse løsning"], words) == "ny e-helse løsning"
    assert unwrap(["støttet av EU-", "programmet"], None) == "støttet av EU-programmet"
    assert unwrap(["(2023-", "2024)"], None) == "(2023-2024)"


def test_a_wrapped_link_is_left_out_whole_and_a_wrapped_kommune_line_is_no_heading() -> None:
    parsed = parse_text(
        "Navn på prosjekt/pilot: Lenketest\n"
        "Kommune(r): Rana\n"
        "Kontaktperson(er): Kari Nordmann, fagleder i Rana\n"
        "Kommune\n"
        "Helseforetak: Helgelandssykehuset HF\n"
        "Kort beskrivelse av prosjektet/piloten\n"
        "https://www.helsedirektoratet.no/rapporter/digital-hjemmeoppfolging-sluttrapport-fra-nasjonal-\n"
        "utproving-2018-2021/vedlegg-og-lenker/Evaluering%20av%20utproving.pdf\n"
        "Tiltaket gir bedre oppfølging.\n"
    )
    [app] = parsed.applications
    assert app.municipalities == ["Rana"]
    assert app.text("contact_municipal") == "Kari Nordmann, fagleder i Rana Kommune"
    assert app.text("description") == "Tiltaket gir bedre oppfølging."
    [link] = [b for b in parsed.skipped if b.kind == "lenke"]
    assert (link.line_start, link.line_end) == (7, 8)


def test_a_table_cell_with_several_amounts_keeps_them_all() -> None:
    app = md(
        "# Navn på prosjekt/pilot\nTest\n\n## Budsjett for gjennomføring av prosjekt/pilot\n\n"
        "| Post | Beløp |\n|---|---|\n"
        "| Prosjektet | Totalkostnad: kr. 9 315 000,-, Det søkes om kr. 4 657 500,- |\n"
        "| Drift | kr 500 000 (2026) og kr 600 000 (2027) |\n"
    )
    assert [(b.budget_year, b.amount, b.purpose) for b in app.budget_lines] == [
        (None, 4_657_500, "Prosjektet"),
        (2026, 500_000, "Drift"),
        (2027, 600_000, "Drift"),
    ]
    assert [(t.label, t.amount) for t in app.stated_totals] == [("Totalkostnad", 9_315_000)]
    assert app.budget_sum == 5_757_500 and [t.amount for t in app.total_mismatches] == [9_315_000]


def test_a_budget_reduced_against_its_stated_total_is_flagged() -> None:
    app = parse_text(
        "Navn på prosjekt/pilot: X\nBudsjett for gjennomføring av prosjekt/pilot:\n"
        "Samlet budsjett 3 600 000 kr, herav søkt 1 500 000 kr til prosjektleder.\n"
    ).applications[0]
    assert [b.amount for b in app.budget_lines] == [1_500_000]
    assert [(t.label, t.amount) for t in app.stated_totals] == [("Samlet budsjett", 3_600_000)]
    assert any(
        "summerer til 1\u00a0500\u00a0000 kr" in n and "3\u00a0600\u00a0000 kr" in n for n in app.notices
    )


def test_markdown_bold_lines_and_html_cells() -> None:
    app = md(
        "**Navn på prosjekt/pilot: Fet linje**\n\n**Prosjekteiere: Vefsn kommune i samarbeid med "
        "Helgelandssykehuset HF**\n\n**Kommune(r):** Vefsn\n\n## Hvilken nytte forventes av prosjektet/piloten?\n\n"
        "Mindre venting.\n\n<table><thead><tr><th><p><b>Forventet nytte</b></p></th><th><p><b>Hvem får nytte av "
        "prosjektet/piloten?</b></p></th><th><p><b>Tidshorisont</b></p></th></tr></thead><tbody><tr><td><p>Færre"
        "</p><p>innleggelser</p></td><td><p>Pasienter</p></td><td><p>2 år</p></td></tr></tbody></table>\n"
    )
    assert app.text("name") == "Fet linje"
    assert app.text("owners") == "Vefsn kommune i samarbeid med Helgelandssykehuset HF"
    assert app.text("benefit") == "Mindre venting."
    assert [r.cells for r in app.table_rows] == [
        ["Forventet nytte", "Hvem får nytte av prosjektet/piloten?", "Tidshorisont"],
        ["Færre innleggelser", "Pasienter", "2 år"],
    ]
