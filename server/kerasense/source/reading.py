"""Turning a file's bytes into text the way Python would, or saying clearly why not."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


@dataclass(frozen=True)
class Unreadable:
    """Why a file's bytes are not Python source text."""

    reason: str


def decode_source(data: bytes) -> str | Unreadable:
    """Decode like the interpreter: BOM, then a PEP 263 coding cookie, else UTF-8."""
    if len(data) > MAX_BYTES:
        return Unreadable(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    if b"\x00" in data:
        return Unreadable("it holds NUL bytes, so it is binary, not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if _COOKIE.search(b"\n".join(data.splitlines()[:2])):
            return Unreadable(f"its encoding declaration is invalid: {error.msg}")
        return Unreadable("it is not valid utf-8 and declares no other encoding")
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        return Unreadable(f"it is not valid {encoding}: {error}")
    return text[1:] if text.startswith("\ufeff") else text


def read_source(path: Path) -> str | Unreadable:
    try:
        data = path.read_bytes()
    except OSError as error:
        return Unreadable(f"it cannot be read: {error.strerror or error}")
    return decode_source(data)
