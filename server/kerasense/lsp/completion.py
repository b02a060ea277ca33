"""Completions: values for ``activation=``, ``loss=`` and ``metrics=``, whole compile calls,
and heads and network blocks where layers go (see :mod:`~kerasense.lsp.layer_slots`).

The text around the cursor is read with :mod:`~kerasense.lsp.textscan`, so completion
works on half-typed lines in files that do not parse. What is known about the model
(its head, its classes, its labels) comes from the newest analysis that parsed, or,
for a model built by a helper in another module, from :mod:`~kerasense.lsp.follow`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from lsprotocol import types

from kerasense.engine import Analysis
from kerasense.facts.model import Model
from kerasense.fixes.snippets import Snippet, Spelling, compile_arguments
from kerasense.knowledge.explain import (
    Choice,
    activation_choices,
    head_tasks,
    loss_choices,
    metric_choices,
    model_tasks,
)
from kerasense.lsp import layer_slots
from kerasense.lsp.imports import imports_in
from kerasense.lsp.positions import Columns
from kerasense.lsp.textscan import Bracket, Scan, matching_close, next_significant, scan
from kerasense.source.text import SourceText
from kerasense.syntax.parse import parse_expression

if TYPE_CHECKING:
    from kerasense.lsp.server import KerasenseServer

logger = logging.getLogger(__name__)

FOLLOW_TIMEOUT = 3.0
_VALUE_KEYWORDS = ("activation", "loss", "metrics")
_OUTPUT_NAMES = re.compile(r"^(?:out|outputs?|preds?|predictions?|logits|y|head)$")


@dataclass
class Place:
    """Everything a completion request looks at."""

    uri: str
    text: str
    source: SourceText
    columns: Columns
    offset: int
    scan: Scan
    facts: Analysis | None
    snippets: bool
    spell: Spelling
    path: str | None = None
    root: str | None = None

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text else "\n"

    def edit(self, start: int, new_text: str) -> types.TextEdit:
        """Replace the text from ``start`` to the cursor."""
        lsp_range = types.Range(
            start=self.columns.to_lsp(self.source, self.source.position(start)),
            end=self.columns.to_lsp(self.source, self.source.position(self.offset)),
        )
        return types.TextEdit(
            range=lsp_range, new_text=new_text.replace("\n", self.newline)
        )

    def insert(self, offset: int, new_text: str) -> types.TextEdit:
        point = self.columns.to_lsp(self.source, self.source.position(offset))
        return types.TextEdit(
            range=types.Range(start=point, end=point),
            new_text=new_text.replace("\n", self.newline),
        )

    def render(self, snippet: Snippet) -> str:
        return snippet.as_snippet() if self.snippets else snippet.as_text()

    @property
    def text_format(self) -> types.InsertTextFormat:
        if self.snippets:
            return types.InsertTextFormat.Snippet
        return types.InsertTextFormat.PlainText

    def model(self, variable: str | None) -> Model | None:
        """The model bound to ``variable`` in the newest good analysis, or its only one."""
        models = self.facts.models if self.facts else []
        named = [m for m in models if variable and m.variable == variable]
        if named:
            return named[-1]
        return models[0] if len(models) == 1 and variable is None else None

    def _is_keras(self, dotted: str) -> bool:
        node = parse_expression(dotted)
        return node is not None and self.spell.imports.resolve(node) is not None

    async def followed_model(self, variable: str | None) -> Model | None:
        """As :meth:`model`, also following ``variable = helper()`` into other modules."""
        found = self.model(variable)
        if found is not None or variable is None or not variable.isidentifier():
            return found
        from kerasense.lsp.follow import JEDI_THREAD, assigned_call, helper_model

        call = assigned_call(self.text, variable, self.offset)
        if call is None or self._is_keras(call.name):
            return None
        job = partial(helper_model, self.text, self.path, self.root, call)
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(JEDI_THREAD, job), FOLLOW_TIMEOUT
            )
        except asyncio.TimeoutError:
            logger.warning(
                "Following %s took over %ss; gave up", variable, FOLLOW_TIMEOUT
            )
        except Exception:
            logger.exception("Following %s into another module failed", variable)
        return None


def value_item(choice: Choice, rank: int, edit: types.TextEdit) -> types.CompletionItem:
    return types.CompletionItem(
        label=choice.name,
        kind=types.CompletionItemKind.Value,
        detail=choice.reason,
        sort_text=f"{0 if choice.fits else 1}{rank:04d}",
        filter_text=choice.name,
        preselect=(choice.fits and rank == 0) or None,
        text_edit=edit,
    )


def _units_of(place: Place, bracket: Bracket) -> int | None:
    """The ``units`` the layer call at ``bracket`` gives, when written as a number."""
    close = matching_close(place.text, bracket.offset)
    inside = place.text[
        bracket.offset + 1 : close if close is not None else place.offset
    ]
    match = re.match(r"\s*(?:units\s*=\s*)?(\d+)\s*(?:,|$)", inside)
    return int(match.group(1)) if match else None


def _is_head_call(place: Place, bracket: Bracket) -> bool:
    """Whether the layer call at ``bracket`` is the last one of its model."""
    text, found = place.text, place.scan
    facts = place.facts
    if facts is not None and facts.source.text == text:
        for model in facts.models:
            for head in model.heads:
                if (
                    head.layer.range.start
                    <= facts.source.position(bracket.offset)
                    <= head.range.end
                ):
                    return True
    close = matching_close(text, bracket.offset)
    if close is None:
        return False
    parent = found.brackets[-2] if len(found.brackets) > 1 else None
    if parent is not None and parent.char == "[":
        after = next_significant(text, close + 1)
        if after == ",":
            comma = text.index(",", close + 1)
            after = next_significant(text, comma + 1)
        return after == "]"
    if parent is not None and parent.callee and parent.callee.endswith(".add"):
        owner = re.escape(parent.callee[: -len(".add")])
        return re.search(rf"\b{owner}\s*\.\s*add\s*\(", text[close:]) is None
    target = re.match(r"\s*([A-Za-z_]\w*)\s*=", found.statement_text())
    if parent is None and target:
        name = target.group(1)
        used = re.search(rf"Model\s*\([^)]*\b{re.escape(name)}\b", text[close:])
        return bool(_OUTPUT_NAMES.match(name) or used)
    return False


async def _value_choices(place: Place, kind: str, bracket: Bracket) -> list[Choice]:
    found = place.scan
    call = found.innermost if kind != "metrics" or bracket.char == "(" else found.parent
    if kind == "activation":
        head = _is_head_call(place, bracket)
        parent = found.brackets[-2] if len(found.brackets) > 1 else None
        owner = _receiver(parent.callee if parent else None, ".add")
        model = place.model(owner or _assigned(found))
        loss = (
            model.compile.losses[0].loss
            if model and model.compile and model.compile.losses
            else None
        )
        labels = model.labels.encoding if model and model.labels else None
        tasks = head_tasks(_units_of(place, bracket), None, loss, labels)
        return activation_choices(tasks, head=head)
    variable = _receiver(call.callee if call else None, ".compile")
    model = await place.followed_model(variable)
    labels = model.labels.encoding if model and model.labels else None
    if kind == "loss":
        return loss_choices(model_tasks(model), labels)
    return metric_choices(model_tasks(model))


def _assigned(found: Scan) -> str | None:
    match = re.match(r"\s*([A-Za-z_]\w*)\s*=[^=]", found.statement_text())
    return match.group(1) if match else None


def _receiver(callee: str | None, method: str) -> str | None:
    if callee and callee.endswith(method):
        return callee[: -len(method)] or None
    return None


async def value_items(place: Place) -> list[types.CompletionItem] | None:
    """Names for ``activation=``, ``loss=`` and ``metrics=`` (also inside the list)."""
    found = place.scan
    bracket = found.innermost
    if bracket is None:
        return None
    keyword = found.keyword() if bracket.char == "(" else None
    in_metrics_list = bracket.char == "[" and bracket.keyword == "metrics"
    if keyword in _VALUE_KEYWORDS:
        kind = keyword
        typed = found.argument_text().split("=", 1)[1]
    elif in_metrics_list:
        kind, typed = "metrics", found.argument_text()
    else:
        return None

    if found.string_start is not None:
        start, wrap = found.string_start, "{}"
    else:
        if not re.fullmatch(r"\s*\w*", typed):
            return None
        start = place.offset - len(typed.lstrip())
        wrap = '["{}"]' if kind == "metrics" and not in_metrics_list else '"{}"'
    choices = await _value_choices(place, kind, bracket)
    return [
        value_item(choice, rank, place.edit(start, wrap.format(choice.name)))
        for rank, choice in enumerate(choices)
    ]


async def compile_items(place: Place) -> list[types.CompletionItem] | None:
    """Whole argument lists for an empty ``model.compile(``, matching the head."""
    found = place.scan
    bracket = found.innermost
    variable = _receiver(bracket.callee if bracket else None, ".compile")
    typed = found.typed_name()
    if bracket is None or variable is None or typed is None or bracket.argument_index:
        return None
    start, name = typed
    if "." in name:
        return None
    model = await place.followed_model(variable)
    tasks = model_tasks(model)
    labels = model.labels.encoding if model and model.labels else None
    narrowed = model is not None and len(tasks) < len(head_tasks(None, None))
    items = []
    for rank, task in enumerate(tasks):
        arguments = compile_arguments(task, labels, choices=place.snippets)
        why = "matches the head" if narrowed else "if the model is for this task"
        items.append(
            types.CompletionItem(
                label=arguments.as_text(),
                kind=types.CompletionItemKind.Snippet,
                detail=f"{task.title}: {why}",
                documentation=f"{task.summary} Targets: {task.targets}.",
                sort_text=f"0{rank:04d}",
                filter_text=arguments.as_text(),
                preselect=rank == 0 or None,
                insert_text_format=place.text_format,
                text_edit=place.edit(start, place.render(arguments)),
            )
        )
    return items


async def complete(
    server: KerasenseServer, params: types.CompletionParams
) -> types.CompletionList | None:
    uri = params.text_document.uri
    document = server.document(uri)
    if document is None:
        return None
    text = document.source
    source = SourceText(text)
    columns = server.columns()
    offset = columns.offset(source, params.position)
    facts = server.checker.facts(uri)
    imports = facts.imports if facts is not None and facts.source.text == text else None
    place = Place(
        uri=uri,
        text=text,
        source=source,
        columns=columns,
        offset=offset,
        scan=scan(text, offset),
        facts=facts,
        snippets=server.snippets_supported(),
        spell=Spelling(server.notebooks.imports(uri) or imports or imports_in(text)),
        path=document.path if uri.startswith("file:") else None,
        root=server.workspace.root_path,
    )
    items: Sequence[types.CompletionItem] | None = await value_items(place)
    if items is None:
        items = await compile_items(place)
    if items is None:
        items = layer_slots.slot_items(place)
    if not items:
        return None
    return types.CompletionList(is_incomplete=False, items=list(items))
