"""Findings as LSP diagnostics: code, link to the rule's page, related places."""

from __future__ import annotations

from lsprotocol import types

from kerasense.findings import Finding
from kerasense.knowledge.explain import rule_url
from kerasense.lsp.positions import Columns
from kerasense.source.text import SourceText

SOURCE = "kerasense"


def to_diagnostic(
    finding: Finding, source: SourceText, columns: Columns, uri: str
) -> types.Diagnostic:
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(
                uri=uri, range=columns.range_to_lsp(source, item.range)
            ),
            message=item.message,
        )
        for item in finding.related
    ]
    page = rule_url(finding.code)
    return types.Diagnostic(
        range=columns.range_to_lsp(source, finding.range),
        message=finding.message,
        severity=types.DiagnosticSeverity(int(finding.severity)),
        code=finding.code,
        code_description=types.CodeDescription(href=page) if page else None,
        source=SOURCE,
        related_information=related or None,
    )


def same_place(diagnostic: types.Diagnostic, expected: types.Diagnostic) -> bool:
    """Whether an editor's diagnostic is this finding's (same code and range)."""
    return (
        diagnostic.source == SOURCE
        and diagnostic.code == expected.code
        and diagnostic.range == expected.range
    )
