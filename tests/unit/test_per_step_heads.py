"""A head per step is wrong for one target per sample and right for taggers and language
models: KS206 and KS207 are sure only when the targets say which."""

from __future__ import annotations

from kerasense.findings import Severity
from tests.conftest import the_finding

CHAR_LANGUAGE_MODEL = """
import tensorflow as tf

vocab_size = 65
model = tf.keras.Sequential([
    tf.keras.layers.Embedding(vocab_size, 256),
    tf.keras.layers.GRU(1024, return_sequences=True),
    tf.keras.layers.Dense(vocab_size),
])
loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
model.compile(optimizer="adam", loss=loss)
model.fit(dataset, epochs=20)
"""

TAGGER = """
from keras import Input, Model, layers

NUM_TAGS = 9
tokens = Input(shape=(None,), dtype="int32")
x = layers.Embedding(30000, 128, mask_zero=True)(tokens)
x = layers.Conv1D(128, 3, padding="same", activation="relu")(x)
tags = layers.Dense(NUM_TAGS, activation="softmax")(x)
tagger = Model(tokens, tags)
tagger.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
tagger.fit(token_ids, tag_ids, epochs=5)
"""

IMDB_PER_STEP = """
import keras
from keras import layers

(x_train, y_train), _ = keras.datasets.imdb.load_data(num_words=20000)
x_train = keras.utils.pad_sequences(x_train, maxlen=200)

model = keras.Sequential()
model.add(layers.Embedding(20000, 64))
model.add(layers.Bidirectional(layers.LSTM(32, return_sequences=True)))
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=2)
"""

WINDOWS_TO_ONE_VALUE = """
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

windows = np.zeros((512, 48, 6), dtype="float32")
next_load = np.zeros((512,), dtype="float32")
inputs = tf.keras.Input(shape=(48, 6))
x = layers.Conv1D(32, 5, activation="relu")(inputs)
outputs = layers.Dense(1)(x)
model = tf.keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="mse")
model.fit(windows, next_load, epochs=10)
"""


def test_a_language_model_per_step_is_information_with_no_preferred_fix() -> None:
    finding = the_finding(CHAR_LANGUAGE_MODEL, "KS207")
    assert finding.severity == Severity.INFORMATION
    assert finding.fixes and not any(fix.preferred for fix in finding.fixes)
    assert "one value per step" in finding.message


def test_a_tagger_per_token_is_information() -> None:
    finding = the_finding(TAGGER, "KS206")
    assert finding.severity == Severity.INFORMATION
    assert not any(fix.preferred for fix in finding.fixes)


def test_per_sample_labels_of_a_dataset_make_it_a_warning() -> None:
    finding = the_finding(IMDB_PER_STEP, "KS207")
    assert finding.severity == Severity.WARNING
    assert any(fix.preferred for fix in finding.fixes)
    assert "one value per step" not in finding.message


def test_targets_of_one_axis_make_it_a_warning() -> None:
    finding = the_finding(WINDOWS_TO_ONE_VALUE, "KS206")
    assert finding.severity == Severity.WARNING


def test_a_dense_head_on_image_feature_maps_stays_a_warning() -> None:
    text = (
        "import keras\nfrom keras import layers\n"
        "model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 3),\n"
        "    layers.Dense(10, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
    )
    assert the_finding(text, "KS206").severity == Severity.WARNING
