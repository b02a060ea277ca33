"""A real Kerasense server over stdio for the robustness tests, and a client that keeps
what must never happen: error responses, pop-ups and errors in the server's log."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from kerasense.lsp.documents import DIGEST_COMMAND

SERVER_COMMAND = (sys.executable, "-m", "kerasense", "serve")
WAIT = 15.0


@dataclass
class Record:
    """What the client saw of the server."""

    published: list[types.PublishDiagnosticsParams] = field(default_factory=list)
    popups: list[object] = field(default_factory=list)
    error_responses: list[str] = field(default_factory=list)
    configuration_requests: int = 0
    configuration: dict[str, Any] | None = None
    configuration_delay: float = 0.0


def record(client: LanguageClient) -> Record:
    return client.record  # type: ignore[attr-defined, no-any-return]


def errors_logged(client: LanguageClient) -> list[str]:
    """What the server sent to the client's log as errors."""
    return [m.message for m in client.log_messages if m.type == types.MessageType.Error]


def _published(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    record(client).published.append(params)


def _show_message(client: LanguageClient, params: types.ShowMessageParams) -> None:
    record(client).popups.append(params)


def _show_message_request(
    client: LanguageClient, params: types.ShowMessageRequestParams
) -> None:
    record(client).popups.append(params)


def _show_document(
    client: LanguageClient, params: types.ShowDocumentParams
) -> types.ShowDocumentResult:
    record(client).popups.append(params)
    return types.ShowDocumentResult(success=False)


async def _configuration(
    client: LanguageClient, params: types.ConfigurationParams
) -> list[Any]:
    """Answer ``workspace/configuration``, as late as the test asks."""
    state = record(client)
    state.configuration_requests += 1
    if state.configuration_delay:
        await asyncio.sleep(state.configuration_delay)
    return [state.configuration for _ in params.items]


def _register(client: LanguageClient, params: types.RegistrationParams) -> None:
    """Accept the server's registrations, as editors do."""


def make_client(refuse: Collection[str] = ()) -> LanguageClient:
    """A client; the server's requests named in ``refuse`` get "method not found"."""
    client = LanguageClient(converter_factory=default_converter)
    client.record = Record()  # type: ignore[attr-defined]
    features = {
        **DEFAULT_CLIENT_FEATURES,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _published,
        types.WINDOW_SHOW_MESSAGE: _show_message,
        types.WINDOW_SHOW_MESSAGE_REQUEST: _show_message_request,
        types.WINDOW_SHOW_DOCUMENT: _show_document,
        types.WORKSPACE_CONFIGURATION: _configuration,
        types.CLIENT_REGISTER_CAPABILITY: _register,
    }
    register_lsp_features(
        client, {m: f for m, f in features.items() if m not in refuse}
    )
    return client


@asynccontextmanager
async def session(
    root: Path,
    *,
    cwd: Path | None = None,
    configuration: dict[str, Any] | None = None,
    configuration_delay: float = 0.0,
    refuse: Collection[str] = (),
) -> AsyncIterator[LanguageClient]:
    """A server started in ``cwd`` (default: ``root``), initialised on ``root``."""
    client = make_client(refuse)
    state = record(client)
    state.configuration = configuration
    state.configuration_delay = configuration_delay
    await client.start_io(*SERVER_COMMAND, cwd=str(cwd or root))
    try:
        await asyncio.wait_for(
            client.initialize_session(
                types.InitializeParams(
                    capabilities=client_capabilities("visual-studio-code"),
                    root_uri=root.as_uri(),
                    workspace_folders=[
                        types.WorkspaceFolder(uri=root.as_uri(), name="workspace")
                    ],
                )
            ),
            WAIT,
        )
        yield client
        await asyncio.wait_for(client.shutdown_session(), WAIT)
    finally:
        await end(client)


async def end(client: LanguageClient) -> None:
    """Stop the client; a server still running after its stdin closes is killed."""
    process = client._server  # the pygls client keeps the server's process here
    if process is not None and process.returncode is None:
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 5)
        except asyncio.TimeoutError:
            process.kill()
    await client.stop()


def server_pid(client: LanguageClient) -> int:
    process = client._server  # the pygls client keeps the server's process here
    assert process is not None
    return process.pid


def rss_kib(pid: int) -> int:
    """The resident set size of process ``pid``, from ``/proc/<pid>/status``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for process {pid}")


def is_running(pid: int) -> bool:
    """Whether ``pid`` is alive; a zombie nobody reaped counts as gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


async def request(client: LanguageClient, method: str, params: Any) -> Any:
    """Send a request; an error response is recorded and raised."""
    try:
        return await asyncio.wait_for(
            client.protocol.send_request_async(method, params), WAIT
        )
    except JsonRpcException as error:
        record(client).error_responses.append(f"{method}: {error}")
        raise


async def digest(client: LanguageClient, uri: str) -> dict[str, Any] | None:
    """The server's ``kerasense.documentDigest`` of ``uri``."""
    result = await request(
        client,
        types.WORKSPACE_EXECUTE_COMMAND,
        types.ExecuteCommandParams(command=DIGEST_COMMAND, arguments=[uri]),
    )
    return None if result is None else dict(result)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def open_text(client: LanguageClient, uri: str, text: str) -> None:
    """Open ``text`` as version 1 of ``uri``."""
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=text
            )
        )
    )


def close(client: LanguageClient, uri: str) -> None:
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)
        )
    )


async def published(
    client: LanguageClient, uri: str, version: int | None = None
) -> types.PublishDiagnosticsParams:
    """The first publish for ``uri`` (of ``version``, if given), waiting for it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while True:
        for params in record(client).published:
            if params.uri == uri and (version is None or params.version == version):
                return params
        if loop.time() > deadline:
            raise AssertionError(f"no diagnostics for {uri} v{version} within {WAIT}s")
        await asyncio.sleep(0.02)


def send_bytes(client: LanguageClient, data: bytes) -> None:
    """Write bytes to the server as they are, framing and all."""
    writer = client.protocol.writer
    assert writer is not None
    writer.write(data)


def frame(message: dict[str, Any], *, length: int | None = None) -> bytes:
    """A JSON-RPC message with its header; ``length`` overrides the true length."""
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    size = len(body) if length is None else length
    return f"Content-Length: {size}\r\n\r\n".encode() + body


def codes(params: types.PublishDiagnosticsParams) -> list[str]:
    return [str(d.code) for d in params.diagnostics]


def position_of(text: str, needle: str, *, after: bool = False) -> types.Position:
    """The position of ``needle`` (ASCII text before it on its line)."""
    index = text.index(needle) + (len(needle) if after else 0)
    line_start = text.rfind("\n", 0, index) + 1
    return types.Position(line=text.count("\n", 0, index), character=index - line_start)


async def code_actions(
    client: LanguageClient,
    uri: str,
    range_: types.Range,
    diagnostics: list[types.Diagnostic] | None = None,
) -> list[types.CodeAction]:
    result = await request(
        client,
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=range_,
            context=types.CodeActionContext(diagnostics=diagnostics or []),
        ),
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def hover(client: LanguageClient, uri: str, position: types.Position) -> Any:
    return await request(
        client,
        types.TEXT_DOCUMENT_HOVER,
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position
        ),
    )


async def completion(client: LanguageClient, uri: str, position: types.Position) -> Any:
    return await request(
        client,
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position
        ),
    )


def edit(
    client: LanguageClient,
    uri: str,
    version: int,
    start: types.Position,
    end: types.Position,
    text: str,
) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=uri, version=version
            ),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=start, end=end), text=text
                )
            ],
        )
    )
