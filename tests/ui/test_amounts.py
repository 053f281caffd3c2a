"""No amount on any screen is cut or split, at 160×45 or at 100×30.

One app per size goes through every screen and dialog of ``tests/ui/routes.py`` (the same
routes the snapshots take) and reads each one widget by widget (``tests/ui/amounts.py``). The
reader itself is tested first, on the faults the secretariat met: ``2 800 0…`` in a column,
``22 257`` / ``500 kr`` and ``3 600`` / ``000`` over two lines.
"""

from __future__ import annotations

import pytest

from rsapp.app import RsApp
from rsapp.money import format_kr
from tests.ui.amounts import AT_EDGE, CONTINUES_AMOUNT, CUT_WITH_ELLIPSIS, ENDS_IN_GROUPS, amount_problems
from tests.ui.routes import on_every_screen

NB = "\u00a0"


def _split(above: str, below: str) -> bool:
    return bool(ENDS_IN_GROUPS.search(above.rstrip()) and CONTINUES_AMOUNT.match(below))


def test_the_reader_finds_what_went_wrong_before() -> None:
    assert CUT_WITH_ELLIPSIS.search(f"  2{NB}800{NB}0…  ")
    assert CUT_WITH_ELLIPSIS.search(f"4{NB}657 …")
    assert _split(f"Til fordeling 22{NB}257", "500 kr i 2026")
    assert _split(f"case preview 3{NB}600", "000 kr")
    assert _split(f"Igjen 642{NB}500", "kr etter søknadene")
    assert AT_EDGE.search(f"Utgående 1{NB}800{NB}000")
    assert AT_EDGE.search(f"Utgående 1{NB}800{NB}0")
    # … and leaves what is right alone
    whole = format_kr(5_300_000)
    assert not CUT_WITH_ELLIPSIS.search(f"Til fordeling {whole} …og mer")
    assert not _split(f"Til fordeling {whole}", "og mer tekst")
    assert not _split("Sak 28-2025", "000 kr")  # a case number is no amount
    assert not _split("Streken går før plass 3:", "kr 500 000")
    assert not AT_EDGE.search("Møte 20.10.2025")
    assert not AT_EDGE.search(f"Pott {whole}")


@pytest.mark.parametrize("size", [(160, 45), (100, 30)], ids=["160x45", "100x30"])
async def test_no_amount_on_any_screen_is_cut_or_split(size: tuple[int, int], app: RsApp) -> None:
    assert await on_every_screen(app, size, amount_problems) == {}
