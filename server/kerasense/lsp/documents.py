"""Keeping open documents in sync with the editor, line ends and all.

pygls applies incremental changes on ``str.splitlines`` lines, which also break at form
feeds, ``\\x1c``-``\\x1e``, U+0085, U+2028 and U+2029, while editors and Python break at
``\\n``, ``\\r\\n`` and ``\\r`` only; it also rewrites the change ranges it is given.
This protocol applies each change on :class:`~kerasense.source.text.SourceText` lines and
hands pygls the resulting whole text.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.workspace import TextDocument, Workspace

from kerasense.lsp.positions import Columns
from kerasense.source.text import SourceText

logger = logging.getLogger(__name__)


def open_document(workspace: Workspace, uri: str) -> TextDocument | None:
    """The open document at ``uri``; None once closed (pygls would read the disk)."""
    return workspace.text_documents.get(unquote(uri))


def apply_change(
    text: str, change: types.TextDocumentContentChangeEvent, columns: Columns
) -> str:
    """The text after one change event, whole-document or ranged."""
    if not isinstance(change, types.TextDocumentContentChangePartial):
        return change.text
    source = SourceText(text)
    start = columns.offset(source, change.range.start)
    end = columns.offset(source, change.range.end)
    if end < start:
        start, end = end, start
    return text[:start] + change.text + text[end:]


class DocumentProtocol(LanguageServerProtocol):
    """The pygls protocol with line-exact incremental document sync."""

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        uri = params.text_document.uri
        document = open_document(self.workspace, uri)
        if document is None:
            logger.warning("Change for %s, which is not open; ignored", uri)
            return
        columns = Columns(self.workspace.position_encoding or "utf-16")
        text = document.source
        for change in params.content_changes:
            text = apply_change(text, change, columns)
        whole = types.TextDocumentContentChangeWholeDocument(text=text)
        self.workspace.update_text_document(params.text_document, whole)

        handler = self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)
        if handler is not None:
            yield handler, (params,), None
