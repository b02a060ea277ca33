"""Notebooks from the command line: cells run as one program, findings land on cells."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from kerasense.cli.main import main
from kerasense.engine import analyze_notebook
from kerasense.source.notebook import Cell, python_lines, read_cells
from kerasense.source.text import apply_edits

NOTEBOOKS = Path(__file__).parent.parent / "fixtures" / "notebooks"


def findings(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    code = main(["check", "--format", "json", str(path)])
    return code, json.loads(capsys.readouterr().out)


def test_model_and_compile_in_different_cells(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, rows = findings(NOTEBOOKS / "mnist_across_cells.ipynb", capsys)
    assert code == 1
    assert [(r["cell"], r["line"], r["column"], r["code"]) for r in rows] == [
        (6, 4, 10, "KS109")
    ]


def test_model_add_cells_with_cell_magic(capsys: pytest.CaptureFixture[str]) -> None:
    _, rows = findings(NOTEBOOKS / "binary_head_split.ipynb", capsys)
    assert [(r["cell"], r["line"], r["column"], r["code"]) for r in rows] == [
        (3, 4, 9, "KS101")
    ]


def test_clean_notebook(capsys: pytest.CaptureFixture[str]) -> None:
    assert findings(NOTEBOOKS / "clean_regression.ipynb", capsys) == (0, [])


def test_a_broken_cell_does_not_hide_the_others(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, rows = findings(NOTEBOOKS / "broken_cell.ipynb", capsys)
    assert [(r["cell"], r["code"]) for r in rows] == [(1, "KS101"), (2, "KS001")]


def test_text_output_names_the_cell(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(NOTEBOOKS / "binary_head_split.ipynb")])
    first = capsys.readouterr().out.splitlines()[0]
    assert first.endswith(
        "binary_head_split.ipynb:cell 4:4:9: KS101 error: Softmax over a single unit "
        "always outputs 1.0, so this head predicts the same class for every input. "
        "A binary classifier uses sigmoid on one unit."
    )


def test_folders_include_notebooks(capsys: pytest.CaptureFixture[str]) -> None:
    _, rows = findings(NOTEBOOKS, capsys)
    assert {Path(r["path"]).name for r in rows} == {
        "mnist_across_cells.ipynb",
        "binary_head_split.ipynb",
        "broken_cell.ipynb",
    }


def test_fixes_edit_the_right_cell() -> None:
    cells = read_cells(NOTEBOOKS / "binary_head_split.ipynb")
    [(index, finding)] = analyze_notebook(cells)
    fixed_text = apply_edits(cells[index].text, finding.fixes[0].edits)
    assert 'net.add(layers.Dense(1, activation="sigmoid"))' in fixed_text
    cells[index] = Cell(index, "code", fixed_text)
    assert analyze_notebook(cells) == []


def test_ipython_lines_keep_their_place() -> None:
    text = "%matplotlib inline\n!ls\nfiles = !ls\nmodel?\nif x:\n    %time f()\n# %not\nx = 1"
    assert python_lines(text) == [
        "pass",
        "pass",
        "pass",
        "pass",
        "if x:",
        "    pass",
        "# %not",
        "x = 1",
    ]
    assert python_lines("%%bash\necho hi") == ["", ""]


def test_a_malformed_notebook_is_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.ipynb").write_text("{not json")
    (tmp_path / "old.ipynb").write_text(json.dumps({"cells": "nope"}))
    code, rows = findings(tmp_path, capsys)
    assert code == 1
    assert [r["code"] for r in rows] == ["KS002", "KS002"]
    assert all("not a readable notebook" in r["message"] for r in rows)


def test_markdown_cells_are_ignored() -> None:
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("model.compile(loss='mse')  # not code")]
    )
    cells = [Cell(i, c.cell_type, c.source) for i, c in enumerate(notebook.cells)]
    assert analyze_notebook(cells) == []
