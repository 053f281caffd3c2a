"""Keys users can change: the config file's [taster] moves a key in the footer, the help (F1) and
the command palette at once, and the key itself works; the defaults suit a Norwegian keyboard and
a terminal multiplexer; a broken file is named, not fatal.

The config folder is the test's own (``XDG_CONFIG_HOME`` from ``tests/conftest.py``), found the
way rsapp finds it (``rsapp config sti``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from textual.command import CommandPalette
from textual.widgets import Static

from rsapp.app import make_app
from rsapp.cli import cli
from rsapp.keymap import (
    ALTGR_KEYS,
    MULTIPLEXER_KEYS,
    all_bindings,
    key_label,
    load_keymap,
    normalise_key,
)
from rsapp.screens.help import HelpScreen
from rsapp.widgets.footer import KeyFooter
from rsapp.widgets.ranked_list import RankedList
from tests.conftest import TODAY
from tests.screen_text import static_text


def _config_file(capsys: pytest.CaptureFixture[str]) -> Path:
    """Where ``rsapp config sti`` says the file is."""
    assert cli(["config", "sti"]) == 0
    path = Path(capsys.readouterr().out.strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _footer_text(app) -> str:
    return " ".join(app.screen.query_one(KeyFooter).keys_text().split())


async def test_remapping_flytt_opp_changes_footer_help_and_palette(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    _config_file(capsys).write_text('[taster]\nprio-move-up = "ctrl+k"\n', encoding="utf-8")
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(200, 45)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        ranked = screen.query_one(RankedList)

        footer = _footer_text(app)
        assert "Ctrl+K Flytt opp" in footer, footer
        assert "Shift+↑" not in footer

        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        help_lines = static_text(app.screen.query_one("#help-keys", Static), width=150).splitlines()
        row = next(line for line in help_lines if "Flytt opp" in line)
        assert "Ctrl+K" in row and "Shift+↑" not in row, row
        await pilot.press("escape")

        await pilot.press("ctrl+p")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        commands = list(app.get_system_commands(screen))
        flytt_opp = [c for c in commands if "flytt opp" in c.title.lower()]
        assert flytt_opp and all(c.help.endswith("Ctrl+K") for c in flytt_opp), flytt_opp
        await pilot.press("escape")
        assert app.screen is screen

        # The key itself: Ctrl+K moves the selected application up; Shift+↑ does no longer.
        await pilot.press("down")
        second = ranked.cursor_key
        await pilot.press("shift+up")
        await pilot.pause()
        assert ranked.rows[1].key == second
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert ranked.rows[0].key == second


async def test_every_footer_key_is_in_the_palette_and_the_help(engine: Engine) -> None:
    """On every main screen: each key the footer shows is a palette command with that key, and
    a row of the help with that key and name."""
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(200, 45)) as pilot:
        for keys in ((), ("enter",), ("p",), ("k",), ("i",)):
            await pilot.press(*keys)
            await pilot.pause()
            screen = app.screen
            shown = [
                (key, active.binding)
                for key, active in screen.active_bindings.items()
                if active.binding.show and active.binding.description
            ]
            assert shown, type(screen).__name__
            commands = list(app.get_system_commands(screen))
            await pilot.press("f1")
            help_text = "\n".join(
                static_text(widget, width=150) for widget in app.screen.query(Static) if widget.id
            )
            for key, binding in shown:
                label = key_label(key)
                assert any(label in c.help.rsplit("·", 1)[-1] for c in commands), (
                    type(screen).__name__,
                    label,
                    binding.description,
                )
                assert any(
                    label in line and binding.description in line for line in help_text.splitlines()
                ), (
                    type(screen).__name__,
                    label,
                    binding.description,
                )
            await pilot.press("escape")
            for _ in keys:
                await pilot.press("escape")
                await pilot.pause()


def test_every_binding_has_an_id_and_the_defaults_need_no_altgr_and_leave_tmux_alone() -> None:
    bindings = all_bindings()
    assert len(bindings) > 100
    for owner, binding in bindings:
        assert binding.id, f"{owner}: {binding.key} → {binding.action} has no id"
        for key in binding.key.split(","):
            key = key.strip()
            assert key.split("+")[-1] not in ALTGR_KEYS, f"{owner}: {key} needs AltGr on a Norwegian keyboard"
            assert key not in MULTIPLEXER_KEYS, f"{owner}: {key} is taken by tmux or screen"


def test_keys_as_users_write_them() -> None:
    assert normalise_key("Ctrl+K") == "ctrl+k"
    assert normalise_key("?") == "question_mark"
    assert normalise_key("Esc") == "escape"
    assert normalise_key("shift+opp") == "shift+up"
    assert normalise_key("<") == "less_than_sign"
    assert key_label("ctrl+k") == "Ctrl+K" and key_label("V") == "Shift+V" and key_label("slash") == "/"
    with pytest.raises(ValueError, match="ukjent tillegstast"):
        normalise_key("hyper2+k")


def test_a_broken_file_is_named_and_the_rest_still_counts(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[taster]\nprio-move-up = "ctrl+k"\nprio-move-down = 5\nsearch = "meta2+x"\n', encoding="utf-8"
    )
    loaded = load_keymap(path)
    assert loaded.keymap == {"prio-move-up": "ctrl+k"}
    assert len(loaded.problems) == 2
    assert all(str(path) in p for p in loaded.problems)
    assert any("prio-move-down" in p and "tekst" in p for p in loaded.problems)
    assert any("search" in p and "meta2" in p for p in loaded.problems)

    path.write_text("[taster\nx = 1\n", encoding="utf-8")
    loaded = load_keymap(path)
    assert loaded.keymap == {}
    assert (
        loaded.problems and "linje 1" in loaded.problems[0] and "Standardtastene brukes" in loaded.problems[0]
    )


async def test_the_app_says_what_is_wrong_in_the_file(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    _config_file(capsys).write_text('[taster]\nflyt-opp = "ctrl+k"\n', encoding="utf-8")
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("flyt-opp" in m and "ukjent id" in m and "config.toml" in m for m in messages), messages
        assert type(app.screen).__name__ == "PortfolioScreen"


def test_rsapp_config_taster_lists_ids_and_the_users_keys(capsys: pytest.CaptureFixture[str]) -> None:
    _config_file(capsys).write_text('[taster]\nprio-move-up = "ctrl+k"\n', encoding="utf-8")
    assert cli(["config", "taster"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("prio-move-up "))
    assert "Ctrl+K" in line and "Shift+↑" in line  # now, and the default
    assert cli(["config", "sjekk"]) == 0
    assert "i orden" in capsys.readouterr().out


async def test_a_footer_key_is_clicked_like_a_button(engine: Engine) -> None:
    """The mouse runs what the key runs: «p Prioriter» in the footer opens the prioritisation."""
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        text = footer.keys_text()
        assert "p Prioriter" in text and "F1 Hjelp" in text and "Ctrl+P Kommandoer" in text
        await pilot.click(KeyFooter, offset=(text.index("p Prioriter") + 2, 0))
        await pilot.pause()
        assert type(app.screen).__name__ == "PrioritisationScreen"
        # A narrow footer leaves keys out whole (… says so), never half a word.
        footer = app.screen.query_one(KeyFooter)
        words = footer.keys_text().split()
        assert "…" in words
        described = {b.description for b in (a.binding for a in app.screen.active_bindings.values())}
        shown = footer.keys_text().split("▏")[0].replace("…", "")
        for chunk in filter(None, (c.strip() for c in shown.split("  "))):
            assert chunk.split(" ", 1)[1] in described, chunk


async def test_a_button_that_names_its_key_names_the_users_key(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    from textual.widgets import Button

    _config_file(capsys).write_text('[taster]\ncases-new-meeting = "ctrl+n"\n', encoding="utf-8")
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("k")
        await pilot.pause()
        await pilot.pause()
        labels = {str(b.label) for b in app.screen.query(Button)}
        assert "Nytt (Ctrl+N)" in labels and "Nytt (n)" not in labels
        assert "Endelig (e)" in labels  # a key the user kept is named as before
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert type(app.screen).__name__ == "MeetingFormScreen"


async def test_help_names_rsapps_keys_not_textuals_on_a_table_rsapp_extends(engine: Engine) -> None:
    """The assessment's list is rsapp's own table (Enter confirms): the help lists that key, in
    Norwegian, and not the cursor keys the table inherits from Textual under their English names."""
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(200, 45)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert type(app.screen).__name__ == "AssessmentScreen"
        await pilot.press("f1")
        help_text = "\n".join(
            static_text(widget, width=150) for widget in app.screen.query(Static) if widget.id
        )
        assert "Bekreft forslaget" in help_text
        for english in ("Cursor up", "Cursor down", "Page up", "Select"):
            assert english not in help_text, english
