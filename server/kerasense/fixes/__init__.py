"""Text edits for fixes: small, syntax-aware changes that keep the file valid Python."""

from __future__ import annotations

from collections.abc import Iterable

from kerasense.findings import Finding, Range, TextEdit


def preferred_edits(findings: Iterable[Finding]) -> list[TextEdit]:
    """The edits of every preferred fix, skipping fixes that collide with one taken:
    what fix-all in the editor and ``kerasense check --fix`` apply at once."""
    fixes = [fix for f in findings for fix in f.fixes if fix.preferred and fix.edits]
    fixes.sort(key=lambda fix: min(e.range.start for e in fix.edits))
    taken: list[TextEdit] = []
    for fix in fixes:
        if any(_collides(e.range, t.range) for e in fix.edits for t in taken):
            continue
        taken.extend(fix.edits)
    return taken


def _collides(a: Range, b: Range) -> bool:
    """Two edits that cannot both be applied: overlapping, or inserting at one place."""
    return a.start == b.start or (a.start < b.end and b.start < a.end)
