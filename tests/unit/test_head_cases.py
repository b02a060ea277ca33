"""Head rules on cases met in real code: class-count constants with two models, fixes
spelled with the file's own imports, layer aliases, metrics given per output."""

from __future__ import annotations

import ast

from kerasense.engine import analyze
from kerasense.findings import Finding
from kerasense.source.text import apply_edits
from tests.conftest import the_finding


def _codes(text: str) -> list[str]:
    return [finding.code for finding in analyze(text).findings]


def _preferred(finding: Finding) -> str:
    (fix,) = [fix for fix in finding.fixes if fix.preferred]
    return fix.title


TWO_CLASSIFIERS = """
import keras
from keras import layers

NUM_CLASSES = 12
birds = keras.Sequential([keras.Input((50,)), layers.Dense(NUM_CLASSES, activation="softmax")])
birds.compile(optimizer="adam", loss="categorical_crossentropy")
colours = keras.Sequential([keras.Input((50,)), layers.Dense(3, activation="softmax")])
colours.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
"""


def test_a_class_constant_is_not_applied_when_two_classifiers_could_own_it() -> None:
    assert "KS108" not in _codes(TWO_CLASSIFIERS)


def test_a_class_constant_still_counts_for_the_only_classifier() -> None:
    text = TWO_CLASSIFIERS.split("colours =")[0].replace(
        "layers.Dense(NUM_CLASSES,", "layers.Dense(10,"
    )
    assert "NUM_CLASSES" in the_finding(text, "KS108").message


FROM_IMPORTED_LOSS = """
from keras.layers import Dense, Input
from keras.losses import BinaryCrossentropy
from keras.models import Sequential

model = Sequential([Input((20,)), Dense(64, activation="relu"), Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss=BinaryCrossentropy())
"""


def test_a_loss_class_fix_imports_the_class_it_writes() -> None:
    finding = the_finding(FROM_IMPORTED_LOSS, "KS102")
    fix = next(f for f in finding.fixes if "sparse" in f.title)
    fixed = apply_edits(FROM_IMPORTED_LOSS, fix.edits)
    ast.parse(fixed)
    assert "from keras.losses import BinaryCrossentropy, " in fixed
    assert "loss=SparseCategoricalCrossentropy()" in fixed
    assert "KS102" not in _codes(fixed)


def test_two_softmax_units_with_one_hot_labels_are_the_categorical_loss() -> None:
    text = """
import tensorflow as tf

(x, y), _ = tf.keras.datasets.imdb.load_data(num_words=5000)
x = tf.keras.utils.pad_sequences(x, maxlen=100)
y = tf.keras.utils.to_categorical(y, 2)
model = tf.keras.Sequential([
    tf.keras.layers.Embedding(5000, 32),
    tf.keras.layers.GlobalAveragePooling1D(),
    tf.keras.layers.Dense(2, activation="softmax"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=2)
"""
    assert "KS102" not in _codes(text)
    integers = text.replace("y = tf.keras.utils.to_categorical(y, 2)\n", "")
    assert "KS102" in _codes(integers)


def test_layer_aliases_read_as_the_layers_they_name() -> None:
    text = """
from keras.models import Sequential
from keras.layers import Conv2D, Dense, MaxPool2D

model = Sequential()
model.add(Conv2D(32, 3, input_shape=(48, 48, 1)))
model.add(MaxPool2D())
model.add(Dense(7, activation="softmax"))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
"""
    analysis = analyze(text)
    assert [layer.name for layer in analysis.models[0].layers] == [
        "Conv2D",
        "MaxPooling2D",
        "Dense",
    ]
    assert analysis.models[0].layers[1].output_shape == (None, 23, 23, 32)
    assert "KS206" in _codes(text)


def test_accuracy_given_to_a_regression_output_by_name() -> None:
    text = """
import keras
from keras import layers

inputs = keras.Input(shape=(32,))
x = layers.Dense(64, activation="relu")(inputs)
kind = layers.Dense(3, activation="softmax", name="kind")(x)
price = layers.Dense(1, name="price")(x)
model = keras.Model(inputs, {"kind": kind, "price": price})
model.compile(
    optimizer="adam",
    loss={"kind": "sparse_categorical_crossentropy", "price": "mse"},
    metrics={"kind": ["accuracy"], "price": ["accuracy"]},
)
"""
    finding = the_finding(text, "KS110")
    line = text.splitlines()[finding.range.start.line]
    assert line.strip().startswith("metrics=")
    assert finding.range.start.column > line.index('"price"')


def test_accuracy_on_a_relu_regression_head() -> None:
    text = """
import keras
from keras import layers

model = keras.Sequential([keras.Input((8,)), layers.Dense(1, activation="relu")])
model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
"""
    assert {"KS107", "KS110"} <= set(_codes(text))


