"""Re-parse only what changed: top-level statements before and after an edit are kept.

An editor changes a few lines at a time. The statements that end before the first
changed line are reused as they are; when the edit adds or removes no line, so are
those that start after the last changed line. Only the statements in between are parsed
again, as a slice of the new text whose line numbers are then moved into place. When
that slice does not parse on its own, the whole text is parsed, so the result (tree or
syntax error) is always what a full parse gives.
"""

from __future__ import annotations

import ast

from kerasense.source.text import SourceText
from kerasense.syntax.parse import SyntaxProblem, parse, parse_quietly


def _first_line(statement: ast.stmt) -> int:
    """0-based first line of a statement, decorators included."""
    decorators = getattr(statement, "decorator_list", None) or []
    return min([statement.lineno, *(d.lineno for d in decorators)]) - 1


def _last_line(statement: ast.stmt) -> int:
    return (statement.end_lineno or statement.lineno) - 1


def reparse(
    source: SourceText, old: SourceText, old_tree: ast.Module
) -> ast.Module | SyntaxProblem:
    """The tree of ``source``, reusing the statements of ``old_tree`` that the edit from
    ``old`` to ``source`` did not touch."""
    new_lines, old_lines = source.lines, old.lines
    limit = min(len(new_lines), len(old_lines))
    start = 0
    while start < limit and new_lines[start] == old_lines[start]:
        start += 1
    if start == len(new_lines) == len(old_lines):
        return old_tree
    end = 0
    while (
        end < limit - start
        and new_lines[len(new_lines) - 1 - end] == old_lines[len(old_lines) - 1 - end]
    ):
        end += 1
    delta = len(new_lines) - len(old_lines)
    changed_until = len(old_lines) - end  # first old line after the change

    body = old_tree.body
    head = [s for s in body if _last_line(s) < start]
    tail = [s for s in body if _first_line(s) >= changed_until] if delta == 0 else []
    if len(head) + len(tail) > len(body) or (head and tail and head[-1] is tail[0]):
        return parse(source)
    middle_from = _last_line(head[-1]) + 1 if head else 0
    middle_to = _first_line(tail[0]) if tail else len(new_lines)
    # Blank lines in front put the slice's statements at their lines in the file, which
    # costs the parser next to nothing; moving them afterwards walks the whole slice.
    middle_text = "\n" * middle_from + "\n".join(new_lines[middle_from:middle_to])
    try:
        middle = parse_quietly(middle_text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return parse(source)
    if _indented_start(new_lines, middle_from, middle_to):
        return parse(source)
    return ast.Module(body=[*head, *middle.body, *tail], type_ignores=[])


def _indented_start(lines: list[str], start: int, stop: int) -> bool:
    """Whether the slice's first code line is indented: then it may belong to a block
    above, which only a full parse can tell."""
    for line in lines[start:stop]:
        stripped = line.lstrip()
        if stripped and not stripped.startswith("#"):
            return line != stripped
    return False
