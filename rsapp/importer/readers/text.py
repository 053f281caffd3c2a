"""Plain text files: decoding (UTF-8 or Windows-1252) and lines, with form feeds as page breaks."""

from __future__ import annotations

import re

from rsapp.importer.document import Line
from rsapp.importer.errors import ImportFailure

__all__ = ["CONTROL", "decode_text", "text_lines"]

CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode_text(filename: str, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise ImportFailure(filename, "filen er ikke tekst (binært innhold)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ImportFailure(filename, "ukjent tegnkoding (verken UTF-8 eller Windows-1252)") from exc
    sample = text[:8192]
    if sample and len(CONTROL.findall(sample)) > max(8, len(sample) // 50):
        raise ImportFailure(filename, "filen er ikke tekst (binært innhold)")
    return text


def text_lines(text: str) -> list[Line]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines: list[Line] = []
    pages = text.split("\f")
    number = 0
    for page_index, page in enumerate(pages, start=1):
        for raw in page.split("\n"):
            number += 1
            lines.append(Line(number, CONTROL.sub("", raw), page_index if len(pages) > 1 else None))
    return lines
