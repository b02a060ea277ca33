"""``make bench``: Kerasense's speed and memory against their targets, in one run.

Every timing is a median or a percentile over repeated runs. The language-server
figures come from a real client (pygls) talking to ``kerasense serve`` over stdio with
the debounce set to 0. Results go to ``bench/out/results.json``.
"""

from __future__ import annotations

import ast
import asyncio
import gc
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from generate import write_inputs
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from kerasense.engine import analyze

OUT = Path(__file__).parent / "out"
SERVER = [sys.executable, "-m", "kerasense", "serve", "--log-level", "warning"]


def median_time(action: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def analysis_over_parse(text: str) -> tuple[float, float, float]:
    """Both sides with the garbage collector paused, as ``analyze`` pauses it itself:
    the ratio compares the work done, not when the collector happens to run. The two
    are timed in turns, so that a load on the machine weighs on both alike."""
    analyze(text)  # warm the rule tables
    parses, analyses = [], []
    gc.disable()
    try:
        for _ in range(15):
            parses.append(median_time(lambda: ast.parse(text), 1))
            analyses.append(median_time(lambda: analyze(text), 1))
    finally:
        gc.enable()
    parse, full = statistics.median(parses), statistics.median(analyses)
    return full / parse, parse, full


def startup_floor() -> float:
    """Seconds for Python to start and import ``lsprotocol.types``, which pygls needs
    before it can answer anything: the floor under ``startup_s``."""
    command = [sys.executable, "-c", "import lsprotocol.types"]
    return median_time(lambda: subprocess.run(command, check=True), 5)


def cli_files_per_second(folder: Path) -> float:
    files = len(list(folder.glob("*.py")))
    command = [
        sys.executable,
        "-m",
        "kerasense",
        "check",
        "--format",
        "json",
        str(folder),
    ]
    seconds = median_time(
        lambda: subprocess.run(command, capture_output=True, check=False), 3
    )
    return files / seconds


class Session:
    """A pygls client that records every publishDiagnostics by URI and version."""

    def __init__(self) -> None:
        self.client = LanguageClient("kerasense-bench", "0")
        self.published: dict[str, asyncio.Queue[types.PublishDiagnosticsParams]] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.queue(params.uri).put_nowait(params)

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def log(params: types.LogMessageParams) -> None:
            pass

    def queue(self, uri: str) -> asyncio.Queue[types.PublishDiagnosticsParams]:
        return self.published.setdefault(uri, asyncio.Queue())

    async def start(self) -> float:
        started = time.perf_counter()
        await self.client.start_io(*SERVER)
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                initialization_options={"debounceMs": 0, "logLevel": "warning"},
            )
        )
        elapsed = time.perf_counter() - started
        self.client.initialized(types.InitializedParams())
        return elapsed

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    def open(self, uri: str, text: str) -> None:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=text
                )
            )
        )

    async def wait_version(self, uri: str, version: int) -> None:
        while True:
            params = await asyncio.wait_for(self.queue(uri).get(), 30)
            if params.version is None or params.version >= version:
                return

    async def change(
        self, uri: str, version: int, change: types.TextDocumentContentChangeEvent
    ) -> float:
        """Seconds from sending one change to receiving its diagnostics."""
        started = time.perf_counter()
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [change],
            )
        )
        await self.wait_version(uri, version)
        return time.perf_counter() - started

    @property
    def pid(self) -> int:
        return self.client._server.pid  # type: ignore[attr-defined]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _middle_line(lines: list[str], prefix: str) -> int:
    """The line starting with ``prefix`` nearest to the middle of ``lines``."""
    found = [index for index, line in enumerate(lines) if line.startswith(prefix)]
    return min(found, key=lambda index: abs(index - len(lines) // 2))


def position_of(text: str, needle: str, offset: int = 0) -> types.Position:
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    return types.Position(line, index - (text.rfind("\n", 0, index) + 1))


async def server_figures(medium: Path, folder: Path) -> dict[str, float]:
    startups = []
    for _ in range(5):
        session = Session()
        startups.append(await session.start())
        await session.stop()

    session = Session()
    await session.start()
    text = medium.read_text(encoding="utf-8")
    uri = medium.resolve().as_uri()
    session.open(uri, text)
    await session.wait_version(uri, 1)

    # Keystrokes: a digit typed into, then deleted from, a layer's units in the middle
    # of the file, and a comment line added at its end. Each edit leaves code that
    # parses, so every version gets its diagnostics.
    lines = text.split("\n")
    typed_line = _middle_line(lines, "    layers.Dense(64, ")
    typed_at = lines[typed_line].index("64") + 2
    last_line = len(lines) - 1
    latencies = []
    for version in range(2, 62):
        step = (version - 2) % 3  # 0: type the digit, 1: delete it, 2: add a line
        if step == 2:
            where = types.Range(
                types.Position(last_line, 0), types.Position(last_line, 0)
            )
            change = types.TextDocumentContentChangePartial(
                range=where, text=f"# edit {version}\n"
            )
            last_line += 1
        else:
            start = types.Position(typed_line, typed_at)
            end = types.Position(typed_line, typed_at + step)
            change = types.TextDocumentContentChangePartial(
                range=types.Range(start, end), text="0" if step == 0 else ""
            )
        latencies.append(await session.change(uri, version, change))

    # Enter pressed in the middle of the file: every statement below moves down a line,
    # so the statements after the edit are parsed and read again.
    newlines = []
    for version in range(62, 82):
        where = types.Range(
            types.Position(typed_line, 0), types.Position(typed_line, 0)
        )
        change = types.TextDocumentContentChangePartial(range=where, text="\n")
        newlines.append(await session.change(uri, version, change))
        typed_line += 1
        last_line += 1

    document = types.TextDocumentIdentifier(uri=uri)
    completion_at = position_of(text, 'layers.Dense(32, activation="relu"),\n', 0)
    hover_at = position_of(text, "layers.Dense(", len("layers."))
    completions, hovers, inlays = [], [], []
    for _ in range(40):
        started = time.perf_counter()
        await session.client.text_document_completion_async(
            types.CompletionParams(document, completion_at)
        )
        completions.append(time.perf_counter() - started)
        started = time.perf_counter()
        await session.client.text_document_hover_async(
            types.HoverParams(document, hover_at)
        )
        hovers.append(time.perf_counter() - started)
        started = time.perf_counter()
        await session.client.text_document_inlay_hint_async(
            types.InlayHintParams(
                document,
                types.Range(types.Position(0, 0), types.Position(last_line + 1, 0)),
            )
        )
        inlays.append(time.perf_counter() - started)

    files = sorted(folder.glob("*.py"))[:200]
    for path in files:
        session.open(path.resolve().as_uri(), path.read_text(encoding="utf-8"))
    for path in files:
        await session.wait_version(path.resolve().as_uri(), 1)
    memory = rss_mb(session.pid)
    await session.stop()
    return {
        "startup_s": statistics.median(startups),
        "diagnostics_p95_ms": p95(latencies) * 1000,
        "diagnostics_newline_p95_ms": p95(newlines) * 1000,
        "completion_p95_ms": p95(completions) * 1000,
        "hover_p95_ms": p95(hovers) * 1000,
        "inlay_p95_ms": p95(inlays) * 1000,
        "rss_mb_200_docs": memory,
    }


TARGETS = [
    (
        "analysis_over_parse",
        "full analysis / ast.parse, 5,000-line module",
        "<= 2.0",
        2.0,
    ),
    (
        "diagnostics_p95_ms",
        "didChange -> publishDiagnostics, 2,000 lines, p95 (ms)",
        "<= 50",
        50,
    ),
    (
        "diagnostics_newline_p95_ms",
        "  the same after Enter in the middle of the file, p95 (ms)",
        "reported",
        None,
    ),
    ("completion_p95_ms", "completion on that file, p95 (ms)", "<= 20", 20),
    ("hover_p95_ms", "hover on that file, p95 (ms)", "<= 20", 20),
    ("inlay_p95_ms", "inlay hints for that file, p95 (ms)", "<= 50", 50),
    ("startup_s", "process start -> initialize answered (s)", "<= 0.3", 0.3),
    (
        "startup_floor_s",
        "  of which Python + import lsprotocol.types (s)",
        "reported",
        None,
    ),
    ("rss_mb_200_docs", "resident memory, 200 documents open (MB)", "<= 80", 80),
    (
        "cli_files_per_s",
        "kerasense check, 1,000-file folder (files/s)",
        "reported",
        None,
    ),
]


def main() -> int:
    inputs = write_inputs(OUT / "inputs")
    big = inputs["big"].read_text(encoding="utf-8")
    ratio, parse_s, analysis_s = analysis_over_parse(big)
    results: dict[str, float] = {"analysis_over_parse": ratio}
    results.update(asyncio.run(server_figures(inputs["medium"], inputs["folder"])))
    results["startup_floor_s"] = startup_floor()
    results["cli_files_per_s"] = cli_files_per_second(inputs["folder"])

    print(
        f"ast.parse {parse_s * 1000:.1f} ms, analysis {analysis_s * 1000:.1f} ms "
        f"({big.count(chr(10))} lines)"
    )
    print(f"{'figure':<58} {'measured':>10}  {'target':<9} ok")
    for key, title, target, bound in TARGETS:
        value = results[key]
        ok = "-" if bound is None else ("yes" if value <= bound else "NO")
        print(f"{title:<58} {value:>10.2f}  {target:<9} {ok}")
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"written: {OUT / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
