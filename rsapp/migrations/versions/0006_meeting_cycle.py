"""meeting cycle: a meeting's life and lock, vedtak per case, awards, the letter to Helse Nord,
follow-up of funded projects, exemptions from the public, case numbers from before rsapp

The meeting gets its state (planlagt → innkalt → avholdt → godkjent) and the innkalling's
details. Once a meeting's protokoll is approved (status 'godkjent') the database itself refuses
every change to the meeting, its cases, their innstilling points, its attendance and its vedtak
(with their points, votes and inhabil members): triggers on SQLite and PostgreSQL, so no writer
can forget the lock. A case moved off a locked meeting or onto one is refused as well.

NOTE for later migrations: on SQLite a table copy (batch mode "recreate") drops the triggers of
the copied table; a migration that copies meeting, meeting_case, innstillingpoint, vedtak,
vedtak_point, vedtak_vote, vedtak_inhabil or meeting_attendance must create these triggers again
(as 0004 does for the rank trigger).

Revision ID: 0006_meeting_cycle
Revises: 0005_assessment
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0006_meeting_cycle"
down_revision = "0005_assessment"
branch_labels = None
depends_on = None

LOCKED = (
    "Protokollen for møtet er godkjent og låst: møtet, sakene, innstillingene og vedtakene kan ikke endres"
)

# table -> how a row finds its meeting: itself, a meeting_id column, its case, its vedtak
LOCKED_TABLES: dict[str, str] = {
    "meeting": "meeting",
    "meeting_case": "meeting_id",
    "innstillingpoint": "case_id",
    "meeting_attendance": "meeting_id",
    "vedtak": "meeting_id",
    "vedtak_point": "vedtak_id",
    "vedtak_vote": "vedtak_id",
    "vedtak_inhabil": "vedtak_id",
}


def _sqlite_locked(kind: str, row: str) -> str:
    """SQL that is true when the meeting of ``row`` (OLD or NEW) is approved."""
    if kind == "meeting":
        return f"{row}.status = 'godkjent'"
    if kind == "meeting_id":
        return f"EXISTS (SELECT 1 FROM meeting WHERE id = {row}.meeting_id AND status = 'godkjent')"
    if kind == "case_id":
        return (
            "EXISTS (SELECT 1 FROM meeting_case c JOIN meeting m ON m.id = c.meeting_id "
            f"WHERE c.id = {row}.case_id AND m.status = 'godkjent')"
        )
    return (
        "EXISTS (SELECT 1 FROM vedtak v JOIN meeting m ON m.id = v.meeting_id "
        f"WHERE v.id = {row}.vedtak_id AND m.status = 'godkjent')"
    )


def sqlite_triggers() -> list[str]:
    statements = []
    for table, kind in LOCKED_TABLES.items():
        checks = {"delete": _sqlite_locked(kind, "OLD")}
        if kind == "meeting":
            checks["update"] = _sqlite_locked(kind, "OLD")
        else:
            checks["insert"] = _sqlite_locked(kind, "NEW")
            checks["update"] = f"{_sqlite_locked(kind, 'OLD')} OR {_sqlite_locked(kind, 'NEW')}"
        for op_name, condition in checks.items():
            statements.append(
                f"CREATE TRIGGER {table}_locked_{op_name} BEFORE {op_name.upper()} ON {table} "
                f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{LOCKED}'); END"
            )
    return statements


POSTGRES_FUNCTIONS = [
    """
CREATE FUNCTION rsapp_meeting_of(kind text, r jsonb) RETURNS integer AS $$
    SELECT CASE kind
        WHEN 'meeting' THEN (r->>'id')::integer
        WHEN 'meeting_id' THEN (r->>'meeting_id')::integer
        WHEN 'case_id' THEN (SELECT meeting_id FROM meeting_case WHERE id = (r->>'case_id')::integer)
        WHEN 'vedtak_id' THEN (SELECT meeting_id FROM vedtak WHERE id = (r->>'vedtak_id')::integer)
    END
