"""Wrapping text so that an amount is never split over two lines.

Amounts are written with non-breaking spaces (``1 234 567 kr``, see ``rsapp.money``), but Rich
wraps at any Unicode whitespace, non-breaking ones included, so ``3 600 000 kr`` could end up
as ``3 600`` / ``000 kr``. :mod:`textwrap` breaks only at ASCII whitespace, so text wrapped here
first and shown with ``no_wrap`` keeps every amount whole.

:func:`wrap_text` does the same for a Rich ``Text`` with styles (bold labels, coloured warnings),
and :class:`WrappedStatic` is a ``Static`` that wraps its text that way at whatever width it gets,
again after every resize.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

from rich.text import Text
from textual.widgets import Static

__all__ = ["WrappedStatic", "keep_amounts_whole", "wrap_text", "wrapped"]

#: Spaces that do not break a line: no-break space (amounts: ``1 234 567 kr``), figure space,
#: narrow no-break space.
NO_BREAK = "\u00a0\u2007\u202f"
_BREAK = rf"(?:(?![{NO_BREAK}])\s)"  # whitespace a line may break at
_WORD = rf"(?:[{NO_BREAK}]|\S)"  # what a word is made of


def keep_amounts_whole() -> None:
    """Teach Rich's and Textual's line wrapping that a no-break space does not break (idempotent).

    Both split text into words with ``\\s``, which matches U+00A0, so any wrapped text (a Markdown
    preview, a Static, a table cell) could show ``3 600`` / ``000 kr``. After this, every amount
    written by :func:`rsapp.money.format_kr` stays on one line wherever it is shown, its ``kr``
    included.
    """
    import rich._wrap
    import textual._wrap

    word = rf"{_WORD}+(?:(?<=\d) kr\b[^\s]*)?"  # "1 000 kr" and "1 000 kr," keep their "kr"
    rich._wrap.re_word = re.compile(rf"{_BREAK}*{word}{_BREAK}*")
    textual._wrap.re_chunk = re.compile(rf"{word}{_BREAK}*|{_BREAK}+")


_KR = re.compile(r"(\d) kr\b")  # "1 000 kr": the unit stays with its number


def wrapped(text: str, width: int, *, style: str = "", indent: str = "") -> Text:
    """``text`` wrapped to ``width`` cells at ordinary spaces only, as a Rich ``Text`` that Rich
    will not wrap again. Continuation lines get ``indent``."""
    width = max(width, 20)
    lines = textwrap.wrap(
        _KR.sub("\\1\u00a0kr", text),
        width=width,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return Text("\n".join(lines) or "", style=style, no_wrap=True, overflow="fold")


def wrap_text(text: Text | str, width: int) -> Text:
    """``text`` (styles kept) broken into lines of at most ``width`` cells at ASCII spaces and
    newlines only, never between an amount and its ``kr``, as a ``Text`` Rich will not wrap again.
    A word longer than the line is folded. The characters are not changed."""
    if isinstance(text, str):
        text = Text(text)
    width = max(width, 10)
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        plain = paragraph.plain
        # the words, an amount and its "kr" counted as one
        words: list[tuple[int, int]] = []
        position = 0
        for word in plain.split(" "):
            start, end = position, position + len(word)
            if words and _UNIT.match(word) and plain[words[-1][1] - 1 : words[-1][1]].isdigit():
                start = words.pop()[0]
            words.append((start, end))
            position = end + 1
        breaks: list[int] = []
        line_start = 0
        for start, end in words:
            if end - line_start > width and start > line_start:
                breaks.append(start)
                line_start = start
        parts = paragraph.divide(breaks) if breaks else [paragraph]
        for part in parts:
            line = part.copy()
            line.rstrip()
            lines.append(line)
    result = Text("\n").join(lines)
    result.no_wrap = True
    result.overflow = "fold"
    return result


_UNIT = re.compile(r"kr\b")


class WrappedStatic(Static):
    """A ``Static`` whose text wraps only at ordinary spaces (amounts stay whole) at its width."""

    def __init__(self, text: Text | str = "", **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self._text: Text | str = text
        self._width = 0

    @property
    def text(self) -> Text | str:
        return self._text

    def set_text(self, text: Text | str) -> None:
        """Show ``text`` (wrapped at the widget's width now, and again after a resize)."""
        self._text = text
        self._rewrap(force=True)

    def _available(self) -> int:
        width = self.content_region.width or self.size.width
        if not width:  # not laid out yet (the first frame): the screen's width less our gutter
            width = self.app.size.width - self.styles.gutter.width
        return width

    def _rewrap(self, force: bool = False) -> None:
        width = self._available()
        if force or width != self._width:
            self._width = width
            self.update(wrap_text(self._text, width))

    def on_mount(self) -> None:
        self._rewrap(force=True)

    def on_resize(self) -> None:
        self._rewrap()
