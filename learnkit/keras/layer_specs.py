"""Layer specs: what one layer of the expected model must be (``LayerSpec``), and their constructors.

An attribute left as ``None`` means "any value". Settings are kept in the spelling the facts use
(``names.canonical_attr``): ``Conv2D(32, 3)`` asks for ``kernel_size=(3, 3)``, ``RandomRotation(0.1)``
for the factor range ``(-0.1, 0.1)``, ``kernel_regularizer=L2(0.002)`` (or
``keras.regularizers.l2(0.002)``) for ``"L2(0.002)"``.

Keras's defaults are part of a spec where a different value makes a different model: convolution
``strides=1`` and ``padding="valid"``; pooling ``strides=pool_size`` and ``padding="valid"``;
``return_sequences=False`` of a recurrent layer; ``merge_mode="concat"`` of Bidirectional;
``offset=0`` of Rescaling. Pass ``None`` to accept any value there.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from learnkit.i18n import _, _n
from learnkit.keras.layer_facts import DEFAULT_ACTIVATION, POSITIONAL, setting_text, show_value
from learnkit.keras.names import activation_name, canonical_attr

__all__ = ["LayerSpec", "Layer", "spec_summary", "units_text", "Dense", "Dropout", "BatchNormalization",
           "Activation", "Conv1D", "Conv2D", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D",
           "AveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D",
           "GlobalAveragePooling2D", "Flatten", "Rescaling", "Normalization", "RandomFlip", "RandomRotation",
           "RandomZoom", "RandomTranslation", "RandomContrast", "Embedding", "SimpleRNN", "LSTM", "GRU",
           "Bidirectional", "NestedModel", "NESTED_MODEL"]

NESTED_MODEL = "Model"  # the class name of a NestedModel spec: any model used as a layer


@dataclass(frozen=True)
class LayerSpec:
    """One expected layer: a class name and the attributes that must match (others: any)."""

    cls: str
    attrs: tuple = ()  # ((name, value), ...)

    def get(self, key, default=None):
        return dict(self.attrs).get(key, default)

    def short(self) -> str:
        """'Dense(64, relu)', 'Dense(1)', 'Dropout(0.3)', 'Conv2D(32, 3, relu)', 'Bidirectional(LSTM(32))'."""
        attrs = dict(self.attrs)
        if self.cls == NESTED_MODEL and "name" in attrs:
            return f"{attrs['name']} (Model)"
        if "pool_size" in attrs and attrs.get("strides") == attrs["pool_size"]:
            del attrs["strides"]
        parts = []
        if isinstance(attrs.get("layer"), LayerSpec):
            parts.append(attrs.pop("layer").short())
        if "units" in attrs:
            parts.append(str(attrs.pop("units")))
        parts += [show_value(attrs.pop(k)) for k in POSITIONAL if k in attrs]
        if "rate" in attrs:
            parts.append(f"{attrs.pop('rate'):g}")
        if "activation" in attrs:
            act = attrs.pop("activation")
            if act != DEFAULT_ACTIVATION.get(self.cls, "linear") or self.cls == "Activation":
                parts.append(act)
        parts += [f"{k}={setting_text(v)}" for k, v in attrs.items() if not _default(self.cls, k, v)]
        return f"{self.cls}({', '.join(parts)})" if parts else self.cls

    def describe(self) -> str:
        """'Dropout with rate 0.3', 'Dense with 64 units and the relu activation', 'Conv2D with 32 filters, ...'."""
        attrs = dict(self.attrs)
        if self.cls == "Activation" and "activation" in attrs:
            return _("an Activation layer with {act}").format(act=attrs["activation"])
        if self.cls != "Dense" and set(attrs) - {"units", "rate", "activation"}:
            return self.short()
        parts = []
        if "units" in attrs:
            parts.append(units_text(attrs.pop("units")))
        if "rate" in attrs:
            parts.append(_("rate {rate:g}").format(rate=attrs.pop("rate")))
        if "activation" in attrs:
            act = attrs.pop("activation")
            parts.append(_("no activation") if act == "linear" else _("the {act} activation").format(act=act))
        parts += [f"{k}={v!r}" for k, v in attrs.items()]
        if not parts:
            return self.cls
        return _("{cls} with {attrs}").format(cls=self.cls, attrs=_(" and ").join(parts))


_DEFAULTS = {"strides": (1,), "padding": "valid", "return_sequences": False, "merge_mode": "concat",
             "offset": 0.0, "kernel_regularizer": "none"}


def _default(cls: str, key: str, value) -> bool:
    """Whether ``value`` is Keras's default (left out of short descriptions)."""
    if key == "strides" and isinstance(value, tuple):
        return all(v == 1 for v in value)
    return key in _DEFAULTS and _DEFAULTS[key] == value


