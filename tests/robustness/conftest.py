"""Counters for the robustness suite, printed at the end of the run."""

from __future__ import annotations

import os
from collections import Counter

import pytest

COUNTS: Counter[str] = Counter(
    {
        "engine crashes": 0,
        "server desyncs": 0,
        "server error responses": 0,
        "server pop-ups": 0,
    }
)

# KERASENSE_FUZZ_SCALE=20 makes the generated runs twenty times longer.
SCALE = max(1, int(os.environ.get("KERASENSE_FUZZ_SCALE", "1")))


@pytest.fixture(scope="session")
def counts() -> Counter[str]:
    return COUNTS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not COUNTS:
        return
    terminalreporter.section("robustness counts")
    for key in sorted(COUNTS):
        terminalreporter.write_line(f"{key}: {COUNTS[key]}")
