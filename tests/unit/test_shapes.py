"""Static shapes on models written by hand, checked against sizes worked out by hand.
(tests/oracle compares them with what TensorFlow reports.)"""

from __future__ import annotations

from kerasense.engine import analyze

CONVNET = """\
from tensorflow import keras
from tensorflow.keras import layers

inputs = keras.Input(shape=(180, 180, 3))
x = layers.Rescaling(1.0 / 255)(inputs)
x = layers.Conv2D(32, kernel_size=3, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(64, (5, 5), strides=2, padding="same")(x)
x = layers.Conv2DTranspose(16, 3, strides=2)(x)
a = layers.GlobalAveragePooling2D()(x)
b = layers.GlobalMaxPooling2D()(x)
x = layers.Concatenate()([a, b])
outputs = layers.Dense(5, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
"""

TEXT = """\
import keras
from keras import layers

model = keras.Sequential()
model.add(layers.Embedding(20000, 128, input_length=200))
model.add(layers.Bidirectional(layers.LSTM(64, return_sequences=True)))
model.add(layers.Conv1D(32, 7, dilation_rate=2, padding="causal"))
model.add(layers.MaxPooling1D(3))
model.add(layers.Flatten())
model.add(layers.RepeatVector(4))
model.add(layers.TimeDistributed(layers.Dense(8)))
model.add(layers.Reshape((-1,)))
model.add(layers.Dense(1, activation="sigmoid"))
model.build((None, 200))
model.compile(optimizer="adam", loss="binary_crossentropy")
"""


def shapes(source: str) -> list[tuple[str, object]]:
    [model] = analyze(source).models
    return [(layer.name, layer.output_shape) for layer in model.layers]


def test_functional_convnet() -> None:
    assert shapes(CONVNET) == [
        ("Rescaling", (None, 180, 180, 3)),
        ("Conv2D", (None, 178, 178, 32)),
        ("MaxPooling2D", (None, 89, 89, 32)),
        ("Conv2D", (None, 45, 45, 64)),
        ("Conv2DTranspose", (None, 91, 91, 16)),
        ("GlobalAveragePooling2D", (None, 16)),
        ("GlobalMaxPooling2D", (None, 16)),
        ("Concatenate", (None, 32)),
        ("Dense", (None, 5)),
    ]


def test_sequential_text_model_built_with_a_batch_shape() -> None:
    assert shapes(TEXT) == [
        ("Embedding", (None, 200, 128)),
        ("Bidirectional", (None, 200, 128)),
        ("Conv1D", (None, 200, 32)),
        ("MaxPooling1D", (None, 66, 32)),
        ("Flatten", (None, 2112)),
        ("RepeatVector", (None, 4, 2112)),
        ("TimeDistributed", (None, 4, 8)),
        ("Reshape", (None, 32)),
        ("Dense", (None, 1)),
    ]


def test_unknown_layers_make_the_rest_unknown_but_never_guessed() -> None:
    source = CONVNET.replace(
        "x = layers.MaxPooling2D(pool_size=2)(x)", "x = my_block(x)"
    ).replace("import layers\n", "import layers\nfrom blocks import my_block\n")
    result = dict(shapes(source))
    assert result["Conv2DTranspose"] == (None, None, None, 16)
    assert result["Dense"] == (None, 5)
