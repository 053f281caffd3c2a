"""The sheet «Pott»: the ledger by budget year, carried over, with the export's warnings.

One column per year. The pots and the decided earmarks are the allocation's inputs, written as
numbers a reader may change; every other line is a formula:

    Inngående saldo (last year's closing) + pots − earmarks − innstilt innenfor potten
    = Utgående saldo, carried into the next year.

An open earmark stands as «ikke avklart» in the year the allocation lists it in, never 0. Below
the ledger: the year's new money (confirmed, assumed), the earmarks in all, what the year rests
on (bekreftet / antatt / ingen pott) and «Saldo uten søknader», each year's closing before any
application is counted, which the list's cut line is measured against. Then the headline figures
(til fordeling, herav overført, igjen) and the warnings as they stood at the export, dated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rsapp.dates import format_date
from rsapp.export.data import ExcelData
from rsapp.export.measure import line_count, money_width, row_height
from rsapp.export.sheets.common import (
    BODY_PT,
    FIRST_ROW,
    LABELS,
    NOT_STATED_TEXT,
    OPEN_TEXT,
    SHEET_POT,
    SHEET_PRIORITY,
    Layout,
    Styles,
    clean_text,
    header_row,
    page_for,
    ref,
    text_lines,
    title_block,
)
from rsapp.export.xlsx import Book, Cell, column_letter

__all__ = ["write_pot"]


def write_pot(book: Book, styles: Styles, data: ExcelData, layout: Layout) -> None:
    allocation = data.allocation
    ledger = allocation.ledger
    years = layout.ledger_years
    rows = layout.ledger_rows
    word = data.amount_word
    round_year = allocation.round_year
    n_years = len(years)
    amounts = (
        [p.amount for p in ledger.pots]
        + [a for e in ledger.earmarks for a in e.amounts.values()]
        + [abs(item.closing) for item in allocation.years]
        + [ledger.available, *ledger.budget()[1]]
    )
    money = max(money_width(amounts), 11.0)
    widths = [44.0, *([money] * n_years), 34.0]
    page = page_for(widths, data, "pott")
    sheet = book.sheet(SHEET_POT, widths, freeze=f"B{FIRST_ROW}", page=page.setup)
    note = (
        "Regnskapet per budsjettår: inngående saldo + ny pott − avsetninger − "
        f"{word.lower()} innenfor potten = utgående saldo, som overføres til neste år. Pott og avsetninger "
        f"kan endres her; alt annet er formler. «{OPEN_TEXT}» telles ikke som 0."
    )
    title_block(sheet, styles, data, "Lokal pott per budsjettår", note, widths, page)
    header_row(sheet, styles, [LABELS.post, *(str(y) for y in years), LABELS.note], widths)

    letter = {year: column_letter(layout.ledger_col[year]) for year in years}
    label_width, note_width = widths[0], widths[-1]

    def line(
        label: str, values: list[Cell | None], note: str = "", total: bool = False, boxed: bool = True
    ) -> None:
        text = styles.ledger_total_text if total else styles.wrap
        last = styles.cell_text(note, "wrap") if note or boxed else None
        cells: list[Cell | None] = [("s", clean_text(label), text), *values, last]
        sheet.append(cells, row_height(text_lines([(label, label_width), (note, note_width)]), BODY_PT))

    def formulas(make: Callable[[str, str | None, int], str], style: Any = None) -> list[Cell | None]:
        out: list[Cell | None] = []
        for index, year in enumerate(years):
            previous = letter[years[index - 1]] if index else None
            out.append(("f", make(letter[year], previous, year), style or styles.money))
        return out

    blank = ("n", None, styles.money)
    pots, earmarks = layout.pot_rows, layout.earmark_rows
    line(LABELS.opening, formulas(lambda x, w, y: f"={w}{rows['closing']}" if w else "=0"))
    for pot in ledger.pots:
        values: list[Cell | None] = [
            ("n", pot.amount, styles.money) if year == pot.budget_year else blank for year in years
        ]
        line(
            f"+ {pot.origin or f'Lokal pott {pot.budget_year}'}",
            values,
            LABELS.confirmed if pot.confirmed else LABELS.assumed,
        )
    for earmark in ledger.earmarks:
        source = data.earmark_sources.get(earmark.key, "")
        if earmark.open:
            open_years = set(earmark.amounts or (round_year,))
            values = [("s", OPEN_TEXT, styles.money_text) if y in open_years else blank for y in years]
            note_text = "; ".join(x for x in (source, "beløpet er ikke avklart og telles ikke som 0") if x)
        else:
            values = [
                ("n", earmark.amounts[y], styles.money) if y in earmark.amounts else blank for y in years
            ]
            note_text = source
        line(f"− {earmark.name}", values, note_text)

    def span_sum(x: str, span_rows: list[int]) -> str:
        return f"SUM({x}{span_rows[0]}:{x}{span_rows[-1]})" if span_rows else "0"

    line(
        LABELS.recommended_within(word),
        formulas(
            lambda x, w, y: (
                f"={ref(SHEET_PRIORITY, layout.recommended[y], layout.sum_within_row)}"
                if y in layout.recommended
                else "=0"
            )
        ),
        f"Fra arket «{SHEET_PRIORITY}»: søknadene merket «Ja»",
    )
    line(
        LABELS.closing,
        formulas(
            lambda x, w, y: (
                f"={x}{rows['opening']}+{span_sum(x, pots)}-{span_sum(x, earmarks)}-{x}{rows['recommended']}"
            ),
            styles.total_money,
        ),
        total=True,
    )
    sheet.append([], None)
    confirmed_rows = [r for r, p in zip(pots, ledger.pots, strict=True) if p.confirmed]
    assumed_rows = [r for r, p in zip(pots, ledger.pots, strict=True) if not p.confirmed]

    def plus(x: str, picked: list[int]) -> str:
        return "=" + "+".join(f"{x}{r}" for r in picked) if picked else "=0"

    line(LABELS.new_confirmed, formulas(lambda x, w, y: plus(x, confirmed_rows)))
    line(LABELS.new_assumed, formulas(lambda x, w, y: plus(x, assumed_rows)))
    line(
        LABELS.earmarked, formulas(lambda x, w, y: f"={span_sum(x, earmarks)}"), f"«{OPEN_TEXT}» er ikke med"
    )
    line(
        LABELS.basis,
        formulas(
            lambda x, w, y: (
                f'=IF({x}{rows["new_confirmed"]}>0,"bekreftet",IF({x}{rows["new_assumed"]}>0,'
                f'"antatt","ingen pott"))'
            ),
            styles.money_text,
        ),
        "Bare år med bekreftet pott kan bære en søknad over streken; andre år gir varsel",
    )
    line(
        LABELS.before,
        formulas(
            lambda x, w, y: (
                ("=" + (f"{w}{rows['before']}+" if w else ""))
                + f"{x}{rows['new_confirmed']}+{x}{rows['new_assumed']}-{x}{rows['earmarked']}"
            )
        ),
        "Saldo ved årets slutt om ingen søknad fikk penger",
    )
    sheet.append([], None)

    # The headline, in the round year's column.
    at = layout.ledger_col[round_year] - 2  # index into the year values

    def headline(label: str, cell: Cell, note: str = "") -> None:
        values: list[Cell | None] = [None] * n_years
        values[at] = cell
        line(label, values, note, total=True, boxed=False)

    x = letter[round_year]
    if ledger.pot_stated:
        headline(LABELS.to_distribute(round_year), ("f", f"={x}{rows['before']}", styles.total_money))
        previous = round_year - 1
        carried: Cell = (
            ("f", f"={letter[previous]}{rows['before']}", styles.total_money)
            if previous in letter
            else ("n", 0, styles.total_money)
        )
        headline(LABELS.carried(previous), carried)
        headline(LABELS.left_after(round_year), ("f", f"={x}{rows['closing']}", styles.total_money))
    else:
        missing: Cell = ("s", f"pott {NOT_STATED_TEXT}", styles.total_money_text)
        headline(LABELS.to_distribute(round_year), missing, "Ingen strek før potten er lagt inn")

    # The warnings that concern the round (each application's own are in its row on «Prioritering»).
    own = {f"«{row.name}» (rangering {row.rank}): {text}" for row in allocation.rows for text in row.warnings}
    warnings = [warning for warning in allocation.warnings if warning not in own]
    if own:
        warnings.append(
            f"Varsler for den enkelte søknaden står i kolonnen «Merknader» på arket «{SHEET_PRIORITY}»."
        )
    if warnings:
        sheet.append([], None)
        day = format_date(data.today)
        sheet.append([("s", LABELS.warnings(day), styles.heading)], row_height(1, 11.0))
        for warning in warnings:  # in column A, wide enough to wrap them: no merged cells
            sheet.append(
                [styles.cell_text(warning, "plain_wrap")],
                row_height(line_count(warning, label_width, BODY_PT), BODY_PT),
            )
