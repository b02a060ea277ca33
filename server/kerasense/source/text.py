"""A document's text split into lines the way Python and LSP editors split them.

Only ``\\n``, ``\\r\\n`` and ``\\r`` end a line. Form feeds, ``\\x1c``-``\\x1e``, U+0085,
U+2028 and U+2029 stay inside their line, unlike ``str.splitlines``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property
from itertools import accumulate
from operator import add

from kerasense.findings import Position, Range, TextEdit

_LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their line ends; a final line end opens an empty line."""
    return _LINE_END.split(text)


class SourceText:
    """Text with line offsets, for converting between offsets and positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = split_lines(text)

    @cached_property
    def _starts(self) -> list[int]:
        """The offset of each line's first character; most readers of a text never need
        them, so they are counted on first use."""
        ends = map(len, _LINE_END.findall(self.text))
        return [0, *accumulate(map(add, map(len, self.lines), ends))]

    def line(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def offset(self, position: Position) -> int:
        """The string index of ``position``, clamped into the text."""
        if position.line < 0:
            return 0
        if position.line >= len(self._starts):
            return len(self.text)
        start = self._starts[position.line]
        return start + max(0, min(position.column, len(self.lines[position.line])))

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.text)))
        low, high = 0, len(self._starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self._starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        column = min(offset - self._starts[low], len(self.lines[low]))
        return Position(low, column)

    def end(self) -> Position:
        return Position(len(self.lines) - 1, len(self.lines[-1]))

    def from_ast(self, lineno: int, col_offset: int) -> Position:
        """Convert an ``ast`` location (1-based line, UTF-8 byte column) to a position."""
        lines = self.lines
        line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
        if line.isascii():
            return Position(lineno - 1, min(col_offset, len(line)))
        prefix = line.encode("utf-8")[:col_offset].decode("utf-8", errors="ignore")
        return Position(lineno - 1, len(prefix))

    def to_utf16(self, position: Position) -> int:
        """The UTF-16 column of ``position`` on its line."""
        line = self.line(position.line)[: position.column]
        if line.isascii():
            return len(line)
        return len(line.encode("utf-16-le")) // 2

    def from_utf16(self, line_index: int, utf16_column: int) -> Position:
        """The position at a UTF-16 column; a column inside a surrogate pair rounds down."""
        line = self.line(line_index)
        if line.isascii():
            return Position(line_index, max(0, min(utf16_column, len(line))))
        units = 0
        for index, char in enumerate(line):
            width = 2 if ord(char) > 0xFFFF else 1
            if units + width > utf16_column:
                return Position(line_index, index)
            units += width
        return Position(line_index, len(line))

    def text_in(self, range_: Range) -> str:
        return self.text[self.offset(range_.start) : self.offset(range_.end)]


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping edits, all expressed against the original ``text``."""
    source = SourceText(text)
    spans = sorted(
        (
            (source.offset(e.range.start), source.offset(e.range.end), e.new_text)
            for e in edits
        ),
        key=lambda span: (span[0], span[1]),
    )
    pieces: list[str] = []
    cursor = 0
    for start, end, new_text in spans:
        if start < cursor:
            raise ValueError("overlapping edits")
        pieces.append(text[cursor:start])
        pieces.append(new_text)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def as_range(source: SourceText, node: object) -> Range:
    """The range of an ``ast`` node (anything with lineno/col_offset/end_*).

    The reader asks for thousands of these per file, mostly on ASCII lines, so that
    case is worked out here without further calls."""
    line_number: int = node.lineno  # type: ignore[attr-defined]
    column: int = node.col_offset  # type: ignore[attr-defined]
    end_number = getattr(node, "end_lineno", None) or line_number
    end_column = getattr(node, "end_col_offset", None)
    if end_column is None:
        end_column = column
    lines = source.lines
    line = lines[line_number - 1] if 0 < line_number <= len(lines) else ""
    if not line.isascii():
        return Range(
            source.from_ast(line_number, column),
            source.from_ast(end_number, end_column),
        )
    start = Position(line_number - 1, min(column, len(line)))
    if end_number != line_number:
        return Range(start, source.from_ast(end_number, end_column))
    return Range(start, Position(line_number - 1, min(end_column, len(line))))
