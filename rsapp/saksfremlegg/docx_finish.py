"""Make a rendered Word document look finished: real lists, Norwegian language, the author.

* **Real bullet lists.** Templates write a bullet item as its own paragraph starting with a
  marker (:data:`BULLET` for the first level, :data:`BULLET_NESTED` for the second); here each
  becomes a paragraph in Word's "List Bullet" / "List Bullet 2" style (numbering-based bullets
  Word and LibreOffice treat as a list), the marker removed. No typed "•" is left.
* **Language nb-NO** in the document defaults, every style that names a language, and the
  document properties, so spelling and hyphenation are Norwegian bokmål.
* **Author** (and last modified by) is the helsefellesskap, not the program; the title is set
  when given.

Pure python-docx on a ``docx.document.Document``; nothing here reads the database.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BULLET", "BULLET_NESTED", "LANGUAGE", "bullet_text", "finish_document"]

LANGUAGE = "nb-NO"
#: Paragraph markers a template or context writes for a bullet item (a tab follows).
BULLET = "•\t"
BULLET_NESTED = "◦\t"
_STYLES = {BULLET: "List Bullet", BULLET_NESTED: "List Bullet 2"}


def bullet_text(item: str, level: int = 1) -> str:
    """The paragraph text that :func:`finish_document` turns into a level-``level`` list item."""
    return (BULLET if level <= 1 else BULLET_NESTED) + item


def _set_language(document: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    for element in styles.iter(qn("w:lang")):
        element.set(qn("w:val"), LANGUAGE)
    document.core_properties.language = LANGUAGE


def _real_lists(document: Any) -> None:
    available = {style.name for style in document.styles}
    for paragraph in _all_paragraphs(document):
        text = paragraph.text
        marker = next((m for m in _STYLES if text.startswith(m)), None)
        if marker is None or _STYLES[marker] not in available:
            continue
        _strip_prefix(paragraph, len(marker))
        paragraph.style = document.styles[_STYLES[marker]]


def _all_paragraphs(document: Any) -> list[Any]:
    found = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                found.extend(cell.paragraphs)
    return found


def _strip_prefix(paragraph: Any, count: int) -> None:
    """Remove the first ``count`` characters of the paragraph's text, run by run (keeping runs)."""
    from docx.oxml.ns import qn

    left = count
    for run in paragraph.runs:
        if left <= 0:
            break
        # A tab is its own element (w:tab) in a run; text sits in w:t.
        for child in list(run._r):
            if left <= 0:
                break
            if child.tag == qn("w:tab"):
                run._r.remove(child)
                left -= 1
            elif child.tag == qn("w:t"):
                value = child.text or ""
                take = min(left, len(value))
                child.text = value[take:]
                left -= take


def finish_document(document: Any, *, author: str, title: str | None = None) -> None:
    """Real lists, language nb-NO and the helsefellesskap as author (in place)."""
    _real_lists(document)
    _set_language(document)
    props = document.core_properties
    if author:
        props.author = author
        props.last_modified_by = author
    if title:
        props.title = title
