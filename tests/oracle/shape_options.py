"""Random layer calls for the shape oracle's generator, grouped by the rank they accept.

Each option takes a random generator and the current shape (batch axis first) and
returns the source of one layer call, such as ``layers.Conv2D(8, 3, strides=2)``. The
generator asks Keras whether it accepts the call at that shape.
"""

from __future__ import annotations

import random
from collections.abc import Callable

Shape = tuple[int | None, ...]
Option = Callable[[random.Random, Shape], str]


def pick(rng: random.Random, *choices: object) -> object:
    return rng.choice(choices)


def _padding(rng: random.Random) -> str:
    return str(pick(rng, "valid", "same"))


def _window(rng: random.Random, axes: int, low: int = 1, high: int = 4) -> str:
    """An int or a tuple of ints, as kernel_size, strides or pool_size take them."""
    if axes == 1 or rng.random() < 0.5:
        return str(rng.randint(low, high))
    return "(" + ", ".join(str(rng.randint(low, high)) for _ in range(axes)) + ")"


def _conv(kind: str, axes: int) -> Option:
    def build(rng: random.Random, shape: Shape) -> str:
        filters = rng.choice((2, 4, 8, 16))
        kernel = _window(rng, axes, 1, 5)
        arguments = [str(filters), kernel]
        if rng.random() < 0.5:
            arguments.append(f"strides={_window(rng, axes, 1, 3)}")
        elif rng.random() < 0.4:
            arguments.append(f"dilation_rate={_window(rng, axes, 1, 3)}")
        arguments.append(f'padding="{_padding(rng)}"')
        return f"layers.{kind}({', '.join(arguments)})"

    return build


def _transpose(kind: str, axes: int) -> Option:
    def build(rng: random.Random, shape: Shape) -> str:
        arguments = [str(rng.choice((2, 4, 8))), _window(rng, axes, 1, 4)]
        if rng.random() < 0.7:
            arguments.append(f"strides={_window(rng, axes, 1, 3)}")
        arguments.append(f'padding="{_padding(rng)}"')
        return f"layers.{kind}({', '.join(arguments)})"

    return build


def _depthwise(axes: int) -> Option:
    def build(rng: random.Random, shape: Shape) -> str:
        arguments = [_window(rng, axes, 1, 4)]
        if rng.random() < 0.5:
            arguments.append(f"depth_multiplier={rng.randint(1, 3)}")
        if rng.random() < 0.4:
            arguments.append(f"strides={_window(rng, axes, 1, 2)}")
        arguments.append(f'padding="{_padding(rng)}"')
        return f"layers.DepthwiseConv{axes}D({', '.join(arguments)})"

    return build


def _pool(kind: str, axes: int) -> Option:
    def build(rng: random.Random, shape: Shape) -> str:
        arguments = [] if rng.random() < 0.3 else [_window(rng, axes, 1, 3)]
        if rng.random() < 0.4:
            arguments.append(f"strides={_window(rng, axes, 1, 3)}")
        if rng.random() < 0.5:
            arguments.append(f'padding="{_padding(rng)}"')
        return f"layers.{kind}{axes}D({', '.join(arguments)})"

    return build


def _global(axes: int) -> Option:
    def build(rng: random.Random, shape: Shape) -> str:
        kind = pick(rng, "GlobalMaxPooling", "GlobalAveragePooling")
        keepdims = "keepdims=True" if rng.random() < 0.4 else ""
        return f"layers.{kind}{axes}D({keepdims})"

    return build


def _upsampling(axes: int) -> Option:
    return lambda rng, shape: f"layers.UpSampling{axes}D({_window(rng, axes, 1, 3)})"


def _zero_padding(axes: int) -> Option:
    return lambda rng, shape: f"layers.ZeroPadding{axes}D({_window(rng, axes, 1, 2)})"


def _cropping(axes: int) -> Option:
    return lambda rng, shape: f"layers.Cropping{axes}D({_window(rng, axes, 0, 2)})"


def _recurrent(rng: random.Random, shape: Shape) -> str:
    kind = pick(rng, "LSTM", "GRU", "SimpleRNN")
    sequences = ", return_sequences=True" if rng.random() < 0.5 else ""
    inner = f"layers.{kind}({rng.choice((3, 4, 8))}{sequences})"
    if rng.random() < 0.4:
        mode = pick(rng, "concat", "sum", "mul", "ave")
        return f'layers.Bidirectional({inner}, merge_mode="{mode}")'
    return inner


def dense(rng: random.Random, shape: Shape) -> str:
    activation = pick(rng, "", ', activation="relu"', ', activation="softmax"')
    return f"layers.Dense({rng.choice((1, 2, 5, 8, 16))}{activation})"


