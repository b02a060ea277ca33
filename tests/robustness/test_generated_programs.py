"""Generated Keras programs in every style: the same model must get the same findings
whichever way it is written, and every fix must apply and leave parseable code."""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from kerasense.engine import analyze
from kerasense.source.text import apply_edits
from tests.robustness.conftest import SCALE

IMPORTS = {
    "tf.keras": (
        "import tensorflow as tf\n",
        "tf.keras",
        "tf.keras.layers",
        "tf.keras.losses",
    ),
    "keras": ("import keras\n", "keras", "keras.layers", "keras.losses"),
    "alias": (
        "from tensorflow import keras\nfrom tensorflow.keras import layers as L\n"
        "from tensorflow.keras import losses as LS\n",
        "keras",
        "L",
        "LS",
    ),
}
LOSSES = {
    "bce": ("binary_crossentropy", "BinaryCrossentropy"),
    "cce": ("categorical_crossentropy", "CategoricalCrossentropy"),
    "scce": ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"),
    "mse": ("mean_squared_error", "MeanSquaredError"),
}


@dataclass(frozen=True)
class Spec:
    imports: str
    style: str
    hidden: int
    units: int
    activation: str | None
    activation_as_layer: bool
    loss: str
    loss_form: str
    from_logits: bool


def expected(spec: Spec) -> set[str]:
    """The head rules restated independently of the engine."""
    act, units, loss, logits = spec.activation, spec.units, spec.loss, spec.from_logits
    crossentropy = loss in ("bce", "cce", "scce")
    codes: set[str] = set()
    if act == "softmax" and units == 1:
        codes.add("KS101")
    if crossentropy and logits:
        if act in ("sigmoid", "softmax"):
            codes.add("KS105")
        if loss in ("cce", "scce") and units == 1:
            codes.add("KS103")
        return codes
    if loss == "bce" and act == "softmax" and units > 1:
        codes.add("KS102")
    elif (loss in ("cce", "scce") and units == 1) or (
        loss in ("cce", "scce") and act == "sigmoid"
    ):
        codes.add("KS103")
    elif crossentropy and act in (None, "relu"):
        codes.add("KS104")
    if loss == "mse" and act == "softmax":
        codes.add("KS106")
    elif loss == "mse" and act in ("sigmoid", "relu"):
        codes.add("KS107")
    return codes


def render(spec: Spec) -> str:
    header, keras, layers, losses = IMPORTS[spec.imports]
    hidden = [f'{layers}.Dense(32, activation="relu")' for _ in range(spec.hidden)]
    if spec.activation_as_layer and spec.activation:
        head = [
            f"{layers}.Dense({spec.units})",
            f'{layers}.Activation("{spec.activation}")',
        ]
    elif spec.activation:
        head = [f'{layers}.Dense({spec.units}, activation="{spec.activation}")']
    else:
        head = [f"{layers}.Dense({spec.units})"]
    name, cls = LOSSES[spec.loss]
    if spec.loss_form == "string":
        loss = f'"{name}"'
    elif spec.loss_form == "function":
        loss = f"{losses}.{name}"
    else:
        loss = f"{losses}.{cls}(from_logits={spec.from_logits})"
    stack = [*hidden, *head]

    if spec.style == "list":
        body = f"model = {keras}.Sequential([\n    {keras}.Input(shape=(16,)),\n"
        body += "".join(f"    {layer},\n" for layer in stack) + "])\n"
    elif spec.style == "add":
        body = f"model = {keras}.Sequential()\nmodel.add({keras}.Input(shape=(16,)))\n"
        body += "".join(f"model.add({layer})\n" for layer in stack)
    elif spec.style == "functional":
        body = f"inputs = {keras}.Input(shape=(16,))\nx = inputs\n"
        body += "".join(f"x = {layer}(x)\n" for layer in stack)
        body += f"model = {keras}.Model(inputs, x)\n"
    else:
        names = [f"self.layer_{index}" for index in range(len(stack))]
        body = f"class Net({keras}.Model):\n    def __init__(self):\n        super().__init__()\n"
        body += "".join(
            f"        {n} = {layer}\n" for n, layer in zip(names, stack, strict=True)
        )
        body += "\n    def call(self, x):\n"
        body += (
            "".join(f"        x = {n}(x)\n" for n in names) + "        return x\n\n\n"
        )
        body += "model = Net()\n"
    return header + "\n" + body + f'model.compile(optimizer="adam", loss={loss})\n'


SPECS = st.builds(
    Spec,
    imports=st.sampled_from(sorted(IMPORTS)),
    style=st.sampled_from(["list", "add", "functional", "subclassed"]),
    hidden=st.integers(0, 2),
    units=st.sampled_from([1, 3, 10]),
    activation=st.sampled_from([None, "sigmoid", "softmax", "relu"]),
    activation_as_layer=st.booleans(),
    loss=st.sampled_from(sorted(LOSSES)),
    loss_form=st.sampled_from(["string", "function", "class"]),
    from_logits=st.booleans(),
).map(
    lambda s: (
        s if s.loss_form == "class" else Spec(**{**s.__dict__, "from_logits": False})
    )
)


@settings(max_examples=400 * SCALE, deadline=None)
@given(spec=SPECS)
def test_findings_do_not_depend_on_the_style(spec: Spec, counts: Counter[str]) -> None:
    counts["generated programs"] += 1
    text = render(spec)
    analysis = analyze(text)
    assert analysis.syntax_error is None, text
    head_codes = {f.code for f in analysis.findings if f.code.startswith("KS10")}
    assert head_codes == expected(spec), text
    for finding in analysis.findings:
        for fix in finding.fixes:
            fixed = apply_edits(text, fix.edits)
            ast.parse(fixed)
            again = analyze(fixed)
            assert all(
                f.code != finding.code or f.range.start.line != finding.range.start.line
                for f in again.findings
            ), f"{fix.title}\n{fixed}"
