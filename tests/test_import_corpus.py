"""The import corpus (tests/fixtures/import/): every shape imports to the right fields, with
nothing invented and no amount lost, and the same application in three formats is one.

The expected values are the data `make_corpus.py` wrote the files from. Word and Markdown keep
paragraphs; a PDF's text layer does not, so for a PDF the words are compared in order.
"""

from __future__ import annotations

import importlib.util
import shutil
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from rsapp.cli import cli
from rsapp.importer.fields import ParsedApplication, parse_document
from rsapp.importer.readers import read_document
from rsapp.importer.service import accept_preview, import_paths, preview_path
from rsapp.models import Application, ApplicationMunicipality, BudgetLine, Municipality
from tests.conftest import REPO

CORPUS = REPO / "tests" / "fixtures" / "import"


def _corpus_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


M = _corpus_module()
A = M.NATTPATRULJE
B = M.REHAB


def flat(text: str) -> str:
    return " ".join(text.split())


def only(name: str) -> ParsedApplication:
    parsed = parse_document(read_document(CORPUS / name))
    assert len(parsed.applications) == 1, [a.title for a in parsed.applications]  # nothing invented
    return parsed.applications[0]


def budget(app: ParsedApplication) -> list[tuple[int | None, int | None, bool, str]]:
    return [(b.budget_year, b.amount, b.needs_confirmation, b.purpose) for b in app.budget_lines]


def totals(app: ParsedApplication) -> list[tuple[str, int]]:
    return [(t.label, t.amount) for t in app.stated_totals]


def rows(app: ParsedApplication, table: str) -> list[list[str]]:
    return [r.cells for r in app.table_rows if r.table == table]


# --------------------------------------------------------------------------- the form as a Word table

A_PLAN = A["project_plan"] + "\n\n" + A["plan_after_risk"]
A_RISK = [M.RISK_HEADER, *A["risk_rows"]]
A_SIGNATURE = "\n\n".join(A["signature"])


@pytest.mark.parametrize("name", ["tabellskjema.docx", "markdown-eksport.md"])
def test_the_table_form_and_its_markdown_export(name: str) -> None:
    app = only(name)
    markdown = name.endswith(".md")
    expected = {
        "name": A["name"],
        "owners": A["owners"],  # in a content control; in Markdown a whole bold line, no "**" left
        "municipalities": A["municipalities"],
        "contact_municipal": "- Kari Nordmann, kommunalsjef helse og omsorg, Brønnøy kommune\n"
        "- Ola Olsen, enhetsleder hjemmetjenesten, Sømna kommune"
        if markdown
        else A["contact_municipal"],  # the cell's two paragraphs stay two
        "hospital_trust": A["hospital_trust"],  # the empty control's placeholder is no answer
        "contact_trust": A["contact_trust"],
        "agreement_text": "☒ " + A["agreement_text"],  # the legacy check box is read
        "description": A["description"],  # the help text in the label cell is not part of it
        "benefit": A["benefit"],  # the label mentions risikoreduserende tiltak: still the benefit
        "purpose_support": A["purpose_support"],
        "budget_text": A["budget_text"],
        "patient_responsibility": A["patient_responsibility"],
        "digital": A["digital"],
        "project_plan": "- Fase 1: Q3 2025\n- Fase 2: Q2 2027\n\n"
        + A_PLAN.split("\n\n", 2)[2]  # the risk table inside the plan does not swallow the plan
        if markdown
        else A_PLAN,
        "involvement": A["involvement"],  # the signature block is not part of it
        "risk_table": "\n".join(" | ".join(r) for r in A_RISK),
        "other_text": "[Vedlegg: Signaturer]\n" + A_SIGNATURE,
    }
    assert {k: v.text for k, v in app.fields.items()} == expected
    assert app.municipalities == ["Brønnøy", "Sømna", "Vevelstad"]
    assert rows(app, "risiko") == A_RISK
    # Both amounts of the one cell are kept: the applied amount as the line, the total beside it.
    assert budget(app) == [(None, 4_657_500, False, "")]
    assert totals(app) == [("Totalkostnad", 9_315_000)]
    assert any(
        "summerer til 4\u00a0657\u00a0500 kr" in n and "9\u00a0315\u00a0000 kr" in n for n in app.notices
    )
    assert [(a.kind, a.text) for a in app.attachments] == [("signaturer", A_SIGNATURE)]
    assert app.agreement_date == date(2025, 2, 14)
    assert (app.period_text, app.period_start, app.period_end) == (
        "Q3 2025 – Q2 2027",
        date(2025, 7, 1),
        date(2027, 6, 30),
    )
    assert app.missing_required == []


