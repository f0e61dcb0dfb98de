"""Weight regularizers as one canonical text, for facts and specs alike.

``keras.regularizers.l2(0.002)``, ``keras.regularizers.L2(0.002)``, ``L1L2(l2=0.002)`` and the
serialized ``{"class_name": "L2", "config": {"l2": 0.002}}`` are all ``"L2(0.002)"``; the string
``"l2"`` is Keras's default factor, ``"L2(0.01)"``; no regularizer (or ``L1L2()`` with both
factors 0) is ``"none"``. Factors are rounded to 7 significant digits (Keras keeps float32s).
A regularizer of another kind is named by its class (``"OrthogonalRegularizer"``).

Specs use the constructors here, which need no Keras: ``Dense(16, "relu", kernel_regularizer=L2(0.002))``,
and ``NO_REGULARIZER`` where a layer must have none (the output layer of "regularize the hidden layers").
"""
from __future__ import annotations

from learnkit.core.numbers import round_sig

__all__ = ["L1", "L2", "L1L2", "NO_REGULARIZER", "REGULARIZER_KEYS", "regularizer_name"]

NO_REGULARIZER = "none"
# the layer arguments that take a regularizer
REGULARIZER_KEYS = ("kernel_regularizer", "bias_regularizer", "activity_regularizer", "recurrent_regularizer",
                    "embeddings_regularizer", "depthwise_regularizer", "pointwise_regularizer")
_DEFAULT = 0.01  # keras.regularizers.L1/L2's default factor


def _factor(x) -> float:
    return float(round_sig(float(x)))


def _text(l1: float, l2: float) -> str:
    if l1 and l2:
        return f"L1L2(l1={l1:g}, l2={l2:g})"
    if l1:
        return f"L1({l1:g})"
    if l2:
        return f"L2({l2:g})"
    return NO_REGULARIZER


def L1(l1: float = _DEFAULT) -> str:
    return _text(_factor(l1), 0.0)


def L2(l2: float = _DEFAULT) -> str:
    return _text(0.0, _factor(l2))


def L1L2(l1: float = 0.0, l2: float = 0.0) -> str:
    return _text(_factor(l1), _factor(l2))


def regularizer_name(value) -> str:
    """The canonical text of a regularizer given as None, a string, a Keras object or its serialization."""
    if value is None:
        return NO_REGULARIZER
    if isinstance(value, str):
        key = value.strip().lower().replace("_", "")
        return {"l1": L1(), "l2": L2(), "l1l2": L1L2(_DEFAULT, _DEFAULT), "none": NO_REGULARIZER}.get(key, value)
    if isinstance(value, dict):
        cls, config = value.get("class_name"), value.get("config")
    else:
        cls = type(value).__name__
        try:
            config = value.get_config()
        except Exception:
            config = None
    if cls in ("L1", "L2", "L1L2") and isinstance(config, dict):
        try:
            return _text(_factor(config.get("l1", 0.0) or 0.0), _factor(config.get("l2", 0.0) or 0.0))
        except (TypeError, ValueError):
            pass
    return str(cls)
