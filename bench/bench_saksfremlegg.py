"""Benchmark: rendering a meeting of six cases to Markdown, HTML and Word (.docx).

Run with ``.venv/bin/python bench/bench_saksfremlegg.py``. Targets (issue 6): Markdown and
HTML under 50 ms, .docx under 500 ms, each the median of several runs of the whole job
(reading the meeting from a SQLite file, building the context, rendering). A Renderer is
created per run as the CLI does; the sandboxed Jinja environment (with the compiled
templates) is cached per template folder, so every run after the first reuses it. The
first, cold Markdown render (compiling the templates) is printed for information.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, select  # noqa: E402

from rsapp.db import open_database  # noqa: E402
from rsapp.models import Round  # noqa: E402
from rsapp.saksfremlegg import cases, drafting  # noqa: E402
from rsapp.saksfremlegg.render import Renderer, meeting_context  # noqa: E402

TARGETS_MS = {"md": 50.0, "html": 50.0, "docx": 500.0}
RUNS = {"md": 30, "html": 30, "docx": 10}


def build_meeting(session: Session) -> int:
    round_ = session.exec(select(Round).where(Round.key == "helgeland-2026")).one()
    meeting = cases.create_meeting(
        session,
        on=cases.default_meeting_date(round_),
        extraordinary=True,
        place="Teams",
        helsefellesskap_id=round_.helsefellesskap_id,
        standing_cases=True,
    )
    drafting.create_prioritisation_case(session, meeting.id, round_.id)  # the next free number
    for title in (
        "Orientering om prosjekt som har fått tildelt tilskudd i 2025",
        "Orientering om status fra FSU Utdanning, rekruttering og stabilisering",
    ):
        case = cases.add_orientation_case(session, meeting.id, title)
        cases.update_case(
            session, case.id, saksopplysninger="Tekst.\n\n" * 20, vurdering="Vurdering.\n\n" * 5
        )
    cases.add_case(session, meeting.id, title="Ansettelse av prosjektleder/rådgiver", points=["Punkt."] * 4)
    assert len(cases.meeting_cases(session, meeting.id)) == 6
    return meeting.id


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        with Session(engine) as session:
            meeting_id = build_meeting(session)
            start = time.perf_counter()
            Renderer().meeting(meeting_context(session, meeting_id), "md")
            print(
                f"saksfremlegg md første gang (kompilerer malene): {(time.perf_counter() - start) * 1000:.1f} ms"
            )
            Renderer().meeting(meeting_context(session, meeting_id), "docx")  # warm imports
            for fmt, target in TARGETS_MS.items():
                times = []
                for _ in range(RUNS[fmt]):
                    start = time.perf_counter()
                    Renderer().meeting(meeting_context(session, meeting_id), fmt)
                    times.append((time.perf_counter() - start) * 1000)
                median = statistics.median(times)
                passed = median < target
                ok &= passed
                print(
                    f"saksfremlegg {fmt} (møte med 6 saker): {median:.1f} ms "
                    f"(target < {target:.0f} ms) {'OK' if passed else 'FAIL'}"
                )
        engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
