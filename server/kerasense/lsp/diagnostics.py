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


class DiagnosticCache:
    """Each document's last published diagnostics, by what they were made of.

    Most findings survive an edit as they were; converting them again (positions to
    the client's columns, links, related places) is most of a publish's own work. A
    finding is converted again when its text, range or related places change, or when
    the lines it spans do (their characters decide the UTF-16 columns).
    """

    def __init__(self) -> None:
        self._last: dict[str, dict[tuple[object, ...], types.Diagnostic]] = {}

    def convert(
        self, uri: str, findings: list[Finding], source: SourceText, columns: Columns
    ) -> list[types.Diagnostic]:
        old = self._last.get(uri, {})
        new: dict[tuple[object, ...], types.Diagnostic] = {}
        converted = []
        for finding in findings:
            key = _key(finding, source, columns)
            diagnostic = new.get(key) or old.get(key)
            if diagnostic is None:
                diagnostic = to_diagnostic(finding, source, columns, uri)
            new[key] = diagnostic
            converted.append(diagnostic)
        self._last[uri] = new
        return converted

    def forget(self, uri: str) -> None:
        self._last.pop(uri, None)


def _key(finding: Finding, source: SourceText, columns: Columns) -> tuple[object, ...]:
    ranges = [finding.range, *(item.range for item in finding.related)]
    lines = {line for r in ranges for line in (r.start.line, r.end.line)}
    return (
        columns.encoding,
        finding.code,
        finding.severity,
        finding.message,
        finding.range,
        finding.related,
        tuple(source.line(line) for line in sorted(lines)),
    )


def same_place(diagnostic: types.Diagnostic, expected: types.Diagnostic) -> bool:
    """Whether an editor's diagnostic is this finding's (same code and range)."""
    return (
        diagnostic.source == SOURCE
        and diagnostic.code == expected.code
        and diagnostic.range == expected.range
    )
