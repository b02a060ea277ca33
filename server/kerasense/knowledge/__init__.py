"""The rule knowledge from ``rules/*.toml``, loaded once into typed tables."""

from kerasense.knowledge.catalog import (
    Activation,
    Dataset,
    Knowledge,
    LayerSpec,
    Loader,
    Loss,
    Modality,
    Rule,
    Task,
    knowledge,
)

__all__ = [
    "Activation",
    "Dataset",
    "Knowledge",
    "LayerSpec",
    "Loader",
    "Loss",
    "Modality",
    "Rule",
    "Task",
    "knowledge",
]
