"""The Kerasense language server (pygls 2): diagnostics, fixes, completions, hovers."""

from kerasense.lsp.launch import AddressError, parse_address, serve, start_server

__all__ = ["AddressError", "parse_address", "serve", "start_server"]
