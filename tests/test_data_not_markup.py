"""Text from the database is shown as it is written, never read as markup.

Titles, owners, field texts, names and document phrases are data: a project called
``Prosjekt [pilot] i Vefsn`` must not show as ``Prosjekt  i Vefsn`` (Textual's and Rich's markup
take ``[pilot]`` for a style), and a text with ``[link=http://x]`` in it must not stop the screen
from opening (Textual's markup refuses it with a ``MarkupError``).

Each screen is reached as a user reaches it (``tests/ui/routes.py``) on a real migrated SQLite
file whose built-in Helgeland data has brackets in it: application names and owners, a contact, a
long field, the budget lines, the round, the helsefellesskap and the earmarks. What the screen
shows is read from the terminal picture (``tests/ui/amounts.screen_lines``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from textual.widgets._toast import Toast

from rsapp.app import make_app
from tests.conftest import TODAY
from tests.ui.amounts import screen_lines
from tests.ui.routes import ROUTES, ready

#: The built-in data with brackets in it (the long field also has what Textual cannot parse).
BRACKETS = [
    "UPDATE application SET name = '[pilot] ' || name, owners = 'Vefsn [kommune]', "
    "contact_municipal = 'Kari Nordmann [kontakt]', "
    "description = 'Les [link=http://x] først. ' || description",
    "UPDATE budgetline SET purpose = '[budsjett] ' || purpose, source_phrase = '[sitat] ' || source_phrase",
    "UPDATE round SET name = '[runde] ' || name",
    "UPDATE helsefellesskap SET name = name || ' [hf]'",
    "UPDATE earmark SET name = '[avsetning] ' || name, purpose = '[formål] ' || purpose",
]

#: What each screen must show exactly as written (the routes not named here only have to open).
SHOWN: dict[str, list[str]] = {
    "portfolio": ["[pilot] Interkommunal", "Vefsn [kommune]"],
    # the round filter's list: names of rounds and helsefellesskap
    "portfolio_round_list": ["Troms og Ofoten [hf]"],
    "application": [
        "[pilot] Interkommunalt innsats- og vurderingsteam for Helgeland",
        "Helsefellesskap Helgeland [hf]",  # the facts table (Rich markup)
        "Vefsn [kommune]",
        "Kari Nordmann [kontakt]",
        "[budsjett] Lønn til tre stillinger",  # the budget table
        "«[sitat] Det søkes om",
        "Les [link=http://x] først.",  # a long field (Textual markup: a crash)
    ],
    "assessment": ["[pilot] Interkommunalt innsats- og vurderingsteam for Helgeland"],
    "prioritisation": [
        "1/5 [pilot] Interkommunalt innsats- og vurderingsteam for Helgeland · Begge",  # the status line
        "Vefsn [kommune]",
    ],
    "recommendation_dialog": ["Innstilt beløp: [pilot] Helgelandssykepleier"],
    "route_dialog": ["Rute for «[pilot] Interkommunalt"],
    "earmarks_tab": ["[avsetning] Lisens for digital", "Formål: [formål] Helgeland slutter seg"],
    "years_tab": ["1. [pilot] Interkommunalt", "− [avsetning] Prosjektleder/rådgiver"],
    "regional_tab": ["[pilot] Helgelandssykepleier"],  # the regional list (Rich markup)
    "export_dialog": ["Helsefellesskap Helgeland [hf] – [runde] Rekrutterings- og samhandlingstilskudd"],
    "meeting_form": ["[runde] Rekrutterings- og samhandlingstilskudd 2026 · møteuke 43"],
    "meetings": [
        "[runde] Rekrutterings- og samhandlingstilskudd 2026 · møteuke 43",
        "2025: [runde] Rekrutterings- og samhandlingstilskudd 2026 – prioritering",  # the status line
    ],
    "case": ["2025: [runde] Rekrutterings- og samhandlingstilskudd 2026", "«[pilot] Interkommunalt"],
    "meeting_life": ["2025: [runde] Rekrutterings- og samhandlingstilskudd 2026", "«[pilot] Interkommunalt"],
    "member_ranking": ["[pilot] Interkommunalt innsats- og vurderingsteam"],
}

#: Routes that need files on disk (the import screens): not walked here.
NEEDS_FILES = ("import", "import_review")


@pytest.fixture
def bracketed(engine: Engine, sqlite_url: str) -> Iterator[str]:
    """A migrated SQLite file with the built-in data, brackets put into its texts."""
    with engine.begin() as connection:
        for statement in BRACKETS:
            assert connection.execute(text(statement)).rowcount > 0, statement
    engine.dispose()
    yield sqlite_url


def test_every_expectation_names_a_route() -> None:
    assert set(SHOWN) <= set(ROUTES) - set(NEEDS_FILES)


@pytest.mark.parametrize("route", [name for name in ROUTES if name not in NEEDS_FILES])
async def test_screen_shows_data_as_written(bracketed: str, route: str) -> None:
    """The screen opens, and every bracketed text it shows is there as written."""
    app = make_app(database_url=bracketed, today=TODAY)
    try:
        # Toasts are drawn only when asked for (Textual's tests leave them out).
        async with app.run_test(size=(200, 50), notifications=route == "meetings") as pilot:
            await ROUTES[route](pilot)
            toasts = [toast.render().plain for toast in app.screen.query(Toast)]
            await ready(pilot)
            shown = "\n".join(screen_lines(app))
            missing = [expected for expected in SHOWN.get(route, []) if expected not in shown]
            assert missing == [], f"{route}: not shown as written: {missing}\n{shown}"
            if route == "meetings":
                # The toast after drafting the case names it: as written, too.
                assert any(": [runde] Rekrutterings-" in toast for toast in toasts), toasts
    finally:
        app.db.close()


async def test_the_search_that_finds_nothing_is_named_as_typed(engine: Engine) -> None:
    """The portfolio says why its table is empty, quoting the search as the user typed it."""
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(200, 50)) as pilot:
        await ROUTES["portfolio"](pilot)
        await pilot.press("slash", *"[zz]", "enter")
        await ready(pilot)
        shown = "\n".join(screen_lines(app))
        assert "ingen treff på «[zz]»" in shown, shown
