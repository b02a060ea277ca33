"""``kerasense serve``: run the language server on stdio or ``--tcp HOST:PORT``."""

from __future__ import annotations

import sys

from kerasense.lsp import AddressError, parse_address, start_server


def serve(tcp: str | None, log_level: str = "info") -> int:
    """Exit code 2 with a message for a bad ``--tcp``; else run until the client exits."""
    if tcp is not None:
        try:
            parse_address(tcp)
        except AddressError as error:
            print(f"kerasense serve: {error}", file=sys.stderr)
            return 2
    return start_server(tcp, log_level)
