"""Builds the built-in Word templates after the saksfremlegg (docxtpl tags, python-docx).

``templates/innkalling/innkalling.docx``, ``templates/protokoll/protokoll.docx``,
``templates/oversendelse/oversendelse.docx`` and ``templates/soknad/soknad.docx`` are committed;
run ``python -m rsapp.saksfremlegg.meeting_templates`` after changing this file. A secretariat
that wants another layout copies a .docx into ``<maler>/<type>/`` and edits it in Word, keeping
the ``{{ … }}`` and ``{%p … %}`` tags. Lists are Word lists ("List Number", "List Bullet"),
tables have fixed column widths, the footer says "Side N av M", the language is nb-NO.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _field(paragraph: Any, instruction: str, placeholder: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _document(header: str) -> Any:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    for name, size in (("Heading 1", 15), ("Heading 2", 12), ("Heading 3", 11)):
        style = doc.styles[name]
        style.font.name = "Calibri"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    for name in ("List Number", "List Bullet", "List Bullet 2"):
        ppr = doc.styles[name].element.pPr
        spacing = ppr.find(qn("w:contextualSpacing")) if ppr is not None else None
        if spacing is not None:
            ppr.remove(spacing)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    head = section.header.paragraphs[0]
    head.text = header
    head.runs[0].font.size = Pt(9)
    head.runs[0].font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run("Side ")
    _field(foot, "PAGE", "1")
    foot.add_run(" av ")
    _field(foot, "NUMPAGES", "1")
    return doc


def _table(doc: Any, rows: list[list[str]], widths_cm: list[float], *, bold_first: bool = True) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm

    t = doc.add_table(rows=len(rows), cols=len(rows[0]))
    t.style = doc.styles["Table Grid"]
    t.autofit = False
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    for column, width in zip(t.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = t.cell(r, c)
            cell.width = Cm(widths_cm[c])
            cell.text = value
            if bold_first and r == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def _small(doc: Any, text: str, *, italic: bool = False) -> None:
    from docx.shared import Pt, RGBColor

    paragraph = doc.add_paragraph(text)
    run = paragraph.runs[0]
    run.font.size = Pt(9)
    run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    run.italic = italic


def _case_sections(doc: Any) -> None:
    """Every case of ``cases``, each on a new page: the saksfremlegg layout."""
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    def tag(text: str) -> None:
        doc.add_paragraph(text)

    tag("{%p for case in cases %}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _small(doc, "Saksfremlegg")
    doc.add_heading("{{ case.heading }}", level=1)
    tag("{%p if case.points %}")
    doc.add_heading("Innstilling", level=2)
    tag("{%p for point in case.points %}")
    point = doc.add_paragraph("{{ point.text }}", style="List Number")
    point.paragraph_format.space_after = Pt(6)
    tag("{%p endfor %}")
    tag("{%p endif %}")
    _table(
        doc,
        [
            ["Saksnr", "Type sak", "Utvalg", "Møtedato"],
            ["{{ case.number }}", "{{ case.type_label }}", "{{ case.utvalg }}", "{{ case.meeting_date }}"],
        ],
        [2.4, 3.6, 6.8, 3.2],
    )
    for key, heading in (("saksopplysninger", "Saksopplysninger"), ("vurdering", "Vurdering")):
        tag(f"{{%p if case.{key} %}}")
        doc.add_heading(heading, level=2)
        body = doc.add_paragraph(f"{{{{ case.docx_{key} }}}}")
        body.paragraph_format.space_after = Pt(6)
        tag("{%p endif %}")
    tag("{%p if case.attachments %}")
    doc.add_heading("Vedlegg", level=2)
    tag("{%p for attachment in case.attachments %}")
    doc.add_paragraph("Vedlegg {{ loop.index }}: {{ attachment }}")
    tag("{%p endfor %}")
    tag("{%p endif %}")
    tag("{%p endfor %}")


def build_innkalling(path: Path) -> None:
    doc = _document("{{ helsefellesskap }}{% if helsefellesskap %} – {% endif %}{{ utvalg }}")

    def tag(text: str) -> None:
        doc.add_paragraph(text)

    tag("{%p if public %}")
    _small(doc, "{{ version_label }}: opplysninger unntatt offentlighet er tatt ut.", italic=True)
    tag("{%p endif %}")
    doc.add_heading("{{ meeting.title }}", level=1)
    tag("{%p if meeting.helsefellesskap %}")
    doc.add_paragraph("{{ meeting.helsefellesskap }}")
    tag("{%p endif %}")
    _table(
        doc,
        [
            ["{%tr for fact in meeting.facts %}", ""],
            ["{{ fact.label }}", "{{ fact.value }}"],
            ["{%tr endfor %}", ""],
        ],
        [4.0, 12.0],
        bold_first=False,
    )
    doc.add_paragraph("Forfall meldes snarest til {{ meeting.forfall_to }}, slik at vara kan innkalles.")
    doc.add_heading("Mottakere", level=2)
    tag("{%p for recipient in meeting.recipients %}")
    doc.add_paragraph("{{ recipient }}", style="List Bullet")
    tag("{%p endfor %}")
    doc.add_heading("Saksliste", level=2)
    _table(
        doc,
        [
            ["Saksnr", "Sak", "Type sak"],
            ["{%tr for item in agenda %}", "", ""],
            ["{{ item.number }}", "{{ item.title }}", "{{ item.type_label }}"],
            ["{%tr endfor %}", "", ""],
        ],
        [2.4, 10.0, 3.6],
    )
    tag("{%p if attachments %}")
    doc.add_heading("Vedlegg til innkallingen", level=2)
    tag("{%p for attachment in attachments %}")
    doc.add_paragraph("{{ attachment }}", style="List Bullet")
    tag("{%p endfor %}")
    tag("{%p endif %}")
    doc.add_paragraph("Med vennlig hilsen")
    doc.add_paragraph("{{ meeting.secretary or 'Sekretariatet' }}\n{{ helsefellesskap }}")
    _case_sections(doc)
    doc.core_properties.title = "Innkalling"
    _save(doc, path)


def build_protokoll(path: Path) -> None:
    from docx.shared import Pt

    doc = _document("{{ helsefellesskap }}{% if helsefellesskap %} – {% endif %}{{ utvalg }}")

    def tag(text: str) -> None:
        doc.add_paragraph(text)

    tag("{%p if public %}")
    _small(doc, "{{ version_label }}: opplysninger unntatt offentlighet er tatt ut.", italic=True)
    tag("{%p endif %}")
    tag("{%p if not approved %}")
    _small(doc, "Utkast – protokollen er ikke godkjent.", italic=True)
    tag("{%p endif %}")
    doc.add_heading("{{ meeting.title }}", level=1)
    _table(
        doc,
        [
            ["{%tr for fact in meeting.facts %}", ""],
            ["{{ fact.label }}", "{{ fact.value }}"],
            ["{%tr endfor %}", ""],
        ],
        [4.0, 12.0],
        bold_first=False,
    )
    doc.add_heading("Til stede", level=2)
    tag("{%p for person in present %}")
    doc.add_paragraph("{{ person }}", style="List Bullet")
    tag("{%p endfor %}")
    tag("{%p if absent %}")
    doc.add_heading("Forfall", level=2)
    tag("{%p for person in absent %}")
    doc.add_paragraph("{{ person }}", style="List Bullet")
    tag("{%p endfor %}")
    tag("{%p endif %}")

    tag("{%p for item in fixed_items %}")
    doc.add_heading("{{ item.title }}", level=2)
    doc.add_paragraph("Vedtak: {{ item.vedtak }}")
    tag("{%p endfor %}")

    tag("{%p for case in cases %}")
    doc.add_heading("{{ case.heading }}", level=2)
    _small(doc, "{{ case.type_label }} · {{ case.outcome_label }}")
    tag("{%p for person in case.inhabil %}")
    doc.add_paragraph("{{ person }}")
    tag("{%p endfor %}")
    tag("{%p if case.exempt %}")
    doc.add_paragraph("{{ case.exempt }}")
    tag("{%p elif case.postponed %}")
    doc.add_paragraph("Saken ble utsatt.{% if case.note %} {{ case.note }}{% endif %}")
    tag("{%p else %}")
    tag("{%p if case.amended %}")
    doc.add_heading("Innstilling", level=3)
    tag("{%p for point in case.innstilling %}")
    doc.add_paragraph("{{ point }}", style="List Number").paragraph_format.space_after = Pt(4)
    tag("{%p endfor %}")
    tag("{%p endif %}")
    doc.add_heading("Vedtak", level=3)
    tag("{%p for line in case.lines %}")
    doc.add_paragraph("{{ line.docx }}", style="List Number").paragraph_format.space_after = Pt(4)
    tag("{%p endfor %}")
    tag("{%p if case.struck %}")
    doc.add_paragraph("Strøket fra innstillingen: {{ case.struck }}")
    tag("{%p endif %}")
    doc.add_paragraph("{{ case.vote_text }}")
    tag("{%p if case.note %}")
    doc.add_paragraph("Protokolltilførsel: {{ case.note }}")
    tag("{%p endif %}")
    tag("{%p endif %}")
    tag("{%p endfor %}")

    doc.add_heading("Godkjenning", level=2)
    doc.add_paragraph("{{ approval }}")
    tag("{%p if meeting.minutes_note %}")
    doc.add_paragraph("{{ meeting.minutes_note }}")
    tag("{%p endif %}")
    doc.add_paragraph("Referent: {{ meeting.secretary or 'sekretariatet' }}")
    doc.core_properties.title = "Protokoll"
    _save(doc, path)


def build_oversendelse(path: Path) -> None:
    doc = _document("{{ helsefellesskap }}")

    def tag(text: str) -> None:
        doc.add_paragraph(text)

    doc.add_paragraph("{{ recipient }}")
    _table(
        doc,
        [
            ["Dato", "Vår referanse", "Saksbehandler"],
            ["{{ letter_date }}", "{{ reference }}", "{{ signer }}"],
        ],
        [4.0, 6.0, 6.0],
    )
    doc.add_heading("{{ subject }}", level=1)
    tag("{%p for paragraph in body %}")
    doc.add_paragraph("{{ paragraph }}")
    tag("{%p endfor %}")
    doc.add_heading("Prioritert liste til den regionale ordningen", level=2)
    _table(
        doc,
        [
            ["Prioritet", "Prosjekt", "Søkt fra regional ordning", "Sum"],
            ["{%tr for item in regional %}", "", "", ""],
            ["{{ item.rank }}", "{{ item.name }}", "{{ item.years }}", "{{ item.total }}"],
            ["{%tr endfor %}", "", "", ""],
        ],
        [2.0, 6.6, 5.4, 2.5],
    )
    doc.add_heading("Vedlegg", level=2)
    tag("{%p for attachment in attachments %}")
    doc.add_paragraph("{{ attachment }}", style="List Number")
    tag("{%p endfor %}")
    doc.add_paragraph("Med vennlig hilsen")
    doc.add_paragraph("{{ signer }}\n{{ helsefellesskap }}")
    doc.core_properties.title = "Oversendelse"
    _save(doc, path)


def build_soknad(path: Path) -> None:
    from docx.shared import Pt

    doc = _document("{{ helsefellesskap }} – søknad om rekrutterings- og samhandlingstilskudd")

    def tag(text: str) -> None:
        doc.add_paragraph(text)

    _small(doc, "Vedlegg til {{ case_label }}")
    doc.add_heading("{{ application.title }}", level=1)
    _table(
        doc,
        [
            ["{%tr for fact in application.facts %}", ""],
            ["{{ fact.label }}", "{{ fact.value }}"],
            ["{%tr endfor %}", ""],
        ],
        [5.0, 11.0],
        bold_first=False,
    )
    tag("{%p for section in application.sections %}")
    doc.add_heading("{{ section.heading }}", level=2)
    body = doc.add_paragraph("{{ section.docx }}")
    body.paragraph_format.space_after = Pt(6)
    tag("{%p endfor %}")
    doc.core_properties.title = "Søknad"
    _save(doc, path)


def _save(doc: Any, path: Path) -> None:
    from rsapp.files import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, doc.save)


BUILDERS: dict[str, Callable[[Path], None]] = {
    "innkalling": build_innkalling,
    "protokoll": build_protokoll,
    "oversendelse": build_oversendelse,
    "soknad": build_soknad,
}


def main() -> int:
    from rsapp.config import builtin_templates_dir

    root = Path(sys.argv[1]) if len(sys.argv) > 1 else builtin_templates_dir()
    for kind, build in BUILDERS.items():
        target = root / kind / f"{kind}.docx"
        build(target)
        print(f"Skrev {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
