"""Large, realistic inputs for the benchmarks, generated from a seed so runs compare.

- a module of about 5,000 lines holding a few hundred models in every style;
- a notebook of 200 cells (models defined in one cell, compiled in a later one);
- a folder of 1,000 model files.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

IMPORTS = """\
import numpy as np
import tensorflow as tf
import keras
from keras import layers
from tensorflow.keras import layers as L
from tensorflow.keras.layers import Conv2D, Dense, Flatten, MaxPooling2D
"""

HEADS = [
    ('1, activation="sigmoid"', '"binary_crossentropy"', '["accuracy"]'),
    ('1, activation="softmax"', '"binary_crossentropy"', '["accuracy"]'),
    ('10, activation="softmax"', '"sparse_categorical_crossentropy"', '["accuracy"]'),
    (
        "10",
        "keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
        '["accuracy"]',
    ),
    ("10", '"categorical_crossentropy"', '["accuracy"]'),
    ('5, activation="sigmoid"', '"binary_crossentropy"', '["binary_accuracy"]'),
    ("1", '"mse"', '["mae"]'),
    ("1", '"mse"', '["accuracy"]'),
]


def sequential_list(index: int, rng: random.Random) -> str:
    units, loss, metrics = rng.choice(HEADS)
    width = rng.choice([32, 64, 128])
    return f"""
model_{index} = keras.Sequential([
    keras.Input(shape=({rng.choice([8, 20, 64])},)),
    layers.Dense({width}, activation="relu"),
    layers.Dropout(0.2),
    layers.Dense({width // 2}, activation="relu"),
    layers.Dense({units}),
])
model_{index}.compile(optimizer="adam", loss={loss}, metrics={metrics})
"""


def sequential_add(index: int, rng: random.Random) -> str:
    units, loss, metrics = rng.choice(HEADS)
    return f"""
net_{index} = tf.keras.Sequential()
net_{index}.add(Conv2D(32, 3, activation="relu", input_shape=(32, 32, 3)))
net_{index}.add(MaxPooling2D())
net_{index}.add(Conv2D(64, 3, activation="relu"))
net_{index}.add({rng.choice(["Flatten()", "L.GlobalAveragePooling2D()"])})
net_{index}.add(Dense({units}))
net_{index}.compile(optimizer="rmsprop", loss={loss}, metrics={metrics})
"""


def functional(index: int, rng: random.Random) -> str:
    units, loss, metrics = rng.choice(HEADS)
    return f"""
inputs_{index} = keras.Input(shape=(None,), dtype="int64")
x = layers.Embedding(20000, 64)(inputs_{index})
x = layers.Conv1D(64, 5, activation="relu")(x)
x = layers.GlobalMaxPooling1D()(x)
x = layers.Dense(32, activation="relu")(x)
outputs_{index} = layers.Dense({units})(x)
text_model_{index} = keras.Model(inputs_{index}, outputs_{index})
text_model_{index}.compile(optimizer="adam", loss={loss}, metrics={metrics})
"""


def subclassed(index: int, rng: random.Random) -> str:
    units, loss, metrics = rng.choice(HEADS)
    return f"""

class Net{index}(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(64, activation="relu")
        self.head = layers.Dense({units})

    def call(self, inputs):
        return self.head(self.hidden(inputs))


def train_{index}(model, x, y):
    model.compile(optimizer="adam", loss={loss}, metrics={metrics})
    model.fit(x, y, epochs=1)


train_{index}(Net{index}(), np.zeros((8, 4)), np.zeros((8,)))
"""


STYLES = [sequential_list, sequential_add, functional, subclassed]


def module(lines: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    parts = [IMPORTS]
    count = 0
    index = 0
    while count < lines:
        block = STYLES[index % len(STYLES)](index, rng)
        parts.append(block)
        count += block.count("\n")
        index += 1
    return "".join(parts)


def notebook(cells: int, seed: int = 11) -> dict[str, object]:
    rng = random.Random(seed)
    sources = [IMPORTS]
    for index in range(cells - 1):
        if index % 4 == 3:
            sources.append(f"## Model {index}\nNotes about the run.")
            continue
        block = STYLES[index % len(STYLES)](index, rng)
        sources.append(("%%time\n" if index % 5 == 0 else "") + block.strip("\n"))
    cell_list = []
    for number, source in enumerate(sources):
        kind = "markdown" if source.startswith("## ") else "code"
        cell: dict[str, object] = {
            "id": f"cell-{number}",
            "cell_type": kind,
            "metadata": {},
            "source": source,
        }
        if kind == "code":
            cell.update(outputs=[], execution_count=None)
        cell_list.append(cell)
    return {"cells": cell_list, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def write_inputs(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    big = folder / "big_module.py"
    big.write_text(module(5000), encoding="utf-8")
    medium = folder / "medium_module.py"
    medium.write_text(module(2000, seed=3), encoding="utf-8")
    nb = folder / "notebook.ipynb"
    nb.write_text(json.dumps(notebook(200)), encoding="utf-8")
    many = folder / "many"
    many.mkdir(exist_ok=True)
    rng = random.Random(5)
    for index in range(1000):
        text = IMPORTS + STYLES[index % len(STYLES)](index, rng)
        (many / f"model_{index:04d}.py").write_text(text, encoding="utf-8")
    return {"big": big, "medium": medium, "notebook": nb, "folder": many}


if __name__ == "__main__":
    for name, path in write_inputs(Path(__file__).parent / "out" / "inputs").items():
        print(f"{name}: {path}")
