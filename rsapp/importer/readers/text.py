"""Plain text files: decoding and lines, with form feeds as page breaks.

Decoding: UTF-8, else Windows-1252; UTF-16 and UTF-32 (what Windows calls "Unicode" text)
by their byte order mark, or for UTF-16 without one by where its zero bytes fall.
"""

from __future__ import annotations

import re

from rsapp.importer.document import Line
from rsapp.importer.errors import ImportFailure

__all__ = ["CONTROL", "decode_text", "text_lines"]

CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


#: Byte order marks, longest first (UTF-32 LE starts like UTF-16 LE).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 (Windows' "Unicode" text), by its byte order mark or, without one, by
    where the zero bytes fall in text that is mostly Latin letters."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    sample = data[:8192]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def decode_text(filename: str, data: bytes) -> str:
    wide = _wide_encoding(data)
    if wide is not None:
        try:
            text = data.decode(wide).lstrip("\ufeff")
        except UnicodeDecodeError:
            raise ImportFailure(filename, f"filen ser ut som {wide.upper()}-tekst, men er skadet") from None
        data = text.encode("utf-8")
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
