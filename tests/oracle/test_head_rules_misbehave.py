"""What each head rule warns about really happens in Keras.

Every demonstration is a small script that Kerasense flags with the rule's code; running
it with Keras on tiny synthetic data shows the failure the rule's explanation describes,
and, where there is one, the corrected pairing is shown to work on the same data.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")
pytest.importorskip("pandas")

from tests.oracle.demos import (  # noqa: E402
    DATA,
    FEATURES,
    final_loss,
    fit,
    right,
    run,
)
from tests.oracle.harness import fake_data  # noqa: E402

# Keras warns about the very mistakes these scripts make on purpose, and about
# input_shape= in the fixtures; pytest.warns still sees the warnings it asserts.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::SyntaxWarning")

KS101 = (
    DATA
    + """y = (x[:, 0] > 0).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="softmax"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
"""
)


def test_ks101_softmax_on_one_unit_predicts_one_for_every_input() -> None:
    namespace = run(KS101, "KS101")
    with pytest.warns(UserWarning, match="always return the value 1"):
        history = fit(namespace, epochs=5, steps=10)

    predictions = namespace["model"].predict(namespace["x"], verbose=0)
    assert np.ptp(predictions) == 0
    assert predictions[0, 0] == pytest.approx(1.0, abs=1e-6)
    # Every sample is called positive, at every epoch.
    assert history["accuracy"] == [pytest.approx(namespace["y"].mean())] * 5


KS102 = (
    DATA
    + """# Five tags, each present when its feature is positive: most samples carry several.
