"""The server itself: start-up, capabilities, TCP, and errors that must not pop up."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import subprocess
import sys

import pytest
from lsp_support import codes, fixture_text, open_document, published
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.client import LanguageClient as PlainClient
from pytest_lsp import LanguageClient

from kerasense.lsp.logs import guarded


def test_start_up_imports_neither_jedi_nor_tensorflow_nor_the_engine() -> None:
    # The engine and the features stand in sys.modules as lazy modules that have not
    # run yet: nothing they import is loaded.
    probe = (
        "import sys\n"
        "import kerasense.cli.main, kerasense.cli.serve, kerasense.lsp.server\n"
        "from kerasense.lsp.server import build_server\n"
        "build_server()\n"
        "names = ('jedi', 'parso', 'tensorflow', 'keras', 'kerasense.facts.reader',\n"
        "         'kerasense.checks', 'kerasense.lsp.textscan')\n"
        "print(sorted(m for m in names if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"


def test_bad_tcp_address_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kerasense", "serve", "--tcp", "localhost"],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 2
    assert "HOST:PORT" in result.stderr
    assert result.stdout == ""


async def test_protocol_errors_are_logged_not_shown(client: LanguageClient) -> None:
    for method, params in (
        ("textDocument/didOpen", {"textDocument": 5}),
        ("textDocument/didChange", {"textDocument": {"uri": "file:///x.py"}}),
        ("kerasense/unknownNotification", {}),
    ):
        send_raw(client, {"jsonrpc": "2.0", "method": method, "params": params})
    uri = open_document(
        client, "after_error.py", fixture_text("single_unit_softmax.py")
    )

    assert codes(await published(client, uri)) == ["KS101"]
    assert client.messages == []
    assert any("Server error" in m.message for m in client.log_messages)


def send_raw(client: LanguageClient, message: dict[str, object]) -> None:
    """Send a message as is, bypassing the client's own checks."""
    body = json.dumps(message)
    writer = client.protocol.writer
    assert writer is not None
    writer.write(f"Content-Length: {len(body)}\r\n\r\n{body}".encode())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_tcp_and_capabilities() -> None:
    port = _free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kerasense",
        "serve",
        "--tcp",
        f"127.0.0.1:{port}",
        stderr=asyncio.subprocess.DEVNULL,
    )
    client = PlainClient("tcp-test", "1")
    try:
        for _ in range(100):
            try:
                await client.start_tcp("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.1)
        result = await client.initialize_async(
            types.InitializeParams(capabilities=types.ClientCapabilities())
        )
        assert result.server_info is not None and result.server_info.name == "kerasense"
        capabilities = result.capabilities
        assert capabilities.hover_provider
        assert capabilities.execute_command_provider is not None
        assert "kerasense.fixAll" in capabilities.execute_command_provider.commands
        assert isinstance(capabilities.code_action_provider, types.CodeActionOptions)
        assert "source.fixAll.kerasense" in (
            capabilities.code_action_provider.code_action_kinds or []
        )
        assert capabilities.completion_provider is not None
        assert "(" in (capabilities.completion_provider.trigger_characters or [])
        await client.shutdown_async(None)
        client.exit(None)
        await asyncio.wait_for(server.wait(), 10)
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
        await client.stop()


def test_guarded_logs_internal_errors_and_answers_the_fallback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @guarded(fallback=[])
    def broken(params: object) -> list[object]:
        raise KeyError("missing")

    with caplog.at_level(logging.ERROR, logger="kerasense"):
        assert broken(None) == []

    [record] = caplog.records
    assert "broken" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is KeyError


async def test_guarded_lets_protocol_errors_through() -> None:
    @guarded()
    async def strict(params: object) -> None:
        raise JsonRpcInvalidParams("bad arguments")

    with pytest.raises(JsonRpcInvalidParams):
        await strict(None)
