"""Shared test helpers: the fixture corpus and its expected findings."""

from __future__ import annotations

import re
from pathlib import Path

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
