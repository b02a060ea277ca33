"""Re-parsing only the edited statements gives exactly the tree a full parse gives."""

from __future__ import annotations

import ast
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from kerasense.engine import analyze
from kerasense.source.text import SourceText
from kerasense.syntax.incremental import reparse
from kerasense.syntax.parse import SyntaxProblem, parse
from tests.conftest import fixture_files
from tests.robustness.conftest import SCALE

FIXTURES = [path.read_text(encoding="utf-8") for path in fixture_files()]
SNIPPETS = [
    "",
    "\n",
    "x = 1\n",
    "    ",
    "(",
    ")",
    "def f():\n",
    "    return 2\n",
    "#",
    '"""',
    "@decorator\n",
    "layers.Dense(3)",
    "\\\n",
    "😀",
    "else:\n",
    "\r\n",
]


def same_tree(old_text: str, new_text: str) -> None:
    old = SourceText(old_text)
    old_tree = parse(old)
    if isinstance(old_tree, SyntaxProblem):
        return
    new = SourceText(new_text)
    full = parse(new)
    partial = reparse(new, old, old_tree)
    if isinstance(full, SyntaxProblem):
        assert isinstance(partial, SyntaxProblem)
        assert partial == full
    else:
        assert not isinstance(partial, SyntaxProblem)
        assert ast.dump(partial, include_attributes=True) == ast.dump(
            full, include_attributes=True
        )


@settings(max_examples=400 * SCALE, deadline=None)
@given(
    source=st.sampled_from(FIXTURES),
    where=st.floats(0, 1),
    length=st.integers(0, 40),
    inserted=st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=10)),
)
def test_reparse_equals_full_parse(
    source: str, where: float, length: int, inserted: str, counts: Counter[str]
) -> None:
    counts["incremental parses compared"] += 1
    start = int(where * len(source))
    same_tree(source, source[:start] + inserted + source[start + length :])


def test_analysis_with_a_previous_version_matches_a_fresh_one() -> None:
    for text in FIXTURES:
        first = analyze(text)
        edited = text.replace("\n\n", "\n\n# a comment\n", 1)
        again = analyze(edited, previous=first)
        fresh = analyze(edited)
        assert [(f.code, f.range) for f in again.findings] == [
            (f.code, f.range) for f in fresh.findings
        ]
