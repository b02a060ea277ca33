"""Reading a module region by region gives what reading it whole gives, also when the
regions of an earlier version are reused after edits."""

from __future__ import annotations

import ast
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from kerasense.engine import Analysis, analyze
from kerasense.facts.hints import shape_hints
from kerasense.facts.regions import regions, statement_names
from tests.conftest import fixture_files
from tests.robustness.conftest import SCALE
from tests.robustness.test_generated_programs import SPECS, render

FIXTURES = [path.read_text(encoding="utf-8") for path in fixture_files()]

# Snippets that tie models together through names: aliases, helpers that compile or
# train what they are given, rebinding, module names read by functions.
LINKS = [
    "other = model\nother.compile(optimizer='adam', loss='mse')\n",
    "def train(m):\n    m.compile(optimizer='sgd', loss='binary_crossentropy')\n"
    "train(model)\n",
    "def fit_later():\n    model.fit(x_train, y_train)\n",
    "models = [model]\n",
    "model = None\n",
    "num_classes = 10\n",
    "def model():\n    return 3\n",
    "for m in (model,):\n    m.compile(loss='categorical_crossentropy')\n",
    "if flag:\n    model = keras.Sequential([keras.layers.Dense(1)])\n",
    "head = lambda: model\n",
    "class Trainer:\n    def __init__(self):\n        self.model = model\n"
    "trainer = Trainer()\n",
    "x = 1\n",
    "import keras\nfrom keras import layers\n",
    "import keras\ndef build():\n"
    "    return keras.Sequential([keras.layers.Dense(1, activation='softmax')])\n",
    "build = None\n",
    "def compile_all():\n    names = [m for m in ()]\n"
    "    m.compile(optimizer='adam', loss='mse')\n",
]
# Words whose change touches what every region depends on (imports, class counts) or
# the names that tie statements together.
WORDS = [
    "keras",
    "layers",
    "tensorflow",
    "num_classes",
    "10",
    "model",
    "x",
    "m",
    "import",
    "Flatten",
]


def summary(analysis: Analysis) -> tuple[list[str], list[str]]:
    findings = sorted(repr(finding) for finding in analysis.findings)
    hints = sorted(repr(hint) for hint in shape_hints(analysis.models))
    return findings, hints


def assert_same_reading(text: str) -> Analysis:
    by_region = analyze(text, incremental=True)
    assert summary(by_region) == summary(analyze(text)), text
    return by_region


def test_every_fixture_reads_the_same_by_region() -> None:
    for text in FIXTURES:
        assert_same_reading(text)


programs = st.lists(
    st.one_of(SPECS.map(render), st.sampled_from(LINKS)), min_size=1, max_size=6
).map("\n".join)


@settings(max_examples=300 * SCALE, deadline=None)
@given(text=programs)
def test_generated_modules_read_the_same_by_region(
    text: str, counts: Counter[str]
) -> None:
    counts["modules read by region and whole"] += 1
    assert_same_reading(text)


CUTS = st.tuples(
    st.floats(0, 1),
    st.integers(0, 30),
    st.one_of(
        st.sampled_from([*LINKS, "\n", "\r\n", "\r", "#", "(", "1", "units"]),
        st.text(),
    ),
)
RENAMES = st.tuples(st.sampled_from(WORDS), st.integers(0, 5), st.sampled_from(WORDS))
EDITS = st.one_of(CUTS, RENAMES)


def edited(text: str, edit: tuple[float, int, str] | tuple[str, int, str]) -> str:
    """``text`` with a cut-and-insert at a relative place, or with the n-th occurrence
    of a word replaced by another."""
    if isinstance(edit[0], float):
        where, length, inserted = edit
        at = int(where * len(text))
        return text[:at] + str(inserted) + text[at + int(length) :]
    word, nth, other = edit
    at = -1
    for _ in range(int(nth) + 1):
        at = text.find(str(word), at + 1)
        if at < 0:
            return text
    return text[:at] + str(other) + text[at + len(str(word)) :]


