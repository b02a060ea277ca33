"""Where each layer's output shape goes when shown beside the code (inlay hints)."""

from __future__ import annotations

from dataclasses import dataclass

from kerasense.facts import shapes
from kerasense.facts.model import Model
from kerasense.findings import Position


@dataclass(frozen=True)
class ShapeHint:
    position: Position
    """Just after the layer: its constructor call, or ``layer(x)`` in the functional API."""
    label: str
    layer: str


def shape_hints(models: list[Model]) -> list[ShapeHint]:
    """One hint per layer with at least a known rank, in source order.

    A layer written once but run several times (in an unrolled loop, or shared) gets one
    hint listing its shapes in the order they occur.
    """
    by_position: dict[Position, tuple[str, list[str]]] = {}
    for model in models:
        for layer in model.layers:
            if layer.spec is None or layer.output_shape is None:
                continue
            position = (layer.applied_at or layer.range).end
            _, labels = by_position.setdefault(position, (layer.name, []))
            label = shapes.describe(layer.output_shape)
            if label not in labels:
                labels.append(label)
    return [
        ShapeHint(position, " | ".join(labels), name)
        for position, (name, labels) in sorted(by_position.items())
    ]
