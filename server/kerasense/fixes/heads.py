"""Fixes for heads, losses and metrics, written in the file's own Keras spelling.

Every builder returns None when it cannot write a safe edit (for example, when the file
has no name under which ``Flatten`` can be written), rather than a guess.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from kerasense.facts.model import CompileCall, Head, Layer, LossUse, MetricUse, Model
from kerasense.findings import Fix, Position, Range, TextEdit
from kerasense.fixes import edits
from kerasense.knowledge import Knowledge, Loss, knowledge
from kerasense.source.text import SourceText, as_range
from kerasense.syntax.names import ImportMap

if TYPE_CHECKING:
    from kerasense.engine import Analysis

TASK_METRICS = {
    "binary": "accuracy",
    "multiclass": "accuracy",
    "multilabel": "binary_accuracy",
    "regression": "mae",
}


class FixBuilder:
    def __init__(
        self, source: SourceText, imports: ImportMap, knowledge: Knowledge
    ) -> None:
        self.source = source
        self.imports = imports
        self.knowledge = knowledge

    def _fix(
        self, title: str, *changes: TextEdit | None, preferred: bool = False
    ) -> Fix | None:
        if any(change is None for change in changes):
            return None
        return Fix(title, tuple(c for c in changes if c is not None), preferred)

    def spell(self, canonical: str) -> str | None:
        return self.imports.spelling_for(canonical)

    def spell_or_import(self, canonical: str) -> tuple[str, TextEdit | None] | None:
        """How to write ``canonical`` here, adding it to an existing ``from M import``
        of its module when the file has no name for it yet."""
        spelled = self.spell(canonical)
        if spelled is not None:
            return spelled, None
        module, _, name = canonical.rpartition(".")
        statement = self.imports.from_imports.get(module)
        if statement is None or any(
            a.asname == name or a.name == name for a in statement.names
        ):
            return None
        last = as_range(self.source, statement.names[-1]).end
        return name, TextEdit(Range(last, last), f", {name}")

    # -- head -------------------------------------------------------------------------

    @staticmethod
    def core(head: Head) -> Layer:
        layer = head.layer
        return layer.inner if layer.family == "wrapper" and layer.inner else layer

    def set_activation(
        self, head: Head, key: str, title: str, preferred: bool = False
    ) -> Fix | None:
        layer = head.activation_layer
        if layer is not None:
            if layer.name == "Activation" and "activation" in layer.arguments:
                node = layer.arguments["activation"]
                return self._fix(
                    title,
                    edits.replace_string(self.source, node, key),
                    preferred=preferred,
                )
            activation = self.spell("keras.layers.Activation")
            if activation is None:
                return None
            text = f"{activation}({edits.string_literal(self.source, None, key)})"
            return self._fix(
                title, edits.replace(self.source, layer.node, text), preferred=preferred
            )
        core = self.core(head)
        current = core.arguments.get("activation")
        literal = edits.string_literal(self.source, current, key)
        if current is not None:
            return self._fix(
                title, edits.replace(self.source, current, literal), preferred=preferred
            )
        return self._fix(
            title,
            edits.add_keyword(self.source, core.node, "activation", literal),
            preferred=preferred,
        )

    def drop_activation(
        self, head: Head, title: str, preferred: bool = False
    ) -> Fix | None:
        if head.activation_layer is not None:
            return self.set_activation(head, "linear", title, preferred)
        core = self.core(head)
        for keyword in core.node.keywords:
            if keyword.arg == "activation":
                return self._fix(
                    title,
                    edits.remove_keyword(self.source, core.node, keyword),
                    preferred=preferred,
                )
        node = core.arguments.get("activation")
        if node is None:
            return None
        return self._fix(
            title, edits.replace(self.source, node, "None"), preferred=preferred
        )

    def set_units(self, head: Head, units: int, preferred: bool = True) -> Fix | None:
        if head.units_node is None:
            return None
        return self._fix(
            f"Use {units} units",
            edits.replace(self.source, head.units_node, str(units)),
            preferred=preferred,
        )

    # -- loss -------------------------------------------------------------------------

    def set_loss(
        self, use: LossUse, key: str, title: str, preferred: bool = False
    ) -> Fix | None:
        loss = self.knowledge.losses[key]
        if use.form == "string":
            return self._fix(
                title,
                edits.replace_string(self.source, use.node, loss.spellings[0]),
                preferred=preferred,
            )
        call = _loss_call(use)
        if use.form == "class" and call is not None:
            renamed = self._rename(call.func, "keras.losses", loss.classes[0])
        elif use.form == "function":
            renamed = self._rename(use.node, "keras.losses", loss.functions[0])
        else:
            return None
        return self._fix(title, *renamed, preferred=preferred) if renamed else None

    def _rename(
        self, node: ast.expr, namespace: str, name: str
    ) -> tuple[TextEdit, ...] | None:
        """Edits that make ``node`` name ``namespace.name`` instead: the same prefix
        for ``losses.X``, else the file's own name for it, imported if need be."""
        if isinstance(node, ast.Attribute):
            prefix = self.source.text_in(as_range(self.source, node.value))
            return (edits.replace(self.source, node, f"{prefix}.{name}"),)
        written = self.spell_or_import(f"{namespace}.{name}")
        if written is None:
            return None
        spelled, import_edit = written
        replaced = edits.replace(self.source, node, spelled)
        return (replaced,) if import_edit is None else (import_edit, replaced)

    def add_from_logits(self, use: LossUse, preferred: bool = False) -> Fix | None:
        title = "Pass from_logits=True to the loss"
        call = _loss_call(use)
        if use.form == "class" and call is not None:
            return self._fix(
                title,
                edits.set_keyword(self.source, call, "from_logits", "True"),
                preferred=preferred,
            )
        if (
            use.loss is None
            or not use.loss.classes
            or use.form not in ("string", "function")
        ):
            return None
        spelled = self.spell(f"keras.losses.{use.loss.classes[0]}")
        if spelled is None:
            return None
        return self._fix(
            title,
            edits.replace(self.source, use.node, f"{spelled}(from_logits=True)"),
            preferred=preferred,
        )

    def drop_from_logits(self, use: LossUse, preferred: bool = False) -> Fix | None:
        call = _loss_call(use)
        if call is None or use.from_logits_node is None:
            return None
        return self._fix(
            "Remove from_logits=True",
            edits.remove_keyword(self.source, call, use.from_logits_node),
            preferred=preferred,
        )

    def add_loss(self, compile_call: CompileCall, loss: Loss) -> Fix | None:
        literal = edits.string_literal(self.source, None, loss.spellings[0])
        return self._fix(
            f"Add loss={literal}",
            edits.add_keyword(self.source, compile_call.node, "loss", literal),
            preferred=True,
        )

    def replace_metric(self, metric: MetricUse, name: str) -> Fix | None:
        literal = edits.string_literal(self.source, metric.node, name)
        return self._fix(
            f'Use the "{name}" metric',
            edits.replace(self.source, metric.node, literal),
            preferred=True,
        )

    # -- architecture ---------------------------------------------------------------

    def insert_flatten(self, model: Model, head: Head) -> Fix | None:
        written = self.spell_or_import("keras.layers.Flatten")
        if written is None:
            return None
        flatten, import_edit = written
        layer = _first_on_feature_maps(model, head)
        title = (
            "Insert Flatten before the head"
            if layer is head.layer
            else "Insert Flatten before the first Dense layer"
        )
        fix = self._insert_flatten(model, layer, flatten, title)
        if fix is None or import_edit is None:
            return fix
        return Fix(fix.title, (import_edit, *fix.edits), fix.preferred)

    def _insert_flatten(
        self, model: Model, layer: Layer, flatten: str, title: str
    ) -> Fix | None:
        if layer.input_node is not None:
            inner = self.source.text_in(as_range(self.source, layer.input_node))
            return self._fix(
                title,
                edits.replace(self.source, layer.input_node, f"{flatten}()({inner})"),
                preferred=True,
            )
        if model.list_node is not None and layer.node in model.list_node.elts:
            start = layer.range.start
            own_line = not self.source.line(start.line)[: start.column].strip()
            separator = (
                "\n" + edits.indentation(self.source, start.line) if own_line else " "
            )
            return self._fix(
                title,
                TextEdit(Range(start, start), f"{flatten}(),{separator}"),
                preferred=True,
            )
        for call in model.add_calls:
            if (
                call.args
                and call.args[0] is layer.node
                and isinstance(call.func, ast.Attribute)
            ):
                receiver = self.source.text_in(as_range(self.source, call.func.value))
                start = as_range(self.source, call).start
                before = self.source.line(start.line)[: start.column]
                added = f"{receiver}.add({flatten}())"
                if not before.strip():
                    edit = edits.insert_line_before(self.source, start.line, added)
                elif before.rstrip().endswith(";"):
                    # `model.add(Conv2D(...)); model.add(Dense(...))`: on that line.
                    edit = TextEdit(Range(start, start), f"{added}; ")
                else:
                    return None  # inside a loop or a condition header: not ours to edit
                return self._fix(title, edit, preferred=True)
        return None

    def drop_return_sequences(self, layer: Layer) -> Fix | None:
        for keyword in layer.node.keywords:
            if keyword.arg == "return_sequences":
                return self._fix(
                    "Return only the last step (drop return_sequences=True)",
                    edits.remove_keyword(self.source, layer.node, keyword),
                    preferred=True,
                )
        return None

    def drop_batch_axis(self, shape_node: ast.expr) -> Fix | None:
        if not isinstance(shape_node, ast.Tuple | ast.List) or len(shape_node.elts) < 2:
            return None
        first = as_range(self.source, shape_node.elts[0])
        second = as_range(self.source, shape_node.elts[1])
        changes = [TextEdit(Range(first.start, second.start), "")]
        if isinstance(shape_node, ast.Tuple) and len(shape_node.elts) == 2:
            # (None, 28) must become (28,), and (None, *s) (*s,): a tuple still.
            last = as_range(self.source, shape_node.elts[-1]).end
            closing = as_range(self.source, shape_node).end
            if "," not in self.source.text_in(Range(last, closing)):
                changes.append(TextEdit(Range(last, last), ","))
        return self._fix(
            "Remove the batch axis from the shape", *changes, preferred=True
        )

    # -- whole heads and compile calls ---------------------------------------------

    def task_loss(self, task: str, model: Model) -> Loss:
        losses = self.knowledge.tasks[task].losses
        encoding = model.labels.encoding if model.labels else None
        if task == "multiclass":
            key = losses["one_hot"] if encoding == "one_hot" else losses["integer"]
        else:
            key = next(iter(losses.values()))
        return self.knowledge.losses[_loss_key(self.knowledge, key)]

    def compile_text(self, model: Model, task: str) -> str | None:
        if model.variable is None:
            return None
        loss = self.task_loss(task, model)
        metric = TASK_METRICS[task]
        return (
            f'{model.variable}.compile(optimizer="adam", loss="{loss.spellings[0]}", '
            f'metrics=["{metric}"])'
        )

    def head_text(self, model: Model, task: str) -> str | None:
        dense = self.spell("keras.layers.Dense")
        if dense is None:
            return None
        spec = self.knowledge.tasks[task]
        if spec.units in ("1", "values"):
            # One value is the usual regression target (a price, a temperature).
            units = "1"
        elif model.classes:
            units = str(model.classes)
        else:
            return None
        activation = (
            "" if spec.activation == "linear" else f', activation="{spec.activation}"'
        )
        return f"{dense}({units}{activation})"

    def add_compile(self, model: Model, task: str) -> Fix | None:
        text = self.compile_text(model, task)
        anchor = _last_statement(self.source, model)
        if text is None or anchor is None:
            return None
        title = f"Compile for {self.knowledge.tasks[task].title.lower()}"
        return self._fix(title, _insert_after(self.source, anchor, text))

    def insert_head(self, model: Model, task: str) -> Fix | None:
        head = self.head_text(model, task)
        if head is None or model.kind != "sequential":
            return None
        changes: list[TextEdit] = []
        if model.list_node is not None and not model.add_calls:
            changes.append(_append_to_list(self.source, model.list_node, head))
        elif model.add_calls and model.variable:
            last_add = _place_of(self.source, model.add_calls[-1])
            changes.append(
                _insert_after(self.source, last_add, f"{model.variable}.add({head})")
            )
        else:
            return None
        if model.compile is None:
            compile_text = self.compile_text(model, task)
            anchor = _last_statement(self.source, model)
            if compile_text is None or anchor is None:
                return None
            changes.append(_insert_after(self.source, anchor, compile_text))
        title = f"Insert a head for {self.knowledge.tasks[task].title.lower()}"
        return Fix(title, tuple(changes))


