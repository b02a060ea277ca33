"""Every fix Kerasense offers on the fixtures gives a model that trains.

Each fix is applied alone to its fixture. The result must be free of the finding it
fixes and run to its end in the :mod:`~tests.oracle.harness` sandbox; every model it
compiles must take one training step on a synthetic batch with a finite loss, and, once
Kerasense reports no per-position head in it, predict once per sample.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")
pytest.importorskip("pandas")

from kerasense.engine import analyze  # noqa: E402
from kerasense.findings import Finding, Fix  # noqa: E402
from kerasense.source.text import apply_edits  # noqa: E402
from tests.oracle import tally  # noqa: E402
from tests.oracle.harness import execute, train_one_step  # noqa: E402

# Keras warns about the very mistakes these scripts make on purpose, and about
# input_shape= in the fixtures; pytest.warns still sees the warnings it asserts.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::SyntaxWarning")

ROOT = Path(__file__).parents[2]
FOLDERS = ["tests/fixtures/heads", "tests/fixtures/architecture", "examples/mistakes"]

# Findings that mean the head predicts per position or per step, not per sample.
PER_POSITION = {"KS206", "KS207"}
# Fixtures whose fixed versions cannot run even in the sandbox, with the reason. Today
# every fixture with a fix runs.
NOT_EXECUTABLE: dict[str, str] = {}


@dataclass(frozen=True)
class FixCase:
    path: str
    finding: Finding
    fix: Fix

    @property
    def id(self) -> str:
        title = re.sub(r"\W+", "_", self.fix.title).strip("_")
        return f"{Path(self.path).stem}-{self.finding.code}-{title}"


def _cases() -> list[FixCase]:
    cases = []
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).glob("*.py")):
            relative = str(path.relative_to(ROOT))
            analysis = analyze(path.read_text(encoding="utf-8"), path=relative)
            for finding in analysis.findings:
                cases.extend(FixCase(relative, finding, fix) for fix in finding.fixes)
    return cases


CASES = _cases()


def test_the_fixtures_offer_fixes() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_fixed_fixture_trains_one_step(case: FixCase) -> None:
    if case.path in NOT_EXECUTABLE:
        pytest.skip(f"{case.path}: {NOT_EXECUTABLE[case.path]}")
    original = (ROOT / case.path).read_text(encoding="utf-8")
    fixed = apply_edits(original, case.fix.edits)
    tally.add("fixes: applied")

    before = [
        f
        for f in analyze(original, path=case.path).findings
        if f.code == case.finding.code
    ]
    after = analyze(fixed, path=case.path)
    assert after.syntax_error is None, fixed
    remaining = [f for f in after.findings if f.code == case.finding.code]
    assert len(remaining) < len(before), (
        f"{case.finding.code} is still reported:\n{fixed}"
    )

    keras.utils.set_random_seed(0)
    run = execute(fixed, case.path)
    assert run.compiled, f"the fixed script compiles no model:\n{fixed}"
    for model, compiled in run.compiled.values():
        step = train_one_step(model, compiled, run)
        tally.add("fixes: models trained")
        assert math.isfinite(step.loss), f"loss {step.loss} after one step:\n{fixed}"
        tally.add("fixes: finite losses")
        # Every fixture's task asks for one prediction per sample: once Kerasense no
        # longer reports a per-position head, Keras must agree.
        if not PER_POSITION & {finding.code for finding in after.findings}:
            per_position = [shape for shape in step.output_shapes if len(shape) != 2]
            assert not per_position, (
                f"outputs {per_position} not one per sample:\n{fixed}"
            )
            tally.add("fixes: models predicting once per sample")
