"""shared use: users with a role per helsefellesskap, members' own rankings, live-update notices

* ``app_user``: who signs in (sekretariat / ssu / lesetilgang in one helsefellesskap), linked to
  the SSU register (``assessor``) rather than naming people twice; on PostgreSQL ``db_role`` is
  the person's own database login; ``password_hash`` holds an argon2id hash only;
* ``member_ranking``: one SSU member's private place for each application of a round.

On PostgreSQL every table also gets a statement-level trigger that sends ``NOTIFY rsapp_endringer``
with the table's name, so that every open session sees a change within a second (live updates;
SQLite sessions watch ``PRAGMA data_version`` instead). The roles, grants and row-level security
policies are not made here but by the idempotent ``rsapp db tilganger`` (rsapp/store/pg_access.py),
since roles belong to the whole server and need CREATEROLE.

Revision ID: 0007_shared_use
Revises: 0006_meeting_cycle
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0007_shared_use"
down_revision = "0006_meeting_cycle"
branch_labels = None
depends_on = None

#: The channel every change is announced on (rsapp.store.live listens to it).
CHANNEL = "rsapp_endringer"

#: Every table at this revision (later tables get the trigger from ``rsapp db tilganger``).
TABLES = (
    "assessor",
    "helsefellesskap",
    "importeddocument",
    "registered_case_number",
    "app_user",
    "meeting",
    "municipality",
    "round",
    "application",
    "changelog",
    "criteria_catalogue",
    "earmark",
    "forwarding",
    "meeting_attendance",
    "meeting_case",
    "pot",
    "applicationmunicipality",
    "applicationtablerow",
    "assessment_note",
    "assessor_tie",
    "award",
    "budgetline",
    "criterion",
    "earmarkamount",
    "fieldsource",
    "habilitet_decision",
    "innstillingpoint",
    "member_ranking",
    "payment",
    "project_report",
    "recommended_amount",
    "vedtak",
    "assessment_score",
    "exemption",
    "vedtak_inhabil",
    "vedtak_point",
    "vedtak_vote",
)

NOTIFY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION rsapp_notify_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def notify_trigger(table: str) -> str:
    return (
        f'CREATE OR REPLACE TRIGGER rsapp_notify_change AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION rsapp_notify_change()"
    )


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("helsefellesskap_id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("db_role", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("role IN ('sekretariat', 'ssu', 'lesetilgang')", name="ck_app_user_role"),
        sa.ForeignKeyConstraint(["assessor_id"], ["assessor.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["helsefellesskap_id"], ["helsefellesskap.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_user_username"), ["username"], unique=True)
        batch_op.create_index(
            batch_op.f("ix_app_user_helsefellesskap_id"), ["helsefellesskap_id"], unique=False
        )

    op.create_table(
        "member_ranking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("rank >= 1", name="ck_member_ranking_rank_positive"),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "application_id", name="uq_member_ranking_application"),
        sa.UniqueConstraint("user_id", "round_id", "rank", name="uq_member_ranking_rank"),
    )
    with op.batch_alter_table("member_ranking", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_ranking_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_ranking_round_id"), ["round_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_member_ranking_application_id"), ["application_id"], unique=False
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOTIFY_FUNCTION)
        for table in TABLES:
            op.execute(notify_trigger(table))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS rsapp_notify_change ON "{table}"')
        op.execute("DROP FUNCTION IF EXISTS rsapp_notify_change()")
    op.drop_table("member_ranking")
    op.drop_table("app_user")
