"""Canonical names of what a Keras model is given: activations, losses and metrics.

``'mse'``, ``'mean_squared_error'``, ``keras.losses.MeanSquaredError()`` and
``keras.losses.mean_squared_error`` are all ``'mean_squared_error'``; an activation given as
None, a string, a function or a layer has one name too. Keras is imported only to resolve a
string alias (``keras.losses.get``), and only when it is installed.
"""
from __future__ import annotations

import re

__all__ = ["ACTIVATION_LAYERS", "snake_case", "activation_name", "serialized_name", "canonical_loss",
           "canonical_metric", "canonical_attr"]

_ACTIVATION_ALIASES = {"identity": "linear", "none": "linear", "softmax_v2": "softmax",
                       "swish": "silu", "leakyrelu": "leaky_relu"}
_LOSS_ALIASES = {"huber_loss": "huber", "logcosh": "log_cosh", "kullback_leibler_divergence": "kl_divergence",
                 "bce": "binary_crossentropy", "cce": "categorical_crossentropy"}
_METRIC_ALIASES = {"acc": "accuracy", "mae": "mean_absolute_error", "mse": "mean_squared_error",
                   "mape": "mean_absolute_percentage_error", "msle": "mean_squared_logarithmic_error",
                   "rmse": "root_mean_squared_error", "ce": "crossentropy", "bce": "binary_crossentropy"}
_METRIC_CLASSES = {"accuracy": "exact_accuracy"}  # keras.metrics.Accuracy: exact matches, not the string's accuracy
ACTIVATION_LAYERS = {"ReLU": "relu", "Softmax": "softmax", "ELU": "elu", "LeakyReLU": "leaky_relu",
                      "PReLU": "prelu"}


def snake_case(name: str) -> str:
    """'MeanSquaredError' -> 'mean_squared_error', 'AUC' -> 'auc', 'KLDivergence' -> 'kl_divergence'."""
    name = name.replace("IoU", "Iou")
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return name.lower()


def activation_name(act) -> str:
    """Normalize an activation given as None, a string, a function or a layer to a name."""
    if act is None:
        return "linear"
    if isinstance(act, str):  # no keras needed: names are the activation functions' names
        name = act.strip().lower()
        return _ACTIVATION_ALIASES.get(name, name)
    if isinstance(act, type) or not hasattr(act, "__name__"):  # a layer used as activation
        cls = act.__name__ if isinstance(act, type) else type(act).__name__
        return ACTIVATION_LAYERS.get(cls, snake_case(cls))
    name = act.__name__.lower()
    return _ACTIVATION_ALIASES.get(name, name)


def serialized_name(x) -> str | None:
    """The name inside a Keras serialization dict ({'class_name': ..., 'config': ...})."""
    if isinstance(x, dict) and "class_name" in x:
        if x["class_name"] == "function" and isinstance(x.get("config"), str):
            return x["config"]
        return snake_case(x["class_name"])
    return None


def _canonical(x, aliases: dict, getter, classes: dict | None = None) -> str | None:
    """The canonical name of a loss/metric given as a string, function, class, object or serialized
    dict. ``classes`` renames what is named after a class (class, object, serialized class) where the
    class means something else than the string of the same name."""
    if x is None:
        return None
    name = serialized_name(x)
    from_class = name is not None and x.get("class_name") != "function"
    if name is None and isinstance(x, str):
        key = aliases.get(x.strip().lower(), x.strip())
        try:
            import keras
            found = getter(keras)(key)
            name = getattr(found, "__name__", None) or snake_case(type(found).__name__)
        except Exception:
            name = key
    elif name is None and isinstance(x, type):
        name, from_class = snake_case(x.__name__), True
    elif name is None and hasattr(x, "__name__"):  # a function
        name = x.__name__
    elif name is None and type(x).__name__ in ("LossFunctionWrapper", "MeanMetricWrapper"):
        name = getattr(getattr(x, "fn", None), "__name__", None) or str(x.name)
    elif name is None:  # a Loss/Metric object: named after its class (its .name may be custom)
        name, from_class = snake_case(type(x).__name__), True
    name = name.lower()
    if from_class and classes and name in classes:
        return classes[name]
    return aliases.get(name, name)


def canonical_loss(loss) -> str | None:
    """'mse', 'mean_squared_error', MeanSquaredError() and losses.mean_squared_error -> 'mean_squared_error'."""
    return _canonical(loss, _LOSS_ALIASES, lambda keras: keras.losses.get)


def canonical_metric(metric) -> str | None:
    """'acc'/'accuracy' -> 'accuracy'; 'mae', MeanAbsoluteError() -> 'mean_absolute_error'.

    The string 'accuracy' lets Keras pick binary/categorical/sparse accuracy from the loss; the
    class ``keras.metrics.Accuracy`` counts predictions exactly equal to the labels, a different
    metric: it is 'exact_accuracy'.
    """
    return _canonical(metric, _METRIC_ALIASES, lambda keras: keras.metrics.get, _METRIC_CLASSES)


_SPATIAL_KEYS = ("kernel_size", "strides", "pool_size", "dilation_rate", "size")
_RANGE_KEYS = {"RandomRotation": ("factor",), "RandomZoom": ("height_factor", "width_factor"),
               "RandomTranslation": ("height_factor", "width_factor")}


def canonical_attr(cls: str, key: str, value):
    """One spelling of a layer setting, for facts and specs alike: lists are tuples; ``kernel_size=3``
    of a Conv2D is ``(3, 3)`` (also strides, pool_size, ... of the 1D/2D/3D layers); the factor
    ``0.1`` of RandomRotation (and RandomZoom's, RandomTranslation's) is the range ``(-0.1, 0.1)``;
    a regularizer is its canonical text (``"L2(0.002)"``); ``padding`` is lower case."""
    from learnkit.keras.regularizers import REGULARIZER_KEYS, regularizer_name
    if isinstance(value, list):
        value = tuple(value)
    if key in REGULARIZER_KEYS:
        return regularizer_name(value)
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if key in _SPATIAL_KEYS and isinstance(value, int) and not isinstance(value, bool) \
            and cls[-2:] in ("1D", "2D", "3D"):
        return (value,) * int(cls[-2])
    if key in _RANGE_KEYS.get(cls, ()) and is_number:
        return (-abs(float(value)), abs(float(value)))
    if key == "padding" and isinstance(value, str):
        return value.lower()
    return value
