"""One live Keras layer -> ``LayerFacts``: class, settings (in one canonical spelling, see
``names.canonical_attr``), parameter counts, output shape, ``trainable``, regularizers, and for a
model used as a layer (``keras.applications.VGG16(...)`` inside a model) its own ``ModelFacts``;
for a wrapper (``Bidirectional(LSTM(32))``) the wrapped layer's facts.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from learnkit.keras.names import ACTIVATION_LAYERS, activation_name, canonical_attr
from learnkit.keras.regularizers import REGULARIZER_KEYS

if TYPE_CHECKING:
    from learnkit.keras.facts import ModelFacts

# the settings named without their key in short descriptions ('Conv2D(32, 3, relu)'), in this order
POSITIONAL = ("filters", "kernel_size", "pool_size", "input_dim", "output_dim")
DEFAULT_ACTIVATION = {"SimpleRNN": "tanh", "LSTM": "tanh", "GRU": "tanh"}  # else "linear"


def setting_text(value) -> str:
    """A setting as messages show it: 'same' -> "'same'", 0.30000001 -> '0.3', (-0.1, 0.1), (3, 3)."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple) and any(isinstance(v, float) for v in value):
        return "(" + ", ".join(setting_text(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def show_value(value) -> str:
    """Compact, for short descriptions: (3, 3) -> '3', (3, 5) -> '(3, 5)', 0.30000001 -> '0.3', 'same' -> 'same'."""
    if isinstance(value, tuple) and value and all(v == value[0] for v in value) \
            and isinstance(value[0], int) and not isinstance(value[0], bool):
        return str(value[0])
    return value if isinstance(value, str) else setting_text(value)


@dataclass(frozen=True)
class LayerFacts:
    index: int  # 1-based, InputLayer excluded
    cls: str
    name: str
    units: int | None = None
    activation: str | None = None  # None: the layer has no activation at all
    rate: float | None = None
    bn: dict | None = field(default=None, hash=False)
    params: int | None = None
    config: dict = field(default_factory=dict, hash=False, repr=False)  # simple config values
    trainable: bool = True  # the layer's own flag (a frozen enclosing model freezes it too)
    trainable_params: int | None = None
    non_trainable_params: int | None = None
    output_shape: tuple | None = None  # without the batch dimension
    model: Optional["ModelFacts"] = field(default=None, hash=False, repr=False)  # a model used as a layer
    wrapped: Optional["LayerFacts"] = field(default=None, hash=False, repr=False)  # Bidirectional(LSTM(..))

    def short(self) -> str:
        """'Dense(64, relu)', 'Dropout(0.3)', 'Conv2D(32, 3, relu)', 'MaxPooling2D(2)', 'Bidirectional(LSTM(32))',
        'vgg16 (Functional)'."""
        if self.model is not None:
            return f"{self.name} ({self.cls})"
        parts = []
        if self.wrapped is not None:
            parts.append(self.wrapped.short())
        if self.units is not None:
            parts.append(str(self.units))
        parts += [show_value(self.config[k]) for k in POSITIONAL if self.config.get(k) is not None]
        if self.rate is not None:
            parts.append(f"{self.rate:g}")
        if self.activation is not None and self.activation != DEFAULT_ACTIVATION.get(self.cls, "linear") \
                and self.cls not in ACTIVATION_LAYERS:
            parts.append(self.activation)
        return f"{self.cls}({', '.join(parts)})" if parts else self.cls


def simple_value(value):
    if isinstance(value, list):
        value = tuple(value)
    if isinstance(value, tuple) and all(isinstance(v, (int, float, str, bool, type(None))) for v in value):
        return value
    return value if isinstance(value, (int, float, str, bool, type(None))) else SKIP


SKIP = object()


def count_weights(weights) -> int:
    return sum(math.prod(int(d) for d in w.shape) for w in weights)


def _output_shape(layer) -> tuple | None:
    try:
        shape = tuple(layer.output.shape)[1:]
    except Exception:  # not called in a graph, or called several times
        return None
    return tuple(None if d is None else int(d) for d in shape)


def layer_facts(layer, index: int) -> LayerFacts:
    import keras
    cls = type(layer).__name__
    try:
        with warnings.catch_warnings():  # e.g. "lambda activations cannot be serialized"
            warnings.simplefilter("ignore")
            raw = layer.get_config()
    except Exception:  # a custom layer without get_config
        raw = {}
    config = {}
    for key, value in raw.items():
        if key in ("name", "trainable", "dtype"):
            continue
        if key in REGULARIZER_KEYS:
            value = getattr(layer, key, value)  # the live object (a string 'l2' given is an L2 by now)
        else:
            value = simple_value(value)
            if value is SKIP:
                continue
        config[key] = canonical_attr(cls, key, value)
    units = getattr(layer, "units", None)
    units = units if isinstance(units, int) and not isinstance(units, bool) else None
    if cls in ACTIVATION_LAYERS:
        activation = ACTIVATION_LAYERS[cls]
        if cls == "ReLU" and (config.get("max_value") or config.get("negative_slope") or config.get("threshold")):
            activation = "relu(custom)"
    elif hasattr(layer, "activation") and not isinstance(layer, keras.Model):
        activation = activation_name(layer.activation)
    else:
        activation = None
    rate = getattr(layer, "rate", None)
    rate = float(rate) if isinstance(rate, (int, float)) and not isinstance(rate, bool) else None
    bn = None
    if isinstance(layer, keras.layers.BatchNormalization):
        axis = config.get("axis", getattr(layer, "axis", -1))
        bn = {"momentum": float(layer.momentum), "epsilon": float(layer.epsilon),
              "center": bool(layer.center), "scale": bool(layer.scale),
              "axis": axis[0] if isinstance(axis, tuple) and len(axis) == 1 else axis}
    params = trainable = non_trainable = None
    if getattr(layer, "built", False):
        try:
            params = int(layer.count_params())
            trainable, non_trainable = count_weights(layer.trainable_weights), count_weights(
                layer.non_trainable_weights)
        except Exception:
            pass
    nested = wrapped = None
    if isinstance(layer, keras.Model):
        from learnkit.keras.facts import model_facts
        nested = model_facts(layer, name=str(layer.name))
    else:
        inner = getattr(layer, "forward_layer", None) or getattr(layer, "layer", None)
        if isinstance(inner, keras.layers.Layer):
            wrapped = layer_facts(inner, index)
    return LayerFacts(index=index, cls=cls, name=str(layer.name), units=units, activation=activation,
                      rate=rate, bn=bn, params=params, config=config, trainable=bool(layer.trainable),
                      trainable_params=trainable, non_trainable_params=non_trainable,
                      output_shape=_output_shape(layer), model=nested, wrapped=wrapped)
