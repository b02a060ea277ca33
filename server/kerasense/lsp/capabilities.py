"""What the server announces in ``initialize``: code action kinds, completion triggers,
commands and notebook sync.

Kept apart from the features that use them, so that answering ``initialize`` does not
wait for the analysis engine to load (:mod:`kerasense.lsp.lazy`).
"""

from __future__ import annotations

from lsprotocol import types

FIX_ALL_KIND = "source.fixAll.kerasense"
CODE_ACTION_KINDS = (types.CodeActionKind.QuickFix, FIX_ALL_KIND)
FIX_ALL_COMMAND = "kerasense.fixAll"
COMPLETION_TRIGGERS = ("(", "[", "=", '"', "'", ",")

NOTEBOOK_TYPES = ("jupyter-notebook", "interactive")
PYTHON = "python"
NOTEBOOK_SYNC = types.NotebookDocumentSyncOptions(
    notebook_selector=[
        types.NotebookDocumentFilterWithNotebook(
            notebook=notebook_type, cells=[types.NotebookCellLanguage(language=PYTHON)]
        )
        for notebook_type in NOTEBOOK_TYPES
    ],
    save=True,
)
