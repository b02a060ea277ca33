"""Short explanations from the knowledge tables: Keras names, and what fits a head.

The language server shows them on hover and beside completions; the command line can
print them too. Each function answers one question: what data a layer suits, which head
a loss or an activation pairs with, what an input shape implies, what a dataset or
loader gives, which tasks a head can serve and which names fit it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kerasense.knowledge import (
    Activation,
    Dataset,
    Loader,
    Loss,
    Modality,
    Task,
    knowledge,
)

if TYPE_CHECKING:
    from kerasense.facts.model import Model

_CHECKOUT_RULES = Path(__file__).resolve().parents[3] / "docs" / "rules"

# What each activation kind gives a head, in words.
_KIND_WORDS = {
    "distribution": "a probability distribution over the units",
    "probability": "an independent probability per unit",
    "linear": "raw values (logits, or regression outputs)",
    "bounded": "values squashed into a fixed range",
    "rectified": "values cut at zero",
    "log_distribution": "log-probabilities",
}
_UNITS_WORDS = {
    "1": "one unit",
    "classes": "a unit per class",
    "values": "a unit per value",
}


def rule_url(code: str) -> str | None:
    """A ``file:`` URI of the rule's page: ``docs/rules/CODE.md`` of this checkout, or,
    for an installed copy, the same page written from the rule data into the user's
    cache folder. None when neither can be had (an unknown code, a read-only cache).
    """
    page = _CHECKOUT_RULES / f"{code}.md"
    if page.is_file():
        return page.as_uri()
    return _cached_page(code)


@functools.cache
def _cached_page(code: str) -> str | None:
    from kerasense import __version__
    from kerasense.cli.ruledocs import rule_page

    rule = knowledge().rules.get(code)
    if rule is None:
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    page = Path(base) / "kerasense" / __version__ / "rules" / f"{code}.md"
    try:
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(rule_page(rule), encoding="utf-8")
    except OSError:
        return None
    return page.as_uri()


def _tasks_with(activation: str) -> list[Task]:
    return [t for t in knowledge().tasks.values() if t.activation == activation]


def _activations_of_kind(kind: str) -> list[str]:
    return [a.key for a in knowledge().activations.values() if a.kind == kind]


def _head_words(task: Task) -> str:
    activation = "no activation" if task.activation == "linear" else task.activation
    return f"{_UNITS_WORDS.get(task.units, task.units)} with {activation}"


def _placement(family: str) -> tuple[list[str], list[str]]:
    """Modalities for which a layer family is the first choice, and the alternatives."""
    first: list[str] = []
    other: list[str] = []
    for modality in knowledge().modalities.values():
        for index, network in enumerate(modality.networks):
            parts = network.split("+")
            if family not in parts:
                continue
            label = modality.title.lower()
            if len(parts) > 1:
                label += " (per frame)" if parts[0] == family else " (after frames)"
            (first if index == 0 and len(parts) == 1 else other).append(label)
            break
    return first, other


def explain_layer(name: str) -> str | None:
    """What a layer class does and which data it suits."""
    table = knowledge()
    spec = table.layers.get(name)
    if spec is None:
        return None
    title, summary = table.families.get(spec.family, (spec.family, ""))
    paragraphs = [f"**{name}** · {title}", summary]
    first, other = _placement(spec.family)
    if first:
        paragraphs.append(f"First choice for {', '.join(first)}.")
    if other:
        paragraphs.append(f"An alternative for {', '.join(other)}.")
    activation = table.activation_from_layer(name)
    if activation is not None:
        paragraphs.append(explain_activation(activation, heading=False))
    return "\n\n".join(p for p in paragraphs if p)


def explain_loss(loss: Loss) -> str:
    """A loss, the head it expects and the targets it compares with."""
    table = knowledge()
    lines = [f"**{loss.title}** · loss", "", loss.summary]
    tasks = [table.tasks[key] for key in loss.tasks if key in table.tasks]
    if tasks:
        heads = ", or ".join(f"{_head_words(t)} ({t.title.lower()})" for t in tasks)
        lines += ["", f"Head: {heads}."]
    if loss.kind == "crossentropy":
        lines += ["", "With `from_logits=True`, the head has no activation instead."]
    return "\n".join(lines)


def explain_activation(activation: Activation, *, heading: bool = True) -> str:
    """An activation and the head it belongs to, if any."""
    lines = [f"**{activation.key}** · activation", ""] if heading else []
    lines.append(activation.summary)
    tasks = _tasks_with(activation.key)
    if tasks:
        for task in tasks:
            losses = " or ".join(f"`{name}`" for name in task.losses.values())
            head = f"{task.title}: {_head_words(task)}, with {losses}."
            lines += ["", head]
    elif activation.kind in ("rectified", "bounded"):
        lines += ["", "For hidden layers: no loss reads its output as a prediction."]
    else:
        words = _KIND_WORDS.get(activation.kind, "values")
        lines += ["", f"A head with it outputs {words}."]
    return "\n".join(lines)


def _lower_first(title: str) -> str:
    """``Recurrent layers`` in the middle of a sentence; ``1D convnets`` as it is."""
    return title[:1].lower() + title[1:]


def network_title(network: str) -> str:
    """A network of ``modalities.toml`` in words, ``conv2d+recurrent`` included."""
    families = knowledge().families
    parts = [families[p][0] if p in families else p for p in network.split("+")]
    if len(parts) == 2:
        return f"{parts[0]} per frame, then {_lower_first(parts[1])}"
    return parts[0]


def _networks_in_words(modality: Modality) -> str:
    names = [network_title(n) for n in modality.networks]
    alternatives = "".join(f"; or {_lower_first(name)}" for name in names[1:])
    return f"{names[0]} first{alternatives}" if alternatives else names[0]


def explain_shape(shape: tuple[int | None, ...]) -> str:
    """The modality one sample's shape implies, and the network to use for it."""
    written = ", ".join("None" if s is None else str(s) for s in shape)
    if len(shape) == 1:
        written += ","
    rank = len(shape)
    axes = "1 axis" if rank == 1 else f"{rank} axes"
    lines = [f"**Input shape** `({written})` · {axes} per sample", ""]
    matches = [m for m in knowledge().modalities.values() if rank in m.input_ranks]
    if matches:
        for modality in matches:
            lines.append(f"- {modality.title}: {_networks_in_words(modality)}")
    else:
        lines.append(f"No kind of data Kerasense knows has {axes} per sample.")
    if rank > 1 and shape[0] is None:
        note = "`shape` describes one sample; a leading `None` adds an axis too many."
        lines += ["", note]
    else:
        lines += ["", "The batch axis comes on top of these."]
    return "\n".join(lines)


