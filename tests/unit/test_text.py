"""Lines and position conversions: code points, UTF-8 bytes of ``ast``, UTF-16 of LSP."""

from __future__ import annotations

import ast

from kerasense.findings import Position, Range, TextEdit
from kerasense.source.text import SourceText, apply_edits, as_range, split_lines


def test_only_cr_lf_and_crlf_end_lines() -> None:
    text = "a\x0cb\r\nc\rd\ne\u2028f\x1cg\u0085h"
    assert split_lines(text) == ["a\x0cb", "c", "d", "e\u2028f\x1cg\u0085h"]


def test_ast_byte_columns_become_code_points() -> None:
    text = "x = '日本語'; y = Dense(1)\n"
    node = ast.parse(text).body[1]
    source = SourceText(text)
    assert as_range(source, node).start == Position(0, 11)


def test_utf16_columns_count_astral_characters_twice() -> None:
    source = SourceText("s = '😀'; d = 1\n")
    position = Position(0, 9)  # the "d"
    assert source.to_utf16(position) == 10
    assert source.from_utf16(0, 10) == position
    assert source.from_utf16(0, 6) == Position(0, 5)  # inside the pair: rounds down


def test_offsets_round_trip_with_mixed_line_ends() -> None:
    source = SourceText("ab\r\ncd\ref\ngh")
    for offset in range(len(source.text) + 1):
        position = source.position(offset)
        if source.text[offset - 1 : offset + 1] != "\r\n":
            assert source.offset(position) == offset
    assert source.position(4) == Position(1, 0)


def test_edits_apply_against_the_original_text() -> None:
    text = "one two three"
    edits = [
        TextEdit(Range.of(0, 8, 0, 13), "3"),
        TextEdit(Range.of(0, 0, 0, 3), "1"),
    ]
    assert apply_edits(text, edits) == "1 two 3"
