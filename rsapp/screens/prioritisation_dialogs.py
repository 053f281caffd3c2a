"""Small dialogs of the prioritisation screen: grant, "flytt til plass N", route, earmark, confirm.

Each dialog only collects and checks input and returns a typed value to the screen's
callback (None when cancelled); the screen makes the change through `rsapp.prioritisation`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from rsapp.allocation import (
    ROUTE_BOTH,
    ROUTE_LABELS,
    ROUTE_LOCAL,
    ROUTE_NONE,
    ROUTE_REGIONAL,
    ROUTES,
    SPREAD_AS_APPLIED,
    SPREAD_MODES,
    SPREAD_ROUND_YEAR,
    AllocationError,
    Plan,
    spread,
)
from rsapp.money import format_kr
from rsapp.prioritisation import (
    EarmarkData,
    PrioritisationError,
    check_recommendation,
    format_earmark_amounts,
    parse_earmark_amounts,
    read_amount,
)

__all__ = [
    "ConfirmDialog",
    "EarmarkDialog",
    "MoveToDialog",
    "RecommendChoice",
    "RecommendDialog",
    "RouteDialog",
]

#: What each route means, shown under its name in the route chooser.
ROUTE_HELP = {
    ROUTE_LOCAL: "betales av den lokale potten",
    ROUTE_REGIONAL: "sendes til Helse Nords regionale ordning, teller ikke i potten",
    ROUTE_BOTH: "lokal pott betaler det innstilte, resten av det søkte sendes regionalt",
    ROUTE_NONE: "verken lokal pott eller regional søknad",
}


@dataclass(frozen=True, slots=True)
class RecommendChoice:
    """The recommendation the user chose: amounts per budget year, or None for "as applied for"."""

    amounts: dict[int, int] | None


class _Dialog(ModalScreen):
    CSS_PATH = "../styles/prioritisation.tcss"
    BINDINGS = [Binding("escape", "cancel", "Avbryt", id="cancel", tooltip="Lukk uten å endre")]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_error(self, message: str) -> None:
        error = self.query_one(".dialog-error", Static)
        error.update(message)
        error.display = True


def _amount_text(amount: int) -> str:
    """What an amount field shows: ``2 000 000`` (spaces as a user writes it, no "kr")."""
    return format_kr(amount).removesuffix(" kr")


class RecommendDialog(_Dialog):
    """Innstilt beløp for one application, year by year, or a total spread over the years."""

    def __init__(
        self, title: str, plan: Plan, recommended: Mapping[int, int] | None, round_year: int
    ) -> None:
        super().__init__()
        self.application_title = title
        self.plan = plan
        self.recommended = dict(recommended) if recommended is not None else None
        self.round_year = round_year
        years = {round_year, *plan.applied, *(self.recommended or {})}
        if not plan.applied:
            years.update({round_year + 1, round_year + 2})
        self.years = sorted(y for y in years if y >= round_year)

    def compose(self) -> ComposeResult:
        plan = self.plan
        current = self.recommended if self.recommended is not None else plan.applied
        if plan.total is None:
            applied = (
                "Søkt beløp er ikke oppgitt: skriv beløpet per år, eller sett søknaden til ikke prioritert."
            )
        else:
            applied = (
                "Søkt: "
                + "; ".join(f"{y}: {format_kr(a)}" for y, a in plan.applied.items())
                + f" (totalt {format_kr(plan.total)})."
            )
        with Vertical(classes="dialog dialog-wide"):
            # The application's title and the error line are data: plain text, never markup.
            yield Static(f"Innstilt beløp: {self.application_title}", classes="dialog-title", markup=False)
            yield Static(applied)
            for flag in plan.flags(self.round_year):
                yield Static(f"⚠ {flag}", classes="dialog-note", markup=False)
            yield Static("0 og delvis finansiering er lov, mer enn søkt totalt er ikke lov.")
            with Horizontal(classes="recommend-years"):
                for year in self.years:
                    with Vertical(classes="recommend-year"):
                        yield Label(str(year))
                        yield Input(
                            _amount_text(current.get(year, 0)) if current or plan.total is not None else "",
                            placeholder="0",
                            id=f"year-{year}",
                            classes="recommend-input",
                        )
            with Horizontal(classes="recommend-spread"):
                yield Label("Totalt:")
                yield Input(placeholder="f.eks. 3 000 000", id="recommend-total")
                yield Select(
                    [(label, mode) for mode, label in SPREAD_MODES.items()],
                    value=SPREAD_AS_APPLIED if plan.applied else SPREAD_ROUND_YEAR,
                    allow_blank=False,
                    id="recommend-mode",
                )
                yield Button("Fordel", id="recommend-spread", tooltip="Fordel totalen på årene")
            yield Static("", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Lagre", id="recommend-save", variant="primary")
                yield Button(
                    "Som søkt", id="recommend-default", tooltip="Innstill det som er søkt, år for år"
                )
                yield Button("Avbryt (Esc)", id="recommend-cancel")

    def on_mount(self) -> None:
        self.query_one(".dialog-error").display = False
        self.query_one(f"#year-{self.years[0]}", Input).focus()

    def _years_from_fields(self) -> dict[int, int]:
        amounts: dict[int, int] = {}
        for year in self.years:
            text = self.query_one(f"#year-{year}", Input).value.strip()
            if not text:
                raise PrioritisationError(f"Feltet for {year} er tomt: skriv 0 eller et beløp.")
            amount = read_amount(text, f"Innstilt beløp for {year}")
            if amount:
                amounts[year] = amount
        return amounts

    @on(Button.Pressed, "#recommend-spread")
    @on(Input.Submitted, "#recommend-total")
    def _spread(self) -> None:
        text = self.query_one("#recommend-total", Input).value.strip()
        try:
            if not text:
                raise PrioritisationError("Skriv totalen som skal fordeles.")
            total = read_amount(text, "Totalt innstilt beløp")
            mode = self.query_one("#recommend-mode", Select).value
            parts = spread(total, str(mode), self.plan, self.round_year)
        except (PrioritisationError, AllocationError) as exc:
            self.show_error(str(exc))
            return
        missing = [y for y in parts if y not in self.years]
        if missing:
            self.show_error(f"Fordelingen bruker år som ikke er i skjemaet: {', '.join(map(str, missing))}.")
            return
        for year in self.years:
            self.query_one(f"#year-{year}", Input).value = _amount_text(parts.get(year, 0))
        self.query_one(".dialog-error").display = False

    @on(Input.Submitted, ".recommend-input")
    @on(Button.Pressed, "#recommend-save")
    def _save(self) -> None:
        try:
            amounts = self._years_from_fields()
            check_recommendation(amounts, self.plan.total, self.application_title)
        except PrioritisationError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(RecommendChoice(amounts))

    @on(Button.Pressed, "#recommend-default")
    def _default(self) -> None:
        self.dismiss(RecommendChoice(None))

    @on(Button.Pressed, "#recommend-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class MoveToDialog(_Dialog):
    """Flytt til plass N."""

    def __init__(self, title: str, current: int, count: int) -> None:
        super().__init__()
        self.application_title = title
        self.current = current
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Flytt «{self.application_title}»", classes="dialog-title", markup=False)
            yield Label(f"Nå på plass {self.current}. Ny plass (1–{self.count}):")
            yield Input(placeholder=f"1–{self.count}", id="move-input", type="integer")
            yield Static("", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Flytt", id="move-save", variant="primary")
                yield Button("Avbryt (Esc)", id="move-cancel")

    def on_mount(self) -> None:
        self.query_one(".dialog-error").display = False
        self.query_one("#move-input", Input).focus()

    @on(Input.Submitted, "#move-input")
    @on(Button.Pressed, "#move-save")
    def _save(self) -> None:
        text = self.query_one("#move-input", Input).value.strip()
        try:
            position = int(text)
        except ValueError:
            self.show_error(f"Plassen må være et tall fra 1 til {self.count}, fikk «{text}».")
            return
        if not 1 <= position <= self.count:
            self.show_error(f"Plassen må være fra 1 til {self.count}, fikk {position}.")
            return
        self.dismiss(position)

    @on(Button.Pressed, "#move-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class RouteDialog(_Dialog):
    """Velg rute for one application: the four routes, the current one selected.

    Returns the chosen route code, or None when cancelled or the current route is kept.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Avbryt", id="cancel", tooltip="Lukk uten å endre"),
        *(
            Binding(str(number), f"choose('{route}')", ROUTE_LABELS[route], show=False, id=f"route-{route}")
            for number, route in enumerate(ROUTES, start=1)
        ),
    ]

    def __init__(self, title: str, current: str) -> None:
        super().__init__()
        self.application_title = title
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Rute for «{self.application_title}»", classes="dialog-title", markup=False)
            yield OptionList(
                *(
                    Option(f"{number}  {ROUTE_LABELS[route]} – {ROUTE_HELP[route]}", id=route)
                    for number, route in enumerate(ROUTES, start=1)
                ),
                id="route-options",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Velg", id="route-save", variant="primary")
                yield Button("Avbryt (Esc)", id="route-cancel")

    def on_mount(self) -> None:
        options = self.query_one("#route-options", OptionList)
        if self.current in ROUTES:
            options.highlighted = ROUTES.index(self.current)
        options.focus()

    def action_choose(self, route: str) -> None:
        self.dismiss(None if route == self.current else route)

    @on(OptionList.OptionSelected, "#route-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_choose(event.option.id or self.current)

    @on(Button.Pressed, "#route-save")
    def _save(self) -> None:
        options = self.query_one("#route-options", OptionList)
        if options.highlighted is not None:
            self.action_choose(ROUTES[options.highlighted])

    @on(Button.Pressed, "#route-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class EarmarkDialog(_Dialog):
    """Ny eller endret avsetning."""

    def __init__(self, data: EarmarkData | None = None) -> None:
        super().__init__()
        self.data = data

    def compose(self) -> ComposeResult:
        d = self.data or EarmarkData("")
        with Vertical(classes="dialog dialog-wide"):
            yield Static("Endre avsetning" if self.data else "Ny avsetning", classes="dialog-title")
            yield Label("Navn")
            yield Input(d.name, id="earmark-name")
            yield Label("Beløp per budsjettår (f.eks. «2026: 500 000; 2027: 500 000»)")
            yield Input("" if d.is_open else format_earmark_amounts(d.amounts), id="earmark-amounts")
            yield Checkbox("Beløpet er ikke avklart (åpen avsetning)", d.is_open, id="earmark-open")
            yield Label("Formål")
            yield Input(d.purpose, id="earmark-purpose")
            yield Label("Sak (kilde)")
            yield Input(d.source_case, id="earmark-case")
            yield Label("Begrunnelse")
            yield Input(d.reason, id="earmark-reason")
            yield Static("", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Lagre", id="earmark-save", variant="primary")
                yield Button("Avbryt (Esc)", id="earmark-cancel")

    def on_mount(self) -> None:
        self.query_one(".dialog-error").display = False
        self.query_one("#earmark-name", Input).focus()

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    @on(Button.Pressed, "#earmark-save")
    @on(Input.Submitted)
    def _save(self) -> None:
        name = self._value("earmark-name").strip()
        is_open = self.query_one("#earmark-open", Checkbox).value
        try:
            if not name:
                raise PrioritisationError("Avsetningen må ha et navn.")
            amounts = {} if is_open else parse_earmark_amounts(self._value("earmark-amounts"))
            if not is_open and not amounts:
                raise PrioritisationError(
                    "Skriv beløp per budsjettår, eller kryss av for at beløpet ikke er avklart."
                )
        except PrioritisationError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(
            EarmarkData(
                name,
                self._value("earmark-purpose").strip(),
                self._value("earmark-case").strip(),
                self._value("earmark-reason").strip(),
                amounts,
                is_open,
            )
        )

    @on(Button.Pressed, "#earmark-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(_Dialog):
    """Ja/nei before a change that removes something."""

    BINDINGS = [
        Binding("escape", "cancel", "Nei", id="cancel"),
        Binding("y,j", "confirm", "Ja", id="confirm"),
    ]

    def __init__(self, question: str, yes: str = "Ja") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-title", markup=False)  # names an earmark
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="confirm-yes", variant="error")
                yield Button("Nei (Esc)", id="confirm-no")

    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(False)
