"""Ranges are exact in the editor's columns, whatever the characters and line ends."""

from __future__ import annotations

import pytest
from lsp_support import (
    at,
    change_document,
    codes,
    edit_document,
    open_document,
    published,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

# The head shares its line with CJK text and astral emoji (two UTF-16 units each).
WIDE = (
    "import keras\n"
    "\n"
    'note = "情感分类 😀🐍"; model = keras.Sequential([keras.Input(shape=(8,)), '
    'keras.layers.Dense(1, activation="softmax")])\n'
    'model.compile(optimizer="adam", loss="binary_crossentropy")\n'
)
HEAD = 'keras.layers.Dense(1, activation="softmax")'

# Form feeds, which Python and editors keep inside a line, before and inside the model.
PAGED = (
    "from tensorflow import keras\n"
    "\f\n"
    "# \f page two \f\n"
    "model = keras.Sequential([\n"
    "    keras.layers.Dense(32, activation='relu'),  # \f\n"
    "    keras.layers.Dense(1, activation='softmax'),\n"
    "])\n"
    "\f\n"
    "model.compile(optimizer='adam', loss='binary_crossentropy')\n"
)
PAGED_HEAD = "keras.layers.Dense(1, activation='softmax')"


def expected_range(text: str, needle: str) -> types.Range:
    return types.Range(start=at(text, needle), end=at(text, needle, after=True))


async def test_utf16_columns_after_emoji_and_cjk(client: LanguageClient) -> None:
    uri = open_document(client, "wide.py", WIDE)

    [diagnostic] = (await published(client, uri)).diagnostics

    assert diagnostic.code == "KS101"
    assert diagnostic.range == expected_range(WIDE, HEAD)
    # 5 characters of CJK and 2 emoji: the UTF-16 column is 2 more than the code points.
    code_points = WIDE.splitlines()[2].index("keras.layers.Dense")
    assert diagnostic.range.start.character == code_points + 2


async def test_quick_fix_edit_lands_on_the_string_after_emoji(
    client: LanguageClient,
) -> None:
    uri = open_document(client, "wide.py", WIDE)
    [diagnostic] = (await published(client, uri)).diagnostics

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )

    fix = next(
        a for a in actions or [] if isinstance(a, types.CodeAction) and a.is_preferred
    )
    assert fix.edit is not None and fix.edit.document_changes is not None
    [change] = fix.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    [edit] = change.edits
    assert edit.range == expected_range(WIDE, '"softmax"')
    assert edit.new_text == '"sigmoid"'


async def test_crlf_line_ends(client: LanguageClient) -> None:
    text = WIDE.replace("\n", "\r\n")
    uri = open_document(client, "crlf.py", text)

    [diagnostic] = (await published(client, uri)).diagnostics

    assert diagnostic.range == expected_range(text, HEAD)
    assert diagnostic.range.start.line == 2


async def test_form_feeds_do_not_end_lines(client: LanguageClient) -> None:
    uri = open_document(client, "paged.py", PAGED)

    [diagnostic] = (await published(client, uri)).diagnostics

    assert diagnostic.range == expected_range(PAGED, PAGED_HEAD)
    assert diagnostic.range.start.line == 5


async def test_incremental_edit_after_form_feeds_and_crlf(
    client: LanguageClient,
) -> None:
    text = PAGED.replace("\n", "\r\n")
    uri = open_document(client, "paged.py", text)
    await published(client, uri, version=1)
    softmax = at(text, "softmax")

    edit_document(
        client,
        uri,
        2,
        (softmax.line, softmax.character),
        (softmax.line, softmax.character + len("softmax")),
        "sigmoid",
    )

    assert codes(await published(client, uri, version=2)) == []
    change_document(client, uri, 3, text)
    assert codes(await published(client, uri, version=3)) == ["KS101"]


async def test_incremental_edits_across_emoji(client: LanguageClient) -> None:
    uri = open_document(client, "wide.py", WIDE)
    await published(client, uri, version=1)
    quote = at(WIDE, '"softmax"')

    # Insert after the emoji, then fix the activation: both in UTF-16 columns.
    edit_document(client, uri, 2, (2, 9), (2, 9), "🎉")
    edit_document(
        client,
        uri,
        3,
        (quote.line, quote.character + 3),
        (quote.line, quote.character + 3 + len("softmax")),
        "sigmoid",
    )

    assert codes(await published(client, uri, version=3)) == []
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=quote.line, character=quote.character + 4),
        )
    )
    assert hover is not None and "sigmoid" in str(hover.contents)


@pytest.mark.editor("neovim")
async def test_utf8_columns_when_the_editor_prefers_them(
    configured_client: LanguageClient,
) -> None:
    client = configured_client
    uri = open_document(client, "wide.py", WIDE)

    [diagnostic] = (await published(client, uri)).diagnostics

    line = WIDE.splitlines()[2]
    start = len(line[: line.index(HEAD)].encode("utf-8"))
    assert diagnostic.range.start == types.Position(line=2, character=start)
    assert diagnostic.range.end.character == start + len(HEAD)


async def test_a_byte_order_mark_kept_in_the_editor_s_text(
    client: LanguageClient,
) -> None:
    text = "\ufeff" + WIDE
    uri = open_document(client, "bom.py", text)

    [diagnostic] = (await published(client, uri)).diagnostics

    assert diagnostic.code == "KS101"
    assert diagnostic.range == expected_range(text, HEAD)
