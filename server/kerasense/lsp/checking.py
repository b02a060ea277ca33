"""When documents are checked, and what the editor is shown.

Each open document is checked after ``debounceMs`` without changes (``run: onType``) or
when it is saved (``run: onSave``), and always when it is opened. One analysis runs at a
time, off the event loop. A result is published only if the document still has the
version that was analysed, so the editor never sees findings of an older text. While a
document does not parse, nothing new is published: the editor keeps the findings of the
last text that parsed, and the syntax error is left to the editor's Python support.

:class:`Scheduler` holds the timing, caching and version checks; :class:`Checker` applies
them to files, :class:`~kerasense.lsp.notebooks.NotebookChecker` to notebooks.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Generic, TypeVar

from lsprotocol import types
from pygls.workspace import TextDocument

from kerasense.config import Config
from kerasense.lsp.diagnostics import DiagnosticCache
from kerasense.lsp.lazy import lazy
from kerasense.lsp.positions import Columns

if TYPE_CHECKING:
    from kerasense import engine
    from kerasense.engine import Analysis
else:
    engine = lazy("kerasense.engine")

logger = logging.getLogger(__name__)

Lookup = Callable[[str], TextDocument | None]
Publish = Callable[[types.PublishDiagnosticsParams], None]
V = TypeVar("V")
D = TypeVar("D")
R = TypeVar("R")


@dataclass(frozen=True)
class Analyzed:
    """An analysis and the document version it is for."""

    uri: str
    version: int | None
    analysis: Analysis


@dataclass
class State(Generic[V, R]):
    """One document's pending check and its newest result."""

    pending: asyncio.Task[None] | None = None
    result: R | None = None
    version: V | None = None
    generation: int = -1
    inflight: dict[tuple[V, int], asyncio.Future[R]] = field(default_factory=dict)


