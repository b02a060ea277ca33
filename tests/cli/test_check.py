"""``kerasense check`` as a user runs it: output formats, exit codes, bad input."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from kerasense.cli.main import main
from kerasense.engine import Analysis

WRONG = """\
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Input(shape=(20,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(1, activation="softmax"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
"""
RIGHT = WRONG.replace('"softmax"', '"sigmoid"')


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wrong.py").write_text(WRONG)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "right.py").write_text(RIGHT)
    return tmp_path


def test_text_lines_and_exit_one(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "check", ".")
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith("wrong.py:7:5: KS101 error: Softmax over a single unit")
    assert out.splitlines()[-1] == "Found 1 error in 2 files."


def test_clean_folder_exits_zero(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "check", "pkg")
    assert code == 0
    assert out.strip() == "No problems in 1 file."


def test_json_fields(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--format", "json", "wrong.py")
    rows = json.loads(out)
    assert code == 1
    assert rows == [
        {
            "path": "wrong.py",
            "line": 7,
            "column": 5,
            "end_line": 7,
            "end_column": 42,
            "code": "KS101",
            "severity": "error",
            "message": rows[0]["message"],
            "fixes": [
                {
                    "title": "Use a sigmoid activation",
                    "preferred": True,
                    "edits": [
                        {
                            "line": 7,
                            "column": 32,
                            "end_line": 7,
                            "end_column": 41,
                            "new_text": '"sigmoid"',
                        }
                    ],
                }
            ],
        }
    ]


def test_select_and_ignore(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", "--ignore", "KS101", "wrong.py")[0] == 0
    assert run(capsys, "check", "--select", "KS2", "wrong.py")[0] == 0
    assert run(capsys, "check", "--select", "KS101", "wrong.py")[0] == 1


def test_unknown_code_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "check", "--select", "XX9", "wrong.py")
    assert code == 2
    assert "the command line: select: unknown rule code XX9" in err


def test_missing_path_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "check", "nowhere.py")
    assert code == 2
    assert "no such file or folder: nowhere.py" in err


def test_pyproject_configuration(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pyproject.toml").write_text('[tool.kerasense]\nignore = ["KS101"]\n')
    assert run(capsys, "check", "wrong.py")[0] == 0
    (project / "pyproject.toml").write_text(
        '[tool.kerasense]\nselect = "KS1" \nignore = 4\n'
    )
    code, _, err = run(capsys, "check", "wrong.py")
    assert code == 2
    assert "pyproject.toml [tool.kerasense]: ignore must be a list" in err


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('select = ["KS1O1"]', "select: unknown rule code KS1O1"),
        ('severity = { KS1 = "hint" }', "severity: unknown rule code KS1"),
        ('ignore = ["KS208"]\nignroe = ["KS207"]', "unknown key ignroe; the keys are"),
    ],
)
def test_a_mistyped_configuration_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str], table: str, message: str
) -> None:
    (project / "pyproject.toml").write_text(f"[tool.kerasense]\n{table}\n")
    code, out, err = run(capsys, "check", "wrong.py")
    assert code == 2, out
    assert message in err


def test_each_file_gets_the_configuration_nearest_to_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pkg" / "wrong.py").write_text(WRONG)
    (project / "pkg" / "pyproject.toml").write_text(
        '[tool.kerasense]\nignore = ["KS101"]\n'
    )
    code, out, _ = run(capsys, "check", ".")
    assert "wrong.py:" in out
    assert "pkg/wrong.py" not in out
    assert code == 1
    code, out, _ = run(capsys, "check", "--config", "pkg/pyproject.toml", ".")
    assert code == 0, out


def test_fix_keeps_a_byte_order_mark_and_says_what_it_fixed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = project / "wrong.py"
    target.write_bytes(b"\xef\xbb\xbf" + WRONG.replace("\n", "\r\n").encode())
    code, out, _ = run(capsys, "check", "--fix", "wrong.py")
    assert code == 0, out
    assert "Fixed 1 finding in 1 file." in out
    written = target.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in written and b"\n" not in written.replace(b"\r\n", b"")
    code, out, err = run(capsys, "check", "--fix", "--format", "json", "wrong.py")
    assert json.loads(out) == [] and not err


def test_bad_files_are_findings_and_the_run_goes_on(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "binary.py").write_bytes(b"\x00\x01\x02")
    (project / "latin.py").write_bytes(b"x = '\xe9'\n")
    (project / "broken.py").write_text("model = keras.Sequential([\n")
    code, out, _ = run(capsys, "check", "--format", "json", ".")
    rows = json.loads(out)
    by_path = {row["path"]: row["code"] for row in rows}
    assert code == 1
    assert by_path["binary.py"] == "KS002"
    assert by_path["latin.py"] == "KS002"
    assert by_path["broken.py"] == "KS001"
    assert by_path["wrong.py"] == "KS101"


def test_fix_rewrites_the_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "check", "--fix", "wrong.py")
    assert code == 0
    assert (project / "wrong.py").read_text() == RIGHT


def test_console_script_and_module_entry_points(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kerasense", "check", "wrong.py"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "KS101" in result.stdout
    usage = subprocess.run(
        [sys.executable, "-m", "kerasense", "check"], capture_output=True, text=True
    )
    assert usage.returncode == 2


def test_summary_prints_shapes(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "check", "--summary", "pkg/right.py")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "pkg/right.py:4: sequential model `model`"
    assert lines[2].split() == ["6", "Dense", "(None,", "64)"]
    assert lines[3].split() == ["7", "Dense", "(None,", "1)"]
    assert run(capsys, "check", "--summary", "--format", "json", "pkg")[0] == 2


def test_inputs_that_once_crashed_the_run_are_findings_or_messages(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "chain.py").write_text(
        "if a:\n    pass\n" + "elif a:\n    pass\n" * 1000
    )
    os.mkfifo(project / "pipe.py")
    code, out, err = run(capsys, "check", "chain.py", "pipe.py", "wrong.py")
    assert code == 1 and not err
    assert (
        "pipe.py:1:1: KS002 error: Cannot check this file: it is not a regular file."
        in out
    )
    assert "wrong.py:7:5: KS101" in out

    (project / "pyproject.toml").write_text("tool = 5\n")
    code, out, err = run(capsys, "check", "wrong.py")
    assert code == 1 and "KS101" in out and not err


def test_fix_keeps_only_steps_that_leave_fewer_findings(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kerasense.cli import check

    real = check.analyze
    original = (project / "wrong.py").read_text()

    def worse_after_fixing(text: str, **kwargs: Any) -> Analysis:
        """Every fixed text gains a finding it did not have."""
        analysis = real(text, **kwargs)
        if text != original:
            gained = replace(real(original, **kwargs).findings[0], code="KS208")
            analysis.findings = [*analysis.findings, gained]
        return analysis

    monkeypatch.setattr(check, "analyze", worse_after_fixing)
    code, out, _ = run(capsys, "check", "--fix", "wrong.py")
    assert (project / "wrong.py").read_text() == original
    assert code == 1 and "KS101" in out and "Fixed" not in out


def test_an_unwritable_file_is_left_as_it_was_with_a_message(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> int:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(Path, "write_text", refuse)
    code, out, err = run(capsys, "check", "--fix", "wrong.py")
    assert code == 1 and "KS101" in out
    assert "kerasense: cannot write wrong.py: Operation not permitted" in err


def test_docs_and_serve_refuse_bad_targets_with_a_message(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "afile").write_text("")
    code, _, err = run(capsys, "docs", "afile")
    assert code == 2 and err.startswith("kerasense docs: cannot write to afile")

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "kerasense", "serve", "--tcp", f"127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert "kerasense serve: cannot listen on 127.0.0.1:" in result.stderr
    assert "Traceback" not in result.stderr
