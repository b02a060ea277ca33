"""When documents are checked, and what the editor is shown.

Each open document is checked after ``debounceMs`` without changes (``run: onType``) or
when it is saved (``run: onSave``), and always when it is opened. One analysis runs at a
time, off the event loop. A result is published only if the document still has the
version that was analysed, so the editor never sees findings of an older text. While a
document does not parse, nothing new is published: the editor keeps the findings of the
last text that parsed, and the syntax error is left to the editor's Python support.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from lsprotocol import types
from pygls.workspace import TextDocument

from kerasense.config import Config
from kerasense.engine import Analysis, analyze
from kerasense.lsp.diagnostics import to_diagnostic
from kerasense.lsp.positions import Columns

logger = logging.getLogger(__name__)

Lookup = Callable[[str], TextDocument | None]
Publish = Callable[[types.PublishDiagnosticsParams], None]


@dataclass(frozen=True)
class Analyzed:
    """An analysis and the document version it is for."""

    uri: str
    version: int | None
    analysis: Analysis


@dataclass
class DocumentState:
    pending: asyncio.Task[None] | None = None
    analysis: Analysis | None = None
    version: int | None = None
    generation: int = -1
    last_good: Analysis | None = None
    published: bool = False
    inflight: dict[tuple[int | None, int], asyncio.Future[Analysis]] = field(
        default_factory=dict
    )


class Checker:
    """Per-document scheduling, caching and publishing of analyses."""

    def __init__(
        self,
        lookup: Lookup,
        publish: Publish,
        config_for: Callable[[TextDocument], Config],
        columns: Callable[[], Columns],
    ) -> None:
        self.lookup = lookup
        self.publish = publish
        self.config_for = config_for
        self.columns = columns
        self.states: dict[str, DocumentState] = {}
        self.generation = 0
        self.ready: Callable[[], Awaitable[None]] | None = None
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="kerasense-analysis")

    def state(self, uri: str) -> DocumentState:
        return self.states.setdefault(uri, DocumentState())

    def schedule(self, uri: str, delay: float) -> None:
        """Check ``uri`` after ``delay`` seconds, replacing a check not yet started."""
        state = self.state(uri)
        if state.pending is not None and not state.pending.done():
            state.pending.cancel()
        state.pending = asyncio.ensure_future(self._check(uri, delay))

    def close(self, uri: str) -> None:
        state = self.states.pop(uri, None)
        if state is not None and state.pending is not None:
            state.pending.cancel()
        self.publish(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def settings_changed(self) -> None:
        """Forget cached analyses and check every open document again."""
        self.generation += 1
        for uri in list(self.states):
            self.schedule(uri, 0)

    def facts(self, uri: str) -> Analysis | None:
        """The newest analysis that parsed: the current one, else the last good one."""
        state = self.states.get(uri)
        if state is None:
            return None
        if state.analysis is not None and state.analysis.syntax_error is None:
            return state.analysis
        return state.last_good

    def is_current(self, analyzed: Analyzed) -> bool:
        """Whether the document still has the version that was analysed."""
        document = self.lookup(analyzed.uri)
        return document is not None and document.version == analyzed.version

    async def analysis(self, uri: str) -> Analyzed | None:
        """The analysis of the document's current text, computed now if need be."""
        document = self.lookup(uri)
        if document is None:
            return None
        state = self.state(uri)
        version = document.version
        if (
            state.analysis is not None
            and state.version == version
            and state.generation == self.generation
        ):
            return Analyzed(uri, version, state.analysis)

        key = (version, self.generation)
        future = state.inflight.get(key)
        if future is None:
            config = self.config_for(document)
            job = partial(analyze, document.source, path=document.path, config=config)
            future = asyncio.get_running_loop().run_in_executor(self.executor, job)
            state.inflight[key] = future
            future.add_done_callback(lambda _: state.inflight.pop(key, None))
        result = await asyncio.shield(future)

        current = self.lookup(uri)
        if current is not None and current.version == version:
            state.analysis, state.version = result, version
            state.generation = self.generation
            if result.syntax_error is None:
                state.last_good = result
        return Analyzed(uri, version, result)

    async def _check(self, uri: str, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            if self.ready is not None:
                await self.ready()
            analyzed = await self.analysis(uri)
            if analyzed is None:
                return
            if not self.is_current(analyzed):
                logger.debug("Dropped the result for %s v%s", uri, analyzed.version)
                return
            self._publish(analyzed)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Checking %s failed", uri)

    def _publish(self, analyzed: Analyzed) -> None:
        uri, result = analyzed.uri, analyzed.analysis
        state = self.state(uri)
        if result.syntax_error is not None:
            if state.published:
                return
            diagnostics: list[types.Diagnostic] = []
        else:
            columns = self.columns()
            diagnostics = [
                to_diagnostic(f, result.source, columns, uri) for f in result.findings
            ]
        state.published = True
        self.publish(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics, version=analyzed.version
            )
        )

    def shutdown(self) -> None:
        for state in self.states.values():
            if state.pending is not None:
                state.pending.cancel()
        self.executor.shutdown(wait=False, cancel_futures=True)
