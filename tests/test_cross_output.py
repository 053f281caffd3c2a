"""One ledger, four outputs: the screen, `rsapp prioriter vis`, the Excel list and the saksfremlegg agree.

For the built-in round (as shipped, and with Helgelandssykepleier moved to the top) and for random
rounds (pots over several years, confirmed and assumed; open and per-year earmarks; multi-year and
unknown amounts; partial recommendations; all four routes), each output is read back the way a user
reads it — the prioritisation screen through the Pilot, the CLI's printed text, the workbook after
LibreOffice has recalculated its formulas, the rendered Markdown of the prioritisation case — and
every per-year closing balance, "igjen", the cut line and the regional list must be the same in all
four, and the same as `rsapp.allocation`.
"""

from __future__ import annotations

import asyncio
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rich.console import Console
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from textual.widgets import Static

from rsapp.allocation import ROUTES, Allocation
from rsapp.app import make_app
from rsapp.cli import cli
from rsapp.db import open_database
from rsapp.export.excel import export_round
from rsapp.export.readback import recalculated_figures_many
from rsapp.models import Application, BudgetLine, Earmark, EarmarkAmount, Helsefellesskap, Pot, Round
from rsapp.portfolio import round_allocation
from rsapp.prioritisation import set_recommendation
from rsapp.saksfremlegg.drafting import draft_markdown, draft_prioritisation, figures_from_markdown
from rsapp.screens.prioritisation import PrioritisationScreen
from rsapp.widgets.ranked_list import RankedList
from tests.conftest import TODAY
from tests.test_cli_prioritisation import figures_from_show_output

NB = "\u00a0"

pytestmark = pytest.mark.libreoffice


@dataclass
class Figures:
    """What one output states: closing balance per year, "igjen", the cut, the regional list."""

    closing: dict[int, int]
    left: int | None
    cut_name: str | None  # the first application below the line
    regional: list[tuple[str, dict[int, int] | None]]  # name and what is forwarded per year


def expected(allocation: Allocation) -> Figures:
    cut = allocation.cut_index
    return Figures(
        closing={y.budget_year: y.closing for y in allocation.years},
        left=allocation.left,
        cut_name=None if cut is None else allocation.rows[cut].name,
        regional=[(item.name, item.by_year) for item in allocation.regional],
    )


def _kr(text: str) -> int:
    text = text.replace(NB, " ").strip().removesuffix(" kr").replace(" ", "")
    return -int(text[1:]) if text.startswith("−") else int(text)


# --- the screen -------------------------------------------------------------------------------------


