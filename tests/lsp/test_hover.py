"""Hovers on layers, losses, activations, input shapes and datasets."""

from __future__ import annotations

import pytest_asyncio
from lsp_support import at, fixture_text, open_document, published
from lsprotocol import types
from pytest_lsp import LanguageClient

from kerasense.knowledge import knowledge

SCRIPT = """\
import numpy as np
import tensorflow.keras as K
from tensorflow.keras import layers

(x_train, y_train), _ = K.datasets.mnist.load_data()
photos = K.utils.image_dataset_from_directory("photos/")
series = K.Input(shape=(100, 8))
model = K.Sequential([
    layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
    layers.Flatten(),
    K.layers.Dense(10, activation="softmax"),
])
recurrent = K.layers.LSTM(32)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
noise = np.random.rand(3)
"""


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def script_uri(client: LanguageClient) -> str:
    uri = open_document(client, "hovers.py", SCRIPT)
    await published(client, uri)
    return uri


async def hover_text(
    client: LanguageClient, uri: str, position: types.Position
) -> str | None:
    result = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position
        )
    )
    if result is None:
        return None
    assert isinstance(result.contents, types.MarkupContent)
    assert result.contents.kind == types.MarkupKind.Markdown
    return result.contents.value


def inside(needle: str, offset: int = 1, occurrence: int = 1) -> types.Position:
    position = at(SCRIPT, needle, occurrence=occurrence)
    return types.Position(line=position.line, character=position.character + offset)


async def test_layer_class_says_which_data_it_suits(
    client: LanguageClient, script_uri: str
) -> None:
    conv = await hover_text(client, script_uri, inside("Conv2D"))
    lstm = await hover_text(client, script_uri, inside("LSTM"))

    assert conv is not None and conv.startswith(
        "**Conv2D** · " + knowledge().families["conv2d"][0]
    )
    assert "First choice for images." in conv
    assert lstm is not None and "First choice for timeseries" in lstm
    assert "alternative for" in lstm and "text" in lstm


async def test_loss_string_names_its_head(
    client: LanguageClient, script_uri: str
) -> None:
    text = await hover_text(client, script_uri, inside("sparse_categorical"))

    assert text is not None
    assert text.startswith("**Sparse categorical crossentropy** · loss")
    assert "a unit per class with softmax" in text


async def test_activation_string_names_its_head(
    client: LanguageClient, script_uri: str
) -> None:
    softmax = await hover_text(client, script_uri, inside("softmax"))
    relu = await hover_text(client, script_uri, inside("relu"))

    assert softmax is not None and "Single-label multiclass classification" in softmax
    assert relu is not None and "hidden layers" in relu


async def test_input_shape_implies_a_modality(
    client: LanguageClient, script_uri: str
) -> None:
    image = await hover_text(client, script_uri, inside("input_shape"))
    sequence = await hover_text(client, script_uri, inside("Input(shape"))

    assert image is not None and "`(28, 28, 1)` · 3 axes per sample" in image
    assert "- Images: 2D" in image
    assert sequence is not None and "`(100, 8)` · 2 axes per sample" in sequence
    assert "- Timeseries: Recurrent" in sequence


async def test_dataset_and_loader(client: LanguageClient, script_uri: str) -> None:
    mnist = await hover_text(client, script_uri, inside("mnist"))
    folder = await hover_text(
        client, script_uri, inside("image_dataset_from_directory")
    )

    assert mnist is not None and "with 10 classes" in mnist
    assert '`Dense(10, activation="softmax")` head' in mnist
    assert folder is not None and "integer class indices" in folder


async def test_nothing_for_names_that_are_not_keras(
    client: LanguageClient, script_uri: str
) -> None:
    assert await hover_text(client, script_uri, inside("rand")) is None
    assert await hover_text(client, script_uri, inside("photos/")) is None


async def test_hover_in_a_file_that_does_not_parse(client: LanguageClient) -> None:
    text = fixture_text("mnist_functional.py").replace(
        "model.fit(", "model.fit(x_train,\n"
    )
    uri = open_document(client, "broken_hover.py", text)

    dense = await hover_text(client, uri, at(text, "Dense"))
    quote = at(text, '"sparse_categorical')
    loss = await hover_text(
        client, uri, types.Position(line=quote.line, character=quote.character + 3)
    )

    assert dense is not None and dense.startswith("**Dense**")
    assert loss is not None and "Sparse categorical crossentropy" in loss
