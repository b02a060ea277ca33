"""Walk a module in execution order and collect the Keras models it builds.

The walk is an abstract interpretation: names hold :mod:`~kerasense.facts.values`, calls
to Keras build layers, tensors and models, and calls to functions of the same file are
followed with the caller's arguments (a few levels deep). Nothing is imported or run.
Branches of ``if``, loops and ``try`` are walked once; what they bind or add is marked
conditional, and a name bound differently in two branches becomes unknown.
"""

from __future__ import annotations

import ast
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from kerasense.facts import data, graph
from kerasense.facts.keras_objects import KerasReader, call_arguments, has_star_kwargs
from kerasense.facts.model import CompileCall, Labels, Layer, LossUse, Model, ModelKind
from kerasense.facts.regions import RegionCache, read_by_region
from kerasense.facts.values import (
    UNKNOWN,
    ArrayValue,
    ClassValue,
    Const,
    EyeMatrix,
    FunctionValue,
    Instance,
    LayerValue,
    ModelValue,
    Ref,
    Sequence,
    Tensor,
    Value,
    const_int,
    const_shape,
    same,
)
from kerasense.knowledge import knowledge
from kerasense.source.text import SourceText, as_range
from kerasense.syntax.names import ImportMap
from kerasense.syntax.statements import nested

logger = logging.getLogger(__name__)

MAX_CALL_DEPTH = 4
MAX_UNROLL = 16
_MODEL_CLASSES = {
    "keras.Model",
    "keras.models.Model",
    "keras.Sequential",
    "keras.models.Sequential",
}
_LAYER_BASES = {"keras.layers.Layer", "keras.Layer"}
# keras.layers.add([a, b]) and friends: a merging layer applied at once.
_MERGE_FUNCTIONS = {
    f"keras.layers.{name.lower()}": name
    for name in (
        "Add",
        "Subtract",
        "Multiply",
        "Average",
        "Maximum",
        "Minimum",
        "Concatenate",
        "Dot",
    )
}
# Calls that look at a model without taking it anywhere else.
_HARMLESS = {"print", "len", "str", "repr", "isinstance", "type", "id", "display"}


class Scope:
    def __init__(
        self, parent: Scope | None = None, instance: Instance | None = None
    ) -> None:
        self.names: dict[str, Value] = {}
        self.parent = parent
        self.instance = instance
        self.returns: list[Value] = []

    def lookup(self, name: str) -> Value | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None


