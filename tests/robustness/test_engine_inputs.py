"""The engine on hostile text: it returns findings or a clean "cannot parse", never raises,
and every fix it offers applies cleanly and leaves code that parses."""

from __future__ import annotations

import ast
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerasense.engine import Analysis, analyze
from kerasense.source.reading import MAX_BYTES, Unreadable, decode_source
from kerasense.source.text import apply_edits
from tests.conftest import fixture_files
from tests.robustness.conftest import SCALE

FIXTURES = [path.read_text(encoding="utf-8") for path in fixture_files()]
# Far above any real analysis; only a hang or a runaway loop reaches it.
TIME_BOUND_S = 20


@contextmanager
def time_bound(seconds: int) -> Iterator[None]:
    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"analysis took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check(text: str, counts: Counter[str], bound: int = TIME_BOUND_S) -> Analysis:
    """Analyse ``text`` and hold the result to the robustness properties."""
    counts["engine inputs tried"] += 1
    try:
        with time_bound(bound):
            analysis = analyze(text)
    except Exception:
        counts["engine crashes"] += 1
        raise
    if analysis.syntax_error is not None:
        assert analysis.findings in ([], [analysis.syntax_error])
        return analysis
    for finding in analysis.findings:
        for fix in finding.fixes:
            counts["fixes applied"] += 1
            ast.parse(apply_edits(text, fix.edits))
    return analysis


def test_every_prefix_of_every_fixture(counts: Counter[str]) -> None:
    for text in FIXTURES:
        for end in range(len(text) + 1):
            check(text[:end], counts)


@settings(
    max_examples=300 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    source=st.sampled_from(FIXTURES),
    cuts=st.lists(
        st.tuples(st.floats(0, 1), st.floats(0, 1), st.text(max_size=12)), max_size=6
    ),
)
def test_random_cuts_insertions_and_deletions(
    source: str, cuts: list[tuple[float, float, str]], counts: Counter[str]
) -> None:
    text = source
    for start_at, length, inserted in cuts:
        start = int(start_at * len(text))
        end = min(len(text), start + int(length * 20))
        text = text[:start] + inserted + text[end:]
    check(text, counts)


LINE_BREAKERS = [
    "\r\n",
    "\r",
    "\x0c",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0b",
    "\x00",
    "\ufeff",
]


@settings(max_examples=200 * SCALE, deadline=None)
@given(
    source=st.sampled_from(FIXTURES),
    odd=st.sampled_from(LINE_BREAKERS),
    every=st.integers(1, 5),
)
def test_odd_line_ends_and_control_characters(
    source: str, odd: str, every: int, counts: Counter[str]
) -> None:
    lines = source.split("\n")
    text = "".join(
        line + (odd if index % every == 0 else "\n") for index, line in enumerate(lines)
    )
    check(text, counts)


ASTRAL = st.text(
    alphabet=st.sampled_from(["😀", "𝔘", "日", "é", "\U0001f9e0", "a", "ß", "\u200d"]),
    min_size=1,
    max_size=6,
)


@settings(max_examples=200 * SCALE, deadline=None)
@given(source=st.sampled_from(FIXTURES), word=ASTRAL)
def test_astral_characters_in_names_and_strings(
    source: str, word: str, counts: Counter[str]
) -> None:
    renamed = source.replace(
        "model", "model_" + "".join(c for c in word if c.isidentifier())
    )
    in_strings = renamed.replace('"relu"', f'"relu{word}"').replace("# ", f"# {word} ")
    analysis = check(f"label = '{word}'; {in_strings}", counts)
    for finding in analysis.findings:
        line = analysis.source.line(finding.range.start.line)
        assert finding.range.end.column <= len(
            analysis.source.line(finding.range.end.line)
        )
        assert finding.range.start.column <= len(line)


@pytest.mark.parametrize("depth", [50, 200, 1000, 5000, 100_000])
def test_deep_nesting(depth: int, counts: Counter[str]) -> None:
    check("x = " + "(" * depth + "1" + ")" * depth + "\n", counts)
    check("x = " + "[" * depth + "\n", counts)
    check("x = " + "-" * depth + "1\n", counts)
    nested = (
        "".join(" " * i + "if x:\n" for i in range(min(depth, 400)))
        + " " * 400
        + "pass\n"
    )
    check(nested, counts)


def test_ten_megabyte_file(counts: Counter[str]) -> None:
    model = FIXTURES[0]
    repeats = 10 * 1024 * 1024 // len(model) + 1
    text = "\n".join(model for _ in range(repeats))
    assert len(text.encode("utf-8")) >= 10 * 1024 * 1024
    # Refused at once, as a file on disk is: parsing it would take gigabytes.
    analysis = check(text, counts, bound=30)
    assert [(f.code, f.message) for f in analysis.findings] == [
        ("KS002", "Cannot check this file: it is larger than 2 MB.")
    ]
    below = "\n".join(model for _ in range(MAX_BYTES // len(model) - 1))
    analysis = check(below, counts, bound=300)
    assert analysis.syntax_error is None and analysis.findings


@settings(max_examples=300 * SCALE, deadline=None)
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_decode_or_are_refused(
    data: bytes, counts: Counter[str]
) -> None:
    counts["byte inputs tried"] += 1
    text = decode_source(data)
    if not isinstance(text, Unreadable):
        check(text, counts)


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbfimport keras\n",
        b"\xff\xfei\x00m\x00",
        b"# coding: utf-16\nx = 1\n",
        b"x = '\xc3\x28'\n",
        b"\x00" * 64,
        b"import keras\r\nmodel = keras.Sequential()\r\n",
        b"import keras\rmodel = keras.Sequential()\r",
    ],
)
def test_encodings_and_boms(data: bytes, counts: Counter[str]) -> None:
    text = decode_source(data)
    if not isinstance(text, Unreadable):
        check(text, counts)


def test_the_checked_file_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    hostile = tmp_path / "hostile.py"
    hostile.write_text(
        "import os\n"
        f"open({str(marker)!r}, 'w').write('ran')\n"
        f"os.system('touch {marker}')\n"
        "import keras\n"
        "model = keras.Sequential([keras.layers.Dense(1, activation='softmax')])\n"
        "model.compile(loss='binary_crossentropy')\n"
    )
    from kerasense.cli.main import main

    assert main(["check", str(hostile)]) == 1
    assert not marker.exists()
