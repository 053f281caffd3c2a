"""The helsefellesskap (health partnerships) and the municipalities in them."""

from sqlmodel import Field, SQLModel


# A health partnership between a hospital trust and its municipalities.
class Helsefellesskap(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=40)
    name: str = Field(max_length=120)
    hospital_trust: str = Field(max_length=120)


# A municipality, optionally belonging to one helsefellesskap.
class Municipality(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=80)
    helsefellesskap_id: int | None = Field(default=None, foreign_key="helsefellesskap.id")
