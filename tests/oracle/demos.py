"""Running the small scripts of the misbehaviour demonstrations, seeded and full-batch."""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf

from kerasense.engine import analyze
from tests.oracle import tally

SEED = 7
FEATURES = 8

# Shared by the scripts: 256 samples of 8 standard-normal features.
DATA = """
import keras
import numpy as np
from keras import layers

rng = np.random.default_rng(0)
x = rng.normal(size=(256, 8)).astype("float32")
"""


def flagged(source: str, code: str) -> bool:
    return code in {
        finding.code for finding in analyze(source, path="demo.py").findings
    }


def run(source: str, code: str) -> dict[str, Any]:
    """Run a demonstration script after checking that Kerasense flags it with ``code``."""
    assert flagged(source, code), f"Kerasense does not report {code} on:\n{source}"
    tally.add(f"misbehaviour: scripts flagged {code} and run")
    keras.utils.set_random_seed(SEED)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(source, f"{code}_demo.py", "exec"), namespace)
    return namespace


def right(source: str, code: str, old: str, new: str) -> dict[str, Any]:
    """The corrected script, which Kerasense no longer flags with ``code``."""
    assert old in source
    fixed = source.replace(old, new)
    assert not flagged(fixed, code), fixed
    keras.utils.set_random_seed(SEED)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(fixed, f"{code}_right.py", "exec"), namespace)
    return namespace


def fit(
    namespace: dict[str, Any], target: str = "y", epochs: int = 1, steps: int = 100
) -> dict[str, list[float]]:
    """Full-batch training: ``epochs`` epochs of ``steps`` steps each (fast: one tf.data
    pipeline, no per-epoch overhead). The history holds one mean per epoch."""
    model = namespace["model"]
    data = tf.data.Dataset.from_tensors((namespace["x"], namespace[target])).repeat()
    history = model.fit(data, epochs=epochs, steps_per_epoch=steps, verbose=0)
    return history.history


def final_loss(namespace: dict[str, Any], target: str = "y") -> float:
    model = namespace["model"]
    logs = model.evaluate(
        namespace["x"], namespace[target], verbose=0, return_dict=True
    )
    return float(logs["loss"])
