"""The rules: model facts in, findings with fixes out."""

from __future__ import annotations

from dataclasses import dataclass, field

from kerasense.checks.architecture import check_architecture
from kerasense.checks.context import Context
from kerasense.checks.heads import check_heads
from kerasense.checks.lifecycle import check_lifecycle
from kerasense.facts.model import Model
from kerasense.facts.reader import ModuleFacts
from kerasense.findings import Finding
from kerasense.fixes.edits import newline
from kerasense.source.text import SourceText


@dataclass
class CheckCache:
    """The findings of each model of the last check, for models read again unchanged
    (:mod:`kerasense.facts.regions` hands back the same objects)."""

    context: tuple[object, ...] = ()
    by_model: dict[int, tuple[Model, list[Finding]]] = field(default_factory=dict)


def run_checks(
    facts: ModuleFacts, source: SourceText, previous: CheckCache | None = None
) -> tuple[list[Finding], CheckCache]:
    """Every model's findings. A model that is the very object checked last time, in
    the same surroundings, keeps its findings: a model's checks read only the model,
    the file's imports (to spell and import names in fixes) and its line ends."""
    context = Context(source, facts.imports)
    surroundings = (
        tuple(facts.imports.names.items()),
        tuple(facts.imports.star_modules),
        tuple(facts.imports.from_imports.items()),
        newline(source),
    )
    old = previous.by_model if previous and previous.context == surroundings else {}
    cache = CheckCache(surroundings)
    findings: list[Finding] = []
    for model in facts.models:
        kept = old.get(id(model))
        if kept is not None and kept[0] is model:
            found = kept[1]
        else:
            start = len(context.findings)
            check_heads(model, context)
            check_lifecycle(model, context)
            check_architecture(model, context)
            found = context.findings[start:]
        cache.by_model[id(model)] = (model, found)
        findings.extend(found)
    return findings, cache
