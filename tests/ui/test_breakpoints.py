"""The portfolio is pushed with the breakpoint classes of the terminal's size already on it (so
it is styled once before the first frame, not styled and then restyled on the first resize):
they must be exactly the classes Textual gives a screen of that size."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from textual.screen import Screen

from rsapp.app import make_app
from rsapp.screens.portfolio import PortfolioScreen
from tests.conftest import TODAY

SIZES = [(80, 24), (100, 30), (119, 39), (120, 40), (160, 45)]


def _textual_classes(app: object, width: int, height: int) -> set[str]:
    screen = Screen()
    return screen._get_breakpoint_classes(width, app.HORIZONTAL_BREAKPOINTS) | screen._get_breakpoint_classes(  # type: ignore[attr-defined]
        height,
        app.VERTICAL_BREAKPOINTS,  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize("size", SIZES)
async def test_the_first_screen_has_the_breakpoint_classes_textual_gives_its_size(
    engine: Engine, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    at_mount: list[set[str]] = []
    mount = PortfolioScreen.on_mount

    def on_mount(screen: PortfolioScreen) -> None:
        at_mount.append(set(screen.classes))
        mount(screen)

    monkeypatch.setattr(PortfolioScreen, "on_mount", on_mount)
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PortfolioScreen)
        expected = _textual_classes(app, *size)
        assert set(app.breakpoint_classes()) == expected
        assert expected <= at_mount[0]  # already when the screen is mounted (and first styled)
        assert expected <= set(app.screen.classes)
        others = {name for _, name in app.HORIZONTAL_BREAKPOINTS + app.VERTICAL_BREAKPOINTS} - expected
        assert not others & set(app.screen.classes)
        await pilot.resize_terminal(*SIZES[-1] if size != SIZES[-1] else SIZES[0])  # and they follow a resize
        await pilot.pause()
        assert set(app.breakpoint_classes()) <= set(app.screen.classes)
