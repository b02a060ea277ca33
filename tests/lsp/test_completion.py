"""Completions: heads, compile calls, network blocks and argument values."""

from __future__ import annotations

import asyncio

import pytest
from lsp_support import (
    apply_edits,
    at,
    change_document,
    open_document,
    published,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

from kerasense.knowledge import knowledge

MNIST_LIST = """\
from tensorflow import keras
from tensorflow.keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()

model = keras.Sequential([
    layers.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.Flatten(),
    |
])
model.fit(x_train, y_train, epochs=1)
"""


def network(modality: str, family: str) -> str:
    """A block's label, with the family's title as ``rules/layers.toml`` words it."""
    return f"{modality}: {knowledge().families[family][0]}"


def split(marked: str) -> tuple[str, types.Position]:
    """The text without its ``|`` cursor mark, and the cursor's position."""
    return marked.replace("|", "", 1), at(marked, "|")


async def complete(
    client: LanguageClient, name: str, marked: str, *, wait: bool = True
) -> tuple[str, list[types.CompletionItem]]:
    text, position = split(marked)
    uri = open_document(client, name, text)
    if wait:
        await published(client, uri)
    return text, await complete_at(client, uri, position)


async def complete_at(
    client: LanguageClient, uri: str, position: types.Position
) -> list[types.CompletionItem]:
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position
        )
    )
    if result is None:
        return []
    items = result.items if isinstance(result, types.CompletionList) else result
    return sorted(items, key=lambda item: item.sort_text or item.label)


def accept(text: str, item: types.CompletionItem) -> str:
    """The text after accepting ``item``, with snippet tab stops at their defaults."""
    assert isinstance(item.text_edit, types.TextEdit)
    new_text = item.text_edit.new_text
    if item.insert_text_format == types.InsertTextFormat.Snippet:
        new_text = _plain(new_text)
    edits = [types.TextEdit(range=item.text_edit.range, new_text=new_text)]
    return apply_edits(text, edits + list(item.additional_text_edits or []))


def _plain(snippet: str) -> str:
    import re

    snippet = re.sub(r"\$\{\d+\|([^,|]*)[^}]*\}", r"\1", snippet)
    snippet = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", snippet)
    return snippet.replace("\\$", "$").replace("\\}", "}").replace("\\\\", "\\")


def labelled(items: list[types.CompletionItem], label: str) -> types.CompletionItem:
    return next(item for item in items if item.label == label)


async def test_head_in_a_sequential_list_knows_the_classes_and_adds_compile(
    client: LanguageClient,
) -> None:
    text, items = await complete(client, "mnist.py", MNIST_LIST)

    first = items[0]
    assert first.label == "Single-label multiclass classification head"
    assert first.detail == 'layers.Dense(10, activation="softmax") and compile()'
    done = accept(text, first)
    assert '    layers.Dense(10, activation="softmax")\n])\n' in done
    assert (
        '])\nmodel.compile(optimizer="adam", loss="sparse_categorical_crossentropy", '
        'metrics=["accuracy"])\nmodel.fit(' in done
    )
    labels = [item.label for item in items]
    assert "Binary classification head" in labels
    assert "Regression head" in labels
    assert network("Images", "conv2d") in labels


async def test_head_after_add_in_a_half_typed_file(client: LanguageClient) -> None:
    good = (
        "import keras\n"
        "\n"
        "(x_train, y_train), _ = keras.datasets.imdb.load_data(num_words=10000)\n"
        "model = keras.models.Sequential()\n"
        "model.add(keras.layers.Embedding(10000, 16))\n"
        "model.add(keras.layers.GlobalAveragePooling1D())\n"
    )
    uri = open_document(client, "imdb.py", good)
    await published(client, uri, version=1)
    broken = good + "model.add(\n"
    change_document(client, uri, 2, broken)

    items = await complete_at(client, uri, types.Position(line=6, character=10))

    first = items[0]
    assert first.label == "Binary classification head"
    done = accept(broken, first)
    assert done.endswith(
        'model.add(keras.layers.Dense(1, activation="sigmoid"))\n'
        'model.compile(optimizer="adam", loss="binary_crossentropy", '
        'metrics=["accuracy"])\n'
    )
    await asyncio.sleep(0.4)
    assert [p.version for p in client.published if p.uri == uri] == [1]  # type: ignore[attr-defined]


