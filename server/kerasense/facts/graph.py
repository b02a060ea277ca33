"""Ranks through the layers of a model, and the heads at its outputs.

Ranks count the batch axis. A layer whose input rank is unknown but which accepts only one
rank (Conv2D: 4) is assumed to have received that rank, so the rank after it is known; its
own ``input_rank`` stays unknown, so no finding is built on the assumption.
"""

from __future__ import annotations

import ast

from kerasense.facts.model import Head, Layer, Model
from kerasense.facts.values import Tensor, Value
from kerasense.knowledge import Knowledge
from kerasense.source.text import SourceText, as_range

# Families that pass the head's output through unchanged in meaning.
_TRANSPARENT = {"regularization", "activation"}


def opaque_layer(node: ast.expr, source: SourceText, conditional: bool) -> Layer:
    """A layer Kerasense cannot read (a nested model, a variable, a custom object)."""
    call = (
        node
        if isinstance(node, ast.Call)
        else ast.Call(func=node, args=[], keywords=[])
    )
    ast.copy_location(call, node)
    layer = Layer(name="?", spec=None, node=call, range=as_range(source, node))
    layer.conditional = conditional
    return layer


def custom_layer(name: str, node: ast.Call, source: SourceText) -> Layer:
    return Layer(name=name, spec=None, node=node, range=as_range(source, node))


def _flag(layer: Layer, name: str) -> bool | None:
    node = layer.arguments.get(name)
    if node is None:
        return False
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    return None


def _shape_length(layer: Layer, name: str) -> int | None:
    node = layer.arguments.get(name)
    if isinstance(node, ast.Tuple | ast.List):
        if any(isinstance(item, ast.Starred) for item in node.elts):
            return None
        return len(node.elts)
    return None


def output_rank(layer: Layer, rank: int | None) -> int | None:
    """The rank a layer outputs for an input of ``rank`` (None when unknown)."""
    spec = layer.spec
    if spec is None:
        return None
    if rank is None and spec.rank is not None:
        rank = spec.rank
    kind = spec.output_rank
    if isinstance(kind, int):
        return kind
    if kind == "same":
        return rank
    if kind == "plus1":
        return rank + 1 if rank is not None else None
    if kind == "sequences":
        sequences = _flag(layer, "return_sequences")
        return None if sequences is None else (3 if sequences else 2)
    if kind == "target":
        length = _shape_length(layer, "target_shape")
        return length + 1 if length is not None else None
    if kind == "wrapped" and layer.inner is not None:
        if layer.name == "Bidirectional":
            return output_rank(layer.inner, rank)
        inner = output_rank(layer.inner, rank - 1 if rank is not None else None)
        return inner + 1 if inner is not None else None
    return None


def returns_sequences(layer: Layer) -> bool:
    target = layer.inner if layer.name == "Bidirectional" and layer.inner else layer
    return target.family == "recurrent" and _flag(target, "return_sequences") is True


def declared_input(layer: Layer) -> tuple[int | None, ast.expr | None]:
    """The rank implied by ``input_shape=`` / ``input_dim=`` / ``batch_input_shape=``."""
    for name, extra in (
        ("input_shape", 1),
        ("batch_input_shape", 0),
        ("batch_shape", 0),
    ):
        length = _shape_length(layer, name)
        if length is not None:
            return length + extra, layer.arguments[name]
    if "input_dim" in layer.arguments:
        return 2, layer.arguments["input_dim"]
    return None, None


def apply(layer: Layer, parents: list[Tensor], knowledge: Knowledge) -> Tensor:
    """A functional-API call ``layer(parents)``."""
    rank: int | None = None
    if parents:
        ranks = {parent.rank for parent in parents}
        rank = ranks.pop() if len(ranks) == 1 else None
    layer.input_rank = rank
    out = output_rank(layer, rank)
    layer.output_rank = out
    if len(parents) == 1:
        layer.sequences_from = parents[0].sequences_from
    return Tensor(layer, out, parents, sequences_from=_passes_sequences(layer))


