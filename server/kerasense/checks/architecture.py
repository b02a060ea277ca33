"""Architecture rules: the kind of data against the layers that process it."""

from __future__ import annotations

import ast
import math

from kerasense.checks.context import Context
from kerasense.facts import shapes
from kerasense.facts.model import Layer, Model
from kerasense.findings import Related

_AXES = {
    2: "(batch, features)",
    3: "(batch, steps, features)",
    4: "(batch, height, width, channels)",
    5: "(batch, frames or depth, height, width, channels)",
}
# Families a plain multilayer perceptron is made of.
_PERCEPTRON = {
    "dense",
    "flatten",
    "regularization",
    "normalization",
    "activation",
    "image_preprocessing",
    "input",
    "reshaping",
}


def axes(rank: int) -> str:
    return _AXES.get(rank, f"{rank} axes")


def modality_of(model: Model) -> tuple[str | None, str | None]:
    """The kind of data the model sees, and what says so."""
    if model.modality is not None:
        return model.modality, model.modality_origin
    families = {layer.family for layer in model.layers}
    if "image_preprocessing" in families:
        return "image", "its image preprocessing layers"
    if "text_preprocessing" in families or "embedding" in families:
        return "text", "its Embedding or TextVectorization layer"
    if model.input_rank == 4:
        return "image", "an input of shape (height, width, channels)"
    return None, None


def check_architecture(model: Model, context: Context) -> None:
    _ranks(model, context)
    _reshapes(model, context)
    modality, origin = modality_of(model)
    families = {layer.effective_family for layer in model.layers}
    readable = all(layer.spec is not None for layer in model.layers)
    if (
        modality == "image"
        and readable
        and "dense" in families
        and families <= _PERCEPTRON
    ):
        _image_through_dense(model, origin, context)
    if readable:
        _preference(model, modality, origin, families, context)
    for head in model.heads:
        core = head.layer
        if core.family != "dense":
            continue
        # A head per step is how taggers, language models and seq2seq forecasters are
        # built; on a sequence it is only called wrong when the targets are known to
        # hold one value per sample. Per pixel on images, it is almost never meant.
        per_step_meant = "" if model.targets_per_sample else _PER_STEP
        if core.sequences_from is not None:
            recurrent = core.sequences_from
            context.report(
                "KS207",
                recurrent.range,
                f"{recurrent.name} returns its whole sequence (return_sequences=True) "
                f"straight into the head {core.name}, which then predicts once per step "
                f"instead of once per sequence.{per_step_meant}",
                [
                    context.fixes.drop_return_sequences(
                        recurrent.inner if recurrent.inner else recurrent
                    )
                ],
                [Related(core.range, "the head")],
                certain=model.targets_per_sample,
            )
        elif core.input_rank is not None and core.input_rank > 2:
            sequence = core.input_rank == 3
            context.report(
                "KS206",
                core.range,
                f"The head {core.name} receives {axes(core.input_rank)} and acts on the last "
                "axis only, so it predicts once per position, not once per sample. Put "
                f"Flatten or global pooling before it.{per_step_meant if sequence else ''}",
                [context.fixes.insert_flatten(model, head)],
                certain=model.targets_per_sample or not sequence,
            )


_PER_STEP = (
    " If the targets hold one value per step (tagging, language modelling, "
    "forecasting a sequence), this is right as it is."
)


def _reshapes(model: Model, context: Context) -> None:
    for layer in model.layers:
        if layer.name != "Reshape" or layer.spec is None:
            continue
        have = shapes.element_count(layer.input_shape)
        target = shapes.target_shape(layer)
        if have is None or target is None or None in target:
            continue
        fixed = [size for size in target if size != -1 and size is not None]
        want = math.prod(fixed)
        free = target.count(-1)
        if (free == 0 and want != have) or (free == 1 and (not want or have % want)):
            context.report(
                "KS209",
                layer.range,
                f"Reshape to {shapes.describe(target)} cannot hold the {have} elements of "
                f"its input {shapes.describe(layer.input_shape)}: the sizes must multiply "
                f"to {have}.",
            )