def units_text(n) -> str:
    return _n("{n} unit", "{n} units", n).format(n=n)


def Layer(cls, **attrs) -> LayerSpec:
    """Any layer class (a name or the class itself) with attributes that must match."""
    name = cls if isinstance(cls, str) else cls.__name__
    if "activation" in attrs and attrs["activation"] is not None:
        attrs["activation"] = activation_name(attrs["activation"])
    return LayerSpec(name, tuple((k, v if isinstance(v, LayerSpec) else canonical_attr(name, k, v))
                                 for k, v in attrs.items() if v is not None))


def spec_summary(spec: Sequence[LayerSpec]) -> str:
    """'Dense(128, relu), Dropout(0.3), Dense(1)'."""
    return ", ".join(s.short() for s in spec)


# ---------------------------------------------------------------- dense networks
def Dense(units: int | None = None, activation=None, **attrs) -> LayerSpec:
    """``activation="linear"`` requires no activation; ``None`` accepts any. ``attrs``: e.g.
    ``kernel_regularizer=L2(0.002)``."""
    return Layer("Dense", units=units, activation=activation, **attrs)


def Dropout(rate: float | None = None) -> LayerSpec:
    return Layer("Dropout", rate=rate)


def BatchNormalization(**attrs) -> LayerSpec:
    return Layer("BatchNormalization", **attrs)


def Activation(name) -> LayerSpec:
    return Layer("Activation", activation=name)


# ---------------------------------------------------------------- convnets
def _conv(cls, filters, kernel_size, activation, strides, padding, attrs) -> LayerSpec:
    return Layer(cls, filters=filters, kernel_size=kernel_size, activation=activation, strides=strides,
                 padding=padding, **attrs)


def Conv1D(filters: int | None = None, kernel_size=None, activation=None, *, strides=1, padding="valid",
           **attrs) -> LayerSpec:
    return _conv("Conv1D", filters, kernel_size, activation, strides, padding, attrs)


def Conv2D(filters: int | None = None, kernel_size=None, activation=None, *, strides=1, padding="valid",
           **attrs) -> LayerSpec:
    """``Conv2D(32, 3, "relu")``: 32 filters of 3x3 (``3`` and ``(3, 3)`` alike), stride 1, padding "valid"."""
    return _conv("Conv2D", filters, kernel_size, activation, strides, padding, attrs)


def _pool(cls, pool_size, strides, padding) -> LayerSpec:
    if strides == "pool_size":  # Keras: strides=None means strides=pool_size
        strides = pool_size
    return Layer(cls, pool_size=pool_size, strides=strides, padding=padding)


def MaxPooling1D(pool_size=2, strides="pool_size", padding="valid") -> LayerSpec:
    return _pool("MaxPooling1D", pool_size, strides, padding)


def MaxPooling2D(pool_size=2, strides="pool_size", padding="valid") -> LayerSpec:
    """``MaxPooling2D(2)``: 2x2 windows, strides 2 (Keras's default: the pool size), padding "valid"."""
    return _pool("MaxPooling2D", pool_size, strides, padding)


def AveragePooling1D(pool_size=2, strides="pool_size", padding="valid") -> LayerSpec:
    return _pool("AveragePooling1D", pool_size, strides, padding)


def AveragePooling2D(pool_size=2, strides="pool_size", padding="valid") -> LayerSpec:
    return _pool("AveragePooling2D", pool_size, strides, padding)


