"""`rsapp export …` (registered by its owner module)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Filled in by the export feature."""
