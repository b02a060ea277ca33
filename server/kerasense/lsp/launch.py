"""Starting the language server on stdio or on a TCP socket.

Importing this module is cheap: the server, the engine and pygls are imported when the
server starts. Jedi and TensorFlow are not imported on the way to ``initialize`` at all.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, BinaryIO, cast

logger = logging.getLogger(__name__)

LOG_LEVELS = ("error", "warning", "info", "debug")
_HEADER = b"Content-Length:"
MAX_MESSAGE = 256 * 1024 * 1024
"""A larger Content-Length is a broken header, not a message: its body is not read."""


class FramedInput:
    """Standard input for pygls's reader, which finds the next message after a bad one.

    pygls reads a header only from the start of a line. After a message whose
    ``Content-Length`` is too small (a client counting characters, not bytes), the rest
    of its body runs into the next header line, and every later message would be lost.
    Here a header line starts at ``Content-Length``, wherever that is in the line.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw

    def readline(self) -> bytes:
        line = self.raw.readline()
        start = line.find(_HEADER)
        if start > 0:
            logger.warning("Skipped %d bytes of a malformed message", start)
            line = line[start:]
        if start >= 0 and _announced(line) > MAX_MESSAGE:
            # Reading that much would never end (or overflow): drop the header, and
            # the body is skipped like any bytes before the next header.
            logger.warning("Skipped a header announcing %d bytes", _announced(line))
            return b"\r\n"
        return line

    def read(self, size: int) -> bytes:
        return self.raw.read(size)


def _announced(header: bytes) -> int:
    digits = header[len(_HEADER) :].strip()
    return int(digits) if digits.isdigit() else 0


class AddressError(ValueError):
    """A ``--tcp`` value that is not ``HOST:PORT``."""


def parse_address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6) as a host and a port number."""
    host, separator, port = text.rpartition(":")
    host = host.strip("[]")
    if not separator or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise AddressError(
            f"--tcp expects HOST:PORT such as 127.0.0.1:2087, not {text!r}"
        )
    return host, int(port)


def start_server(tcp: str | None = None, log_level: str = "info") -> int:
    """Run the server until the client says ``exit``; the exit code for the process."""
    from kerasense.lsp.logs import setup_logging

    setup_logging(getattr(logging, log_level.upper(), logging.INFO))
    address = parse_address(tcp) if tcp else None

    from kerasense.lsp.server import build_server

    server = build_server()
    if address is None:
        logger.info("Kerasense language server on stdio")
        # pygls calls only readline() and read() on it.
        server.start_io(cast(BinaryIO, FramedInput(sys.stdin.buffer)))
        # As the protocol asks: 0 after shutdown and exit, 1 when exit (or the end
        # of the input) came without shutdown.
        return 0 if server.shut_down else 1
    else:
        logger.info("Kerasense language server on %s:%s", *address)
        try:
            server.start_tcp(*address)
        except OSError as error:  # the port is taken, the host does not resolve...
            print(
                f"kerasense serve: cannot listen on {tcp}: {error.strerror or error}",
                file=sys.stderr,
            )
            return 2
    return 0


def serve(options: Any) -> int:
    """Start from parsed command-line options (``tcp`` and ``log_level`` attributes)."""
    return start_server(
        getattr(options, "tcp", None), getattr(options, "log_level", "info")
    )
