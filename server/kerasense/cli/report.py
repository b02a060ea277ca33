"""Printing findings as text lines or as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass

from kerasense.facts import shapes
from kerasense.facts.model import Model
from kerasense.findings import Finding, Fix, Range, Severity


@dataclass(frozen=True)
class Located:
    """A finding with the file it belongs to."""

    path: str
    finding: Finding
    cell: int | None = None
    """For notebooks: the 0-based index of the cell among all the notebook's cells."""


def _span(range_: Range) -> dict[str, int]:
    return {
        "line": range_.start.line + 1,
        "column": range_.start.column + 1,
        "end_line": range_.end.line + 1,
        "end_column": range_.end.column + 1,
    }


def _fix(fix: Fix) -> dict[str, object]:
    return {
        "title": fix.title,
        "preferred": fix.preferred,
        "edits": [
            {**_span(edit.range), "new_text": edit.new_text} for edit in fix.edits
        ],
    }


def as_json(items: list[Located]) -> str:
    rows = [
        {
            "path": item.path,
            **({"cell": item.cell} if item.cell is not None else {}),
            **_span(item.finding.range),
            "code": item.finding.code,
            "severity": item.finding.severity.label,
            "message": item.finding.message,
            "fixes": [_fix(fix) for fix in item.finding.fixes],
        }
        for item in items
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False)


def as_text(items: list[Located]) -> str:
    lines = []
    for item in items:
        start = item.finding.range.start
        # Cells are numbered from 1 for people, as notebook front ends show them.
        cell = f"cell {item.cell + 1}:" if item.cell is not None else ""
        lines.append(
            f"{item.path}:{cell}{start.line + 1}:{start.column + 1}: {item.finding.code} "
            f"{item.finding.severity.label}: {item.finding.message}"
        )
    return "\n".join(lines)


def summary(items: list[Located], files: int) -> str:
    counts = {severity: 0 for severity in Severity}
    for item in items:
        counts[item.finding.severity] += 1
    if not items:
        return f"No problems in {files} file{'s' if files != 1 else ''}."
    parts = [
        f"{count} {severity.label}{'s' if count != 1 and severity.label != 'information' else ''}"
        for severity, count in counts.items()
        if count
    ]
    return f"Found {', '.join(parts)} in {files} file{'s' if files != 1 else ''}."


def model_summary(path: str, models: list[Model]) -> str:
    """Each model's layers with the line they are made on and their output shape."""
    blocks = []
    for model in models:
        name = f" `{model.variable}`" if model.variable else ""
        lines = [f"{path}:{model.range.start.line + 1}: {model.kind} model{name}"]
        lines.append(f"  {'line':>5}  {'layer':<40} output shape")
        for layer in model.layers:
            label = layer.name if layer.name != "?" else "(not read)"
            if layer.inner is not None:
                label = f"{layer.name}({layer.inner.name})"
            lines.append(
                f"  {layer.range.start.line + 1:>5}  {label:<40} "
                f"{shapes.describe(layer.output_shape)}"
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def fixed_summary(fixed: dict[str, int]) -> str:
    """``Fixed 3 findings in 2 files.``: what ``--fix`` changed."""
    total = sum(fixed.values())
    return (
        f"Fixed {total} finding{'s' if total != 1 else ''} in {len(fixed)} "
        f"file{'s' if len(fixed) != 1 else ''}."
    )