def _static(widget: Static) -> str:
    console = Console(width=240, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text().replace(NB, " ")


async def screen_figures(engine: Engine, round_id: int) -> Figures:
    app = make_app(engine=engine, today=TODAY)
    async with app.run_test(size=(240, 70)) as pilot:
        await pilot.pause()
        screen = PrioritisationScreen(round_id)
        await app.push_screen(screen)
        await pilot.pause(0.4)
        summary = _static(screen.query_one("#prio-summary", Static))
        match = re.search(r"Igjen \d{4} etter søknadene over streken: (−?[\d ]+ kr)", summary)
        left = None if match is None else _kr(match.group(1))
        ranked = screen.query_one(RankedList)
        ranked.styles.height = len(ranked.rows) + 3
        await pilot.pause()
        lines = [ranked.render_line(y).text for y in range(len(ranked.rows) + 2)]
        cut_name = None
        for y, line in enumerate(lines):
            if "Streken:" in line:
                cut_name = ranked.rows[int(lines[y + 1].split()[0]) - 1].name
        await pilot.press("3")
        await pilot.pause()
        closing: dict[int, int] = {}
        for line in _static(screen.query_one("#years", Static)).splitlines():
            cells = [c for c in re.split(r" {2,}", line.strip()) if c]
            if cells and re.fullmatch(r"\d{4}", cells[0]) and len(cells) == 7:
                closing[int(cells[0])] = _kr(cells[-1])
        await pilot.press("5")
        await pilot.pause()
        regional_text = _static(screen.query_one("#regional", Static)).splitlines()
        regional: list[tuple[str, dict[int, int] | None]] = []
        header = next((i for i, line in enumerate(regional_text) if line.strip().startswith("Nr")), None)
        if header is not None:
            years = [int(c) for c in re.split(r" {2,}", regional_text[header].strip()) if c.isdigit()]
            for line in regional_text[header + 2 :]:
                cells = [c for c in re.split(r" {2,}", line.strip()) if c]
                if not cells or not cells[0].isdigit():
                    break
                rank, amounts, total = int(cells[0]), cells[2 : 2 + len(years)], cells[2 + len(years)]
                name = ranked.rows[rank - 1].name
                if total == "ikke oppgitt":  # the amount to forward is not stated
                    regional.append((name, None))
                else:
                    regional.append(
                        (name, {y: _kr(a) for y, a in zip(years, amounts, strict=True) if a != "–"})
                    )
        return Figures(closing, left, cut_name, regional)


# --- the command line ------------------------------------------------------------------------------


def cli_figures(
    capsys: pytest.CaptureFixture[str], url: str, round_key: str, names: dict[int, str]
) -> Figures:
    assert cli(["--db", url, "prioriter", "vis", "--round", round_key]) == 0
    out = capsys.readouterr().out.replace(NB, " ")
    shown = figures_from_show_output(out)
    cut_name = None
    for index, cells in enumerate(shown.rows):
        if cells[0] == "—":
            cut_name = names[int(shown.rows[index + 1][1])]
    return Figures(
        closing={year: values[-1] for year, values in shown.years.items()},  # type: ignore[misc]
        left=shown.left,
        cut_name=cut_name,
        regional=[(name, by_year) for _key, name, by_year, _total in shown.regional],
    )


# --- Excel and the saksfremlegg ------------------------------------------------------------------


def excel_figures(paths: list[Path], allocations: list[Allocation]) -> list[Figures]:
    out = []
    recalculated = recalculated_figures_many(paths)
    for path, allocation in zip(paths, allocations, strict=True):
        figures = recalculated[path]
        names = {row.rank: row.name for row in allocation.rows}
        out.append(
            Figures(
                closing=figures.closing,
                left=figures.left,
                cut_name=None if figures.cut_index is None else figures.rows[figures.cut_index].name,
                regional=[(names[item.rank], item.by_year) for item in figures.regional],
            )
        )
    return out


def case_figures(session: Session, round_id: int) -> Figures:
    figures = figures_from_markdown(draft_markdown(draft_prioritisation(session, round_id)))
    return Figures(
        closing=figures.closing,
        left=figures.left,
        cut_name=None if figures.cut is None else figures.cut[0],
        regional=list(figures.forwarded),
    )


# --- rounds ---------------------------------------------------------------------------------------


def _check_all(
    capsys: pytest.CaptureFixture[str], url: str, engine: Engine, rounds: list[tuple[int, str]], folder: Path
) -> None:
    allocations, paths, rest = [], [], []
    for round_id, key in rounds:
        with Session(engine) as session:
            allocation = round_allocation(session, round_id)
            case = case_figures(session, round_id)
            path = export_round(session, round_id, folder / f"{key}.xlsx", today=TODAY, force=True)
        allocations.append(allocation)
        paths.append(Path(path))
        names = {row.key: row.name for row in allocation.rows}
        rest.append((allocation, case, cli_figures(capsys, url, key, names)))
    workbooks = excel_figures(paths, allocations)
    for (round_id, key), (allocation, case, shown), workbook in zip(rounds, rest, workbooks, strict=True):
        screen = asyncio.run(screen_figures(engine, round_id))
        want = expected(allocation)
        # An output may list a year with nothing in it (Excel shows every year the plans use): its
        # closing is the year before's, carried. Compare every output over the same span of years.
        span = [f.closing for f in (want, screen, shown, workbook, case) if f.closing]
        last = max((max(c) for c in span), default=0)
        for figures in (want, screen, shown, workbook, case):
            figures.closing = _carried(figures.closing, last)
        for output, got in (
            ("skjermen", screen),
            ("prioriter vis", shown),
            ("Excel", workbook),
            ("saksfremlegget", case),
        ):
            assert got == want, f"{key}: {output} viser andre tall enn regnskapet"


def _carried(closing: dict[int, int], last: int) -> dict[int, int]:
    """``closing`` from its first year with money in it, and with the years after its last one up to
    ``last`` filled in by carrying it (a year before any money, listed by one output, shows 0)."""
    out = dict(sorted(closing.items()))
    while out and out[min(out)] == 0:
        del out[min(out)]
    if not out:
        return out
    for year in range(max(out) + 1, last + 1):
        out[year] = out[year - 1]
    return out


def _round_ids(engine: Engine, keys: list[str]) -> list[tuple[int, str]]:
    with Session(engine) as session:
        return [(session.exec(select(Round.id).where(Round.key == key)).one(), key) for key in keys]


def test_builtin_round_is_the_same_everywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'rsapp.sqlite3'}"
    engine = open_database(url)
    try:
        # Then Helgelandssykepleier at the top and a partial recommendation below the line.
        from rsapp.prioritisation import move_application

        rounds = _round_ids(engine, ["helgeland-2026"])
        _check_all(capsys, url, engine, rounds, tmp_path)
        with Session(engine) as session:
            nurse = session.exec(
                select(Application).where(Application.name.startswith("Helgelandssykepleier"))
            ).one()
            move_application(session, nurse.id, 1, version=nurse.version)
            obs = session.exec(
                select(Application).where(Application.name.startswith("Forprosjekt: Obs"))
            ).one()
            set_recommendation(session, obs.id, {2026: 1_000_000}, version=obs.version)
        with Session(engine) as session:
            allocation = round_allocation(session, rounds[0][0])
        assert allocation.left == 3_300_000 and allocation.rows[allocation.cut_index].name.startswith(
            "Interkommunalt"
        )
        _check_all(capsys, url, engine, rounds, tmp_path)
    finally:
        engine.dispose()


