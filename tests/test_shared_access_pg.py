"""Shared use on the real PostgreSQL server the suite starts: the database itself enforces who may
read and write what (roles, grants, row-level security), and a change reaches other sessions."""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

from rsapp.db import open_database
from rsapp.store import access
from rsapp.store.identity import pg_identity
from rsapp.store.unit_of_work import AccessError

pytestmark = pytest.mark.postgres

PASSWORD = "et-langt-passord-1"
_names = itertools.count()

#: Tables whose rows belong to one round (or application of it): what a login of another
#: helsefellesskap must not see.
ROUND_TABLES = (
    "round",
    "application",
    "pot",
    "earmark",
    "budgetline",
    "applicationmunicipality",
    "changelog",
)


@pytest.fixture(autouse=True)
def _no_identity() -> Iterator[None]:
    access.forget()
    yield
    access.forget()


@pytest.fixture
def shared(pg_server: Any) -> Iterator[dict[str, Any]]:
    """A database with Helgeland and Troms og Ofoten users: sekretariat, SSU member, read-only."""
    from rsapp.store.users import add_user

    url = pg_server.create_database(f"rsapp_shared_{os.getpid()}_{next(_names)}")
    owner = open_database(url)
    suffix = next(_names)
    names = {
        "helgeland": f"hsek{suffix}",
        "troms": f"tsek{suffix}",
        "ssu": f"hssu{suffix}",
        "ssu2": f"hssu{suffix}b",
        "lese": f"hles{suffix}",
    }
    with Session(owner) as session:
        session.execute(
            text(
                "INSERT INTO assessor (name, role, organisation, active, version, created_at) VALUES "
                "(:n, 'SSU-medlem', 'Vefsn kommune', true, 1, now())"
            ),
            {"n": f"Kari Medlem {suffix}"},
        )
        session.commit()
        add_user(
            session,
            username=names["helgeland"],
            role="sekretariat",
            helsefellesskap="helgeland",
            password=PASSWORD,
        )
        add_user(
            session,
            username=names["troms"],
            role="sekretariat",
            helsefellesskap="troms-ofoten",
            password=PASSWORD,
        )
        add_user(
            session,
            username=names["ssu"],
            role="SSU-medlem",
            helsefellesskap="helgeland",
            person=f"Kari Medlem {suffix}",
            password=PASSWORD,
        )
        add_user(session, username=names["ssu2"], role="ssu", helsefellesskap="helgeland", password=PASSWORD)
        add_user(
            session,
            username=names["lese"],
            role="lesetilgang",
            helsefellesskap="helgeland",
            password=PASSWORD,
        )
        rounds = dict(session.execute(text('SELECT key, id FROM "round"')).all())
    engines: list[Engine] = []

    def login(who: str) -> Engine:
        engine = create_engine(make_url(url).set(username=names[who], password=PASSWORD))
        engines.append(engine)
        return engine

    yield {"url": url, "owner": owner, "names": names, "login": login, "rounds": rounds}
    for engine in engines:
        engine.dispose()
    owner.dispose()


def _count(engine: Engine, sql: str, **params: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())


def test_two_helsefellesskap_cannot_read_each_others_rows(shared: dict[str, Any]) -> None:
    helgeland, troms = shared["login"]("helgeland"), shared["login"]("troms")
    h_round, t_round = shared["rounds"]["helgeland-2026"], shared["rounds"]["troms-ofoten-2025"]
    # The owner sees both rounds' applications; each login only its own, even with raw SQL.
    assert _count(shared["owner"], "SELECT COUNT(*) FROM application WHERE round_id = :r", r=t_round) == 2
    assert _count(helgeland, "SELECT COUNT(*) FROM application WHERE round_id = :r", r=h_round) == 5
    assert _count(helgeland, "SELECT COUNT(*) FROM application WHERE round_id = :r", r=t_round) == 0
    assert _count(troms, "SELECT COUNT(*) FROM application WHERE round_id = :r", r=h_round) == 0
    with helgeland.connect() as conn:
        assert conn.execute(text('SELECT key FROM "round"')).scalars().all() == ["helgeland-2026"]
        for table in ROUND_TABLES:
            column = "round_id" if table not in ("round", "budgetline", "applicationmunicipality") else None
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).mappings().all()
            if column:
                assert all(row[column] == h_round for row in rows), table
        t_apps = {
            r[0]
            for r in shared["owner"]
            .connect()
            .execute(text("SELECT id FROM application WHERE round_id = :r"), {"r": t_round})
        }
        seen_lines = {r[0] for r in conn.execute(text("SELECT application_id FROM budgetline"))}
        assert not (seen_lines & t_apps)
    with troms.connect() as conn:
        assert conn.execute(text('SELECT key FROM "round"')).scalars().all() == ["troms-ofoten-2025"]
        assert conn.execute(text("SELECT * FROM pot WHERE round_id = :r"), {"r": h_round}).all() == []
        assert conn.execute(text("SELECT * FROM earmark WHERE round_id = :r"), {"r": h_round}).all() == []


