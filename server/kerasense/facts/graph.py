"""Shapes through the layers of a model, and the heads at its outputs.

A layer whose input is unknown but which accepts only one rank (Conv2D: 4) is assumed to
have received that rank, so the rank after it is known; its own ``input_shape`` stays
unknown, so no finding is built on the assumption.
"""

from __future__ import annotations

import ast

from kerasense.facts import shapes
from kerasense.facts.model import Head, Layer, Model, Shape
from kerasense.facts.values import Tensor, Value, const_int, const_shape
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


def declared_input(layer: Layer) -> tuple[Shape | None, ast.expr | None]:
    """The input shape given by ``input_shape=``, ``batch_input_shape=`` or ``input_dim=``."""
    names = [("input_shape", False), ("batch_input_shape", True), ("batch_shape", True)]
    if layer.family == "input":
        names.insert(0, ("shape", False))  # InputLayer(shape=...) in Keras 3
    for name, batch in names:
        value = layer.values.get(name)
        shape = const_shape(value) if value is not None else None
        if shape is not None:
            return (shape if batch else (None, *shape)), layer.arguments[name]
    if "input_dim" in layer.values:
        return (None, const_int(layer.values["input_dim"])), layer.arguments[
            "input_dim"
        ]
    return None, None


def output_shape(layer: Layer, shape: Shape | None) -> Shape | None:
    """``shapes.infer``, falling back on the rank rule of ``rules/layers.toml``."""
    inferred = shapes.infer(layer, shape)
    if inferred is not None or layer.spec is None:
        return inferred
    if shape is not None and not layer.spec.accepts(len(shape)):
        return None
    rank = output_rank(layer, len(shape) if shape is not None else None)
    return (None,) * rank if rank is not None else None


def apply(layer: Layer, parents: list[Tensor], knowledge: Knowledge) -> Tensor:
    """A functional-API call ``layer(parents)``."""
    if layer.family == "merging":
        known = [parent.shape for parent in parents]
        ranks = {len(shape) for shape in known if shape is not None}
        layer.input_shape = known[0] if len(ranks) == 1 and None not in known else None
        out = shapes.merge(layer, known) if layer.spec is not None else None
    else:
        layer.input_shape = parents[0].shape if len(parents) == 1 else None
        out = output_shape(layer, layer.input_shape)
    layer.output_shape = out
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
    shape = model.input_shape
    if layers and shape is None:
        shape, node = declared_input(layers[0])
        if shape is not None:
            model.input_shape, model.input_shape_node = shape, node
    if shape is None:
        shape = model.data_shape
    sequences: Layer | None = None
    for layer in layers:
        layer.sequences_from = sequences
        sequences = _passes_sequences(layer)
        layer.input_shape = shape if layer.spec is not None else None
        shape = output_shape(layer, shape) if layer.spec is not None else None
        layer.output_shape = shape
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
