"""Keeping open documents in sync with the editor, line ends and all.

pygls applies incremental changes on ``str.splitlines`` lines, which also break at form
feeds, ``\\x1c``-``\\x1e``, U+0085, U+2028 and U+2029, while editors and Python break at
``\\n``, ``\\r\\n`` and ``\\r`` only; it also rewrites the change ranges it is given.
This protocol applies each change on :class:`~kerasense.source.text.SourceText` lines and
hands pygls the resulting whole text, for files and for notebook cells alike.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Generator, Sequence
from functools import partial
from typing import Any
from urllib.parse import unquote

import attrs
from lsprotocol import types
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.workspace import TextDocument, Workspace

from kerasense.lsp.positions import Columns
from kerasense.source.text import SourceText

logger = logging.getLogger(__name__)

DIGEST_COMMAND = "kerasense.documentDigest"


def open_document(workspace: Workspace, uri: str) -> TextDocument | None:
    """The open document at ``uri``; None once closed (pygls would read the disk)."""
    return workspace.text_documents.get(unquote(uri))


def digest(document: TextDocument) -> dict[str, object]:
    """The server's copy of a document in brief: its version and the SHA-256 of its text.

    ``kerasense.documentDigest`` answers this, so a client (the robustness tests among
    them) can check after incremental changes that the server holds the editor's text.
    The text is hashed as UTF-8.
    """
    text = document.source.encode("utf-8", errors="surrogatepass")
    return {
        "uri": document.uri,
        "version": document.version,
        "sha256": hashlib.sha256(text).hexdigest(),
    }


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
    """The pygls protocol with line-exact incremental sync of documents and cells."""

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Callable[..., Any],
        callback: Callable[..., Any],
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        """Run a handler as pygls does, then forget its future once it is done.

        pygls 2.1 files the future of every notification handled by a generator or a
        coroutine (``didOpen``, ``didChange``, ``didClose``, ...) under a fresh id and
        never removes it: one lost future per edit. Requests are unaffected, their
        futures are removed when the response is sent.
        """
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is not None:
            future.add_done_callback(partial(self._forget_future, msg_id))

    def _forget_future(self, msg_id: Any, future: Any) -> None:
        if self._request_futures.get(msg_id) is future:
            del self._request_futures[msg_id]

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        if not self._change_text(params.text_document, params.content_changes):
            return

        handler = self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)
        if handler is not None:
            yield handler, (params,), None

    @lsp_method(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def lsp_notebook_document__did_change(
        self, params: types.DidChangeNotebookDocumentParams
    ) -> Generator[Any, Any, None]:
        uri = params.notebook_document.uri
        if self.workspace.get_notebook_document(notebook_uri=uri) is None:
            logger.warning("Change for notebook %s, which is not open; ignored", uri)
            return
        # pygls applies the cells, their kinds and metadata; the cells' text is ours.
        cells = params.change.cells
        texts = cells.text_content if cells is not None else None
        layout = params
        if cells is not None and texts:
            change = attrs.evolve(
                params.change, cells=attrs.evolve(cells, text_content=None)
            )
            layout = attrs.evolve(params, change=change)
        self.workspace.update_notebook_document(layout)
        for text in texts or []:
            self._change_text(text.document, text.changes)

        handler = self.fm.features.get(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
        if handler is not None:
            yield handler, (params,), None

    def _change_text(
        self,
        identifier: types.VersionedTextDocumentIdentifier,
        changes: Sequence[types.TextDocumentContentChangeEvent],
    ) -> bool:
        """Apply ``changes`` to an open document; False if it is not open."""
        document = open_document(self.workspace, identifier.uri)
        if document is None:
            logger.warning("Change for %s, which is not open; ignored", identifier.uri)
            return False
        columns = Columns(self.workspace.position_encoding or "utf-16")
        text = document.source
        for change in changes:
            text = apply_change(text, change, columns)
        whole = types.TextDocumentContentChangeWholeDocument(text=text)
        self.workspace.update_text_document(identifier, whole)
        return True
