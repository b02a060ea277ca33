"""The static output shapes agree with Keras's, layer by layer.

Each model's source is analysed by Kerasense, then run with Keras, and every named layer's
static ``output_shape`` (and ``input_shape``, where Kerasense knows one) is compared with
``layer.output.shape`` (``layer.input.shape``). A size Kerasense knows
must equal Keras's. A size Kerasense leaves unknown while Keras knows it is allowed only
when it is inherited from an unknown size upstream, or when the layer is one whose sizes
Kerasense documents as unknown (:func:`documented_unknown`); both are counted. The
inheritance is judged per layer, not per axis: a layer whose input already had an
unknown size may leave any of its own sizes unknown.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass, field

import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from kerasense.engine import analyze  # noqa: E402
from kerasense.facts.model import Layer, Shape  # noqa: E402
from tests.oracle import tally  # noqa: E402
from tests.oracle.shape_cases import CASES, HEADER  # noqa: E402
from tests.oracle.shape_generator import generate  # noqa: E402

# Keras warns about the very mistakes these scripts make on purpose, and about
# input_shape= in the fixtures; pytest.warns still sees the warnings it asserts.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::SyntaxWarning")

GENERATED = 120
SEED = 20240605
CORPUS = {
    **{name: HEADER + body.lstrip() for name, body in CASES.items()},
    **generate(SEED, GENERATED),
}


def documented_unknown(layer: keras.layers.Layer) -> str | None:
    """Why Kerasense leaves this layer's sizes unknown, when that is documented."""
    kind = type(layer).__name__
    config = layer.get_config()
    if config.get("data_format") == "channels_first":
        return "shapes.py computes channels-last layouts only (README: Limitations)"
    padded = config.get("pad_to_max_tokens")
    if kind == "TextVectorization" and config["output_mode"] != "int" and not padded:
        return "the width is the size of the vocabulary adapt() learns at run time"
    return None


REQUIRED_LAYERS = {
    "Dense",
    *(f"Conv{n}D" for n in (1, 2, 3)),
    *(f"Conv{n}DTranspose" for n in (1, 2, 3)),
    *(f"{kind}Pooling{n}D" for kind in ("Max", "Average") for n in (1, 2, 3)),
    *(f"Global{kind}Pooling{n}D" for kind in ("Max", "Average") for n in (1, 2, 3)),
    "Flatten",
    "Reshape",
    "Permute",
    "RepeatVector",
    "Dropout",
    "BatchNormalization",
    "LayerNormalization",
    "Activation",
    "Rescaling",
    "RandomFlip",
    "Resizing",
    "Embedding",
    "TextVectorization",
    "LSTM",
    "GRU",
    "SimpleRNN",
    "Bidirectional",
    "TimeDistributed",
    "ConvLSTM2D",
    "Concatenate",
    "Add",
    "Multiply",
    "Average",
    *(f"UpSampling{n}D" for n in (1, 2, 3)),
    *(f"ZeroPadding{n}D" for n in (1, 2, 3)),
    *(f"Cropping{n}D" for n in (1, 2, 3)),
    "SeparableConv1D",
    "SeparableConv2D",
    "DepthwiseConv2D",
}


@dataclass
class Comparison:
    layers: int = 0
    sizes: int = 0
    mismatches: list[str] = field(default_factory=list)
    undocumented: list[str] = field(default_factory=list)
    inherited_unknown: int = 0
    """Sizes unknown because a size of the layer's input was already unknown."""
    documented_unknown: Counter[str] = field(default_factory=Counter)
    """Sizes the layer itself leaves unknown, by the documented reason."""


def static_layers(source: str) -> dict[str, Layer]:
    """Kerasense's layers by their ``name=`` argument."""
    analysis = analyze(source, path="oracle_model.py")
    assert analysis.syntax_error is None
    found = {}
    for model in analysis.models:
        for layer in model.layers:
            node = layer.arguments.get("name")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found[node.value] = layer
    return found


def keras_model(source: str) -> keras.Model:
    namespace: dict[str, object] = {}
    exec(compile(source, "oracle_model.py", "exec"), namespace)
    model = namespace["model"]
    assert isinstance(model, keras.Model)
    return model


