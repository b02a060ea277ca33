"""Notebooks: all code cells checked as one program, findings shown on their own cell.

Editors sync Jupyter notebooks and VS Code's interactive window with
``notebookDocument/*``; each cell is a text document of its own, named by a cell URI.
A notebook is checked when files are (see :mod:`~kerasense.lsp.checking`): when opened,
``debounceMs`` after a change or on save, one analysis at a time, and only for the
notebook as it still is. A model made in one cell and compiled in another is one model.

Findings are published per cell with the cell document's version. A cell that is no
longer Python code (emptied, deleted, turned into Markdown) has its diagnostics cleared.
A cell that does not parse keeps the diagnostics it had, as a file does, and the other
cells are checked without it. Quick fixes on a cell come from the notebook's analysis and
edit that cell only. Hovers and completions know the imports of the cells up to theirs;
otherwise they, and inlay hints, look at the cell alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument, Workspace

from kerasense.config import Config
from kerasense.findings import Finding
from kerasense.lsp.capabilities import PYTHON
from kerasense.lsp.checking import Analyzed, Publish, Scheduler
from kerasense.lsp.diagnostics import to_diagnostic
from kerasense.lsp.documents import open_document
from kerasense.lsp.imports import imports_in
from kerasense.lsp.lazy import lazy, load
from kerasense.lsp.logs import guarded
from kerasense.lsp.positions import Columns
from kerasense.source.notebook import Cell, python_lines
from kerasense.source.text import SourceText
from kerasense.syntax.names import ImportMap

if TYPE_CHECKING:
    from kerasense import engine
    from kerasense.engine import Analysis
    from kerasense.lsp.server import KerasenseServer
else:
    engine = lazy("kerasense.engine")

SYNTAX_ERROR = "KS001"


@dataclass(frozen=True)
class CellText:
    """One cell as it was when the notebook was read."""

    uri: str
    version: int | None
    kind: str
    text: str


@dataclass(frozen=True)
class Snapshot:
    """A notebook's version and its cells: it changes with every edit of any cell."""

    version: int
    cells: tuple[CellText, ...]


@dataclass(frozen=True)
class CheckedCell:
    """A code cell and the notebook's findings on it, in the cell's own coordinates."""

    uri: str
    version: int | None
    analysis: Analysis


@dataclass(frozen=True)
class NotebookAnalysis:
    cells: tuple[CheckedCell, ...]

    def cell(self, uri: str) -> CheckedCell | None:
        return next((cell for cell in self.cells if cell.uri == uri), None)


def _kind(cell: types.NotebookCell, document: TextDocument) -> str:
    """The cell's kind as in ``.ipynb`` files; code in other languages counts as raw."""
    if cell.kind == types.NotebookCellKind.Markup:
        return "markdown"
    return "code" if document.language_id == PYTHON else "raw"


def analyze_cells(
    cells: Sequence[CellText], path: str | None, config: Config
) -> NotebookAnalysis:
    """Analyse the code cells as one program and sort the findings by cell."""
    program = [Cell(index, cell.kind, cell.text) for index, cell in enumerate(cells)]
    by_cell: dict[int, list[Finding]] = {}
    for index, finding in engine.analyze_notebook(program, path=path, config=config):
        by_cell.setdefault(index, []).append(finding)

    checked = []
    for index, cell in enumerate(cells):
        if cell.kind != "code":
            continue
        findings = by_cell.get(index, [])
        syntax_error = next((f for f in findings if f.code == SYNTAX_ERROR), None)
        analysis = engine.Analysis(
            source=SourceText(cell.text), findings=findings, syntax_error=syntax_error
        )
        checked.append(CheckedCell(cell.uri, cell.version, analysis))
    return NotebookAnalysis(tuple(checked))


