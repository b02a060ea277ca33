"""Every fixture yields exactly the findings its ``# expect:`` comments name, and every
fix offered on it applies cleanly and removes its finding."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kerasense.engine import analyze
from kerasense.source.text import apply_edits
from tests.conftest import FIXTURES, expected_findings, fixture_files

FILES = fixture_files()


def _id(path: Path) -> str:
    return str(path.relative_to(FIXTURES))


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_findings_match_annotations(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    analysis = analyze(text, path=str(path))
    assert analysis.syntax_error is None
    found = {(f.range.start.line, f.code) for f in analysis.findings}
    assert found == expected_findings(text), "\n".join(
        f"{f.range.start.line + 1}: {f.code} {f.message}" for f in analysis.findings
    )


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_every_fix_applies_and_removes_its_finding(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for finding in analyze(text, path=str(path)).findings:
        for fix in finding.fixes:
            fixed = apply_edits(text, fix.edits)
            ast.parse(fixed)
            after = analyze(fixed, path=str(path))
            survivors = [
                f
                for f in after.findings
                if f.code == finding.code
                and f.range.start.line == finding.range.start.line
            ]
            assert not survivors, f"{fix.title!r} left {finding.code}: {fixed}"


def test_the_corpus_covers_every_rule_in_two_files() -> None:
    from kerasense.knowledge import knowledge

    files_per_code: dict[str, set[Path]] = {}
    for path in FILES:
        for _, code in expected_findings(path.read_text(encoding="utf-8")):
            files_per_code.setdefault(code, set()).add(path)
    for code, rule in knowledge().rules.items():
        if rule.family == "file":
            continue
        assert len(files_per_code.get(code, ())) >= 2, (
            f"{code} needs two positive fixtures"
        )
