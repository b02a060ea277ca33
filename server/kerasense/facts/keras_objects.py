"""Reading Keras objects out of call expressions: layers, activations, losses, metrics."""

from __future__ import annotations

import ast
from collections.abc import Callable

from kerasense.facts.model import ActivationUse, Layer, LossUse, MetricUse
from kerasense.facts.values import (
    UNKNOWN,
    Const,
    LayerValue,
    LossValue,
    Ref,
    Sequence,
    Value,
    const_int,
    const_str,
)
from kerasense.knowledge import Knowledge, LayerSpec
from kerasense.source.text import SourceText, as_range

Evaluate = Callable[[ast.expr], Value]


def call_arguments(node: ast.Call, names: tuple[str, ...]) -> dict[str, ast.expr]:
    """Arguments by parameter name: positional ones mapped through ``names``."""
    arguments: dict[str, ast.expr] = {}
    for index, arg in enumerate(node.args):
        if isinstance(arg, ast.Starred):
            break
        if index < len(names):
            arguments[names[index]] = arg
    for keyword in node.keywords:
        if keyword.arg is not None:
            arguments[keyword.arg] = keyword.value
    return arguments


def has_star_kwargs(node: ast.Call) -> bool:
    return any(keyword.arg is None for keyword in node.keywords) or any(
        isinstance(arg, ast.Starred) for arg in node.args
    )


def keyword(node: ast.Call, name: str) -> ast.keyword | None:
    for item in node.keywords:
        if item.arg == name:
            return item
    return None


class KerasReader:
    """Builds layers, activations, losses and metrics from expressions."""

    def __init__(
        self, knowledge: Knowledge, source: SourceText, evaluate: Evaluate
    ) -> None:
        self.knowledge = knowledge
        self.source = source
        self.evaluate = evaluate

    def layer(self, name: str, node: ast.Call, spec: LayerSpec | None) -> Layer:
        arguments = call_arguments(node, spec.args if spec else ())
        layer = Layer(
            name=name,
            spec=spec,
            node=node,
            range=as_range(self.source, node),
            arguments=arguments,
        )
        layer.values = {
            name: self.evaluate(node)
            for name, node in arguments.items()
            if name != "layer"
        }
        if spec is None:
            return layer
        # The arguments were evaluated once above; evaluating them again could also
        # run a helper function twice.
        values = layer.values
        units = values.get("units", values.get("filters"))
        if units is not None:
            layer.units = const_int(units)
        if spec.family == "activation":
            layer.activation = self.activation_layer(
                name, arguments.get("activation"), values.get("activation")
            )
        elif (
            "activation" in arguments or "units" in spec.args or "filters" in spec.args
        ):
            layer.activation = self.activation(
                arguments.get("activation"), values.get("activation")
            )
        if spec.family == "wrapper" and "layer" in arguments:
            inner = self.evaluate(arguments["layer"])
            if isinstance(inner, LayerValue):
                layer.inner = inner.layer
        return layer

    def activation(
        self, node: ast.expr | None, value: Value | None = None
    ) -> ActivationUse:
        """The activation an ``activation=`` argument names (missing means linear);
        ``value`` is the argument already evaluated, if it was."""
        if node is None:
            return ActivationUse(None, known=True)
        if value is None:
            value = self.evaluate(node)
        if isinstance(value, Const) and value.value is None:
            return ActivationUse(None, known=True, node=node)
        text = const_str(value)
        if text is not None:
            found = self.knowledge.activation_from_string(text)
            return ActivationUse(found, known=found is not None, node=node)
        if isinstance(value, Ref):
            found = self.knowledge.activation_from_function(value.name)
            return ActivationUse(found, known=found is not None, node=node)
        if isinstance(value, LayerValue) and value.layer.activation is not None:
            inner = value.layer.activation
            return ActivationUse(inner.activation, known=inner.known, node=node)
        return ActivationUse(None, known=False, node=node)

    def activation_layer(
        self, name: str, argument: ast.expr | None, value: Value | None = None
    ) -> ActivationUse:
        if name == "Activation":
            if argument is None:
                return ActivationUse(None, known=False)
            return self.activation(argument, value)
        found = self.knowledge.activation_from_layer(name)
        return ActivationUse(found, known=found is not None)

    def loss(self, node: ast.expr, output: str | int | None = None) -> LossUse:
        value = self.evaluate(node)
        range_ = as_range(self.source, node)
        if isinstance(value, LossValue):
            use = value.use
            return LossUse(
                use.loss,
                node,
                range_,
                use.form,
                use.from_logits,
                use.from_logits_node,
                output,
                use.origin,
            )
        text = const_str(value)
        if text is not None:
            return LossUse(
                self.knowledge.loss_from_string(text),
                node,
                range_,
                "string",
                False,
                None,
                output,
            )
        if isinstance(value, Ref) and value.name.startswith("keras.losses."):
            found = self.knowledge.loss_from_name(value.last)
            return LossUse(found, node, range_, "function", False, None, output)
        return LossUse(None, node, range_, "unknown", None, None, output)

    def loss_object(self, ref: Ref, node: ast.Call) -> Value:
        """``keras.losses.SomeLoss(...)``: a loss object with its from_logits setting."""
        found = self.knowledge.loss_from_name(ref.last)
        if found is None or ref.last not in found.classes:
            return UNKNOWN
        arguments = call_arguments(node, ("from_logits",))
        from_logits: bool | None = False
        if "from_logits" in arguments:
            flag = self.evaluate(arguments["from_logits"])
            from_logits = (
                flag.value
                if isinstance(flag, Const) and isinstance(flag.value, bool)
                else None
            )
        elif has_star_kwargs(node):
            from_logits = None
        use = LossUse(
            found,
            node,
            as_range(self.source, node),
            "class",
            from_logits,
            keyword(node, "from_logits"),
            origin=node,
        )
        return LossValue(use)

    def metrics(
        self, node: ast.expr, output: str | int | None = None
    ) -> list[MetricUse]:
        """The metrics ``compile`` is given: a list for every output, or per output a
        dict by output name or a list of lists by position."""
        if isinstance(node, ast.Dict) and output is None:
            uses = []
            for key, metrics in zip(node.keys, node.values, strict=True):
                name = const_str(self.evaluate(key)) if key is not None else None
                if name is not None:
                    uses += self.metrics(metrics, name)
            return uses
        if (
            isinstance(node, ast.List | ast.Tuple)
            and output is None
            and node.elts
            and all(isinstance(e, ast.List | ast.Tuple) for e in node.elts)
        ):
            return [
                use
                for index, metrics in enumerate(node.elts)
                for use in self.metrics(metrics, index)
            ]
        value = self.evaluate(node)
        items = value.items if isinstance(value, Sequence) else [value]
        nodes = node.elts if isinstance(node, ast.List | ast.Tuple) else [node]
        uses = []
        for item, item_node in zip(items, nodes, strict=False):
            name = const_str(item)
            if name is None and isinstance(item, Ref):
                name = item.last
            if name is None and isinstance(item_node, ast.Call):
                called = self.evaluate(item_node.func)
                name = called.last if isinstance(called, Ref) else None
            if name is not None:
                uses.append(
                    MetricUse(
                        name,
                        self.knowledge.metric_kind(name),
                        item_node,
                        as_range(self.source, item_node),
                        output,
                    )
                )
        return uses
