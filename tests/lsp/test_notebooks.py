"""Notebooks in the editor: all cells checked as one program, findings on their cell."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lsp_support import (
    WAIT,
    apply_edits,
    at,
    code_actions,
    codes,
    document_edits,
    published,
    publishes,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

SETUP = """\
%matplotlib inline
!pip install -q tensorflow
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
"""

CONVNET = """\
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(64, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
model.summary()
"""

TRAIN = """\
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train[..., None].astype("float32") / 255.0
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=2, validation_split=0.1)
"""

MNIST = [
    ("code", SETUP),
    ("markdown", "## The model\nA small convnet for the MNIST digits."),
    ("code", CONVNET),
    ("markdown", "## Training"),
    ("code", TRAIN),
]
"""The model is made in cell 2 and compiled with a loss that does not fit it in cell 4."""

KERAS3_DATA = """\
import numpy as np
import keras
from keras import layers

x_train = np.random.rand(1000, 32).astype("float32")
y_train = np.random.randint(0, 5, size=(1000,))
"""

KERAS3_MODEL = """\
inputs = keras.Input(shape=(32,))
x = layers.Dense(64, activation="relu")(inputs)
outputs = layers.Dense(5, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
"""

KERAS3_TRAIN = """\
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=5)
"""

WHOLE = types.Range(
    start=types.Position(line=0, character=0), end=types.Position(line=999, character=0)
)

_handles = itertools.count()


@dataclass
class NotebookCell:
    uri: str
    kind: str
    text: str
    version: int = 1

    @property
    def item(self) -> types.TextDocumentItem:
        language = "python" if self.kind == "code" else "markdown"
        return types.TextDocumentItem(
            uri=self.uri, language_id=language, version=self.version, text=self.text
        )

    @property
    def cell(self) -> types.NotebookCell:
        kind = (
            types.NotebookCellKind.Code
            if self.kind == "code"
            else types.NotebookCellKind.Markup
        )
        return types.NotebookCell(kind=kind, document=self.uri)


@dataclass
class Notebook:
    """The client's side of an open notebook, sending what VS Code would."""

    client: LanguageClient
    uri: str
    path: Path
    notebook_type: str
    cells: list[NotebookCell] = field(default_factory=list)
    version: int = 1

    @classmethod
    def open(
        cls,
        client: LanguageClient,
        name: str,
        cells: list[tuple[str, str]],
        notebook_type: str = "jupyter-notebook",
    ) -> Notebook:
        path: Path = client.root / f"{name}_{next(_handles)}.ipynb"  # type: ignore[attr-defined]
        notebook = cls(client, path.as_uri(), path, notebook_type)
        notebook.cells = [notebook.new_cell(kind, text) for kind, text in cells]
        client.notebook_document_did_open(
            types.DidOpenNotebookDocumentParams(
                notebook_document=types.NotebookDocument(
                    uri=notebook.uri,
                    notebook_type=notebook_type,
                    version=notebook.version,
                    cells=[cell.cell for cell in notebook.cells],
                ),
                cell_text_documents=[cell.item for cell in notebook.cells],
            )
        )
        return notebook

    def new_cell(self, kind: str, text: str) -> NotebookCell:
        # As VS Code names cells: the notebook's path and an encoded cell handle.
        return NotebookCell(
            f"vscode-notebook-cell:{self.path.as_posix()}#W{next(_handles)}sZmlsZQ%3D%3D",
            kind,
            text,
        )

    def uri_of(self, index: int) -> str:
        return self.cells[index].uri

    def edit(self, index: int, text: str) -> int:
        """Replace a cell's text; returns the cell's new version."""
        cell = self.cells[index]
        cell.text, cell.version = text, cell.version + 1
        change = types.NotebookDocumentCellContentChanges(
            document=types.VersionedTextDocumentIdentifier(
                uri=cell.uri, version=cell.version
            ),
            changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
        self._send(types.NotebookDocumentCellChanges(text_content=[change]))
        return cell.version

    def apply(self, index: int, edits: list[types.TextEdit]) -> int:
        """Send edits as incremental changes, as an editor applying them does."""
        cell = self.cells[index]
        cell.text, cell.version = apply_edits(cell.text, edits), cell.version + 1
        in_order = sorted(
            edits, key=lambda e: (e.range.start.line, e.range.start.character)
        )
        change = types.NotebookDocumentCellContentChanges(
            document=types.VersionedTextDocumentIdentifier(
                uri=cell.uri, version=cell.version
            ),
            changes=[
                types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                for e in reversed(in_order)
            ],
        )
        self._send(types.NotebookDocumentCellChanges(text_content=[change]))
        return cell.version

    def splice(self, start: int, delete: int, cells: list[tuple[str, str]]) -> None:
        """Delete ``delete`` cells at ``start`` and insert ``cells`` there."""
        removed = self.cells[start : start + delete]
        added = [self.new_cell(kind, text) for kind, text in cells]
        self.cells[start : start + delete] = added
        structure = types.NotebookDocumentCellChangeStructure(
            array=types.NotebookCellArrayChange(
                start=start, delete_count=delete, cells=[c.cell for c in added]
            ),
            did_open=[c.item for c in added],
            did_close=[types.TextDocumentIdentifier(uri=c.uri) for c in removed],
        )
        self._send(types.NotebookDocumentCellChanges(structure=structure))

    def set_kind(self, index: int, kind: str) -> None:
        """Change a cell's kind in place, as a ``data`` change."""
        cell = self.cells[index]
        cell.kind = kind
        self._send(types.NotebookDocumentCellChanges(data=[cell.cell]))

    def close(self) -> None:
        self.client.notebook_document_did_close(
            types.DidCloseNotebookDocumentParams(
                notebook_document=types.NotebookDocumentIdentifier(uri=self.uri),
                cell_text_documents=[
                    types.TextDocumentIdentifier(uri=c.uri) for c in self.cells
                ],
            )
        )

    def _send(self, cells: types.NotebookDocumentCellChanges) -> None:
        self.version += 1
        self.client.notebook_document_did_change(
            types.DidChangeNotebookDocumentParams(
                notebook_document=types.VersionedNotebookDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                change=types.NotebookDocumentChangeEvent(cells=cells),
            )
        )


async def cleared(client: LanguageClient, uri: str) -> None:
    """Wait until the newest diagnostics published for ``uri`` are an empty list."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while True:
        found = publishes(client, uri)
        if found and not found[-1].diagnostics:
            return
        if loop.time() > deadline:
            raise AssertionError(f"diagnostics of {uri} not cleared within {WAIT}s")
        await asyncio.sleep(0.02)


async def test_notebook_sync_is_advertised(notebook_client: LanguageClient) -> None:
    result: types.InitializeResult = notebook_client.initialize_result  # type: ignore[attr-defined]
    sync = result.capabilities.notebook_document_sync

    assert isinstance(sync, types.NotebookDocumentSyncOptions)
    assert sync.save is True
    selected = {
        (selector.notebook, tuple(c.language for c in selector.cells or []))
        for selector in sync.notebook_selector
    }
    assert selected == {("jupyter-notebook", ("python",)), ("interactive", ("python",))}


async def test_a_model_from_one_cell_compiled_wrongly_in_another(
    notebook_client: LanguageClient,
) -> None:
    notebook = Notebook.open(notebook_client, "mnist", MNIST)

    found = await published(notebook_client, notebook.uri_of(4), version=1)

    [diagnostic] = found.diagnostics
    assert diagnostic.code == "KS102"
    assert diagnostic.range == types.Range(
        start=at(TRAIN, '"binary_crossentropy"'),
        end=at(TRAIN, '"binary_crossentropy"', after=True),
    )
    for index in (0, 2):
        assert codes(await published(notebook_client, notebook.uri_of(index))) == []
    assert publishes(notebook_client, notebook.uri_of(1)) == []
    assert publishes(notebook_client, notebook.uri) == []


async def test_the_quick_fix_edits_its_cell(notebook_client: LanguageClient) -> None:
    # U+2028 ends no line for Python or the editor: the fix still lands in place.
    train = "# Labels are the digits 0\u20289, one per image\n" + TRAIN
    notebook = Notebook.open(notebook_client, "mnist", [*MNIST[:4], ("code", train)])
    compile_cell = notebook.uri_of(4)
    [diagnostic] = (await published(notebook_client, compile_cell)).diagnostics

    actions = await code_actions(
        notebook_client, compile_cell, diagnostic.range, [diagnostic]
    )

    [fix] = actions
    assert fix.title == "Use sparse_categorical_crossentropy (one class per sample)"
    assert fix.edit is not None and fix.edit.document_changes is not None
    [change] = fix.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.uri == compile_cell
    version, edits = document_edits(fix)
    assert version == 1
    assert 'loss="sparse_categorical_crossentropy"' in apply_edits(train, edits)

    new_version = notebook.apply(4, edits)

    found = await published(notebook_client, compile_cell, version=new_version)
    assert codes(found) == []
    assert await code_actions(notebook_client, notebook.uri_of(3), WHOLE) == []


async def test_fix_all_on_a_cell(notebook_client: LanguageClient) -> None:
    notebook = Notebook.open(notebook_client, "mnist", MNIST)
    compile_cell = notebook.uri_of(4)
    await published(notebook_client, compile_cell)

    [fix_all] = await code_actions(
        notebook_client, compile_cell, WHOLE, only=["source.fixAll.kerasense"]
    )

    assert fix_all.edit is not None and fix_all.edit.document_changes is not None
    [change] = fix_all.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.uri == compile_cell
    _, edits = document_edits(fix_all)
    assert 'loss="sparse_categorical_crossentropy"' in apply_edits(TRAIN, edits)


async def test_no_quick_fix_from_an_older_cell_text(
    notebook_client: LanguageClient,
) -> None:
    notebook = Notebook.open(notebook_client, "mnist", MNIST)
    compile_cell = notebook.uri_of(4)
    [old] = (await published(notebook_client, compile_cell)).diagnostics
    moved = "# Train for two epochs\n\n" + TRAIN

    notebook.edit(4, moved)

    assert await code_actions(notebook_client, compile_cell, old.range, [old]) == []
    [current] = (await published(notebook_client, compile_cell, version=2)).diagnostics
    [fix] = await code_actions(notebook_client, compile_cell, current.range, [current])
    version, [edit] = document_edits(fix)
    assert version == 2
    assert edit.range.start == at(moved, '"binary_crossentropy"')


async def test_an_emptied_cell_is_cleared(notebook_client: LanguageClient) -> None:
    notebook = Notebook.open(notebook_client, "mnist", MNIST)
    compile_cell = notebook.uri_of(4)
    assert codes(await published(notebook_client, compile_cell)) == ["KS102"]

    version = notebook.edit(4, "")

    found = await published(notebook_client, compile_cell, version=version)
    assert codes(found) == []


async def test_a_deleted_cell_is_cleared(notebook_client: LanguageClient) -> None:
    notebook = Notebook.open(notebook_client, "mnist", MNIST)
    compile_cell = notebook.uri_of(4)
    assert codes(await published(notebook_client, compile_cell)) == ["KS102"]

    notebook.splice(3, 2, [])

    await cleared(notebook_client, compile_cell)


@pytest.mark.parametrize("how", ["replaced", "kind changed"])
async def test_a_cell_turned_into_markdown_is_cleared(
    notebook_client: LanguageClient, how: str
) -> None:
    notebook = Notebook.open(notebook_client, "mnist", MNIST)
    compile_cell = notebook.uri_of(4)
    assert codes(await published(notebook_client, compile_cell)) == ["KS102"]

    if how == "replaced":  # VS Code replaces the cell with a new Markdown cell
        notebook.splice(4, 1, [("markdown", TRAIN)])
    else:
        notebook.set_kind(4, "markdown")

    await cleared(notebook_client, compile_cell)


async def test_a_model_cell_turned_into_markdown_clears_its_compile_cell(
    notebook_client: LanguageClient,
) -> None:
    notebook = Notebook.open(notebook_client, "mnist", MNIST)
    compile_cell = notebook.uri_of(4)
    assert codes(await published(notebook_client, compile_cell)) == ["KS102"]

    notebook.splice(2, 1, [("markdown", CONVNET)])

    await cleared(notebook_client, compile_cell)


async def test_closing_the_notebook_clears_every_cell(
    notebook_client: LanguageClient,
) -> None:
    notebook = Notebook.open(notebook_client, "mnist", MNIST)
    await published(notebook_client, notebook.uri_of(4))

    notebook.close()

    for index in range(len(MNIST)):
        await cleared(notebook_client, notebook.uri_of(index))


async def test_a_cell_that_does_not_parse_is_left_out(
    notebook_client: LanguageClient,
) -> None:
    notebook = Notebook.open(notebook_client, "mnist", MNIST)
    assert codes(await published(notebook_client, notebook.uri_of(4))) == ["KS102"]

    notebook.splice(4, 0, [("code", "def plot_history(history:\n    pass\n")])

    assert codes(await published(notebook_client, notebook.uri_of(4))) == []
    assert codes(publishes(notebook_client, notebook.uri_of(5))[-1]) == ["KS102"]
    assert await code_actions(notebook_client, notebook.uri_of(4), WHOLE) == []


async def test_a_cell_being_typed_keeps_its_findings_until_it_parses(
    notebook_client: LanguageClient,
) -> None:
    notebook = Notebook.open(notebook_client, "mnist", MNIST)
    compile_cell = notebook.uri_of(4)
    assert codes(await published(notebook_client, compile_cell)) == ["KS102"]

    notebook.edit(4, TRAIN + "model.evaluate(x_test, y_test\n")
    version = notebook.edit(4, TRAIN + "model.evaluate(x_test, y_test)\n")

    assert codes(await published(notebook_client, compile_cell, version=version)) == [
        "KS102"
    ]
    assert [p.version for p in publishes(notebook_client, compile_cell)] == [1, 3]


async def test_rapid_edits_publish_only_the_latest_cell_version(
    notebook_client: LanguageClient,
) -> None:
    notebook = Notebook.open(notebook_client, "mnist", MNIST)
    compile_cell = notebook.uri_of(4)
    await published(notebook_client, compile_cell, version=1)

    for loss in ("categorical_crossentropy", "mse", "binary_crossentropy"):
        version = notebook.edit(4, TRAIN.replace("binary_crossentropy", loss))

    assert codes(await published(notebook_client, compile_cell, version=version)) == [
        "KS102"
    ]
    assert [p.version for p in publishes(notebook_client, compile_cell)] == [1, 4]


async def test_keras_3_in_the_interactive_window(
    notebook_client: LanguageClient,
) -> None:
    notebook = Notebook.open(
        notebook_client,
        "interactive",
        [("code", KERAS3_DATA), ("code", KERAS3_MODEL), ("code", KERAS3_TRAIN)],
        notebook_type="interactive",
    )

    [diagnostic] = (await published(notebook_client, notebook.uri_of(2))).diagnostics

    assert diagnostic.code == "KS103"
    loss = at(KERAS3_TRAIN, '"sparse_categorical_crossentropy"')
    assert diagnostic.range.start == loss
    assert codes(await published(notebook_client, notebook.uri_of(1))) == []


async def test_hover_in_a_cell_knows_the_imports_of_the_cells_above(
    notebook_client: LanguageClient,
) -> None:
    notebook = Notebook.open(notebook_client, "mnist", MNIST)

    hover = await notebook_client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=notebook.uri_of(2)),
            position=at(CONVNET, "Conv2D"),
        )
    )

    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "Conv2D" in hover.contents.value


async def test_changed_settings_check_the_notebook_again(
    notebook_client: LanguageClient,
) -> None:
    notebook = Notebook.open(notebook_client, "mnist", MNIST)
    compile_cell = notebook.uri_of(4)
    assert codes(await published(notebook_client, compile_cell)) == ["KS102"]

    try:
        notebook_client.set_configuration({"ignore": ["KS102"]}, section="kerasense")
        notebook_client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=None)
        )

        assert codes(await published(notebook_client, compile_cell, count=2)) == []
    finally:
        notebook_client.set_configuration({}, section="kerasense")
        notebook_client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=None)
        )
    assert codes(await published(notebook_client, compile_cell, count=3)) == ["KS102"]
