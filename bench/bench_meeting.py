"""Benchmark: the meeting package as Word, and the follow-up list over 500 projects.

Run with ``.venv/bin/python bench/bench_meeting.py``. Targets (issue 14):

* a meeting package – the innkalling with its six saksfremlegg and the protokoll with every
  vedtak – as Word (.docx) under 1 s, the median of several runs of the whole job (reading the
  meeting from a SQLite file, building both contexts, rendering, finishing the documents);
* the follow-up list (what falls due in 30 days and every funded project with its next date)
  over 500 funded projects under 50 ms, the median of several runs, read from a SQLite file.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from rsapp.assessment.changes import add_assessor  # noqa: E402
from rsapp.db import open_database  # noqa: E402
from rsapp.followup.views import due_items, funded_projects  # noqa: E402
from rsapp.models import Round  # noqa: E402
from rsapp.saksfremlegg import drafting, meeting_life, meetings, saksliste, vedtak  # noqa: E402
from rsapp.saksfremlegg.innkalling import render_innkalling  # noqa: E402
from rsapp.saksfremlegg.protokoll import render_protokoll  # noqa: E402

PACKAGE_TARGET_MS = 1000.0
FOLLOW_UP_TARGET_MS = 50.0
PROJECTS = 500


def build_meeting(session: Session) -> int:
    """The week-43 meeting with six cases, held, every case decided (one amended, one counted vote)."""
    round_ = session.exec(select(Round).where(Round.key == "helgeland-2026")).one()
    names = ["Kari Nordmann", "Ola Hansen", "Per Olsen", "Anne Berg", "Liv Dahl", "Tor Moen", "Eva Lie"]
    for name in names:
        add_assessor(session, name, "SSU-medlem", "Helgeland")
    meeting = meetings.create_meeting(
        session, on=date(2025, 10, 20), extraordinary=True, helsefellesskap_id=round_.helsefellesskap_id
    )
    prio = drafting.create_prioritisation_case(session, meeting.id, round_.id)
    for title in ("Orientering om prosjekt med tilskudd i 2025", "Orientering fra FSU"):
        case = saksliste.add_orientation_case(session, meeting.id, title)
        saksliste.update_case(session, case.id, saksopplysninger="Tekst.\n- punkt\n- punkt\n\n" * 10)
    saksliste.add_case(
        session, meeting.id, title="Ansettelse av prosjektleder/rådgiver", points=["Punkt."] * 4
    )
    saksliste.add_standing_cases(session, meeting.id)
    cases = saksliste.meeting_cases(session, meeting.id)
    assert len(cases) == 6
    meeting_life.set_details(
        session, meeting.id, start_time="09:00", place="Teams", chair=names[0], forfall_to="post@hf.no"
    )
    meeting_life.summon(session, meeting.id, on=date(2025, 10, 10))
    meeting_life.mark_held(session, meeting.id, today=date(2025, 10, 20))
    for name in names:
        meeting_life.set_attendance(session, meeting.id, name, "møtt")
    for case in cases:
        vedtak.record_as_recommended(session, case.id)
    vedtak.amend_point(session, prio.id, 3, "Kr 4 000 000 for 2026.", amounts={2026: 4_000_000})
    vedtak.set_inhabil(session, prio.id, "Tor Moen")
    vedtak.set_vote(session, cases[1].id, unanimous=False, for_names=names[:5], against_names=names[5:])
    return meeting.id


def build_projects(session: Session) -> None:
    """500 funded projects with five years of awards, payments and reports (bulk SQL)."""
    round_id = session.exec(select(Round.id).where(Round.key == "helgeland-2026")).one()
    conn = session.connection()
    for i in range(PROJECTS):
        conn.execute(
            text(
                "INSERT INTO application (round_id, name, working_title, owners, hospital_trust, contact_municipal,"
                " contact_trust, agreement_text, description, benefit, purpose_support, budget_text,"
                " patient_responsibility, digital, project_plan, involvement, benefit_table, risk_table, other_text,"
                " period_text, status, source_document, content_hash, route, comment, version, created_at)"
                " VALUES (:r, :n, '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '',"
                " 'innvilget', '', '', 'begge', '', 1, '2025-10-22')"
            ),
            {"r": round_id, "n": f"Prosjekt {i:03d}"},
        )
    ids = [row[0] for row in conn.execute(text("SELECT id FROM application WHERE name LIKE 'Prosjekt %'"))]
    for n, app_id in enumerate(ids):
        for year in range(2026, 2031):
            source = "lokal" if n % 3 else "regional"
            conn.execute(
                text(
                    "INSERT INTO award (application_id, budget_year, amount, source, decided_on, note, created_at)"
                    " VALUES (:a, :y, 500000, :s, '2025-10-20', '', '2025-10-22')"
                ),
                {"a": app_id, "y": year, "s": source},
            )
            conn.execute(
                text(
                    "INSERT INTO payment (application_id, budget_year, source, amount, planned_on, paid_on,"
                    " paid_amount, note, version) VALUES (:a, :y, :s, 500000, :p, NULL, NULL, '', 1)"
                ),
                {"a": app_id, "y": year, "s": source, "p": date(year, 1 + n % 12, 1 + n % 28).isoformat()},
            )
            conn.execute(
                text(
                    "INSERT INTO project_report (application_id, kind, period_year, due_on, received_on, status,"
                    " note, version) VALUES (:a, :k, :y, :d, NULL, 'venter', '', 1)"
                ),
                {
                    "a": app_id,
                    "k": "sluttrapport" if year == 2030 else "årsrapport",
                    "y": year,
                    "d": date(year + 1, 1 + n % 12, 1).isoformat(),
                },
            )
    session.commit()


def _median_ms(job, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        with Session(engine) as session:
            meeting_id = build_meeting(session)

            def package() -> None:
                render_innkalling(session, meeting_id, "docx")
                render_protokoll(session, meeting_id, "docx")

            package()  # warm imports and the compiled templates
            median = _median_ms(package, 7)
            passed = median < PACKAGE_TARGET_MS
            ok &= passed
            print(
                f"møtepakke som Word (innkalling med 6 saker + protokoll): {median:.0f} ms "
                f"(target < {PACKAGE_TARGET_MS:.0f} ms) {'OK' if passed else 'FAIL'}"
            )

            build_projects(session)
            today = date(2026, 3, 10)

            def follow_up() -> None:
                due_items(session, today=today)
                funded_projects(session, today=today)

            follow_up()
            projects = funded_projects(session, today=today)
            assert len(projects) >= PROJECTS, len(projects)
            median = _median_ms(follow_up, 15)
            passed = median < FOLLOW_UP_TARGET_MS
            ok &= passed
            print(
                f"oppfølgingslisten ({len(projects)} prosjekter, {len(due_items(session, today=today))} forfaller): "
                f"{median:.1f} ms (target < {FOLLOW_UP_TARGET_MS:.0f} ms) {'OK' if passed else 'FAIL'}"
            )
        engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
