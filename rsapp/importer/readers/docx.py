"""Word files (.docx), read straight from their XML with lxml.

python-docx opens every part of the package, which costs more than the rest of the import;
this reader opens only the main document and, when paragraph styles are used, finds their
names in the styles part. It reads what a person sees in Word:

- paragraphs and tables, also inside content controls (``w:sdt``) at any level (body, row,
  cell, run); a control still showing its placeholder text counts as empty;
- legacy form check boxes and check-box content controls as ☒ / ☐, form text fields by
  their result; deleted text (tracked changes) and field codes are left out;
- a table cell keeps its paragraphs (and the rows of tables nested in it) in ``cell_lines``;
- a paragraph is a ``heading`` when it has a heading or title style or all its text is bold.

Line numbers count paragraphs and table rows ("avsnitt").
"""

from __future__ import annotations

import io
import re
from typing import Any

from rsapp.importer.document import Line
from rsapp.importer.errors import ImportFailure

__all__ = ["docx_lines"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
_CHECKED, _UNCHECKED = "☒", "☐"
# Wingdings / Segoe symbols Word uses for ticked and empty boxes.
_SYMBOLS = {"F0FE": _CHECKED, "F078": _CHECKED, "F0FD": _CHECKED, "F0A8": _UNCHECKED, "F06F": _UNCHECKED}
_CONTAINERS = frozenset(
    {"sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo", "hyperlink", "fldSimple"}
)


def _local(el: Any) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _on(el: Any, attr: str = f"{_W}val") -> bool:
    return el.get(attr, "1").lower() not in ("0", "false", "off")


def _part(archive: Any, rels_path: str, rel_type: str, default: str, parser: Any) -> str:
    """The zip path of the part a relationship of ``rel_type`` points to (``default`` if none)."""
    from lxml import etree

    try:
        if archive.getinfo(rels_path).file_size > MAX_UNPACKED_BYTES:
            raise ValueError("the relationships part is too large")
        rels = etree.fromstring(archive.read(rels_path), parser)
    except KeyError:
        return default
    base = rels_path.replace("_rels/", "").removesuffix(".rels").rsplit("/", 1)[0]
    for rel in rels:
        if rel.get("Type", "").endswith(rel_type) and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            if target.startswith("/"):
                return str(target.lstrip("/"))
            parts = [x for x in (base.split("/") if base else []) + target.split("/") if x and x != "."]
            out: list[str] = []
            for part in parts:
                if part == "..":
                    if out:
                        out.pop()
                else:
                    out.append(part)
            return "/".join(out)
    return default


def _placeholder(sdt: Any) -> bool:
    pr = sdt.find(f"{_W}sdtPr")
    return pr is not None and pr.find(f"{_W}showingPlcHdr") is not None and _on(pr.find(f"{_W}showingPlcHdr"))


def _checkbox_sdt(sdt: Any) -> str | None:
    pr = sdt.find(f"{_W}sdtPr")
    box = pr.find(f"{_W14}checkbox") if pr is not None else None
    if box is None:
        return None
    checked = box.find(f"{_W14}checked")
    return _CHECKED if checked is not None and _on(checked, f"{_W14}val") else _UNCHECKED


def _text(p: Any) -> str:
    """What a paragraph shows, content controls and form fields included."""
    parts: list[str] = []
    skipping = [0]  # inside a field's code (between "begin" and "separate")

    def walk(el: Any) -> None:
        name = _local(el)
        if name == "sdt":
            box = _checkbox_sdt(el)
            if box is not None:
                parts.append(box)
                return
            if _placeholder(el):
                return
            content = el.find(f"{_W}sdtContent")
            if content is not None:
                for child in content:
                    walk(child)
            return
        if name in ("pPr", "rPr", "sdtPr", "del", "moveFrom", "instrText", "delText", "footnoteReference"):
            return
        if name == "fldChar":
            kind = el.get(f"{_W}fldCharType", "")
            if kind == "begin":
                box = el.find(f"{_W}ffData/{_W}checkBox")
                if box is not None:
                    checked = box.find(f"{_W}checked")
                    if checked is None:
                        checked = box.find(f"{_W}default")
                    parts.append(_CHECKED if checked is not None and _on(checked) else _UNCHECKED)
                skipping[0] += 1
            elif kind == "separate" and skipping[0]:
                skipping[0] -= 1
            elif kind == "end" and skipping[0]:
                skipping[0] -= 1
            return
        if skipping[0] and name in ("t", "tab", "br", "cr", "noBreakHyphen", "sym"):
            return
        if name == "t":
            parts.append(el.text or "")
        elif name == "tab":
            parts.append("\t")
        elif name in ("br", "cr"):
            parts.append("\n")
        elif name == "noBreakHyphen":
            parts.append("-")
        elif name == "sym":
            parts.append(_SYMBOLS.get(el.get(f"{_W}char", "").upper(), ""))
        else:
            for child in el:
                walk(child)

    for child in p:
        walk(child)
    return "".join(parts)


def _is_heading(p: Any, style_names: dict[str, str]) -> bool:
    """A Word heading style, or a paragraph whose every run with text is bold."""
    p_pr = p.find(f"{_W}pPr")
    style_el = p_pr.find(f"{_W}pStyle") if p_pr is not None else None
    style_id = style_el.get(f"{_W}val", "") if style_el is not None else ""
    style = (style_names.get(style_id) or style_id).lower()
    if style.startswith(("heading", "overskrift", "title", "tittel")):
        return True
    runs = [r for r in p.iter(f"{_W}r") if "".join(t.text or "" for t in r.iter(f"{_W}t")).strip()]
    if not runs:
        return False
    for run in runs:
        r_pr = run.find(f"{_W}rPr")
        bold = r_pr.find(f"{_W}b") if r_pr is not None else None
        if bold is None or not _on(bold):
            return False
    return True


class _Reader:
    def __init__(self, style_names: dict[str, str]) -> None:
        self.style_names = style_names
        self.number = 0
        self.tables = 0

    def blocks(self, parent: Any) -> list[Any]:
        """The paragraphs and tables of a body or cell, content controls opened."""
        out: list[Any] = []
        for child in parent:
            name = _local(child)
            if name in ("p", "tbl"):
                out.append(child)
            elif name == "sdt":
                if _placeholder(child):
                    continue
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    out += self.blocks(content)
            elif name in _CONTAINERS:
                out += self.blocks(child)
        return out

    def paragraph(self, p: Any, number: int) -> list[Line]:
        heading = _is_heading(p, self.style_names)
        lines = [
            Line(number, part, None, heading=heading and bool(part.strip())) for part in _text(p).split("\n")
        ]
        lines.append(Line(number, ""))
        return lines

    def body(self, parent: Any) -> list[Line]:
        lines: list[Line] = []
        for block in self.blocks(parent):
            if _local(block) == "p":
                self.number += 1
                lines += self.paragraph(block, self.number)
            else:
                lines += self.table(block, None)
                lines.append(Line(self.number, ""))
        return lines

    def _children(self, parent: Any, name: str) -> list[Any]:
        out: list[Any] = []
        for child in parent:
            local = _local(child)
            if local == name:
                out.append(child)
            elif local == "sdt" or local in _CONTAINERS:
                content = child.find(f"{_W}sdtContent") if local == "sdt" else child
                if content is not None:
                    out += self._children(content, name)
        return out

    def table(self, tbl: Any, fixed_number: int | None) -> list[Line]:
        self.tables += 1
        table_id = self.tables
        lines: list[Line] = []
        above: dict[int, tuple[str, tuple[Line, ...]]] = {}  # grid column -> cell, for vertical merges
        for row in self._children(tbl, "tr"):
            if fixed_number is None:
                self.number += 1
            number = fixed_number if fixed_number is not None else self.number
            cells: list[str] = []
            per_cell: list[tuple[Line, ...]] = []
            column = 0
            for tc in self._children(row, "tc"):
                tc_pr = tc.find(f"{_W}tcPr")
                span_el = tc_pr.find(f"{_W}gridSpan") if tc_pr is not None else None
                try:
                    span = int(span_el.get(f"{_W}val", "1")) if span_el is not None else 1
                except ValueError:
                    span = 1
                merge = tc_pr.find(f"{_W}vMerge") if tc_pr is not None else None
                if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                    text, sub = above.get(column, ("", ()))
                else:
                    sub_list: list[Line] = []
                    texts: list[str] = []
                    for block in self.blocks(tc):
                        if _local(block) == "p":
                            para = self.paragraph(block, number)
                            sub_list += para
                            texts += [x.text for x in para]
                        else:
                            nested = self.table(block, number)
                            sub_list += nested
                            sub_list.append(Line(number, ""))
                            texts += [" ".join(n.cells or ()) for n in nested]
                    text = " ".join(" ".join(texts).split())
                    sub = tuple(sub_list)
                above[column] = (text, sub)
                cells.append(text)
                per_cell.append(sub)
                column += max(span, 1)
            lines.append(
                Line(
                    number,
                    " | ".join(cells),
                    None,
                    cells=tuple(cells),
                    cell_lines=tuple(per_cell),
                    table=table_id,
                )
            )
        return lines


#: The most a part of a .docx may unpack to. A long form with tables is a few MB of XML; a small
#: file that unpacks to more is broken or made to exhaust the memory (a "zip bomb").
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
#: libxml2 refuses XML nested deeper than this without its "huge" option (which rsapp never sets).
MAX_XML_DEPTH = 256


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}".replace(",", " ") + " MB"


