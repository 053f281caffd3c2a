"""Builds the built-in Word template `templates/saksfremlegg/saksfremlegg.docx` (docxtpl tags).

The .docx is committed; run ``python -m rsapp.saksfremlegg.docx_template`` after changing
this file to write it again. A user who wants another layout copies the .docx into their
template folder and edits it in Word, keeping the ``{{ … }}`` and ``{%p … %}`` tags.

One template serves a single case (``innkalling`` false, ``cases`` = [case]) and the
meeting document (``innkalling`` true: innkalling with saksliste, then every case on a new
page). Each case: "Saksfremlegg", the title, Innstilling with numbered points, the header
table Saksnr | Type sak | Utvalg | Møtedato, Saksopplysninger, Vurdering, Vedlegg.

The innstilling points use Word's "List Number" style (real numbering, not typed "1.");
the renderer restarts the numbering for each case. Tables have fixed column widths (the
title column wide, Saksnr narrow) and the footer carries "Side N av M".
"""

from __future__ import annotations

import sys
from pathlib import Path


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A simple Word field (PAGE, NUMPAGES) in ``paragraph``."""
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


def build(path: Path) -> None:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    for name, size in (("Heading 1", 15), ("Heading 2", 12)):
        style = doc.styles[name]
        style.font.name = "Calibri"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)

    numbered = doc.styles["List Number"]
    spacing = numbered.element.pPr.find(qn("w:contextualSpacing"))
    if spacing is not None:  # let space_after separate the points
        numbered.element.pPr.remove(spacing)

    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    header = section.header.paragraphs[0]
    header.text = "{{ helsefellesskap }}{% if helsefellesskap %} – {% endif %}{{ utvalg }}"
    header.runs[0].font.size = Pt(9)
    header.runs[0].font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Side ")
    _field(footer, "PAGE", "1")
    footer.add_run(" av ")
    _field(footer, "NUMPAGES", "1")

    def tag(text: str) -> None:
        doc.add_paragraph(text)

    def table(rows: list[list[str]], widths_cm: list[float], bold_first: bool = True) -> None:
        t = doc.add_table(rows=len(rows), cols=len(rows[0]))
        t.style = doc.styles["Table Grid"]
        t.autofit = False
        t.alignment = WD_TABLE_ALIGNMENT.LEFT
        for column, width in zip(t.columns, widths_cm, strict=True):
            column.width = Cm(width)  # the grid LibreOffice reads
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                cell = t.cell(r, c)
                cell.width = Cm(widths_cm[c])  # the cell width Word reads
                cell.text = value
                if bold_first and r == 0:
                    for run in cell.paragraphs[0].runs:
                        run.bold = True

    # --- innkalling and saksliste (meeting document only) ---
    tag("{%p if innkalling %}")
    doc.add_heading("{{ meeting.title }}", level=1)
    tag("{%p if meeting.helsefellesskap %}")
    doc.add_paragraph("{{ meeting.helsefellesskap }}")
    tag("{%p endif %}")
    doc.add_paragraph("Møtedato: {{ meeting.long_date }}")
    doc.add_paragraph("Sted: {{ meeting.place or 'Ikke fastsatt' }}")
    doc.add_heading("Saksliste", level=2)
    table(
        [
            ["Saksnr", "Sak", "Type sak"],
            ["{%tr for item in cases %}", "", ""],
            ["{{ item.number }}", "{{ item.title }}", "{{ item.type_label }}"],
            ["{%tr endfor %}", "", ""],
        ],
        [2.2, 10.0, 3.8],
    )
    tag("{%p endif %}")

    # --- every case ---
    tag("{%p for case in cases %}")
    tag("{%p if innkalling or not loop.first %}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    tag("{%p endif %}")
    mark = doc.add_paragraph("Saksfremlegg")
    mark.runs[0].font.size = Pt(9)
    mark.runs[0].font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    doc.add_heading("{{ case.heading }}", level=1)

    tag("{%p if case.points %}")
    doc.add_heading("Innstilling", level=2)
    tag("{%p for point in case.points %}")
    point = doc.add_paragraph("{{ point.text }}", style="List Number")
    point.paragraph_format.space_after = Pt(6)
    tag("{%p endfor %}")
    tag("{%p endif %}")

    table(
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

    core = doc.core_properties
    core.title = "Saksfremlegg"
    core.author = "rsapp"
    from rsapp.files import write_atomic

    write_atomic(path, doc.save)  # temp file + rename, mode 0600


def main() -> int:
    from rsapp.saksfremlegg.render import DOCX_TEMPLATE, builtin_case_templates_dir

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else builtin_case_templates_dir() / DOCX_TEMPLATE
    build(target)
    print(f"Skrev {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
