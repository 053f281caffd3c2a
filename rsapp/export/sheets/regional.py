"""The sheet «Regional liste»: what the helsefellesskap forwards to Helse Nord, in rank order.

Exactly :attr:`rsapp.allocation.Allocation.regional`: every application with something left to
forward, with that amount per year. The amounts are formulas on «Prioritering» (route «Regional
søknad»: all that was applied for; «Begge»: what was applied for less what the local pot pays
when the row is marked «Ja»), so they follow a hand edit there; an amount that is not stated is
«ikke oppgitt». A year with nothing to forward is an empty cell.
"""

from __future__ import annotations

from rsapp.allocation import ROUTE_LABELS, ROUTE_REGIONAL
from rsapp.dates import format_date
from rsapp.export.data import ExcelData
from rsapp.export.measure import money_width, row_height, text_width
from rsapp.export.sheets.common import (
    BODY_PT,
    FIRST_ROW,
    LABELS,
    NOT_STATED_TEXT,
    SHEET_PRIORITY,
    SHEET_REGIONAL,
    YES,
    Layout,
    Styles,
    header_row,
    page_for,
    text_lines,
    title_block,
)
from rsapp.export.xlsx import Book, Cell, column_letter

__all__ = ["write_regional"]


def _fit(texts: list[str], minimum: float, maximum: float) -> float:
    longest = max((text_width(t, BODY_PT) for t in set(texts) if t), default=0.0)
    return round(min(max(longest + 1.2, minimum), maximum), 1)


def write_regional(book: Book, styles: Styles, data: ExcelData, layout: Layout) -> None:
    allocation = data.allocation
    items = allocation.regional
    rows_by_key = {row.key: (index, row) for index, row in enumerate(allocation.rows)}
    years = layout.years
    texts = [data.text(item.key) for item in items]
    money = money_width(
        [sum((item.by_year or {}).get(year, 0) for item in items) for year in years],
        negative=False,
        bold=True,
    )
    total = money_width([sum(item.total or 0 for item in items)], negative=False, bold=True)
    headers = [
        LABELS.regional_rank,
        LABELS.name,
        LABELS.owners,
        LABELS.municipalities,
        LABELS.trust,
        *(LABELS.regional(year) for year in years),
        LABELS.regional_total,
        LABELS.route,
    ]
    widths = [
        9.0,
        _fit([item.name for item in items], 22, 34),
        _fit([t.owners for t in texts], 14, 24),
        _fit([t.municipalities for t in texts], 12, 20),
        _fit([t.hospital_trust for t in texts], 12, 18),
        *([money] * len(years)),
        total,
        10.0,
    ]
    page = page_for(widths, data, "regional liste")
    sheet = book.sheet(SHEET_REGIONAL, widths, freeze=f"C{FIRST_ROW}", page=page.setup)
    note = (
        f"Søknadene {data.helsefellesskap} sender videre til Tildelingsutvalget i Helse Nord, i "
        "helsefellesskapets prioriterte rekkefølge, med det som gjenstår å søke regionalt per år "
        f"(søkt beløp minus det lokal pott dekker). Hvilke søknader som står her, er avgjort ved eksport "
        f"{format_date(data.today)}; beløpene er formler mot arket «{SHEET_PRIORITY}» og følger endringer der."
    )
    title_block(sheet, styles, data, "Regional liste", note, widths, page)
    header_row(sheet, styles, headers, widths)

    first_money = 6
    sheet_ref = f"'{SHEET_PRIORITY}'!"
    within = layout.col("within")
    for number, (item, text) in enumerate(zip(items, texts, strict=True)):
        index, row = rows_by_key[item.key]
        p = FIRST_ROW + index
        n = FIRST_ROW + number
        cells: list[Cell | None] = [
            ("n", item.rank, styles.int),
            styles.cell_text(item.name, "wrap"),
            styles.cell_text(text.owners, "wrap"),
            styles.cell_text(text.municipalities, "wrap"),
            styles.cell_text(text.hospital_trust, "wrap"),
        ]
        for year in years:
            if item.by_year is None:
                cells.append(("n", None, styles.money))
                continue
            applied = f"{sheet_ref}{column_letter(layout.applied[year])}{p}"
            if row.route == ROUTE_REGIONAL:
                formula = f"=N({applied})"
            else:
                recommended = f"{sheet_ref}{column_letter(layout.recommended[year])}{p}"
                formula = f'=MAX(0,N({applied})-IF({sheet_ref}{within}{p}="{YES}",N({recommended}),0))'
            cells.append(("f", formula, styles.money_no_zero))
        if item.by_year is None:
            cells.append(("s", NOT_STATED_TEXT, styles.money_text))
        else:
            last = column_letter(first_money + len(years) - 1)
            cells.append(("f", f"=SUM({column_letter(first_money)}{n}:{last}{n})", styles.money))
        route = ROUTE_LABELS.get(row.route, row.route)
        cells.append(styles.cell_text(route, "wrap"))
        lines = text_lines(
            [
                (item.name, widths[1]),
                (text.owners, widths[2]),
                (text.municipalities, widths[3]),
                (text.hospital_trust, widths[4]),
                (route, widths[-1]),
            ]
        )
        sheet.append(cells, row_height(lines, BODY_PT))

    first, last_row = FIRST_ROW, FIRST_ROW + len(items) - 1
    sums: list[Cell | None] = [("n", None, styles.total_text), ("s", LABELS.sum_, styles.total_text)]
    sums += [("n", None, styles.total_text)] * 3
    for offset in range(len(years) + 1):
        letter = column_letter(first_money + offset)
        formula = f"=SUM({letter}{first}:{letter}{last_row})" if items else "=0"
        sums.append(("f", formula, styles.total_money))
    sums.append(("n", None, styles.total_text))
    sheet.append(sums, row_height(1, BODY_PT))
