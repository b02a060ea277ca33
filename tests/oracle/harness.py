"""Run a fixture script without its data: loaders return tiny random data, fit() only
records, and every model the script compiles can then take one training step.

The scripts load Keras datasets (downloads), image and text folders, ``.npy`` files and
CSVs; none of that exists here. Inside :func:`sandbox` those loaders return small random
arrays of the shapes and dtypes the real ones return, so the script runs to its end.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

SAMPLES = 16
BATCH = 4
UNKNOWN_SIZE = 8
"""The size given to an axis a model leaves open, such as the steps of a sequence."""
FOLDER_CLASSES = ["daisy", "dandelion", "roses", "sunflowers", "tulips"]
WORDS = np.array(["good", "bad", "film", "plot", "actor", "long", "fun"])


def _rng() -> np.random.Generator:
    return np.random.default_rng(0)


def _images(shape: tuple[int, ...], classes: int, label_shape: tuple[int, ...]) -> Any:
    def load_data(**kwargs: object) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
        rng = _rng()
        split = [
            (
                rng.integers(0, 256, (SAMPLES, *shape), dtype=np.uint8),
                rng.integers(0, classes, (SAMPLES, *label_shape), dtype=np.uint8),
            )
            for _ in range(2)
        ]
        return split[0], split[1]

    return load_data


def _word_ids(classes: int) -> Any:
    def load_data(num_words: int | None = None, **kwargs: object) -> Any:
        rng = _rng()
        vocabulary = num_words or 1000
        split = []
        for _ in range(2):
            reviews = np.empty(SAMPLES, dtype=object)
            for index in range(SAMPLES):
                reviews[index] = list(rng.integers(1, vocabulary, rng.integers(5, 40)))
            split.append((reviews, rng.integers(0, classes, SAMPLES)))
        return split[0], split[1]

    return load_data


def _table(features: int) -> Any:
    def load_data(**kwargs: object) -> Any:
        rng = _rng()
        split = [
            (rng.random((SAMPLES, features)), rng.random(SAMPLES) * 50)
            for _ in range(2)
        ]
        return split[0], split[1]

    return load_data


DATASETS = {
    "mnist": _images((28, 28), 10, ()),
    "fashion_mnist": _images((28, 28), 10, ()),
    "cifar10": _images((32, 32, 3), 10, (1,)),
    "cifar100": _images((32, 32, 3), 100, (1,)),
    "imdb": _word_ids(2),
    "reuters": _word_ids(46),
    "boston_housing": _table(13),
    "california_housing": _table(8),
}


def image_folder(
    directory: str,
    image_size: tuple[int, int] = (256, 256),
    color_mode: str = "rgb",
    batch_size: int = 32,
    **kwargs: object,
) -> tf.data.Dataset:
    channels = {"grayscale": 1, "rgb": 3, "rgba": 4}[color_mode]
    rng = _rng()
    images = rng.random((SAMPLES, *image_size, channels), dtype=np.float32) * 255
    labels = rng.integers(0, len(FOLDER_CLASSES), SAMPLES).astype("int32")
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).batch(batch_size)
    dataset.class_names = list(
        FOLDER_CLASSES[:2] if "xray" in directory else FOLDER_CLASSES
    )
    return dataset


def text_folder(
    directory: str, batch_size: int = 32, **kwargs: object
) -> tf.data.Dataset:
    rng = _rng()
    texts = [" ".join(rng.choice(WORDS, 6)) for _ in range(SAMPLES)]
    labels = rng.integers(0, 2, SAMPLES).astype("int32")
    dataset = tf.data.Dataset.from_tensor_slices((texts, labels)).batch(batch_size)
    dataset.class_names = ["neg", "pos"]
    return dataset


def npy_file(path: object, *args: object, **kwargs: object) -> np.ndarray:
    """Any ``.npy`` file: 256 rows of 16 values, long enough to cut into windows."""
    return _rng().random((256, 16), dtype=np.float32)


def csv_file(source: str) -> Any:
    """A CSV reader whose frame has a column for every name the script mentions."""
    names = {
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.isidentifier()
    }
    columns = sorted(names | {f"feature_{index}" for index in range(8)})

    def read_csv(path: object, *args: object, **kwargs: object) -> pd.DataFrame:
        values = _rng().integers(0, 3, (SAMPLES * 4, len(columns)))
        return pd.DataFrame(values, columns=columns)

    return read_csv


@dataclass
class Run:
    """What a script did with its models while it ran in the sandbox."""

    compiled: dict[int, tuple[keras.Model, dict[str, Any]]] = field(
        default_factory=dict
    )
    fits: dict[int, tuple[tuple[Any, ...], dict[str, Any]]] = field(
        default_factory=dict
    )


@contextmanager
def fake_data(source: str) -> Iterator[pytest.MonkeyPatch]:
    """Keras datasets, image and text folders, ``np.load`` and ``pd.read_csv`` return
    small random data while the block runs."""
    with pytest.MonkeyPatch.context() as patch:
        for name, load_data in DATASETS.items():
            patch.setattr(getattr(keras.datasets, name), "load_data", load_data)
        for module in (keras.utils, keras.preprocessing):
            patch.setattr(module, "image_dataset_from_directory", image_folder)
            patch.setattr(module, "text_dataset_from_directory", text_folder)
        patch.setattr(np, "load", npy_file)
        patch.setattr(pd, "read_csv", csv_file(source))
        yield patch


@contextmanager
def sandbox(source: str) -> Iterator[Run]:
    """Fake data, and models that record compile() and fit() instead of training."""
    run = Run()
    original_compile = keras.Model.compile

    def compile_and_record(model: keras.Model, *args: Any, **kwargs: Any) -> None:
        original_compile(model, *args, **kwargs)
        named = dict(zip(("optimizer", "loss"), args, strict=False)) | kwargs
        run.compiled[id(model)] = (model, named)

    def fit(model: keras.Model, *args: Any, **kwargs: Any) -> None:
        run.fits[id(model)] = (args, kwargs)

    def evaluate(model: keras.Model, *args: Any, **kwargs: Any) -> list[float]:
        metrics = run.compiled.get(id(model), (model, {}))[1].get("metrics") or []
        return [0.0] * (1 + len(metrics))

    with fake_data(source) as patch:
        patch.setattr(keras.Model, "compile", compile_and_record)
        patch.setattr(keras.Model, "fit", fit)
        patch.setattr(keras.Model, "evaluate", evaluate)
        yield run


def execute(source: str, path: str) -> Run:
    """Run ``source`` as a script inside the sandbox."""
    with sandbox(source) as run:
        exec(compile(source, path, "exec"), {"__name__": "__main__", "__file__": path})
    return run


# Targets by loss, keyed by the loss's name lowercased without underscores.
TARGETS = {
    "binarycrossentropy": "binary",
    "categoricalcrossentropy": "one_hot",
    "sparsecategoricalcrossentropy": "integer",
    "meansquarederror": "continuous",
    "mse": "continuous",
    "meanabsoluteerror": "continuous",
    "mae": "continuous",
}


def target_kind(loss: object) -> str:
    if isinstance(loss, str):
        name = loss
    elif isinstance(loss, keras.losses.Loss):
        name = type(loss).__name__
    else:
        name = getattr(loss, "__name__", repr(loss))
    key = name.lower().replace("_", "")
    assert key in TARGETS, f"no synthetic target for the loss {name!r}"
    return TARGETS[key]


def synthetic_target(
    kind: str, shape: tuple[int, ...], rng: np.random.Generator
) -> Any:
    if kind == "binary":
        return rng.integers(0, 2, shape).astype("float32")
    if kind == "integer":
        return rng.integers(0, shape[-1], shape[:-1])
    if kind == "one_hot":
        return np.eye(shape[-1], dtype="float32")[
            rng.integers(0, shape[-1], shape[:-1])
        ]
    return rng.random(shape, dtype=np.float32)


def _vocabulary(model: keras.Model) -> int:
    """The smallest vocabulary among the model's Embedding layers, nested ones included."""
    sizes, pending = [], list(model.layers)
    while pending:
        layer = pending.pop()
        if isinstance(layer, keras.layers.Embedding):
            sizes.append(layer.input_dim)
        pending.extend(getattr(layer, "layers", []))
    return min(sizes, default=10)


