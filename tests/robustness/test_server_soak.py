"""A long editing session with a real server over stdio.

Thousands of random incremental edits (astral characters, CJK, CRLF and lone CR line
ends, characters Python splits lines at but LSP does not, edits across lines, at line
ends, several changes in one notification) over realistic Keras files, with the
server's text compared to the client's after every batch through
``kerasense.documentDigest``; then over a thousand documents opened and closed while
the server's memory is watched. No request may get an error response and nothing may pop up.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path
from pytest_lsp import LanguageClient

from kerasense.engine import analyze
from tests.conftest import fixture_files
from tests.robustness.conftest import SCALE
from tests.robustness.lsp_session import (
    close,
    digest,
    errors_logged,
    open_text,
    published,
    record,
    request,
    rss_kib,
    server_pid,
    session,
    sha256,
)

EDITS = 5000 * SCALE
BATCH = 100
DOCUMENTS = 6
WARM_UP = 250
OPEN_CLOSE_ROUNDS = 4 * SCALE
OPENED_PER_ROUND = 250
OPENED_AT_ONCE = 25
HISTORY = 300
"""Versions of each document kept, to check the diagnostics published for them."""
RSS_MARGIN_KIB = 1536
"""Growth allowed from the first to the last round of opening and closing, after a
warm-up. A kilobyte kept per notification (pygls 2.1 keeping every notification's
future) already grows the server by about a megabyte per round."""

PIECES = (
    "x",
    " ",
    "    ",
    "model",
    "layers.Dense(10, activation='softmax')",
    "(",
    ")",
    ",",
    '"',
    "\n",
    "\r\n",
    "\r",
    "\t",
    "😀",
    "🚀",
    "𝕂𝔢𝔯𝔞𝔰",
    "模型",
    "中文注释",
    "é",
    "# 🧠 ",
    "\f",
    "\u2028",
    "\x85",
    "\x1c",
)
"""Inserted text: code, line ends, astral and CJK characters, and the characters
``str.splitlines`` breaks at while LSP does not."""


def lines_of(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each line, line ends excluded, split as LSP splits."""
    spans = []
    start = index = 0
    while index < len(text):
        char = text[index]
        if char in "\r\n":
            spans.append((start, index))
            index += 2 if text.startswith("\r\n", index) else 1
            start = index
        else:
            index += 1
    spans.append((start, len(text)))
    return spans


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Document:
    """The client's copy of one open document."""

    uri: str
    text: str
    version: int = 1
    history: dict[int, str] = field(default_factory=dict)

    def position(
        self, rng: random.Random, near: int | None = None
    ) -> tuple[int, types.Position]:
        """A random offset and its LSP position, on or up to 3 lines after line ``near``.

        Line ends come up often; now and then a column past the end of the line, which
        LSP says means the end of the line.
        """
        spans = lines_of(self.text)
        if near is None:
            line = rng.randrange(len(spans))
        else:
            line = min(near + rng.randint(0, 3), len(spans) - 1)
        start, end = spans[line]
        roll = rng.random()
        if roll < 0.02:
            past = utf16_length(self.text[start:end]) + rng.randint(1, 5)
            return end, types.Position(line=line, character=past)
        column = end - start if roll < 0.25 else rng.randint(0, end - start)
        offset = start + column
        character = utf16_length(self.text[start:offset])
        return offset, types.Position(line=line, character=character)

    def change(
        self, rng: random.Random, base: int
    ) -> types.TextDocumentContentChangePartial:
        """A random insertion, deletion or replacement, applied to the client's copy.

        ``base`` is the starting length: the text is kept between half and twice it.
        """
        first, start = self.position(rng)
        last, end = first, start
        if rng.random() < 0.6 and len(self.text) > base // 2:
            last, end = self.position(rng, near=start.line)
            if last < first:
                first, start, last, end = last, end, first, start
        count = rng.randint(1, 4) if len(self.text) < 2 * base else rng.randint(0, 1)
        new_text = "".join(rng.choice(PIECES) for _ in range(count))
        self.text = self.text[:first] + new_text + self.text[last:]
        return types.TextDocumentContentChangePartial(
            range=types.Range(start=start, end=end), text=new_text
        )

    def restore(
        self, rng: random.Random, original: str
    ) -> types.TextDocumentContentChangePartial:
        """Replace everything by the original text with an astral comment, as a paste
        over the whole file would: random edits soon leave code that does not parse."""
        spans = lines_of(self.text)
        last_start, last_end = spans[-1]
        end = types.Position(
            line=len(spans) - 1,
            character=utf16_length(self.text[last_start:last_end]),
        )
        lines = original.split("\n")
        lines.insert(rng.randrange(len(lines)), "# 🧪 模型 restored")
        self.text = "\n".join(lines)
        return types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=0, character=0), end=end),
            text=self.text,
        )


