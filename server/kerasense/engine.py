"""The one entry point of the analysis: text in, findings with fixes out."""

from __future__ import annotations

import ast
import gc
import re
from dataclasses import dataclass, field

from kerasense.checks import CheckCache, run_checks
from kerasense.config import Config
from kerasense.facts.model import Model
from kerasense.facts.reader import read_models, read_models_by_region
from kerasense.facts.regions import RegionCache
from kerasense.findings import Finding, Range
from kerasense.knowledge import knowledge
from kerasense.source.notebook import Cell, Program
from kerasense.source.reading import MAX_BYTES, TOO_LARGE
from kerasense.source.text import SourceText
from kerasense.syntax.incremental import reparse
from kerasense.syntax.names import ImportMap
from kerasense.syntax.parse import SyntaxProblem, parse

_SUPPRESS = re.compile(
    r"#\s*kerasense:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE
)


@dataclass
class Analysis:
    source: SourceText
    findings: list[Finding] = field(default_factory=list)
    models: list[Model] = field(default_factory=list)
    syntax_error: Finding | None = None
    imports: ImportMap | None = None
    tree: ast.Module | None = None
    regions: RegionCache | None = None
    checked: CheckCache | None = None
    """Both set when the analysis was asked to help the next one (``incremental``)."""


def analyze(
    text: str,
    *,
    path: str | None = None,
    config: Config | None = None,
    previous: Analysis | None = None,
    incremental: bool = False,
) -> Analysis:
    """Analyse one Python source text. Never raises for any input text.

    ``previous``, an analysis of an earlier version of the same document, lets the parse
    reuse the top-level statements the edit did not touch. With ``incremental``, the
    models are read region by region (:mod:`kerasense.facts.regions`), and the next
    analysis given this one as ``previous`` re-reads only the regions the edit touched:
    the same findings, for a first reading that costs a little more.
    """
    config = config or Config()
    # Parsing and reading allocate many objects and make no reference cycles worth
    # collecting meanwhile; pausing the collector for this short pass avoids collections
    # that cost more than the whole rest of the analysis (see bench/).
    paused = gc.isenabled()
    gc.disable()
    try:
        return _analyze(text, config, previous, incremental)
    finally:
        if paused:
            gc.enable()


def _analyze(
    text: str, config: Config, previous: Analysis | None, incremental: bool
) -> Analysis:
    if text.startswith("\ufeff"):
        # An editor may keep a file's byte order mark in its text; Python's parser
        # refuses it there. A form feed, which the parser skips at a line's start, has
        # the same width in code points and UTF-16 columns.
        text = "\f" + text[1:]
    source = SourceText(text)
    if len(text) > MAX_BYTES:
        # The editor sends text, not files: the same limit as for files on disk.
        rule = knowledge().rule("KS002")
        refused = Finding(
            rule.code,
            config.severity_of(rule.code, rule.severity),
            f"Cannot check this file: {TOO_LARGE}.",
            Range.point(0, 0),
        )
        return Analysis(
            source=source, findings=[refused] if config.enabled(rule.code) else []
        )
    if previous is not None and previous.tree is not None:
        tree = reparse(source, previous.source, previous.tree)
    else:
        tree = parse(source)
    if isinstance(tree, SyntaxProblem):
        finding = syntax_finding(source, tree)
        analysis = Analysis(source=source, syntax_error=finding)
        if config.enabled(finding.code):
            analysis.findings = [finding]
        return analysis

    regions = checked = None
    if incremental:
        facts, regions = read_models_by_region(
            tree, source, previous.regions if previous is not None else None
        )
        found, checked = run_checks(
            facts, source, previous.checked if previous is not None else None
        )
    else:
        facts = read_models(tree, source)
        found, _ = run_checks(facts, source)
    findings = [_configured(f, config) for f in found]
    kept = [
        f for f in findings if config.enabled(f.code) and not _suppressed(f, source)
    ]
    kept.sort(key=lambda f: (f.range.start, f.code))
    return Analysis(
        source=source,
        findings=_unique(kept),
        models=facts.models,
        imports=facts.imports,
        tree=tree,
        regions=regions,
        checked=checked,
    )


def syntax_finding(source: SourceText, problem: SyntaxProblem) -> Finding:
    rule = knowledge().rule("KS001")
    line = source.line(problem.position.line)
    column = min(problem.position.column, len(line))
    end = len(line) if column >= len(line) else column + 1
    return Finding(
        code=rule.code,
        severity=rule.severity,
        message=f"Syntax error: {problem.message}",
        range=Range.of(problem.position.line, column, problem.position.line, end),
    )


def _configured(finding: Finding, config: Config) -> Finding:
    severity = config.severity_of(finding.code, finding.severity)
    if severity == finding.severity:
        return finding
    return Finding(
        code=finding.code,
        severity=severity,
        message=finding.message,
        range=finding.range,
        fixes=finding.fixes,
        related=finding.related,
        data=finding.data,
    )


def _suppressed(finding: Finding, source: SourceText) -> bool:
    for line_index in {finding.range.start.line, finding.range.end.line}:
        match = _SUPPRESS.search(source.line(line_index))
        if match is None:
            continue
        codes = match.group("codes")
        if codes is None:
            return True
        wanted = {c.strip().upper() for c in codes.split(",") if c.strip()}
        if finding.code in wanted:
            return True
    return False


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, Range, str]] = set()
    unique = []
    for finding in findings:
        key = (finding.code, finding.range, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def analyze_notebook(
    cells: list[Cell], *, path: str | None = None, config: Config | None = None
) -> list[tuple[int, Finding]]:
    """Analyse a notebook's code cells as one program; findings come back per cell.

    A cell that does not parse is reported and left out, so the other cells are still
    checked as one program.
    """
    config = config or Config()
    skipped: set[int] = set()
    reported: list[tuple[int, Finding]] = []
    for _ in range(len(cells) + 1):
        program = Program(cells, frozenset(skipped))
        analysis = analyze(program.text, path=path, config=config)
        if analysis.syntax_error is None:
            located = (program.to_cell(finding) for finding in analysis.findings)
            found = reported + [item for item in located if item is not None]
            return sorted(found, key=lambda item: (item[0], item[1].range.start))
        where = program.to_cell(analysis.syntax_error)
        if where is None or where[0] in skipped:
            break
        skipped.add(where[0])
        if config.enabled(where[1].code):
            reported.append(where)
    return sorted(reported, key=lambda item: (item[0], item[1].range.start))
