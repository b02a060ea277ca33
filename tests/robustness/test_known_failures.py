"""Failures language servers are known for, one test each, against a real server over stdio.

- a document that is not a file (``untitled:``): ``test_untitled_document``
- requests about a URI never opened: ``test_requests_for_a_document_never_opened``
- one file under several spellings of its URI:
  ``test_percent_encoded_and_drive_letter_uris``
- a code action asked with an older version's range and diagnostics:
  ``test_code_action_for_an_older_version``
- ``$/cancelRequest`` for a request in flight: ``test_cancelled_request``
- the client dies and its end of the pipe closes:
  ``test_client_process_dying_closes_stdin``
- the client dies and the pipe stays open (``processId``):
  ``test_client_process_dying_leaves_stdin_open``
- a ``processId`` naming no process (a client outside the server's container):
  ``test_client_process_id_naming_no_process``
- ``workspace/configuration`` answered after the server stopped waiting:
  ``test_late_configuration_reply``
- the client answers the server's requests with errors:
  ``test_client_refusing_server_requests``
- ``workspace/executeCommand`` with bad arguments:
  ``test_execute_command_with_bad_arguments``
- garbage, wrong ``Content-Length``, unknown methods, params that cannot be read:
  ``test_malformed_messages``
- hover on a bare module name (found by the soak test):
  ``test_hover_on_the_keras_module_name``
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from kerasense.lsp.server import SETTINGS_WAIT
from tests.robustness.lsp_session import (
    SERVER_COMMAND,
    close,
    code_actions,
    codes,
    completion,
    digest,
    edit,
    errors_logged,
    frame,
    hover,
    is_running,
    open_text,
    position_of,
    published,
    record,
    request,
    send_bytes,
    session,
    sha256,
)

FIXTURES = Path(__file__).parents[1] / "lsp" / "fixtures"
SOFTMAX = (FIXTURES / "single_unit_softmax.py").read_text(encoding="utf-8")
WHOLE = types.Range(
    start=types.Position(line=0, character=0), end=types.Position(line=999, character=0)
)
EXIT_WAIT = 5.0
INVALID_PARAMS = -32602
METHOD_NOT_FOUND = -32601
INVALID_REQUEST = -32600
REQUEST_CANCELLED = -32800


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n")


def assert_quiet(client: LanguageClient) -> None:
    """No pop-up, no error response, nothing logged as an error."""
    state = record(client)
    assert state.popups == []
    assert state.error_responses == []
    assert errors_logged(client) == []


def the_edit(action: types.CodeAction) -> types.TextDocumentEdit:
    assert action.edit is not None and action.edit.document_changes is not None
    [change] = action.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    return change


async def test_untitled_document(tmp_path: Path) -> None:
    async with session(tmp_path) as client:
        uri = "untitled:Untitled-1"
        open_text(client, uri, SOFTMAX)

        params = await published(client, uri, version=1)
        assert codes(params) == ["KS101"]
        [diagnostic] = params.diagnostics
        actions = await code_actions(client, uri, diagnostic.range, [diagnostic])
        [fix] = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
        assert fix.title == "Use a sigmoid activation"
        assert the_edit(fix).text_document.uri == uri
        assert the_edit(fix).text_document.version == 1
        assert await hover(client, uri, position_of(SOFTMAX, "Dense(1")) is not None
        assert await digest(client, uri) == {
            "uri": uri,
            "version": 1,
            "sha256": sha256(SOFTMAX),
        }
        assert_quiet(client)


async def test_requests_for_a_document_never_opened(tmp_path: Path) -> None:
    on_disk = tmp_path / "on_disk.py"
    on_disk.write_text(SOFTMAX, encoding="utf-8")
    never = [
        on_disk.as_uri(),
        (tmp_path / "missing.py").as_uri(),
        "untitled:Untitled-9",
    ]
    async with session(tmp_path) as client:
        for uri in never:
            identifier = types.TextDocumentIdentifier(uri=uri)
            position = position_of(SOFTMAX, 'activation="softmax"', after=True)

            assert await hover(client, uri, position) is None
            items = await completion(client, uri, position)
            assert items is None or list(getattr(items, "items", items)) == []
            assert await code_actions(client, uri, WHOLE) == []
            hints = await request(
                client,
                types.TEXT_DOCUMENT_INLAY_HINT,
                types.InlayHintParams(text_document=identifier, range=WHOLE),
            )
            assert not hints
            assert await digest(client, uri) is None
            edit(client, uri, 2, position, position, "x")

        assert await digest(client, never[0]) is None
        assert not [p for p in record(client).published if p.diagnostics]
        assert_quiet(client)


async def test_percent_encoded_and_drive_letter_uris(tmp_path: Path) -> None:
    folder = tmp_path / "a b"
    folder.mkdir()
    (folder / "model.py").write_text(SOFTMAX, encoding="utf-8")
    encoded = (folder / "model.py").as_uri()
    assert "%20" in encoded
    spellings = [
        (encoded, encoded.replace("%20", " ")),
        (
            (folder / "raw.py").as_uri().replace("%20", " "),
            (folder / "raw.py").as_uri(),
        ),
        ("file:///c%3A/work/x.py", "file:///C:/work/x.py"),
        ("file:///C:/work/y.py", "file:///c%3A/work/y.py"),
    ]
    async with session(tmp_path) as client:
        for opened, other in spellings:
            open_text(client, opened, SOFTMAX)
            params = await published(client, opened, version=1)
            assert codes(params) == ["KS101"]

            # The same file named the other way: the same open document.
            position = position_of(SOFTMAX, "Dense(1")
            assert await hover(client, other, position) is not None
            held = await digest(client, other)
            assert held is not None and held["sha256"] == sha256(SOFTMAX)
            [diagnostic] = params.diagnostics
            actions = await code_actions(client, other, diagnostic.range, [diagnostic])
            assert [a.title for a in actions] == ["Use a sigmoid activation"]

            # A change and a close named the other way reach the document opened.
            line = line_of(SOFTMAX, "Dense(1")
            start = types.Position(line=line, character=0)
            edit(client, other, 2, start, start, "        # a comment\n")
            again = await published(client, opened, version=2)
            assert codes(again) == ["KS101"]
            close(client, other)
            assert await digest(client, opened) is None
            last = [p for p in record(client).published if p.uri == opened][-1]
            assert not last.diagnostics

        named = {p.uri for p in record(client).published}
        assert named <= {uri for pair in spellings for uri in pair}
        assert {opened for opened, _ in spellings} <= named
        assert_quiet(client)


async def test_code_action_for_an_older_version(tmp_path: Path) -> None:
    async with session(tmp_path) as client:
        uri = (tmp_path / "sentiment.py").as_uri()
        open_text(client, uri, SOFTMAX)
        [old] = (await published(client, uri, version=1)).diagnostics

        # Two lines on top; asked right away with the range and diagnostic of v1,
        # which now point at the Dropout layer.
        top = types.Position(line=0, character=0)
        edit(client, uri, 2, top, top, "# 模型 🙂\n# two lines on top\n")
        stale = await code_actions(client, uri, old.range, [old])
        assert stale == []

        # Asked where the head now is: the fix is built on v2 and lands on v2's text.
        moved = "# 模型 🙂\n# two lines on top\n" + SOFTMAX
        head = types.Range(
            start=position_of(moved, "layers.Dense(1"),
            end=position_of(moved, "layers.Dense(1"),
        )
        [fix] = await code_actions(client, uri, head, [old])
        change = the_edit(fix)
        assert change.text_document.version == 2
        [text_edit] = change.edits
        assert text_edit.range.start.line == line_of(moved, 'activation="softmax"')

        # Fixed in v3 (by hand): asked with the diagnostic of v1, nothing is offered.
        start = position_of(moved, '"softmax"')
        end = position_of(moved, '"softmax"', after=True)
        edit(client, uri, 3, start, end, '"sigmoid"')
        assert await code_actions(client, uri, head, [old]) == []
        assert codes(await published(client, uri, version=3)) == []
        assert_quiet(client)


HELPER = """\
import keras


