"""What every check needs: the rule table, the fix builder, and a place for findings."""

from __future__ import annotations

from kerasense.findings import Finding, Fix, Range, Related, Severity
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
        *,
        certain: bool = True,
    ) -> None:
        """Add a finding. One that is not ``certain`` (the code may mean it) is reported
        as information at most, and none of its fixes is preferred, so ``--fix`` and
        fix-all leave it alone."""
        rule = self.knowledge.rule(code)
        kept = [fix for fix in fixes or [] if fix is not None]
        if not certain:
            kept = [Fix(fix.title, fix.edits, preferred=False) for fix in kept]
        elif kept and not any(fix.preferred for fix in kept):
            kept[0] = Fix(kept[0].title, kept[0].edits, preferred=True)
        severity = (
            rule.severity
            if certain
            else Severity(max(rule.severity, Severity.INFORMATION))
        )
        self.findings.append(
            Finding(
                code=code,
                severity=severity,
                message=message,
                range=range_,
                fixes=tuple(kept),
                related=tuple(related or ()),
            )
        )
