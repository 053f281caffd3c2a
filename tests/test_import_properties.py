"""Whatever a file holds, the importer raises nothing but its own error type (ImportFailure),
and what it reads is well formed: no negative amount, every application named or numbered.

Hypothesis builds Markdown (with HTML tables, bold lines, attachments and signatures), Word
files (paragraphs, tables laid out as the form, content controls) and arbitrary bytes.
"""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rsapp.importer import ImportFailure
from rsapp.importer.fields import ParsedDocument, parse_document
from rsapp.importer.readers import read_bytes

PIECES = [
    "Navn på prosjekt/pilot:",
    "**Navn på prosjekt/pilot: Test**",
    "**Prosjekteiere: X kommune i samarbeid med Y HF**",
    "Kommune(r): Rana og Vefsn",
    "Kommune",
    "Kontaktperson(er): Kari, Vefsn",
    "## Hvilken nytte forventes av prosjektet/piloten?",
    "Budsjett for gjennomføring av prosjekt/pilot",
    "Totalkostnad: kr. 9 315 000,-, Det søkes om kr. 4 657 500,-",
    "Total 3 600 000",
    "kr 500 000 i 2026",
    "ca. kr 1,5 mill",
    "2 millioner per år over 5 år, totalt 10 millioner",
    "Forventet nytte – tabell for beskrivelse av effekt/nytteverdi",
    "Risikofaktorer og risikoreduserende tiltak",
    "| Risikofaktorer | Vurderinger | Risikoreduserende tiltak |",
    "|---|---|---|",
    "| a | middels | b |",
    "<table><tr><th><p><b>Forventet nytte</b></p></th><th>Tidshorisont</th></tr>",
    "<tr><td><p>x</p><p>y</p></td><td>2 år</td></tr></table>",
    "<table><tr><td><table><tr><td>nested</td></tr></table></td></tr></table>",
    "<table><tr><td>",
    "</td></tr>",
    "Intensjonsavtale",
    "Sted og dato: Mo i Rana, 27.02.2025",
    "Med vennlig hilsen",
    "Vedlegg 1: Avtale",
    "file:///C:/Users/x/Documents/",
    "soknad_endelig.pdf",
    "Midt-",
    "Troms",
    "☒ Signert",
    "Klikk eller trykk her for å skrive inn tekst.",
    "Oversending av søknad",
    "Saksfremlegg",
    "",
]


def check(parsed: ParsedDocument) -> None:
    for app in parsed.applications:
        assert app.title
        assert all(b.amount is None or b.amount >= 0 for b in app.budget_lines)
        assert all(t.amount >= 0 for t in app.stated_totals)
        assert app.missing_required is not None and app.notices is not None


@settings(max_examples=120, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=50), st.sampled_from(PIECES)), max_size=40))
def test_markdown_raises_nothing_but_import_failure(parts: list[str]) -> None:
    try:
        parsed = parse_document(read_bytes("eksport.md", "\n".join(parts).encode("utf-8", "surrogatepass")))
    except ImportFailure as exc:
        assert str(exc).startswith("eksport.md: ")
        return
    check(parsed)


_cell = st.one_of(st.text(max_size=30), st.sampled_from(PIECES))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("p"), _cell, st.booleans()),
            st.tuples(
                st.just("t"), st.lists(st.lists(_cell, min_size=1, max_size=3), min_size=1, max_size=4)
            ),
        ),
        max_size=15,
    )
)
def test_word_files_raise_nothing_but_import_failure(blocks: list[tuple]) -> None:
    from docx import Document

    doc = Document()
    for block in blocks:
        if block[0] == "p":
            text = "".join(ch for ch in block[1] if ch.isprintable())
            doc.add_paragraph().add_run(text).bold = block[2]
        else:
            rows = block[1]
            table = doc.add_table(rows=0, cols=max(len(r) for r in rows))
            for row in rows:
                cells = table.add_row().cells
                for i, value in enumerate(row):
                    cells[i].text = "".join(ch for ch in value if ch.isprintable())
    buffer = io.BytesIO()
    doc.save(buffer)
    try:
        parsed = parse_document(read_bytes("søknad.docx", buffer.getvalue()))
    except ImportFailure as exc:
        assert str(exc).startswith("søknad.docx: ")
        return
    check(parsed)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["x.docx", "x.pdf", "x.md", "x.txt"]))
def test_arbitrary_bytes_raise_nothing_but_import_failure(data: bytes, name: str) -> None:
    try:
        parsed = parse_document(read_bytes(name, data))
    except ImportFailure as exc:
        assert str(exc).startswith(f"{name}: ")
        return
    check(parsed)
