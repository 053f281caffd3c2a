"""The same applications as Word files and as PDFs import to the same fields.

The tests write the hand-extracted applications (data/applications/*.toml) to .docx with
python-docx — headings as Word headings for some, as bold paragraphs for others, the budget
and the benefit/risk tables as Word tables — and convert those files to PDF with LibreOffice
(``soffice --headless --convert-to pdf``; installed locally and in CI), then import both.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from rsapp.importer import ImportFailure
from rsapp.importer.fields import ParsedApplication, parse_document
from rsapp.importer.readers import read_document
from rsapp.seed import APPLICATION_TEXT_FIELDS
from tests.conftest import REPO
from tests.form_headings import HEADINGS

DATA = REPO / "data" / "applications"
FILES = sorted(DATA.glob("0[1-6]-*.toml"))

SHORT = {
    "name",
    "owners",
    "municipalities",
    "contact_municipal",
    "hospital_trust",
    "contact_trust",
    "agreement_text",
}


def load(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def norm(text: str) -> str:
    return " ".join(text.replace("|", " ").split())


def _table(doc, rows: list[list[str]]) -> None:
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    for row in rows:
        cells = table.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = value


def _paragraphs(doc, text: str) -> None:
    for line in text.strip().split("\n"):
        if line.strip():
            doc.add_paragraph(line.strip())


def _budget(doc, data: dict) -> None:
    """The budget text with its amounts moved into a Word table (purpose | amount)."""
    phrases = [b["source_phrase"] for b in data.get("budget_line", [])]
    rows: list[list[str]] = []
    for line in data["sections"].get("budget", "").strip().split("\n"):
        line = line.strip()
        if not line:
            continue
        if " | " in line:
            rows.append([c.strip() for c in line.split(" | ")])
            continue
        phrase = next((p for p in phrases if p in line), None)
        if phrase is None:
            if rows:
                _table(doc, rows)
                rows = []
            doc.add_paragraph(line)
        else:
            rows.append([" ".join(line.replace(phrase, " ").split()), phrase])
    if rows:
        _table(doc, rows)


def write_docx(data: dict, path: Path, word_headings: bool) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Søknadsskjema for rekrutterings- og samhandlingstilskudd i Helse Nord", level=0)
    for key, heading in HEADINGS:
        if key == "municipalities":
            value = ", ".join(data["municipalities"])
        elif key in SHORT:
            value = data.get(key, "")
        else:
            value = data["sections"].get(key, "")
        if word_headings:
            doc.add_heading(heading, level=2)
            if key == "budget":
                _budget(doc, data)
            elif key in SHORT:
                _paragraphs(doc, value)
            else:
                _paragraphs(doc, value)
        elif key in SHORT:
            p = doc.add_paragraph()
            p.add_run(heading + ":").bold = True
            p.add_run(" " + " ".join(value.split()))
        else:
            doc.add_paragraph().add_run(heading).bold = True
            if key == "budget":
                _budget(doc, data)
            else:
                _paragraphs(doc, value)
        if key == "benefit" and data["sections"].get("benefit_table"):
            doc.add_paragraph("Forventet nytte – Tabell for beskrivelse av effekt/nytteverdi")
            _table(doc, [row.split(" | ") for row in data["sections"]["benefit_table"].strip().split("\n")])
        if key == "project_plan" and data["sections"].get("risk_table"):
            doc.add_paragraph("Risikofaktorer og risikoreduserende tiltak")
            _table(doc, [row.split(" | ") for row in data["sections"]["risk_table"].strip().split("\n")])
    doc.save(str(path))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    folder = tmp_path_factory.mktemp("formats")
    docx_files = []
    for n, path in enumerate(FILES):
        target = folder / f"{path.stem}.docx"
        write_docx(load(path), target, word_headings=n % 2 == 0)
        docx_files.append(target)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, (
        "LibreOffice (soffice) is needed to make the PDFs: apt-get install libreoffice-writer-nogui"
    )
    profile = tmp_path_factory.mktemp("lo-profile")
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), *map(str, docx_files)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return {"docx": docx_files, "pdf": [p.with_suffix(".pdf") for p in docx_files]}


def only(path: Path) -> ParsedApplication:
    apps = parse_document(read_document(path)).applications
    assert len(apps) == 1, path.name
    return apps[0]


@pytest.mark.parametrize("kind", ["docx", "pdf"])
@pytest.mark.parametrize("index", range(len(FILES)), ids=[p.stem[:14] for p in FILES])
def test_written_application_imports_to_the_same_fields(
    written: dict[str, list[Path]], kind: str, index: int
) -> None:
    data = load(FILES[index])
    app = only(written[kind][index])
    assert app.text("name") == data["name"]
    assert app.text("owners") == data["owners"]
    assert app.municipalities == data["municipalities"]
    assert app.text("hospital_trust") == data["hospital_trust"]
    assert norm(app.text("contact_municipal")) == norm(data["contact_municipal"])
    assert norm(app.text("agreement_text")) == norm(data["agreement_text"])
    assert app.agreement_date == data.get("agreement_date")
    got = [(b.budget_year, b.amount, b.needs_confirmation) for b in app.budget_lines]
    want = [(b.get("budget_year"), b["amount"], b["needs_confirmation"]) for b in data.get("budget_line", [])]
    assert got == want
    assert (app.period_start, app.period_end) == (data.get("period_start"), data.get("period_end"))
    for section, column in APPLICATION_TEXT_FIELDS.items():
        if section in ("other", "benefit_table", "risk_table", "budget"):
            continue
        want_text, got_text = norm(data["sections"].get(section, "")), norm(app.text(column))
        ratio = difflib.SequenceMatcher(None, want_text, got_text, autojunk=False).ratio()
        assert ratio > 0.99, f"{section}: {ratio:.3f}"


def test_word_tables_become_rows(written: dict[str, list[Path]]) -> None:
    app = only(written["docx"][1])  # Fremtidens pasientforløp: benefit and risk tables
    data = load(FILES[1])
    benefit = [r.cells for r in app.table_rows if r.table == "nytte"]
    risk = [r.cells for r in app.table_rows if r.table == "risiko"]
    assert benefit == [row.split(" | ") for row in data["sections"]["benefit_table"].strip().split("\n")]
    assert risk == [row.split(" | ") for row in data["sections"]["risk_table"].strip().split("\n")]


def test_word_budget_table_gives_budget_lines_with_their_purpose(written: dict[str, list[Path]]) -> None:
    app = only(written["docx"][2])  # Observasjonspost: a cost table with a total row
    assert [(b.purpose, b.amount) for b in app.budget_lines] == [
        ("Medgått arbeidstid og ressurser til planlegging (frikjøp fagpersonell", 1_500_000),
        ("Lønn for medisinskfaglig prosjektleder (100 % stilling) frikjøp", 1_300_000),
        ("Prosjektmøter, utredningsarbeid og analyser", 800_000),
    ]


def test_pdf_lines_carry_page_numbers(written: dict[str, list[Path]]) -> None:
    app = only(written["pdf"][1])
    assert app.page_start == 1 and app.page_end is not None and app.page_end > 1
    assert app.fields["involvement"].page_start == app.page_end


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(str(tmp_path / "skannet.pdf"))
    with pytest.raises(ImportFailure, match=r"^skannet\.pdf: PDF-en har ingen tekst \(skannet\?\)$"):
        read_document(tmp_path / "skannet.pdf")


def test_password_protected_pdf(written: dict[str, list[Path]], tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(written["pdf"][0])))
    writer.encrypt("hemmelig", algorithm="RC4-128")
    writer.write(str(tmp_path / "låst.pdf"))
    with pytest.raises(ImportFailure, match=r"^låst\.pdf: PDF-en er passordbeskyttet"):
        read_document(tmp_path / "låst.pdf")


def test_word_budget_table_with_a_year_column_and_paragraph_numbers(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Navn på prosjekt/pilot", level=2)
    doc.add_paragraph("Årshjul")
    doc.add_heading("Budsjett for gjennomføring av prosjekt/pilot", level=2)
    doc.add_paragraph("Vi søker om:")
    _table(
        doc,
        [["År", "Formål", "Beløp"], ["2026", "Prosjektleder", "kr 900 000"], ["2027", "Drift", "kr 100 000"]],
    )
    path = tmp_path / "år.docx"
    doc.save(str(path))
    app = only(path)
    assert [(b.budget_year, b.purpose, b.amount, b.needs_confirmation) for b in app.budget_lines] == [
        (2026, "Prosjektleder", 900_000, False),
        (2027, "Drift", 100_000, False),
    ]
    # a Word file's numbers count paragraphs and table rows: they are called "avsnitt"
    assert app.fields["name"].where() == "avsnitt 1–2"
    assert app.where().startswith("avsnitt 1–")


def test_merged_word_table_cells_are_read_once_per_row(tmp_path: Path) -> None:
    from docx import Document

    from rsapp.importer.readers import read_document as read

    doc = Document()
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    table.cell(0, 0).merge(table.cell(0, 1))  # across: one cell
    table.cell(1, 2).merge(table.cell(2, 2))  # down: the text belongs to both rows
    doc.save(str(tmp_path / "flett.docx"))
    rows = [line.cells for line in read(tmp_path / "flett.docx").lines if line.cells]
    assert rows == [
        ("r0c0 r0c1", "r0c2"),
        ("r1c0", "r1c1", "r1c2 r2c2"),
        ("r2c0", "r2c1", "r1c2 r2c2"),
    ]