def build_tagger(num_tags):
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(num_tags, activation="sigmoid"),
    ])
    return model
"""
TAGGER = """\
from builders import build_tagger

tagger = build_tagger(12)
tagger.compile(
"""


async def test_cancelled_request(tmp_path: Path) -> None:
    (tmp_path / "builders.py").write_text(HELPER, encoding="utf-8")
    async with session(tmp_path) as client:
        uri = (tmp_path / "train_tagger.py").as_uri()
        open_text(client, uri, TAGGER)
        params = types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(TAGGER, "tagger.compile(", after=True),
        )

        # Cancelled at once, while Jedi starts: cancelled or answered, nothing else.
        outcomes = []
        for number in range(12):
            msg_id = f"cancelled-{number}"
            future = asyncio.ensure_future(
                client.protocol.send_request_async(
                    types.TEXT_DOCUMENT_COMPLETION, params, msg_id=msg_id
                )
            )
            await asyncio.sleep(0.01 * number)  # the request goes out first
            client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
            try:
                await asyncio.wait_for(future, 15)
                outcomes.append("answered")
            except JsonRpcException as error:
                assert error.code == REQUEST_CANCELLED, error
                outcomes.append("cancelled")
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="no-such"))

        assert "cancelled" in outcomes
        result = await completion(client, uri, params.position)
        assert result is not None and result.items
        assert result.items[0].detail == "Binary classification: matches the head"
        assert_quiet(client)


CLIENT_SCRIPT = """\
import json, subprocess, sys, time

server = subprocess.Popen(
    sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    stderr=subprocess.DEVNULL,
)
body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                   "params": {"processId": None, "capabilities": {}}}).encode()
server.stdin.write(b"Content-Length: %d\\r\\n\\r\\n" % len(body) + body)
server.stdin.flush()
while True:
    length = int(server.stdout.readline().split(b":")[1])
    while server.stdout.readline().strip():
        pass
    if b'"result"' in server.stdout.read(length):
        break
