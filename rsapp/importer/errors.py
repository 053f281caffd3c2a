"""The importer's own error type: every problem with a file becomes one of these."""

from __future__ import annotations


class ImportFailure(Exception):
    """A file that cannot be imported. The message is Norwegian and names the file and the problem."""

    def __init__(self, filename: str, problem: str) -> None:
        self.filename = filename
        self.problem = problem
        super().__init__(f"{filename}: {problem}" if filename else problem)
