"""Keeping open documents in sync with the editor, line ends and all.

pygls applies incremental changes on ``str.splitlines`` lines, which also break at form
feeds, ``\\x1c``-``\\x1e``, U+0085, U+2028 and U+2029, while editors and Python break at
``\\n``, ``\\r\\n`` and ``\\r`` only; it also rewrites the change ranges it is given.
This protocol applies each change on :class:`~kerasense.source.text.SourceText` lines and
hands pygls the resulting whole text, for files and for notebook cells alike.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Callable, Generator, Sequence
from functools import partial
from typing import Any
from urllib.parse import unquote

import attrs
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.workspace import TextDocument, Workspace

from kerasense.lsp.positions import Columns
from kerasense.source.text import SourceText

logger = logging.getLogger(__name__)

DIGEST_COMMAND = "kerasense.documentDigest"
_DRIVE = re.compile(r"^file:///([A-Za-z]):")


def open_document(workspace: Workspace, uri: str) -> TextDocument | None:
    """The open document at ``uri``; None once closed (pygls would read the disk).

    A file has several URIs: ``%20`` or a space, ``c%3A`` or ``C:``. Any of them finds it.
    """
    documents = workspace.text_documents
    document = documents.get(unquote(uri))
    if document is not None or _DRIVE.match(unquote(uri)) is None:
        return document
    key = _same_file(uri)
    return next((d for d in documents.values() if _same_file(d.uri) == key), None)


def _same_file(uri: str) -> str:
    """``uri`` unquoted, with a lower-case drive letter: one spelling per file."""
    text = unquote(uri)
    drive = _DRIVE.match(text)
    if drive is None:
        return text
    return f"file:///{drive.group(1).lower()}:{text[drive.end() :]}"


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
    """The pygls protocol with line-exact incremental sync of documents and cells.

    It also keeps a document's URI as it was opened, answers requests pygls cannot
    read, and does not keep the futures of handled notifications.
    """

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
        # Deferred: pygls's shutdown cancels these futures while it walks the table,
        # and a cancelled future may call this back at once.
        try:
            asyncio.get_running_loop().call_soon(self._drop_future, msg_id, future)
        except RuntimeError:  # no loop running: nobody walks the table either
            self._drop_future(msg_id, future)

    def _drop_future(self, msg_id: Any, future: Any) -> None:
        if self._request_futures.get(msg_id) is future:
            del self._request_futures[msg_id]

    def structure_message(self, data: dict[str, Any]) -> Any:
        """pygls's reading of a message, except that a request it cannot read is answered.

        pygls raises on a request without ``params`` (JSON-RPC allows that) for a method
        it does not know, and on params that do not fit the method: the error is logged,
        and the client would wait for a response forever.
        """
        request = "jsonrpc" in data and "method" in data and "id" in data
        if request:
            data.setdefault("params", None)
        try:
            if "method" in data and not isinstance(data["method"], str):
                raise JsonRpcInvalidRequest("the method of a message must be a string")
            return super().structure_message(data)
        except JsonRpcException as error:
            if request:
                self._send_response(data["id"], error=error.to_response_error())
            raise

    def _handle_request(self, msg_id: Any, method_name: str, params: Any) -> None:
        super()._handle_request(msg_id, method_name, self._as_opened(params))

    def _handle_notification(self, method_name: str, params: Any) -> None:
        if method_name != types.TEXT_DOCUMENT_DID_OPEN:
            params = self._as_opened(params)
        super()._handle_notification(method_name, params)

    def _as_opened(self, params: Any) -> Any:
        """``params`` naming their document by the URI it was opened under.

        Whichever spelling of the URI a message uses, answers and diagnostics name the
        document as the editor opened it, and the server keeps one state for it.
        """
        identifier = getattr(params, "text_document", None)
        uri = getattr(identifier, "uri", None)
        if identifier is None or not isinstance(uri, str) or self._workspace is None:
            return params
        document = open_document(self._workspace, uri)
        if document is None or document.uri == uri:
            return params
        return attrs.evolve(
            params, text_document=attrs.evolve(identifier, uri=document.uri)
        )

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