async def test_head_where_a_functional_chain_ends(client: LanguageClient) -> None:
    marked = (
        "import keras\n"
        "from keras import layers\n"
        "\n"
        "inputs = keras.Input(shape=(28, 28, 1))\n"
        'x = layers.Conv2D(32, 3, activation="relu")(inputs)\n'
        "x = layers.GlobalAveragePooling2D()(x)\n"
        "|\n"
    )
    text, items = await complete(client, "chain.py", marked)

    head = labelled(items, "Multilabel classification head")
    assert head.insert_text_format == types.InsertTextFormat.Snippet
    assert isinstance(head.text_edit, types.TextEdit)
    assert "${1:num_classes}" in head.text_edit.new_text
    done = accept(text, head)
    assert done.endswith(
        'outputs = layers.Dense(num_classes, activation="sigmoid")(x)\n'
        "model = keras.Model(inputs, outputs)\n"
        'model.compile(optimizer="adam", loss="binary_crossentropy", '
        'metrics=["binary_accuracy"])\n'
    )


async def test_heads_are_written_in_the_files_own_spelling(
    client: LanguageClient,
) -> None:
    marked = (
        "import tensorflow as tf\n"
        "\n"
        "net = tf.keras.Sequential([\n"
        "    tf.keras.layers.Dense(8, activation='relu'),\n"
        "    |\n"
        "])\n"
        "net.compile(optimizer='adam', loss='mse')\n"
    )
    _, items = await complete(client, "spelled.py", marked)

    regression = labelled(items, "Regression head")
    assert regression.detail == "tf.keras.layers.Dense(1)"
    assert regression.additional_text_edits is None


async def test_network_block_for_the_data_comes_first_in_an_empty_model(
    client: LanguageClient,
) -> None:
    marked = (
        "import keras\n"
        "\n"
        "(x_train, y_train), _ = keras.datasets.cifar10.load_data()\n"
        "model = keras.Sequential([\n"
        "    keras.Input(shape=(32, 32, 3)),\n"
        "    |\n"
        "])\n"
        "model.fit(x_train, y_train)\n"
    )
    text, items = await complete(client, "cifar.py", marked)

    assert items[0].label == network("Images", "conv2d")
    assert items[0].detail == "preferred network for images"
    done = accept(text, items[0])
    assert (
        '    keras.layers.Conv2D(32, 3, activation="relu"),\n'
        "    keras.layers.MaxPooling2D(),\n"
        '    keras.layers.Conv2D(64, 3, activation="relu"),\n'
        "    keras.layers.MaxPooling2D(),\n"
        "    keras.layers.Flatten()\n"
        "])\n"
    ) in done


async def test_text_data_gets_an_embedding_and_a_1d_convnet(
    client: LanguageClient,
) -> None:
    marked = (
        "import keras\n"
        "from keras import layers\n"
        "\n"
        "(x_train, y_train), _ = keras.datasets.imdb.load_data(num_words=10000)\n"
        "model = keras.Sequential()\n"
        "model.add(|)\n"
        "model.fit(x_train, y_train)\n"
    )
    text, items = await complete(client, "reviews.py", marked)

    block = items[0]
    assert block.label == network("Text", "conv1d")
    assert network("Text", "recurrent") in [item.label for item in items]
    done = accept(text, block)
    assert (
        "model.add(layers.Embedding(vocabulary_size, 64))\n"
        'model.add(layers.Conv1D(32, 7, activation="relu"))\n'
        "model.add(layers.MaxPooling1D(5))\n"
    ) in done
    assert "model.add(layers.GlobalMaxPooling1D())\nmodel.fit(" in done


async def test_activation_values_fit_the_head(client: LanguageClient) -> None:
    marked = (
        "import keras\n"
        "\n"
        "model = keras.Sequential([\n"
        "    keras.Input(shape=(20,)),\n"
        '    keras.layers.Dense(64, activation="re"),\n'
        '    keras.layers.Dense(1, activation="|"),\n'
        "])\n"
        'model.compile(optimizer="adam", loss="binary_crossentropy")\n'
    )
    text, items = await complete(client, "activations.py", marked)

    assert items[0].label == "sigmoid"
    assert items[0].detail == "fits a binary classification head, one unit with sigmoid"
    assert {"softmax", "relu", "tanh", "linear"} <= {item.label for item in items}
    assert accept(text, items[0]).count('activation="sigmoid"') == 1

    hidden = await complete_at(
        client, _uri(client, "activations.py"), at(marked, 're"')
    )
    assert hidden[0].label == "relu"
    assert hidden[0].detail == "for hidden layers"


def _uri(client: LanguageClient, name: str) -> str:
    return (client.root / name).as_uri()  # type: ignore[attr-defined]


