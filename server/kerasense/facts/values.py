"""The abstract values the reader tracks for names while it walks a module."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from kerasense.facts.model import Labels, Layer, LossUse, Model, Shape
from kerasense.findings import Range


class Value:
    """Something a name may hold. The base class itself means 'unknown'."""


UNKNOWN = Value()


@dataclass(eq=False)
class Const(Value):
    value: object


@dataclass(eq=False)
class Sequence(Value):
    """A tuple or list literal, item by item."""

    items: list[Value]


@dataclass(eq=False)
class Ref(Value):
    """A Keras or TensorFlow object by canonical name, such as ``keras.layers.Dense``."""

    name: str

    @property
    def last(self) -> str:
        return self.name.rsplit(".", 1)[-1]


@dataclass(eq=False)
class LayerValue(Value):
    layer: Layer


@dataclass(eq=False)
class Tensor(Value):
    """A symbolic tensor of the functional API."""

    producer: Layer | None
    shape: Shape | None
    parents: list[Tensor] = field(default_factory=list)
    shape_node: ast.expr | None = None
    """For ``Input(shape=...)`` tensors: the shape expression."""
    is_input: bool = False
    sequences_from: Layer | None = None
    """The recurrent layer with return_sequences=True this tensor comes from, if any."""

    @property
    def rank(self) -> int | None:
        return len(self.shape) if self.shape is not None else None


@dataclass(eq=False)
class ModelValue(Value):
    model: Model


@dataclass(eq=False)
class ArrayValue(Value):
    """A data array: features or labels, with what is known about it."""

    rank: int | None = None
    labels: Labels | None = None
    modality: str | None = None
    origin: str | None = None
    sample: tuple[int | None, ...] | None = None
    """The shape of one sample (every axis but the first), when known."""

    def like(
        self, rank: int | None = None, sample: tuple[int | None, ...] | None = None
    ) -> ArrayValue:
        """The same data with another shape: labels survive only a rank-1 result."""
        labels = self.labels if rank in (None, self.rank) or rank == 1 else None
        return ArrayValue(rank or self.rank, labels, self.modality, self.origin, sample)


@dataclass(eq=False)
class DatasetValue(Value):
    """A ``tf.data`` dataset from a Keras loader: features and labels together."""

    modality: str | None
    labels: Labels | None
    origin: str


@dataclass(eq=False)
class EyeMatrix(Value):
    """``np.eye(n)``: indexing it with labels one-hot encodes them."""

    size: int | None
    range: Range


@dataclass(eq=False)
class LossValue(Value):
    use: LossUse


@dataclass(eq=False)
class FunctionValue(Value):
    node: ast.FunctionDef | ast.AsyncFunctionDef
    called: bool = False


@dataclass(eq=False)
class ClassValue(Value):
    node: ast.ClassDef
    kind: str
    """``model`` for keras.Model subclasses, ``layer`` for custom layers, else ``other``."""
    instantiated: bool = False


@dataclass(eq=False)
class Instance(Value):
    """An object of a class defined in the file; attributes set through ``self``."""

    cls: ClassValue
    attributes: dict[str, Value] = field(default_factory=dict)
    model: Model | None = None


def const_int(value: Value) -> int | None:
    if isinstance(value, Const) and type(value.value) is int:
        return value.value
    return None


def const_str(value: Value) -> str | None:
    if isinstance(value, Const) and isinstance(value.value, str):
        return value.value
    return None


def const_shape(value: Value) -> tuple[int | None, ...] | None:
    """A shape tuple whose items are ints or None (unknown sizes count as None)."""
    if isinstance(value, Sequence):
        items: list[int | None] = []
        for item in value.items:
            if isinstance(item, Const) and (
                item.value is None or type(item.value) is int
            ):
                items.append(item.value if isinstance(item.value, int) else None)
            else:
                items.append(None)
        return tuple(items)
    if (number := const_int(value)) is not None:
        return (number,)
    return None


def same(a: Value, b: Value) -> bool:
    """Whether two values stand for the same thing, for merging branches."""
    if a is b:
        return True
    if isinstance(a, Const) and isinstance(b, Const):
        return type(a.value) is type(b.value) and a.value == b.value
    if isinstance(a, Ref) and isinstance(b, Ref):
        return a.name == b.name
    return False
