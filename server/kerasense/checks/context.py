"""What every check needs: the rule table, the fix builder, and a place for findings."""

from __future__ import annotations

from kerasense.findings import Finding, Fix, Range, Related
from kerasense.fixes.heads import FixBuilder
from kerasense.knowledge import knowledge
from kerasense.source.text import SourceText
from kerasense.syntax.names import ImportMap


class Context:
    def __init__(self, source: SourceText, imports: ImportMap) -> None:
        self.source = source
        self.knowledge = knowledge()
        self.fixes = FixBuilder(source, imports, self.knowledge)
        self.findings: list[Finding] = []

    def report(
        self,
        code: str,
        range_: Range,
        message: str,
        fixes: list[Fix | None] | None = None,
        related: list[Related] | None = None,
    ) -> None:
        rule = self.knowledge.rule(code)
        kept = [fix for fix in fixes or [] if fix is not None]
        if kept and not any(fix.preferred for fix in kept):
            kept[0] = Fix(kept[0].title, kept[0].edits, preferred=True)
        self.findings.append(
            Finding(
                code=code,
                severity=rule.severity,
                message=message,
                range=range_,
                fixes=tuple(kept),
                related=tuple(related or ()),
            )
        )