def _dataset_head(task: Task, classes: int, labels: str) -> str:
    units = str(classes) if task.units == "classes" else "1"
    activation = ""
    if task.activation != "linear":
        activation = f', activation="{task.activation}"'
    loss = task.losses.get(labels) or next(iter(task.losses.values()))
    return f"`Dense({units}{activation})` head with `{loss}`"


def explain_dataset(dataset: Dataset) -> str:
    """A Keras dataset: its data, task, classes and the head that fits it."""
    table = knowledge()
    modality = table.modalities.get(dataset.modality)
    task = table.tasks.get(dataset.task)
    lines = [f"**{dataset.title}** · `keras.datasets.{dataset.key}`", ""]
    kind = modality.title if modality else dataset.modality
    if dataset.x_shape:
        kind += f", samples of shape {tuple(dataset.x_shape)}"
    lines.append(f"{kind}.")
    if task is not None:
        classes = f" with {dataset.classes} classes" if dataset.classes else ""
        lines += [
            "",
            f"{task.title}{classes}; labels: {dataset.labels.replace('_', '-')}.",
            "",
            f"Fits a {_dataset_head(task, dataset.classes, dataset.labels)}.",
        ]
    return "\n".join(lines)


def explain_loader(loader: Loader) -> str:
    """A dataset loader: the data it reads and the labels it gives."""
    modality = knowledge().modalities.get(loader.modality)
    lines = [f"**{loader.title}** · `{loader.key}`", ""]
    lines.append(f"{modality.title if modality else loader.modality}.")
    if loader.label_mode == "int":
        lines += [
            "",
            'Labels are integer class indices (`label_mode="int"`): softmax head with '
            '`sparse_categorical_crossentropy`; `"categorical"` gives one-hot labels, '
            '`"binary"` 0/1 for two classes (sigmoid head, `binary_crossentropy`).',
        ]
    elif loader.label_mode == "none":
        lines += ["", "Gives no labels unless `targets` is passed."]
    return "\n".join(lines)


def explain_name(canonical: str) -> str | None:
    """Explain a canonical Keras name such as ``keras.layers.Conv2D``."""
    table = knowledge()
    parts = canonical.split(".")
    last = parts[-1]
    if len(parts) >= 3 and parts[1] == "datasets":
        dataset = table.datasets.get(parts[2])
        return explain_dataset(dataset) if dataset else None
    if last in table.loaders:
        return explain_loader(table.loaders[last])
    if parts[0] == "keras" and len(parts) == 3 and parts[1] == "losses":
        loss = table.loss_from_name(last)
        return explain_loss(loss) if loss else None
    activation = table.activation_from_function(canonical)
    if activation is not None:
        return explain_activation(activation)
    if parts[0] == "keras" and (len(parts) == 2 or parts[1:2] == ["layers"]):
        return explain_layer(last)
    return None


def tasks() -> tuple[Task, ...]:
    """The four tasks in the order of ``rules/tasks.toml``."""
    return tuple(knowledge().tasks.values())


def losses_for(task: Task, labels: str | None) -> tuple[str, ...]:
    """The losses that fit a task, the one for ``labels`` (an encoding) first.

    With unknown labels, integer class indices come first: they are what the Keras
    datasets and the directory loaders give.
    """
    if labels in task.losses:
        return (task.losses[labels],)
    ordered = sorted(task.losses.items(), key=lambda item: item[0] != "integer")
    return tuple(loss for _, loss in ordered)


