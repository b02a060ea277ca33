"""Inlay hints: each layer's static output shape, shown just after the layer.

The shapes come from :func:`kerasense.facts.hints.shape_hints`. Hints are given only
for the current text when it parses; while it does not, positions of an older text
could land in the wrong place, so no hints are shown until it parses again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from kerasense.facts.hints import shape_hints
from kerasense.findings import Position
from kerasense.lsp.positions import Columns

if TYPE_CHECKING:
    from kerasense.engine import Analysis
    from kerasense.lsp.server import KerasenseServer


async def inlay_hints(
    server: KerasenseServer, params: types.InlayHintParams
) -> list[types.InlayHint]:
    analyzed = await server.checker.analysis(params.text_document.uri)
    if analyzed is None or analyzed.analysis.syntax_error is not None:
        return []
    analysis = analyzed.analysis
    columns = server.columns()
    wanted = columns.range_from_lsp(analysis.source, params.range)
    # Editors ask again for every scroll; the hints of one text are built once.
    every = server.checker.derived(
        analyzed.uri,
        analysis,
        ("inlay", columns.encoding),
        lambda: _hints(analysis, columns),
    )
    return [hint for at, hint in every if wanted.start <= at <= wanted.end]


def _hints(
    analysis: Analysis, columns: Columns
) -> list[tuple[Position, types.InlayHint]]:
    return [
        (
            hint.position,
            types.InlayHint(
                position=columns.to_lsp(analysis.source, hint.position),
                label=f"→ {hint.label}",
                kind=types.InlayHintKind.Type,
                padding_left=True,
                tooltip=f"Output shape of {hint.layer}, worked out without running it",
            ),
        )
        for hint in shape_hints(analysis.models)
    ]
