"""What the reader knows about each model. Unknown stays ``None``: never a guess."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from kerasense.findings import Range
from kerasense.knowledge import Activation, LayerSpec, Loss

if TYPE_CHECKING:
    from kerasense.facts.values import Value

ModelKind = Literal["sequential", "functional", "subclassed"]
Shape = tuple[int | None, ...]
"""A tensor shape, batch axis first; None for a size not known statically."""
LabelEncoding = Literal["one_hot", "integer", "binary", "continuous"]


@dataclass
class ActivationUse:
    """The activation a layer applies. ``activation is None`` with ``known`` means linear."""

    activation: Activation | None
    known: bool
    node: ast.expr | None = None


@dataclass
class Layer:
    name: str
    """Keras class name, such as ``Dense``; the local class name for custom layers."""
    spec: LayerSpec | None
    node: ast.Call
    range: Range
    arguments: dict[str, ast.expr] = field(default_factory=dict)
    activation: ActivationUse | None = None
    inner: Layer | None = None
    conditional: bool = False
    values: dict[str, Value] = field(default_factory=dict)
    """The arguments evaluated as far as they can be (constants, known names)."""
    input_shape: Shape | None = None
    """The shape of the tensor this layer receives, when at least its rank is known."""
    output_shape: Shape | None = None
    input_node: ast.expr | None = None
    """For functional calls ``Dense(...)(x)``: the argument expression ``x``."""
    applied_at: Range | None = None
    """For functional calls: the range of the whole ``Dense(...)(x)`` expression."""
    units: int | None = None
    """``units`` (or ``filters``) when it evaluates to a known integer."""
    sequences_from: Layer | None = None
    """The recurrent layer with return_sequences=True that feeds this layer directly."""

    @property
    def family(self) -> str | None:
        return self.spec.family if self.spec else None

    @property
    def input_rank(self) -> int | None:
        return len(self.input_shape) if self.input_shape is not None else None

    @property
    def output_rank(self) -> int | None:
        return len(self.output_shape) if self.output_shape is not None else None

    @property
    def effective_family(self) -> str | None:
        """The family of the work done: a wrapper counts as the layer it wraps."""
        if self.family == "wrapper" and self.inner is not None:
            return self.inner.effective_family
        return self.family

    def int_argument(
        self, name: str, values: dict[str, object] | None = None
    ) -> int | None:
        node = self.arguments.get(name)
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        return None


@dataclass
class Head:
    """The layer(s) producing one model output, read from the output backwards."""

    layer: Layer
    activation_layer: Layer | None
    units: int | None
    units_node: ast.expr | None
    activation: Activation | None
    activation_known: bool
    output_name: str | None = None

    @property
    def activation_kind(self) -> str | None:
        """``linear``, ``distribution``, ``probability``... or None when unknown."""
        if not self.activation_known:
            return None
        return self.activation.kind if self.activation else "linear"

    @property
    def range(self) -> Range:
        return (self.activation_layer or self.layer).range


@dataclass
class LossUse:
    loss: Loss | None
    node: ast.expr
    range: Range
    form: Literal["string", "function", "class", "unknown"]
    from_logits: bool | None
    from_logits_node: ast.keyword | None = None
    output: str | int | None = None
    origin: ast.Call | None = None
    """For loss objects: the constructor call, wherever it is written."""


@dataclass
class MetricUse:
    name: str
    kind: str | None
    node: ast.expr
    range: Range
    output: str | int | None = None
    """The output it is given for (``metrics={"price": [...]}``); None for all."""


@dataclass
class CompileCall:
    node: ast.Call
    range: Range
    losses: list[LossUse]
    has_loss: bool
    loss_known: bool
    """False when ``loss=`` is present but could not be read (a variable, a call)."""
    metrics: list[MetricUse]


@dataclass
class Labels:
    encoding: LabelEncoding | None
    classes: int | None
    range: Range | None
    origin: str
    per_sample: bool = False
    """Known to hold one target per sample, not one per step or position."""


@dataclass
class Model:
    kind: ModelKind
    node: ast.expr | ast.stmt
    range: Range
    variable: str | None
    layers: list[Layer] = field(default_factory=list)
    heads: list[Head] = field(default_factory=list)
    heads_known: bool = True
    input_shape: Shape | None = None
    """The shape of the single input, batch axis first, when at least its rank is known."""
    input_shape_node: ast.expr | None = None
    data_shape: Shape | None = None
    """The shape of the arrays passed to ``fit``, batch axis first, when known."""
    compile: CompileCall | None = None
    compiled_elsewhere: bool = False
    """The model escapes to code this file does not show (returned, passed on, stored)."""
    labels: Labels | None = None
    targets_per_sample: bool = False
    """The targets passed to ``fit`` are known to hold one target per sample."""
    classes: int | None = None
    classes_origin: str | None = None
    modality: str | None = None
    modality_origin: str | None = None
    custom_training: bool = False
    """The class overrides ``train_step`` or ``compile``: it may need no ``loss=``."""
    # Where new layers can be written, for fixes that insert a head or a Flatten.
    list_node: ast.List | None = None
    add_calls: list[ast.Call] = field(default_factory=list)
    statement: ast.stmt | None = None

    @property
    def input_rank(self) -> int | None:
        return len(self.input_shape) if self.input_shape is not None else None
