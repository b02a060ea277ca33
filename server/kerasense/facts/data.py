"""The data a model sees: Keras datasets and loaders, label encodings, class counts."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import replace

from kerasense.facts.keras_objects import call_arguments
from kerasense.facts.model import LabelEncoding, Labels, Model
from kerasense.facts.values import (
    UNKNOWN,
    ArrayValue,
    Const,
    DatasetValue,
    EyeMatrix,
    Ref,
    Sequence,
    Value,
    const_int,
    const_shape,
    const_str,
)
from kerasense.knowledge import Knowledge
from kerasense.source.text import SourceText, as_range

Evaluate = Callable[[ast.expr], Value]

_CLASS_COUNT_NAME = re.compile(r"^(num|n|nb|number_of|n_of)_?classes$", re.IGNORECASE)
_LABEL_MODES = {"int": "integer", "categorical": "one_hot", "binary": "binary"}


def _encoding(text: str) -> LabelEncoding | None:
    known: tuple[LabelEncoding, ...] = ("one_hot", "integer", "binary", "continuous")
    return next((encoding for encoding in known if encoding == text), None)


def class_count_constants(tree: ast.Module) -> dict[str, int]:
    """Module-level ``num_classes = 10`` style constants, bound once to an integer."""
    seen: dict[str, int | None] = {}
    for statement in tree.body:
        if not isinstance(statement, ast.Assign):
            continue
        for target in statement.targets:
            if isinstance(target, ast.Name) and _CLASS_COUNT_NAME.match(target.id):
                value = statement.value
                number = value.value if isinstance(value, ast.Constant) else None
                known = type(number) is int and target.id not in seen
                seen[target.id] = number if known and isinstance(number, int) else None
    return {name: number for name, number in seen.items() if number is not None}


def keras_data_call(
    ref: Ref,
    node: ast.Call,
    evaluate: Evaluate,
    knowledge: Knowledge,
    source: SourceText,
) -> Value | None:
    """Datasets, loaders and ``to_categorical``; None for any other call."""
    parts = ref.name.split(".")
    if (
        ref.name.startswith("keras.datasets.")
        and parts[-1] == "load_data"
        and len(parts) == 4
    ):
        dataset = knowledge.datasets.get(parts[2])
        if dataset is None:
            return UNKNOWN
        origin = f"keras.datasets.{dataset.key}"
        labels = Labels(
            _encoding(dataset.labels),
            dataset.classes or None,
            as_range(source, node),
            origin,
            per_sample=True,
        )
        rank = len(dataset.x_shape) + 1 if dataset.x_shape else None
        sample = tuple(dataset.x_shape) if dataset.x_shape else None
        split = Sequence(
            [
                ArrayValue(rank, None, dataset.modality, origin, sample),
                ArrayValue(1, labels, None, origin),
            ]
        )
        return Sequence([split, Sequence(list(split.items))])
    if ref.name in ("tf.one_hot", "keras.ops.one_hot"):
        arguments = call_arguments(node, ("indices", "depth"))
        depth = arguments.get("depth", arguments.get("num_classes"))
        classes = const_int(evaluate(depth)) if depth is not None else None
        indices = evaluate(arguments["indices"]) if "indices" in arguments else UNKNOWN
        return ArrayValue(
            2,
            Labels(
                "one_hot",
                classes,
                as_range(source, node),
                ref.name,
                per_sample=_per_sample(indices),
            ),
        )
    if ref.name == "np.eye":
        size = const_int(evaluate(node.args[0])) if node.args else None
        return EyeMatrix(size, as_range(source, node))
    if parts[-1] == "to_categorical":
        arguments = call_arguments(node, ("x", "num_classes"))
        source_labels = evaluate(arguments["x"]) if "x" in arguments else UNKNOWN
        classes = (
            const_int(evaluate(arguments["num_classes"]))
            if ("num_classes" in arguments)
            else None
        )
        if (
            classes is None
            and isinstance(source_labels, ArrayValue)
            and source_labels.labels
        ):
            classes = source_labels.labels.classes
        return ArrayValue(
            2,
            Labels(
                "one_hot",
                classes,
                as_range(source, node),
                "to_categorical",
                per_sample=_per_sample(source_labels),
            ),
        )
    if ref.name in _ARRAY_SHAPES:
        return _new_array(ref.name, node, evaluate)
    loader = knowledge.loaders.get(parts[-1])
    if loader is not None:
        arguments = call_arguments(node, ())
        mode_node = arguments.get("label_mode")
        if mode_node is None:
            mode: str | None = loader.label_mode
        else:
            mode_value = evaluate(mode_node)
            mode = const_str(mode_value) or (
                "none"
                if isinstance(mode_value, Const) and mode_value.value is None
                else None
            )
        classes = None
        names = (
            evaluate(arguments["class_names"])
            if "class_names" in arguments
            else UNKNOWN
        )
        if isinstance(names, Sequence):
            classes = len(names.items)
        found: Labels | None = None
        if mode in _LABEL_MODES:
            encoding = _encoding(_LABEL_MODES[mode])
            found = Labels(
                encoding, classes, as_range(source, node), loader.key, per_sample=True
            )
        return DatasetValue(loader.modality, found, loader.key)
    return None


# NumPy constructors: the argument that holds the shape, by position and keyword. A
# position of None means the positional arguments are the sizes (``np.random.rand(8, 4)``).
_ARRAY_SHAPES: dict[str, tuple[int | None, str]] = {
    "np.zeros": (0, "shape"),
    "np.ones": (0, "shape"),
    "np.empty": (0, "shape"),
    "np.full": (0, "shape"),
    "np.random.rand": (None, ""),
    "np.random.randn": (None, ""),
    "np.random.random": (0, "size"),
    "np.random.randint": (2, "size"),
    "np.random.normal": (2, "size"),
    "np.random.uniform": (2, "size"),
}


def _new_array(name: str, node: ast.Call, evaluate: Evaluate) -> Value:
    """A new array of a shape written in the call; unknown when it is not written."""
    position, keyword = _ARRAY_SHAPES[name]
    if any(isinstance(argument, ast.Starred) for argument in node.args):
        return UNKNOWN
    if position is None:
        shape = const_shape(Sequence([evaluate(argument) for argument in node.args]))
    else:
        names = (*(f"_{index}" for index in range(position)), keyword)
        arguments = call_arguments(node, names)
        shape_node = arguments.get(keyword)
        shape = const_shape(evaluate(shape_node)) if shape_node is not None else None
    if not shape:
        return UNKNOWN
    sample = shape[1:] if None not in shape[1:] else None
    return ArrayValue(len(shape), None, None, name, sample)


def array_method(
    owner: ArrayValue, method: str, node: ast.Call, evaluate: Evaluate
) -> Value:
    if method in ("astype", "copy"):
        return owner.like(sample=owner.sample)
    if method == "reshape":
        shape_args = node.args[0] if len(node.args) == 1 else ast.Tuple(elts=node.args)
        shape = const_shape(evaluate(shape_args))
        if shape is None:
            return ArrayValue(None, None, owner.modality, owner.origin)
        sample = shape[1:] if -1 not in shape[1:] and None not in shape[1:] else None
        return owner.like(rank=len(shape), sample=sample)
    return UNKNOWN


def read_fit(model: Model, node: ast.Call, evaluate: Evaluate) -> None:
    arguments = call_arguments(node, ("x", "y"))
    x = evaluate(arguments["x"]) if "x" in arguments else UNKNOWN
    y = evaluate(arguments["y"]) if "y" in arguments else UNKNOWN
    if isinstance(x, DatasetValue):
        _note_modality(model, x.modality, x.origin)
        if x.labels is not None:
            model.labels = x.labels
            model.targets_per_sample = x.labels.per_sample
    elif isinstance(x, ArrayValue):
        _note_modality(model, x.modality, x.origin)
        if x.sample is not None and model.data_shape is None:
            model.data_shape = (None, *x.sample)
    if isinstance(y, ArrayValue) and y.labels is not None:
        model.labels = y.labels
    if isinstance(y, ArrayValue):
        model.targets_per_sample = _per_sample(y)


def _per_sample(value: Value) -> bool:
    """Whether an array is known to hold one target per sample: labels that say so, or
    an array of one axis, which has no room for steps."""
    if not isinstance(value, ArrayValue):
        return False
    if value.labels is not None and value.labels.per_sample:
        return True
    return value.rank == 1


def _note_modality(model: Model, modality: str | None, origin: str | None) -> None:
    if modality is not None and model.modality is None:
        model.modality = modality
        model.modality_origin = origin


def settle_classes(model: Model) -> None:
    """The class count the labels give, when they give one."""
    if model.labels is not None and model.labels.classes:
        model.classes = model.labels.classes
        model.classes_origin = model.labels.origin


def with_class_constant(models: list[Model], tree: ast.Module) -> list[Model]:
    """``models``, where a lone ``num_classes = 10`` style constant gives the class count
    of the one model that needs it.

    The constant only counts when the module has one single-label classifier (softmax
    head, or a categorical loss) whose labels say nothing: a sigmoid head of many units
    may be multilabel, an autoencoder or anything else, and with two classifiers the
    constant may belong to either. The model is copied, not changed, so that models
    kept from an earlier reading (:mod:`kerasense.facts.regions`) stay as read.
    """
    constants = class_count_constants(tree)
    if len(constants) != 1:
        return models
    classifiers = [index for index, m in enumerate(models) if _single_label(m)]
    if len(classifiers) != 1 or models[classifiers[0]].classes is not None:
        return models
    name, number = next(iter(constants.items()))
    settled = list(models)
    settled[classifiers[0]] = replace(
        models[classifiers[0]], classes=number, classes_origin=name
    )
    return settled


def _single_label(model: Model) -> bool:
    if len(model.heads) != 1:
        return False
    if model.heads[0].activation_kind == "distribution":
        return True
    losses = model.compile.losses if model.compile else []
    return any(
        use.loss is not None and use.loss.targets in ("one_hot", "integer")
        for use in losses
    )