def _parents(layer: keras.layers.Layer) -> list[str]:
    tensors = layer.input if isinstance(layer.input, list) else [layer.input]
    return [tensor._keras_history.operation.name for tensor in tensors]


def unknown_sizes(static: Shape | None, real: Shape) -> int:
    """Sizes Keras knows and Kerasense does not (all of them when even the rank is not)."""
    if static is None:
        return sum(size is not None for size in real)
    return sum(s is None and r is not None for s, r in zip(static, real, strict=True))


def compare(source: str) -> Comparison:
    statics = static_layers(source)
    model = keras_model(source)
    result = Comparison()
    real_shapes: dict[str, Shape] = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        kind = type(layer).__name__
        real = tuple(layer.output.shape)
        real_shapes[layer.name] = real
        result.layers += 1
        result.sizes += len(real)
        static_layer = statics.get(layer.name)
        if static_layer is None:
            result.mismatches.append(f"{layer.name} ({kind}): not read by Kerasense")
            continue
        received = static_layer.input_shape
        if received is not None and not isinstance(layer.input, list):
            expected = tuple(layer.input.shape)
            if len(received) != len(expected) or any(
                s is not None and s != r
                for s, r in zip(received, expected, strict=True)
            ):
                result.mismatches.append(
                    f"{layer.name} ({kind}) input: Kerasense {received}, Keras {expected}"
                )
                continue
        static = static_layer.output_shape
        where = f"{layer.name} ({kind}): Kerasense {static}, Keras {real}"
        if static is not None and len(static) != len(real):
            result.mismatches.append(f"{where}: ranks differ")
            continue
        if static is not None and any(
            s is not None and s != r for s, r in zip(static, real, strict=True)
        ):
            result.mismatches.append(f"{where}: sizes differ")
            continue
        unknown = unknown_sizes(static, real)
        if not unknown:
            continue
        inherited = any(
            unknown_sizes(statics[p].output_shape, real_shapes[p])
            for p in _parents(layer)
            if p in statics and p in real_shapes
        )
        reason = documented_unknown(layer)
        if inherited:
            result.inherited_unknown += unknown
        elif reason is not None:
            result.documented_unknown[f"{kind}: {reason}"] += unknown
        else:
            result.undocumented.append(f"{where}: unknown where Keras knows")
    return result


# Engine bugs this oracle found outside shapes.py; strict, so a fix makes them fail.
KNOWN_BUGS: dict[str, str] = {}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name])
        )
        if name in KNOWN_BUGS
        else name
        for name in sorted(CORPUS)
    ],
)
def test_static_shapes_match_keras(name: str) -> None:
    source = CORPUS[name]
    result = compare(source)

    if name in KNOWN_BUGS:
        tally.add("shapes: models showing a known engine bug (xfail)")
        assert not result.mismatches + result.undocumented
        return
    tally.add("shapes: models compared")
    tally.add("shapes: layers compared", result.layers)
    tally.add("shapes: sizes compared (batch axis included)", result.sizes)
    tally.add("shapes: mismatches", len(result.mismatches))
    tally.add(
        "shapes: layers unknown where Keras knows, undocumented",
        len(result.undocumented),
    )
    tally.add(
        "shapes: unknown sizes, inherited from an unknown input",
        result.inherited_unknown,
    )
    for reason, count in result.documented_unknown.items():
        tally.add(f"shapes: unknown sizes, documented: {reason}", count)
    problems = result.mismatches + result.undocumented
    assert not problems, "\n".join([*problems, "", source])


def _layer_classes(source: str) -> set[str]:
    """Every ``layers.Name`` the source mentions, wrapped layers included."""
    return {
        node.attr
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "layers"
    }


def test_corpus_is_large_and_covers_every_required_layer() -> None:
    assert len(CORPUS) >= 100
    covered = set().union(*(_layer_classes(source) for source in CORPUS.values()))
    missing = REQUIRED_LAYERS - covered
    assert not missing, f"layers no compared model contains: {sorted(missing)}"