print(server.pid, flush=True)
time.sleep(60)
"""


def wait_for_exit(pid: int, seconds: float) -> bool:
    """Whether process ``pid`` (not necessarily a child) ends within ``seconds``."""
    deadline = time.monotonic() + seconds
    while is_running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def piped_server(cwd: Path, stderr: int) -> subprocess.Popen[bytes]:
    """The server on pipes, for tests that speak the protocol as bare bytes."""
    return subprocess.Popen(
        SERVER_COMMAND,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        cwd=cwd,
    )


def initialize_over_pipe(server: subprocess.Popen[bytes], process_id: int) -> None:
    """Send ``initialize`` and read the answer, as a bare client would."""
    assert server.stdin is not None and server.stdout is not None
    message = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"processId": process_id, "capabilities": {}},
    }
    server.stdin.write(frame(message))
    server.stdin.flush()
    while "result" not in (answer := read_message(server.stdout)):
        pass
    assert answer["result"]["serverInfo"]["name"] == "kerasense"
    server.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    server.stdin.flush()


def read_message(stream: IO[bytes]) -> dict[str, Any]:
    length = int(stream.readline().split(b":")[1])
    while stream.readline().strip():
        pass
    message: dict[str, Any] = json.loads(stream.read(length))
    return message


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_client_process_dying_closes_stdin(tmp_path: Path) -> None:
    script = tmp_path / "client.py"
    script.write_text(CLIENT_SCRIPT, encoding="utf-8")
    client = subprocess.Popen(
        [sys.executable, str(script), *SERVER_COMMAND], stdout=subprocess.PIPE
    )
    try:
        assert client.stdout is not None
        server_pid = int(client.stdout.readline())
        client.kill()
        client.wait()

        assert wait_for_exit(server_pid, EXIT_WAIT)
    finally:
        if client.poll() is None:
            client.kill()
            client.wait()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_client_process_dying_leaves_stdin_open(tmp_path: Path) -> None:
    editor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    server = piped_server(tmp_path, stderr=subprocess.PIPE)
    try:
        initialize_over_pipe(server, editor.pid)
        editor.kill()
        editor.wait()

        # stdin is still open here: only the process id tells the server to go.
        assert server.wait(timeout=EXIT_WAIT) == 1
        assert server.stderr is not None
        assert b"has ended; the server exits" in server.stderr.read()
    finally:
        for process in (editor, server):
            if process.poll() is None:
                process.kill()
                process.wait()


def test_client_process_id_naming_no_process(tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    server = piped_server(tmp_path, stderr=subprocess.DEVNULL)
    try:
        initialize_over_pipe(server, gone.pid)
        time.sleep(2.5)

        assert server.poll() is None
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=EXIT_WAIT)


async def test_late_configuration_reply(tmp_path: Path) -> None:
    delay = SETTINGS_WAIT + 1.5
    async with session(
        tmp_path, configuration={"ignore": ["KS101"]}, configuration_delay=delay
    ) as client:
        uri = (tmp_path / "sentiment.py").as_uri()
        open_text(client, uri, SOFTMAX)

        # The first check went ahead with the defaults.
        first = await published(client, uri, version=1)
        assert codes(first) == ["KS101"]
        assert record(client).configuration_requests == 1

        # The reply arrives later; the document is checked again with it, unasked.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + delay + 5
        while loop.time() < deadline:
            latest = [p for p in record(client).published if p.uri == uri][-1]
            if not latest.diagnostics:
                break
            await asyncio.sleep(0.05)
        assert codes(latest) == []
        assert latest.version == 1
        assert_quiet(client)


async def test_client_refusing_server_requests(tmp_path: Path) -> None:
    async with session(
        tmp_path,
        refuse=(types.WORKSPACE_CONFIGURATION, types.CLIENT_REGISTER_CAPABILITY),
    ) as client:
        uri = (tmp_path / "sentiment.py").as_uri()
        open_text(client, uri, SOFTMAX)

        assert codes(await published(client, uri, version=1)) == ["KS101"]
        warnings = [
            m.message
            for m in client.log_messages
            if m.type == types.MessageType.Warning
        ]
        assert any("workspace/configuration failed" in m for m in warnings)
        assert_quiet(client)


async def test_execute_command_with_bad_arguments(tmp_path: Path) -> None:
    async with session(tmp_path) as client:
        uri = (tmp_path / "sentiment.py").as_uri()
        open_text(client, uri, SOFTMAX)
        await published(client, uri, version=1)
        calls: list[tuple[str, list[Any] | None]] = [
            ("kerasense.fixAll", None),
            ("kerasense.fixAll", []),
            ("kerasense.fixAll", [42]),
            ("kerasense.fixAll", [uri, uri]),
            ("kerasense.fixAll", [{"uri": uri}]),
            ("kerasense.fixAll", [(tmp_path / "never_opened.py").as_uri()]),
            ("kerasense.documentDigest", None),
            ("kerasense.documentDigest", [None]),
            ("kerasense.documentDigest", [uri, 1]),
            ("kerasense.noSuchCommand", [uri]),
        ]
        for command, arguments in calls:
            with pytest.raises(JsonRpcException) as raised:
                await request(
                    client,
                    types.WORKSPACE_EXECUTE_COMMAND,
                    types.ExecuteCommandParams(command=command, arguments=arguments),
                )
            assert raised.value.code == INVALID_PARAMS, (command, arguments)

        assert (await digest(client, uri)) is not None
        assert record(client).popups == []
        assert len(record(client).error_responses) == len(calls)


async def alive(client: LanguageClient) -> bool:
    try:
        await asyncio.wait_for(digest(client, "untitled:ping"), 3)
    except asyncio.TimeoutError:
        return False
    return True


def raw_request(client: LanguageClient, message: dict[str, Any]) -> asyncio.Future[Any]:
    """Send a request as bytes; the future gets its response."""
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    client.protocol._request_futures[message["id"]] = future
    send_bytes(client, frame(message))
    return future


async def test_malformed_messages(tmp_path: Path) -> None:
    note = {"jsonrpc": "2.0", "method": "$/kerasense/note", "params": {"t": "模型 🙂"}}
    chars = len(json.dumps(note, ensure_ascii=False))
    async with session(tmp_path) as client:
        send_bytes(client, b"\x00\xff\xfe garbage\r\n\r\n")
        assert await alive(client)
        send_bytes(client, b"Content-Length: 9\r\n\r\n{not json")
        assert await alive(client)

        # Lengths counted in characters rather than bytes: too short.
        send_bytes(client, frame(note, length=chars))
        assert await alive(client)

        # Too long: the next message loses its start, the one after is read again.
        send_bytes(client, frame(note, length=len(frame(note)) + 12))
        send_bytes(client, frame(note))
        assert await alive(client)

        # A length no message has, and a method that is not a string.
        send_bytes(client, b"Content-Length: 99999999999999999999\r\n\r\n{}")
        assert await alive(client)
        nameless = {"jsonrpc": "2.0", "id": "raw-0", "method": None}
        with pytest.raises(JsonRpcException) as raised:
            await asyncio.wait_for(raw_request(client, nameless), 5)
        assert raised.value.code == INVALID_REQUEST
        assert "Traceback" not in str(raised.value)

        unknown = {"jsonrpc": "2.0", "id": "raw-1", "method": "kerasense/nope"}
        with pytest.raises(JsonRpcException) as raised:
            await asyncio.wait_for(raw_request(client, unknown), 5)
        assert raised.value.code == METHOD_NOT_FOUND

        unreadable = {
            "jsonrpc": "2.0",
            "id": "raw-2",
            "method": types.TEXT_DOCUMENT_HOVER,
            "params": {"textDocument": 5, "position": "here"},
        }
        with pytest.raises(JsonRpcException) as raised:
            await asyncio.wait_for(raw_request(client, unreadable), 5)
        assert raised.value.code == INVALID_PARAMS

        uri = (tmp_path / "after.py").as_uri()
        open_text(client, uri, SOFTMAX)
        assert codes(await published(client, uri, version=1)) == ["KS101"]
        assert record(client).popups == []
        assert any("malformed" in m.message for m in client.log_messages)


async def test_hover_on_the_keras_module_name(tmp_path: Path) -> None:
    text = "import keras\n\nmodel = keras.Sequential([keras.layers.Dense(1)])\n"
    async with session(tmp_path) as client:
        uri = (tmp_path / "bare.py").as_uri()
        open_text(client, uri, text)
        await published(client, uri, version=1)

        for needle in ("keras\n", "keras.Sequential", "keras.layers"):
            await hover(client, uri, position_of(text, needle))
        dense = await hover(client, uri, position_of(text, "Dense"))
        assert dense is not None
        assert_quiet(client)


async def test_shutdown_right_after_initialized(tmp_path: Path) -> None:
    # The session asks for workspace/configuration on `initialized`; shutting down
    # while that is in flight once answered with an internal error.
    for _ in range(3):
        async with session(tmp_path) as client:
            pass
        assert record(client).popups == []


def test_a_process_id_out_of_range_keeps_the_options(tmp_path: Path) -> None:
    server = piped_server(tmp_path, stderr=subprocess.DEVNULL)
    assert server.stdin is not None and server.stdout is not None
    try:
        message = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "processId": 2**40,
                "capabilities": {},
                "initializationOptions": {"select": ["KS2"]},
            },
        }
        server.stdin.write(frame(message))
        server.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized"}))
        document = {
            "uri": (tmp_path / "m.py").as_uri(),
            "languageId": "python",
            "version": 1,
            "text": SOFTMAX,
        }
        opened = {"textDocument": document}
        server.stdin.write(
            frame(
                {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": opened}
            )
        )
        server.stdin.flush()
        answer = read_message(server.stdout)
        while answer.get("method") != "textDocument/publishDiagnostics":
            assert "error" not in answer, answer
            answer = read_message(server.stdout)
        assert answer["params"]["diagnostics"] == []  # KS101 is not selected
    finally:
        server.kill()
        server.wait()


@pytest.mark.parametrize(("asked_to_shut_down", "status"), [(True, 0), (False, 1)])
def test_exit_status_says_whether_shutdown_came_first(
    tmp_path: Path, asked_to_shut_down: bool, status: int
) -> None:
    server = piped_server(tmp_path, stderr=subprocess.DEVNULL)
    assert server.stdin is not None
    try:
        initialize_over_pipe(server, os.getpid())
        if asked_to_shut_down:
            server.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        server.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
        server.stdin.flush()
        assert server.wait(timeout=EXIT_WAIT) == status
    finally:
        server.kill()
        server.wait()
