"""application: the rank check of 0003 also when a row is inserted or deleted

0003 refused a reorder that leaves a gap (ranks not 1..n within a round), but only on UPDATE:
an INSERT at rank n + 2, or a DELETE in the middle, left a gap that the screens then renumbered
without a word. The same check now runs after INSERT and DELETE too, with the same exemption:
while any row of the round is shifted (rank >= RANK_SHIFT, 1 000 000; a reorder or a bulk
insert in progress), nothing is checked. A deleter moves the application to the last place
first (or shifts the round); a bulk insert in any order inserts shifted ranks and shifts them
back in one UPDATE, which 0003 then checks. A DELETE of a round that no longer exists (its
applications going with it) is not checked.

SQLite checks each row (it has no statement triggers); PostgreSQL checks each statement with
its transition table, as 0003 does.

Revision ID: 0008_rank_trigger
Revises: 0007_shared_use
"""

from alembic import op

revision = "0008_rank_trigger"
down_revision = "0007_shared_use"
branch_labels = None
depends_on = None

MESSAGE = "Rangeringen i en runde må være 1, 2, 3 … uten hull"

# SQLite checks each row, so the checks use the UNIQUE(round_id, rank) index instead of counting
# the round (inserting 10 000 applications stays linear): the ranks were 1..n before the row, so
# an inserted rank r leaves a gap exactly when r - 1 is missing, and a deleted rank leaves one
# exactly when a higher rank remains.
_NOT_SHIFTED = "NOT EXISTS (SELECT 1 FROM application WHERE round_id = {row}.round_id AND rank >= 1000000)"

SQLITE_INSERT = f"""
CREATE TRIGGER application_ranks_contiguous_insert
AFTER INSERT ON application
WHEN NEW.rank IS NOT NULL AND NEW.rank < 1000000
    AND {_NOT_SHIFTED.format(row="NEW")}
    AND NEW.rank > 1
    AND NOT EXISTS (SELECT 1 FROM application WHERE round_id = NEW.round_id AND rank = NEW.rank - 1)
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END
"""

SQLITE_DELETE = f"""
CREATE TRIGGER application_ranks_contiguous_delete
AFTER DELETE ON application
WHEN OLD.rank IS NOT NULL AND OLD.rank < 1000000
    AND EXISTS (SELECT 1 FROM round WHERE id = OLD.round_id)
    AND {_NOT_SHIFTED.format(row="OLD")}
    AND EXISTS (
        SELECT 1 FROM application WHERE round_id = OLD.round_id AND rank > OLD.rank AND rank < 1000000
    )
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END
"""

POSTGRES_FUNCTION = f"""
CREATE FUNCTION application_ranks_contiguous_rows() RETURNS trigger AS $$
DECLARE
    bad integer;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT r.round_id INTO bad
        FROM (SELECT DISTINCT round_id FROM new_rows WHERE rank IS NOT NULL) AS r
        WHERE NOT EXISTS (
                SELECT 1 FROM application a WHERE a.round_id = r.round_id AND a.rank >= 1000000
            )
            AND COALESCE((SELECT MAX(rank) FROM application a WHERE a.round_id = r.round_id), 0)
                <> (SELECT COUNT(rank) FROM application a WHERE a.round_id = r.round_id)
        LIMIT 1;
    ELSE
        SELECT r.round_id INTO bad
        FROM (SELECT DISTINCT round_id FROM old_rows WHERE rank IS NOT NULL) AS r
        WHERE EXISTS (SELECT 1 FROM round WHERE id = r.round_id)
            AND NOT EXISTS (
                SELECT 1 FROM application a WHERE a.round_id = r.round_id AND a.rank >= 1000000
            )
            AND COALESCE((SELECT MAX(rank) FROM application a WHERE a.round_id = r.round_id), 0)
                <> (SELECT COUNT(rank) FROM application a WHERE a.round_id = r.round_id)
        LIMIT 1;
    END IF;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION '{MESSAGE} (runde %)', bad;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""

POSTGRES_TRIGGERS = (
    """
CREATE TRIGGER application_ranks_contiguous_insert
AFTER INSERT ON application
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION application_ranks_contiguous_rows()
""",
    """
CREATE TRIGGER application_ranks_contiguous_delete
AFTER DELETE ON application
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION application_ranks_contiguous_rows()
""",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(SQLITE_INSERT)
        op.execute(SQLITE_DELETE)
    elif dialect == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for trigger in POSTGRES_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    on = " ON application" if dialect == "postgresql" else ""
    op.execute(f"DROP TRIGGER IF EXISTS application_ranks_contiguous_insert{on}")
    op.execute(f"DROP TRIGGER IF EXISTS application_ranks_contiguous_delete{on}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS application_ranks_contiguous_rows()")