def GlobalMaxPooling1D() -> LayerSpec:
    return Layer("GlobalMaxPooling1D")


def GlobalMaxPooling2D() -> LayerSpec:
    return Layer("GlobalMaxPooling2D")


def GlobalAveragePooling1D() -> LayerSpec:
    return Layer("GlobalAveragePooling1D")


def GlobalAveragePooling2D() -> LayerSpec:
    return Layer("GlobalAveragePooling2D")


def Flatten() -> LayerSpec:
    return Layer("Flatten")


# ---------------------------------------------------------------- preprocessing and augmentation
def Rescaling(scale: float | None = None, offset: float | None = 0.0) -> LayerSpec:
    """``Rescaling(1 / 255)``."""
    return Layer("Rescaling", scale=scale, offset=offset)


def Normalization(**attrs) -> LayerSpec:
    return Layer("Normalization", **attrs)


def RandomFlip(mode: str | None = None) -> LayerSpec:
    """``RandomFlip("horizontal")``; Keras's default mode is "horizontal_and_vertical"."""
    return Layer("RandomFlip", mode=mode)


def RandomRotation(factor=None) -> LayerSpec:
    """``RandomRotation(0.1)`` is ``RandomRotation((-0.1, 0.1))``."""
    return Layer("RandomRotation", factor=factor)


def RandomZoom(height_factor=None, width_factor=None) -> LayerSpec:
    return Layer("RandomZoom", height_factor=height_factor, width_factor=width_factor)


def RandomTranslation(height_factor=None, width_factor=None) -> LayerSpec:
    return Layer("RandomTranslation", height_factor=height_factor, width_factor=width_factor)


def RandomContrast(factor=None) -> LayerSpec:
    return Layer("RandomContrast", factor=factor)


# ---------------------------------------------------------------- sequences
def Embedding(input_dim: int | None = None, output_dim: int | None = None, **attrs) -> LayerSpec:
    """``Embedding(10000, 16)``: a vocabulary of 10,000 tokens, vectors of 16 numbers."""
    return Layer("Embedding", input_dim=input_dim, output_dim=output_dim, **attrs)


def _rnn(cls, units, activation, return_sequences, attrs) -> LayerSpec:
    return Layer(cls, units=units, activation=activation, return_sequences=return_sequences, **attrs)


def SimpleRNN(units: int | None = None, activation=None, *, return_sequences: bool | None = False,
              **attrs) -> LayerSpec:
    """``attrs``: ``dropout=``, ``recurrent_dropout=``, regularizers ... (left out: any)."""
    return _rnn("SimpleRNN", units, activation, return_sequences, attrs)


def LSTM(units: int | None = None, activation=None, *, return_sequences: bool | None = False,
         **attrs) -> LayerSpec:
    """``LSTM(32, return_sequences=True, dropout=0.2, recurrent_dropout=0.2)``."""
    return _rnn("LSTM", units, activation, return_sequences, attrs)


def GRU(units: int | None = None, activation=None, *, return_sequences: bool | None = False,
        **attrs) -> LayerSpec:
    return _rnn("GRU", units, activation, return_sequences, attrs)


def Bidirectional(layer: LayerSpec | None = None, merge_mode: str | None = "concat") -> LayerSpec:
    """``Bidirectional(LSTM(32))``: the wrapped layer (a spec) and merge_mode ("concat" by default)."""
    return Layer("Bidirectional", layer=layer, merge_mode=merge_mode)


# ---------------------------------------------------------------- models used as layers
def NestedModel(name: str | None = None, *, trainable: bool | None = None,
                trainable_last: int | None = None) -> LayerSpec:
    """A model used as a layer (``conv_base = keras.applications.VGG16(...)`` inside the model).

    ``name``: its name (``"vgg16"``); ``trainable=False``: frozen (no trainable weights);
    ``trainable_last=4``: fine-tuning, its last 4 layers train and all others are frozen
    (see ``freeze.freeze_difference``)."""
    return Layer(NESTED_MODEL, name=name, trainable=trainable, trainable_last=trainable_last)
