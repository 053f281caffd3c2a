"""How a user reaches each screen and dialog from the start screen: one table for the snapshot
tests and the test that no amount is cut or split.

Each route starts on the portfolio (the built-in Helgeland data, ``today`` 20.10.2025) and ends
with the screen ready for a picture: its workers done, timers that redraw it run, toasts gone.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DirectoryTree, Markdown, Select
from textual.worker import Worker

from tests.conftest import SEEDS

Route = Callable[[Pilot], Awaitable[None]]

#: The home folder the import screen's file tree starts in: a fixed path, so that the picture
#: does not depend on where the tests run.
IMPORT_HOME = Path("/tmp/rsapp-skjermbilder/hjem")


def _endless(worker: Worker[object]) -> bool:
    """A worker that runs as long as its widget lives (the file tree's loader)."""
    return isinstance(worker.node, DirectoryTree)


async def settled(pilot: Pilot) -> None:
    """Every worker done (and the workers their messages started) and the screen redrawn."""
    await pilot.pause()
    app = pilot.app
    for _ in range(40):
        pending = [w for w in app.workers if not w.is_finished and not _endless(w)]
        if not pending:
            await pilot.pause()
            if all(w.is_finished or _endless(w) for w in app.workers):
                return
            continue
        await asyncio.gather(*(w.wait() for w in pending), return_exceptions=True)
        await pilot.pause()


async def press(pilot: Pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settled(pilot)


async def until(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    """Wait for something drawn after a timer (not a worker), however slow the machine is."""
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"gave up waiting for {what}")


async def ready(pilot: Pilot) -> None:
    """The screen without its toasts: a toast disappears after some seconds of wall-clock time, so
    whether it is still there depends on how fast the machine ran (the Pilot tests assert them)."""
    pilot.app.clear_notifications()
    await settled(pilot)


def _on(name: str, pilot: Pilot) -> None:
    assert type(pilot.app.screen).__name__ == name, type(pilot.app.screen).__name__


async def portfolio(pilot: Pilot) -> None:
    await settled(pilot)
    _on("PortfolioScreen", pilot)


async def portfolio_round_list(pilot: Pilot) -> None:
    """The round filter's list open: the footer names Textual's own key in Norwegian."""
    await portfolio(pilot)
    await press(pilot, "f3")
    assert pilot.app.screen.query_one("#filter-round").expanded


async def help_screen(pilot: Pilot) -> None:
    await portfolio(pilot)
    await press(pilot, "f1")
    _on("HelpScreen", pilot)


async def command_palette(pilot: Pilot) -> None:
    await portfolio(pilot)
    await press(pilot, "ctrl+p")
    await pilot.pause(0.3)
    await settled(pilot)
    _on("NorskCommandPalette", pilot)


async def application(pilot: Pilot) -> None:
    await portfolio(pilot)
    await press(pilot, "enter")
    _on("ApplicationScreen", pilot)


async def assessment(pilot: Pilot) -> None:
    await portfolio(pilot)
    await press(pilot, "v")
    _on("AssessmentScreen", pilot)


async def habilitet(pilot: Pilot) -> None:
    await assessment(pilot)
    await press(pilot, "h")
    _on("HabilitetScreen", pilot)


async def prioritisation(pilot: Pilot) -> None:
    await portfolio(pilot)
    await press(pilot, "p")
    _on("PrioritisationScreen", pilot)


async def recommendation_dialog(pilot: Pilot) -> None:
    await prioritisation(pilot)
    await press(pilot, "end", "g")  # Helgelandssykepleier: five years applied for


async def route_dialog(pilot: Pilot) -> None:
    await prioritisation(pilot)
    await press(pilot, "v")


async def earmarks_tab(pilot: Pilot) -> None:
    await prioritisation(pilot)
    await press(pilot, "2")


async def years_tab(pilot: Pilot) -> None:
    await prioritisation(pilot)
    await press(pilot, "3")


async def regional_tab(pilot: Pilot) -> None:
    await prioritisation(pilot)
    await press(pilot, "5")


async def export_dialog(pilot: Pilot) -> None:
    await portfolio(pilot)
    await press(pilot, "e")


async def meeting_form(pilot: Pilot) -> None:
    await portfolio(pilot)
    await press(pilot, "k")
    _on("CasesScreen", pilot)
    await press(pilot, "n")


async def meetings(pilot: Pilot) -> None:
    """The meetings screen with the week-43 meeting and its prioritisation case drafted."""
    await meeting_form(pilot)
    await press(pilot, "ctrl+s")
    await press(pilot, "p")  # draft the prioritisation case …
    await press(pilot, "enter")  # … with the proposed number
    _on("CasesScreen", pilot)


async def case(pilot: Pilot) -> None:
    """The prioritisation case opened for editing, its preview drawn."""
    await meetings(pilot)
    await press(pilot, "tab")  # to the saksliste
    await press(pilot, "enter")  # open the case
    screen = pilot.app.screen
    _on("CaseEditScreen", pilot)
    # The preview is rebuilt a moment after the last change (a timer), then mounted in batches.
    preview = screen.query_one("#preview", Markdown)
    await until(
        pilot,
        lambda: preview.source == screen.preview_markdown() and not preview.lock.is_locked,  # type: ignore[attr-defined]
        "the case preview",
    )


async def exemptions(pilot: Pilot) -> None:
    """Unntatt offentlighet of the prioritisation case (u, the point list focused)."""
    await case(pilot)
    await ready(pilot)  # the toasts of drafting the case go before the dialog covers them
    await press(pilot, "u")
    _on("ExemptionsScreen", pilot)


async def exemption_form(pilot: Pilot) -> None:
    """The form for a new exemption, started from the selected point (1)."""
    await exemptions(pilot)
    await press(pilot, "a")
    _on("ExemptionForm", pilot)


async def meeting_life(pilot: Pilot) -> None:
    await meetings(pilot)
    await press(pilot, "shift+tab")  # back to the meetings list
    await press(pilot, "g")
    _on("MeetingLifeScreen", pilot)


async def follow_up(pilot: Pilot) -> None:
    await portfolio(pilot)
    await press(pilot, "u")
    _on("FollowUpScreen", pilot)


async def member_ranking(pilot: Pilot) -> None:
    await portfolio(pilot)
    await press(pilot, "m")
    _on("MemberRankingScreen", pilot)


def import_home() -> Path:
    """A fixed home folder with one folder of applications (see :data:`IMPORT_HOME`)."""
    if IMPORT_HOME.exists():
        shutil.rmtree(IMPORT_HOME)
    folder = IMPORT_HOME / "Søknader"
    folder.mkdir(parents=True)
    shutil.copy(next(SEEDS.glob("003_*.txt")), folder / "bunke.txt")
    return IMPORT_HOME


async def import_screen(pilot: Pilot) -> None:
    await portfolio(pilot)
    await press(pilot, "i")
    _on("ImportScreen", pilot)


async def import_review(pilot: Pilot) -> None:
    """The bundle of five applications read, the first one under review."""
    await import_screen(pilot)
    screen = pilot.app.screen
    await pilot.click("#import-path")
    await press(pilot, *str(IMPORT_HOME / "Søknader" / "bunke.txt"), "enter")
    await pilot.click("#import-read-button")
    await until(
        pilot,
        lambda: bool(screen.previews) and not screen.query_one("#import-read-button").disabled,  # type: ignore[attr-defined]
        "the files to be read",
    )
    await press(pilot, "f6")
    _on("ImportReviewScreen", pilot)


#: Every screen and dialog, by name: how to get there from the start.
ROUTES: dict[str, Route] = {
    "portfolio": portfolio,
    "portfolio_round_list": portfolio_round_list,
    "help": help_screen,
    "command_palette": command_palette,
    "application": application,
    "assessment": assessment,
    "habilitet": habilitet,
    "prioritisation": prioritisation,
    "recommendation_dialog": recommendation_dialog,
    "route_dialog": route_dialog,
    "earmarks_tab": earmarks_tab,
    "years_tab": years_tab,
    "regional_tab": regional_tab,
    "export_dialog": export_dialog,
    "meeting_form": meeting_form,
    "meetings": meetings,
    "case": case,
    "exemptions": exemptions,
    "exemption_form": exemption_form,
    "meeting_life": meeting_life,
    "follow_up": follow_up,
    "member_ranking": member_ranking,
    "import": import_screen,
    "import_review": import_review,
}


async def back_to_the_portfolio(app: App[object]) -> None:
    """Close what a route left open (menus, dialogs, screens) and put the focus on the table."""
    for select in app.screen.query(Select).results(Select):
        select.expanded = False
    while type(app.screen).__name__ != "PortfolioScreen" and len(app.screen_stack) > 1:
        app.pop_screen()
    app.screen.query_one("#applications").focus()  # where a user's keys go from here


async def on_every_screen(
    app: App[object], size: tuple[int, int], check: Callable[[App[object]], list[str]]
) -> dict[str, list[str]]:
    """Take ``app`` along every route at ``size``; what ``check`` finds wrong on each screen, by
    route name."""
    problems: dict[str, list[str]] = {}
    async with app.run_test(size=size) as pilot:
        for name, route in ROUTES.items():
            await route(pilot)
            await ready(pilot)
            found = check(app)
            if found:
                problems[name] = found
            await back_to_the_portfolio(app)
            await pilot.pause()
    return problems