def test_a_login_cannot_write_another_helsefellesskaps_rows(shared: dict[str, Any]) -> None:
    troms = shared["login"]("troms")
    h_round = shared["rounds"]["helgeland-2026"]
    with troms.connect() as conn:
        changed = conn.execute(
            text("UPDATE application SET comment = 'x' WHERE round_id = :r"), {"r": h_round}
        )
        assert changed.rowcount == 0
        conn.commit()
        helgeland_id = conn.execute(
            text("SELECT id FROM helsefellesskap WHERE key = 'helgeland'")
        ).scalar_one()
        with pytest.raises(DBAPIError, match="row-level security"):
            conn.execute(
                text(
                    'INSERT INTO "round" (key, helsefellesskap_id, year, name, status) '
                    "VALUES ('falsk', :h, 2027, 'Falsk', 'utkast')"
                ),
                {"h": helgeland_id},
            )
    assert _count(shared["owner"], "SELECT COUNT(*) FROM application WHERE comment = 'x'") == 0


def test_an_ssu_member_cannot_change_a_rank_even_with_raw_sql(shared: dict[str, Any]) -> None:
    member = shared["login"]("ssu")
    h_round = shared["rounds"]["helgeland-2026"]
    before = _count(
        shared["owner"], "SELECT rank FROM application WHERE round_id = :r AND rank = 1", r=h_round
    )
    with member.connect() as conn:
        assert _count(member, "SELECT COUNT(*) FROM application") == 5  # reads their round
        with pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("UPDATE application SET rank = rank WHERE round_id = :r"), {"r": h_round})
        conn.rollback()
        with pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("DELETE FROM recommended_amount"))
        conn.rollback()
        with pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("UPDATE changelog SET summary = 'skjult'"))
    assert before == 1
    # Through rsapp the refusal is a Norwegian sentence, before the database is asked.
    from rsapp.prioritisation import move_application

    with Session(member) as session:
        access.set_current(pg_identity(session.connection()))
        app_id, version = session.execute(
            text("SELECT id, version FROM application WHERE round_id = :r AND rank = 2"), {"r": h_round}
        ).one()
        with pytest.raises(AccessError, match="SSU-medlem og kan bare endre sine egne"):
            move_application(session, app_id, 1, version=version)


def test_the_database_refuses_a_member_writing_anothers_ranking_or_a_read_only_user_anything(
    shared: dict[str, Any],
) -> None:
    from rsapp.store.member_rankings import move_own, own_ranking, round_aggregate

    h_round = shared["rounds"]["helgeland-2026"]
    member, other, reader = shared["login"]("ssu"), shared["login"]("ssu2"), shared["login"]("lese")
    with Session(member) as session:
        access.set_current(pg_identity(session.connection()))
        first = own_ranking(session, h_round).order
        moved = move_own(session, h_round, first[-1].key, 1)
        assert moved.order[0].key == first[-1].key and moved.saved
    # Her own assessment through rsapp: saved, and the application's status (the secretariat's) untouched.
    from rsapp.assessment.changes import set_answer

    with Session(member) as session:
        identity = pg_identity(session.connection())
        access.set_current(identity)
        app_id, status = session.execute(
            text("SELECT id, status FROM application WHERE round_id = :r ORDER BY rank LIMIT 1"),
            {"r": h_round},
        ).one()
        item = session.execute(
            text(
                "SELECT c.id FROM criterion c JOIN criteria_catalogue k ON k.id = c.catalogue_id"
                " WHERE k.round_id = :r AND c.kind = 'krav' ORDER BY c.position LIMIT 1"
            ),
            {"r": h_round},
        ).scalar_one()
        set_answer(session, app_id, item, identity.assessor_id, "oppfylt")
    assert (
        _count(shared["owner"], "SELECT COUNT(*) FROM assessment_score WHERE application_id = :a", a=app_id)
        == 1
    )
    assert _count(
        shared["owner"], "SELECT COUNT(*) FROM application WHERE id = :a AND status = :s", a=app_id, s=status
    )
    my_id = _count(shared["owner"], "SELECT id FROM app_user WHERE username = :u", u=shared["names"]["ssu"])
    # The other member sees none of it, and cannot write rows in the first member's name.
    with other.connect() as conn:
        assert conn.execute(text("SELECT * FROM member_ranking")).all() == []
        app_id = conn.execute(text("SELECT min(id) FROM application")).scalar_one()
        with pytest.raises(DBAPIError, match="row-level security"):
            conn.execute(
                text(
                    "INSERT INTO member_ranking (user_id, round_id, application_id, rank, updated_at)"
                    " VALUES (:u, :r, :a, 99, now())"
                ),
                {"u": my_id, "r": h_round, "a": app_id},
            )
        conn.rollback()
        assert conn.execute(text("UPDATE member_ranking SET rank = rank + 10")).rowcount == 0
        assert conn.execute(text("UPDATE assessment_score SET value = 'ikke_oppfylt'")).rowcount == 0
        conn.rollback()
        with pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("SELECT password_hash FROM app_user"))
    with reader.connect() as conn:
        assert _count(reader, "SELECT COUNT(*) FROM application") == 5
        with pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(
                text(
                    "INSERT INTO member_ranking (user_id, round_id, application_id, rank, updated_at)"
                    " VALUES (1, 1, 1, 1, now())"
                )
            )
    # The secretariat sees the aggregate of the members' rankings (never a member's own list in the UI).
    with Session(shared["login"]("helgeland")) as session:
        access.set_current(pg_identity(session.connection()))
        result = round_aggregate(session, h_round)
        assert result.members == 1 and result.order[0] == first[-1].key


