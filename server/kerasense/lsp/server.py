"""The language server: state shared by the features, and the wiring of LSP methods.

Each feature lives in its own module (:mod:`~kerasense.lsp.actions`,
:mod:`~kerasense.lsp.completion`, :mod:`~kerasense.lsp.hover`); this one connects them to
the protocol, reads the settings and decides when documents are checked. Every handler
is :func:`~kerasense.lsp.logs.guarded`.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, PyglsError
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from kerasense import __version__
from kerasense.config import Config
from kerasense.lsp import notebooks
from kerasense.lsp.capabilities import (
    CODE_ACTION_KINDS,
    COMPLETION_TRIGGERS,
    FIX_ALL_COMMAND,
    NOTEBOOK_SYNC,
)
from kerasense.lsp.checking import Checker
from kerasense.lsp.client_process import watch_client
from kerasense.lsp.documents import (
    DIGEST_COMMAND,
    DocumentProtocol,
    digest,
    open_document,
)
from kerasense.lsp.lazy import lazy, load
from kerasense.lsp.logs import attach_client_log, guarded, set_level
from kerasense.lsp.positions import Columns
from kerasense.lsp.settings import (
    LOG_LEVELS,
    ProjectConfigs,
    Settings,
    as_mapping,
    read_settings,
    section_of,
)

if TYPE_CHECKING:
    from kerasense import engine
    from kerasense.lsp import actions, completion, hover, inlay
else:  # loaded once initialize is answered (see initialized), not before
    engine = lazy("kerasense.engine")
    actions = lazy("kerasense.lsp.actions")
    completion = lazy("kerasense.lsp.completion")
    hover = lazy("kerasense.lsp.hover")
    inlay = lazy("kerasense.lsp.inlay")

logger = logging.getLogger(__name__)

PYPROJECT = "pyproject.toml"
SETTINGS_WAIT = 2.0
"""Seconds a first check waits for ``workspace/configuration`` before going ahead."""


class KerasenseServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "kerasense",
            __version__,
            protocol_cls=DocumentProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=NOTEBOOK_SYNC,
        )
        self.settings = Settings()
        self.shut_down = False
        """Whether the client asked for ``shutdown``: the exit code is 0 only then."""
        self.projects = ProjectConfigs()
        self.settings_ready: asyncio.Event | None = None
        self.client_watch: asyncio.Task[None] | None = None
        self.checker = Checker(
            self.document, self._publish, self.config_for, self.columns
        )
        self.checker.ready = self._wait_for_settings
        self.notebooks = notebooks.NotebookChecker(
            lambda: self.workspace,
            self._publish,
            self.config_for,
            self.columns,
            executor=self.checker.executor,
        )
        self.notebooks.ready = self._wait_for_settings

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log protocol-level errors; pygls would show them to the user as a pop-up."""
        logger.error(
            "Server error (%s): %s", getattr(source, "__name__", source), error
        )

    def document(self, uri: str) -> TextDocument | None:
        return open_document(self.workspace, uri)

    def columns(self) -> Columns:
        return Columns(self.workspace.position_encoding or "utf-16")

    def config_for(self, uri: str) -> Config:
        path = to_fs_path(uri) if uri.startswith("file:") else None
        folder = path or self.workspace.root_path
        project = self.projects.for_path(Path(folder)) if folder else Config()
        return project.merged(self.settings.config)

    def apply_settings(self, data: object, origin: str) -> None:
        settings, problems = read_settings(as_mapping(section_of(data)), origin)
        self.projects.report(problems)
        self.settings = settings
        if settings.log_level is not None:
            set_level(LOG_LEVELS[settings.log_level])

    def snippets_supported(self) -> bool:
        capabilities = self.client_capabilities.text_document
        item = (
            capabilities.completion.completion_item
            if capabilities and capabilities.completion
            else None
        )
        return bool(item and item.snippet_support)

    def _publish(self, params: types.PublishDiagnosticsParams) -> None:
        self.text_document_publish_diagnostics(params)

    async def _wait_for_settings(self) -> None:
        if self.settings_ready is None or self.settings_ready.is_set():
            return
        try:
            await asyncio.wait_for(self.settings_ready.wait(), SETTINGS_WAIT)
        except asyncio.TimeoutError:
            logger.warning(
                "No answer to workspace/configuration; using the settings I have"
            )
            self.settings_ready.set()

    async def register_for_changes(self) -> None:
        """Ask to hear about changed settings and ``pyproject.toml`` files."""
        workspace = self.client_capabilities.workspace
        if workspace is None:
            return
        registrations = []
        settings = workspace.did_change_configuration
        if settings and settings.dynamic_registration:
            registrations.append(
                types.Registration(
                    id="kerasense-settings",
                    method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                    register_options=types.DidChangeConfigurationRegistrationOptions(
                        section="kerasense"
                    ),
                )
            )
        files = workspace.did_change_watched_files
        if files and files.dynamic_registration:
            watcher = types.FileSystemWatcher(glob_pattern=f"**/{PYPROJECT}")
            registrations.append(
                types.Registration(
                    id="kerasense-pyproject",
                    method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(
                        watchers=[watcher]
                    ),
                )
            )
        if not registrations:
            return
        try:
            await self.client_register_capability_async(
                types.RegistrationParams(registrations=registrations)
            )
        except (PyglsError, JsonRpcException, RuntimeError) as error:
            logger.warning("client/registerCapability failed: %s", error)

    async def pull_settings(self) -> bool:
        """Ask the client for section ``kerasense``; False if it cannot be asked."""
        workspace = self.client_capabilities.workspace
        if not (workspace and workspace.configuration):
            return False
        item = types.ConfigurationItem(section="kerasense")
        try:
            answer = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[item])
            )
        except (
            PyglsError,
            JsonRpcException,
            asyncio.CancelledError,
            RuntimeError,
        ) as error:
            logger.warning("workspace/configuration failed: %s", error)
            return False
        value = answer[0] if answer else None
        if value is not None:
            self.apply_settings(value, "workspace/configuration [kerasense]")
        return True