def send_changes(
    client: LanguageClient,
    document: Document,
    changes: list[types.TextDocumentContentChangeEvent],
) -> int:
    """One ``didChange`` with ``changes``; the number of changes sent."""
    document.version += 1
    document.history[document.version] = document.text
    document.history.pop(document.version - HISTORY, None)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=document.uri, version=document.version
            ),
            content_changes=changes,
        )
    )
    return len(changes)


async def exercise_features(
    client: LanguageClient, document: Document, rng: random.Random
) -> None:
    """Hover, completion, code actions and inlay hints on the edited text."""
    identifier = types.TextDocumentIdentifier(uri=document.uri)
    _, position = document.position(rng)
    whole = types.Range(
        start=types.Position(line=0, character=0),
        end=types.Position(line=len(lines_of(document.text)), character=0),
    )
    await request(
        client,
        types.TEXT_DOCUMENT_HOVER,
        types.HoverParams(text_document=identifier, position=position),
    )
    await request(
        client,
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionParams(text_document=identifier, position=position),
    )
    actions = await request(
        client,
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionParams(
            text_document=identifier,
            range=whole,
            context=types.CodeActionContext(diagnostics=[]),
        ),
    )
    for action in actions or []:
        for change in action.edit.document_changes:
            assert change.text_document.version == document.version
    await request(
        client,
        types.TEXT_DOCUMENT_INLAY_HINT,
        types.InlayHintParams(text_document=identifier, range=whole),
    )


async def same_findings(client: LanguageClient, document: Document) -> int:
    """The diagnostics published for a text that parses are the engine's findings."""
    analysis = analyze(document.text, path=to_fs_path(document.uri))
    if analysis.syntax_error is not None:
        return 0
    params = await published(client, document.uri, document.version)
    assert sorted(str(d.code) for d in params.diagnostics) == sorted(
        f.code for f in analysis.findings
    )
    return 1


def check_publishes(client: LanguageClient, documents: dict[str, Document]) -> int:
    """Diagnostics name versions the client sent and lie inside that version's text."""
    checked = 0
    for params in record(client).published:
        document = documents.get(params.uri)
        if document is None or not params.diagnostics:
            continue
        assert params.version is not None and params.version <= document.version
        text = document.history.get(params.version)
        if text is None:
            continue
        spans = lines_of(text)
        for diagnostic in params.diagnostics:
            for end in (diagnostic.range.start, diagnostic.range.end):
                assert end.line < len(spans), (params.uri, params.version, end)
                start, stop = spans[end.line]
                assert end.character <= utf16_length(text[start:stop])
        checked += 1
    record(client).published.clear()
    return checked


def starting_texts() -> list[str]:
    """Realistic files, some with CRLF line ends and some with astral comments."""
    files = [
        p
        for p in fixture_files("heads", "architecture", "clean")
        if p.stat().st_size > 600
    ]
    rng = random.Random(8)
    texts = []
    for number, path in enumerate(rng.sample(files, DOCUMENTS)):
        text = path.read_text(encoding="utf-8")
        if number % 3 == 1:
            text = text.replace("\n", "\r\n")
        if number % 3 == 2:
            text = "# 模型 🙂 𝕂eras\n" + text
        texts.append(text)
    return texts


