"""The reference model of a spec: each layer's parameter count and output shape, computed from the
spec (what it leaves open taken from the student's layer) and an input shape, with Keras's defaults
for what neither gives (``use_bias=True``, ``center=scale=True``, ``reset_after=True`` of GRU, ...).

    reference_layers(facts.layers, [Conv2D(32, 3, "relu"), MaxPooling2D(2), ...], (28, 28, 1))
    # [(320, (26, 26, 32)), (0, (13, 13, 32)), ...]

A layer this cannot compute (a kind not listed here, a Conv2D whose spec gives no filters or
kernel_size, a model used as a layer) has count None; its output shape is then the student's, so
that the layers after it are still computed, or None when unknown.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from learnkit.keras.facts import LayerFacts
from learnkit.keras.layer_specs import LayerSpec

__all__ = ["reference_layers"]

SHAPE_KEEPING = {"Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise", "SpatialDropout1D",
                 "SpatialDropout2D", "SpatialDropout3D", "ActivityRegularization", "Activation", "ReLU", "Softmax",
                 "ELU", "LeakyReLU", "Rescaling", "RandomFlip", "RandomRotation", "RandomZoom",
                 "RandomTranslation", "RandomContrast", "RandomCrop"}  # no weights, output shape = input shape
_RNN_GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}


def _window(size: int, k: int, stride: int, padding: str) -> int | None:
    if padding == "same":
        return math.ceil(size / stride)
    if padding == "valid":
        return (size - k) // stride + 1 if size >= k else None
    return None


def _spatial(shape, kernel, strides, padding, channels) -> tuple | None:
    dims = len(kernel)
    if len(shape) != dims + 1 or len(strides) != dims:
        return None
    sizes = [_window(n, k, s, padding) for n, k, s in zip(shape[:-1], kernel, strides)]
    return None if any(n is None or n < 1 for n in sizes) else tuple(sizes) + (channels,)


def _rnn(cls: str, attrs: dict, layer: LayerFacts, shape: tuple):
    units = attrs.get("units", layer.units)
    if not isinstance(units, int) or len(shape) != 2:
        return None, None
    inputs, bias = shape[-1], attrs.get("use_bias", layer.config.get("use_bias", True))
    per_gate = units * (inputs + units) + (units if bias else 0)
    if cls == "GRU" and bias and attrs.get("reset_after", layer.config.get("reset_after", True)):
        per_gate += units
    out = shape[:-1] + (units,) if attrs.get("return_sequences", layer.config.get("return_sequences")) else (units,)
    return _RNN_GATES[cls] * per_gate, out


def _one(layer: LayerFacts, want: LayerSpec, shape: tuple):
    """(count, output shape) of one reference layer fed ``shape``; (None, None) if unknown."""
    attrs = dict(want.attrs)
    cls = layer.cls
    setting = lambda key: attrs.get(key, layer.config.get(key))  # noqa: E731
    if cls == "Dense" and isinstance(layer.units, int):
        units = attrs.get("units", layer.units)
        return shape[-1] * units + (units if attrs.get("use_bias", True) else 0), shape[:-1] + (units,)
    if cls == "BatchNormalization":
        if attrs.get("axis", -1) not in (-1, len(shape)):
            return None, None
        return shape[-1] * (2 + bool(attrs.get("center", True)) + bool(attrs.get("scale", True))), shape
    if cls in SHAPE_KEEPING:
        return 0, shape
    if cls == "Flatten":
        return 0, (math.prod(shape),)
    if cls in ("Conv1D", "Conv2D"):
        if "filters" not in attrs or "kernel_size" not in attrs or any(d != 1 for d in setting("dilation_rate") or ()):
            return None, None
        filters, kernel = attrs["filters"], attrs["kernel_size"]
        count = math.prod(kernel) * shape[-1] * filters + (filters if attrs.get("use_bias", True) else 0)
        return count, _spatial(shape, kernel, setting("strides") or (1,) * len(kernel), setting("padding"), filters)
    if cls.startswith(("MaxPooling", "AveragePooling")):
        pool = setting("pool_size")
        if not isinstance(pool, tuple):
            return None, None
        return 0, _spatial(shape, pool, setting("strides") or pool, setting("padding"), shape[-1])
    if cls.startswith(("GlobalMaxPooling", "GlobalAveragePooling")):
        return 0, (shape[-1],)
    vocabulary, width = setting("input_dim"), setting("output_dim")
    if cls == "Embedding" and isinstance(vocabulary, int) and isinstance(width, int):
        return vocabulary * width, shape + (width,)
    if cls in _RNN_GATES:
        return _rnn(cls, attrs, layer, shape)
    inner = attrs.get("layer")
    if cls == "Bidirectional" and isinstance(inner, LayerSpec) and layer.wrapped is not None \
            and inner.cls in _RNN_GATES:
        count, out = _rnn(inner.cls, dict(inner.attrs), layer.wrapped, shape)
        mode = setting("merge_mode")
        if count is None or out is None or mode not in ("concat", "sum", "mul", "ave"):
            return None, None
        return 2 * count, out[:-1] + (2 * out[-1],) if mode == "concat" else out
    return None, None


def reference_layers(layers: Sequence[LayerFacts], spec: Sequence[LayerSpec],
                     input_shape) -> list[tuple[int | None, tuple | None]]:
    """(parameter count, output shape) of each layer of the reference model, in order."""
    shape: tuple | None = tuple(input_shape)
    out: list[tuple[int | None, tuple | None]] = []
    for layer, want in zip(layers, spec):
        count = None
        if shape and all(isinstance(d, int) for d in shape):
            count, shape = _one(layer, want, shape)
        if count is None:
            shape = layer.output_shape if layer.model is not None else None
        out.append((count, shape))
    return out
