"""Reading Python text around the cursor without parsing it: brackets, strings, calls.

Completion and hover run on text as it is being typed, which rarely parses. This scan
walks the characters from the top of the file to the cursor, skipping strings and
comments, and keeps the stack of open brackets with the call each one belongs to. A
line that starts in column 0 with a name while brackets are open ends them: it is where
the next statement of a half-typed file begins.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_KEYWORD_ARGUMENT = re.compile(r"\s*([A-Za-z_]\w*)\s*=(?!=)")
_DOTTED_TAIL = re.compile(r"[A-Za-z_][\w.]*$|$")
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_LOOKBACK = 300
_LINE_BREAK = re.compile(r"[\r\n]")
_SIGNIFICANT = re.compile(r"[#\"'()\[\]{},;\\\r\n]")


@dataclass
class Bracket:
    char: str
    offset: int
    callee: str | None
    """The dotted name the bracket follows (``keras.Sequential`` for its ``(``)."""
    keyword: str | None
    """The keyword argument of the enclosing call in which this bracket opened."""
    argument_start: int
    argument_index: int = 0


@dataclass
class Scan:
    text: str
    offset: int
    brackets: list[Bracket] = field(default_factory=list)
    statement_start: int = 0
    string_start: int | None = None
    """Where the content of the string the cursor is in starts, if it is in one."""
    quote: str | None = None
    statements: list[int] = field(default_factory=list)
    """Where each line outside brackets started, up to ``statement_start``."""

    @property
    def innermost(self) -> Bracket | None:
        return self.brackets[-1] if self.brackets else None

    @property
    def parent(self) -> Bracket | None:
        return self.brackets[-2] if len(self.brackets) > 1 else None

    def argument_text(self) -> str:
        """The current argument of the innermost bracket, up to the cursor or string."""
        bracket = self.innermost
        if bracket is None:
            return self.text[self.statement_start : self.offset]
        end = self.offset if self.string_start is None else self.string_start
        return self.text[bracket.argument_start : end]

    def keyword(self) -> str | None:
        """The keyword of the cursor's argument: ``activation`` in ``activation="re``."""
        match = _KEYWORD_ARGUMENT.match(self.argument_text())
        return match.group(1) if match else None

    def typed_name(self) -> tuple[int, str] | None:
        """Where the argument's text starts and that text, when it is only a dotted
        name so far: ``(start, "layers.De")``, or ``(offset, "")`` when empty."""
        if self.string_start is not None:
            return None
        argument = self.argument_text()
        stripped = argument.strip()
        if stripped and not re.fullmatch(r"[A-Za-z_][\w.]*", stripped):
            return None
        return self.offset - len(stripped), stripped

    def statement_text(self) -> str:
        return self.text[self.statement_start : self.offset]

    def previous_statements(self) -> list[str]:
        """The statements before the cursor's, nearest first, blank lines left out."""
        bounds = [*self.statements, self.statement_start]
        found = []
        for start, end in zip(reversed(bounds[:-1]), reversed(bounds[1:]), strict=True):
            statement = self.text[start:end]
            if statement.strip() and not statement.lstrip().startswith("#"):
                found.append(statement)
        return found


def _quote_width(text: str, start: int) -> int:
    return 3 if text[start : start + 3] in ('"""', "'''") else 1


def _string_end(text: str, start: int) -> tuple[int, bool]:
    """The index just past the string opening at ``start``, and whether it is closed."""
    quote = text[start : start + _quote_width(text, start)]
    index = start + len(quote)
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if text.startswith(quote, index):
            return index + len(quote), True
        if len(quote) == 1 and char in "\r\n":
            return index, False
        index += 1
    return len(text), False


def _line_end(text: str, index: int) -> int:
    found = _LINE_BREAK.search(text, index)
    return found.start() if found else len(text)


def _starts_statement(text: str, index: int) -> bool:
    """Whether the line at ``index`` begins in column 0 with a name or ``@``."""
    return index < len(text) and (text[index].isidentifier() or text[index] == "@")


def _callee(text: str, index: int) -> str | None:
    """The dotted name right before the bracket at ``index``, if any."""
    end = index
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    start = end
    while start > max(0, index - _LOOKBACK) and (
        text[start - 1].isalnum() or text[start - 1] in "_."
    ):
        start -= 1
    name = text[start:end]
    if not name or not (name[0].isalpha() or name[0] == "_") or name.endswith("."):
        return None
    return None if keyword.iskeyword(name.split(".")[0]) else name


def scan(text: str, offset: int) -> Scan:
    """The brackets open at ``offset`` and whether it is inside a string."""
    offset = max(0, min(offset, len(text)))
    result = Scan(text, offset)
    stack = result.brackets
    index = 0
    while index < offset:
        jump = _SIGNIFICANT.search(text, index, offset)
        if jump is None:
            break
        index = jump.start()
        char = text[index]
        if char == "#":
            index = _line_end(text, index)
            continue
        if char in "\"'":
            width = _quote_width(text, index)
            end, closed = _string_end(text, index)
            if offset <= (end - width if closed else end):
                result.string_start = index + width
                result.quote = text[index : index + width]
                return result
            index = end
            continue
        if char in _OPENERS:
            keyword_at = None
            if stack:
                found = _KEYWORD_ARGUMENT.match(text, stack[-1].argument_start, index)
                keyword_at = found.group(1) if found else None
            stack.append(
                Bracket(char, index, _callee(text, index), keyword_at, index + 1)
            )
        elif char in _CLOSERS:
            while stack and stack[-1].char != _CLOSERS[char]:
                stack.pop()
            if stack:
                stack.pop()
        elif char == "," and stack:
            stack[-1].argument_start = index + 1
            stack[-1].argument_index += 1
        elif char == ";" and not stack:
            # `s = 1; model = Sequential([`: the statement at the cursor is the second.
            result.statements.append(result.statement_start)
            result.statement_start = index + 1
        elif char == "\\" and text[index + 1 : index + 2] in ("\n", "\r"):
            index += 3 if text[index + 1 : index + 3] == "\r\n" else 2
            continue
        elif char in "\r\n":
            following = index + (2 if text[index : index + 2] == "\r\n" else 1)
            if not stack or _starts_statement(text, following):
                stack.clear()
                result.statements.append(result.statement_start)
                result.statement_start = following
            index = following
            continue
        index += 1
    return result


def _code(text: str, index: int) -> Iterator[int]:
    """The indexes of the characters outside comments and strings, from ``index`` on."""
    while index < len(text):
        char = text[index]
        if char == "#":
            index = _line_end(text, index)
        elif char in "\"'":
            index, _ = _string_end(text, index)
        else:
            yield index
            index += 1


def statement_end(text: str, found: Scan) -> int | None:
    """The end of the line on which the statement around the cursor closes its brackets,
    or None when it does not close before the next statement starts."""
    depth = len(found.brackets)
    start = found.offset
    if found.string_start is not None and found.quote is not None:
        start, _ = _string_end(text, found.string_start - len(found.quote))
    for index in _code(text, start):
        char = text[index]
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth -= 1
            if depth <= 0:
                return _line_end(text, index)
        elif char in "\r\n":
            if depth <= 0:
                return index
            following = index + (2 if text[index : index + 2] == "\r\n" else 1)
            if _starts_statement(text, following):
                return None
    return len(text) if depth <= 0 else None


def line_start(text: str, offset: int) -> int:
    return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


def line_indent(text: str, offset: int) -> str:
    """The leading blanks of the line that holds ``offset``."""
    start = line_start(text, offset)
    line = text[start : _line_end(text, start)]
    return line[: len(line) - len(line.lstrip(" \t"))]


def rest_of_line(text: str, offset: int) -> str:
    return text[offset : _line_end(text, offset)]


def word_at(text: str, offset: int) -> tuple[int, int]:
    """The identifier around ``offset`` as ``(start, end)``; empty if there is none."""
    start = offset
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    end = offset
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return start, end


def dotted_before(text: str, end: int) -> tuple[int, str]:
    """The dotted name ending at ``end``: ``(start, "layers.Dense")``."""
    window = text[max(0, end - _LOOKBACK) : end]
    match = _DOTTED_TAIL.search(window)
    name = match.group(0) if match else ""
    return end - len(name), name


def matching_close(text: str, opening: int) -> int | None:
    """The index of the bracket closing the one at ``opening``, if it is closed."""
    depth = 0
    for index in _code(text, opening):
        if text[index] in _OPENERS:
            depth += 1
        elif text[index] in _CLOSERS:
            depth -= 1
            if depth == 0:
                return index
    return None


def next_significant(text: str, offset: int) -> str:
    """The first character after ``offset`` that is not blank or in a comment."""
    index = offset
    while index < len(text):
        char = text[index]
        if char == "#":
            index = _line_end(text, index)
        elif char.isspace():
            index += 1
        else:
            return char
    return ""
