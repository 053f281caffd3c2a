"""recommended_amount: the innstilt amount per budget year, replacing application.granted

Today's single ``granted`` amount becomes per-year rows without losing an edit: a grant equal
to what was applied for is the default (no rows); any other grant is spread over the years the
application applied for, shifted so the plan starts in the round's year (DOMAIN.md §3a), in
proportion to the applied amounts (largest remainder, ties to the earlier year). Lines with no
year count in the round's year; an application with no amounts gets the whole grant there.

The column is dropped with a table copy on SQLite, which drops the rank trigger of 0003 with
the old table: it is created again here.

Revision ID: 0004_recommended_amounts
Revises: 0003_rank_contiguity
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_recommended_amounts"
down_revision = "0003_rank_contiguity"
branch_labels = None
depends_on = None

# The same trigger as 0003 (a migration is frozen: it does not import another one).
SQLITE_RANK_TRIGGER = """
CREATE TRIGGER application_ranks_contiguous
AFTER UPDATE OF rank ON application
WHEN NOT EXISTS (
        SELECT 1 FROM application WHERE round_id = NEW.round_id AND rank >= 1000000
    )
    AND (SELECT MAX(rank) FROM application WHERE round_id = NEW.round_id)
        <> (SELECT COUNT(rank) FROM application WHERE round_id = NEW.round_id)
BEGIN
    SELECT RAISE(ABORT, 'Rangeringen i en runde må være 1, 2, 3 … uten hull');
END
"""


def _spread(weights: dict[int, int], amount: int, round_year: int) -> dict[int, int]:
    total = sum(weights.values())
    if not weights or total == 0:
        return {round_year: amount}
    parts: dict[int, int] = {}
    remainders: list[tuple[int, int]] = []
    handed_out = 0
    for year in sorted(weights):
        share, remainder = divmod(amount * weights[year], total)
        parts[year] = share
        handed_out += share
        remainders.append((-remainder, year))
    for _, year in sorted(remainders)[: amount - handed_out]:
        parts[year] += 1
    return parts


def _per_year(lines: list[tuple[int | None, int]], granted: int, round_year: int) -> dict[int, int] | None:
    """The per-year rows for one old grant, or None when it equals the default."""
    applied = sum(amount for _, amount in lines)
    if lines and granted == applied:
        return None
    years = [year for year, _ in lines if year is not None]
    shift = round_year - min(years) if years and min(years) < round_year else 0
    weights: dict[int, int] = {}
    for year, amount in lines:
        key = round_year if year is None else year + shift
        weights[key] = weights.get(key, 0) + amount
    return _spread(weights, granted, round_year)


def upgrade() -> None:
    op.create_table(
        "recommended_amount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("budget_year", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount >= 0", name="ck_recommended_amount_nonnegative"),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "budget_year", name="uq_recommended_amount_year"),
    )
    with op.batch_alter_table("recommended_amount", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recommended_amount_application_id"), ["application_id"], unique=False
        )

    conn = op.get_bind()
    grants = conn.execute(
        sa.text(
            "SELECT a.id, a.granted, r.year FROM application a JOIN round r ON r.id = a.round_id "
            "WHERE a.granted IS NOT NULL"
        )
    ).all()
    rows: list[dict[str, int]] = []
    for app_id, granted, round_year in grants:
        lines = conn.execute(
            sa.text(
                "SELECT budget_year, amount FROM budgetline WHERE application_id = :id AND amount IS NOT NULL"
            ),
            {"id": app_id},
        ).all()
        per_year = _per_year([(y, a) for y, a in lines], granted, round_year)
        for year, amount in (per_year or {}).items():
            rows.append({"application_id": app_id, "budget_year": year, "amount": amount})
    if rows:
        conn.execute(
            sa.text(
                "INSERT INTO recommended_amount (application_id, budget_year, amount) "
                "VALUES (:application_id, :budget_year, :amount)"
            ),
            rows,
        )

    dialect = conn.dialect.name
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_constraint("ck_application_granted_nonnegative", type_="check")
        batch_op.drop_column("granted")
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS application_ranks_contiguous")
        op.execute(SQLITE_RANK_TRIGGER)


def downgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("granted", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "ck_application_granted_nonnegative", "granted IS NULL OR granted >= 0"
        )
    conn.execute(
        sa.text(
            "UPDATE application SET granted = (SELECT SUM(amount) FROM recommended_amount "
            "WHERE recommended_amount.application_id = application.id) "
            "WHERE id IN (SELECT application_id FROM recommended_amount)"
        )
    )
    op.drop_table("recommended_amount")
    if conn.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS application_ranks_contiguous")
        op.execute(SQLITE_RANK_TRIGGER)
