"""The limits of what rsapp stores, the same on SQLite and PostgreSQL, checked before the database.

PostgreSQL refuses an integer above 2 147 483 647 and a text longer than its column; SQLite
stores both without a word. So the two databases would disagree, and PostgreSQL's refusal
would arrive as an English driver error. rsapp checks every value itself, first:

* :data:`MAX_AMOUNT` — the largest amount in kroner in any field (2 000 000 000 kr);
* :data:`MAX_TITLE_LENGTH` — the longest title or name (300 characters); every other text
  column has its own length in the models (``max_length``), checked the same way;
* :func:`check_amount` / :func:`check_text` — for the domain's own messages, before any work;
* :func:`install_guard` — an engine hook that checks every INSERT and UPDATE against the
  column types (lengths, 32-bit integers, amounts) and raises :class:`LimitError`, a Norwegian
  message naming the field and the limit, before the statement reaches the database. It is the
  net under the domain checks: whatever path a value takes, the limit is the same.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "MAX_AMOUNT",
    "MAX_INTEGER",
    "MAX_TITLE_LENGTH",
    "LimitError",
    "check_amount",
    "check_text",
    "install_guard",
]

#: The largest amount (kroner) rsapp stores in any one field.
MAX_AMOUNT = 2_000_000_000
#: The longest title (of an application, a case, a criterion) rsapp stores.
MAX_TITLE_LENGTH = 300
#: The largest integer PostgreSQL's INTEGER holds (SQLite's is larger: rsapp keeps to this one).
MAX_INTEGER = 2_147_483_647


def _kr(amount: int) -> str:
    from rsapp.money import format_kr

    return format_kr(amount)


class LimitError(ValueError):
    """A value beyond rsapp's limits; ``norwegian`` is the message (also ``str(error)``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.norwegian = message


def check_amount(amount: int | None, what: str) -> None:
    """:class:`LimitError` when ``amount`` is above :data:`MAX_AMOUNT` (``what`` names the field)."""
    if amount is not None and amount > MAX_AMOUNT:
        raise LimitError(f"{what} er for stort: {_kr(amount)}. Høyst {_kr(MAX_AMOUNT)} kan lagres.")


def check_text(text: str | None, what: str, limit: int = MAX_TITLE_LENGTH) -> None:
    """:class:`LimitError` when ``text`` is longer than ``limit`` characters."""
    if text is not None and len(text) > limit:
        raise LimitError(f"{what} er for lang: {len(text)} tegn. Høyst {limit} tegn kan lagres.")


#: Column names as a user knows the fields.
_FIELD_WORDS = {
    "title": "Tittelen",
    "name": "Navnet",
    "working_title": "Arbeidstittelen",
    "amount": "Beløpet",
    "amount_high": "Beløpet",
    "paid_amount": "Det utbetalte beløpet",
    "summary": "Sammendraget",
    "purpose": "Formålet",
    "owners": "Prosjekteierne",
    "contact": "Kontaktpersonen",
    "source_case": "Saken",
    "origin": "Opprinnelsen",
    "role": "Rollen",
    "organisation": "Organisasjonen",
    "user": "Brukernavnet",
}
_TABLE_WORDS = {
    "application": "søknaden",
    "case": "saken",
    "meeting": "møtet",
    "earmark": "avsetningen",
    "earmark_amount": "avsetningen",
    "budget_line": "budsjettlinjen",
    "recommended_amount": "det innstilte beløpet",
    "pot": "potten",
    "round": "runden",
    "award": "tildelingen",
    "payment": "utbetalingen",
    "point": "innstillingspunktet",
    "change_log": "endringsloggen",
    "changelog": "endringsloggen",
}


def _field(column: Any, table: Any) -> str:
    name = getattr(column, "name", None) or "verdien"
    word = _FIELD_WORDS.get(name, f"Feltet «{name}»")
    table_name = getattr(table, "name", None)
    where = _TABLE_WORDS.get(table_name or "", f"tabellen «{table_name}»" if table_name else "")
    return f"{word} i {where}" if where else word


def _check(value: object, type_: Any, column: Any, table: Any) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        length = getattr(type_, "length", None)
        if isinstance(length, int) and len(value) > length:
            check_text(value, _field(column, table), length)
        return
    if isinstance(value, int):
        visit = getattr(type_, "__visit_name__", "")
        if visit not in ("integer", "small_integer"):
            return
        name = getattr(column, "name", "") or ""
        if "amount" in name:
            check_amount(value, _field(column, table))
        if abs(value) > MAX_INTEGER:
            raise LimitError(
                f"{_field(column, table)} er for stort: {value:,}. Høyst {MAX_INTEGER:,} kan lagres.".replace(
                    ",", "\u00a0"
                )
            )


def _guard(_conn: Any, _cursor: Any, _statement: Any, _parameters: Any, context: Any, _many: bool) -> None:
    compiled = getattr(context, "compiled", None)
    if compiled is None or not (getattr(compiled, "isinsert", False) or getattr(compiled, "isupdate", False)):
        return
    # A bulk insert reaches the cursor in batches, each with every row's parameters: once is enough.
    if getattr(context, "_rsapp_limits_checked", False):
        return
    context._rsapp_limits_checked = True
    table = getattr(compiled.statement, "table", None)
    columns = getattr(table, "columns", None)
    by_type = {id(column.type): column for column in columns} if columns is not None else {}
    binds = compiled.binds
    for params in context.compiled_parameters or ():
        for key, value in params.items():
            if value is None or isinstance(value, bool) or not isinstance(value, (str, int)):
                continue
            bind = binds.get(key)
            if bind is None:
                continue
            type_ = bind.type
            column = by_type.get(id(type_))
            if column is None and columns is not None:
                column = columns.get(getattr(bind, "key", "") or "") if hasattr(columns, "get") else None
            _check(value, type_, column, table)


def install_guard(engine: Any) -> None:
    """Check every INSERT and UPDATE on ``engine`` against the limits (:class:`LimitError`)."""
    from sqlalchemy import event

    if not event.contains(engine, "before_cursor_execute", _guard):
        event.listen(engine, "before_cursor_execute", _guard)
