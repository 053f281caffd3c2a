"""The sheet «Prioritering»: the ranked list, søkt and innstilt side by side per year.

One row per application in rank order. The amounts are the allocation's: what was applied for
per year (after a plan is shifted to the round's year) and what is recommended per year, «?»
where the amount is not stated. Everything after them is a formula that walks the ranking the way
:func:`rsapp.allocation.allocate` does, so the list follows a hand edit of an amount:

* «Trekker fra potten»: 1 when the row draws local money (known amount, route «Lokal pott» or
  «Begge», something recommended);
* «Under streken»: 1 from the first row that draws local money and does not fit, on;
  a row fits while every year with a confirmed pot keeps a balance of at least 0, counting the
  rest carried from earlier years (the balances before any application are on «Pott»);
* «Innenfor pott»: «Ja» (fits and draws local money), «Nei» (under the line), «–» (above the
  line, draws nothing locally), «?» (amount not stated), «ingen pott» (the round states no pot);
* «Igjen ÅÅÅÅ»: each checked year's balance after the rows above, carried down the list.

The cut line (a red line above the first row under it) and the shading of the rows under it are
conditional formats on «Under streken», so they move with the formulas. The two helper columns
stand right of the printed area (shown as «ja»/«nei»): on screen for whoever checks the walk, never
on paper (a hidden column would print as «###» in LibreOffice). Two sum rows follow:
«Sum innenfor potten» (the rows marked «Ja») and «Sum hele listen».
"""

from __future__ import annotations

from rsapp.allocation import LOCAL_ROUTES, ROUTE_LABELS
from rsapp.dates import format_date
from rsapp.export.data import ExcelData
from rsapp.export.measure import money_width, row_height, text_width
from rsapp.export.sheets.common import (
    BELOW_FILL,
    BODY_PT,
    CUT_COLOR,
    FIRST_ROW,
    LABELS,
    NO,
    NO_POT,
    NOT_LOCAL,
    NOT_STATED_TEXT,
    SHEET_POT,
    SHEET_PRIORITY,
    UNKNOWN,
    YES,
    Layout,
    Styles,
    empty,
    header_row,
    page_for,
    ref,
    text_lines,
    title_block,
)
from rsapp.export.xlsx import Book, Cell, Highlight, Sheet, column_letter

__all__ = ["priority_headers", "write_priority"]

_LOCAL = tuple(ROUTE_LABELS[r] for r in sorted(LOCAL_ROUTES))


def priority_headers(data: ExcelData, layout: Layout) -> list[str]:
    word = data.amount_word
    headers = [""] * len(layout.columns)
    named = {
        "rank": LABELS.rank,
        "name": LABELS.name,
        "owners": LABELS.owners,
        "municipalities": LABELS.municipalities,
        "trust": LABELS.trust,
        "applied_total": LABELS.applied_total,
        "recommended_total": LABELS.recommended_total(word),
        "route": LABELS.route,
        "within": LABELS.within,
        "status": LABELS.status,
        "comment": LABELS.comment,
        "notes": LABELS.notes(format_date(data.today)),
        "draws": LABELS.draws,
        "below": LABELS.below,
    }
    for name, label in named.items():
        headers[layout.columns[name] - 1] = label
    for year in layout.years:
        headers[layout.applied[year] - 1] = LABELS.applied(year)
        headers[layout.recommended[year] - 1] = LABELS.recommended(word, year)
    for year in layout.left_years:
        headers[layout.left[year] - 1] = LABELS.left(year)
    for column, extra in zip(layout.extras, data.extra_columns, strict=True):
        headers[column - 1] = extra.header
    return headers


def _fit(texts: list[str], minimum: float, maximum: float) -> float:
    longest = max((text_width(t, BODY_PT) for t in set(texts) if t), default=0.0)
    return round(min(max(longest + 1.2, minimum), maximum), 1)


