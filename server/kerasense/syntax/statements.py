"""The statements inside a compound statement, for walks over a module's statements."""

from __future__ import annotations

import ast

_COMPOUND = (
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.Match,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    *((ast.TryStar,) if hasattr(ast, "TryStar") else ()),
)


def nested(statement: ast.stmt) -> list[ast.stmt]:
    """The statements directly inside ``statement``: its bodies, ``else`` and
    ``finally`` blocks, handlers and cases; none for a simple statement."""
    if not isinstance(statement, _COMPOUND):
        return []
    children: list[ast.stmt] = []
    for field in ("body", "orelse", "finalbody"):
        children.extend(getattr(statement, field, ()))
    for part in (*getattr(statement, "handlers", ()), *getattr(statement, "cases", ())):
        children.extend(part.body)
    return children