class Scheduler(ABC, Generic[V, R]):
    """Debounced checks of open documents, one analysis at a time, newest version only.

    A subclass says what a document's version is (any value that changes with every
    edit), how it is analysed and what is published.
    """

    def __init__(self, executor: ThreadPoolExecutor | None = None) -> None:
        self.states: dict[str, State[V, R]] = {}
        self.generation = 0
        self.ready: Callable[[], Awaitable[None]] | None = None
        self.executor = executor or ThreadPoolExecutor(
            1, thread_name_prefix="kerasense-analysis"
        )

    @abstractmethod
    def is_open(self, uri: str) -> bool: ...

    @abstractmethod
    def version_of(self, uri: str) -> V:
        """The version of the open document ``uri``."""

    @abstractmethod
    def job(self, uri: str, version: V) -> Callable[[], R]:
        """The analysis of ``uri`` at ``version``, to run off the event loop."""

    @abstractmethod
    def deliver(self, uri: str, version: V, result: R) -> None:
        """Publish a result that is for the document's current version."""

    def kept(self, uri: str, result: R) -> None:
        """Called when ``result`` becomes the cached result of ``uri``."""

    def state(self, uri: str) -> State[V, R]:
        return self.states.setdefault(uri, State())

    def schedule(self, uri: str, delay: float) -> None:
        """Check ``uri`` after ``delay`` seconds, replacing a check not yet started."""
        state = self.state(uri)
        if state.pending is not None and not state.pending.done():
            state.pending.cancel()
        state.pending = asyncio.ensure_future(self._check(uri, delay))

    def forget(self, uri: str) -> None:
        """Stop checking ``uri`` and drop what is cached for it."""
        state = self.states.pop(uri, None)
        if state is not None and state.pending is not None:
            state.pending.cancel()

    def settings_changed(self) -> None:
        """Forget cached results and check every scheduled document again."""
        self.generation += 1
        for uri, state in list(self.states.items()):
            if state.pending is not None:
                self.schedule(uri, 0)

    def current(self, uri: str, version: V) -> bool:
        """Whether ``uri`` is open and still at ``version``."""
        return self.is_open(uri) and self.version_of(uri) == version

    async def result(self, uri: str) -> tuple[V, R] | None:
        """The result for the document's current version, computed now if need be."""
        if not self.is_open(uri):
            return None
        version = self.version_of(uri)
        state = self.state(uri)
        if (
            state.result is not None
            and state.version == version
            and state.generation == self.generation
        ):
            return version, state.result

        key = (version, self.generation)
        future = state.inflight.get(key)
        if future is None:
            job = self.job(uri, version)  # on the event loop: see kerasense.lsp.lazy
            future = asyncio.get_running_loop().run_in_executor(self.executor, job)
            state.inflight[key] = future
            future.add_done_callback(lambda _: state.inflight.pop(key, None))
        result = await asyncio.shield(future)

        if self.current(uri, version):
            state.result, state.version = result, version
            state.generation = self.generation
            self.kept(uri, result)
        return version, result

    async def _check(self, uri: str, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            if self.ready is not None:
                await self.ready()
            found = await self.result(uri)
            if found is None:
                return
            version, result = found
            if not self.current(uri, version):
                logger.debug("Dropped the result for %s v%s", uri, version)
                return
            self.deliver(uri, version, result)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Checking %s failed", uri)

    def shutdown(self) -> None:
        for state in self.states.values():
            if state.pending is not None:
                state.pending.cancel()
        self.executor.shutdown(wait=False, cancel_futures=True)


class Checker(Scheduler[int | None, "Analysis"]):
    """Scheduling, caching and publishing of the analyses of open files."""

    def __init__(
        self,
        lookup: Lookup,
        publish: Publish,
        config_for: Callable[[str], Config],
        columns: Callable[[], Columns],
    ) -> None:
        super().__init__()
        self.lookup = lookup
        self.publish = publish
        self.config_for = config_for
        self.columns = columns
        self.last_good: dict[str, Analysis] = {}
        self.published: set[str] = set()
        self.diagnostics = DiagnosticCache()
        self._derived: dict[str, tuple[Analysis, object, object]] = {}

    def is_open(self, uri: str) -> bool:
        return self.lookup(uri) is not None

    def version_of(self, uri: str) -> int | None:
        document = self.lookup(uri)
        return document.version if document is not None else None

    def job(self, uri: str, version: int | None) -> Callable[[], Analysis]:
        document = self.lookup(uri)
        if document is None:
            raise LookupError(f"{uri} is not open")
        config = self.config_for(document.uri)
        # The last analysis that parsed lets the parse keep the statements not edited.
        previous = self.last_good.get(uri)
        return partial(
            engine.analyze,
            document.source,
            path=document.path,
            config=config,
            previous=previous,
            incremental=True,
        )

    def kept(self, uri: str, result: Analysis) -> None:
        if result.syntax_error is None:
            self.last_good[uri] = result

    def forget(self, uri: str) -> None:
        super().forget(uri)
        self.last_good.pop(uri, None)
        self.published.discard(uri)
        self.diagnostics.forget(uri)
        self._derived.pop(uri, None)

    def derived(
        self, uri: str, analysis: Analysis, key: object, build: Callable[[], D]
    ) -> D:
        """What a feature builds from an analysis (inlay hints), built once while the
        analysis and ``key`` (such as the position encoding) stay the same."""
        kept = self._derived.get(uri)
        if kept is not None and kept[0] is analysis and kept[1] == key:
            return kept[2]  # type: ignore[return-value]
        value = build()
        self._derived[uri] = (analysis, key, value)
        return value

    def close(self, uri: str) -> None:
        self.forget(uri)
        self.publish(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def facts(self, uri: str) -> Analysis | None:
        """The newest analysis that parsed: the current one, else the last good one."""
        state = self.states.get(uri)
        if state is None:
            return None
        if state.result is not None and state.result.syntax_error is None:
            return state.result
        return self.last_good.get(uri)

    def is_current(self, analyzed: Analyzed) -> bool:
        """Whether the document still has the version that was analysed."""
        return self.current(analyzed.uri, analyzed.version)

    async def analysis(self, uri: str) -> Analyzed | None:
        """The analysis of the document's current text, computed now if need be."""
        found = await self.result(uri)
        if found is None:
            return None
        version, result = found
        return Analyzed(uri, version, result)

    def deliver(self, uri: str, version: int | None, result: Analysis) -> None:
        if result.syntax_error is not None:
            if uri in self.published:
                return
            diagnostics: list[types.Diagnostic] = []
        else:
            diagnostics = self.diagnostics.convert(
                uri, result.findings, result.source, self.columns()
            )
        self.published.add(uri)
        self.publish(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics, version=version
            )
        )
