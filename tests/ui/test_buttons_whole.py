"""At 100×30 every button of every screen and dialog is whole on the screen: none is cut at the
edge or hidden past the end of a row that has to be scrolled sideways. The rows of many buttons
(Møter og saksfremlegg, Møtets gang, the case editor) are split into a *Møte:* and a *Sak:* row of
compact buttons so that they fit.

One app goes through every screen and dialog of ``tests/ui/routes.py`` (the routes the snapshots
take) and looks at each button where the compositor placed it.
"""

from __future__ import annotations

from textual.app import App
from textual.widgets import Button

from rsapp.app import RsApp
from rsapp.screens.meeting_life import ApproveForm, MeetingLifeScreen
from tests.ui.routes import ROUTES, on_every_screen, press


def cut_buttons(app: App[object]) -> list[str]:
    """The buttons of the screen on top that a user cannot see whole: ``label (why)``."""
    screen = app.screen
    shown = screen._compositor.visible_widgets
    width, height = app.size
    problems: list[str] = []
    for button in screen.query(Button).results(Button):
        if not button.display or not all(node.display for node in button.ancestors_with_self):
            continue
        label = str(button.label)
        if button not in shown:
            problems.append(f"{label} (utenfor skjermen, {button.region})")
            continue
        region, clip = shown[button][:2]
        if clip.intersection(region) != region or region.right > width or region.bottom > height:
            problems.append(f"{label} (kuttet: {region} i {clip})")
    return problems


async def test_the_buttons_of_every_screen_are_whole_at_100x30(app: RsApp) -> None:
    seen: list[int] = []

    def check(app: App[object]) -> list[str]:
        seen.append(len(app.screen.query(Button)))
        return cut_buttons(app)

    assert await on_every_screen(app, (100, 30), check) == {}
    assert sum(seen) > 40  # the walk did reach the screens with buttons


async def test_godkjenn_is_clicked_where_it_stands_at_100x30(app: RsApp) -> None:
    """The last button of Møtets gang, past the edge before the rows were split, is clicked directly."""
    async with app.run_test(size=(100, 30)) as pilot:
        await ROUTES["meeting_life"](pilot)
        assert isinstance(app.screen, MeetingLifeScreen)
        await pilot.click("#btn-life-approve")
        await press(pilot)
        assert isinstance(app.screen, ApproveForm)