def test_every_table_has_a_rule_and_passwords_are_argon2_hashes(shared: dict[str, Any]) -> None:
    import rsapp.models  # noqa: F401
    from rsapp.store.pg_access import VISIBLE
    from rsapp.store.users import authenticate, verify_password

    assert set(SQLModel.metadata.tables) == set(VISIBLE)
    with shared["owner"].connect() as conn:
        hashes = conn.execute(text("SELECT password_hash FROM app_user")).scalars().all()
        rls = dict(
            conn.execute(
                text(
                    "SELECT relname, relrowsecurity FROM pg_class WHERE relkind = 'r'"
                    " AND relnamespace = 'public'::regnamespace"
                )
            ).all()
        )
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)
    assert verify_password(hashes[0], PASSWORD) and not verify_password(hashes[0], "feil")
    assert all(rls[table] for table in VISIBLE)
    identity, url = authenticate(shared["url"], shared["names"]["ssu"], PASSWORD)
    assert identity.role == access.ROLE_SSU and identity.signed_in and identity.assessor_id is not None
    assert make_url(url).username == shared["names"]["ssu"]
    from rsapp.store.users import SignInError

    with pytest.raises(SignInError, match="Feil brukernavn eller passord"):
        authenticate(shared["url"], shared["names"]["ssu"], "ikke-passordet-mitt")
    with pytest.raises(SignInError, match="Feil brukernavn eller passord"):
        authenticate(shared["url"], "finnes-ikke", PASSWORD)


def test_a_change_reaches_a_second_session_within_two_seconds(shared: dict[str, Any]) -> None:
    from rsapp.prioritisation import move_application
    from rsapp.store.live import ChangeWatcher

    h_round = shared["rounds"]["helgeland-2026"]
    seen: list[tuple[str, float]] = []
    arrived = threading.Event()

    def noticed(table: str) -> None:
        seen.append((table, time.monotonic()))
        arrived.set()

    other_login = shared["login"]("troms")  # another helsefellesskap is told too, but sees no data
    watcher = ChangeWatcher(shared["login"]("ssu").url.render_as_string(hide_password=False), noticed).start()
    try:
        assert watcher.wait_ready()
        with Session(shared["login"]("helgeland")) as session:
            access.set_current(pg_identity(session.connection()))
            app_id, version = session.execute(
                text("SELECT id, version FROM application WHERE round_id = :r AND rank = 3"), {"r": h_round}
            ).one()
            start = time.monotonic()
            move_application(session, app_id, 1, version=version)
        assert arrived.wait(2.0), "no notice within 2 s"
        assert seen[0][1] - start < 2.0
        assert {"application", "changelog"} & {table for table, _ in seen}
        assert _count(other_login, "SELECT COUNT(*) FROM application WHERE id = :a", a=app_id) == 0
    finally:
        watcher.stop()