async def test_loss_values_fit_the_head_and_labels(client: LanguageClient) -> None:
    good = MNIST_LIST.replace(
        "    |\n", '    layers.Dense(10, activation="softmax"),\n'
    )
    good = good.replace("model.fit(", "model.compile(optimizer='adam')\nmodel.fit(")
    uri = open_document(client, "losses.py", good)
    await published(client, uri)
    typing = good.replace("optimizer='adam')", "optimizer='adam', loss=)")
    change_document(client, uri, 2, typing)

    items = await complete_at(client, uri, at(typing, "loss=", after=True))

    assert items[0].label == "sparse_categorical_crossentropy"
    assert items[0].detail and items[0].detail.startswith(
        "fits a single-label multiclass"
    )
    fitting = [item.label for item in items if (item.sort_text or "").startswith("0")]
    assert "binary_crossentropy" not in fitting
    assert "mse" in [item.label for item in items]
    done = accept(typing, items[0])
    assert 'loss="sparse_categorical_crossentropy")' in done


async def test_metrics_fit_a_regression(client: LanguageClient) -> None:
    marked = (
        "import keras\n"
        "\n"
        "model = keras.Sequential([keras.Input(shape=(13,)), keras.layers.Dense(1)])\n"
        'model.compile(optimizer="adam", loss="mse", metrics=["|"])\n'
    )
    text, items = await complete(client, "metrics.py", marked)

    assert items[0].label == "mae"
    assert "accuracy" in [item.label for item in items]
    assert labelled(items, "accuracy").sort_text > items[0].sort_text  # type: ignore[operator]
    assert 'metrics=["mae"])' in accept(text, items[0])


async def test_compile_call_matches_the_head(client: LanguageClient) -> None:
    marked = (
        "import keras\n"
        "\n"
        "model = keras.Sequential([keras.Input(shape=(13,)), keras.layers.Dense(1)])\n"
        "model.compile(|)\n"
    )
    text, items = await complete(client, "compile.py", marked)

    assert items[0].label == 'optimizer="adam", loss="mse", metrics=["mae"]'
    assert items[0].detail == "Regression: matches the head"
    assert 'model.compile(optimizer="adam", loss="mse", metrics=["mae"])' in accept(
        text, items[0]
    )


async def test_compile_call_follows_a_helper_in_another_module(
    client: LanguageClient,
) -> None:
    root = client.root  # type: ignore[attr-defined]
    marker = root / "helpers_was_imported"
    (root / "builders.py").write_text(
        "import pathlib\n"
        "\n"
        "import keras\n"
        "\n"
        f"pathlib.Path({str(marker)!r}).write_text('imported')\n"
        "\n"
        "\n"
        "def build_tagger(num_tags):\n"
        "    model = keras.Sequential([\n"
        "        keras.Input(shape=(64,)),\n"
        '        keras.layers.Dense(num_tags, activation="sigmoid"),\n'
        "    ])\n"
        "    return model\n",
        encoding="utf-8",
    )
    marked = (
        "from builders import build_tagger\n"
        "\n"
        "tagger = build_tagger(12)\n"
        "tagger.compile(|\n"
    )
    _, items = await complete(client, "train_tagger.py", marked, wait=False)

    assert items[0].label == (
        'optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"]'
    )
    assert items[0].detail == "Binary classification: matches the head"
    assert items[1].detail == "Multilabel classification: matches the head"
    assert len(items) == 2
    assert not marker.exists()


@pytest.mark.editor("emacs")
async def test_plain_text_and_utf32_columns_for_eglot(
    configured_client: LanguageClient,
) -> None:
    client = configured_client
    marked = MNIST_LIST.replace("from tensorflow", "# 模型 🙂\nfrom tensorflow", 1)
    marked = marked.replace("    |\n", "    layers.Dense(1, activation='|'),\n")
    text, position = split(marked)
    uri = open_document(client, "eglot.py", text)
    await published(client, uri)
    line = text.splitlines()[position.line]
    utf32 = types.Position(line=position.line, character=line.index("'") + 1)

    items = await complete_at(client, uri, utf32)

    sigmoid = labelled(items, "sigmoid")
    assert sigmoid.insert_text_format is None
    assert isinstance(sigmoid.text_edit, types.TextEdit)
    assert sigmoid.text_edit.range.start == utf32
    heads = await complete_at(
        client, uri, types.Position(line=position.line + 1, character=0)
    )
    head = labelled(heads, "Regression head")
    assert head.insert_text_format == types.InsertTextFormat.PlainText
    assert isinstance(head.text_edit, types.TextEdit)
    assert head.text_edit.new_text == "layers.Dense(1)"
