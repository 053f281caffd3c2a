"""Shared use: the people who sign in (with their role and helsefellesskap) and each SSU member's
own, private ranking of a round's applications."""

from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel


# A person who uses rsapp: sekretariat, SSU-medlem or lesetilgang in one helsefellesskap. On
# PostgreSQL ``db_role`` is their own database login; ``password_hash`` is an argon2id hash
# (never the password) for signing in through the browser. An SSU member is linked to the SSU
# register (``assessor_id``) rather than written down twice.
class AppUser(SQLModel, table=True):
    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint("role IN ('sekretariat', 'ssu', 'lesetilgang')", name="ck_app_user_role"),
    )
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=63, unique=True, index=True)
    display_name: str = Field(default="", max_length=120)
    role: str = Field(max_length=20)
    helsefellesskap_id: int = Field(foreign_key="helsefellesskap.id", index=True)
    assessor_id: int | None = Field(default=None, foreign_key="assessor.id", ondelete="SET NULL")
    db_role: str = Field(default="", max_length=63)
    password_hash: str = Field(default="", max_length=200)
    active: bool = True
    version: int = 1
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


# One SSU member's place for one application in their own ranking of a round (1 = first).
class MemberRanking(SQLModel, table=True):
    __tablename__ = "member_ranking"
    __table_args__ = (
        UniqueConstraint("user_id", "application_id", name="uq_member_ranking_application"),
        UniqueConstraint("user_id", "round_id", "rank", name="uq_member_ranking_rank"),
        CheckConstraint("rank >= 1", name="ck_member_ranking_rank_positive"),
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    round_id: int = Field(foreign_key="round.id", index=True, ondelete="CASCADE")
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    rank: int
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
