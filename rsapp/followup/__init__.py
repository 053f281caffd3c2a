"""Follow-up of funded projects: Helse Nord's awards, payments per year, reports due.

* :mod:`.awards` – what the Tildelingsutvalg awarded per forwarded application and year, by
  hand or from an Excel/CSV list, shown beside what was sought;
* :mod:`.plan` – each funded project's payments (planned, paid) and reports (annual, final)
  with dates and status, made from the awards and then kept by hand;
* :mod:`.views` – what falls due in the next 30 days, a per-project summary and the annual
  overview (awarded, paid, reported, per project and year);
* :mod:`.excel` – the annual overview as an Excel workbook for Helse Nord's yearly reporting.

Plain domain code: no Textual; writes go through :func:`rsapp.store.unit_of_work.unit_of_work`.
"""
