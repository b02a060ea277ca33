"""The rules: model facts in, findings with fixes out."""

from __future__ import annotations

from kerasense.checks.architecture import check_architecture
from kerasense.checks.context import Context
from kerasense.checks.heads import check_heads
from kerasense.checks.lifecycle import check_lifecycle
from kerasense.facts.reader import ModuleFacts
from kerasense.findings import Finding
from kerasense.source.text import SourceText


def run_checks(facts: ModuleFacts, source: SourceText) -> list[Finding]:
    context = Context(source, facts.imports)
    for model in facts.models:
        check_heads(model, context)
        check_lifecycle(model, context)
        check_architecture(model, context)
    return context.findings
