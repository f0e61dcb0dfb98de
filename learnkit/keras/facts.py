"""Live Keras objects -> plain frozen facts that checks and messages can compare.

Only the public Keras 3 API is used (``import keras``, imported lazily), so the facts
are the same under the TensorFlow and the JAX backend, and for models built through
``tensorflow.keras`` (which is Keras 3 in TF >= 2.16).

Where Keras 3 keeps things (all public): the compile arguments come back from
``model.get_compile_config()`` (``{}`` until ``compile`` ran) and the optimizer is
``model.optimizer``; ``fit`` returns a ``History`` whose ``params`` hold ``epochs`` and
``steps`` (no ``batch_size`` any more). Learning rates are stored as float32, so they
are rounded to 7 significant digits (0.0010000000474974513 -> 0.001).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field

from learnkit.core.compare import describe
from learnkit.core.numbers import round_sig
from learnkit.core.problem import Incorrect
from learnkit.i18n import _
from learnkit.keras.layer_facts import SKIP, LayerFacts, simple_value, count_weights, layer_facts
from learnkit.keras.names import canonical_loss, canonical_metric, serialized_name

__all__ = ["NotAModel", "NotAHistory", "LayerFacts", "layer_facts", "ModelFacts", "model_facts", "model_layers",
           "CompileFacts", "compile_facts", "FitFacts", "fit_facts", "CallbackFacts", "callback_facts"]


class NotAModel(Incorrect):
    """The value is not a Keras model (the message says what it is instead)."""


class NotAHistory(Incorrect, ValueError):
    """The value is not the History returned by ``model.fit``. Its message is written for the student.

    An ``Incorrect`` (checkers let it propagate and the student sees the message) and a
    ``ValueError`` (for other callers).
    """


# ---------------------------------------------------------------- layers and models
@dataclass(frozen=True)
class CompileFacts:
    optimizer: str | None  # class name: 'Adam', 'SGD', ...
    learning_rate: float | None  # for a schedule: its initial learning rate, if it has one
    loss: str | tuple | None  # canonical name (a tuple of names for several outputs)
    metrics: tuple = ()
    lr_schedule: str | None = None  # class name of a LearningRateSchedule


@dataclass(frozen=True)
class ModelFacts:
    cls: str
    layers: tuple
    input_shape: tuple | None  # without the batch dim; a tuple of shapes if several inputs
    params: int | None
    trainable_params: int | None
    non_trainable_params: int | None
    is_chain: bool
    compile: CompileFacts | None = None
    name: str = ""
    trainable: bool = True  # the model's own flag (``conv_base.trainable = False``)

    def summary(self) -> str:
        """'Dense, Dropout, Dense' (class names, in order)."""
        return ", ".join(layer.cls for layer in self.layers)


def _shape(tensor) -> tuple:
    return tuple(None if d is None else int(d) for d in tuple(tensor.shape)[1:])


def _input_shape(model) -> tuple | None:
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):  # unbuilt Sequential: "no defined inputs yet"
        return None
    if not inputs:
        return None
    if len(inputs) == 1:
        return _shape(inputs[0])
    return tuple(_shape(t) for t in inputs)


def _is_chain(model, layers) -> bool:
    import keras
    if isinstance(model, keras.Sequential):
        return True
    try:
        inputs, outputs = model.inputs, model.outputs
    except (AttributeError, ValueError):
        return False
    if not inputs or not outputs or len(inputs) != 1 or len(outputs) != 1 or not layers:
        return False
    try:
        current = inputs[0]
        for layer in layers:
            if layer.input is not current:
                return False
            current = layer.output
        return current is outputs[0]
    except Exception:  # layers used several times or with several inputs
        return False


def model_facts(obj, name: str = "model") -> ModelFacts:
    """Facts about a Keras model (live, or as the kernel reported it); raises ``NotAModel`` for anything else."""
    from learnkit.keras.fact_types import ModelFact
    if isinstance(obj, ModelFact):
        return obj.facts
    if "keras" not in sys.modules:  # (the grader) no live model can exist without Keras loaded
        raise NotAModel(_("`{name}` should be a Keras model; yours is {actual}.").format(
            name=name, actual=describe(obj)))
    import keras
    if isinstance(obj, type) and issubclass(obj, keras.Model):
        raise NotAModel(_("`{name}` is the class {cls} itself, not a model: call it, e.g. "
                          "`{name} = keras.{cls}([...])`.").format(name=name, cls=obj.__name__))
    if not isinstance(obj, keras.Model):
        module = type(obj).__module__ or ""
        if module.startswith(("tf_keras", "tensorflow.python.keras", "keras.engine")):
            raise NotAModel(_("`{name}` was built with the old Keras 2 (tf_keras); build it with "
                              "`keras` (Keras 3) instead.").format(name=name))
        raise NotAModel(_("`{name}` should be a Keras model; yours is {actual}.").format(
            name=name, actual=describe(obj)))
    live = model_layers(obj)
    layers = tuple(layer_facts(layer, i) for i, layer in enumerate(live, start=1))
    params = trainable = non_trainable = None
    if getattr(obj, "built", False):
        try:
            trainable = count_weights(obj.trainable_weights)
            non_trainable = count_weights(obj.non_trainable_weights)
            params = trainable + non_trainable
        except Exception:
            params = trainable = non_trainable = None
    return ModelFacts(cls=type(obj).__name__, layers=layers, input_shape=_input_shape(obj),
                      params=params, trainable_params=trainable, non_trainable_params=non_trainable,
                      is_chain=_is_chain(obj, live), compile=compile_facts(obj), name=str(obj.name),
                      trainable=bool(obj.trainable))


def model_layers(model) -> list:
    """The model's layers in order, without InputLayer."""
    return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]


