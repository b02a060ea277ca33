"""Hovers: what the Keras name, string or shape under the cursor means for the model.

This module only finds what is under the cursor and resolves it through the file's
imports; the words come from :mod:`kerasense.knowledge.explain`.
"""

from __future__ import annotations

import ast
import re
import warnings
from typing import TYPE_CHECKING

from lsprotocol import types

from kerasense.facts import shapes
from kerasense.facts.model import Model
from kerasense.findings import Position
from kerasense.knowledge import knowledge
from kerasense.knowledge.explain import (
    explain_activation,
    explain_loss,
    explain_name,
    explain_shape,
)
from kerasense.lsp.imports import imports_in
from kerasense.lsp.textscan import dotted_before, matching_close, scan, word_at
from kerasense.source.text import SourceText
from kerasense.syntax.names import ImportMap
from kerasense.syntax.parse import parse_expression

if TYPE_CHECKING:
    from kerasense.lsp.server import KerasenseServer

_SHAPE_KEYWORDS = ("input_shape", "shape", "batch_input_shape")
_INPUTS = ("keras.Input", "keras.layers.Input", "keras.layers.InputLayer")


def _literal(text: str) -> object:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _shape(value: object) -> tuple[int | None, ...] | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, tuple | list) and all(
        v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in value
    ):
        return tuple(value)
    return None


def _bracketed_after(text: str, index: int) -> str | None:
    """The bracketed expression starting at the first non-blank after ``index``."""
    match = re.compile(r"\s*").match(text, index)
    start = match.end() if match else index
    if start >= len(text) or text[start] not in "([":
        return None
    close = matching_close(text, start)
    return text[start : close + 1] if close is not None else None


def _shape_of_keyword(text: str, end: int) -> tuple[int | None, ...] | None:
    """The literal shape after ``input_shape=``, ``shape=`` and the like."""
    equals = re.compile(r"\s*=(?!=)").match(text, end)
    if equals is None:
        return None
    written = _bracketed_after(text, equals.end())
    return _shape(_literal(written)) if written else None


def _shape_of_input_call(text: str, end: int) -> tuple[int | None, ...] | None:
    """The shape an ``Input(...)`` call written right after ``end`` declares."""
    arguments = _bracketed_after(text, end)
    if arguments is None or not arguments.startswith("("):
        return None
    call = parse_expression(f"f{arguments}")
    if not isinstance(call, ast.Call):
        return None
    node = call.args[0] if call.args else None
    for keyword in call.keywords:
        if keyword.arg == "shape":
            node = keyword.value
    return _shape(_literal(ast.unparse(node))) if node is not None else None


def _string_target(text: str, offset: int) -> tuple[str, int, int] | None:
    """The explanation of a loss or activation name in the string under the cursor."""
    found = scan(text, offset)
    if found.string_start is None or found.quote is None:
        return None
    close = text.find(found.quote, found.string_start)
    end = close if close >= 0 else offset
    value = text[found.string_start : end]
    bracket = found.innermost
    keyword = found.keyword() if bracket and bracket.char == "(" else None
    if bracket and bracket.char in "[{" and keyword is None:
        keyword = bracket.keyword
    table = knowledge()
    if keyword == "loss" and (loss := table.loss_from_string(value)):
        return explain_loss(loss), found.string_start, end
    called = bracket.callee if bracket else None
    is_activation_layer = called is not None and called.endswith("Activation")
    if keyword == "activation" or (is_activation_layer and keyword is None):
        activation = table.activation_from_string(value)
        if activation is not None:
            return explain_activation(activation), found.string_start, end
    return None


def _name_target(
    text: str, offset: int, imports: ImportMap
) -> tuple[str, int, int] | None:
    start, end = word_at(text, offset)
    if start == end:
        return None
    word = text[start:end]
    if word in _SHAPE_KEYWORDS:
        shape = _shape_of_keyword(text, end)
        return (explain_shape(shape), start, end) if shape is not None else None
    _, dotted = dotted_before(text, end)
    node = parse_expression(dotted.strip("."))
    if node is None:
        return None
    canonical = imports.resolve(node)
    if canonical is None:
        return None
    if canonical in _INPUTS:
        shape = _shape_of_input_call(text, end)
        if shape is not None:
            return explain_shape(shape), start, end
    markdown = explain_name(canonical)
    return (markdown, start, end) if markdown else None


def layer_shape(models: list[Model], position: Position) -> str | None:
    """The static output shape of the layer whose call starts at ``position``."""
    labels = []
    for model in models:
        for layer in model.layers:
            if layer.range.start <= position < layer.range.end and layer.output_shape:
                label = shapes.describe(layer.output_shape)
                if label not in labels:
                    labels.append(label)
    return " | ".join(labels) if labels else None


def hover(server: KerasenseServer, params: types.HoverParams) -> types.Hover | None:
    document = server.document(params.text_document.uri)
    if document is None:
        return None
    text = document.source
    source = SourceText(text)
    columns = server.columns()
    offset = columns.offset(source, params.position)
    uri = params.text_document.uri
    facts = server.checker.facts(uri)
    imports = facts.imports if facts is not None and facts.source.text == text else None
    target = _string_target(text, offset) or _name_target(
        text, offset, server.notebooks.imports(uri) or imports or imports_in(text)
    )
    if target is None:
        return None
    markdown, start, end = target
    if facts is not None and facts.source.text == text:
        shape = layer_shape(facts.models, source.position(start))
        if shape is not None:
            markdown += f"\n\n**Output shape here:** `{shape}`"
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown),
        range=types.Range(
            start=columns.to_lsp(source, source.position(start)),
            end=columns.to_lsp(source, source.position(end)),
        ),
    )
