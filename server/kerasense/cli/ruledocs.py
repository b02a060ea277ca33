"""One Markdown page per rule, written from ``rules/rules.toml``."""

from __future__ import annotations

from pathlib import Path

from kerasense.knowledge import Rule, knowledge


def rule_page(rule: Rule) -> str:
    lines = [
        f"# {rule.code} {rule.name}",
        "",
        f"**{rule.title}** · family: {rule.family} · default severity: {rule.severity.label}",
        "",
        rule.explanation,
        "",
    ]
    if rule.wrong:
        lines += ["## Wrong", "", "```python", rule.wrong, "```", ""]
    if rule.right:
        lines += ["## Right", "", "```python", rule.right, "```", ""]
    lines += [
        "## Silencing it",
        "",
        f"On one line: `# kerasense: ignore[{rule.code}]`. Everywhere: "
        f'`ignore = ["{rule.code}"]` under `[tool.kerasense]` in `pyproject.toml`.',
        "",
    ]
    return "\n".join(lines)


def write_rule_pages(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for rule in knowledge().rules.values():
        path = folder / f"{rule.code}.md"
        path.write_text(rule_page(rule), encoding="utf-8")
        written.append(path)
    return written