def _widths(data: ExcelData, layout: Layout) -> list[float]:
    rows = data.allocation.rows
    texts = [data.text(row.key) for row in rows]
    ledger = data.allocation.ledger
    # The widest amount of a year column is its sum over the whole list (bold, in the sum row).
    sums = [sum(row.plan.applied.get(year, 0) for row in rows) for year in layout.years]
    sums += [sum((row.recommended or {}).get(year, 0) for row in rows) for year in layout.years]
    money = money_width(sums, negative=False, bold=True)
    total = money_width(
        [sum(row.plan.total or 0 for row in rows), sum(row.recommended_total or 0 for row in rows)],
        negative=False,
        bold=True,
    )
    left = money_width([ledger.available, *(b for b in ledger.budget()[1])])
    widths = [0.0] * len(layout.columns)

    def put(name: str, width: float) -> None:
        widths[layout.columns[name] - 1] = width

    put("rank", 5.0)
    put("name", _fit([row.name for row in rows], 22, 34))
    put("owners", _fit([t.owners for t in texts], 14, 24))
    put("municipalities", _fit([t.municipalities for t in texts], 12, 20))
    put("trust", _fit([t.hospital_trust for t in texts], 12, 18))
    for year in layout.years:
        widths[layout.applied[year] - 1] = money
        widths[layout.recommended[year] - 1] = money
    put("applied_total", total)
    put("recommended_total", total)
    put("route", 10.0)
    put("within", 9.0)
    for year in layout.left_years:
        widths[layout.left[year] - 1] = left
    put("status", 11.0)
    for column, extra in zip(layout.extras, data.extra_columns, strict=True):
        widths[column - 1] = extra.width
    put("comment", _fit([t.comment for t in texts], 14, 30))
    put("notes", 30.0)
    put("draws", 11.0)
    put("below", 11.0)
    return widths


def _formulas(layout: Layout, pot_rows: dict[str, int], first: bool) -> dict[str, str]:
    """The formula of each computed column for a row, with ``{n}`` (this row) and ``{p}`` (the one above)."""
    letter = column_letter
    recommended = [f"{letter(layout.recommended[y])}{{n}}" for y in layout.years]
    applied = [f"{letter(layout.applied[y])}{{n}}" for y in layout.years]
    unknown = "OR(" + ",".join(f'{c}="{UNKNOWN}"' for c in recommended) + ")"
    total = "SUM(" + ",".join(recommended) + ")"
    route = f"{layout.col('route')}{{n}}"
    draws = f"{layout.col('draws')}{{n}}"
    below = f"{layout.col('below')}{{n}}"
    within = f"{layout.col('within')}{{n}}"
    conditions = [
        f"{ref(SHEET_POT, layout.ledger_col[year], pot_rows['before'])}>=0" for year in layout.static_years
    ]
    previous: dict[int, str] = {}
    drawn: dict[int, str] = {}
    for year in layout.left_years:
        previous[year] = (
            ref(SHEET_POT, layout.ledger_col[year], pot_rows["before"])
            if first
            else f"{letter(layout.left[year])}{{p}}"
        )
        upto = [c for y, c in zip(layout.years, recommended, strict=True) if y <= year]
        drawn[year] = "SUM(" + ",".join(upto) + ")"
        conditions.append(f"{previous[year]}-{drawn[year]}>=0")
    fits = "AND(" + ",".join(conditions) + ")" if conditions else "TRUE()"
    local = "OR(" + ",".join(f'{route}="{label}"' for label in _LOCAL) + ")"
    out = {
        "applied_total": f'=IF(COUNT({",".join(applied)})=0,"{NOT_STATED_TEXT}",SUM({",".join(applied)}))',
        "recommended_total": f'=IF({unknown},"{UNKNOWN}",IF(COUNT({",".join(recommended)})=0,"",{total}))',
        "draws": f"=IF(AND(NOT({unknown}),{local},{total}>0),1,0)",
        "below": (
            f"=IF(AND({draws}=1,NOT({fits})),1,0)"
            if first
            else f"=IF(OR({layout.col('below')}{{p}}=1,AND({draws}=1,NOT({fits}))),1,0)"
        ),
        "within": (
            f'=IF({unknown},"{UNKNOWN}",IF({below}=1,"{NO}",IF({draws}=1,"{YES}","{NOT_LOCAL}")))'
            if layout.pot_stated
            else f'=IF({unknown},"{UNKNOWN}","{NO_POT}")'
        ),
    }
    for year in layout.left_years:
        out[f"left {year}"] = f'={previous[year]}-IF({within}="{YES}",{drawn[year]},0)'
    return out


