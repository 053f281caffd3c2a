"""Wrapping text so that an amount is never split over two lines.

Amounts are written with non-breaking spaces (``1 234 567 kr``, see ``rsapp.money``), but Rich
wraps at any Unicode whitespace, non-breaking ones included, so ``3 600 000 kr`` could end up
as ``3 600`` / ``000 kr``. :mod:`textwrap` breaks only at ASCII whitespace, so text wrapped here
first and shown with ``no_wrap`` keeps every amount whole.
"""

from __future__ import annotations

import re
import textwrap

from rich.text import Text

__all__ = ["wrapped"]

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
