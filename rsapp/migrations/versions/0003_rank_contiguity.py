"""application: the database itself refuses ranks that are not 1..n within a round

UNIQUE(round_id, rank) and CHECK(rank >= 1) already hold; this trigger adds that the highest
rank equals the number of ranked applications, i.e. no gaps. A reorder first shifts the rows it
moves by RANK_SHIFT (1 000 000, see rsapp.prioritisation) and then writes their final ranks,
so the check is made whenever no row of the round is shifted: after every completed reorder.

Revision ID: 0003_rank_contiguity
Revises: 0002_case_generated
"""

from alembic import op

revision = "0003_rank_contiguity"
down_revision = "0002_case_generated"
branch_labels = None
depends_on = None

MESSAGE = "Rangeringen i en runde må være 1, 2, 3 … uten hull"

SQLITE_TRIGGER = f"""
CREATE TRIGGER application_ranks_contiguous
AFTER UPDATE OF rank ON application
WHEN NOT EXISTS (
        SELECT 1 FROM application WHERE round_id = NEW.round_id AND rank >= 1000000
    )
    AND (SELECT MAX(rank) FROM application WHERE round_id = NEW.round_id)
        <> (SELECT COUNT(rank) FROM application WHERE round_id = NEW.round_id)
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END
"""

POSTGRES_FUNCTION = f"""
CREATE FUNCTION application_ranks_contiguous() RETURNS trigger AS $$
DECLARE
    bad integer;
BEGIN
    SELECT r.round_id INTO bad
    FROM (SELECT DISTINCT round_id FROM new_rows) AS r
    WHERE NOT EXISTS (
            SELECT 1 FROM application a WHERE a.round_id = r.round_id AND a.rank >= 1000000
        )
        AND (SELECT MAX(rank) FROM application a WHERE a.round_id = r.round_id)
            IS DISTINCT FROM (SELECT NULLIF(COUNT(rank), 0) FROM application a WHERE a.round_id = r.round_id)
    LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION '{MESSAGE} (runde %)', bad;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""

POSTGRES_TRIGGER = """
CREATE TRIGGER application_ranks_contiguous
AFTER UPDATE ON application
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION application_ranks_contiguous()
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(SQLITE_TRIGGER)
    elif dialect == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute(
        "DROP TRIGGER IF EXISTS application_ranks_contiguous"
        + (" ON application" if dialect == "postgresql" else "")
    )
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS application_ranks_contiguous()")