def _keeps_shape(rng: random.Random, shape: Shape) -> str:
    return str(
        pick(
            rng,
            f"layers.Dropout({rng.choice((0.1, 0.5))})",
            "layers.BatchNormalization()",
            "layers.LayerNormalization()",
            'layers.Activation("relu")',
            "layers.Rescaling(1.0 / 255)",
            "layers.GaussianNoise(0.1)",
        )
    )


def _reshape_split(rng: random.Random, shape: Shape) -> str:
    size = shape[-1] or 1
    divisors = [d for d in range(2, size) if size % d == 0] or [1]
    return f"layers.Reshape(({rng.choice(divisors)}, -1))"


def _image_augment(rng: random.Random, shape: Shape) -> str:
    height, width = shape[1] or 8, shape[2] or 8
    return str(
        pick(
            rng,
            f'layers.RandomFlip("{pick(rng, "horizontal", "vertical")}")',
            "layers.RandomRotation(0.2)",
            "layers.RandomZoom(0.1)",
            "layers.RandomContrast(0.1)",
            f"layers.Resizing({rng.randint(4, 40)}, {rng.randint(4, 40)})",
            f"layers.CenterCrop({rng.randint(1, height)}, {rng.randint(1, width)})",
        )
    )


def _time_distributed(rng: random.Random, shape: Shape) -> str:
    if len(shape) == 3:
        inner = f"layers.Dense({rng.choice((2, 4))})"
    elif len(shape) == 4:
        inner = pick(rng, _conv("Conv1D", 1)(rng, shape), "layers.GlobalMaxPooling1D()")
    else:
        inner = pick(
            rng,
            _conv("Conv2D", 2)(rng, shape),
            "layers.MaxPooling2D()",
            "layers.Flatten()",
            "layers.GlobalAveragePooling2D()",
        )
    return f"layers.TimeDistributed({inner})"


def _conv_lstm(rng: random.Random, shape: Shape) -> str:
    sequences = ", return_sequences=True" if rng.random() < 0.5 else ""
    strides = ", strides=2" if rng.random() < 0.3 else ""
    return (
        f"layers.ConvLSTM2D({rng.choice((2, 4))}, {rng.randint(1, 3)}, "
        f'padding="{_padding(rng)}"{strides}{sequences})'
    )


# Layers that keep the rank of their input, by that rank (batch axis included).
KEEP_RANK: dict[int, list[Option]] = {
    2: [dense, _keeps_shape],
    3: [
        _conv("Conv1D", 1),
        _conv("SeparableConv1D", 1),
        _transpose("Conv1DTranspose", 1),
        _depthwise(1),
        _pool("MaxPooling", 1),
        _pool("AveragePooling", 1),
        _time_distributed,
        dense,
        _keeps_shape,
        _upsampling(1),
        _zero_padding(1),
        _cropping(1),
        lambda rng, shape: "layers.Permute((2, 1))",
    ],
    4: [
        _conv("Conv2D", 2),
        _conv("SeparableConv2D", 2),
        _transpose("Conv2DTranspose", 2),
        _depthwise(2),
        _pool("MaxPooling", 2),
        _pool("AveragePooling", 2),
        _upsampling(2),
        _zero_padding(2),
        _cropping(2),
        _image_augment,
        _keeps_shape,
        _time_distributed,
        dense,
        lambda rng, shape: "layers.Permute((2, 1, 3))",
    ],
    5: [
        _conv("Conv3D", 3),
        _transpose("Conv3DTranspose", 3),
        _pool("MaxPooling", 3),
        _pool("AveragePooling", 3),
        _upsampling(3),
        _zero_padding(3),
        _cropping(3),
        _conv_lstm,
        _time_distributed,
        _keeps_shape,
    ],
}
# Layers that change the rank (or may: recurrent layers, wrappers of them).
CHANGE_RANK: dict[int, list[Option]] = {
    2: [lambda rng, shape: f"layers.RepeatVector({rng.randint(2, 6)})", _reshape_split],
    3: [
        _global(1),
        _recurrent,
        lambda rng, shape: "layers.Flatten()",
        lambda rng, shape: "layers.Reshape((-1,))",
    ],
    4: [
        _global(2),
        lambda rng, shape: "layers.Flatten()",
        lambda rng, shape: f"layers.Reshape((-1, {shape[-1]}))",
    ],
    5: [
        _global(3),
        _conv_lstm,
        _time_distributed,
        lambda rng, shape: "layers.Flatten()",
    ],
}
