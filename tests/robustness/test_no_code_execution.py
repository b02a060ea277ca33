"""The server and the command line read the code they check and never run it.

Every module of the workspace writes a marker file and calls ``os.system`` when it is
imported: the file checked, a helper module that completion follows with Jedi, a
package, and modules named like ones the server itself imports late (``tomllib``,
``jedi``, ``parso``, ``nbformat``) or that the checked code imports (``tensorflow``,
``numpy``). The server runs in the workspace folder, as editors start it; the command line runs
there too, as CI runs it, over the folder and a notebook holding the same code.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
from lsprotocol import types

from tests.robustness.lsp_session import (
    code_actions,
    completion,
    digest,
    edit,
    hover,
    open_text,
    position_of,
    published,
    record,
    request,
    session,
)

SHADOWED = (
    "tomllib.py",
    "jedi.py",
    "parso.py",
    "nbformat.py",
    "numpy.py",
    "tensorflow/__init__.py",
    "helpers_pkg/__init__.py",
    "sitecustomize.py",
    "usercustomize.py",
)

BUILDERS = """\
import keras


def build_tagger(num_tags):
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(num_tags, activation="sigmoid"),
    ])
    return model
"""

MODEL = """\
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

import helpers_pkg
from builders import build_tagger

x_train = np.random.rand(512, 20).astype("float32")
y_train = np.random.randint(0, 2, size=(512,))

model = keras.Sequential(
    [
        layers.Input(shape=(20,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(1, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=3)

tagger = build_tagger(12)
"""


def side_effects(markers: Path, name: str) -> str:
    """Top-level code that leaves two marker files behind if it ever runs."""
    written = markers / f"{name}.written"
    system = markers / f"{name}.system"
    return (
        "import os as _os\n"
        "import pathlib as _pathlib\n"
        f"_pathlib.Path({str(written)!r}).write_text('ran')\n"
        f"_os.system({f'touch {system}'!r})\n"
    )


def hostile_workspace(tmp_path: Path) -> tuple[Path, Path, str]:
    """A workspace whose every module leaves markers when run: (markers, folder, text
    of ``model.py``)."""
    markers = tmp_path / "markers"
    markers.mkdir()
    workspace = tmp_path / "workspace"
    for name in SHADOWED:
        path = workspace / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(side_effects(markers, name.replace("/", "_")), encoding="utf-8")
    (workspace / "builders.py").write_text(
        side_effects(markers, "builders") + BUILDERS, encoding="utf-8"
    )
    (workspace / "pyproject.toml").write_text(
        "[tool.kerasense]\nignore = []\n", encoding="utf-8"
    )
    text = side_effects(markers, "model") + MODEL
    (workspace / "model.py").write_text(text, encoding="utf-8")
    return markers, workspace, text


def test_the_command_line_never_runs_the_code_it_checks(tmp_path: Path) -> None:
    markers, workspace, _ = hostile_workspace(tmp_path)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(side_effects(markers, "cell")),
        nbformat.v4.new_code_cell("!touch " + str(markers / "shell.system")),
        nbformat.v4.new_code_cell(MODEL),
    ]
    nbformat.write(notebook, str(workspace / "train.ipynb"))

    run = subprocess.run(
        [sys.executable, "-m", "kerasense", "check", "--format", "json", "."],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 1, run.stderr
    found = sorted((Path(f["path"]).name, f["code"]) for f in json.loads(run.stdout))
    assert ("model.py", "KS101") in found
    assert ("train.ipynb", "KS101") in found
    assert sorted(p.name for p in markers.iterdir()) == []


async def test_the_server_never_runs_the_code_it_checks(tmp_path: Path) -> None:
    markers, workspace, text = hostile_workspace(tmp_path)

    async with session(workspace, cwd=workspace) as client:
        uri = (workspace / "model.py").as_uri()
        open_text(client, uri, text)
        diagnostics = (await published(client, uri, version=1)).diagnostics
        assert [str(d.code) for d in diagnostics] == ["KS101"]

        for needle in ("keras.Sequential", "Dense(1", '"softmax"', "build_tagger(12)"):
            await hover(client, uri, position_of(text, needle))
        end = types.Position(line=text.count("\n"), character=0)
        whole = types.Range(start=types.Position(line=0, character=0), end=end)
        assert await code_actions(client, uri, whole, list(diagnostics))
        await request(
            client,
            types.TEXT_DOCUMENT_INLAY_HINT,
            types.InlayHintParams(
                text_document=types.TextDocumentIdentifier(uri=uri), range=whole
            ),
        )
        await completion(
            client, uri, position_of(text, 'activation="softmax', after=True)
        )

        # Half-typed compile calls: the helper is followed with Jedi.
        calls = "tagger.compile(\nmodel.compile(\n"
        edit(client, uri, 2, end, end, calls)
        for number, call in enumerate(calls.splitlines()):
            after = types.Position(line=end.line + number, character=len(call))
            found = await completion(client, uri, after)
            assert found is not None
            assert found.items[0].detail == "Binary classification: matches the head"
        assert await digest(client, uri) is not None
        assert record(client).popups == []
        assert record(client).error_responses == []

    assert sorted(p.name for p in markers.iterdir()) == []