class Reader:
    def __init__(
        self,
        tree: ast.Module,
        source: SourceText,
        *,
        imports: ImportMap | None = None,
    ) -> None:
        """``imports`` come from the whole module when ``tree`` holds only some of its
        statements (:mod:`kerasense.facts.regions`)."""
        self.tree = tree
        self.source = source
        self.knowledge = knowledge()
        self.imports = imports if imports is not None else module_imports(tree)
        self.models: list[Model] = []
        self.module = Scope()
        self.scope = self.module
        self.depth = 0
        self.conditional = 0
        self.standalone = False
        self.objects = KerasReader(self.knowledge, source, self.evaluate)

    # -- driving -------------------------------------------------------------------

    def run(self) -> list[Model]:
        self.block(self.tree.body)
        self.standalone = True
        for value in list(self.module.names.values()):
            if isinstance(value, FunctionValue) and not value.called:
                self.call_function(value, [], {}, None)
            elif isinstance(value, ClassValue) and not value.instantiated:
                self.instantiate(value, None)
        for model in self.models:
            graph.finish(model, self.knowledge)
            data.settle_classes(model)
        return self.models

    def block(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            try:
                self.statement(statement)
            except RecursionError:
                logger.debug("nesting too deep at line %s", statement.lineno)

    # -- statements ----------------------------------------------------------------

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Assign):
            value = self.evaluate(node.value)
            for target in node.targets:
                self.bind(target, value, node)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.bind(node.target, self.evaluate(node.value), node)
        elif isinstance(node, ast.AugAssign):
            self.evaluate(node.value)
            self.bind(node.target, UNKNOWN, node)
        elif isinstance(node, ast.Expr):
            self.evaluate(node.value)
        elif isinstance(node, ast.Return):
            self.scope.returns.append(
                self.evaluate(node.value) if node.value else Const(None)
            )
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self.scope.names[node.name] = FunctionValue(node)
        elif isinstance(node, ast.ClassDef):
            self.scope.names[node.name] = ClassValue(node, self.class_kind(node))
        elif isinstance(node, ast.If):
            self.evaluate(node.test)
            self.branches([node.body, node.orelse])
        elif isinstance(node, ast.For | ast.AsyncFor):
            self.loop(node)
        elif isinstance(node, ast.While):
            self.evaluate(node.test)
            self.branches([node.body + node.orelse, []])
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                self.evaluate(item.context_expr)
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, UNKNOWN, node)
            self.block(node.body)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self.block(node.body)  # type: ignore[attr-defined]
            handlers = [h.body for h in node.handlers]  # type: ignore[attr-defined]
            self.branches([*handlers, node.orelse, []])  # type: ignore[attr-defined]
            self.block(node.finalbody)  # type: ignore[attr-defined]
        elif isinstance(node, ast.Match):
            self.evaluate(node.subject)
            self.branches([case.body for case in node.cases] + [[]])

    def loop(self, node: ast.For | ast.AsyncFor) -> None:
        """A loop over a short literal sequence runs once per item, as Python would;
        any other loop runs its body once as a branch that may not happen."""
        items = self.iteration(node.iter)
        if items is None or node.orelse or _exits_early(node.body):
            self.bind(node.target, UNKNOWN, node)
            self.branches([node.body + node.orelse, []])
            return
        for item in items:
            self.bind(node.target, item, node)
            self.block(node.body)

    def iteration(self, node: ast.expr) -> list[Value] | None:
        """The items of a literal tuple, list or ``range(n)``: at most 16, at least one."""
        value = self.evaluate(node)
        if isinstance(value, Sequence) and 0 < len(value.items) <= MAX_UNROLL:
            return list(value.items)
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "range"
            and self.scope.lookup("range") is None
        ):
            return None
        bounds = [const_int(self.evaluate(arg)) for arg in node.args]
        if not bounds or None in bounds or len(bounds) > 2:
            return None
        start, stop = (0, bounds[0]) if len(bounds) == 1 else bounds
        span = range(start or 0, stop or 0)
        return (
            [Const(number) for number in span] if 0 < len(span) <= MAX_UNROLL else None
        )

    def branches(self, bodies: list[list[ast.stmt]]) -> None:
        """Walk alternative bodies; a name bound differently by them becomes unknown."""
        before = dict(self.scope.names)
        outcomes: list[dict[str, Value]] = []
        self.conditional += 1
        try:
            for body in bodies:
                self.scope.names = dict(before)
                self.block(body)
                outcomes.append(self.scope.names)
        finally:
            self.conditional -= 1
        merged: dict[str, Value] = {}
        for name in set().union(*outcomes):
            values = [outcome.get(name, before.get(name)) for outcome in outcomes]
            first = values[0]
            if first is not None and all(
                v is not None and same(first, v) for v in values
            ):
                merged[name] = first
            else:
                merged[name] = UNKNOWN
        self.scope.names = merged

    def bind(self, target: ast.expr, value: Value, statement: ast.stmt) -> None:
        if isinstance(target, ast.Name):
            self.scope.names[target.id] = value
            if isinstance(value, ModelValue):
                if value.model.variable is None:
                    value.model.variable = target.id
                if value.model.statement is None:
                    value.model.statement = statement
        elif isinstance(target, ast.Tuple | ast.List):
            items = value.items if isinstance(value, Sequence) else None
            plain = [t for t in target.elts if not isinstance(t, ast.Starred)]
            if items is not None and len(items) == len(target.elts) == len(plain):
                for sub_target, item in zip(target.elts, items, strict=True):
                    self.bind(sub_target, item, statement)
            else:
                for sub_target in target.elts:
                    inner = (
                        sub_target.value
                        if isinstance(sub_target, ast.Starred)
                        else sub_target
                    )
                    self.bind(inner, UNKNOWN, statement)
        elif isinstance(target, ast.Attribute):
            owner = self.evaluate(target.value)
            if isinstance(owner, Instance):
                owner.attributes[target.attr] = value
                if isinstance(value, ModelValue):
                    # A model kept by an object is used by it: trained or compiled there.
                    self.escape(value)
            else:
                self.escape(value)
        elif isinstance(target, ast.Subscript):
            self.escape(value)

    # -- expressions ---------------------------------------------------------------

    def evaluate(self, node: ast.expr | None) -> Value:
        if node is None:
            return UNKNOWN
        # One dictionary look-up instead of a chain of isinstance tests: this is the
        # hottest function of the analysis.
        handler = _EXPRESSIONS.get(type(node))
        if handler is not None:
            return handler(self, node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr) and not isinstance(child, ast.Lambda):
                self.escape(self.evaluate(child))
        return UNKNOWN

    def constant(self, node: ast.Constant) -> Value:
        return Const(node.value)

    def name(self, node: ast.Name) -> Value:
        # Scope.lookup written out: names are the most frequent expressions.
        scope: Scope | None = self.scope
        while scope is not None:
            found = scope.names.get(node.id)
            if found is not None:
                return found
            scope = scope.parent
        resolved = self.imports.resolve(node)
        return Ref(resolved) if resolved else UNKNOWN

    def sequence(self, node: ast.Tuple | ast.List) -> Value:
        items: list[Value] = []
        for element in node.elts:
            if isinstance(element, ast.Starred):
                spread = self.evaluate(element.value)
                if not isinstance(spread, Sequence):
                    return UNKNOWN  # how many items it adds is not known
                items.extend(spread.items)
            else:
                items.append(self.evaluate(element))
        return Sequence(items)

    def unary(self, node: ast.UnaryOp) -> Value:
        operand = self.evaluate(node.operand)
        if isinstance(node.op, ast.USub) and (number := const_int(operand)) is not None:
            return Const(-number)
        return UNKNOWN

    def if_expression(self, node: ast.IfExp) -> Value:
        self.evaluate(node.test)
        body, orelse = self.evaluate(node.body), self.evaluate(node.orelse)
        return body if same(body, orelse) else UNKNOWN

    def dictionary(self, node: ast.Dict) -> Value:
        for value in node.values:
            self.evaluate(value)
        return UNKNOWN

    def named_expression(self, node: ast.NamedExpr) -> Value:
        named = self.evaluate(node.value)
        self.scope.names[node.target.id] = named
        return named

    def attribute(self, node: ast.Attribute) -> Value:
        if (
            isinstance(node.value, ast.Name)
            and self.scope.lookup(node.value.id) is None
        ):
            resolved = self.imports.resolve(node)
            if resolved is not None:
                return Ref(resolved)
        owner = self.evaluate(node.value)
        if isinstance(owner, Instance):
            return owner.attributes.get(node.attr, UNKNOWN)
        if isinstance(owner, Ref):
            return Ref(f"{owner.name}.{node.attr}")
        if (
            isinstance(owner, ArrayValue)
            and node.attr == "shape"
            and owner.rank is not None
        ):
            return Sequence([UNKNOWN] * owner.rank)
        if isinstance(owner, ArrayValue) and node.attr in ("T",):
            return UNKNOWN
        return UNKNOWN

    def binary(self, node: ast.BinOp) -> Value:
        left, right = self.evaluate(node.left), self.evaluate(node.right)
        a, b = const_int(left), const_int(right)
        if a is not None and b is not None:
            operations = {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}
            for kind, result in operations.items():
                if isinstance(node.op, kind):
                    return Const(result)
            if isinstance(node.op, ast.FloorDiv) and b:
                return Const(a // b)
            return UNKNOWN
        if (
            isinstance(left, Sequence)
            and isinstance(right, Sequence)
            and isinstance(node.op, ast.Add)
        ):
            return Sequence(left.items + right.items)
        array = left if isinstance(left, ArrayValue) else right
        if isinstance(array, ArrayValue) and isinstance(
            node.op, ast.Div | ast.Mult | ast.Sub | ast.Add
        ):
            return array.like(sample=array.sample)
        return UNKNOWN

    def subscript(self, node: ast.Subscript) -> Value:
        owner = self.evaluate(node.value)
        index = node.slice
        if isinstance(owner, Sequence):
            if isinstance(index, ast.Constant) and type(index.value) is int:
                try:
                    return owner.items[index.value]
                except IndexError:
                    return UNKNOWN
            if isinstance(index, ast.Slice) and index.step is None:
                lower = const_int(self.evaluate(index.lower)) if index.lower else 0
                upper = const_int(self.evaluate(index.upper)) if index.upper else None
                if lower is not None and (index.upper is None or upper is not None):
                    return Sequence(owner.items[lower:upper])
            return UNKNOWN
        if isinstance(owner, ArrayValue) and isinstance(index, ast.Slice):
            return owner.like(sample=owner.sample)
        if isinstance(owner, EyeMatrix):
            return ArrayValue(2, Labels("one_hot", owner.size, owner.range, "np.eye"))
        return UNKNOWN

    # -- calls ---------------------------------------------------------------------

    def call(self, node: ast.Call) -> Value:
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = self.evaluate(func.value)
            if isinstance(owner, ModelValue):
                return self.model_method(owner.model, func.attr, node)
            if isinstance(owner, ArrayValue):
                return data.array_method(owner, func.attr, node, self.evaluate)
            if (
                isinstance(owner, Instance)
                and owner.model is not None
                and func.attr
                in (
                    "compile",
                    "fit",
                    "add",
                    "summary",
                    "predict",
                    "evaluate",
                    "load_weights",
                    "build",
                )
            ):
                return self.model_method(owner.model, func.attr, node)
            if isinstance(owner, Instance):
                method = _method(owner.cls.node, func.attr)
                if method is not None:
                    return self.call_function(
                        FunctionValue(method), node.args, _keywords(node), owner
                    )
        callee = self.evaluate(func)
        if isinstance(callee, Ref):
            return self.keras_call(callee, node)
        if isinstance(callee, LayerValue):
            return self.apply_layer(callee.layer, node)
        if isinstance(callee, ModelValue):
            return self.apply_model(callee.model, node)
        if isinstance(callee, FunctionValue):
            return self.call_function(callee, node.args, _keywords(node), None)
        if isinstance(callee, ClassValue):
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                self.evaluate(argument)
            return self.instantiate(callee, node)
        if isinstance(callee, Instance) and callee.model is not None:
            return self.apply_model(callee.model, node)
        name = func.id if isinstance(func, ast.Name) else None
        return self.unknown_call(node, escapes=name not in _HARMLESS)

    def unknown_call(self, node: ast.Call, escapes: bool = True) -> Value:
        """A call Kerasense cannot follow. Tensors through it come out of unknown shape."""
        tensors: list[Tensor] = []
        for argument in [*node.args, *(k.value for k in node.keywords)]:
            value = self.evaluate(argument)
            if escapes:
                self.escape(value)
            items = value.items if isinstance(value, Sequence) else [value]
            tensors.extend(item for item in items if isinstance(item, Tensor))
        if tensors:
            producer = graph.opaque_layer(node, self.source, self.conditional > 0)
            return Tensor(producer, None, tensors)
        return UNKNOWN

    def keras_call(self, ref: Ref, node: ast.Call) -> Value:
        name = ref.name
        if name in ("keras.Sequential", "keras.models.Sequential"):
            return self.sequential(node)
        if name in ("keras.Model", "keras.models.Model"):
            return self.functional(node)
        if name in ("keras.Input", "keras.layers.Input"):
            arguments = call_arguments(node, ("shape",))
            shape_node = arguments.get("shape")
            shape = const_shape(self.evaluate(shape_node)) if shape_node else None
            full = (None, *shape) if shape is not None else None
            if full is None and "batch_shape" in arguments:
                shape_node = arguments["batch_shape"]
                full = const_shape(self.evaluate(shape_node))
            return Tensor(None, full, shape_node=shape_node, is_input=True)
        merge = _MERGE_FUNCTIONS.get(name)
        if merge is not None:
            spec = self.knowledge.layers.get(merge)
            layer = self.objects.layer(merge, node, spec)
            return self.apply_layer(layer, node)
        if name.startswith("keras.layers."):
            spec = self.knowledge.layers.get(ref.last)
            name = spec.name if spec is not None else ref.last
            return LayerValue(self.objects.layer(name, node, spec))
        if name.startswith("keras.losses."):
            return self.objects.loss_object(ref, node)
        found = data.keras_data_call(
            ref, node, self.evaluate, self.knowledge, self.source
        )
        if found is not None:
            return found
        for argument in [*node.args, *(k.value for k in node.keywords)]:
            self.escape(self.evaluate(argument))
        return UNKNOWN

    # -- models --------------------------------------------------------------------

    def new_model(self, kind: ModelKind, node: ast.expr | ast.stmt) -> Model:
        model = Model(
            kind=kind, node=node, range=as_range(self.source, node), variable=None
        )
        self.models.append(model)
        return model

    def sequential(self, node: ast.Call) -> Value:
        model = self.new_model("sequential", node)
        layers_node = call_arguments(node, ("layers",)).get("layers")
        if layers_node is not None:
            if isinstance(layers_node, ast.List | ast.Tuple):
                model.list_node = (
                    layers_node if isinstance(layers_node, ast.List) else None
                )
                for element in layers_node.elts:
                    self.add_to(model, self.evaluate(element), element)
            else:
                value = self.evaluate(layers_node)
                if isinstance(value, Sequence):
                    for item in value.items:
                        self.add_to(model, item, layers_node)
                else:
                    model.heads_known = False
        return ModelValue(model)

    def add_to(self, model: Model, value: Value, element: ast.expr) -> None:
        if isinstance(value, LayerValue):
            layer = value.layer
            if self.conditional:
                layer.conditional = True
            model.layers.append(layer)
        elif isinstance(value, Tensor) and value.is_input:
            model.input_shape = value.shape
            model.input_shape_node = value.shape_node
        else:
            if isinstance(value, ModelValue):
                value.model.compiled_elsewhere = True
            model.layers.append(
                graph.opaque_layer(element, self.source, self.conditional > 0)
            )

    def functional(self, node: ast.Call) -> Value:
        arguments = call_arguments(node, ("inputs", "outputs"))
        if "inputs" not in arguments or "outputs" not in arguments:
            return UNKNOWN
        model = self.new_model("functional", node)
        inputs = self.evaluate(arguments["inputs"])
        outputs_node = arguments["outputs"]
        named: list[tuple[str | None, Value]]
        if isinstance(outputs_node, ast.Dict):
            named = [
                (
                    key.value
                    if isinstance(key, ast.Constant) and isinstance(key.value, str)
                    else None,
                    self.evaluate(value),
                )
                for key, value in zip(
                    outputs_node.keys, outputs_node.values, strict=True
                )
            ]
        else:
            outputs = self.evaluate(outputs_node)
            items = outputs.items if isinstance(outputs, Sequence) else [outputs]
            named = [(None, item) for item in items]
        input_items = inputs.items if isinstance(inputs, Sequence) else [inputs]
        if len(input_items) == 1 and isinstance(input_items[0], Tensor):
            model.input_shape = input_items[0].shape
            model.input_shape_node = input_items[0].shape_node
        graph.functional_heads(model, named, self.knowledge)
        return ModelValue(model)

    def class_kind(self, node: ast.ClassDef) -> str:
        for base in node.bases:
            value = self.evaluate(base)
            if isinstance(value, Ref) and value.name in _MODEL_CLASSES:
                return "model"
            if isinstance(value, Ref) and value.name in _LAYER_BASES:
                return "layer"
            if isinstance(value, ClassValue):
                return value.kind
        return "other"

    def instantiate(self, cls: ClassValue, node: ast.Call | None) -> Value:
        cls.instantiated = True
        instance = Instance(cls)
        if cls.kind == "layer":
            if node is None:
                return UNKNOWN
            return LayerValue(graph.custom_layer(cls.node.name, node, self.source))
        if cls.kind == "model":
            model = self.new_model("subclassed", node if node is not None else cls.node)
            model.custom_training = any(
                _method(cls.node, name) is not None
                for name in ("train_step", "compile")
            )
            instance.model = model
            if node is None:
                model.compiled_elsewhere = True
        init = _method(cls.node, "__init__")
        if init is not None:
            args = node.args if node is not None else []
            keywords = _keywords(node) if node is not None else {}
            self.call_function(FunctionValue(init), args, keywords, instance)
        if cls.kind == "model" and instance.model is not None:
            self.read_call_method(cls, instance)
            return ModelValue(instance.model)
        if cls.kind == "other" and node is None:
            for statement in cls.node.body:
                if (
                    isinstance(statement, ast.FunctionDef)
                    and statement.name != "__init__"
                ):
                    self.call_function(FunctionValue(statement), [], {}, instance)
        return instance

    def read_call_method(self, cls: ClassValue, instance: Instance) -> None:
        method = _method(cls.node, "call")
        model = instance.model
        if method is None or model is None:
            if model is not None:
                model.heads_known = False
            return
        parameters = [a.arg for a in method.args.args]
        inputs = [Tensor(None, None, is_input=True) for _ in parameters[1:2]]
        result = self.call_function(
            FunctionValue(method),
            [],
            {},
            instance,
            preset=dict(zip(parameters[1:2], inputs, strict=False)),
        )
        seen_layers = [
            v.layer for v in instance.attributes.values() if isinstance(v, LayerValue)
        ]
        model.layers = seen_layers
        items = result.items if isinstance(result, Sequence) else [result]
        graph.functional_heads(model, [(None, item) for item in items], self.knowledge)

    def model_method(self, model: Model, method: str, node: ast.Call) -> Value:
        if method == "add":
            arguments = call_arguments(node, ("layer",))
            if "layer" in arguments:
                model.add_calls.append(node)
                self.add_to(model, self.evaluate(arguments["layer"]), node)
            return Const(None)
        if method == "pop" and model.layers:
            model.layers.pop()
            return UNKNOWN
        if method == "compile":
            self.compile(model, node)
            return Const(None)
        if method == "fit":
            data.read_fit(model, node, self.evaluate)
            return UNKNOWN
        if method == "build":
            shape = const_shape(self.evaluate(node.args[0])) if node.args else None
            if shape is not None and model.input_shape is None:
                model.input_shape = shape
            return Const(None)
        if method in ("load_weights", "predict", "save", "save_weights", "to_json"):
            model.compiled_elsewhere = model.compiled_elsewhere or method in (
                "load_weights",
                "predict",
            )
            return UNKNOWN
        if method in ("summary", "evaluate", "count_params", "get_config"):
            return UNKNOWN
        for argument in node.args:
            self.evaluate(argument)
        return UNKNOWN

    def compile(self, model: Model, node: ast.Call) -> None:
        arguments = call_arguments(node, ("optimizer", "loss"))
        loss_node = arguments.get("loss")
        losses: list[LossUse] = []
        loss_known = True
        if loss_node is not None:
            losses, loss_known = self.read_losses(loss_node)
        metrics = []
        if "metrics" in arguments:
            metrics = self.objects.metrics(arguments["metrics"])
        starred = has_star_kwargs(node)
        compile_call = CompileCall(
            node=node,
            range=as_range(self.source, node),
            losses=losses,
            has_loss=loss_node is not None or starred,
            loss_known=loss_known and not (starred and loss_node is None),
            metrics=metrics,
        )
        if model.compile is None or not self.conditional:
            model.compile = compile_call
        if self.conditional and model.compile is not compile_call:
            model.compile.loss_known = False

    def read_losses(self, node: ast.expr) -> tuple[list, bool]:
        if isinstance(node, ast.List | ast.Tuple):
            return [
                self.objects.loss(item, index) for index, item in enumerate(node.elts)
            ], True
        if isinstance(node, ast.Dict):
            uses = []
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    uses.append(self.objects.loss(value, key.value))
                else:
                    return [], False
            return uses, True
        use = self.objects.loss(node)
        return [use], use.loss is not None or use.form != "unknown"

    def apply_layer(self, layer: Layer, node: ast.Call) -> Value:
        arguments = [self.evaluate(argument) for argument in node.args]
        if not arguments:
            return UNKNOWN
        items = (
            arguments[0].items if isinstance(arguments[0], Sequence) else [arguments[0]]
        )
        parents = [
            item
            if isinstance(item, Tensor)
            else Tensor(graph.opaque_layer(node.args[0], self.source, False), None)
            for item in items
        ]
        layer.input_node = node.args[0]
        layer.applied_at = as_range(self.source, node)
        if self.conditional:
            layer.conditional = True
        return graph.apply(layer, parents, self.knowledge)

    def apply_model(self, model: Model, node: ast.Call) -> Value:
        """A whole model used as a layer: its output is a tensor of unknown shape."""
        model.compiled_elsewhere = True
        return self.unknown_call(node, escapes=False)

    # -- functions -----------------------------------------------------------------

    def call_function(
        self,
        function: FunctionValue,
        args: list[ast.expr],
        keywords: dict[str, ast.expr],
        instance: Instance | None,
        preset: dict[str, Value] | None = None,
    ) -> Value:
        function.called = function.called or not self.standalone
        values = [
            self.evaluate(arg) for arg in args if not isinstance(arg, ast.Starred)
        ]
        keyword_values = {
            name: self.evaluate(value) for name, value in keywords.items()
        }
        if self.depth >= MAX_CALL_DEPTH:
            for value in [*values, *keyword_values.values()]:
                self.escape(value)
            return UNKNOWN
        scope = Scope(parent=self.module, instance=instance)
        parameters = [
            a.arg for a in (*function.node.args.posonlyargs, *function.node.args.args)
        ]
        if instance is not None and parameters:
            scope.names[parameters[0]] = instance
            parameters = parameters[1:]
        for name in parameters + [a.arg for a in function.node.args.kwonlyargs]:
            scope.names[name] = UNKNOWN
        for name, value in zip(parameters, values, strict=False):
            scope.names[name] = value
        for name, value in keyword_values.items():
            if name in scope.names:
                scope.names[name] = value
        if preset:
            scope.names.update(preset)
        saved = (self.scope, self.conditional)
        self.scope, self.conditional = scope, 0
        self.depth += 1
        try:
            self.block(function.node.body)
        finally:
            self.depth -= 1
            self.scope, self.conditional = saved
        returned = scope.returns
        if not returned:
            return Const(None)
        if self.standalone and self.depth == 0:
            for value in returned:
                self.escape(value)
        first = returned[0]
        return first if all(same(first, value) for value in returned) else UNKNOWN

    def escape(self, value: Value) -> None:
        """The value leaves what this file shows: a model there may be compiled elsewhere."""
        model = value.model if isinstance(value, ModelValue | Instance) else None
        if model is not None:
            model.compiled_elsewhere = True
        elif isinstance(value, Sequence):
            for item in value.items:
                self.escape(item)


def _exits_early(body: list[ast.stmt]) -> bool:
    """Whether a loop body may stop before its last statement (break, continue, return)."""
    pending = list(body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, ast.Break | ast.Continue | ast.Return | ast.Raise):
            return True
        if not isinstance(
            statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
        ):
            pending.extend(nested(statement))
    return False


_EXPRESSIONS: dict[type, Callable[[Reader, Any], Value]] = {
    ast.Constant: Reader.constant,
    ast.Name: Reader.name,
    ast.Attribute: Reader.attribute,
    ast.Tuple: Reader.sequence,
    ast.List: Reader.sequence,
    ast.Call: Reader.call,
    ast.BinOp: Reader.binary,
    ast.UnaryOp: Reader.unary,
    ast.Subscript: Reader.subscript,
    ast.IfExp: Reader.if_expression,
    ast.Dict: Reader.dictionary,
    ast.NamedExpr: Reader.named_expression,
}


def _keywords(node: ast.Call) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in node.keywords if k.arg is not None}


