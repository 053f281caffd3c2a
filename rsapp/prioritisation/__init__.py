"""Changing a round's prioritisation: ranks, recommendations, routes, earmarks, undo/redo.

The write side of the prioritisation screen and of ``rsapp prioriter``, plain Python over a
SQLModel ``Session`` (no Textual). Every change function runs in its own
:func:`rsapp.store.unit_of_work` (transaction, round lock, version check, change-log entry) and
returns a :class:`Change`, so a screen can update itself without reading the round again.

- :mod:`.common` — errors, :class:`Change`, row access shared by the writers
- :mod:`.view` — the round as the screen sees it, the change log
- :mod:`.ranks` — moves, whole orders, "fyll potten"
- :mod:`.recommendations` — innstilt beløp per year, routes
- :mod:`.earmarks` — avsetninger
- :mod:`.history` — undo and redo
"""

from rsapp.prioritisation.common import (
    RANK_SHIFT,
    REFRESH_HINT,
    Change,
    PrioritisationError,
    StaleError,
    read_amount,
)
from rsapp.prioritisation.earmarks import (
    EarmarkData,
    EarmarkItem,
    add_earmark,
    describe_earmark,
    format_earmark_amounts,
    load_earmarks,
    parse_earmark_amounts,
    remove_earmark,
    update_earmark,
)
from rsapp.prioritisation.history import (
    Command,
    EarmarkAddCommand,
    EarmarkEditCommand,
    EarmarkRef,
    EarmarkRemoveCommand,
    FillPotCommand,
    History,
    MoveCommand,
    RecommendCommand,
    RouteCommand,
    Versions,
)
from rsapp.prioritisation.ranks import apply_fill_pot, move_application, normalise_ranks, set_order
from rsapp.prioritisation.recommendations import (
    MAX_AMOUNT,
    check_recommendation,
    format_recommendation,
    load_recommendation,
    parse_recommendation,
    set_recommendation,
    set_route,
)
from rsapp.prioritisation.view import RoundView, change_log, format_log_value, load_view

__all__ = [
    "MAX_AMOUNT",
    "RANK_SHIFT",
    "REFRESH_HINT",
    "Change",
    "Command",
    "EarmarkAddCommand",
    "EarmarkData",
    "EarmarkEditCommand",
    "EarmarkItem",
    "EarmarkRef",
    "EarmarkRemoveCommand",
    "FillPotCommand",
    "History",
    "MoveCommand",
    "PrioritisationError",
    "RecommendCommand",
    "RouteCommand",
    "RoundView",
    "StaleError",
    "Versions",
    "add_earmark",
    "apply_fill_pot",
    "change_log",
    "check_recommendation",
    "describe_earmark",
    "format_earmark_amounts",
    "format_log_value",
    "format_recommendation",
    "load_earmarks",
    "load_recommendation",
    "load_view",
    "move_application",
    "normalise_ranks",
    "parse_earmark_amounts",
    "parse_recommendation",
    "read_amount",
    "remove_earmark",
    "set_order",
    "set_recommendation",
    "set_route",
    "update_earmark",
]
