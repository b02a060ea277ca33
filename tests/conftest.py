"""Shared test helpers: the fixture corpus, its expected findings, one finding."""

from __future__ import annotations

import re
from pathlib import Path

from kerasense.engine import analyze
from kerasense.findings import Finding

FIXTURES = Path(__file__).parent / "fixtures"
_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>KS\d{3}(?:\s*,\s*KS\d{3})*)")


def fixture_files(*folders: str) -> list[Path]:
    roots = [FIXTURES / folder for folder in folders] if folders else [FIXTURES]
    return sorted(path for root in roots for path in root.rglob("*.py"))


def expected_findings(text: str) -> set[tuple[int, str]]:
    """``(line, code)`` pairs from ``# expect: KS101, KS102`` comments (0-based lines)."""
    expected = set()
    for index, line in enumerate(text.splitlines()):
        match = _EXPECT.search(line)
        if match:
            for code in match.group("codes").split(","):
                expected.add((index, code.strip()))
    return expected


def the_finding(text: str, code: str) -> Finding:
    """The one finding of ``code`` in ``text``; fails, listing what was found, if there
    is not exactly one."""
    findings = analyze(text).findings
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, [f"{f.code} {f.message}" for f in findings]
    return found[0]
