"""Output shapes layer by layer, computed as Keras computes them (channels last).

A shape is a tuple with the batch axis first; ``None`` stands for a size that is not
known statically (always the batch). A whole shape of ``None`` means even the rank is
unknown. An argument that cannot be evaluated makes only the sizes it decides unknown;
a layer Kerasense does not read makes the whole shape unknown from there on.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from kerasense.facts.model import Layer, Shape
from kerasense.facts.values import Const, Sequence, const_int, const_shape, const_str

Rule = Callable[[Layer, Shape], Shape | None]


def _int(layer: Layer, name: str, default: int | None = None) -> int | None:
    value = layer.values.get(name)
    if value is None:
        return default
    return const_int(value)


def _str(layer: Layer, name: str, default: str) -> str | None:
    value = layer.values.get(name)
    return default if value is None else const_str(value)


def _bool(layer: Layer, name: str, default: bool) -> bool | None:
    value = layer.values.get(name)
    if value is None:
        return default
    if isinstance(value, Const) and isinstance(value.value, bool):
        return value.value
    return None


def _tuple(layer: Layer, name: str, size: int, default: int | None) -> list[int | None]:
    """An ``int or tuple`` argument such as kernel_size, spread to ``size`` axes."""
    value = layer.values.get(name)
    if value is None:
        return [default] * size
    if (number := const_int(value)) is not None:
        return [number] * size
    shape = const_shape(value) if isinstance(value, Sequence) else None
    if shape is not None and len(shape) == size:
        return list(shape)
    return [None] * size


def _channels_last(layer: Layer) -> bool:
    return _str(layer, "data_format", "channels_last") == "channels_last"


def conv_length(
    size: int | None,
    kernel: int | None,
    stride: int | None,
    padding: str | None,
    dilation: int | None = 1,
) -> int | None:
    """Length along one axis after a convolution or pooling window."""
    if size is None or stride is None or padding is None or not stride:
        return None
    if padding in ("same", "causal"):
        return math.ceil(size / stride)
    if kernel is None or dilation is None:
        return None
    effective = (kernel - 1) * dilation + 1
    return max((size - effective) // stride + 1, 0) if padding == "valid" else None


def _conv(layer: Layer, shape: Shape, axes: int) -> Shape | None:
    if not _channels_last(layer) or len(shape) != axes + 2:
        return None
    kernel = _tuple(layer, "kernel_size", axes, None)
    strides = _tuple(layer, "strides", axes, 1)
    dilation = _tuple(layer, "dilation_rate", axes, 1)
    padding = _str(layer, "padding", "valid")
    spatial = [
        conv_length(size, k, s, padding, d)
        for size, k, s, d in zip(shape[1:-1], kernel, strides, dilation, strict=True)
    ]
    if layer.name.startswith("Depthwise"):
        multiplier = _int(layer, "depth_multiplier", 1)
        channels = shape[-1] * multiplier if shape[-1] and multiplier else None
    else:
        channels = _int(layer, "filters")
    return (shape[0], *spatial, channels)


def _transpose(layer: Layer, shape: Shape, axes: int) -> Shape | None:
    if (
        not _channels_last(layer)
        or len(shape) != axes + 2
        or "output_padding" in layer.values
    ):
        return None
    kernel = _tuple(layer, "kernel_size", axes, None)
    strides = _tuple(layer, "strides", axes, 1)
    dilation = _tuple(layer, "dilation_rate", axes, 1)
    padding = _str(layer, "padding", "valid")
    spatial: list[int | None] = []
    for size, k, s, d in zip(shape[1:-1], kernel, strides, dilation, strict=True):
        if None in (size, k, s, d) or padding not in ("same", "valid"):
            spatial.append(None)
            continue
        assert size is not None and k is not None and s is not None and d is not None
        effective = (k - 1) * d + 1
        spatial.append(
            size * s if padding == "same" else size * s + max(effective - s, 0)
        )
    return (shape[0], *spatial, _int(layer, "filters"))


def _pool(layer: Layer, shape: Shape, axes: int) -> Shape | None:
    if not _channels_last(layer) or len(shape) != axes + 2:
        return None
    pool = _tuple(layer, "pool_size", axes, 2)
    strides_value = layer.values.get("strides")
    strides = (
        pool
        if strides_value is None
        or (isinstance(strides_value, Const) and strides_value.value is None)
        else _tuple(layer, "strides", axes, None)
    )
    padding = _str(layer, "padding", "valid")
    spatial = [
        conv_length(size, p, s, padding)
        for size, p, s in zip(shape[1:-1], pool, strides, strict=True)
    ]
    return (shape[0], *spatial, shape[-1])


def _global_pool(layer: Layer, shape: Shape) -> Shape | None:
    if not _channels_last(layer):
        return None
    if _bool(layer, "keepdims", False):
        return (shape[0], *([1] * (len(shape) - 2)), shape[-1])
    return (shape[0], shape[-1])


def _flatten(layer: Layer, shape: Shape) -> Shape | None:
    rest = shape[1:]
    if all(size is not None for size in rest):
        return (shape[0], math.prod(size for size in rest if size is not None))
    return (shape[0], None)


def target_shape(layer: Layer) -> tuple[int | None, ...] | None:
    value = layer.values.get("target_shape")
    return const_shape(value) if value is not None else None


def _reshape(layer: Layer, shape: Shape) -> Shape | None:
    target = target_shape(layer)
    if target is None:
        return None
    if -1 in target:
        known = [size for size in shape[1:]]
        others = [size for size in target if size != -1]
        if None in known or None in others or target.count(-1) != 1:
            return (shape[0], *(None if size == -1 else size for size in target))
        total = math.prod(size for size in known if size is not None)
        part = math.prod(size for size in others if size is not None)
        fill = total // part if part and total % part == 0 else None
        return (shape[0], *(fill if size == -1 else size for size in target))
    return (shape[0], *target)


def _permute(layer: Layer, shape: Shape) -> Shape | None:
    value = layer.values.get("dims")
    dims = const_shape(value) if value is not None else None
    axes = [d for d in dims or () if d is not None]
    if (
        dims is None
        or len(axes) != len(dims)
        or sorted(axes) != list(range(1, len(shape)))
    ):
        return None
    return (shape[0], *(shape[d] for d in axes))


def _recurrent(layer: Layer, shape: Shape) -> Shape | None:
    if _bool(layer, "return_state", False) is not False:
        return None
    sequences = _bool(layer, "return_sequences", False)
    if sequences is None or len(shape) != 3:
        return None
    units = _int(layer, "units")
    return (shape[0], shape[1], units) if sequences else (shape[0], units)


def _conv_lstm(layer: Layer, shape: Shape, axes: int) -> Shape | None:
    if len(shape) != axes + 3 or _bool(layer, "return_state", False) is not False:
        return None
    frame = _conv(layer, (shape[0], *shape[2:]), axes)
    sequences = _bool(layer, "return_sequences", False)
    if frame is None or sequences is None:
        return None
    return (frame[0], shape[1], *frame[1:]) if sequences else frame


def _bidirectional(layer: Layer, shape: Shape) -> Shape | None:
    if layer.inner is None:
        return None
    inner = infer(layer.inner, shape)
    mode = _str(layer, "merge_mode", "concat")
    if inner is None or mode is None:
        return None
    if mode == "concat":
        last = inner[-1] * 2 if inner[-1] is not None else None
        return (*inner[:-1], last)
    return inner if mode in ("sum", "mul", "ave") else None


def _time_distributed(layer: Layer, shape: Shape) -> Shape | None:
    if layer.inner is None or len(shape) < 3:
        return None
    inner = infer(layer.inner, (shape[0], *shape[2:]))
    return (inner[0], shape[1], *inner[1:]) if inner is not None else None


def _embedding(layer: Layer, shape: Shape) -> Shape | None:
    return (*shape, _int(layer, "output_dim"))


def _text_vectorization(layer: Layer, shape: Shape) -> Shape | None:
    mode = _str(layer, "output_mode", "int")
    if mode == "int":
        return (shape[0], _int(layer, "output_sequence_length"))
    if mode in ("multi_hot", "count", "tf_idf", "one_hot"):
        # Without padding the width is the size of the vocabulary, known only at run time.
        padded = _bool(layer, "pad_to_max_tokens", False)
        return (shape[0], _int(layer, "max_tokens") if padded else None)
    return None


def _repeat(layer: Layer, shape: Shape) -> Shape | None:
    return (shape[0], _int(layer, "n"), shape[-1]) if len(shape) == 2 else None


def _resizing(layer: Layer, shape: Shape) -> Shape | None:
    if len(shape) != 4:
        return None
    return (shape[0], _int(layer, "height"), _int(layer, "width"), shape[-1])


def _upsampling(layer: Layer, shape: Shape, axes: int) -> Shape | None:
    if len(shape) != axes + 2:
        return None
    size = _tuple(layer, "size", axes, 2)
    spatial = [
        a * b if a is not None and b is not None else None
        for a, b in zip(shape[1:-1], size, strict=True)
    ]
    return (shape[0], *spatial, shape[-1])


def _margins(layer: Layer, name: str, axes: int, default: int) -> list[int] | None:
    """``padding``/``cropping`` as (before, after) per axis: an int, one int per axis, or
    one (before, after) pair per axis."""
    value = layer.values.get(name)
    if value is None:
        return [default * 2] * axes
    if (number := const_int(value)) is not None:
        return [number * 2] * axes
    if not isinstance(value, Sequence):
        return None
    items = value.items
    if axes == 1 and len(items) == 2:
        pair = [const_int(item) for item in items]
        return [pair[0] + pair[1]] if None not in pair else None  # type: ignore[operator]
    if len(items) != axes:
        return None
    totals = []
    for item in items:
        if (number := const_int(item)) is not None:
            totals.append(number * 2)
        elif isinstance(item, Sequence) and len(item.items) == 2:
            pair = [const_int(part) for part in item.items]
            if None in pair:
                return None
            totals.append(sum(p for p in pair if p is not None))
        else:
            return None
    return totals


def _pad(layer: Layer, shape: Shape, axes: int, sign: int) -> Shape | None:
    """ZeroPadding (sign 1) and Cropping (sign -1), channels last."""
    if not _channels_last(layer) or len(shape) != axes + 2:
        return None
    name, default = ("padding", 1) if sign > 0 else ("cropping", 0)
    margins = _margins(layer, name, axes, default)
    if margins is None:
        return None
    spatial = [
        size + sign * margin if size is not None else None
        for size, margin in zip(shape[1:-1], margins, strict=True)
    ]
    return (shape[0], *spatial, shape[-1])


def _dense(layer: Layer, shape: Shape) -> Shape | None:
    return (*shape[:-1], _int(layer, "units"))


RULES: dict[str, Rule] = {
    "Dense": _dense,
    "Conv1D": lambda layer, shape: _conv(layer, shape, 1),
    "Conv2D": lambda layer, shape: _conv(layer, shape, 2),
    "Conv3D": lambda layer, shape: _conv(layer, shape, 3),
    "SeparableConv1D": lambda layer, shape: _conv(layer, shape, 1),
    "SeparableConv2D": lambda layer, shape: _conv(layer, shape, 2),
    "DepthwiseConv1D": lambda layer, shape: _conv(layer, shape, 1),
    "DepthwiseConv2D": lambda layer, shape: _conv(layer, shape, 2),
    "Conv1DTranspose": lambda layer, shape: _transpose(layer, shape, 1),
    "Conv2DTranspose": lambda layer, shape: _transpose(layer, shape, 2),
    "Conv3DTranspose": lambda layer, shape: _transpose(layer, shape, 3),
    "MaxPooling1D": lambda layer, shape: _pool(layer, shape, 1),
    "AveragePooling1D": lambda layer, shape: _pool(layer, shape, 1),
    "MaxPooling2D": lambda layer, shape: _pool(layer, shape, 2),
    "AveragePooling2D": lambda layer, shape: _pool(layer, shape, 2),
    "MaxPooling3D": lambda layer, shape: _pool(layer, shape, 3),
    "AveragePooling3D": lambda layer, shape: _pool(layer, shape, 3),
    "GlobalMaxPooling1D": _global_pool,
    "GlobalAveragePooling1D": _global_pool,
    "GlobalMaxPooling2D": _global_pool,
    "GlobalAveragePooling2D": _global_pool,
    "GlobalMaxPooling3D": _global_pool,
    "GlobalAveragePooling3D": _global_pool,
    "Flatten": _flatten,
    "Reshape": _reshape,
    "Permute": _permute,
    "RepeatVector": _repeat,
    "SimpleRNN": _recurrent,
    "LSTM": _recurrent,
    "GRU": _recurrent,
    "ConvLSTM1D": lambda layer, shape: _conv_lstm(layer, shape, 1),
    "ConvLSTM2D": lambda layer, shape: _conv_lstm(layer, shape, 2),
    "ConvLSTM3D": lambda layer, shape: _conv_lstm(layer, shape, 3),
    "Bidirectional": _bidirectional,
    "TimeDistributed": _time_distributed,
    "Embedding": _embedding,
    "TextVectorization": _text_vectorization,
    "Resizing": _resizing,
    "CenterCrop": _resizing,
    "RandomCrop": _resizing,
    "ZeroPadding1D": lambda layer, shape: _pad(layer, shape, 1, 1),
    "ZeroPadding2D": lambda layer, shape: _pad(layer, shape, 2, 1),
    "ZeroPadding3D": lambda layer, shape: _pad(layer, shape, 3, 1),
    "Cropping1D": lambda layer, shape: _pad(layer, shape, 1, -1),
    "Cropping2D": lambda layer, shape: _pad(layer, shape, 2, -1),
    "Cropping3D": lambda layer, shape: _pad(layer, shape, 3, -1),
    "UpSampling1D": lambda layer, shape: _upsampling(layer, shape, 1),
    "UpSampling2D": lambda layer, shape: _upsampling(layer, shape, 2),
    "UpSampling3D": lambda layer, shape: _upsampling(layer, shape, 3),
}
# Families whose layers (with "same" rank in rules/layers.toml) keep the whole shape.
SAME_SHAPE_FAMILIES = {
    "input",
    "regularization",
    "normalization",
    "activation",
    "image_preprocessing",
}


def infer(layer: Layer, shape: Shape | None) -> Shape | None:
    """The output shape of ``layer`` for an input of ``shape`` (None: unknown)."""
    spec = layer.spec
    if spec is None:
        return None
    if shape is None:
        if spec.rank is None:
            return None
        shape = (None,) * spec.rank
    if not spec.accepts(len(shape)):
        return None
    rule = RULES.get(layer.name)
    if rule is not None:
        return rule(layer, shape)
    if spec.output_rank == "same" and spec.family in SAME_SHAPE_FAMILIES:
        return shape
    return None


def merge(layer: Layer, shapes: list[Shape | None]) -> Shape | None:
    """Output shape of a merging layer (Concatenate, Add…) from its inputs' shapes."""
    if not shapes or any(shape is None for shape in shapes):
        return None
    known = [shape for shape in shapes if shape is not None]
    if len({len(shape) for shape in known}) != 1:
        return None
    if layer.name != "Concatenate":
        return tuple(_common(sizes) for sizes in zip(*known, strict=True))
    axis = _int(layer, "axis", -1)
    if axis is None:
        return None
    axis = axis % len(known[0])
    result: list[int | None] = []
    for index, sizes in enumerate(zip(*known, strict=True)):
        if index == axis:
            result.append(
                None if None in sizes else sum(s for s in sizes if s is not None)
            )
        else:
            result.append(_common(sizes))
    return tuple(result)


def _common(sizes: tuple[int | None, ...]) -> int | None:
    known = {size for size in sizes if size is not None}
    return known.pop() if len(known) == 1 else None


def element_count(shape: Shape | None) -> int | None:
    """Elements in one sample (all axes but the batch), when every size is known."""
    if shape is None or any(size is None for size in shape[1:]):
        return None
    return math.prod(size for size in shape[1:] if size is not None)


def describe(shape: Shape | None) -> str:
    if shape is None:
        return "?"
    inside = ", ".join("None" if size is None else str(size) for size in shape)
    return f"({inside},)" if len(shape) == 1 else f"({inside})"
