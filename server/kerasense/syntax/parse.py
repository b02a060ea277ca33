"""Parse text into an ``ast`` module, or describe the syntax error with a position."""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass

from kerasense.findings import Position
from kerasense.source.text import SourceText


@dataclass(frozen=True)
class SyntaxProblem:
    message: str
    position: Position


def parse_quietly(text: str) -> ast.Module:
    """``ast.parse`` without the ``SyntaxWarning`` lines (``1_000abc``, ``"\\d"``) that
    it would print to the server's stderr for code the person is still typing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, type_comments=False)


def parse_expression(text: str) -> ast.expr | None:
    """The expression ``text`` spells, or None for anything that is not one; never
    raises and never prints a warning."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return None


def parse(source: SourceText) -> ast.Module | SyntaxProblem:
    """Parse without ever raising: recursion, memory and NUL errors become problems too."""
    try:
        return parse_quietly(source.text)
    except SyntaxError as error:
        line = max((error.lineno or 1) - 1, 0)
        column = max((error.offset or 1) - 1, 0)
        # SyntaxError.offset counts code points in the line's text (1-based).
        return SyntaxProblem(error.msg or "invalid syntax", Position(line, column))
    except (ValueError, RecursionError, MemoryError, OverflowError) as error:
        message = (
            "nested too deeply to parse"
            if isinstance(error, RecursionError)
            else str(error)
        )
        return SyntaxProblem(message or type(error).__name__, Position(0, 0))