def _read_part(archive: Any, name: str, filename: str) -> bytes:
    """A part of the package, refused when it unpacks to more than :data:`MAX_UNPACKED_BYTES`
    (by its stated size, and by what is actually read, so a false header does not help)."""
    info = archive.getinfo(name)
    too_big = ImportFailure(
        filename,
        f"Word-filen pakkes ut til {_megabytes(max(info.file_size, MAX_UNPACKED_BYTES + 1))} "
        f"(grensen er {_megabytes(MAX_UNPACKED_BYTES)}); den er skadet eller laget for å fylle minnet, "
        "og blir ikke lest",
    )
    if info.file_size > MAX_UNPACKED_BYTES:
        raise too_big
    with archive.open(info) as handle:
        data = handle.read(MAX_UNPACKED_BYTES + 1)
    if len(data) > MAX_UNPACKED_BYTES:
        raise too_big
    return bytes(data)


def docx_lines(filename: str, data: bytes) -> list[Line]:
    import zipfile

    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            main = _part(archive, "_rels/.rels", "/officeDocument", "word/document.xml", parser)
            folder, name = main.rsplit("/", 1) if "/" in main else ("", main)
            rels = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
            styles_path = _part(archive, rels, "/styles", "word/styles.xml", parser)
            try:
                root = etree.fromstring(_read_part(archive, main, filename), parser)
            except etree.XMLSyntaxError as exc:
                if "depth" in str(exc).lower():
                    raise ImportFailure(
                        filename,
                        f"Word-filen er nestet for dypt (mer enn {MAX_XML_DEPTH} nivåer inni hverandre); "
                        "den er skadet eller laget for å stoppe programmer, og blir ikke lest",
                    ) from None
                raise
            body = root.find(f"{_W}body")
            if body is None:
                raise ValueError("no body")
            # Style id -> name ("Overskrift2" -> "heading 2"), for the paragraph styles in use
            # only: styles.xml is hundreds of kB, found by a search rather than parsed whole.
            used = {el.get(f"{_W}val", "") for el in body.iter(f"{_W}pStyle")}
            style_names: dict[str, str] = {}
            if used:
                try:
                    styles = _read_part(archive, styles_path, filename)
                except KeyError:
                    styles = b""
                for style_id in used:
                    m = re.search(
                        rb'styleId="' + re.escape(style_id.encode()) + rb'"[^>]*>\s*<w:name w:val="([^"]*)"',
                        styles,
                    )
                    style_names[style_id] = m.group(1).decode("utf-8", "replace") if m else style_id
        return _Reader(style_names).body(body)
    except ImportFailure:
        raise
    except RecursionError:
        raise ImportFailure(
            filename,
            "Word-filen er nestet for dypt til å leses; den er skadet eller laget for å stoppe programmer",
        ) from None
    except Exception as exc:  # noqa: BLE001 - zip and XML errors alike
        raise ImportFailure(filename, "Word-filen er skadet eller ufullstendig og kan ikke åpnes") from exc