@dataclass(frozen=True)
class Choice:
    """A value to offer for ``activation=``, ``loss=`` or ``metrics=``, and why."""

    name: str
    fits: bool
    reason: str


def _keep(candidates: list[Task], wanted: Iterable[str]) -> list[Task]:
    """Narrow the candidates to ``wanted``, unless nothing would be left."""
    keys = set(wanted)
    narrowed = [t for t in candidates if t.key in keys]
    return narrowed or candidates


def head_tasks(
    units: int | None,
    activation_kind: str | None,
    loss: Loss | None = None,
    labels: str | None = None,
) -> tuple[Task, ...]:
    """The tasks a head can serve, likely ones first; all four when nothing is known."""
    candidates = list(tasks())
    if loss is not None and loss.tasks:
        candidates = _keep(candidates, loss.tasks)
    by_kind = {"distribution": ("multiclass",), "probability": ("binary", "multilabel")}
    if activation_kind == "linear" and loss is None:
        candidates = _keep(candidates, ("regression",))
    elif activation_kind in by_kind:
        candidates = _keep(candidates, by_kind[activation_kind])
    if units == 1:
        candidates = _keep(candidates, ("binary", "regression"))
    elif units is not None and units > 1:
        candidates = _keep(candidates, ("multiclass", "multilabel", "regression"))
    by_labels = {
        "one_hot": ("multiclass",),
        "integer": ("multiclass",),
        "binary": ("binary", "multilabel"),
        "continuous": ("regression",),
    }
    if labels in by_labels:
        candidates = _keep(candidates, by_labels[labels])
    return tuple(candidates)


def model_tasks(model: Model | None) -> tuple[Task, ...]:
    """The tasks a model's head and compile call point to."""
    if model is None:
        return tasks()
    head = model.heads[0] if model.heads else None
    loss = None
    if model.compile is not None and model.compile.losses:
        loss = model.compile.losses[0].loss
    labels = model.labels.encoding if model.labels else None
    return head_tasks(
        head.units if head else None,
        head.activation_kind if head else None,
        loss,
        labels,
    )


def _narrowed(fitting: Sequence[Task]) -> Sequence[Task]:
    """No claim of a fit when every task is still possible."""
    return () if len(fitting) >= len(knowledge().tasks) else fitting


def activation_choices(fitting: Sequence[Task], *, head: bool) -> list[Choice]:
    """Every activation name; first those of ``fitting`` for a head, else hidden ones."""
    rank: dict[str, tuple[int, str]] = {}
    if head:
        for task in _narrowed(fitting):
            reason = f"fits a {task.title.lower()} head, {_head_words(task)}"
            rank.setdefault(task.activation, (len(rank), reason))
    activations = knowledge().activations.values()
    if not head:
        for activation in activations:
            if activation.kind == "rectified":
                rank[activation.key] = (len(rank), "for hidden layers")
    ranked: list[tuple[int, Choice]] = []
    for activation in activations:
        order, reason = rank.get(activation.key, (len(rank), activation.summary))
        for spelling in activation.spellings:
            ranked.append((order, Choice(spelling, activation.key in rank, reason)))
    ranked.sort(key=lambda item: item[0])
    return [choice for _, choice in ranked]


def loss_choices(fitting: Sequence[Task], labels: str | None) -> list[Choice]:
    """Every loss name, those that fit the head's tasks first (in the tasks' order)."""
    table = knowledge()
    rank: dict[str, tuple[int, str]] = {}
    for task in _narrowed(fitting):
        for name in (*losses_for(task, labels), *task.alternative_losses):
            loss = table.loss_from_string(name)
            if loss is not None and loss.key not in rank:
                reason = f"fits a {task.title.lower()} head, {_head_words(task)}"
                rank[loss.key] = (len(rank), reason)
    ranked: list[tuple[int, Choice]] = []
    for loss in table.losses.values():
        order, reason = rank.get(loss.key, (len(rank), loss.summary))
        for spelling in loss.spellings:
            ranked.append((order, Choice(spelling, loss.key in rank, reason)))
    ranked.sort(key=lambda item: item[0])
    return [choice for _, choice in ranked]


_METRIC_REASONS = {
    "accuracy": "counts exact class matches",
    "classification": "rates a classifier beyond accuracy",
    "regression": "measures the error on continuous values",
}


def metric_choices(fitting: Sequence[Task]) -> list[Choice]:
    """Every metric name; regression metrics fit a regression, others a classifier."""
    fitting = _narrowed(fitting)
    if not fitting:
        wanted: set[str] = set()
    elif all(t.key == "regression" for t in fitting):
        wanted = {"regression"}
    else:
        wanted = {"accuracy", "classification"}
    choices = [
        Choice(name, kind in wanted, _METRIC_REASONS.get(kind, kind))
        for kind, names in knowledge().metrics.items()
        for name in names
    ]
    return sorted(choices, key=lambda c: not c.fits)
