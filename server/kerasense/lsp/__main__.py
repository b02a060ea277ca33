"""``python -m kerasense.lsp``: the language server on stdio, without the command line."""

from kerasense.lsp import start_server

raise SystemExit(start_server())
