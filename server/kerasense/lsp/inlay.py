"""Inlay hints: each layer's static output shape, shown just after the layer.

The shapes come from :func:`kerasense.facts.hints.shape_hints`. Hints are given only
for the current text when it parses; while it does not, positions of an older text
could land in the wrong place, so no hints are shown until it parses again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from kerasense.facts.hints import shape_hints

if TYPE_CHECKING:
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
    hints = []
    for hint in shape_hints(analysis.models):
        if not wanted.start <= hint.position <= wanted.end:
            continue
        hints.append(
            types.InlayHint(
                position=columns.to_lsp(analysis.source, hint.position),
                label=f"→ {hint.label}",
                kind=types.InlayHintKind.Type,
                padding_left=True,
                tooltip=f"Output shape of {hint.layer}, worked out without running it",
            )
        )
    return hints