def _loss_key(knowledge: Knowledge, spelling: str) -> str:
    found = knowledge.loss_from_string(spelling)
    return found.key if found else spelling


def _loss_call(use: LossUse) -> ast.Call | None:
    if use.from_logits_node is not None or use.form == "class":
        node = use.origin
        return node if isinstance(node, ast.Call) else None
    return None


Place = tuple[int, str]
"""Where a statement ends (its last line) and the indentation it starts with."""


def _place_of(source: SourceText, node: ast.AST) -> Place:
    """The end line of ``node`` and the indentation of the statement it starts: its
    own column when only blanks stand before it, else its line's indentation."""
    where = as_range(source, node)
    before = source.line(where.start.line)[: where.start.column]
    indent = (
        before if not before.strip() else edits.indentation(source, where.start.line)
    )
    return where.end.line, indent


def _last_statement(source: SourceText, model: Model) -> Place | None:
    """The last of the statements that build the model: its assignment and ``add``s."""
    nodes: list[ast.AST] = list(model.add_calls)
    if model.statement is not None:
        nodes.append(model.statement)
    places = [_place_of(source, node) for node in nodes]
    return max(places, key=lambda place: place[0]) if places else None


def _insert_after(source: SourceText, place: Place, text: str) -> TextEdit:
    """A new line after the statement at ``place``, at the statement's indentation, so
    that the new line stays in the statement's block (a function, a ``with``)."""
    line, indent = place
    end = Position(line, len(source.line(line)))
    return TextEdit(Range(end, end), f"{edits.newline(source)}{indent}{text}")