@st.composite
def round_specs(draw):
    years = st.integers(2025, 2029)
    pots = draw(
        st.dictionaries(
            years,
            st.tuples(st.integers(0, 8_000_000).map(lambda a: a // 1000 * 1000), st.booleans()),
            max_size=4,
        )
    )
    earmarks = draw(
        st.lists(
            st.one_of(
                st.none(),
                st.dictionaries(
                    years, st.integers(0, 2_000_000).map(lambda a: a // 1000 * 1000), min_size=1, max_size=3
                ),
            ),
            max_size=3,
        )
    )
    apps = []
    for _ in range(draw(st.integers(1, 6))):
        lines = draw(
            st.dictionaries(
                st.one_of(st.none(), years),
                st.integers(1, 3_000_000).map(lambda a: a // 500 * 500 + 500),
                max_size=4,
            )
        )
        total = sum(lines.values())
        recommended = None
        if lines and draw(st.booleans()):
            share = draw(st.integers(0, 100))
            recommended = {2026: total * share // 100}
        apps.append((lines, recommended, draw(st.sampled_from(ROUTES))))
    return pots, earmarks, apps


def _add_round(engine: Engine, key: str, spec) -> None:
    pots, earmarks, apps = spec
    with Session(engine) as session:
        helgeland = session.exec(select(Helsefellesskap).where(Helsefellesskap.key == "helgeland")).one()
        round_ = Round(key=key, helsefellesskap_id=helgeland.id, year=2026, name=f"Tilfeldig runde {key}")
        session.add(round_)
        session.flush()
        for year, (amount, confirmed) in pots.items():
            session.add(Pot(round_id=round_.id, budget_year=year, amount=amount, confirmed=confirmed))
        for index, amounts in enumerate(earmarks):
            earmark = Earmark(
                round_id=round_.id, position=index, name=f"Avsetning {index + 1}", is_open=amounts is None
            )
            session.add(earmark)
            session.flush()
            for year, amount in (amounts or {}).items():
                session.add(EarmarkAmount(earmark_id=earmark.id, budget_year=year, amount=amount))
        ids = []
        for index, (lines, recommended, route) in enumerate(apps):
            app = Application(
                round_id=round_.id, name=f"Søknad {index + 1} i {key}", rank=index + 1, route=route
            )
            session.add(app)
            session.flush()
            for position, (year, amount) in enumerate(lines.items()):
                session.add(
                    BudgetLine(application_id=app.id, position=position, budget_year=year, amount=amount)
                )
            ids.append((app.id, recommended))
        session.commit()
        for app_id, recommended in ids:
            if recommended is not None:
                set_recommendation(session, app_id, recommended, version=1)


@pytest.mark.timeout(1200)  # a few rounds, each through the Pilot, the CLI, LibreOffice and the templates
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(round_specs(), min_size=3, max_size=3))
@example(
    [({}, [], [({}, None, "begge")]), ({2025: (6000, True)}, [None], [({}, None, "regional")]), ({}, [], [])]
)
def test_random_rounds_are_the_same_everywhere(tmp_path_factory, capsys, specs) -> None:
    folder = tmp_path_factory.mktemp("runder")
    url = f"sqlite:///{folder / 'rsapp.sqlite3'}"
    engine = open_database(url)
    try:
        keys = [f"tilfeldig-{i}" for i in range(len(specs))]
        for key, spec in zip(keys, specs, strict=True):
            _add_round(engine, key, spec)
        _check_all(capsys, url, engine, _round_ids(engine, keys), folder)
    finally:
        engine.dispose()