def _ranks(model: Model, context: Context) -> None:
    for index, layer in enumerate(model.layers):
        spec, rank = layer.spec, layer.input_rank
        if spec is None or rank is None or spec.accepts(rank):
            continue
        expected = spec.rank if spec.rank is not None else spec.min_rank or 0
        _rank_finding(model, layer, rank, expected, index == 0, context)
        return


def _rank_finding(
    model: Model, layer: Layer, rank: int, expected: int, first: bool, context: Context
) -> None:
    family = layer.family
    received = layer.input_shape
    shown = (
        shapes.describe(received)
        if received is not None and any(size is not None for size in received[1:])
        else axes(rank)
    )
    base = f"{layer.name} expects {axes(expected)} but receives {shown}"
    shape_node = model.input_shape_node
    accepts_without_batch = layer.spec is not None and layer.spec.accepts(rank - 1)
    if (
        first
        and shape_node is not None
        and _leading_none(shape_node)
        and accepts_without_batch
    ):
        context.report(
            "KS205",
            layer.range,
            f"{base}: the input shape seems to include the batch axis. input_shape and "
            "Input(shape=...) describe one sample; Keras adds the batch axis itself.",
            [context.fixes.drop_batch_axis(shape_node)],
        )
        return
    if (
        expected == 4
        and family in ("conv2d", "pooling")
        and rank == 3
        and (model.modality == "image")
    ):
        context.report(
            "KS205",
            layer.range,
            f"{base}. The images ({model.modality_origin}) have no channel axis: reshape "
            "them to (height, width, 1) before the first 2D layer.",
        )
    elif expected == 4 and family in ("conv2d", "pooling") and rank == 3:
        context.report(
            "KS202",
            layer.range,
            f"{base}. Data shaped (steps, features) is a sequence: use Conv1D and 1D "
            "pooling, or reshape images to (height, width, channels).",
        )
    elif family == "recurrent" and rank >= 4:
        context.report(
            "KS203",
            layer.range,
            f"{base}. Recurrent layers read (steps, features): process images with "
            "Conv2D, or wrap a per-frame convnet in TimeDistributed before the recurrent "
            "layer.",
        )
    elif expected == 4 and rank == 5:
        context.report(
            "KS204",
            layer.range,
            f"{base}. Video and volumes have one axis more than images: use Conv3D, or "
            "apply the 2D layers to every frame with TimeDistributed.",
        )
    else:
        context.report("KS205", layer.range, f"{base}.")


def _leading_none(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Tuple | ast.List)
        and bool(node.elts)
        and isinstance(node.elts[0], ast.Constant)
        and node.elts[0].value is None
    )


def _image_through_dense(model: Model, origin: str | None, context: Context) -> None:
    image = context.knowledge.modalities["image"]
    context.report(
        "KS201",
        model.range,
        f"This model sees images ({origin}) through Dense layers only. {image.explanation}",
    )


def _preference(
    model: Model,
    modality: str | None,
    origin: str | None,
    families: set[str | None],
    context: Context,
) -> None:
    if modality not in ("text", "sound", "timeseries"):
        return
    table = context.knowledge.modalities[modality]
    preferred = table.networks[0]
    present = [n for n in table.networks if n in families]
    if not present or preferred in families:
        return
    used = present[0]
    first = next(layer for layer in model.layers if layer.effective_family == used)
    families_table = context.knowledge.families
    context.report(
        "KS208",
        first.range,
        f"For {table.title.lower()} ({origin}), {_lower(families_table[preferred][0])} are "
        f"the first choice and {_lower(families_table[used][0])} the alternative.",
    )


def _lower(title: str) -> str:
    """A title in running text: "Recurrent layers" → "recurrent layers", "1D" kept."""
    return title[0].lower() + title[1:] if title[1:2].islower() else title