class NotebookChecker(Scheduler[Snapshot, NotebookAnalysis]):
    """Scheduling, caching and per-cell publishing of the analyses of open notebooks."""

    def __init__(
        self,
        workspace: Callable[[], Workspace],
        publish: Publish,
        config_for: Callable[[str], Config],
        columns: Callable[[], Columns],
        executor: ThreadPoolExecutor | None = None,
    ) -> None:
        super().__init__(executor)
        self.workspace = workspace
        self.publish = publish
        self.config_for = config_for
        self.columns = columns
        self.shown: dict[str, dict[str, tuple[int | None, list[types.Diagnostic]]]] = {}
        """Per notebook, each cell's last published version and diagnostics."""

    def notebook(self, uri: str) -> types.NotebookDocument | None:
        return self.workspace().get_notebook_document(notebook_uri=uri)

    def holds(self, cell_uri: str) -> bool:
        """Whether ``cell_uri`` is a cell of an open notebook."""
        return self.workspace().get_notebook_document(cell_uri=cell_uri) is not None

    def is_open(self, uri: str) -> bool:
        return self.notebook(uri) is not None

    def version_of(self, uri: str) -> Snapshot:
        notebook = self.notebook(uri)
        if notebook is None:
            raise LookupError(f"{uri} is not an open notebook")
        workspace = self.workspace()
        cells = []
        for cell in notebook.cells:
            document = open_document(workspace, cell.document)
            if document is None:
                continue
            kind = _kind(cell, document)
            cells.append(
                CellText(cell.document, document.version, kind, document.source)
            )
        return Snapshot(notebook.version, tuple(cells))

    def job(self, uri: str, version: Snapshot) -> Callable[[], NotebookAnalysis]:
        path = to_fs_path(uri) if uri.startswith("file:") else None
        load(engine)  # here on the event loop, not first in the analysis thread
        return partial(analyze_cells, version.cells, path, self.config_for(uri))

    def deliver(self, uri: str, version: Snapshot, result: NotebookAnalysis) -> None:
        shown = self.shown.setdefault(uri, {})
        columns = self.columns()
        for cell in result.cells:
            analysis = cell.analysis
            if analysis.syntax_error is not None:
                if cell.uri in shown:
                    continue
                diagnostics: list[types.Diagnostic] = []
            else:
                diagnostics = [
                    to_diagnostic(f, analysis.source, columns, cell.uri)
                    for f in analysis.findings
                ]
            self._show(shown, cell.uri, cell.version, diagnostics)

        code = {cell.uri for cell in result.cells}
        for gone in [cell_uri for cell_uri in shown if cell_uri not in code]:
            self._clear(shown, gone)

    async def cell_analysis(self, cell_uri: str) -> Analyzed | None:
        """The notebook's findings on one cell, for the notebook's current cells."""
        notebook = self.workspace().get_notebook_document(cell_uri=cell_uri)
        if notebook is None:
            return None
        found = await self.result(notebook.uri)
        cell = found[1].cell(cell_uri) if found is not None else None
        if cell is None:
            return None
        return Analyzed(cell.uri, cell.version, cell.analysis)

    def imports(self, cell_uri: str) -> ImportMap | None:
        """What the code cells up to ``cell_uri`` import; None if it is not a cell."""
        notebook = self.workspace().get_notebook_document(cell_uri=cell_uri)
        if notebook is None:
            return None
        lines: list[str] = []
        for cell in self.version_of(notebook.uri).cells:
            if cell.kind == "code":
                lines.extend(python_lines(cell.text))
            if cell.uri == cell_uri:
                break
        return imports_in("\n".join(lines))

    def cells_closed(self, uri: str, cell_uris: Sequence[str]) -> None:
        """Clear the diagnostics of cells taken out of the notebook."""
        shown = self.shown.get(uri, {})
        for cell_uri in cell_uris:
            self._clear(shown, cell_uri)

    def close(self, uri: str, cell_uris: Sequence[str]) -> None:
        self.forget(uri)
        shown = self.shown.pop(uri, {})
        for cell_uri in dict.fromkeys([*shown, *cell_uris]):
            self.publish(types.PublishDiagnosticsParams(uri=cell_uri, diagnostics=[]))

    def _show(
        self,
        shown: dict[str, tuple[int | None, list[types.Diagnostic]]],
        cell_uri: str,
        version: int | None,
        diagnostics: list[types.Diagnostic],
    ) -> None:
        if shown.get(cell_uri) == (version, diagnostics):
            return
        shown[cell_uri] = (version, diagnostics)
        self.publish(
            types.PublishDiagnosticsParams(
                uri=cell_uri, diagnostics=diagnostics, version=version
            )
        )

    def _clear(
        self, shown: dict[str, tuple[int | None, list[types.Diagnostic]]], cell_uri: str
    ) -> None:
        previous = shown.pop(cell_uri, None)
        if previous is not None and previous[1]:
            self.publish(types.PublishDiagnosticsParams(uri=cell_uri, diagnostics=[]))


def register(server: KerasenseServer) -> None:
    """Wire ``notebookDocument/*`` to the server's notebook checker."""
    notebooks = server.notebooks

    def forget_cells(cell_uris: Sequence[str]) -> None:
        # Inlay hints on a cell cache the cell's own analysis in the file checker.
        for cell_uri in cell_uris:
            server.checker.forget(cell_uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    @guarded()
    def did_open(params: types.DidOpenNotebookDocumentParams) -> None:
        notebooks.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    @guarded()
    def did_change(params: types.DidChangeNotebookDocumentParams) -> None:
        uri = params.notebook_document.uri
        cells = params.change.cells
        structure = cells.structure if cells is not None else None
        if structure is not None and structure.did_close:
            closed = [document.uri for document in structure.did_close]
            notebooks.cells_closed(uri, closed)
            forget_cells(closed)
        if server.settings.run == "onType":
            notebooks.schedule(uri, server.settings.debounce)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    @guarded()
    def did_save(params: types.DidSaveNotebookDocumentParams) -> None:
        notebooks.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    @guarded()
    def did_close(params: types.DidCloseNotebookDocumentParams) -> None:
        cell_uris = [document.uri for document in params.cell_text_documents]
        notebooks.close(params.notebook_document.uri, cell_uris)
        forget_cells(cell_uris)
