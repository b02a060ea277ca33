"""The ``wrong`` and ``right`` examples in ``rules/rules.toml`` do what they claim, and
the rule pages in ``docs/rules/`` are the ones ``kerasense docs`` writes today."""

from __future__ import annotations

from pathlib import Path

import pytest

from kerasense.cli.ruledocs import write_rule_pages
from kerasense.engine import analyze
from kerasense.findings import Severity
from kerasense.knowledge import Rule, knowledge

RULE_PAGES = Path(__file__).parents[2] / "docs" / "rules"
WITH_EXAMPLES = [
    rule for rule in knowledge().rules.values() if rule.wrong or rule.right
]


def _id(rule: Rule) -> str:
    return rule.code


def _listing(text: str, path: str) -> str:
    analysis = analyze(text, path=path)
    return "\n".join(
        f"{f.range.start.line + 1}: {f.code} {f.severity.label} {f.message}"
        for f in analysis.findings
    )


def test_every_rule_outside_the_file_family_has_both_examples() -> None:
    missing = [
        rule.code
        for rule in knowledge().rules.values()
        if rule.family != "file" and not (rule.wrong and rule.right)
    ]
    assert not missing, f"rules without a wrong and a right example: {missing}"


@pytest.mark.parametrize("rule", WITH_EXAMPLES, ids=_id)
def test_wrong_example_produces_the_rule(rule: Rule) -> None:
    path = f"{rule.code}_wrong.py"
    analysis = analyze(rule.wrong, path=path)
    assert analysis.syntax_error is None
    codes = {finding.code for finding in analysis.findings}
    assert rule.code in codes, _listing(rule.wrong, path)


@pytest.mark.parametrize("rule", WITH_EXAMPLES, ids=_id)
def test_right_example_is_free_of_the_rule_and_of_problems(rule: Rule) -> None:
    path = f"{rule.code}_right.py"
    analysis = analyze(rule.right, path=path)
    assert analysis.syntax_error is None
    problems = [
        finding
        for finding in analysis.findings
        if finding.code == rule.code or finding.severity <= Severity.WARNING
    ]
    assert not problems, _listing(rule.right, path)


def test_committed_rule_pages_match_the_generated_ones(tmp_path: Path) -> None:
    written = write_rule_pages(tmp_path)
    generated = {path.name: path.read_bytes() for path in written}
    committed = {path.name: path.read_bytes() for path in RULE_PAGES.glob("*.md")}
    assert sorted(committed) == sorted(generated), (
        "docs/rules/ lists other pages than the rules; run `kerasense docs docs/rules`"
    )
    stale = [name for name in generated if committed[name] != generated[name]]
    assert not stale, f"stale rule pages {stale}; run `kerasense docs docs/rules`"


def test_rule_pages_outside_a_checkout_are_written_to_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kerasense.knowledge import explain

    monkeypatch.setattr(explain, "_CHECKOUT_RULES", tmp_path / "missing")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    explain._cached_page.cache_clear()
    uri = explain.rule_url("KS101")
    assert uri is not None and uri.startswith("file://")
    page = Path(uri.removeprefix("file://"))
    assert page.read_text(encoding="utf-8").startswith("# KS101 softmax-single-unit")
    assert explain.rule_url("KS999") is None
    explain._cached_page.cache_clear()


def test_the_readme_lists_every_rule_with_its_severity() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    listed = {
        cells[1].split("]")[0].lstrip("["): cells[2]
        for line in readme.splitlines()
        if line.startswith("| [KS")
        for cells in [[cell.strip() for cell in line.split("|")]]
    }
    expected = {rule.code: rule.severity.label for rule in knowledge().rules.values()}
    assert listed == expected
