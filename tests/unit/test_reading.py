"""Bytes to text: encodings, BOMs and binary files are handled, never raised."""

from __future__ import annotations

from kerasense.source.reading import MAX_BYTES, Unreadable, decode_source


def test_utf8_with_bom() -> None:
    assert decode_source(b"\xef\xbb\xbfx = 1\n") == "x = 1\n"


def test_coding_cookie_is_honoured() -> None:
    data = "# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1")
    assert decode_source(data) == "# -*- coding: latin-1 -*-\nname = 'café'\n"


def test_invalid_utf8_is_unreadable_with_a_reason() -> None:
    result = decode_source(b"x = '\xff\xfe'\n")
    assert isinstance(result, Unreadable)
    assert "utf-8" in result.reason


def test_nul_bytes_mean_binary() -> None:
    result = decode_source(b"\x00\x01\x02binary")
    assert isinstance(result, Unreadable)
    assert "binary" in result.reason


def test_unknown_cookie_is_unreadable() -> None:
    assert isinstance(decode_source(b"# coding: klingon\nx = 1\n"), Unreadable)


def test_oversized_input_is_refused() -> None:
    assert isinstance(decode_source(b"#" * (MAX_BYTES + 1)), Unreadable)