def test_accuracy_with_a_sigmoid_and_mse_binary_classifier_is_left_alone() -> None:
    text = """
import keras
from keras import layers

model = keras.Sequential([keras.Input((8,)), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
"""
    assert "KS110" not in _codes(text)


def test_mse_on_softmax_with_class_labels_prefers_a_classification_loss() -> None:
    text = """
import keras

(x_train, y_train), _ = keras.datasets.mnist.load_data()
model = keras.Sequential([
    keras.Input((28, 28)),
    keras.layers.Flatten(),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train)
"""
    finding = the_finding(text, "KS106")
    assert _preferred(finding) == "Use a crossentropy loss (classification)"
    without_labels = text.replace("model.fit(x_train, y_train)\n", "")
    finding = the_finding(without_labels, "KS106")
    assert _preferred(finding) == "Remove the activation (regression)"


def test_numpy_arrays_with_written_shapes_give_the_data_shape() -> None:
    text = """
import numpy as np
import keras

x = np.random.rand(256, 12)
y = np.zeros((256,))
model = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=3)
"""
    model = analyze(text).models[0]
    assert model.data_shape == (None, 12)
    assert model.targets_per_sample


def test_flatten_goes_before_the_whole_dense_stack_on_feature_maps() -> None:
    text = """
from tensorflow.keras import Sequential
from tensorflow.keras.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D

model = Sequential()
model.add(Conv2D(32, 3, activation="relu", input_shape=(32, 32, 3)))
model.add(MaxPooling2D())
model.add(Dense(128, activation="relu"))
model.add(Dropout(0.5))
model.add(Dense(5, activation="softmax"))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
"""
    finding = the_finding(text, "KS206")
    assert _preferred(finding) == "Insert Flatten before the first Dense layer"
    fixed = apply_edits(text, finding.fixes[0].edits)
    assert (
        "model.add(MaxPooling2D())\nmodel.add(Flatten())\nmodel.add(Dense(128" in fixed
    )
    model = analyze(fixed).models[0]
    assert [layer.output_shape for layer in model.layers][-3:] == [
        (None, 128),
        (None, 128),
        (None, 5),
    ]


def test_a_compile_call_goes_into_the_function_that_builds_the_model() -> None:
    text = """
import keras
from keras import layers


def train(x, y):
    with strategy.scope():
        model = keras.Sequential([keras.Input((20,)), layers.Dense(1, activation="sigmoid")])
    model.fit(x, y)
"""
    finding = the_finding(text, "KS111")
    fixed = apply_edits(text, finding.fixes[0].edits)
    ast.parse(fixed)
    assert "\n        model.compile(optimizer=" in fixed
    assert "KS111" not in _codes(fixed)


def test_flatten_joins_two_add_calls_on_one_line() -> None:
    text = """
import keras
from keras import layers

model = keras.Sequential()
model.add(keras.Input((28, 28, 1)))
model.add(layers.Conv2D(32, 3)); model.add(layers.Dense(10, activation="softmax"))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
"""
    fixed = apply_edits(text, the_finding(text, "KS206").fixes[0].edits)
    assert (
        "model.add(layers.Conv2D(32, 3)); model.add(layers.Flatten()); "
        "model.add(layers.Dense(" in fixed
    )
    assert _codes(fixed) == []


def test_removing_the_batch_axis_keeps_a_tuple() -> None:
    template = """
import keras
from keras import layers

s = (28, 28, 1)
model = keras.Sequential([
    layers.LAYER(8, 3, input_shape=SHAPE),
    layers.Flatten(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
"""
    cases = [("Conv2D", "(None, *s)", "(*s,)"), ("Conv1D", "(None, 28, 3)", "(28, 3)")]
    for layer, shape, expected in cases:
        text = template.replace("SHAPE", shape).replace("LAYER", layer)
        finding = next(f for f in analyze(text).findings if f.code == "KS205")
        fixed = apply_edits(text, finding.fixes[0].edits)
        ast.parse(fixed)
        assert f"input_shape={expected}" in fixed


def test_removing_a_keyword_keeps_comments_and_the_call_valid() -> None:
    text = """
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((64,)),
    layers.Dense(10,  # ten classes
                 activation="softmax"),
])
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(
    from_logits=True,  # the head outputs logits
))
"""
    finding = the_finding(text, "KS105")
    for fix in finding.fixes:
        fixed = apply_edits(text, fix.edits)
        ast.parse(fixed)
        assert "# ten classes" in fixed and "# the head outputs logits" in fixed
        assert "KS105" not in _codes(fixed)
