"""case: generated text per field and the generated points the user deleted

Revision ID: 0002_case_generated
Revises: 0001_initial
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_case_generated"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("generated_fields", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.add_column(
            sa.Column("dropped_sources", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_case", schema=None) as batch_op:
        batch_op.drop_column("dropped_sources")
        batch_op.drop_column("generated_fields")