tags = (x[:, :5] > 0).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(5, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
"""
)


def _tag_recall(namespace: dict[str, Any]) -> float:
    predicted = namespace["model"].predict(namespace["x"], verbose=0) > 0.5
    tags = namespace["tags"].astype(bool)
    return float((predicted & tags).sum() / tags.sum())


def test_ks102_softmax_with_binary_crossentropy_passes_one_tag_at_most() -> None:
    wrong = run(KS102, "KS102")
    fit(wrong, "tags", steps=60)
    fixed = right(KS102, "KS102", 'activation="softmax"', 'activation="sigmoid"')
    fit(fixed, "tags", steps=60)

    # The units compete for a total of 1: at most one tag per sample passes 0.5.
    predicted = wrong["model"].predict(wrong["x"], verbose=0)
    assert np.all((predicted > 0.5).sum(axis=1) <= 1)
    assert wrong["tags"].sum(axis=1).mean() > 2
    assert _tag_recall(wrong) < 0.5
    assert _tag_recall(fixed) > 0.9


KS103 = (
    DATA
    + """y = (x[:, 0] > 0).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
"""
)


def test_ks103_categorical_crossentropy_on_one_unit_is_always_zero() -> None:
    namespace = run(KS103, "KS103")
    history = fit(namespace, epochs=5, steps=10)
    model, x, y = namespace["model"], namespace["x"], namespace["y"]

    assert history["loss"] == [0.0] * 5
    # Zero whatever the labels: the loss cannot tell right from wrong.
    assert model.evaluate(x, 1 - y, verbose=0)[0] == 0.0
    assert model.evaluate(x, np.zeros_like(y), verbose=0)[0] == 0.0


KS104 = (
    DATA
    + """y = (x[:, 0] > 0).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
"""
)


def _outputs_above_one(namespace: dict[str, Any]) -> None:
    """Start where a linear head often drifts: every output outside (0, 1)."""
    model = namespace["model"]
    model.set_weights([np.zeros((FEATURES, 1), "float32"), np.array([2.0], "float32")])


def test_ks104_linear_head_with_crossentropy_gets_no_gradient_outside_0_1() -> None:
    wrong = run(KS104, "KS104")
    _outputs_above_one(wrong)
    history = fit(wrong, epochs=10, steps=2)
    fixed = right(
        KS104,
        "KS104",
        'loss="binary_crossentropy"',
        "loss=keras.losses.BinaryCrossentropy(from_logits=True)",
    )
    _outputs_above_one(fixed)
    start = final_loss(fixed)
    fit(fixed, steps=50)

    # Keras clips the outputs into (eps, 1 - eps). Above 1 the clipped loss is flat: the
    # positives look perfect, each negative costs -log(eps), and no gradient flows.
    assert len(set(history["loss"])) == 1
    assert history["loss"][0] > 5
    assert wrong["model"].get_weights()[1][0] == 2.0
    assert final_loss(fixed) < 0.5 * start


KS105 = (
    DATA
    + """classes = (x @ rng.normal(size=(8, 4))).argmax(axis=1)

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(4, activation="softmax"),
])
model.compile(
    optimizer=keras.optimizers.Adam(0.05),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
"""
)


def test_ks105_from_logits_on_softmax_is_a_mistake_keras_patches_only_inside_fit() -> (
    None
):
    """Keras 3 warns and, inside fit(), quietly takes the logits under the softmax; the
    same loss object given the model's predictions applies softmax a second time."""
    namespace = run(KS105, "KS105")
    with pytest.warns(UserWarning, match="from_logits=True.*does not represent logits"):
        history = fit(namespace, "classes", steps=150)
    model, x, classes = namespace["model"], namespace["x"], namespace["classes"]
    loss = model.loss(classes, model.predict(x, verbose=0))

    # A second softmax over probabilities in [0, 1] can never exceed e / (e + 3), so
    # that loss stays above log(1 + 3 / e) whatever the weights.
    floor = math.log(1 + 3 / math.e)
    assert history["loss"][-1] < floor
    assert final_loss(namespace, "classes") < 0.5 * floor
    assert float(loss) >= floor - 1e-6


KS106 = (
    DATA
    + """# Three measurements around 2 each: they sum to about 6, never to 1.
targets = (2 + 0.3 * np.tanh(x[:, :3])).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse", metrics=["mae"])
"""
)


def test_ks106_softmax_cannot_fit_targets_that_do_not_sum_to_one() -> None:
    wrong = run(KS106, "KS106")
    fit(wrong, "targets", steps=200)
    fixed = right(
        KS106, "KS106", 'layers.Dense(3, activation="softmax")', "layers.Dense(3)"
    )
    fit(fixed, "targets", steps=200)

    predictions = wrong["model"].predict(wrong["x"], verbose=0)
    assert np.allclose(predictions.sum(axis=1), 1.0, atol=1e-5)
    # The targets sum to at least 5.1, so each sample is at least (5.1 - 1)^2 / 3 away
    # in squared distance, and the mean over 3 outputs is a third of that.
    assert final_loss(wrong, "targets") > (5.1 - 1) ** 2 / 9
    assert final_loss(fixed, "targets") < 0.05


KS107 = (
    DATA
    + """# Wine quality scores between 4.5 and 7.5.
quality = (6 + 1.5 * np.tanh(x @ rng.normal(size=8) / 3)).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mae")
"""
)


def test_ks107_sigmoid_head_caps_a_regression_below_one() -> None:
    wrong = run(KS107, "KS107")
    fit(wrong, "quality", steps=150)
    fixed = right(
        KS107, "KS107", 'layers.Dense(1, activation="sigmoid")', "layers.Dense(1)"
    )
    fit(fixed, "quality", steps=150)

    # The scores are at least 4.5 and the predictions at most 1.
    assert wrong["model"].predict(wrong["x"], verbose=0).max() <= 1.0
    assert final_loss(wrong, "quality") > 3.5
    assert final_loss(fixed, "quality") < 0.5


KS108 = (
    DATA
    + """NUM_CLASSES = 5
y = rng.integers(0, NUM_CLASSES, size=256)

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
"""
)


def test_ks108_labels_beyond_the_units_break_training() -> None:
    namespace = run(KS108, "KS108")

    try:
        history = fit(namespace, steps=1)
    except tf.errors.InvalidArgumentError as error:
        assert "outside the valid range" in str(error)
    else:
        assert not math.isfinite(history["loss"][-1])


KS109_ONE_HOT = (
    DATA
    + """labels = rng.integers(0, 4, size=256)
y = keras.utils.to_categorical(labels, 4)

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(4, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=1, verbose=0)
"""
)

KS109_INTEGERS = """
import keras
from keras import layers

(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 28, 28, 1) / 255.0

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(8, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x_train, y_train, epochs=1, verbose=0)
"""


def test_ks109_one_hot_labels_with_a_sparse_loss_fail() -> None:
    with pytest.raises(ValueError, match="target"):
        run(KS109_ONE_HOT, "KS109")


def test_ks109_integer_labels_with_a_categorical_loss_fail() -> None:
    """MNIST's integer labels (a tiny random stand-in: no download) against one-hot."""
    with fake_data(KS109_INTEGERS), pytest.raises(ValueError, match="target"):
        run(KS109_INTEGERS, "KS109")


KS110 = (
    DATA
    + """price = (x @ rng.normal(size=8) + 3).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse", metrics=["accuracy", "mae"])
"""
)


def test_ks110_accuracy_stays_at_zero_while_the_regression_improves() -> None:
    namespace = run(KS110, "KS110")
    history = fit(namespace, "price", epochs=10, steps=10)

    assert history["mae"][-1] < 0.5 * history["mae"][0]
    assert set(history["accuracy"]) == {0.0}


KS206 = (
    DATA
    + """images = rng.random((32, 12, 12, 1)).astype("float32")
digits = rng.integers(0, 10, size=32)

model = keras.Sequential([
    keras.Input(shape=(12, 12, 1)),
    layers.Conv2D(4, 3, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
"""
)


def test_ks206_dense_on_feature_maps_predicts_per_position() -> None:
    namespace = run(KS206, "KS206")
    model, images = namespace["model"], namespace["images"]

    assert model.predict(images, verbose=0).shape == (32, 10, 10, 10)
    with pytest.raises(ValueError, match="rank"):
        model.fit(images, namespace["digits"], epochs=1, verbose=0)


KS207 = (
    DATA
    + """windows = rng.random((32, 10, 3)).astype("float32")
next_value = windows[:, -1, 0]

model = keras.Sequential([
    keras.Input(shape=(10, 3)),
    layers.LSTM(4, return_sequences=True),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
"""
)


def test_ks207_return_sequences_predicts_once_per_step_without_complaint() -> None:
    namespace = run(KS207, "KS207")
    model, windows = namespace["model"], namespace["windows"]

    history = model.fit(windows, namespace["next_value"], epochs=2, verbose=0)
    assert all(math.isfinite(loss) for loss in history.history["loss"])
    assert model.predict(windows, verbose=0).shape == (32, 10, 1)