def build_server() -> KerasenseServer:
    """A server with every feature registered."""
    server = KerasenseServer()

    @server.feature(types.INITIALIZE)
    @guarded()
    def initialize(params: types.InitializeParams) -> None:
        attach_client_log(server)
        server.settings_ready = asyncio.Event()
        if params.initialization_options is not None:
            server.apply_settings(
                params.initialization_options, "initializationOptions"
            )
        server.client_watch = watch_client(params.process_id)
        logger.info(
            "Kerasense %s started (%s positions)",
            __version__,
            server.columns().encoding,
        )

    @server.feature(types.INITIALIZED)
    @guarded()
    async def initialized(params: types.InitializedParams) -> None:
        # initialize has been answered: load what the first document will need, here on
        # the event loop's thread, before any check hands work to the analysis thread.
        load(engine, actions, completion, hover, inlay)
        try:
            answered = await server.pull_settings()
            if answered and server.settings_ready and server.settings_ready.is_set():
                # Checks stopped waiting for this answer (SETTINGS_WAIT): check again.
                server.checker.settings_changed()
                server.notebooks.settings_changed()
        finally:
            if server.settings_ready is not None:
                server.settings_ready.set()
        await server.register_for_changes()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @guarded()
    async def configuration_changed(params: types.DidChangeConfigurationParams) -> None:
        if not await server.pull_settings() and params.settings is not None:
            server.apply_settings(params.settings, "didChangeConfiguration")
        server.checker.settings_changed()
        server.notebooks.settings_changed()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded()
    def watched_files_changed(params: types.DidChangeWatchedFilesParams) -> None:
        if any(change.uri.endswith(f"/{PYPROJECT}") for change in params.changes):
            server.checker.settings_changed()
            server.notebooks.settings_changed()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded()
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        server.checker.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded()
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        if server.settings.run == "onType":
            server.checker.schedule(params.text_document.uri, server.settings.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded()
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        server.checker.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded()
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        server.checker.close(params.text_document.uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=list(CODE_ACTION_KINDS)),
    )
    @guarded(fallback=[])
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        return await actions.code_actions(server, params)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=list(COMPLETION_TRIGGERS)),
    )
    @guarded()
    async def complete(params: types.CompletionParams) -> types.CompletionList | None:
        return await completion.complete(server, params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded()
    def on_hover(params: types.HoverParams) -> types.Hover | None:
        return hover.hover(server, params)

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
    @guarded(fallback=[])
    async def on_inlay_hint(params: types.InlayHintParams) -> list[types.InlayHint]:
        return await inlay.inlay_hints(server, params)

    notebooks.register(server)
    server.command(FIX_ALL_COMMAND)(fix_all)
    server.command(DIGEST_COMMAND)(document_digest)

    @server.feature(types.SHUTDOWN)
    @guarded()
    def shutdown(params: None) -> None:
        server.shut_down = True
        server.checker.shutdown()
        server.notebooks.shutdown()

    return server


@guarded()
async def fix_all(ls: KerasenseServer, *arguments: object) -> bool:
    """``kerasense.fixAll``: apply every preferred fix in the document given by URI."""
    return await actions.fix_all_command(ls, arguments)


@guarded()
def document_digest(
    ls: KerasenseServer, *arguments: object
) -> dict[str, object] | None:
    """``kerasense.documentDigest``: the version and SHA-256 of the server's text of a URI.

    A consistency check for tests and clients: after incremental changes, the hash must
    be that of the editor's text. None when the URI is not open.
    """
    if len(arguments) != 1 or not isinstance(arguments[0], str):
        raise JsonRpcInvalidParams(
            f"{DIGEST_COMMAND} takes one argument, the URI of a document; "
            f"got {list(arguments)!r}"
        )
    document = ls.document(arguments[0])
    return None if document is None else digest(document)
