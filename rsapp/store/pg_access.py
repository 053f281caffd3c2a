"""The rules of shared use, enforced by PostgreSQL itself: roles, grants, row-level security.

``rsapp db tilganger`` (:func:`apply_access`) makes them, idempotently, on the database it is
given; run it as the database's owner (it needs CREATEROLE for the three group roles) after every
``rsapp db upgrade``. ``rsapp bruker ny`` runs it too. What it makes:

* three group roles for the whole server, ``rsapp_sekretariat``, ``rsapp_ssu`` and
  ``rsapp_lesetilgang`` (NOLOGIN); each person is a login role of their own (``rsapp bruker``),
  member of one of them;
* grants: every group reads; the sekretariat writes (never the change log's old rows: it is
  append-only for everyone but the owner); an SSU member writes only ``member_ranking``,
  ``assessment_score`` and ``assessment_note`` (and appends to the change log); nobody but the
  owner writes ``app_user``, and nobody but the owner reads its ``password_hash`` column;
* row-level security on every table: a row is visible when it belongs to a round (or meeting)
  of the user's own helsefellesskap (``app_user.helsefellesskap_id`` of the login), following
  the foreign keys (``application`` → ``round``, ``budgetline`` → ``application`` …); write
  policies with the same test, so a Helgeland login can neither read nor write a Troms og
  Ofoten row, even with ``psql``. An SSU member's writes must be their own
  (``assessor_id``/``user_id`` of their login). Rows that belong to no helsefellesskap (the
  helsefellesskap and municipality lists, the SSU register, case numbers from before rsapp) are
  readable by every registered user of the database;
* the ``NOTIFY rsapp_endringer`` trigger on every table (live updates), for tables added after
  migration 0007 as well.

The database's owner (who runs the migrations) is not subject to row-level security and keeps
every right. A table that is not listed in :data:`VISIBLE` gets no grant at all, so a new table
is closed to every user until it is given a rule here (a test holds the list to the models).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

__all__ = [
    "GROUP_ROLES",
    "MEMBER_TABLES",
    "VISIBLE",
    "apply_access",
    "group_role",
]

#: app_user.role -> the server-wide group role its logins are members of.
GROUP_ROLES = {
    "sekretariat": "rsapp_sekretariat",
    "ssu": "rsapp_ssu",
    "lesetilgang": "rsapp_lesetilgang",
}
_ALL = ", ".join(GROUP_ROLES.values())

_IN_ROUND = 'round_id IN (SELECT id FROM "round")'
_IN_APPLICATION = "application_id IN (SELECT id FROM application)"
_IN_CASE = "case_id IN (SELECT id FROM meeting_case)"
_IN_VEDTAK = "vedtak_id IN (SELECT id FROM vedtak)"
_REGISTERED = "rsapp_registered(current_user)"

#: Table -> when a row of it is visible to a (non-owner) login: the row-level security test.
VISIBLE: dict[str, str] = {
    "helsefellesskap": _REGISTERED,
    "municipality": _REGISTERED,
    "assessor": _REGISTERED,
    "registered_case_number": _REGISTERED,
    "importeddocument": _REGISTERED,  # granted to the sekretariat only
    "assessor_tie": f"{_REGISTERED} AND (application_id IS NULL OR {_IN_APPLICATION})",
    "app_user": "db_role = current_user OR (rsapp_role(current_user) = 'sekretariat'"
    " AND helsefellesskap_id = rsapp_hf(current_user))",
    "round": "helsefellesskap_id = rsapp_hf(current_user)",
    "meeting": f"helsefellesskap_id = rsapp_hf(current_user) OR (helsefellesskap_id IS NULL AND {_REGISTERED})",
    "application": _IN_ROUND,
    "pot": _IN_ROUND,
    "earmark": _IN_ROUND,
    "criteria_catalogue": _IN_ROUND,
    "forwarding": _IN_ROUND,
    # A change of no round (a meeting, a user) is seen by the sekretariat when one of their own
    # helsefellesskap's users made it (app_user's own policy limits the subquery to those).
    "changelog": f"{_IN_ROUND} OR (round_id IS NULL AND rsapp_role(current_user) = 'sekretariat'"
    ' AND "user" IN (SELECT username FROM app_user))',
    "meeting_case": f"{_IN_ROUND} OR (round_id IS NULL AND meeting_id IN (SELECT id FROM meeting))",
    "member_ranking": "user_id = rsapp_user_id(current_user)"
    f" OR (rsapp_role(current_user) = 'sekretariat' AND {_IN_ROUND})",
    "earmarkamount": "earmark_id IN (SELECT id FROM earmark)",
    "criterion": "catalogue_id IN (SELECT id FROM criteria_catalogue)",
    "applicationmunicipality": _IN_APPLICATION,
    "applicationtablerow": _IN_APPLICATION,
    "budgetline": _IN_APPLICATION,
    "fieldsource": _IN_APPLICATION,
    "recommended_amount": _IN_APPLICATION,
    "habilitet_decision": _IN_APPLICATION,
    "assessment_score": _IN_APPLICATION,
    "assessment_note": _IN_APPLICATION,
    "award": _IN_APPLICATION,
    "payment": _IN_APPLICATION,
    "project_report": _IN_APPLICATION,
    "innstillingpoint": _IN_CASE,
    "exemption": _IN_CASE,
    "vedtak": _IN_CASE,
    "meeting_attendance": "meeting_id IN (SELECT id FROM meeting)",
    "vedtak_point": _IN_VEDTAK,
    "vedtak_vote": _IN_VEDTAK,
    "vedtak_inhabil": _IN_VEDTAK,
}

#: Tables an SSU member writes, and the test that a row is the member's own.
MEMBER_TABLES: dict[str, str] = {
    "member_ranking": f"user_id = rsapp_user_id(current_user) AND {_IN_ROUND} AND {_IN_APPLICATION}",
    "assessment_score": f"assessor_id = rsapp_assessor(current_user) AND {_IN_APPLICATION}",
    "assessment_note": f"assessor_id = rsapp_assessor(current_user) AND {_IN_APPLICATION}",
}

#: Tables only read by everyone but the owner (besides alembic_version).
READ_ONLY = ("helsefellesskap", "app_user")
#: Tables the sekretariat appends to but never changes.
APPEND_ONLY = ("changelog",)
#: Tables only the sekretariat reads.
SEKRETARIAT_ONLY = ("importeddocument",)
#: app_user's columns everybody may read (not password_hash).
APP_USER_READABLE = (
    "id",
    "username",
    "display_name",
    "role",
    "helsefellesskap_id",
    "assessor_id",
    "db_role",
    "active",
    "version",
    "created_at",
    "updated_at",
)

_FUNCTIONS = [
    # The login's row in app_user, read with the owner's rights (app_user has row-level security).
    """
