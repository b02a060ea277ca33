"""A notebook's code cells as one program, and the way back from it to each cell.

Cells run one after another in a kernel, so a model made in one cell and compiled in
another is one model: the engine sees the cells joined in order. IPython-only lines
(``%magic``, ``!shell``, ``x = !cmd``, ``obj?``) become ``pass`` at the same indentation,
so no line moves and every position maps back to the same line and column of its cell.
Cell magics (``%%bash``…) hide the whole cell, except those that run the cell as Python.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from kerasense.findings import Finding, Fix, Position, Range, Related, TextEdit
from kerasense.source.reading import NOTEBOOK_MAX_BYTES, Unreadable, read_bytes
from kerasense.source.text import split_lines

_IPYTHON_LINE = re.compile(r"^(\s*)(%|!|\w+\s*=\s*[!%]|\?|[\w.]+\?{1,2}\s*$)")
_PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug"}


@dataclass(frozen=True)
class Cell:
    """One cell: its index among all cells, its kind and its text."""

    index: int
    kind: str
    text: str


@dataclass(frozen=True)
class CellSpan:
    cell: int
    first_line: int
    line_count: int


class Program:
    """Code cells joined into one text, with the span of lines each cell occupies."""

    def __init__(
        self, cells: list[Cell], skipped: frozenset[int] = frozenset()
    ) -> None:
        lines: list[str] = []
        self.spans: list[CellSpan] = []
        for cell in cells:
            if cell.kind != "code":
                continue
            cell_lines = python_lines(cell.text)
            if cell.index in skipped:
                cell_lines = ["" for _ in cell_lines]
            self.spans.append(CellSpan(cell.index, len(lines), len(cell_lines)))
            lines.extend(cell_lines)
        self.text = "\n".join(lines)

    def locate(self, line: int) -> tuple[int, int] | None:
        """``(cell index, line in cell)`` of a line of the joined text."""
        for span in self.spans:
            if span.first_line <= line < span.first_line + span.line_count:
                return span.cell, line - span.first_line
        return None

    def _range(self, range_: Range, cell: int) -> Range | None:
        start, end = self.locate(range_.start.line), self.locate(range_.end.line)
        if start is None or end is None or start[0] != cell or end[0] != cell:
            return None
        return Range(
            Position(start[1], range_.start.column), Position(end[1], range_.end.column)
        )

    def to_cell(self, finding: Finding) -> tuple[int, Finding] | None:
        """The finding in its cell's own coordinates; fixes that leave the cell are dropped."""
        located = self.locate(finding.range.start.line)
        if located is None:
            return None
        cell = located[0]
        range_ = self._range(finding.range, cell)
        if range_ is None:
            end = Position(located[1], finding.range.start.column)
            range_ = Range(Position(located[1], finding.range.start.column), end)
        fixes = []
        for fix in finding.fixes:
            edits = [self._range(edit.range, cell) for edit in fix.edits]
            if all(edit is not None for edit in edits):
                fixes.append(
                    Fix(
                        fix.title,
                        tuple(
                            TextEdit(r, e.new_text)
                            for r, e in zip(edits, fix.edits, strict=True)
                            if r is not None
                        ),
                        fix.preferred,
                    )
                )
        related = []
        for item in finding.related:
            where = self.locate(item.range.start.line)
            if where is not None and where[0] == cell:
                related_range = self._range(item.range, cell)
                if related_range is not None:
                    related.append(Related(related_range, item.message))
        return cell, Finding(
            finding.code,
            finding.severity,
            finding.message,
            range_,
            tuple(fixes),
            tuple(related),
            finding.data,
        )


def python_lines(text: str) -> list[str]:
    """The cell's lines with IPython syntax replaced by ``pass``."""
    lines = split_lines(text)
    if lines and lines[0].startswith("%%"):
        magic = lines[0][2:].split(maxsplit=1)[0] if lines[0][2:].strip() else ""
        if magic not in _PYTHON_CELL_MAGICS:
            return ["" for _ in lines]
        lines = ["pass", *lines[1:]]
    result = []
    for line in lines:
        match = _IPYTHON_LINE.match(line)
        if match and not line.lstrip().startswith("#"):
            result.append(f"{match.group(1)}pass")
        else:
            result.append(line)
    return result


def read_cells(path: Path) -> list[Cell]:
    """The cells of an ``.ipynb`` file (nbformat is imported only when a notebook is read).

    Raises ValueError for a file that is not a regular one or is larger than
    :data:`~kerasense.source.reading.NOTEBOOK_MAX_BYTES`, and what nbformat raises for
    one it cannot read."""
    import nbformat

    data = read_bytes(path, NOTEBOOK_MAX_BYTES)
    if isinstance(data, Unreadable):
        raise ValueError(data.reason)
    if len(data) > NOTEBOOK_MAX_BYTES:
        raise ValueError(f"it is larger than {NOTEBOOK_MAX_BYTES // (1024 * 1024)} MB")
    with warnings.catch_warnings():
        # Old notebooks without cell ids are fine to read; nbformat warns about them.
        warnings.simplefilter("ignore")
        notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    return [
        Cell(index, cell.get("cell_type", "raw"), _source(cell.get("source", "")))
        for index, cell in enumerate(notebook.cells)
    ]


def _source(value: object) -> str:
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return str(value)