def synthetic_inputs(
    model: keras.Model, fit: tuple[tuple[Any, ...], dict[str, Any]] | None
) -> Any:
    """A batch for ``model``: from its declared inputs, or else from what fit() got."""
    rng = _rng()
    try:
        inputs = list(model.inputs)
    except (AttributeError, ValueError):
        inputs = []
    if not inputs:
        assert fit is not None, "the model declares no input and is never fitted"
        data = fit[0][0] if fit[0] else fit[1]["x"]
        if isinstance(data, tf.data.Dataset):
            return next(iter(data.unbatch().batch(BATCH)))[0]
        return np.asarray(data, dtype="float32")[:BATCH]
    batch = []
    for tensor in inputs:
        shape = (BATCH, *(size or UNKNOWN_SIZE for size in tensor.shape[1:]))
        if tensor.dtype == "string":
            batch.append(rng.choice(WORDS, shape))
        elif "int" in str(tensor.dtype):
            batch.append(rng.integers(0, _vocabulary(model), shape))
        else:
            batch.append(rng.random(shape, dtype=np.float32))
    return batch[0] if len(batch) == 1 else batch


def synthetic_targets(model: keras.Model, losses: object, x: Any) -> Any:
    """Targets matching the model's outputs and, for each output, its loss."""
    rng = _rng()
    predicted = model(x, training=False)

    def loss_of(index: int, name: str) -> object:
        if isinstance(losses, dict):
            return losses[name]
        if isinstance(losses, list | tuple):
            return losses[index]
        return losses

    if isinstance(predicted, dict):
        return {
            name: synthetic_target(
                target_kind(loss_of(index, name)), tuple(value.shape), rng
            )
            for index, (name, value) in enumerate(predicted.items())
        }
    if isinstance(predicted, list | tuple):
        names = list(model.output_names)
        return [
            synthetic_target(
                target_kind(loss_of(index, names[index])), tuple(p.shape), rng
            )
            for index, p in enumerate(predicted)
        ]
    return synthetic_target(target_kind(loss_of(0, "")), tuple(predicted.shape), rng)


@dataclass
class Step:
    loss: float
    output_shapes: list[tuple[int, ...]]


def _shapes(predicted: Any) -> list[tuple[int, ...]]:
    if isinstance(predicted, dict):
        predicted = list(predicted.values())
    if not isinstance(predicted, list | tuple):
        predicted = [predicted]
    return [tuple(p.shape) for p in predicted]


def train_one_step(model: keras.Model, compiled: dict[str, Any], run: Run) -> Step:
    """One training step on a synthetic batch: the loss and the shapes predicted.

    The step runs eagerly: tracing a graph for each of sixty models would take most of
    the time, and shapes, dtypes and losses are checked the same way either way.
    """
    x = synthetic_inputs(model, run.fits.get(id(model)))
    y = synthetic_targets(model, compiled["loss"], x)
    model.run_eagerly = True
    logs = model.train_on_batch(x, y, return_dict=True)
    return Step(float(logs["loss"]), _shapes(model(x, training=False)))
