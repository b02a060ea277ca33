"""Inlay hints with each layer's output shape, over stdio."""

from __future__ import annotations

from lsp_support import at, edit_document, open_document, published
from lsprotocol import types
from pytest_lsp import LanguageClient

CONVNET = """\
from tensorflow import keras
from tensorflow.keras import layers

inputs = keras.Input(shape=(180, 180, 3))
x = layers.Rescaling(1.0 / 255)(inputs)
x = layers.Conv2D(32, 3, activation="relu")(x)
x = layers.MaxPooling2D()(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy")
"""

TEXT = """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(200,), dtype="int64"),
    layers.Embedding(20000, 128),
    layers.Conv1D(64, 5, activation="relu", name="😀conv"),
    layers.GlobalMaxPooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy")
"""


async def hints(
    client: LanguageClient, uri: str, lines: int
) -> list[tuple[int, int, str]]:
    result = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(lines, 0)),
        )
    )
    return [(h.position.line, h.position.character, str(h.label)) for h in result or []]


async def open_and_wait(client: LanguageClient, name: str, text: str) -> str:
    uri = open_document(client, name, text)
    await published(client, uri)
    return uri


async def test_functional_convnet(client: LanguageClient) -> None:
    uri = await open_and_wait(client, "convnet.py", CONVNET)
    assert await hints(client, uri, 12) == [
        (4, 39, "→ (None, 180, 180, 3)"),
        (5, 46, "→ (None, 178, 178, 32)"),
        (6, 28, "→ (None, 89, 89, 32)"),
        (7, 38, "→ (None, 32)"),
        (8, 50, "→ (None, 1)"),
    ]


async def test_sequential_text_model(client: LanguageClient) -> None:
    uri = await open_and_wait(client, "text.py", TEXT)
    assert await hints(client, uri, 12) == [
        (5, 32, "→ (None, 200, 128)"),
        (6, 58, "→ (None, 196, 64)"),  # 57 code points: the emoji is 2 in UTF-16
        (7, 31, "→ (None, 64)"),
        (8, 41, "→ (None, 1)"),
    ]


async def test_range_limits_the_hints_and_broken_text_has_none(
    client: LanguageClient,
) -> None:
    uri = await open_and_wait(client, "text.py", TEXT)
    result = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(6, 0), types.Position(7, 0)),
        )
    )
    assert [h.position.line for h in result] == [6]
    edit_document(client, uri, 2, (9, 0), (9, 2), "")  # drops the closing "])"
    assert await hints(client, uri, 12) == []


async def test_hover_on_a_layer_shows_its_shape(client: LanguageClient) -> None:
    uri = await open_and_wait(client, "hover_shape.py", CONVNET)
    position = at(CONVNET, "Conv2D")
    result = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(position.line, position.character + 2),
        )
    )
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert result.contents.value.endswith(
        "**Output shape here:** `(None, 178, 178, 32)`"
    )
