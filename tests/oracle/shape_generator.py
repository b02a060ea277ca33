"""Random Keras models as source text, Sequential and functional, for the shape oracle.

Each model starts from an input of one modality and grows by layers drawn at random
among those that accept the current rank. Keras itself is asked, while generating, which
candidate layers it accepts at the current shape, so every generated model builds; the
comparison later runs the source again from scratch. A fixed seed keeps the corpus the
same from run to run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import keras

from tests.oracle.shape_cases import HEADER
from tests.oracle.shape_options import CHANGE_RANK, KEEP_RANK, dense, pick

# The largest sample a generated tensor may hold: keeps Dense weights small.
MAX_ELEMENTS = 20_000
ATTEMPTS = 12
KEEP_RANK_ODDS = 0.75
VOCABULARY = ["red", "green", "blue"]

STARTS: list[tuple[str, str]] = [
    ("vector", "shape=({n},)"),
    ("sequence", "shape=({t}, {c})"),
    ("sequence", "shape=(None, {c})"),
    ("image", "shape=({h}, {w}, {c})"),
    ("image", "shape=({h}, {w}, {c})"),
    ("image", "shape=({h}, {w}, {c})"),
    ("volume", "shape=({d}, {h}, {w}, {c})"),
    ("volume", "shape=({d}, {h}, {w}, {c})"),
    ("tokens", 'shape=({t},), dtype="int32"'),
    ("text", 'shape=(), dtype="string"'),
]


@dataclass
class Graph:
    """Source lines and the symbolic Keras tensors that guide the next choice."""

    rng: random.Random
    lines: list[str] = field(default_factory=list)
    tensors: dict[str, keras.KerasTensor] = field(default_factory=dict)
    counter: int = 0

    def new_input(self, start: str) -> str:
        name = f"in{len([n for n in self.tensors if n.startswith('in')])}"
        rng = self.rng
        shape = start.format(
            n=rng.randint(4, 40),
            t=rng.randint(12, 48),
            c=rng.choice((1, 2, 3, 6)),
            h=rng.randint(10, 36),
            w=rng.randint(10, 36),
            d=rng.randint(6, 12),
        )
        code = f'keras.Input({shape}, name="{name}")'
        self.lines.append(f"{name} = {code}")
        self.tensors[name] = eval(code, {"keras": keras})
        return name

    def try_layer(self, call: str, sources: list[str]) -> str | None:
        """Apply ``call`` to ``sources`` if Keras accepts it; the new tensor's name."""
        name = f"l{self.counter}"
        named = call[:-1] + ("" if call.endswith("()") else ", ") + f'name="{name}")'
        argument = sources[0] if len(sources) == 1 else "[" + ", ".join(sources) + "]"
        inputs = [self.tensors[source] for source in sources]
        try:
            layer = eval(named, {"layers": keras.layers, "keras": keras})
            tensor = layer(inputs[0] if len(inputs) == 1 else inputs)
        except (ValueError, TypeError, NotImplementedError):
            return None
        sizes = tensor.shape[1:]
        if any(size == 0 for size in sizes) or _elements(tensor.shape) > MAX_ELEMENTS:
            return None
        self.counter += 1
        self.lines.append(f"{name} = {named}({argument})")
        self.tensors[name] = tensor
        return name

    def grow(self, source: str, steps: int) -> str:
        """Add up to ``steps`` random layers after ``source``; the last tensor's name."""
        for _ in range(steps):
            rank = min(len(self.tensors[source].shape), 5)
            for _ in range(ATTEMPTS):
                table = KEEP_RANK if self.rng.random() < KEEP_RANK_ODDS else CHANGE_RANK
                option = self.rng.choice(table[rank])
                made = self.try_layer(
                    option(self.rng, self.tensors[source].shape), [source]
                )
                if made is not None:
                    source = made
                    break
        return source

    def start(self) -> str:
        modality, shape = self.rng.choice(STARTS)
        source = self.new_input(shape)
        if modality == "tokens":
            width = self.rng.choice((4, 8))
            embedded = self.try_layer(f"layers.Embedding(100, {width})", [source])
            assert embedded is not None
            return embedded
        if modality == "text":
            length = self.rng.randint(5, 30)
            tokens = self.try_layer(
                f"layers.TextVectorization(vocabulary={VOCABULARY!r}, "
                f"output_sequence_length={length})",
                [source],
            )
            assert tokens is not None
            embedded = self.try_layer(
                f"layers.Embedding({len(VOCABULARY) + 2}, 4)", [tokens]
            )
            assert embedded is not None
            return embedded
        return source


