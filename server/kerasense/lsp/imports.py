"""What a document imports, also while it does not parse.

When the whole text parses, its import statements are read as the engine reads them.
Otherwise each top-level statement that looks like an import (or a module alias such as
``L = keras.layers``) is parsed on its own, so one half-typed line elsewhere does not
hide the imports.
"""

from __future__ import annotations

import ast
import re
import warnings

from kerasense.syntax.names import ImportMap

_IMPORT_START = re.compile(r"^(?:import|from)\s", re.MULTILINE)
_ALIAS = re.compile(
    r"^[A-Za-z_]\w*\s*=\s*[A-Za-z_][\w.]*[ \t\r]*(?:#.*)?$", re.MULTILINE
)


def _parse(text: str) -> list[ast.stmt] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _statement_at(text: str, start: int) -> str:
    """An import statement from ``start``: one line, or up to its closing parenthesis."""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    line = text[start:end]
    if "(" in line and ")" not in line:
        closing = text.find(")", end)
        if closing >= 0:
            return text[start : closing + 1]
    return line


def imports_in(text: str) -> ImportMap:
    body = _parse(text)
    if body is not None:
        return ImportMap.of(body)
    statements: list[ast.stmt] = []
    starts = sorted(
        [m.start() for m in _IMPORT_START.finditer(text)]
        + [m.start() for m in _ALIAS.finditer(text)]
    )
    for start in starts:
        parsed = _parse(_statement_at(text, start))
        if parsed:
            statements.extend(parsed)
    return ImportMap.of(statements)