$$ LANGUAGE sql STABLE
""",
    """
CREATE FUNCTION rsapp_meeting_locked(mid integer) RETURNS boolean AS $$
    SELECT mid IS NOT NULL AND EXISTS (SELECT 1 FROM meeting WHERE id = mid AND status = 'godkjent')
$$ LANGUAGE sql STABLE
""",
    f"""
CREATE FUNCTION rsapp_refuse_locked() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR TG_OP = 'DELETE' THEN
        IF TG_ARGV[0] = 'meeting' THEN
            IF OLD.status = 'godkjent' THEN
                RAISE EXCEPTION '{LOCKED}';
            END IF;
        ELSIF rsapp_meeting_locked(rsapp_meeting_of(TG_ARGV[0], to_jsonb(OLD))) THEN
            RAISE EXCEPTION '{LOCKED}';
        END IF;
    END IF;
    IF (TG_OP = 'INSERT' OR TG_OP = 'UPDATE') AND TG_ARGV[0] <> 'meeting' THEN
        IF rsapp_meeting_locked(rsapp_meeting_of(TG_ARGV[0], to_jsonb(NEW))) THEN
            RAISE EXCEPTION '{LOCKED}';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
""",
]


def postgres_triggers() -> list[str]:
    return [
        f"CREATE TRIGGER {table}_locked BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION rsapp_refuse_locked('{kind}')"
        for table, kind in LOCKED_TABLES.items()
    ]


def upgrade() -> None:
    op.create_table(
        "registered_case_number",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("written", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("utvalg", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("number >= 1", name="ck_registered_case_number_positive"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "number", "title", name="uq_registered_case_number"),
    )
    with op.batch_alter_table("registered_case_number", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registered_case_number_year"), ["year"], unique=False)

    op.create_table(
        "forwarding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("letter_date", sa.Date(), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("recipient", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("signer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("forwarding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forwarding_round_id"), ["round_id"], unique=True)

    op.create_table(
        "meeting_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("substitute_for", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.ForeignKeyConstraint(["assessor_id"], ["assessor.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "name", name="uq_meeting_attendance_name"),
    )
    with op.batch_alter_table("meeting_attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_attendance_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("budget_year", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("source IN ('lokal', 'regional')", name="ck_award_source"),
        sa.CheckConstraint("amount >= 0", name="ck_award_amount_nonnegative"),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "budget_year", "source", name="uq_award_year_source"),
    )
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_award_application_id"), ["application_id"], unique=False)

    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("budget_year", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("paid_amount", sa.Integer(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount >= 0", name="ck_payment_amount_nonnegative"),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_application_id"), ["application_id"], unique=False)

    op.create_table(
        "project_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("period_year", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("project_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_report_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "vedtak",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("vote", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("votes_for", sa.Integer(), nullable=True),
        sa.Column("votes_against", sa.Integer(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["meeting_case.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "meeting_id", name="uq_vedtak_case_meeting"),
    )
    with op.batch_alter_table("vedtak", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vedtak_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vedtak_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "exemption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("passage", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("basis", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["meeting_case.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["point_id"], ["innstillingpoint.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("exemption", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exemption_case_id"), ["case_id"], unique=False)

    op.create_table(
        "vedtak_inhabil",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vedtak_id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("basis", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["assessor_id"], ["assessor.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["vedtak_id"], ["vedtak.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vedtak_id", "name", name="uq_vedtak_inhabil_name"),
    )
    with op.batch_alter_table("vedtak_inhabil", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vedtak_inhabil_vedtak_id"), ["vedtak_id"], unique=False)

    op.create_table(
        "vedtak_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vedtak_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("innstilling_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("change", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("source_key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("earmark_id", sa.Integer(), nullable=True),
        sa.Column("amounts", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["earmark_id"], ["earmark.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["point_id"], ["innstillingpoint.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["vedtak_id"], ["vedtak.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("vedtak_point", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vedtak_point_vedtak_id"), ["vedtak_id"], unique=False)

    op.create_table(
        "vedtak_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vedtak_id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("vote", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.CheckConstraint("vote IN ('for', 'mot')", name="ck_vedtak_vote_value"),
        sa.ForeignKeyConstraint(["assessor_id"], ["assessor.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["vedtak_id"], ["vedtak.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vedtak_id", "name", name="uq_vedtak_vote_name"),
    )
    with op.batch_alter_table("vedtak_vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vedtak_vote_vedtak_id"), ["vedtak_id"], unique=False)

    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "status",
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default=sa.text("'planlagt'"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "start_time",
                sqlmodel.sql.sqltypes.AutoString(length=5),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "end_time",
                sqlmodel.sql.sqltypes.AutoString(length=5),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "video_link", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=sa.text("''")
            )
        )
        batch_op.add_column(
            sa.Column(
                "chair",
                sqlmodel.sql.sqltypes.AutoString(length=120),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "secretary",
                sqlmodel.sql.sqltypes.AutoString(length=120),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "recipients", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=sa.text("''")
            )
        )
        batch_op.add_column(
            sa.Column(
                "forfall_to", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=sa.text("''")
            )
        )
        batch_op.add_column(sa.Column("summoned_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("approved_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "approved_by",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "minutes_note",
                sqlmodel.sql.sqltypes.AutoString(),
                nullable=False,
                server_default=sa.text("''"),
            )
        )
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")))

    # A saksliste already made final was sent out with the innkalling.
    op.execute("UPDATE meeting SET status = 'innkalt' WHERE final")

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in sqlite_triggers():
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRES_FUNCTIONS + postgres_triggers():
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table, kind in LOCKED_TABLES.items():
            for op_name in ("insert", "update", "delete"):
                if not (kind == "meeting" and op_name == "insert"):
                    op.execute(f"DROP TRIGGER IF EXISTS {table}_locked_{op_name}")
    elif dialect == "postgresql":
        for table in LOCKED_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_locked ON {table}")
        op.execute("DROP FUNCTION IF EXISTS rsapp_refuse_locked()")
        op.execute("DROP FUNCTION IF EXISTS rsapp_meeting_locked(integer)")
        op.execute("DROP FUNCTION IF EXISTS rsapp_meeting_of(text, jsonb)")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("version")
        batch_op.drop_column("minutes_note")
        batch_op.drop_column("approved_by")
        batch_op.drop_column("approved_on")
        batch_op.drop_column("summoned_on")
        batch_op.drop_column("forfall_to")
        batch_op.drop_column("recipients")
        batch_op.drop_column("secretary")
        batch_op.drop_column("chair")
        batch_op.drop_column("video_link")
        batch_op.drop_column("end_time")
        batch_op.drop_column("start_time")
        batch_op.drop_column("status")

    with op.batch_alter_table("vedtak_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vedtak_vote_vedtak_id"))

    op.drop_table("vedtak_vote")
    with op.batch_alter_table("vedtak_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vedtak_point_vedtak_id"))

    op.drop_table("vedtak_point")
    with op.batch_alter_table("vedtak_inhabil", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vedtak_inhabil_vedtak_id"))

    op.drop_table("vedtak_inhabil")
    with op.batch_alter_table("exemption", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exemption_case_id"))

    op.drop_table("exemption")
    with op.batch_alter_table("vedtak", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vedtak_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_vedtak_case_id"))

    op.drop_table("vedtak")
    with op.batch_alter_table("project_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_report_application_id"))

    op.drop_table("project_report")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_application_id"))

    op.drop_table("payment")
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_application_id"))

    op.drop_table("award")
    with op.batch_alter_table("meeting_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_attendance_meeting_id"))

    op.drop_table("meeting_attendance")
    with op.batch_alter_table("forwarding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forwarding_round_id"))

    op.drop_table("forwarding")
    with op.batch_alter_table("registered_case_number", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registered_case_number_year"))

    op.drop_table("registered_case_number")
