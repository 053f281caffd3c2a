"""Turn what a widget shows into plain text, for assertions in Pilot tests."""

from __future__ import annotations

from rich.console import Console
from textual.widgets import Static


def static_text(widget: Static, width: int = 200) -> str:
    """The plain text a Static widget displays (Rich renderables rendered, markup stripped)."""
    content = widget.content
    if isinstance(content, str):
        return content
    console = Console(width=width, record=True, file=open("/dev/null", "w"), color_system=None)  # noqa: SIM115
    console.print(content)
    return console.export_text()
