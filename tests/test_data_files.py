"""The built-in example applications in data/applications/*.toml, checked against the seed documents."""

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).parents[1] / "data" / "applications"
SEEDS_DIR = Path(__file__).parent / "fixtures" / "seeds"

HELGELAND = {
    "Alstahaug",
    "Brønnøy",
    "Dønna",
    "Grane",
    "Hattfjelldal",
    "Hemnes",
    "Herøy",
    "Leirfjord",
    "Lurøy",
    "Nesna",
    "Rana",
    "Rødøy",
    "Sømna",
    "Træna",
    "Vefsn",
    "Vega",
    "Vevelstad",
}
TROMS_OFOTEN = {"Harstad", "Senja", "Bardu", "Salangen", "Lavangen", "Målselv", "Dyrøy", "Sørreisa"}

REQUIRED = {
    "round": str,
    "name": str,
    "owners": str,
    "municipalities": list,
    "hospital_trust": str,
    "contact_municipal": str,
    "contact_trust": str,
    "agreement_text": str,
    "status": str,
    "source_document": str,
    "sections": dict,
}
SECTION_KEYS = {
    "description",
    "benefit",
    "purpose_support",
    "budget",
    "patient_responsibility",
    "digital",
    "project_plan",
    "involvement",
    "benefit_table",
    "risk_table",
    "other",
}
LINE_KEYS = {"budget_year", "amount", "amount_high", "purpose", "source_phrase", "needs_confirmation"}
TOP_KEYS = set(REQUIRED) | {
    "display_name",
    "agreement_date",
    "period_text",
    "period_start",
    "period_end",
    "source_lines",
    "budget_line",
}

# Applied amounts per Helgeland application (DOMAIN.md §6), as the sorted list of its budget lines.
EXPECTED_LINES = {
    "01": [4_657_500],
    "02": [],
    "03": [800_000, 1_300_000, 1_500_000],
    "04": [300_000, 700_000, 1_500_000, 1_500_000],
    "05": [2_000_000] * 5,
    "06": [1_200_000],
    "07": [],
}
EXPECTED_TOTAL = {"01": 4_657_500, "02": 0, "03": 3_600_000, "04": 4_000_000, "05": 10_000_000}


def _files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.toml"))