def test_the_table_form_as_pdf() -> None:
    app = only("tabellskjema.pdf")
    for key in (
        "name",
        "owners",
        "contact_trust",
        "description",
        "benefit",
        "purpose_support",
        "budget_text",
        "patient_responsibility",  # its label is broken by a page break, with the answer between
        "digital",  # the heading over seven lines of a narrow cell
        "involvement",
    ):
        assert flat(app.text(key)) == flat(A[key]), key
    assert app.text("municipalities") == A["municipalities"]
    assert app.text("hospital_trust") == "Helgelandssykehuset HF"  # the placeholder text is left out
    assert flat(app.text("contact_municipal")) == flat(A["contact_municipal"])
    assert app.text("agreement_text") == A["agreement_text"]  # a PDF shows no character for the box
    assert flat(app.text("project_plan")) == flat(A["project_plan"])
    # The nested table comes out of the PDF as word pieces: kept as the risk table, nothing lost.
    risk = flat(app.text("risk_table"))
    for words in (
        "middels",
        "Lav bruk av sensorene",
        "Opplæring av pårørende og ansatte",
        "Sluttrapport leveres",
    ):
        assert words in risk
    assert budget(app) == [(None, 4_657_500, False, "")]
    assert totals(app) == [("Totalkostnad", 9_315_000)]
    assert [(a.kind, flat(a.text)) for a in app.attachments] == [("signaturer", flat(A_SIGNATURE))]
    assert app.missing_required == []


# --------------------------------------------------------------------------- headings, attachments, PDF wraps

B_DESCRIPTION = (
    "Teamet skal gi rehabilitering i hjemmet etter utskrivning, i hele Nord-Norge kjent som en modell "
    "for distriktene.\n\nRehabilitering i helsetjenesten på Helgeland skjer i dag mest i institusjon. "
    "Teamet flytter helsetjenesten hjem til pasienten.\n\nProsjektet varer i to år."
)
B_AGREEMENT = "\n\n".join(B["agreement_body"] + B["signatures"])
B_BUDGET = [
    (None, 1_500_000, False, "Prosjektleder 100 % stilling"),
    (None, 1_300_000, False, "Frikjøp av fagpersonell"),
    (None, 800_000, False, "Reiser og analyser"),
]


@pytest.mark.parametrize("name", ["overskrifter.docx", "overskrifter.pdf"])
def test_headings_attachment_agreement_and_wrapped_lines(name: str) -> None:
    parsed = parse_document(read_document(CORPUS / name))
    # The benefit table repeats an empty "Navn på prosjekt/pilot:": it is no second application.
    [app] = parsed.applications
    pdf = name.endswith(".pdf")
    assert app.text("name") == B["name"]
    assert app.text("owners") == B["owners"]
    assert app.municipalities == ["Rana", "Hemnes", "Nesna"]
    # "Kommune" at the start of a wrapped contact line is not the Kommune(r) heading.
    assert (
        app.text("contact_municipal")
        == "Siri Berg, fagleder rehabilitering i Rana Kommune, og Jon Moe, Hemnes kommune"
    )
    assert app.text("contact_trust") == B["contact_trust"]
    assert app.agreement_date == date(2025, 2, 28)
    # "Nord-" / "Norge" is rejoined with its hyphen, "helse-" / "tjenesten" without (the
    # document spells "helsetjenesten"), and the file:/// link is left out with both its lines.
    assert (flat(app.text("description")) if pdf else app.text("description")) == (
        flat(B_DESCRIPTION) if pdf else B_DESCRIPTION
    )
    assert any(b.kind == "lenke" and b.line_end - b.line_start == (1 if pdf else 0) for b in parsed.skipped)
    assert budget(app) == B_BUDGET
    assert totals(app) == [("Total", 3_600_000)]
    assert app.budget_sum == 3_600_000 and app.total_mismatches == []
    # The intensjonsavtale and its signatures are an attachment, not part of Involvering.
    assert app.text("involvement") == B["involvement"]
    assert [(a.kind, a.title) for a in app.attachments] == [("intensjonsavtale", "Intensjonsavtale")]
    agreement = app.attachments[0].text
    assert (flat(agreement) if pdf else agreement) == (flat(B_AGREEMENT) if pdf else B_AGREEMENT)
    assert app.text("other_text").startswith("[Vedlegg: Intensjonsavtale]\nmellom Rana kommune")
    if pdf:
        # a 7-column table in a PDF is word pieces: kept as the benefit table's text
        assert "Kortere liggetid" in app.text("benefit_table") and rows(app, "nytte") == []
    else:
        assert rows(app, "nytte") == [M.BENEFIT_HEADER, *B["benefit_rows"]]
    assert app.missing_required == []


def test_ten_applications_in_one_pdf_with_their_attachments() -> None:
    parsed = parse_document(read_document(CORPUS / "bunke-10.pdf"))
    assert [a.text("name") for a in parsed.applications] == [p[0] for p in M.BUNDLE_PROJECTS]
    for n, app in enumerate(parsed.applications):
        data = M.bundle_application(n)
        assert app.text("owners") == data["owners"]
        assert app.text("involvement") == data["involvement"]
        # "Det søkes om kr 500 000 i 2026 og kr 400 000 i 2027": both amounts, each with its year
        assert [(b.budget_year, b.amount, b.needs_confirmation) for b in app.budget_lines] == [
            (2026, (500 + 50 * n) * 1000, False),
            (2027, (400 + 50 * n) * 1000, False),
        ]
        assert "Bedre forløp" in app.text("benefit_table")
        assert app.missing_required == [] and app.attachments == []