async def test_incremental_edits_keep_the_server_in_sync(
    tmp_path: Path, counts: Counter[str]
) -> None:
    rng = random.Random(2024)
    async with session(tmp_path) as client:
        documents = {}
        for number, text in enumerate(starting_texts()):
            uri = (tmp_path / f"soak_{number}.py").as_uri()
            documents[uri] = Document(uri, text, history={1: text})
            open_text(client, uri, text)
        originals = {uri: d.text for uri, d in documents.items()}

        edits = 0
        while edits < EDITS:
            touched = set()
            for _ in range(BATCH):
                document = rng.choice(list(documents.values()))
                base = originals[document.uri]
                changes: list[types.TextDocumentContentChangeEvent] = [
                    document.change(rng, len(base))
                    for _ in range(rng.choice((1, 1, 1, 2, 3)))
                ]
                edits += send_changes(client, document, changes)
                touched.add(document.uri)
            restored = []
            for uri in sorted(touched):
                if rng.random() < 0.3:
                    document = documents[uri]
                    restore = document.restore(rng, originals[uri])
                    edits += send_changes(client, document, [restore])
                    restored.append(document)
            desyncs = []
            for uri in sorted(touched):
                document = documents[uri]
                held = await digest(client, uri)
                expected = {
                    "uri": uri,
                    "version": document.version,
                    "sha256": sha256(document.text),
                }
                if held != expected:
                    desyncs.append((held, expected))
                await exercise_features(client, document, rng)
            for document in restored:
                counts["server findings compared"] += await same_findings(
                    client, document
                )
            counts["server publishes checked"] += check_publishes(client, documents)
            counts["server batches checked"] += 1
            counts["server desyncs"] += len(desyncs)
            assert desyncs == [], f"the server's text differs after {edits} edits"

        counts["server edits"] += edits
        _count_failures(client, counts)


async def test_opening_and_closing_documents_does_not_grow_memory(
    tmp_path: Path, counts: Counter[str]
) -> None:
    texts = [p.read_text(encoding="utf-8") for p in fixture_files()]
    async with session(tmp_path) as client:
        pid = server_pid(client)
        opened = 0

        async def open_and_close(count: int) -> None:
            nonlocal opened
            for _ in range(count // OPENED_AT_ONCE):
                uris = []
                for _ in range(OPENED_AT_ONCE):
                    opened += 1
                    uri = (
                        f"untitled:Untitled-{opened}"
                        if opened % 5 == 0
                        else (tmp_path / f"opened_{opened}.py").as_uri()
                    )
                    open_text(client, uri, texts[opened % len(texts)])
                    uris.append(uri)
                for uri in uris:
                    await published(client, uri)
                for uri in uris:
                    close(client, uri)
                assert await digest(client, uris[-1]) is None
                record(client).published.clear()

        await open_and_close(WARM_UP)
        sizes = []
        for _ in range(OPEN_CLOSE_ROUNDS):
            await open_and_close(OPENED_PER_ROUND)
            sizes.append(rss_kib(pid))

        counts["server documents opened and closed"] += opened
        counts["server rss after first round (KiB)"] = sizes[0]
        counts["server rss after last round (KiB)"] = sizes[-1]
        _count_failures(client, counts)
        assert sizes[-1] - sizes[0] < RSS_MARGIN_KIB, sizes


def _count_failures(client: LanguageClient, counts: Counter[str]) -> None:
    state = record(client)
    counts["server error responses"] += len(state.error_responses)
    counts["server pop-ups"] += len(state.popups)
    counts["server errors logged"] += len(errors_logged(client))
    assert state.error_responses == []
    assert state.popups == []
    assert errors_logged(client) == []