def _load(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _squash(text: str) -> str:
    """Text with all whitespace removed, so PDF line breaks and hyphenation do not matter."""
    return re.sub(r"\s+", "", text)


def _seed_lines(name: str) -> list[str]:
    return (SEEDS_DIR / name).read_text(encoding="utf-8").split("\n")


# Page furniture of the PDF text: link targets, the Helse Nord letterhead and bare page numbers.
FURNITURE = re.compile(
    r"^(mailto:|file:///|https?://|Postadresse:|Helse Nord RHF Helse Nord RHF|Postboks 1445|"
    r"8038 Bodø|\d+$)"
)


def _seed_span(doc: dict, *, without_furniture: bool = False) -> str:
    first, last = doc["source_lines"]
    lines = _seed_lines(doc["source_document"])[first - 1 : last]
    if without_furniture:
        lines = [line for line in lines if not FURNITURE.match(line.strip())]
    return "\n".join(lines)


FILES = _files()
IDS = [p.name for p in FILES]


def test_seven_applications_numbered_01_to_07_helgeland_first():
    assert [p.name[:3] for p in FILES] == [f"{n:02d}-" for n in range(1, 8)]
    rounds = [_load(p)["round"] for p in FILES]
    assert rounds == ["helgeland-2026"] * 5 + ["troms-ofoten-2025"] * 2


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_required_keys_and_types(path):
    doc = _load(path)
    for key, typ in REQUIRED.items():
        assert isinstance(doc.get(key), typ), f"{path.name}: {key} mangler eller har feil type"
    assert set(doc) <= TOP_KEYS, f"{path.name}: ukjente nøkler {set(doc) - TOP_KEYS}"
    assert set(doc["sections"]) <= SECTION_KEYS
    assert all(isinstance(v, str) and v.strip() for v in doc["sections"].values()), (
        "tomme seksjoner skal utelates"
    )
    assert doc["status"] == "mottatt"
    # A display name exactly when the form leaves the name empty.
    assert ("display_name" in doc) == (doc["name"] == "")
    if "display_name" in doc:
        assert doc["display_name"].strip()
    for key in ("agreement_date", "period_start", "period_end"):
        if key in doc:
            assert type(doc[key]) is dt.date, f"{path.name}: {key} skal være en TOML-dato"
    if "period_start" in doc and "period_end" in doc:
        assert doc["period_start"] < doc["period_end"]


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_budget_lines_are_whole_kroner(path):
    for line in _load(path).get("budget_line", []):
        assert set(line) <= LINE_KEYS
        assert {"amount", "purpose", "source_phrase", "needs_confirmation"} <= set(line)
        assert type(line["amount"]) is int and line["amount"] > 0
        if "amount_high" in line:
            assert type(line["amount_high"]) is int and line["amount_high"] > line["amount"]
            assert line["needs_confirmation"] is True
        if "budget_year" in line:
            assert type(line["budget_year"]) is int and 2024 <= line["budget_year"] <= 2035
        assert type(line["needs_confirmation"]) is bool
        assert line["purpose"].strip() and line["source_phrase"].strip()


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_amounts_match_the_portfolio(path):
    lines = _load(path).get("budget_line", [])
    number = path.name[:2]
    assert sorted(line["amount"] for line in lines) == EXPECTED_LINES[number]
    if number in EXPECTED_TOTAL:
        assert sum(line["amount"] for line in lines) == EXPECTED_TOTAL[number]


def test_approximate_per_year_and_inferred_year_amounts_need_confirmation():
    docs = {p.name[:2]: _load(p) for p in FILES}
    assert all(line["needs_confirmation"] for line in docs["04"]["budget_line"])  # "ca. kr …"
    assert all(line["needs_confirmation"] for line in docs["06"]["budget_line"])  # "per år", no years
    assert "budget_year" not in docs["06"]["budget_line"][0]
    assert [line["budget_year"] for line in docs["05"]["budget_line"]] == [2025, 2026, 2027, 2028, 2029]
    # Exact table figures, but for "Prosjektår 1 (Q3 2025 – Q3 2026)": the year 2025 is inferred.
    assert [line["budget_year"] for line in docs["03"]["budget_line"]] == [2025, 2025, 2025]
    assert all(line["needs_confirmation"] for line in docs["03"]["budget_line"])


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_source_phrases_occur_in_the_seed_span(path):
    doc = _load(path)
    for line in doc.get("budget_line", []):
        span = _squash(_seed_span(doc))
        assert _squash(line["source_phrase"]) in span, f"{path.name}: {line['source_phrase']!r} ikke i kilden"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_municipalities_belong_to_the_round(path):
    doc = _load(path)
    allowed = HELGELAND if doc["round"] == "helgeland-2026" else TROMS_OFOTEN
    assert doc["municipalities"], f"{path.name}: ingen kommuner"
    assert len(set(doc["municipalities"])) == len(doc["municipalities"])
    for name in doc["municipalities"]:
        assert name in allowed, f"{path.name}: {name} er ikke en kommune i {doc['round']}"


@pytest.mark.parametrize("path", [p for p in FILES if _load(p)["source_document"]], ids=lambda p: p.name)
def test_header_fields_come_from_the_seed_span(path):
    doc = _load(path)
    lines = _seed_lines(doc["source_document"])
    first, last = doc["source_lines"]
    assert 1 <= first < last <= len(lines)
    span = _squash(_seed_span(doc))
    for key in ("name", "owners", "hospital_trust", "contact_municipal", "contact_trust", "agreement_text"):
        value = doc.get(key, "")
        if value:
            assert _squash(value) in span, f"{path.name}: {key} {value!r} ikke i kilden"


@pytest.mark.parametrize("path", [p for p in FILES if _load(p)["source_document"]], ids=lambda p: p.name)
def test_section_text_is_verbatim_from_the_seed_span(path):
    """Every line of every section (table rows excepted) is seed text, only re-wrapped."""
    doc = _load(path)
    span = _squash(_seed_span(doc, without_furniture=True))
    for key, text in doc["sections"].items():
        for line in text.split("\n"):
            if not line.strip() or " | " in line:
                continue
            assert _squash(line) in span, f"{path.name} [{key}]: {line[:60]!r} ikke i kilden"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_no_page_furniture_in_sections(path):
    for key, text in _load(path)["sections"].items():
        for marker in (
            "mailto:",
            "file:///",
            "http://",
            "https://",
            "Postadresse:",
            "Postboks 1445",
            "Søknadsskjema for rekrutterings",
        ):
            assert marker not in text, f"{path.name} [{key}] inneholder {marker!r}"


@pytest.mark.parametrize(
    "path", [p for p in FILES if _load(p)["round"] == "helgeland-2026"], ids=lambda p: p.name
)
def test_helgeland_forms_have_the_hard_requirement_sections(path):
    sections = _load(path)["sections"]
    for key in ("description", "budget", "involvement"):
        assert key in sections, f"{path.name}: mangler {key}"