# ---------------------------------------------------------------- compile
def _names(value, canon) -> tuple:
    if value is None:
        return ()
    if isinstance(value, dict) and "class_name" not in value:
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        out: list[str] = []
        for v in value:
            out.extend(_names(v, canon) if isinstance(v, (list, tuple, dict)) and serialized_name(v) is None
                       else (canon(v),))
        return tuple(out)
    return (canon(value),)


def compile_facts(model) -> CompileFacts | None:
    """What ``model.compile(...)`` was given, or None if the model is not compiled."""
    try:
        config = model.get_compile_config() or {}
    except Exception:
        config = {}
    optimizer = getattr(model, "optimizer", None)
    if not config and optimizer is None:
        return None
    opt_name = lr = schedule = None
    if optimizer is not None:
        opt_name = type(optimizer).__name__
        try:
            raw = optimizer.get_config().get("learning_rate")
        except Exception:
            raw = None
        if isinstance(raw, dict):  # a serialized LearningRateSchedule
            schedule = raw.get("class_name")
            initial = (raw.get("config") or {}).get("initial_learning_rate")
            lr = round_sig(initial) if isinstance(initial, (int, float)) else None
        elif isinstance(raw, (int, float)):
            lr = round_sig(raw)
    elif isinstance(config.get("optimizer"), (str, dict)):
        opt = config["optimizer"]
        opt_name = opt.get("class_name") if isinstance(opt, dict) else opt
    loss_value = config["loss"] if "loss" in config else getattr(model, "loss", None)
    if isinstance(loss_value, (list, tuple)) or (isinstance(loss_value, dict) and "class_name" not in loss_value):
        losses = _names(loss_value, canonical_loss)
        loss = losses[0] if len(losses) == 1 else losses
    else:
        loss = canonical_loss(loss_value)
    metrics = _names(config.get("metrics"), canonical_metric)
    return CompileFacts(optimizer=opt_name, learning_rate=lr, loss=loss, metrics=metrics, lr_schedule=schedule)


# ---------------------------------------------------------------- fit and callbacks
@dataclass(frozen=True)
class FitFacts:
    epochs_requested: int | None
    epochs_run: int
    steps: int | None  # batches per epoch
    batch_size: int | None  # only when Keras reports it (Keras 3 does not)
    keys: tuple  # 'loss', 'val_loss', ...
    validation: bool

    @property
    def stopped_early(self) -> bool:
        return self.epochs_requested is not None and self.epochs_run < self.epochs_requested


def fit_facts(history, name: str = "history") -> FitFacts:
    """Facts about ``history = model.fit(...)``; ``history.history`` (a dict) is accepted too."""
    from learnkit.keras.fact_types import HistoryFact, _isinstance  # (keras may be half imported: see there)
    if isinstance(history, HistoryFact) or _isinstance(history, "callbacks.History"):
        params, log, epochs = dict(history.params or {}), dict(history.history or {}), list(history.epoch)
    elif isinstance(history, dict) and history and all(isinstance(v, (list, tuple)) for v in history.values()):
        params, log = {}, history
        epochs = list(range(max(len(v) for v in history.values())))
    else:
        raise NotAHistory(_("`{name}` should be what `model.fit(...)` returned; yours is {actual}.").format(
            name=name, actual=describe(history)))
    as_int = lambda v: int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None  # noqa: E731
    return FitFacts(epochs_requested=as_int(params.get("epochs")), epochs_run=len(epochs),
                    steps=as_int(params.get("steps")), batch_size=as_int(params.get("batch_size")),
                    keys=tuple(log), validation="val_loss" in log)


@dataclass(frozen=True)
class CallbackFacts:
    cls: str
    monitor: str | None = None
    patience: int | None = None
    min_delta: float | None = None
    restore_best_weights: bool | None = None
    mode: str | None = None
    filepath: str | None = None
    save_best_only: bool | None = None
    attrs: dict = field(default_factory=dict, hash=False)  # other public simple attributes


_CALLBACK_FIELDS = ("monitor", "patience", "min_delta", "restore_best_weights", "mode", "filepath",
                    "save_best_only")


def callback_facts(cb, name: str = "callback") -> CallbackFacts:
    """EarlyStopping, ModelCheckpoint, ... -> their settings (min_delta as the positive value given)."""
    from learnkit.keras.fact_types import CallbackFact
    if isinstance(cb, CallbackFact):
        return cb.facts
    keras = sys.modules.get("keras")
    if keras is None or not isinstance(cb, keras.callbacks.Callback):
        raise Incorrect(_("`{name}` should be a Keras callback such as keras.callbacks.EarlyStopping(...); "
                          "yours is {actual}.").format(name=name, actual=describe(cb)))
    public = {k: simple_value(v) for k, v in vars(cb).items() if not k.startswith("_")
              and k not in ("params", "model", "best_weights", "monitor_op")}
    public = {k: v for k, v in public.items() if v is not SKIP}
    known = {k: public.pop(k) for k in _CALLBACK_FIELDS if k in public}
    if isinstance(known.get("min_delta"), (int, float)):
        known["min_delta"] = abs(float(known["min_delta"]))
    if getattr(cb, "filepath", None) is not None:
        known["filepath"] = str(cb.filepath)
    return CallbackFacts(cls=type(cb).__name__, attrs=public, **known)
