"""Helpers for the language server tests: documents, waiting for diagnostics, positions."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

FIXTURES = Path(__file__).parent / "fixtures"
WAIT = 10.0


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def document_uri(client: LanguageClient, name: str) -> str:
    return (client.root / name).as_uri()  # type: ignore[attr-defined]


def open_document(
    client: LanguageClient, name: str, text: str, *, on_disk: bool = True
) -> str:
    """Open ``text`` in the workspace (written to disk too) and return its URI.

    A name already opened by an earlier test on the same server gets a number added.
    """
    opened: set[str] = client.opened  # type: ignore[attr-defined]
    stem, suffix = name.rsplit(".", 1)
    candidate, number = name, 1
    while candidate in opened:
        number += 1
        candidate = f"{stem}_{number}.{suffix}"
    opened.add(candidate)
    path: Path = client.root / candidate  # type: ignore[attr-defined]
    if on_disk:
        path.write_text(text, encoding="utf-8", newline="")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=text
            )
        )
    )
    return uri


def change_document(client: LanguageClient, uri: str, version: int, text: str) -> None:
    """Replace the whole text, as a client with full sync would."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=uri, version=version
            ),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def edit_document(
    client: LanguageClient,
    uri: str,
    version: int,
    start: tuple[int, int],
    end: tuple[int, int],
    text: str,
) -> None:
    """One incremental change; positions are (line, UTF-16 column)."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=uri, version=version
            ),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=start[0], character=start[1]),
                        end=types.Position(line=end[0], character=end[1]),
                    ),
                    text=text,
                )
            ],
        )
    )


async def published(
    client: LanguageClient, uri: str, version: int | None = None, count: int = 1
) -> types.PublishDiagnosticsParams:
    """Wait until ``count`` publishes for ``uri`` (of ``version``, if given) have arrived."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while True:
        found = [
            p
            for p in client.published  # type: ignore[attr-defined]
            if p.uri == uri and (version is None or p.version == version)
        ]
        if len(found) >= count:
            return found[count - 1]
        if loop.time() > deadline:
            raise AssertionError(f"no diagnostics for {uri} v{version} within {WAIT}s")
        await asyncio.sleep(0.02)


def publishes(client: LanguageClient, uri: str) -> list[types.PublishDiagnosticsParams]:
    return [p for p in client.published if p.uri == uri]  # type: ignore[attr-defined]


def codes(params: types.PublishDiagnosticsParams) -> list[str]:
    return [str(d.code) for d in params.diagnostics]


def at(
    text: str, needle: str, *, after: bool = False, occurrence: int = 1
) -> types.Position:
    """The LSP position (UTF-16 columns) of the ``occurrence``-th ``needle`` in ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    if after:
        index += len(needle)
    before = text[:index]
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    line = before.count("\n") + before.count("\r") - before.count("\r\n")
    column = len(before[line_start:].encode("utf-16-le")) // 2
    return types.Position(line=line, character=column)


def offset_of(text: str, position: types.Position) -> int:
    """The string index of an LSP position (UTF-16 columns, lines split as LSP does)."""
    index = 0
    for _ in range(position.line):
        ends = [
            i
            for i in (
                text.find("\r\n", index),
                text.find("\n", index),
                text.find("\r", index),
            )
            if i >= 0
        ]
        first = min(ends)
        index = first + (2 if text.startswith("\r\n", first) else 1)
    units = 0
    while (
        units < position.character and index < len(text) and text[index] not in "\r\n"
    ):
        units += 2 if ord(text[index]) > 0xFFFF else 1
        index += 1
    return index


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits, all given against ``text``, from the last to the first."""
    spans = sorted(
        (
            (offset_of(text, e.range.start), offset_of(text, e.range.end), e.new_text)
            for e in edits
        ),
        reverse=True,
    )
    for start, end, new_text in spans:
        text = text[:start] + new_text + text[end:]
    return text


def document_edits(action: types.CodeAction) -> tuple[int | None, list[types.TextEdit]]:
    """The version and edits of a code action's single document change."""
    assert action.edit is not None and action.edit.document_changes is not None
    [change] = action.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    return change.text_document.version, [
        e for e in change.edits if isinstance(e, types.TextEdit)
    ]


async def code_actions(
    client: LanguageClient,
    uri: str,
    range_: types.Range,
    diagnostics: list[types.Diagnostic] | None = None,
    only: list[str] | None = None,
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=range_,
            context=types.CodeActionContext(diagnostics=diagnostics or [], only=only),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]
