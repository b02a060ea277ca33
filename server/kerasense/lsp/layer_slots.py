"""Completions where a layer goes: heads for the four tasks and network blocks.

Three places take layers: an item of ``Sequential([...])``, the argument of
``model.add(``, and a new statement after a functional chain (``x = Layer(...)(x)``).
Heads come with the compile call that matches them when the model has none; network
blocks follow the modality of the data (the preferred network first). The texts come
from :mod:`kerasense.fixes.snippets`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types

from kerasense.facts.model import Model
from kerasense.fixes.snippets import (
    LayerForm,
    Slot,
    Snippet,
    compile_call,
    head_layer,
    network_layers,
    render_layers,
)
from kerasense.knowledge import Task, knowledge
from kerasense.knowledge.explain import head_tasks, network_title
from kerasense.lsp.textscan import (
    line_indent,
    line_start,
    next_significant,
    rest_of_line,
    statement_end,
)

if TYPE_CHECKING:
    from kerasense.lsp.completion import Place

INDENT = "    "
_FUNCTIONAL = re.compile(r"\)\s*\(\s*[A-Za-z_]\w*\s*\)\s*$")
_INPUT = re.compile(r"^\s*([A-Za-z_]\w*)\s*=\s*[\w.]*Input\s*\(", re.DOTALL)
_TARGET = re.compile(r"^\s*([A-Za-z_]\w*)\s*=(?!=)", re.DOTALL)


@dataclass
class LayerSlot:
    """Where the layers go and how they are written there."""

    form: LayerForm
    start: int
    variable: str | None
    indent: str
    statement_indent: str
    tensor: str = "x"
    target: str | None = None
    inputs: str | None = None
    has_layers: bool = False


def _last(callee: str | None) -> str:
    return callee.rsplit(".", 1)[-1] if callee else ""


def _find_slot(place: Place) -> LayerSlot | None:
    found = place.scan
    text = place.text
    bracket, parent = found.innermost, found.parent
    if bracket is None:
        return _functional_slot(place)
    typed = found.typed_name()
    if typed is None:
        return None
    start, _ = typed
    statement_indent = line_indent(text, found.statement_start)
    if bracket.char == "[" and parent and _last(parent.callee) == "Sequential":
        target = _TARGET.match(found.statement_text())
        indent = line_indent(text, start)
        if text[line_start(text, start) : start].strip():
            indent = statement_indent + INDENT
        return LayerSlot(
            "element",
            start,
            target.group(1) if target else None,
            indent,
            statement_indent,
            has_layers=bracket.argument_index > 0,
        )
    adding = bracket.char == "(" and _last(bracket.callee) == "add"
    if adding and bracket.callee and not bracket.argument_index:
        variable = bracket.callee[: -len(".add")]
        earlier = re.search(
            rf"\b{re.escape(variable)}\s*\.\s*add\s*\(", text[: found.statement_start]
        )
        return LayerSlot(
            "argument",
            start,
            variable,
            statement_indent,
            statement_indent,
            has_layers=earlier is not None,
        )
    return None


def _functional_slot(place: Place) -> LayerSlot | None:
    """A new statement (or the value of ``name =``) after ``x = Layer(...)(x)``."""
    found = place.scan
    if found.brackets or found.string_start is not None:
        return None
    typed = re.fullmatch(
        r"([ \t]*)(?:([A-Za-z_]\w*)\s*=\s*)?([A-Za-z_][\w.]*)?", found.statement_text()
    )
    if typed is None:
        return None
    previous = found.previous_statements()
    if not previous:
        return None
    last = previous[0]
    chained = _TARGET.match(last)
    if chained is None or not (_FUNCTIONAL.search(last.rstrip()) or _INPUT.match(last)):
        return None
    if line_indent(last, 0) != typed.group(1):
        return None
    inputs = next((m.group(1) for s in previous if (m := _INPUT.match(s))), None)
    start = place.offset - len(typed.group(3) or "")
    return LayerSlot(
        "statement",
        start,
        None,
        typed.group(1),
        typed.group(1),
        tensor=chained.group(1),
        target=typed.group(2),
        inputs=inputs,
        has_layers=True,
    )


def _has_compile(text: str, variable: str) -> bool:
    return re.search(rf"\b{re.escape(variable)}\s*\.\s*compile\s*\(", text) is not None


def _close_and_comma(place: Place, slot: LayerSlot) -> str:
    """What ends an inserted block: a comma between list items, the ``)`` of add()."""
    if slot.form == "element":
        return "" if next_significant(place.text, place.offset) == "]" else ","
    if slot.form == "argument" and not rest_of_line(
        place.text, place.offset
    ).lstrip().startswith(")"):
        return ")"
    return ""


def _with_compile(
    place: Place, slot: LayerSlot, task: Task, model: Model | None, body: Snippet
) -> tuple[Snippet, list[types.TextEdit], bool]:
    """The head's text with what completes the model: ``keras.Model(...)`` after a
    functional chain, and the compile call when the model has none. Also the edits
    placed after the statement, and whether a compile call was added."""
    labels = model.labels.encoding if model and model.labels else None
    compiled = model is not None and (
        model.compile is not None or model.compiled_elsewhere
    )
    variable = slot.variable or ("model" if slot.form == "statement" else None)
    if variable is None or compiled or _has_compile(place.text, variable):
        variable = None

    if slot.form == "statement":
        if not re.search(r"\bModel\s*\(", place.text[place.offset :]):
            inputs = slot.inputs or Slot("inputs", "inputs")
            output = slot.target or "outputs"
            model_class = place.spell("keras.Model")
            body = Snippet.of(
                body, f"\n{slot.indent}model = {model_class}(", inputs, f", {output})"
            )
        if variable is None:
            return body, [], False
        call = compile_call(task, variable, labels, choices=place.snippets)
        return Snippet.of(body, f"\n{slot.indent}", call), [], True

    if variable is None:
        return body, [], False
    line = compile_call(task, variable, labels, choices=False).as_text()
    end = statement_end(place.text, place.scan)
    if end is not None:
        return body, [place.insert(end, f"\n{slot.statement_indent}{line}")], True
    if slot.form == "argument":
        return Snippet.of(body, f"\n{slot.statement_indent}{line}"), [], True
    return body, [], False


def _head_item(
    place: Place, slot: LayerSlot, task: Task, model: Model | None, rank: int
) -> types.CompletionItem:
    call = head_layer(task, model.classes if model else None).render(place.spell)
    if slot.form == "statement":
        assigned = "" if slot.target else "outputs = "
        body = Snippet.of(assigned, call, f"({slot.tensor})")
    else:
        body = Snippet.of(call, _close_and_comma(place, slot))
    body, extra, compiled = _with_compile(place, slot, task, model, body)

    return types.CompletionItem(
        label=f"{task.title} head",
        kind=types.CompletionItemKind.Snippet,
        detail=call.as_text() + (" and compile()" if compiled else ""),
        documentation=f"{task.summary} Targets: {task.targets}.",
        sort_text=f"{rank:03d}",
        filter_text=call.as_text(),
        insert_text_format=place.text_format,
        text_edit=place.edit(slot.start, place.render(body)),
        additional_text_edits=extra or None,
    )


def _block_items(
    place: Place, slot: LayerSlot, model: Model | None, first: int
) -> list[types.CompletionItem]:
    table = knowledge()
    modality = (
        table.modalities.get(model.modality) if model and model.modality else None
    )
    if modality is not None:
        pairs = [(modality, network) for network in modality.networks]
    else:
        pairs = [(m, m.networks[0]) for m in table.modalities.values() if m.networks]
    items = []
    for index, (data, network) in enumerate(pairs):
        calls = network_layers(network, data)
        if not calls:
            continue
        body = render_layers(
            calls,
            place.spell,
            slot.form,
            indent=slot.indent,
            model=slot.variable or "model",
            tensor=slot.tensor,
        )
        body = Snippet.of(body, _close_and_comma(place, slot))
        which = "preferred" if data.networks[0] == network else "alternative"
        items.append(
            types.CompletionItem(
                label=f"{data.title}: {network_title(network)}",
                kind=types.CompletionItemKind.Snippet,
                detail=f"{which} network for {data.title.lower()}",
                documentation=data.explanation,
                sort_text=f"{first + index:03d}",
                filter_text=f"{calls[0].render(place.spell).as_text()} {data.title}",
                insert_text_format=place.text_format,
                text_edit=place.edit(slot.start, place.render(body)),
            )
        )
    return items


def slot_items(place: Place) -> list[types.CompletionItem] | None:
    slot = _find_slot(place)
    if slot is None:
        return None
    model = place.model(slot.variable)
    tasks = head_tasks(
        None, None, labels=model.labels.encoding if model and model.labels else None
    )
    has_layers = bool(model.layers) if model is not None else slot.has_layers
    heads_first = 0 if has_layers else 50
    items = [
        _head_item(place, slot, task, model, heads_first + rank)
        for rank, task in enumerate(tasks)
    ]
    ordered = {t.key for t in tasks}
    items += [
        _head_item(place, slot, task, model, heads_first + 10 + rank)
        for rank, task in enumerate(knowledge().tasks.values())
        if task.key not in ordered
    ]
    if slot.form != "statement" or slot.target is None:
        items += _block_items(place, slot, model, 50 - heads_first)
    return items