def _passes_sequences(layer: Layer) -> Layer | None:
    """The recurrent layer whose per-step output leaves ``layer``, if any."""
    if returns_sequences(layer):
        return layer
    if layer.family in _TRANSPARENT | {"normalization"}:
        return layer.sequences_from
    return None


def finish(model: Model, knowledge: Knowledge) -> None:
    """Ranks and heads of a Sequential model, once all its layers are known."""
    if model.kind != "sequential":
        return
    layers = model.layers
    rank = model.input_rank
    if layers and rank is None:
        rank, node = declared_input(layers[0])
        if rank is not None:
            model.input_rank, model.input_shape_node = rank, node
    sequences: Layer | None = None
    for layer in layers:
        layer.sequences_from = sequences
        sequences = _passes_sequences(layer)
        if layer.spec is None:
            rank = None
            continue
        layer.input_rank = rank
        if rank is not None and not layer.spec.accepts(rank):
            rank = None
        else:
            rank = output_rank(layer, rank)
        layer.output_rank = rank
    model.heads = []
    if not layers or layers[-1].conditional:
        model.heads_known = bool(not layers and model.heads_known)
        return
    head = _head_from_chain(list(reversed(layers)), knowledge)
    if head is not None:
        model.heads.append(head)


def _collect(outputs: list[Value]) -> list[Layer]:
    """Every layer between the inputs and ``outputs``, inputs first."""
    ordered: list[Layer] = []
    placed: set[int] = set()
    visited: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [
        (value, False) for value in reversed(outputs) if isinstance(value, Tensor)
    ]
    while stack:
        tensor, expanded = stack.pop()
        if expanded:
            producer = tensor.producer
            if producer is not None and id(producer) not in placed:
                placed.add(id(producer))
                ordered.append(producer)
            continue
        if id(tensor) in visited:
            continue
        visited.add(id(tensor))
        stack.append((tensor, True))
        stack.extend((parent, False) for parent in reversed(tensor.parents))
    return ordered


def functional_heads(
    model: Model, outputs: list[tuple[str | None, Value]], knowledge: Knowledge
) -> None:
    model.layers = _collect([value for _, value in outputs])
    model.heads = []
    for name, value in outputs:
        if not isinstance(value, Tensor):
            model.heads_known = False
            continue
        chain: list[Layer] = []
        tensor: Tensor | None = value
        while tensor is not None and tensor.producer is not None:
            chain.append(tensor.producer)
            if tensor.producer.family not in _TRANSPARENT:
                break
            tensor = tensor.parents[0] if len(tensor.parents) == 1 else None
        head = _head_from_chain(chain, knowledge)
        if head is None:
            model.heads_known = False
            continue
        head.output_name = name or _name_of(head.layer)
        model.heads.append(head)


def _name_of(layer: Layer) -> str | None:
    node = layer.arguments.get("name")
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _head_from_chain(chain: list[Layer], knowledge: Knowledge) -> Head | None:
    """``chain`` runs from the output backwards: trailing activations, then the core."""
    activation_layer: Layer | None = None
    for layer in chain:
        if layer.spec is None:
            return None
        if layer.family == "activation":
            activation_layer = activation_layer or layer
            continue
        if layer.family == "regularization":
            continue
        core = layer.inner if layer.family == "wrapper" and layer.inner else layer
        if core.spec is None or core.activation is None:
            return None
        use = activation_layer.activation if activation_layer else core.activation
        if activation_layer is not None and not core.activation.known:
            return None
        assert use is not None
        return Head(
            layer=layer,
            activation_layer=activation_layer,
            units=core.units,
            units_node=core.arguments.get("units", core.arguments.get("filters")),
            activation=use.activation,
            activation_known=use.known,
        )
    return None
