"""Turning a file's bytes into text the way Python would, or saying clearly why not."""

from __future__ import annotations

import io
import os
import re
import stat
import tokenize
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 2 * 1024 * 1024
"""Larger files are not checked: no Keras script is that long, and CPython's parser
needs some 500 bytes of memory per byte of source, so a few megabytes would cost
gigabytes in the editor's server."""
TOO_LARGE = f"it is larger than {MAX_BYTES // (1024 * 1024)} MB"
NOTEBOOK_MAX_BYTES = 64 * 1024 * 1024
"""Notebooks carry their outputs (plots as images): the limit on their code is
:data:`MAX_BYTES`, checked on the program their cells make."""
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


@dataclass(frozen=True)
class Unreadable:
    """Why a file's bytes are not Python source text."""

    reason: str


def decode_source(data: bytes) -> str | Unreadable:
    """Decode like the interpreter: BOM, then a PEP 263 coding cookie, else UTF-8."""
    if len(data) > MAX_BYTES:
        return Unreadable(TOO_LARGE)
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


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes | Unreadable:
    """A regular file's bytes, up to one byte past ``limit``; never blocks on a pipe
    or reads a device without end."""
    try:
        with open(path, "rb", opener=_no_blocking) as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                return Unreadable("it is not a regular file")
            return stream.read(limit + 1)
    except OSError as error:
        return Unreadable(f"it cannot be read: {error.strerror or error}")


def _no_blocking(name: str, flags: int) -> int:
    # Opening a FIFO for reading waits for a writer; O_NONBLOCK returns at once.
    return os.open(name, flags | getattr(os, "O_NONBLOCK", 0))


def read_source(path: Path) -> str | Unreadable:
    data = read_bytes(path)
    return data if isinstance(data, Unreadable) else decode_source(data)