def write_priority(book: Book, styles: Styles, data: ExcelData, layout: Layout) -> None:
    allocation = data.allocation
    rows = allocation.rows
    word = data.amount_word
    headers = priority_headers(data, layout)
    widths = _widths(data, layout)
    layout.widths = widths
    page = page_for(widths, data, "prioritert liste", layout.printed)
    sheet = book.sheet(
        SHEET_PRIORITY, widths, print_columns=layout.printed, freeze=f"C{FIRST_ROW}", page=page.setup
    )
    note = (
        f"{word} = {'vedtatt' if data.decided else 'foreslått'} beløp per år. Innenfor pott: «Ja» får plass i "
        "potten, «Nei» står under streken, «–» trekker ikke fra lokal pott, «?» mangler beløp. En søknad får "
        "plass så lenge hvert år med bekreftet pott går i null eller pluss, medregnet rest overført fra året "
        "før. Streken (rød linje) og skyggen under den er formler: endres et beløp, flytter de seg."
    )
    title_block(sheet, styles, data, "Prioritert liste", note, widths, page)
    header_row(sheet, styles, headers, widths)

    pot_rows = layout.ledger_rows
    columns = layout.columns
    ncols = len(columns)
    round_year = allocation.round_year
    first_templates = _formulas(layout, pot_rows, first=True)
    templates = _formulas(layout, pot_rows, first=False)
    styled = {"within": styles.center, "draws": styles.helper, "below": styles.helper}
    computed = [(columns[name] - 1, name, styled.get(name, styles.money)) for name in first_templates]
    text_cols = {
        name: (columns[name] - 1, widths[columns[name] - 1])
        for name in ("name", "owners", "municipalities", "trust", "route", "status", "comment", "notes")
    }
    extras = [
        (column - 1, widths[column - 1], extra)
        for column, extra in zip(layout.extras, data.extra_columns, strict=True)
    ]
    year_cols = [(year, layout.applied[year] - 1, layout.recommended[year] - 1) for year in layout.years]
    money, text_cell = styles.money, styles.cell_text
    blank_money = empty(styles, "money")
    unknown_cell: Cell = ("s", UNKNOWN, styles.money_text)
    for index, row in enumerate(rows):
        n = FIRST_ROW + index
        texts = data.text(row.key)
        cells: list[Cell | None] = [None] * ncols
        cells[0] = ("n", row.rank, styles.int)
        values = {
            "name": row.name,
            "owners": texts.owners,
            "municipalities": texts.municipalities,
            "trust": texts.hospital_trust,
            "route": ROUTE_LABELS.get(row.route, row.route),
            "status": texts.status,
            "comment": texts.comment,
            "notes": "; ".join(row.warnings),
        }
        wrapped: list[tuple[str, float]] = []
        for name, (column, width) in text_cols.items():
            value = values[name]
            cells[column] = text_cell(value, "wrap")
            wrapped.append((value, width))
        for column, width, extra in extras:
            value = extra.values.get(row.key, "")
            cells[column] = text_cell(value, "wrap" if extra.wrap else "text")
            if extra.wrap:
                wrapped.append((value, width))
        applied = row.plan.applied
        recommended = row.recommended
        shows_amounts = row.route in LOCAL_ROUTES
        for year, applied_col, recommended_col in year_cols:
            amount = applied.get(year)
            cells[applied_col] = blank_money if amount is None else ("n", amount, money)
            if recommended is None:
                cells[recommended_col] = unknown_cell if year == round_year else blank_money
            elif not shows_amounts:
                cells[recommended_col] = blank_money
            else:
                given = recommended.get(year)
                if given is None and not recommended and year == round_year:
                    given = 0
                cells[recommended_col] = blank_money if given is None else ("n", given, money)
        chosen = first_templates if index == 0 else templates
        p = n - 1
        for column, name, style in computed:
            cells[column] = ("f", chosen[name].format(n=n, p=p), style)
        sheet.append(cells, row_height(text_lines(wrapped), BODY_PT))

    _sum_rows(sheet, styles, layout)
    if rows:
        last_shown = column_letter(columns["notes"])
        below = f"${layout.col('below')}"
        area = f"A{layout.first}:{last_shown}{layout.last}"
        sheet.highlight(
            area,
            f"AND({below}{layout.first}=1,{below}{layout.first - 1}<>1)",
            Highlight(fill=BELOW_FILL, top_border=CUT_COLOR),
        )
        sheet.highlight(area, f"{below}{layout.first}=1", Highlight(fill=BELOW_FILL))


def _sum_rows(sheet: Sheet, styles: Styles, layout: Layout) -> None:
    first, last = layout.first, layout.last
    money_cols = [layout.applied[y] for y in layout.years] + [layout.recommended[y] for y in layout.years]
    money_cols += [layout.columns["applied_total"], layout.columns["recommended_total"]]
    within = layout.col("within")
    ncols = len(layout.columns)
    for label, kind in ((LABELS.sum_within, "within"), (LABELS.sum_all, "all")):
        cells: list[Cell | None] = [("n", None, styles.total_text) for _ in range(ncols - 2)] + [None, None]
        cells[layout.columns["name"] - 1] = ("s", label, styles.total_text)
        for column in money_cols:
            letter = column_letter(column)
            if last < first:
                formula = "=0"
            elif kind == "within":
                formula = f'=SUMIFS({letter}{first}:{letter}{last},{within}{first}:{within}{last},"{YES}")'
            else:
                formula = f"=SUM({letter}{first}:{letter}{last})"
            cells[column - 1] = ("f", formula, styles.total_money)
        sheet.append(cells, row_height(1, BODY_PT))
