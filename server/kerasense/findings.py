"""The vocabulary every stage shares: positions, ranges, edits, fixes and findings.

Positions are 0-based lines and 0-based columns counted in Unicode code points, on lines
split at ``\\n``, ``\\r\\n`` and ``\\r`` only (what both Python's tokenizer and LSP
editors call a line). Front ends convert columns to their own unit: 1-based for the
command line, UTF-16 code units for the language server.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple


class Severity(enum.IntEnum):
    """How sure the engine is that something is wrong; values match LSP's."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read a severity name as written in configuration (``"warning"``, ``"info"``)."""
        key = text.strip().lower()
        aliases = {"info": "information", "warn": "warning", "err": "error"}
        return cls[aliases.get(key, key).upper()]


# Positions and ranges are made by the ten thousand for every file read: tuples are the
# cheapest immutable, ordered and hashable values Python has.
class Position(NamedTuple):
    line: int
    column: int


class Range(NamedTuple):
    start: Position
    end: Position

    @classmethod
    def of(cls, line: int, column: int, end_line: int, end_column: int) -> Range:
        return cls(Position(line, column), Position(end_line, end_column))

    @classmethod
    def point(cls, line: int, column: int) -> Range:
        return cls(Position(line, column), Position(line, column))


@dataclass(frozen=True)
class TextEdit:
    """Replace the text in ``range`` with ``new_text`` (an empty range inserts)."""

    range: Range
    new_text: str


@dataclass(frozen=True)
class Fix:
    """A named set of edits that, applied together, removes a finding."""

    title: str
    edits: tuple[TextEdit, ...]
    preferred: bool = False


@dataclass(frozen=True)
class Related:
    """The other half of a conflict: the head for a loss finding, and so on."""

    range: Range
    message: str


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    range: Range
    fixes: tuple[Fix, ...] = ()
    related: tuple[Related, ...] = ()
    data: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
