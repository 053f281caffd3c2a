"""Documents after the meeting look finished: the protokoll (golden Markdown, Word read back with
python-docx, PDF by LibreOffice read with pdftotext), real Word lists and nb-NO in the
saksfremlegg, the innkalling bundled as one PDF."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

from sqlmodel import Session

from rsapp.saksfremlegg import protokoll, vedtak
from rsapp.saksfremlegg.innkalling import write_bundle
from rsapp.saksfremlegg.render import find_soffice, render_case
from rsapp.saksfremlegg.saksliste import update_case
from tests.conftest import require
from tests.meeting_cycle_setup import week_43

GOLDEN = Path(__file__).parent / "golden" / "protokoll-uke-43.md"
NBSP = "\u00a0"


def _decided(session: Session):
    """The week-43 meeting decided as the issue tells it: one amended point, a 5–2 vote, one inhabil."""
    ids = week_43(session)
    view = vedtak.record_as_recommended(session, ids.prioritisation)
    number = next(line.number for line in view.lines if line.application_id)
    vedtak.amend_point(
        session,
        ids.prioritisation,
        number,
        "Kr 4 000 000 av de lokale midlene innvilges til «Interkommunalt innsats- og vurderingsteam for "
        "Helgeland» for 2026.",
    )
    vedtak.set_inhabil(session, ids.prioritisation, "Tor Moen", note="Tor Moen er prosjektleder.")
    vedtak.record_as_recommended(session, ids.orienteringer)
    vedtak.set_vote(
        session,
        ids.orienteringer,
        unanimous=False,
        for_names=["Kari Nordmann", "Ola Hansen", "Per Olsen", "Anne Berg", "Liv Dahl"],
        against_names=["Tor Moen", "Eva Lie"],
    )
    vedtak.record_as_recommended(session, ids.eventuelt)
    return ids


def _tools() -> tuple[str, str]:
    soffice, pdftotext = find_soffice(), shutil.which("pdftotext")
    require(soffice is not None, "soffice (LibreOffice)")
    require(pdftotext is not None, "pdftotext (poppler-utils)")
    assert soffice is not None and pdftotext is not None
    return soffice, pdftotext


def _pdf_text(pdftotext: str, pdf: bytes, tmp_path: Path) -> str:
    target = tmp_path / "dokument.pdf"
    target.write_bytes(pdf)
    text = subprocess.run(
        [pdftotext, "-layout", str(target), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(text.stdout.replace(NBSP, " ").split())


def test_protokoll_markdown_matches_the_golden_file(session) -> None:
    ids = _decided(session)
    protokoll.approve(session, ids.meeting_id, approved_by="SSU per e-post", on=date(2025, 10, 22))
    markdown = protokoll.render_protokoll(session, ids.meeting_id, "md")
    if os.environ.get("RSAPP_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(markdown, encoding="utf-8")
    assert markdown == GOLDEN.read_text(encoding="utf-8")


def test_protokoll_word_has_real_numbered_lists_language_and_author(session) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    ids = _decided(session)
    document = Document(io.BytesIO(protokoll.render_protokoll(session, ids.meeting_id, "docx")))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = [text for _, text in paragraphs]
    assert texts[0] == "Utkast – protokollen er ikke godkjent."
    assert "Protokoll fra ekstraordinært møte i Strategisk samarbeidsutvalg" in texts
    present = [text for style, text in paragraphs if style == "List Bullet"]
    assert (
        present[0] == "Kari Nordmann (SSU-medlem, Helgeland)"
        and "Siri Holm (SSU-medlem, Helgeland)" in present
    )
    assert not any(text.startswith("•") for text in texts)  # no typed bullets
    # Each case's vedtak (and the amended case's innstilling) is its own Word list starting at 1.
    numbering = document.part.numbering_part.element
    runs: list[list[str]] = []
    previous = None
    for paragraph in document.paragraphs:
        if paragraph.style.name != "List Number":
            previous = None
            continue
        num_id = paragraph._p.pPr.numPr.numId.val
        if num_id != previous:
            runs.append([])
            override = numbering.num_having_numId(num_id).find(
                f"{qn('w:lvlOverride')}/{qn('w:startOverride')}"
            )
            assert override is not None and override.get(qn("w:val")) == "1"
            previous = num_id
        runs[-1].append(paragraph.text)
    assert [len(run) for run in runs] == [5, 5, 1, 1]  # sak 28: innstilling and vedtak; sak 29; sak 30
    amended = runs[1][2]
    assert amended.startswith("Kr 4 000 000 av de lokale midlene innvilges")
    assert "(Endret. Innstillingen lød: «Kr 4" in amended
    assert (
        "Tor Moen fratrådte som inhabil under behandlingen av saken (forvaltningsloven § 6). Tor Moen er prosjektleder."
        in texts
    )
    assert (
        "Vedtatt med 5 mot 2 stemmer. For: Kari Nordmann, Ola Hansen, Per Olsen, Anne Berg, Liv Dahl. Mot: Tor Moen, Eva Lie."
        in texts
    )
    defaults = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    assert defaults.get(qn("w:val")) == "nb-NO"
    assert document.core_properties.language == "nb-NO"
    assert document.core_properties.author == "Helsefellesskap Helgeland"


def test_saksfremlegg_bullets_are_word_lists_nested_too(session) -> None:
    from docx import Document

    ids = week_43(session, held=False)
    update_case(
        session,
        ids.orienteringer,
        saksopplysninger="Sekretariatet orienterer om:\n• Dialog- & Partnerskapsmøte 2026\n• Webinarer høsten 2025:\n"
        "o 16. september: Erfaringsdeling FSU\no 30. september: Pakkeforløp hjem – kreft\n• Kurs i BVC",
    )
    document = Document(io.BytesIO(render_case(session, ids.orienteringer, "docx")))
    items = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("List")]
    assert items == [
        ("List Number", "SSU tar orienteringene til orientering."),
        ("List Bullet", "Dialog- & Partnerskapsmøte 2026"),
        ("List Bullet", "Webinarer høsten 2025:"),
        ("List Bullet 2", "16. september: Erfaringsdeling FSU"),
        ("List Bullet 2", "30. september: Pakkeforløp hjem – kreft"),
        ("List Bullet", "Kurs i BVC"),
    ]
    assert document.core_properties.author == "Helsefellesskap Helgeland"
    assert document.core_properties.language == "nb-NO"
    markdown = render_case(session, ids.orienteringer, "md")
    assert "- Webinarer høsten 2025:\n  - 16. september: Erfaringsdeling FSU\n" in markdown


def test_protokoll_pdf_from_libreoffice(session, tmp_path: Path) -> None:
    _, pdftotext = _tools()
    ids = _decided(session)
    protokoll.approve(session, ids.meeting_id, approved_by="SSU per e-post", on=date(2025, 10, 22))
    pdf = protokoll.render_protokoll(session, ids.meeting_id, "pdf", public=True)
    assert pdf[:5] == b"%PDF-"
    text = _pdf_text(pdftotext, pdf, tmp_path)
    assert "Protokoll fra ekstraordinært møte i Strategisk samarbeidsutvalg" in text
    assert "Offentlig versjon" in text
    assert "Vedtatt med 5 mot 2 stemmer." in text
    assert "1. SSU tar orienteringene til orientering." in text  # Word's own numbering, rendered
    assert "Protokollen ble godkjent 22.10.2025 av SSU per e-post." in text
    assert "Side 1 av" in text


def test_the_meeting_package_as_one_pdf(session, tmp_path: Path) -> None:
    _, pdftotext = _tools()
    ids = week_43(session, held=False)
    bundle = write_bundle(session, ids.meeting_id, tmp_path, as_pdf=True, today=date(2025, 10, 10))
    assert bundle.path == tmp_path / "innkalling-2025-10-20.pdf"
    assert bundle.path.stat().st_mode & 0o777 == 0o600
    assert bundle.parts[:2] == ["01 Innkalling 20.10.2025.docx", "02 Prioriteringsliste.xlsx"]
    assert len(bundle.parts) == 7  # the innkalling, the Excel list and five applications
    text = _pdf_text(pdftotext, bundle.path.read_bytes(), tmp_path)
    for expected in (
        "Innkalling til ekstraordinært møte i Strategisk samarbeidsutvalg",
        "Forfall meldes snarest til post@helsefellesskap.no",
        "Godkjenning av innkalling og saksliste",
        "Godkjenning av protokoll fra møtet 09.09.2025",
        "Sak 28-2025: Rekrutterings- og samhandlingstilskudd 2026",
        "Helgelandssykepleier",
        "Vedlegg til sak 28-2025",
    ):
        assert expected.lower() in text.lower(), expected
