"""Code to insert, from the knowledge tables: heads, compile calls, network blocks.

Every builder returns a :class:`Snippet`, text with named tab stops, which a front end
renders either as an LSP snippet (``${1:num_classes}``) or as plain text with the
defaults filled in. Keras names are written the way the file already imports them
(:class:`Spelling`). Which head a task needs comes from ``rules/tasks.toml``; which
network suits a modality comes from ``rules/modalities.toml`` (its first network is the
preferred one). The layers of each network family are the small, conventional stacks in
``_NETWORK_LAYERS``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from kerasense.knowledge import Modality, Task
from kerasense.knowledge.explain import losses_for
from kerasense.syntax.names import ImportMap

LayerForm = Literal["element", "argument", "statement"]
"""``element``: items of a ``Sequential([...])`` list; ``argument``: inside
``model.add(``; ``statement``: functional assignments ``x = Layer(...)(x)``."""


@dataclass(frozen=True)
class Slot:
    """A tab stop. Slots with the same name share one number and change together."""

    name: str
    default: str
    choices: tuple[str, ...] = ()


Piece = str | Slot


@dataclass(frozen=True)
class Snippet:
    pieces: tuple[Piece, ...]

    @classmethod
    def of(cls, *parts: Piece | Snippet) -> Snippet:
        pieces: list[Piece] = []
        for part in parts:
            pieces.extend(part.pieces if isinstance(part, Snippet) else (part,))
        return cls(tuple(pieces))

    @classmethod
    def join(cls, parts: Iterable[Snippet], separator: str) -> Snippet:
        joined: list[Piece | Snippet] = []
        for index, part in enumerate(parts):
            if index:
                joined.append(separator)
            joined.append(part)
        return cls.of(*joined)

    def as_text(self) -> str:
        """The text with every tab stop replaced by its default."""
        return "".join(p if isinstance(p, str) else p.default for p in self.pieces)

    def as_snippet(self) -> str:
        """LSP snippet syntax: ``${1:default}`` and ``${1|a,b|}`` choices."""
        numbers: dict[str, int] = {}
        out: list[str] = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(_escape(piece))
                continue
            first = piece.name not in numbers
            number = numbers.setdefault(piece.name, len(numbers) + 1)
            if piece.choices and first:
                options = ",".join(_escape_choice(c) for c in piece.choices)
                out.append(f"${{{number}|{options}|}}")
            else:
                out.append(f"${{{number}:{_escape(piece.default)}}}")
        return "".join(out)

    @property
    def has_slots(self) -> bool:
        return any(isinstance(p, Slot) for p in self.pieces)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def _escape_choice(text: str) -> str:
    return _escape(text).replace(",", "\\,").replace("|", "\\|")


class Spelling:
    """Writes canonical Keras names the way the file can already refer to them."""

    def __init__(self, imports: ImportMap) -> None:
        self.imports = imports

    def __call__(self, canonical: str) -> str:
        spelled = self.imports.spelling_for(canonical)
        if spelled is not None:
            return spelled
        # `keras.layers.Dense` when only `keras` (or nothing Keras at all) is imported.
        return canonical

    def layer(self, name: str) -> str:
        return self(f"keras.layers.{name}")


@dataclass(frozen=True)
class LayerCall:
    """A layer to write: its class, the text in its parentheses, a wrapped layer."""

    name: str
    arguments: Snippet = Snippet(())
    inner: LayerCall | None = None

    def render(self, spell: Spelling) -> Snippet:
        inside = self.inner.render(spell) if self.inner else self.arguments
        return Snippet.of(spell.layer(self.name), "(", inside, ")")


def _call(name: str, *arguments: Piece) -> LayerCall:
    return LayerCall(name, Snippet(arguments))


_RELU = 'activation="relu"'
_NETWORK_LAYERS: dict[str, tuple[LayerCall, ...]] = {
    "dense": (_call("Dense", f"64, {_RELU}"), _call("Dense", f"64, {_RELU}")),
    "conv2d": (
        _call("Conv2D", f"32, 3, {_RELU}"),
        _call("MaxPooling2D"),
        _call("Conv2D", f"64, 3, {_RELU}"),
        _call("MaxPooling2D"),
        _call("Flatten"),
    ),
    "conv1d": (
        _call("Conv1D", f"32, 7, {_RELU}"),
        _call("MaxPooling1D", "5"),
        _call("Conv1D", f"32, 7, {_RELU}"),
        _call("GlobalMaxPooling1D"),
    ),
    "recurrent": (_call("LSTM", "32, return_sequences=True"), _call("LSTM", "32")),
    "conv3d": (
        _call("Conv3D", f"16, 3, {_RELU}"),
        _call("MaxPooling3D"),
        _call("Conv3D", f"32, 3, {_RELU}"),
        _call("GlobalAveragePooling3D"),
    ),
}
# "conv2d+recurrent": a frame-level convnet inside TimeDistributed, then the rest.
_FRAME_LAYERS = (
    _call("Conv2D", f"32, 3, {_RELU}"),
    _call("MaxPooling2D"),
    _call("GlobalAveragePooling2D"),
)
_AFTER_FRAMES: dict[str, tuple[LayerCall, ...]] = {
    "recurrent": (_call("LSTM", "32"),),
    "conv1d": (_call("Conv1D", f"64, 3, {_RELU}"), _call("GlobalMaxPooling1D")),
}


def network_layers(network: str, modality: Modality) -> tuple[LayerCall, ...] | None:
    """The layers of one network from ``modality.networks``; None for an unknown one."""
    if "+" in network:
        frames, _, after = network.partition("+")
        if frames != "conv2d" or after not in _AFTER_FRAMES:
            return None
        wrapped = tuple(LayerCall("TimeDistributed", inner=c) for c in _FRAME_LAYERS)
        body: tuple[LayerCall, ...] = wrapped + _AFTER_FRAMES[after]
    elif network in _NETWORK_LAYERS:
        body = _NETWORK_LAYERS[network]
    else:
        return None
    if "Embedding" in modality.preprocessing:
        vocabulary = Slot("vocabulary_size", "vocabulary_size")
        body = (LayerCall("Embedding", Snippet((vocabulary, ", 64"))), *body)
    return body


def render_layers(
    calls: Sequence[LayerCall],
    spell: Spelling,
    form: LayerForm,
    *,
    indent: str = "",
    model: str = "model",
    tensor: str = "x",
) -> Snippet:
    """Layers one after the other, in the way ``form`` writes them.

    ``argument`` leaves the last ``model.add(`` call without its closing parenthesis:
    the one already after the cursor closes it.
    """
    rendered = [c.render(spell) for c in calls]
    if form == "element":
        return Snippet.join(rendered, f",\n{indent}")
    if form == "argument":
        return Snippet.join(rendered, f")\n{indent}{model}.add(")
    lines = [Snippet.of(f"{tensor} = ", r, f"({tensor})") for r in rendered]
    return Snippet.join(lines, f"\n{indent}")


def head_units(task: Task, classes: int | None) -> Piece:
    if task.units == "1":
        return "1"
    if task.units == "values":
        return Slot("values", "1")
    return str(classes) if classes else Slot("num_classes", "num_classes")


def head_layer(task: Task, classes: int | None) -> LayerCall:
    """The Dense layer a task needs: its units and its activation."""
    units = head_units(task, classes)
    if task.activation == "linear":
        return LayerCall("Dense", Snippet((units,)))
    return LayerCall("Dense", Snippet((units, f', activation="{task.activation}"')))


def compile_arguments(
    task: Task, labels: str | None, *, choices: bool = True
) -> Snippet:
    """``optimizer=..., loss=..., metrics=[...]`` for a model with this task's head."""
    losses = losses_for(task, labels)
    loss: Piece = losses[0]
    if choices and len(losses) > 1:
        loss = Slot("loss", losses[0], losses)
    metric = task.metrics[0] if task.metrics else None
    metrics = f', metrics=["{metric}"]' if metric else ""
    return Snippet.of('optimizer="adam", loss="', loss, '"', metrics)


def compile_call(
    task: Task, model: str, labels: str | None, *, choices: bool = True
) -> Snippet:
    return Snippet.of(
        f"{model}.compile(", compile_arguments(task, labels, choices=choices), ")"
    )
