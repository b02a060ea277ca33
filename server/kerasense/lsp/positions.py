"""Engine positions (code points) to and from LSP positions in the negotiated encoding.

The client and the server agree on UTF-16 (the LSP default), UTF-8 or UTF-32 columns at
``initialize``. Lines are the engine's: split at ``\\n``, ``\\r\\n`` and ``\\r`` only, as
:class:`~kerasense.source.text.SourceText` splits them; a form feed or U+2028 stays
inside its line.
"""

from __future__ import annotations

from lsprotocol import types

from kerasense.findings import Position, Range
from kerasense.source.text import SourceText


class Columns:
    """Converts columns for one position encoding (``utf-16``, ``utf-8`` or ``utf-32``)."""

    def __init__(self, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.encoding: str = getattr(encoding, "value", encoding)

    def to_lsp(self, source: SourceText, position: Position) -> types.Position:
        line = source.line(position.line)
        column = min(position.column, len(line))
        if self.encoding == types.PositionEncodingKind.Utf32:
            character = column
        elif self.encoding == types.PositionEncodingKind.Utf8:
            character = len(line[:column].encode("utf-8", errors="surrogatepass"))
        else:
            character = source.to_utf16(Position(position.line, column))
        return types.Position(line=position.line, character=character)

    def from_lsp(self, source: SourceText, position: types.Position) -> Position:
        """The engine position; a column inside a character rounds down to its start."""
        line_index = max(position.line, 0)
        if line_index >= len(source.lines):
            return source.end()
        character = max(position.character, 0)
        if self.encoding == types.PositionEncodingKind.Utf32:
            return Position(line_index, min(character, len(source.lines[line_index])))
        if self.encoding == types.PositionEncodingKind.Utf8:
            return Position(
                line_index, _column_of_byte(source.line(line_index), character)
            )
        return source.from_utf16(line_index, character)

    def range_to_lsp(self, source: SourceText, range_: Range) -> types.Range:
        return types.Range(
            start=self.to_lsp(source, range_.start), end=self.to_lsp(source, range_.end)
        )

    def range_from_lsp(self, source: SourceText, range_: types.Range) -> Range:
        return Range(
            self.from_lsp(source, range_.start), self.from_lsp(source, range_.end)
        )

    def offset(self, source: SourceText, position: types.Position) -> int:
        """The string index of an LSP position."""
        return source.offset(self.from_lsp(source, position))


def _column_of_byte(line: str, byte: int) -> int:
    if line.isascii():
        return min(byte, len(line))
    used = 0
    for index, char in enumerate(line):
        width = len(char.encode("utf-8", errors="surrogatepass"))
        if used + width > byte:
            return index
        used += width
    return len(line)