def _append_to_list(source: SourceText, node: ast.List, text: str) -> TextEdit:
    if not node.elts:
        end = as_range(source, node).end
        inside = Position(end.line, max(end.column - 1, 0))
        return TextEdit(Range(inside, inside), text)
    last = as_range(source, node.elts[-1])
    first_line = as_range(source, node).start.line
    if (
        last.start.line != first_line
        and not source.line(last.start.line)[: last.start.column].strip()
    ):
        indent = edits.indentation(source, last.start.line)
        line_end = edits.newline(source)
        return TextEdit(Range(last.end, last.end), f",{line_end}{indent}{text}")
    return TextEdit(Range(last.end, last.end), f", {text}")


_HEAD_KINDS = {"distribution", "probability", "linear", "log_distribution"}


def has_head(model: Model) -> bool:
    """Whether the model ends in a layer that can serve as a head (Dense, not relu)."""
    if not model.heads_known:
        return True
    if not model.heads:
        return False
    return all(
        FixBuilder.core(head).family == "dense" and head.activation_kind in _HEAD_KINDS
        for head in model.heads
    )


def insert_head_fixes(model: Model, analysis: Analysis) -> list[Fix]:
    """ "Insert a head for <task>" (with its compile call) for a model with no head, and
    "Compile for <task>" for a model with a head but no compile call.

    Multiclass and multilabel heads need the class count; when it is unknown they are
    not offered, since the number of units would be a guess.
    """
    if analysis.imports is None:
        return []
    builder = FixBuilder(analysis.source, analysis.imports, knowledge())
    fixes: list[Fix | None] = []
    if not has_head(model):
        fixes = [builder.insert_head(model, task) for task in TASK_METRICS]
    elif model.compile is None and len(model.heads) == 1:
        fixes = [
            builder.add_compile(model, task) for task in _tasks_for(model.heads[0])
        ]
    return [fix for fix in fixes if fix is not None]


def _tasks_for(head: Head) -> list[str]:
    kind = head.activation_kind
    if kind == "probability":
        return ["binary"] if head.units == 1 else ["multilabel"]
    if kind == "distribution":
        return ["multiclass"]
    if kind == "linear":
        return ["regression"]
    return []


# Layers that keep the feature maps as they are, so a Dense stack on feature maps may
# hold them between its Dense layers.
_KEEPING = {"dense", "regularization", "activation", "normalization"}


def _first_on_feature_maps(model: Model, head: Head) -> Layer:
    """The first layer of the Dense stack that ends in the head and sits on feature
    maps: Flatten goes before it, so that every Dense layer of the stack sees vectors.
    Only a Sequential model's layers are in the order they run; a functional head
    keeps Flatten right before it."""
    layers = model.layers
    if model.kind != "sequential" or head.layer not in layers:
        return head.layer
    index = layers.index(head.layer)
    while index > 0:
        before = layers[index - 1]
        rank = before.input_rank
        if before.family not in _KEEPING or rank is None or rank <= 2:
            break
        index -= 1
    while layers[index].family != "dense" and index < len(layers) - 1:
        index += 1
    return layers[index]