CREATE OR REPLACE FUNCTION rsapp_hf(who name) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT helsefellesskap_id FROM app_user WHERE db_role = who AND active
$$""",
    """
CREATE OR REPLACE FUNCTION rsapp_role(who name) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT role FROM app_user WHERE db_role = who AND active
$$""",
    """
CREATE OR REPLACE FUNCTION rsapp_user_id(who name) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT id FROM app_user WHERE db_role = who AND active
$$""",
    """
CREATE OR REPLACE FUNCTION rsapp_assessor(who name) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT assessor_id FROM app_user WHERE db_role = who AND active
$$""",
    """
CREATE OR REPLACE FUNCTION rsapp_registered(who name) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT EXISTS (SELECT 1 FROM app_user WHERE db_role = who AND active)
$$""",
    # The signing-in login's own argon2 hash (the column itself is not granted to anyone).
    """
CREATE OR REPLACE FUNCTION rsapp_own_password_hash() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT password_hash FROM app_user WHERE db_role = session_user AND active
$$""",
]
_FUNCTION_NAMES = (
    "rsapp_hf(name)",
    "rsapp_role(name)",
    "rsapp_user_id(name)",
    "rsapp_assessor(name)",
    "rsapp_registered(name)",
    "rsapp_own_password_hash()",
)


def group_role(role: str) -> str:
    return GROUP_ROLES[role]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(conn: Connection) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        )
    ]


def _statements(tables: list[str]) -> list[str]:
    """Every statement :func:`apply_access` runs, in order (idempotent as a whole)."""
    out: list[str] = []
    for group in GROUP_ROLES.values():
        out.append(
            "DO $$ BEGIN "
            f"IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{group}') THEN "
            f"CREATE ROLE {group} NOLOGIN; END IF; END $$"
        )
    out.append("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    out.append(f"GRANT USAGE ON SCHEMA public TO {_ALL}")
    out.extend(_FUNCTIONS)
    for function in _FUNCTION_NAMES:
        out.append(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        out.append(f"GRANT EXECUTE ON FUNCTION {function} TO {_ALL}")
    out.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {GROUP_ROLES['sekretariat']}")
    out.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {GROUP_ROLES['ssu']}")
    sek, ssu = GROUP_ROLES["sekretariat"], GROUP_ROLES["ssu"]
    for table in tables:
        t = _q(table)
        out.append(f"REVOKE ALL ON {t} FROM PUBLIC, {_ALL}")
        if table == "alembic_version":
            out.append(f"GRANT SELECT ON {t} TO {_ALL}")
            continue
        out.append(
            f"CREATE OR REPLACE TRIGGER rsapp_notify_change AFTER INSERT OR UPDATE OR DELETE ON {t} "
            "FOR EACH STATEMENT EXECUTE FUNCTION rsapp_notify_change()"
        )
        visible = VISIBLE.get(table)
        if visible is None:
            continue  # no rule: no grant; closed to everyone but the owner
        out.append(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
        for policy in ("rsapp_lesing", "rsapp_skriving", "rsapp_medlem"):
            out.append(f"DROP POLICY IF EXISTS {policy} ON {t}")
        readers = sek if table in SEKRETARIAT_ONLY else _ALL
        out.append(f"CREATE POLICY rsapp_lesing ON {t} FOR SELECT TO {readers} USING ({visible})")
        if table == "app_user":
            columns = ", ".join(APP_USER_READABLE)
            out.append(f"GRANT SELECT ({columns}) ON {t} TO {_ALL}")
            continue
        out.append(f"GRANT SELECT ON {t} TO {readers}")
        if table in READ_ONLY:
            continue
        if table in APPEND_ONLY:
            out.append(
                f"CREATE POLICY rsapp_skriving ON {t} FOR INSERT TO {sek}, {ssu} WITH CHECK ({visible}"
                f" OR (round_id IS NULL AND {_REGISTERED}))"
            )
            out.append(f"GRANT INSERT ON {t} TO {sek}, {ssu}")
            continue
        check = "helsefellesskap_id = rsapp_hf(current_user)" if table == "round" else visible
        out.append(
            f"CREATE POLICY rsapp_skriving ON {t} FOR ALL TO {sek} USING ({visible}) WITH CHECK ({check})"
        )
        out.append(f"GRANT INSERT, UPDATE, DELETE ON {t} TO {sek}")
        own = MEMBER_TABLES.get(table)
        if own is not None:
            out.append(f"CREATE POLICY rsapp_medlem ON {t} FOR ALL TO {ssu} USING ({own}) WITH CHECK ({own})")
            out.append(f"GRANT INSERT, UPDATE, DELETE ON {t} TO {ssu}")
    return out


def apply_access(engine_or_conn: Engine | Connection) -> int:
    """Make the roles, grants and policies (idempotent, one transaction); returns the tables covered.

    Raises :class:`AccessSetupError` (Norwegian) when the login may not (not the owner, no
    CREATEROLE) or the database is not PostgreSQL.
    """
    from sqlalchemy.exc import DBAPIError

    if isinstance(engine_or_conn, Engine):
        with engine_or_conn.begin() as conn:
            return apply_access(conn)
    conn = engine_or_conn
    if conn.dialect.name != "postgresql":
        raise AccessSetupError(
            "Tilganger i databasen finnes bare på PostgreSQL; på SQLite håndhever rsapp reglene selv."
        )
    tables = _tables(conn)
    if "app_user" not in tables:
        raise AccessSetupError("Databasen er ikke oppgradert ennå: kjør «rsapp db upgrade» først.")
    try:
        with conn.begin_nested():
            for statement in _statements(tables):
                conn.exec_driver_sql(statement)
    except DBAPIError as exc:
        raise AccessSetupError(
            "Kunne ikke sette opp tilgangene. Kjør kommandoen som eieren av databasen, med rett til å "
            f"lage roller (CREATEROLE). Databasen svarte: {str(exc.orig).strip().splitlines()[0]}"
        ) from exc
    return sum(1 for table in tables if table in VISIBLE)


class AccessSetupError(RuntimeError):
    """The roles and policies could not be made (Norwegian message)."""