@settings(max_examples=200 * SCALE, deadline=None)
@given(
    start=st.one_of(st.sampled_from(FIXTURES), programs),
    edits=st.lists(EDITS, min_size=1, max_size=6),
)
def test_reused_regions_give_what_a_fresh_reading_gives(
    start: str,
    edits: list[tuple[float, int, str] | tuple[str, int, str]],
    counts: Counter[str],
) -> None:
    last_good = analyze(start, incremental=True)
    text = start
    for edit in edits:
        text = edited(text, edit)
        counts["edits re-read by region"] += 1
        current = analyze(text, previous=last_good, incremental=True)
        assert summary(current) == summary(analyze(text)), text
        if current.syntax_error is None:
            last_good = current


def grouped(text: str) -> list[list[int]]:
    """The regions of ``text`` as lists of 1-based line numbers of their statements."""
    body = ast.parse(text).body
    return [
        [body[index].lineno for index in group]
        for group in regions([statement_names(statement) for statement in body])
    ]


def test_models_that_share_no_name_are_separate_regions() -> None:
    text = (
        "import keras\n"
        "a = keras.Sequential()\n"
        "b = keras.Sequential()\n"
        "a.add(keras.layers.Dense(1))\n"
        "b.compile(loss='mse')\n"
    )
    assert grouped(text) == [[1], [2, 4], [3, 5]]


def test_a_rebound_name_starts_a_new_region() -> None:
    text = (
        "x = keras.Input((4,))\n"
        "x = keras.layers.Dense(2)(x)\n"
        "x = keras.Input((8,))\n"
        "y = keras.layers.Dense(3)(x)\n"
    )
    assert grouped(text) == [[1, 2], [3, 4]]


def test_a_binding_in_a_branch_keeps_the_earlier_one_alive() -> None:
    text = (
        "model = keras.Sequential()\n"
        "if big:\n"
        "    model = keras.Sequential()\n"
        "model.compile(loss='mse')\n"
    )
    assert grouped(text) == [[1, 2, 4]]


def test_an_alias_joins_the_region_of_what_it_names() -> None:
    text = "m = keras.Sequential()\nk = m\nk.add(keras.layers.Dense(1))\n"
    assert grouped(text) == [[1, 2, 3]]


def test_a_function_joins_every_binding_of_the_names_it_reads() -> None:
    text = (
        "def train():\n"
        "    model.compile(loss='mse')\n"
        "model = keras.Sequential()\n"
        "other = keras.Sequential()\n"
        "model = keras.Sequential()\n"
    )
    assert grouped(text) == [[1, 3, 5], [4]]


def test_locals_of_a_function_do_not_join_module_names() -> None:
    text = (
        "x = keras.Input((4,))\n"
        "def block(inputs, *rest):\n"
        "    x = keras.layers.Dense(4)(inputs)\n"
        "    return keras.layers.Dense(1)(x), rest\n"
        "rest = 3\n"
    )
    # x is local once bound; *rest is not a local in the reader's scope.
    assert grouped(text) == [[1], [2, 5]]


def test_a_read_before_the_local_binding_is_a_module_read() -> None:
    text = "x = 1\ndef f():\n    y = x\n    x = 2\n    return y\n"
    assert grouped(text) == [[1, 2]]


def test_a_redefined_function_keeps_all_its_bindings_together() -> None:
    text = "def build():\n    return keras.Sequential()\nbuild = None\n"
    assert grouped(text) == [[1, 3]]


def test_a_comprehension_variable_is_no_local_for_the_reader() -> None:
    # The reader does not bind comprehension targets, so the later `m` is the module's.
    text = "m = 1\ndef f():\n    zeros = [0 for m in ()]\n    return m\n"
    assert grouped(text) == [[1, 2]]


def test_kept_findings_follow_the_file_s_line_ends() -> None:
    # Turning the last line end into CRLF changes no line, so every statement and model
    # is kept; fixes that add lines must still write the file's new line end.
    text = (
        "from keras import Sequential\n"
        "from keras.layers import Conv2D, Dense, Input\n"
        "model = Sequential()\n"
        "model.add(Input((28, 28, 1)))\n"
        "model.add(Conv2D(8, 3))\n"
        "model.add(Dense(10, activation='softmax'))\n"
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
    )
    first = analyze(text, incremental=True)
    crlf = text[:-1] + "\r\n"
    again = analyze(crlf, previous=first, incremental=True)
    assert again.models[0] is first.models[0]
    assert summary(again) == summary(analyze(crlf))
    (fix,) = next(f for f in again.findings if f.code == "KS206").fixes
    assert any(edit.new_text.endswith("\r\n") for edit in fix.edits)
