"""assessment: criteria catalogue per round, assessors and their ties, habilitet decisions, scores

Revision ID: 0005_assessment
Revises: 0004_recommended_amounts
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0005_assessment"
down_revision = "0004_recommended_amounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "criteria_catalogue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("criteria_catalogue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criteria_catalogue_round_id"), ["round_id"], unique=True)

    op.create_table(
        "criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("catalogue_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('krav', 'prioritert', 'kriterium')", name="ck_criterion_kind"),
        sa.CheckConstraint("weight >= 0", name="ck_criterion_weight_nonnegative"),
        sa.ForeignKeyConstraint(["catalogue_id"], ["criteria_catalogue.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("catalogue_id", "key", name="uq_criterion_catalogue_key"),
    )
    with op.batch_alter_table("criterion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criterion_catalogue_id"), ["catalogue_id"], unique=False)

    op.create_table(
        "assessor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assessor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessor_name"), ["name"], unique=True)

    op.create_table(
        "assessor_tie",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("counterpart", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assessor_id"], ["assessor.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assessor_tie", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessor_tie_assessor_id"), ["assessor_id"], unique=False)

    op.create_table(
        "habilitet_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("decision IN ('inhabil', 'ikke_inhabil')", name="ck_habilitet_decision"),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assessor_id"], ["assessor.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessor_id", "application_id", name="uq_habilitet_assessor_application"),
    )
    with op.batch_alter_table("habilitet_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_habilitet_decision_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_habilitet_decision_assessor_id"), ["assessor_id"], unique=False)

    op.create_table(
        "assessment_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("suggested", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assessor_id"], ["assessor.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["criterion_id"], ["criterion.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "criterion_id", "assessor_id", name="uq_assessment_score_item"),
    )
    with op.batch_alter_table("assessment_score", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_score_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assessment_score_assessor_id"), ["assessor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_score_criterion_id"), ["criterion_id"], unique=False)

    op.create_table(
        "assessment_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assessor_id"], ["assessor.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "assessor_id", name="uq_assessment_note_assessor"),
    )
    with op.batch_alter_table("assessment_note", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_note_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assessment_note_assessor_id"), ["assessor_id"], unique=False)


def downgrade() -> None:
    op.drop_table("assessment_note")
    op.drop_table("assessment_score")
    op.drop_table("habilitet_decision")
    op.drop_table("assessor_tie")
    op.drop_table("assessor")
    op.drop_table("criterion")
    op.drop_table("criteria_catalogue")
