"""Edit primitives over ``ast`` nodes: replace an expression, add or drop a keyword."""

from __future__ import annotations

import ast
import re

from kerasense.findings import Position, Range, TextEdit
from kerasense.source.text import SourceText, as_range


def replace(source: SourceText, node: ast.AST, text: str) -> TextEdit:
    return TextEdit(as_range(source, node), text)


def string_literal(source: SourceText, like: ast.expr | None, value: str) -> str:
    """``value`` quoted the way the string ``like`` is quoted in the file (else double)."""
    if (
        like is not None
        and isinstance(like, ast.Constant)
        and isinstance(like.value, str)
    ):
        original = source.text_in(as_range(source, like))
        quote = original[-1:] if original[-1:] in ("'", '"') else '"'
        return f"{quote}{value}{quote}"
    return f'"{value}"'


def replace_string(source: SourceText, node: ast.expr, value: str) -> TextEdit:
    return replace(source, node, string_literal(source, node, value))


def add_keyword(source: SourceText, call: ast.Call, name: str, value: str) -> TextEdit:
    """Insert ``name=value`` after the call's last argument (or inside empty parentheses)."""
    arguments: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    if arguments:
        last = max(arguments, key=lambda a: (a.end_lineno or 0, a.end_col_offset or 0))
        end = as_range(source, last).end
        return TextEdit(Range(end, end), f", {name}={value}")
    end = as_range(source, call).end
    before = Position(end.line, max(end.column - 1, 0))
    return TextEdit(Range(before, before), f"{name}={value}")


def remove_keyword(
    source: SourceText, call: ast.Call, keyword: ast.keyword
) -> TextEdit:
    """Delete ``keyword`` and the comma that joins it to its neighbour, keeping any
    comment written between them."""
    items: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    arguments = sorted(items, key=lambda a: (a.lineno, a.col_offset))
    index = arguments.index(keyword)
    here = as_range(source, keyword)
    if index > 0:
        previous_end = as_range(source, arguments[index - 1]).end
        between = source.text_in(Range(previous_end, here.start))
        return TextEdit(Range(previous_end, here.end), _without_comma(between))
    if len(arguments) > 1:
        following = as_range(source, arguments[1]).start
        between = source.text_in(Range(here.end, following))
        return TextEdit(Range(here.start, following), _without_comma(between).lstrip())
    # The only argument: a trailing comma after it goes too.
    line = source.line(here.end.line)
    trailing = re.match(r"[ \t]*,", line[here.end.column :])
    end = (
        Position(here.end.line, here.end.column + trailing.end())
        if trailing
        else here.end
    )
    return TextEdit(Range(here.start, end), "")


def _without_comma(between: str) -> str:
    """What stands between two arguments, less their comma: a comment and its line
    break stay; mere spaces go."""
    rest = between.replace(",", "", 1)
    return rest if "#" in rest else ""


def set_keyword(source: SourceText, call: ast.Call, name: str, value: str) -> TextEdit:
    for keyword in call.keywords:
        if keyword.arg == name:
            return replace(source, keyword.value, value)
    return add_keyword(source, call, name, value)


def indentation(source: SourceText, line: int) -> str:
    text = source.line(line)
    return text[: len(text) - len(text.lstrip(" \t"))]


def insert_line_before(source: SourceText, line: int, text: str) -> TextEdit:
    """Insert ``text`` as a whole line above ``line``, with that line's indentation."""
    at = Position(line, 0)
    return TextEdit(
        Range(at, at), f"{indentation(source, line)}{text}{newline(source)}"
    )


def insert_after_statement(
    source: SourceText, statement: ast.stmt, text: str
) -> TextEdit:
    """Insert ``text`` as a new line after ``statement``, at its indentation."""
    end = as_range(source, statement).end
    line_end = Position(end.line, len(source.line(end.line)))
    indent = indentation(source, as_range(source, statement).start.line)
    return TextEdit(Range(line_end, line_end), f"{newline(source)}{indent}{text}")


def newline(source: SourceText) -> str:
    """The line end new lines get: the file's own."""
    if "\r\n" in source.text:
        return "\r\n"
    if "\r" in source.text and "\n" not in source.text:
        return "\r"
    return "\n"
