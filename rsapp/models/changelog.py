"""The change log: who changed what, when, old value to new."""

from datetime import UTC, datetime

from sqlmodel import Field, SQLModel


# One change made by a user (the OS user name), old → new.
class ChangeLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=lambda: datetime.now(UTC), index=True)
    user: str = Field(default="", max_length=80)
    round_id: int | None = Field(default=None, foreign_key="round.id", index=True)
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    action: str = Field(max_length=40)
    summary: str = ""
    old: str = ""
    new: str = ""