def _elements(shape: tuple[int | None, ...]) -> int:
    total = 1
    for size in shape[1:]:
        total *= size or 1
    return total


def sequential(rng: random.Random) -> str:
    graph = Graph(rng)
    first = graph.start()
    graph.grow(first, rng.randint(2, 7))
    input_line, *layer_lines = graph.lines
    calls = [line.split(" = ", 1)[1].rsplit("(", 1)[0] for line in layer_lines]
    body = "".join(f"    {call},\n" for call in calls)
    return (
        HEADER
        + "model = keras.Sequential([\n"
        + f"    {input_line.split(' = ', 1)[1]},\n"
        + body
        + "])\n"
    )


def _reduce(graph: Graph, source: str) -> str:
    """Bring a branch down to one vector per sample, so that branches can merge."""
    rank = len(graph.tensors[source].shape)
    if rank == 2:
        return source
    reducer = {3: "layers.GlobalAveragePooling1D()", 4: "layers.GlobalMaxPooling2D()"}
    made = graph.try_layer(reducer.get(rank, "layers.Flatten()"), [source])
    assert made is not None
    return made


def functional(rng: random.Random) -> str:
    graph = Graph(rng)
    branches = [
        graph.grow(graph.start(), rng.randint(1, 4)) for _ in range(rng.randint(1, 3))
    ]
    outputs = list(branches)
    if rng.random() < 0.5 and len(graph.tensors[branches[0]].shape) in (3, 4):
        skip = _residual(graph, branches[0])
        if skip is not None:
            outputs[0] = skip
    vectors = [_reduce(graph, branch) for branch in outputs]
    # A vector of unknown width (Flatten of a variable-length sequence) cannot feed
    # Dense: it becomes an output of its own instead of joining the merge.
    units = rng.choice((4, 8))
    projected = [graph.try_layer(f"layers.Dense({units})", [v]) for v in vectors]
    ends = [v for v, p in zip(vectors, projected, strict=True) if p is None]
    mergeable = [p for p in projected if p is not None]
    if len(mergeable) > 1:
        merge = pick(
            rng, "Concatenate", "Add", "Multiply", "Average", "Subtract", "Maximum"
        )
        merged = graph.try_layer(
            f"layers.{merge}()", mergeable[:2] if merge == "Subtract" else mergeable
        )
        assert merged is not None
        mergeable = [merged, *mergeable[2:]] if merge == "Subtract" else [merged]
    for vector in mergeable:
        for _ in range(rng.randint(1, 2)):
            head = graph.try_layer(dense(rng, (None, 1)), [vector])
            assert head is not None
            ends.append(head)
    inputs = [name for name in graph.tensors if name.startswith("in")]
    outputs_text = ", ".join(ends)
    return (
        HEADER
        + "\n".join(graph.lines)
        + f"\nmodel = keras.Model(inputs=[{', '.join(inputs)}], outputs=[{outputs_text}])\n"
    )


def _residual(graph: Graph, source: str) -> str | None:
    """A shape-keeping branch added back onto ``source`` (a residual connection)."""
    shape = graph.tensors[source].shape
    kind = "Conv1D" if len(shape) == 3 else "Conv2D"
    branch = graph.try_layer(f'layers.{kind}({shape[-1]}, 3, padding="same")', [source])
    if branch is None:
        return None
    return graph.try_layer("layers.Add()", [source, branch])


def generate(seed: int, count: int) -> dict[str, str]:
    """``count`` model sources, about a third of them functional, keyed by an id."""
    rng = random.Random(seed)
    models = {}
    for index in range(count):
        kind = "functional" if index % 3 == 2 else "sequential"
        build = functional if kind == "functional" else sequential
        models[f"generated_{index:03d}_{kind}"] = build(rng)
    return models
