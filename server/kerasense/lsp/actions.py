"""Code actions: the fixes findings carry, head insertion, and fix-all.

Actions are always built on the analysis of the document's current version, and their
edits carry that version: an editor asking with diagnostics of an older text gets only
what still applies, and an edit that arrives after a further change is refused by the
editor instead of landing in the wrong place. Fix-all is a source action: it is offered
only when the client asks for ``source``, ``source.fixAll`` or ``source.fixAll.kerasense``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from kerasense.findings import Fix, Range, TextEdit
from kerasense.fixes import preferred_edits
from kerasense.fixes.heads import insert_head_fixes
from kerasense.lsp.capabilities import FIX_ALL_COMMAND, FIX_ALL_KIND
from kerasense.lsp.checking import Analyzed
from kerasense.lsp.diagnostics import same_place, to_diagnostic
from kerasense.lsp.positions import Columns
from kerasense.source.text import apply_edits
from kerasense.syntax.parse import parse_quietly

if TYPE_CHECKING:
    from kerasense.lsp.server import KerasenseServer

logger = logging.getLogger(__name__)

_HEAD_CODES = ("KS111", "KS112")


def wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether ``kind`` falls under one of the kinds the client asked for."""
    if not only:
        return True
    return any(kind == asked or kind.startswith(f"{asked}.") for asked in only)


def _overlaps(a: Range, b: Range) -> bool:
    return a.start <= b.end and b.start <= a.end


def workspace_edit(
    analyzed: Analyzed, edits: Iterable[TextEdit], columns: Columns
) -> types.WorkspaceEdit:
    source = analyzed.analysis.source
    changes: list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit] = [
        types.TextEdit(range=columns.range_to_lsp(source, e.range), new_text=e.new_text)
        for e in edits
    ]
    document = types.OptionalVersionedTextDocumentIdentifier(
        uri=analyzed.uri, version=analyzed.version
    )
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(text_document=document, edits=changes)]
    )


def _action(
    fix: Fix,
    analyzed: Analyzed,
    columns: Columns,
    diagnostics: list[types.Diagnostic],
) -> types.CodeAction:
    return types.CodeAction(
        title=fix.title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=diagnostics or None,
        is_preferred=fix.preferred or None,
        edit=workspace_edit(analyzed, fix.edits, columns),
    )


class ParseGuard:
    """Never an edit that breaks the file: a fix is offered only if the text still
    parses after it. Text that does not parse before (a notebook cell with IPython
    lines) cannot be judged that way, and its fixes pass."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.judged = _parses(text)

    def keeps(self, edits: Sequence[TextEdit]) -> bool:
        if not self.judged:
            return True
        try:
            fixed = apply_edits(self.text, edits)
        except ValueError:  # overlapping edits
            return False
        kept = _parses(fixed)
        if not kept:
            logger.warning("Dropped a fix whose edit would not parse: %s", edits)
        return kept


def _parses(text: str) -> bool:
    try:
        parse_quietly(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False
    return True


def _client_diagnostic(
    built: types.Diagnostic, context: types.CodeActionContext
) -> types.Diagnostic:
    """The editor's own copy of a diagnostic when it sent one, else the one built."""
    return next((d for d in context.diagnostics if same_place(d, built)), built)


def quick_fixes(
    analyzed: Analyzed,
    requested: Range,
    columns: Columns,
    context: types.CodeActionContext,
) -> list[types.CodeAction]:
    analysis = analyzed.analysis
    source = analysis.source
    guard = ParseGuard(source.text)
    actions: list[types.CodeAction] = []
    for finding in analysis.findings:
        if not finding.fixes or not _overlaps(finding.range, requested):
            continue
        built = to_diagnostic(finding, source, columns, analyzed.uri)
        diagnostic = _client_diagnostic(built, context)
        actions.extend(
            _action(fix, analyzed, columns, [diagnostic])
            for fix in finding.fixes
            if guard.keeps(fix.edits)
        )

    for model in analysis.models:
        if not _overlaps(model.range, requested):
            continue
        if model.heads and model.compile is not None:
            continue
        related = [
            _client_diagnostic(to_diagnostic(f, source, columns, analyzed.uri), context)
            for f in analysis.findings
            if f.code in _HEAD_CODES and _overlaps(f.range, model.range)
        ]
        offered = {(fix.title, fix.edits) for f in analysis.findings for fix in f.fixes}
        actions.extend(
            _action(fix, analyzed, columns, related)
            for fix in insert_head_fixes(model, analysis)
            if (fix.title, fix.edits) not in offered and guard.keeps(fix.edits)
        )
    return actions


async def analyzed_for_fixes(server: KerasenseServer, uri: str) -> Analyzed | None:
    """What fixes are built on: the notebook's analysis for a cell, else the file's."""
    if server.notebooks.holds(uri):
        return await server.notebooks.cell_analysis(uri)
    return await server.checker.analysis(uri)


async def code_actions(
    server: KerasenseServer, params: types.CodeActionParams
) -> list[types.CodeAction]:
    analyzed = await analyzed_for_fixes(server, params.text_document.uri)
    if analyzed is None or analyzed.analysis.syntax_error is not None:
        return []
    if not server.checker.is_current(analyzed):
        return []
    columns = server.columns()
    only = params.context.only
    actions: list[types.CodeAction] = []
    if wanted(types.CodeActionKind.QuickFix, only):
        requested = columns.range_from_lsp(analyzed.analysis.source, params.range)
        actions.extend(quick_fixes(analyzed, requested, columns, params.context))
    if only and wanted(FIX_ALL_KIND, only):
        edits = preferred_edits(analyzed.analysis.findings)
        if edits and ParseGuard(analyzed.analysis.source.text).keeps(edits):
            actions.append(
                types.CodeAction(
                    title="Kerasense: fix all",
                    kind=FIX_ALL_KIND,
                    edit=workspace_edit(analyzed, edits, columns),
                )
            )
    return actions


async def fix_all_command(server: KerasenseServer, arguments: Sequence[object]) -> bool:
    """Apply the preferred fixes of the document ``arguments[0]`` names (a URI)."""
    if len(arguments) != 1 or not isinstance(arguments[0], str):
        raise JsonRpcInvalidParams(
            f"{FIX_ALL_COMMAND} takes one argument, the URI of an open document; "
            f"got {list(arguments)!r}"
        )
    uri = arguments[0]
    if server.document(uri) is None:
        raise JsonRpcInvalidParams(f"{FIX_ALL_COMMAND}: {uri} is not an open document")
    analyzed = await analyzed_for_fixes(server, uri)
    if analyzed is None or analyzed.analysis.syntax_error is not None:
        return False
    edits = preferred_edits(analyzed.analysis.findings)
    if not edits or not ParseGuard(analyzed.analysis.source.text).keeps(edits):
        return False
    edit = workspace_edit(analyzed, edits, server.columns())
    result = await server.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=edit, label="Kerasense: fix all")
    )
    return bool(result.applied)