def test_the_kept_files_are_what_make_corpus_writes(tmp_path: Path) -> None:
    M.write_table_form(A, tmp_path / "tabellskjema.docx")
    M.write_heading_form(B, tmp_path / "overskrifter.docx")
    M.write_markdown(A, tmp_path / "markdown-eksport.md")
    for name in ("tabellskjema.docx", "overskrifter.docx", "markdown-eksport.md"):
        kept = parse_document(read_document(CORPUS / name)).applications
        made = parse_document(read_document(tmp_path / name)).applications
        assert [{k: v.text for k, v in a.fields.items()} for a in made] == [
            {k: v.text for k, v in a.fields.items()} for a in kept
        ], name


# --------------------------------------------------------------------------- the same application again


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _three_formats(tmp_path: Path) -> Path:
    folder = tmp_path / "innboks"
    folder.mkdir()
    for name in ("tabellskjema.docx", "tabellskjema.pdf", "markdown-eksport.md"):
        shutil.copy(CORPUS / name, folder / name)
    return folder


def test_a_new_user_imports_the_same_application_in_three_formats_once(
    engine: Engine, tmp_path: Path
) -> None:
    folder = _three_formats(tmp_path)
    before = count(engine, Application)
    results = import_paths(engine, [folder])
    assert [(r.filename, r.status) for r in results] == [
        ("markdown-eksport.md", "importert"),
        ("tabellskjema.docx", "uendret"),
        ("tabellskjema.pdf", "uendret"),
    ]
    assert count(engine, Application) == before + 1
    with Session(engine) as session:
        app = session.exec(select(Application).where(Application.name == A["name"])).one()
        assert app.owners == A["owners"] and app.version == 1
        amounts = session.exec(select(BudgetLine.amount).where(BudgetLine.application_id == app.id)).all()
        assert amounts == [4_657_500]


def test_three_formats_previewed_together_then_saved_are_one_application(
    engine: Engine, tmp_path: Path
) -> None:
    """As the import screen does it: every file read and compared first, then all saved."""
    folder = _three_formats(tmp_path)
    before = count(engine, Application)
    previews = [preview_path(engine, p) for p in sorted(folder.iterdir())]
    assert [plan.action for p in previews for plan in p.applications] == ["ny", "ny", "ny"]
    results = [accept_preview(engine, p) for p in previews]
    assert [r.status for r in results] == ["importert", "uendret", "uendret"]
    assert count(engine, Application) == before + 1


def test_three_formats_on_the_command_line(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _three_formats(tmp_path)
    assert cli(["--db", sqlite_url, "import", str(folder), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "markdown-eksport.md: 1 ny" in out
    assert "tabellskjema.docx: 1 uendret" in out and "tabellskjema.pdf: 1 uendret" in out
    assert f"finnes allerede («{A['name']}»)" in out


def test_an_owner_the_built_in_data_left_empty_is_the_same_application(engine: Engine) -> None:
    with Session(engine) as session:
        built_in = session.exec(
            select(Application).where(Application.name == "Hvor er samhandlingsrommet?")
        ).one()
        assert built_in.owners == ""
    before = count(engine, Application)
    preview = preview_path(engine, CORPUS / "samhandlingsrommet.md")
    [plan] = preview.applications
    assert plan.existing_id == built_in.id and plan.action == "oppdatering"
    # Empty fields are filled; nothing in the portfolio had text there.
    assert [(c.key, c.kind, c.take) for c in plan.changes] == [
        ("owners", "fylles ut", True),
        ("description", "fylles ut", True),
    ]
    result = accept_preview(engine, preview)
    assert result.status == "oppdatert" and result.updated == [built_in.id]
    assert count(engine, Application) == before
    with Session(engine) as session:
        app = session.get(Application, built_in.id)
        assert (app.owners, app.version, app.hospital_trust) == ("Senja kommune", 2, "UNN HF")
        names = session.exec(
            select(Municipality.name)
            .join(ApplicationMunicipality)
            .where(ApplicationMunicipality.application_id == app.id)
            .order_by(ApplicationMunicipality.position)
        ).all()
        assert names == ["Senja", "Bardu", "Salangen", "Lavangen", "Målselv", "Dyrøy", "Sørreisa"]


def test_the_bundle_files_no_application_in_another_round(engine: Engine) -> None:
    preview = preview_path(engine, CORPUS / "bunke-10.pdf")
    assert len(preview.applications) == 10
    assert {p.round_key for p in preview.applications} == {"helgeland-2026"}
    result = accept_preview(engine, preview)
    assert result.status == "importert" and len(result.created) == 10
