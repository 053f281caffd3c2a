"""The suggestion rules on the built-in applications: each proposes an answer and quotes the
application's own sentences with field and line (issue 13)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from rsapp.assessment.catalogue import CatalogueError, Item, load_file, parse, to_toml
from rsapp.assessment.rules import suggest, suggest_all
from rsapp.assessment.text import ApplicationText, from_data, split_sentences

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = load_file(REPO / "data" / "criteria" / "rs-2026.toml")


def _app(prefix: str) -> ApplicationText:
    (path,) = sorted((REPO / "data" / "applications").glob(f"{prefix}-*.toml"))
    return from_data(tomllib.loads(path.read_text(encoding="utf-8")))


def _suggest(prefix: str, key: str):
    return suggest(CATALOGUE.by_key(key), _app(prefix))


# --- the catalogue ------------------------------------------------------------------------------


def test_catalogue_has_the_six_krav_priorities_and_weighted_criteria_of_the_call() -> None:
    krav = CATALOGUE.of_kind("krav")
    assert [i.key for i in krav] == [
        "varighet",
        "avtale",
        "involvering",
        "ikke_ordinaer_drift",
        "digital",
        "budsjett",
    ]
    assert len(CATALOGUE.of_kind("prioritert")) == 4
    criteria = {i.key for i in CATALOGUE.of_kind("kriterium")}
    assert {"flere_kommuner", "samiske_pasienter", "egen_innsats", "rekruttering"} <= criteria
    assert len(criteria) == 8
    assert set(CATALOGUE.rounds) >= {"helgeland-2026"}
    numbered = dict(CATALOGUE.numbered())
    assert numbered["Krav 2"].key == "avtale"


def test_catalogue_round_trips_through_toml() -> None:
    again = parse(tomllib.loads(to_toml(CATALOGUE)), "eksport")
    assert again.items == CATALOGUE.items
    assert again.rounds == CATALOGUE.rounds


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({}, "mangler [catalogue]"),
        ({"catalogue": {"key": "x"}, "krav": [{"key": "a"}]}, "mangler «title»"),
        ({"catalogue": {"key": "x"}, "krav": [{"key": "A b", "title": "t"}]}, "«key» må være"),
        (
            {"catalogue": {"key": "x"}, "krav": [{"key": "a", "title": "t", "rule": "magi"}]},
            "ukjent regel «magi»",
        ),
        (
            {"catalogue": {"key": "x"}, "kriterium": [{"key": "a", "title": "t", "weight": -1}]},
            "«weight» må være",
        ),
        (
            {"catalogue": {"key": "x"}, "krav": [{"key": "a", "title": "t"}, {"key": "a", "title": "u"}]},
            "brukt to ganger",
        ),
        ({"catalogue": {"key": "x"}, "kriterier": []}, "ukjente deler"),
    ],
)
def test_bad_catalogue_gets_a_norwegian_message_naming_file_and_item(doc, message) -> None:
    with pytest.raises(CatalogueError) as info:
        parse(doc, "kriterier.toml")
    assert message in str(info.value)
    assert "kriterier.toml" in str(info.value)


# --- sentences ---------------------------------------------------------------------------------


def test_sentences_keep_their_line_and_skip_abbreviations_and_the_forms_own_questions() -> None:
    text = "\n• Hvor mye søkes det om og hva skal midlene benyttes til?\nDet er ca. 3 mill. Til prosjekt. Neste setning."
    sentences = split_sentences("budget_text", text)
    assert [(s.line, s.text) for s in sentences] == [
        (2, "Det er ca. 3 mill."),
        (2, "Til prosjekt."),
        (2, "Neste setning."),
    ]
    assert sentences[0].location() == "Budsjett for gjennomføring av prosjekt/pilot, linje 2"


# --- krav 1: duration and a path to ordinary operation ------------------------------------------


def test_helgelandssykepleier_runs_five_years() -> None:
    s = _suggest("05", "varighet")
    assert s.facts["months"] == 60
    assert "5 år" in s.reason and "innenfor 5 år" in s.reason
    quoted = " ".join(e.text for e in s.evidence)
    assert "fem år" in quoted
    assert any(e.label == "Kort beskrivelse av prosjektet/piloten" for e in s.evidence)


def test_interkommunalt_period_from_its_dates_is_three_years() -> None:
    s = _suggest("01", "varighet")
    assert s.facts["months"] == 36
    assert s.evidence[0].text == "April 2025 – Mars 2028"
    assert s.evidence[0].label == "Periode"


def test_an_age_is_not_read_as_a_period() -> None:
    """Fremtidens pasientforløp writes "personer over 80 år": no duration, so unclear."""
    s = _suggest("02", "varighet")
    assert s.facts["months"] is None
    assert s.answer == "uklart"


def test_longer_than_five_years_is_not_met() -> None:
    doc = _app("04").with_text(period_text="over en periode på seks år")
    doc.period_start, doc.period_end = None, None
    s = suggest(CATALOGUE.by_key("varighet"), doc)
    assert s.answer == "ikke_oppfylt"
    assert "6 år" in s.reason


# --- krav 2: the agreement --------------------------------------------------------------------


def test_harstad_alis_has_no_agreement_date_so_krav_2_is_unclear() -> None:
    s = _suggest("06", "avtale")
    assert s.answer == "uklart"
    assert "tomt" in s.reason


def test_observasjonspost_agreement_is_vedlagt_soknad() -> None:
    s = _suggest("03", "avtale")
    assert s.answer == "oppfylt"
    assert s.facts["attached"] is True
    assert s.evidence[0].text == "Vedlagt søknad."
    assert s.evidence[0].location() == "Dato for signert avtale om felles søknad, linje 1"
    assert "kontroller vedlegget" in s.reason


def test_agreement_with_a_date_quotes_it() -> None:
    s = _suggest("01", "avtale")
    assert s.answer == "oppfylt"
    assert "27.02.2025" in s.reason
    assert "Elektronisk bekreftet samarbeid" in s.evidence[0].text


# --- krav 3: involvement ------------------------------------------------------------------------


def test_rehabilitering_names_users_tillitsvalgte_and_vernetjenesten() -> None:
    s = _suggest("04", "involvering")
    assert s.answer == "oppfylt"
    assert s.facts["missing"] == []
    assert all(e.field == "involvement" for e in s.evidence)
    assert "tillitsvalgte og vernetjeneste" in s.evidence[0].text


def test_alis_involvement_names_none_of_the_three() -> None:
    s = _suggest("06", "involvering")
    assert s.answer == "ikke_oppfylt"
    assert s.facts["missing"] == ["brukere", "tillitsvalgte", "vernetjenesten"]
    assert "KVAM" in s.evidence[0].text


def test_helgelandssykepleier_counts_verneombud_and_ungdomsråd() -> None:
    s = _suggest("05", "involvering")
    assert s.answer == "oppfylt"
    quoted = " ".join(e.text for e in s.evidence)
    assert "verneombud" in quoted and "Ungdomsrådet" in quoted


def test_a_missing_group_is_named() -> None:
    doc = _app("04").with_text(involvement="Brukerutvalget og tillitsvalgte vil involveres.")
    s = suggest(CATALOGUE.by_key("involvering"), doc)
    assert s.answer in {"ikke_oppfylt", "uklart"}
    assert s.facts["missing"] == ["vernetjenesten"]
    assert "ikke vernetjenesten" in s.reason


# --- krav 4–6 -----------------------------------------------------------------------------------


def test_salary_for_a_position_is_flagged_as_possible_ordinary_operation() -> None:
    s = _suggest("06", "ikke_ordinaer_drift")
    assert s.answer == "uklart"
    assert "lønnsmidler" in s.reason


def test_project_work_is_not_ordinary_operation() -> None:
    s = _suggest("03", "ikke_ordinaer_drift")
    assert s.answer == "oppfylt"


def test_digital_not_relevant_means_the_krav_does_not_apply() -> None:
    s = _suggest("05", "digital")
    assert s.answer == "oppfylt"
    assert "Ikke relevant." in s.reason


def test_digital_names_strategy_and_normen() -> None:
    s = _suggest("01", "digital")
    assert s.answer == "oppfylt"
    quoted = " ".join(e.text for e in s.evidence)
    assert "e-helsestrategi" in quoted and "Norm for informasjonssikkerhet" in quoted


def test_digital_without_normen_is_unclear() -> None:
    s = _suggest("04", "digital")
    assert s.answer == "uklart"
    assert "Normen" in s.reason


def test_budget_amounts_or_an_attached_budget() -> None:
    assert _suggest("03", "budsjett").answer == "oppfylt"
    attached = _suggest("02", "budsjett")
    assert attached.answer == "oppfylt" and attached.facts["attached"] is True
    assert "Det legges ved budsjett." in [e.text for e in attached.evidence]
    nothing = _suggest("07", "budsjett")
    assert nothing.answer == "ikke_oppfylt"


# --- criteria and priorities ---------------------------------------------------------------------


def test_interkommunalt_names_three_municipalities() -> None:
    s = _suggest("01", "flere_kommuner")
    assert s.facts["municipalities"] == 3
    assert s.facts["names"] == ["Rana", "Alstahaug", "Vefsn"]
    assert s.answer == "3"
    assert "3 kommuner: Rana, Alstahaug og Vefsn" in s.reason
    assert s.evidence[0].label == "Kommune(r)"


def test_fremtidens_pasientforlop_mentions_sami_patients() -> None:
    s = _suggest("02", "samiske_pasienter")
    assert s.answer not in {None, "0"}
    assert any("sør-samiske" in e.text for e in s.evidence)


def test_no_mention_of_sami_patients_proposes_zero_and_says_so() -> None:
    s = _suggest("04", "samiske_pasienter")
    assert s.answer == "0"
    assert s.evidence == ()
    assert "ikke relevant" in s.reason


def test_rehabilitation_and_frail_elderly_are_priorities_with_their_sentences() -> None:
    rehab = _suggest("04", "sammensatte_behov")
    assert rehab.answer == "ja"
    assert "rehabilitering" in rehab.facts["matched"]
    elderly = _suggest("02", "sammensatte_behov")
    assert "skrøpelige eldre" in elderly.facts["matched"]


def test_waiting_times_found_in_alis() -> None:
    s = _suggest("06", "ventetid")
    assert s.answer == "ja"
    assert any("ventelister" in e.text for e in s.evidence)
    assert _suggest("04", "ventetid").answer == "nei"


def test_every_item_of_every_application_gets_a_suggestion_with_located_evidence() -> None:
    for path in sorted((REPO / "data" / "applications").glob("*.toml")):
        doc = from_data(tomllib.loads(path.read_text(encoding="utf-8")))
        for key, s in suggest_all(CATALOGUE, doc).items():
            assert s.answer is not None, (path.name, key)
            assert s.reason, (path.name, key)
            for e in s.evidence:
                assert e.line >= 1 and e.label and e.text, (path.name, key, e)
                source = doc.text(e.field) if e.field in doc.fields else ""
                if source:
                    assert " ".join(e.text.split()[:3]) in " ".join(source.split()), (path.name, key, e)


def test_an_item_without_a_rule_gets_no_answer() -> None:
    s = suggest(Item(key="egen", kind="kriterium", title="Eget kriterium"), _app("01"))
    assert s.answer is None
    assert "vurder det selv" in s.reason