def _method(node: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef) and statement.name == name:
            return statement
    return None


def module_imports(tree: ast.Module) -> ImportMap:
    return ImportMap.of(_imports(tree))


def _imports(tree: ast.Module) -> Iterator[ast.stmt]:
    """Module-level statements first (aliases need their order), then nested imports."""
    yield from tree.body
    pending = [child for statement in tree.body for child in nested(statement)]
    while pending:
        statement = pending.pop()
        if isinstance(statement, ast.Import | ast.ImportFrom):
            yield statement
        pending.extend(nested(statement))


@dataclass
class ModuleFacts:
    models: list[Model]
    imports: ImportMap


def read_models(tree: ast.Module, source: SourceText) -> ModuleFacts:
    """Every model the module builds, with what can be known about it."""
    reader = Reader(tree, source)
    return ModuleFacts(data.with_class_constant(reader.run(), tree), reader.imports)


def read_models_by_region(
    tree: ast.Module, source: SourceText, previous: RegionCache | None
) -> tuple[ModuleFacts, RegionCache]:
    """The same models as :func:`read_models`, read region by region so that the next
    version can reuse the regions an edit did not touch."""
    imports = module_imports(tree)

    def read_part(part: ast.Module) -> list[Model]:
        return Reader(part, source, imports=imports).run()

    models, cache = read_by_region(tree, source, imports, previous, read_part)
    return ModuleFacts(data.with_class_constant(models, tree), imports), cache
