"""Typed views of the TOML files in ``rules/``; :func:`knowledge` loads them once."""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from kerasense.findings import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    title: str
    family: str
    severity: Severity
    explanation: str
    wrong: str = ""
    right: str = ""


@dataclass(frozen=True)
class Task:
    key: str
    title: str
    summary: str
    units: str
    activation: str
    targets: str
    losses: dict[str, str]
    metrics: tuple[str, ...]
    alternative_losses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Loss:
    key: str
    title: str
    kind: str
    targets: str
    expects: str
    tasks: tuple[str, ...]
    spellings: tuple[str, ...]
    functions: tuple[str, ...]
    classes: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Activation:
    key: str
    kind: str
    spellings: tuple[str, ...]
    functions: tuple[str, ...]
    layers: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class LayerSpec:
    name: str
    family: str
    args: tuple[str, ...]
    output_rank: str | int
    rank: int | None = None
    min_rank: int | None = None

    def accepts(self, rank: int) -> bool:
        if self.rank is not None:
            return rank == self.rank
        if self.min_rank is not None:
            return rank >= self.min_rank
        return True


@dataclass(frozen=True)
class Modality:
    key: str
    title: str
    networks: tuple[str, ...]
    explanation: str
    input_ranks: tuple[int, ...]
    preprocessing: tuple[str, ...]
    loaders: tuple[str, ...]


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str
    modality: str
    task: str
    classes: int
    labels: str
    x_shape: tuple[int, ...]


@dataclass(frozen=True)
class Loader:
    key: str
    title: str
    modality: str
    label_mode: str


@dataclass(frozen=True)
class Knowledge:
    rules: dict[str, Rule]
    tasks: dict[str, Task]
    losses: dict[str, Loss]
    activations: dict[str, Activation]
    families: dict[str, tuple[str, str]]
    layers: dict[str, LayerSpec]
    modalities: dict[str, Modality]
    datasets: dict[str, Dataset]
    loaders: dict[str, Loader]
    metrics: dict[str, tuple[str, ...]]
    _loss_by_spelling: dict[str, Loss] = field(default_factory=dict, repr=False)
    _loss_by_name: dict[str, Loss] = field(default_factory=dict, repr=False)
    _activation_by_spelling: dict[str, Activation] = field(
        default_factory=dict, repr=False
    )
    _activation_by_function: dict[str, Activation] = field(
        default_factory=dict, repr=False
    )
    _activation_by_layer: dict[str, Activation] = field(
        default_factory=dict, repr=False
    )

    def loss_from_string(self, text: str) -> Loss | None:
        return self._loss_by_spelling.get(text)

    def loss_from_name(self, name: str) -> Loss | None:
        """A loss from a ``keras.losses`` function or class name."""
        return self._loss_by_name.get(name)

    def activation_from_string(self, text: str) -> Activation | None:
        return self._activation_by_spelling.get(text)

    def activation_from_function(self, qualified: str) -> Activation | None:
        return self._activation_by_function.get(qualified)

    def activation_from_layer(self, layer: str) -> Activation | None:
        return self._activation_by_layer.get(layer)

    def metric_kind(self, name: str) -> str | None:
        for kind, names in self.metrics.items():
            if name in names:
                return kind
        return None

    def rule(self, code: str) -> Rule:
        return self.rules[code]


def _read(name: str) -> dict[str, Any]:
    data = resources.files("kerasense.rules").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(data)


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value or ())


@functools.cache
def knowledge() -> Knowledge:
    """Load every table from ``rules/`` (once per process)."""
    rules = {
        entry["code"]: Rule(
            code=entry["code"],
            name=entry["name"],
            title=entry["title"],
            family=entry["family"],
            severity=Severity.parse(entry["severity"]),
            explanation=entry["explanation"].strip(),
            wrong=entry.get("wrong", "").strip("\n"),
            right=entry.get("right", "").strip("\n"),
        )
        for entry in _read("rules.toml")["rule"]
    }
    tasks = {
        key: Task(
            key=key,
            title=entry["title"],
            summary=entry["summary"],
            units=entry["units"],
            activation=entry["activation"],
            targets=entry["targets"],
            losses=dict(entry["losses"]),
            metrics=_tuple(entry.get("metrics")),
            alternative_losses=_tuple(entry.get("alternative_losses")),
        )
        for key, entry in _read("tasks.toml")["task"].items()
    }
    losses = {
        key: Loss(
            key=key,
            title=entry["title"],
            kind=entry["kind"],
            targets=entry["targets"],
            expects=entry["expects"],
            tasks=_tuple(entry.get("tasks")),
            spellings=_tuple(entry.get("spellings")),
            functions=_tuple(entry.get("functions")),
            classes=_tuple(entry.get("classes")),
            summary=entry["summary"],
        )
        for key, entry in _read("losses.toml")["loss"].items()
    }
    activations = {
        key: Activation(
            key=key,
            kind=entry["kind"],
            spellings=_tuple(entry.get("spellings")),
            functions=_tuple(entry.get("functions")),
            layers=_tuple(entry.get("layers")),
            summary=entry["summary"],
        )
        for key, entry in _read("activations.toml")["activation"].items()
    }
    layer_data = _read("layers.toml")
    families = {
        key: (entry["title"], entry["summary"])
        for key, entry in layer_data["family"].items()
    }
    layers = {
        name: LayerSpec(
            name=name,
            family=entry["family"],
            args=_tuple(entry.get("args")),
            output_rank=entry.get("output_rank", "unknown"),
            rank=entry.get("rank"),
            min_rank=entry.get("min_rank"),
        )
        for name, entry in layer_data["layer"].items()
    }
    # Another name for the same class: the spec, and so the layer read, keeps the
    # canonical name.
    for alias, name in layer_data.get("alias", {}).items():
        layers[alias] = layers[name]
    modalities = {
        key: Modality(
            key=key,
            title=entry["title"],
            networks=_tuple(entry["networks"]),
            explanation=entry["explanation"],
            input_ranks=_tuple(entry.get("input_ranks")),
            preprocessing=_tuple(entry.get("preprocessing")),
            loaders=_tuple(entry.get("loaders")),
        )
        for key, entry in _read("modalities.toml")["modality"].items()
    }
    data = _read("datasets.toml")
    datasets = {
        key: Dataset(
            key=key,
            title=entry["title"],
            modality=entry["modality"],
            task=entry["task"],
            classes=entry["classes"],
            labels=entry["labels"],
            x_shape=_tuple(entry.get("x_shape")),
        )
        for key, entry in data["dataset"].items()
    }
    loaders = {
        key: Loader(
            key=key,
            title=entry["title"],
            modality=entry["modality"],
            label_mode=entry["label_mode"],
        )
        for key, entry in data["loader"].items()
    }
    metrics = {
        kind: _tuple(names) for kind, names in _read("metrics.toml")["metrics"].items()
    }

    result = Knowledge(
        rules=rules,
        tasks=tasks,
        losses=losses,
        activations=activations,
        families=families,
        layers=layers,
        modalities=modalities,
        datasets=datasets,
        loaders=loaders,
        metrics=metrics,
    )
    for loss in losses.values():
        for spelling in loss.spellings:
            result._loss_by_spelling[spelling] = loss
        for name in (*loss.functions, *loss.classes):
            result._loss_by_name[name] = loss
    for activation in activations.values():
        for spelling in activation.spellings:
            result._activation_by_spelling[spelling] = activation
        for function in activation.functions:
            result._activation_by_function[function] = activation
        for layer in activation.layers:
            result._activation_by_layer[layer] = activation
    return result
