"""How a model was compiled and fitted, judged from the live model and the ``History`` that ``fit`` returned.

    CompileSpec(optimizer="adam", loss="mse")                # 'mse' ≡ 'mean_squared_error' ≡ MeanSquaredError()
    FitSpec(epochs=10, validation_split=0.3, n_samples=891)  # read from History.params and its keys
    EarlyStoppingSpec(patience=2)                            # the callback and the stop epoch (early_stopping.py)
    MetricThreshold("val_accuracy", at_least=0.85)           # what the curves reached
    RunSpec(layers=[...], input_shape=[10], params=11402, compile=..., fit=..., early_stopping=...)

Every ``*_difference`` function returns None when the run matches and otherwise one message for the
student. Only public Keras 3 API is used (through ``learnkit.keras.facts``), so the checks agree under
the TensorFlow and the JAX backend.

What a History can prove: ``params['epochs']`` (what was asked), ``len(history.epoch)`` (what ran),
``params['steps']`` (batches per epoch: with the row count and Keras's default batch size of 32 it
tells the training-set size, hence the validation split), the keys (``val_loss`` only with
validation data) and the values. ``history.model`` is the model that was trained.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from learnkit.core.compare import describe
from learnkit.core.numbers import value as number
from learnkit.i18n import _, _n, gap
from learnkit.keras.early_stopping import (EarlyStoppingSpec, callback_difference, early_stop_epoch,  # noqa: F401
                                           early_stopping_difference, early_stopping_summary, higher_is_better)
from learnkit.keras.facts import CompileFacts, FitFacts, ModelFacts, NotAHistory, fit_facts, model_facts
from learnkit.keras.graph import Graph, graph_difference
from learnkit.keras.names import canonical_loss, canonical_metric
from learnkit.keras.schedules import ScheduleFacts, ScheduleSpec, schedule_difference, schedule_facts
from learnkit.keras.spec import LayerSpec, first_difference

KERAS_BATCH_SIZE = 32  # fit's default batch_size

# How to spell a loss, for messages ("any of these works").
_LOSS_SPELLINGS = {
    "mean_squared_error": "'mean_squared_error', 'mse' or keras.losses.MeanSquaredError()",
    "mean_absolute_error": "'mean_absolute_error', 'mae' or keras.losses.MeanAbsoluteError()",
    "categorical_crossentropy": "'categorical_crossentropy' or keras.losses.CategoricalCrossentropy()",
    "binary_crossentropy": "'binary_crossentropy' or keras.losses.BinaryCrossentropy()",
    "sparse_categorical_crossentropy": "'sparse_categorical_crossentropy' or "
                                       "keras.losses.SparseCategoricalCrossentropy()",
}
# (wanted, got) -> why the student's loss does not fit their targets
_LOSS_NOTES = {
    ("categorical_crossentropy", "sparse_categorical_crossentropy"):
        "sparse_categorical_crossentropy expects integer labels, but your targets are one-hot columns "
        "(to_categorical).",
    ("categorical_crossentropy", "binary_crossentropy"):
        "binary_crossentropy treats each output column as a separate yes/no question; with a softmax over "
        "one-hot classes use categorical_crossentropy.",
}
# 'accuracy' is resolved by Keras from the loss; these explicit names mean the same for that loss.
_ACCURACY_FOR_LOSS = {"categorical_crossentropy": "categorical_accuracy",
                      "binary_crossentropy": "binary_accuracy",
                      "sparse_categorical_crossentropy": "sparse_categorical_accuracy"}


# ---------------------------------------------------------------- compile
@dataclass(frozen=True)
class CompileSpec:
    """What ``model.compile`` must have been given; ``None``/empty means "any"."""

    optimizer: str | None = None  # a name Keras knows: 'adam', 'sgd', 'rmsprop' (any case)
    loss: str | None = None  # any alias: 'mse', 'mean_squared_error'
    metrics: Sequence[str] = ()  # required metrics (aliases accepted); others may be added
    learning_rate: float | ScheduleSpec | None = None  # a ScheduleSpec: checked by its values (schedules.py)


def optimizer_class_name(name: str) -> str:
    """'adam' -> 'Adam', 'sgd' -> 'SGD' (the class Keras creates for that name)."""
    try:
        import keras
        return type(keras.optimizers.get(name)).__name__
    except Exception:
        return str(name)


def _key(name) -> str:
    return "".join(ch for ch in str(name).lower() if ch.isalnum())


def metric_matches(got: str, wanted: str, loss: str | None = None) -> bool:
    """Is the compiled metric ``got`` the metric ``wanted`` (canonical names), given the loss?"""
    if got == wanted:
        return True
    if wanted == "accuracy" and loss is not None:
        return got == _ACCURACY_FOR_LOSS.get(loss)
    return False


def compile_difference(facts: CompileFacts | None, spec: CompileSpec, name: str = "model",
                       schedule: ScheduleFacts | None = None) -> str | None:
    """None when the compile arguments match ``spec``; else one message (also when not compiled).
    ``schedule``: the optimizer's learning rate (``schedule_facts(model)``), for a ``ScheduleSpec``."""
    if facts is None:
        return _("`{name}` is not compiled yet: call `{name}.compile(...)`.").format(name=name)
    want: str | None
    if spec.optimizer is not None:
        want = optimizer_class_name(spec.optimizer)
        if _key(facts.optimizer) != _key(want):
            return _("`{name}` is compiled with the {have} optimizer; this question asks for {want} "
                     "(optimizer='{spelling}').").format(name=name, have=facts.optimizer, want=want,
                                                        spelling=spec.optimizer)
    if isinstance(spec.learning_rate, ScheduleSpec):
        why = schedule_difference(schedule, spec.learning_rate, name)
        if why:
            return why
    elif spec.learning_rate is not None and (facts.learning_rate is None or not math.isclose(
            facts.learning_rate, spec.learning_rate, rel_tol=1e-5)):
        have = _("no fixed learning rate") if facts.learning_rate is None else \
            _("learning rate {lr:g}").format(lr=facts.learning_rate)
        return _("`{name}`'s {opt} optimizer has {have}; it should have learning_rate={want:g}.").format(
            name=name, opt=facts.optimizer, have=have, want=spec.learning_rate)
    if spec.loss is not None:
        want = canonical_loss(spec.loss)
        if facts.loss != want:
            text = _("`{name}` is compiled with the loss {have}; this question asks for {want} ({spellings}).").format(
                name=name, have=facts.loss, want=want, spellings=_LOSS_SPELLINGS.get(want or "", repr(want)))
            note = _LOSS_NOTES.get((want, facts.loss)) if want is not None and isinstance(facts.loss, str) else None
            return text + (gap(text) + _(note) if note else "")
    loss = facts.loss if isinstance(facts.loss, str) else None
    for metric in spec.metrics:
        want = canonical_metric(metric)
        if want is None or not any(metric_matches(got, want, loss) for got in facts.metrics):
            have = ", ".join(facts.metrics) or _("none")
            text = _("`{name}` does not report {want} (its metrics: {have}): add metrics=['{spelling}'] to "
                     "compile.").format(name=name, want=want, have=have, spelling=metric)
            if want == "accuracy" and "exact_accuracy" in facts.metrics:
                text += gap(text) + _("keras.metrics.Accuracy() counts predictions exactly equal to the labels, which "
                                "class probabilities almost never are; the string 'accuracy' picks the accuracy "
                                "that fits the loss.")
            return text
    return None


# ---------------------------------------------------------------- fit
@dataclass(frozen=True)
class FitSpec:
    """What ``model.fit`` must have been given, as far as the History shows it."""

    epochs: int | None = None  # the epochs= asked for (an early-stopped run may run fewer)
    validation: bool | None = None  # True: the History must hold val_loss
    validation_split: float | None = None  # with n_samples: checked through the batches per epoch
    n_samples: int | None = None  # rows given to fit (before the validation split)
    batch_size: int = KERAS_BATCH_SIZE


def training_rows(n_samples: int, validation_split: float | None) -> int:
    """Rows Keras trains on: it keeps the first floor(n * (1 - split)) rows, validates on the rest."""
    return int(math.floor(n_samples * (1.0 - validation_split))) if validation_split else n_samples


def fit_difference(facts: FitFacts, spec: FitSpec, name: str = "history") -> str | None:
    if spec.epochs is not None and facts.epochs_requested is not None and facts.epochs_requested != spec.epochs:
        text = _("`{name}` comes from a fit with epochs={have}; this question asks for epochs={want}.").format(
            name=name, have=facts.epochs_requested, want=spec.epochs)
        if facts.epochs_requested == 1:
            text += gap(text) + _("(Keras 3 trains 1 epoch unless you pass epochs=; old Keras trained 10.)")
        return text
    wants_validation = spec.validation or spec.validation_split is not None
    if wants_validation and not facts.validation:
        how = (_("pass validation_split={split:g} to fit").format(split=spec.validation_split)
               if spec.validation_split is not None else _("pass validation_split= or validation_data= to fit"))
        return _("`{name}` has no validation loss (val_loss): {how}.").format(name=name, how=how)
    if spec.validation is False and facts.validation:
        return _("`{name}` was fitted with validation data; this question trains on all rows.").format(name=name)
    if spec.n_samples and facts.steps:
        rows = training_rows(spec.n_samples, spec.validation_split)
        want = math.ceil(rows / spec.batch_size)
        if facts.steps != want:
            if spec.validation_split is not None:
                text = _n("With validation_split={split:g} Keras trains on the first {rows} of the {n} rows "
                          "(and validates on the other {val}): {want} batch of {bs} per epoch.",
                          "With validation_split={split:g} Keras trains on the first {rows} of the {n} rows "
                          "(and validates on the other {val}): {want} batches of {bs} per epoch.", want).format(
                    split=spec.validation_split, rows=rows, n=spec.n_samples, val=spec.n_samples - rows,
                    want=want, bs=spec.batch_size)
            else:
                text = _n("Trained on all {n} rows, an epoch is {want} batch of {bs}.",
                          "Trained on all {n} rows, an epoch is {want} batches of {bs}.", want).format(
                    n=spec.n_samples, want=want, bs=spec.batch_size)
            return text + gap(text) + _n("Your run had {steps} batch per epoch (up to {most} training rows): check the "
                                   "data and validation_split you passed to fit, and leave batch_size at its "
                                   "default.",
                                   "Your run had {steps} batches per epoch (up to {most} training rows): check the "
                                   "data and validation_split you passed to fit, and leave batch_size at its "
                                   "default.", facts.steps).format(steps=facts.steps, most=facts.steps * spec.batch_size)
    return None


# ---------------------------------------------------------------- what the curves reached
def find_key(log: Mapping, key: str) -> str | None:
    """The History key meaning ``key``: 'val_accuracy' also finds 'val_acc' or 'val_categorical_accuracy'."""
    if key in log:
        return key
    prefix = "val_" if key.startswith("val_") else ""
    want = canonical_metric(key.removeprefix("val_"))
    for k in log:
        if prefix and not k.startswith("val_") or not prefix and k.startswith("val_"):
            continue
        got = canonical_metric(k.removeprefix("val_"))
        if got == want or (want == "accuracy" and got is not None and got.endswith("accuracy") and "top_k" not in got):
            return k
    return None


@dataclass(frozen=True)
class MetricThreshold:
    """The run must reach ``at_least`` (best epoch, or last if ``best`` is False) on ``key``."""

    key: str
    at_least: float | None = None
    at_most: float | None = None
    best: bool = True
    note: str = ""  # e.g. "with the fixed seeds it reaches about 0.88"

    def __call__(self, history, name: str = "history") -> str | None:
        log = dict(getattr(history, "history", None) or {})
        key = find_key(log, self.key)
        if key is None:
            return _("`{name}` has no '{key}': compile with the metric and fit with validation data.").format(
                name=name, key=self.key)
        values = [float(v) for v in log[key] if v is not None and math.isfinite(float(v))]
        if not values:
            return _("`{name}['{key}']` has no finite value: training diverged.").format(name=name, key=key)
        which = _("best") if self.best else _("final")
        if self.at_least is not None:
            got = max(values) if self.best else values[-1]
            if got < self.at_least:
                return _("Your {which} {key} is {got}; this question expects at least {want}.").format(
                    which=which, key=key, got=number(got), want=f"{self.at_least:g}") + (
                    " " + self.note if self.note else "")
        if self.at_most is not None:
            got = min(values) if self.best else values[-1]
            if got > self.at_most:
                return _("Your {which} {key} is {got}; this question expects at most {want}.").format(
                    which=which, key=key, got=number(got), want=f"{self.at_most:g}") + (
                    " " + self.note if self.note else "")
        return None


@dataclass(frozen=True)
class LossDecreased:
    """The training loss is finite at every epoch and ended below where it started."""

    key: str = "loss"

    def __call__(self, history, name: str = "history") -> str | None:
        values = [float(v) for v in (getattr(history, "history", None) or {}).get(self.key, [])]
        if not values:
            return _("`{name}` has no '{key}'.").format(name=name, key=self.key)
        bad = next((i for i, v in enumerate(values, 1) if not math.isfinite(v)), None)
        if bad is not None:
            return _("Your {key} became NaN or infinite at epoch {e}: training diverged.").format(key=self.key, e=bad)
        if len(values) > 1 and values[-1] >= values[0]:
            return _("Your {key} did not go down ({a} at epoch 1, {b} at epoch {n}): check the optimizer and the "
                     "data you passed to fit.").format(key=self.key, a=number(values[0]), b=number(values[-1]),
                                                       n=len(values))
        return None


# ---------------------------------------------------------------- one training run
@dataclass(frozen=True)
class RunSpec:
    """One training run: the model behind the History, how it was compiled and fitted, what it reached."""

    layers: Sequence[LayerSpec] | None = None
    input_shape: Sequence[int] | None = None
    params: int | None = None
    graph: Graph | None = None  # instead of ``layers``: a model that is not a simple chain (graph.py)
    compile: CompileSpec | None = None
    fit: FitSpec | None = None
    early_stopping: EarlyStoppingSpec | None = None
    curve: Sequence[Callable] = field(default_factory=tuple)  # callables (history, name) -> message or None


def history_model(history, name: str = "history"):
    """The model a History belongs to; Incorrect (with a message) for anything but a History from fit."""
    from learnkit.core.facts import as_fact
    from learnkit.keras.fact_types import HistoryFact, ModelFact, _isinstance
    # (_isinstance: a grader thread may judge while another one is still importing keras)
    if _isinstance(history, "Model") or _isinstance(history, "callbacks.History"):
        history = as_fact(history)  # a live object (direct callers; checks always get facts)
    if isinstance(history, ModelFact):
        raise NotAHistory(_("`{name}` is the model itself; it should be what fit returns: "
                            "`{name} = model.fit(...)`.").format(name=name))
    if isinstance(history, dict):
        raise NotAHistory(_("`{name}` is a dict (history.history?); keep the History that fit returns: "
                            "`{name} = model.fit(...)`.").format(name=name))
    if not isinstance(history, HistoryFact):
        raise NotAHistory(_("`{name}` should be what `model.fit(...)` returned; yours is {actual}.").format(
            name=name, actual=describe(history)))
    model = history.model
    if model is None or not getattr(history, "epoch", None):
        raise NotAHistory(_("`{name}` is a History that no fit has filled yet: use `{name} = model.fit(...)`.").format(
            name=name))
    return model


def model_difference(facts: ModelFacts, spec: RunSpec, name: str) -> str | None:
    if spec.layers is not None:
        why = first_difference(facts, spec.layers, spec.input_shape)
        if why:
            return _("The model behind `{name}` is not the one asked for. {why}").format(name=name, why=why)
    if spec.params is not None and facts.params is not None and facts.params != spec.params:
        return _("The model behind `{name}` has {have:,} parameters; it should have {want:,}.").format(
            name=name, have=facts.params, want=spec.params)
    return None


def run_difference(history, spec: RunSpec, name: str = "history", cb=None,
                   cb_name: str = "early_stopping_monitor") -> str | None:
    """None when ``history`` is a run as ``spec`` describes; else the first difference, for the student."""
    model = history_model(history, name)
    mfacts = model_facts(model, name=name)
    why = model_difference(mfacts, spec, name)
    if why is None and spec.graph is not None:
        why = graph_difference(model, spec.graph, name)
        why = _("The model behind `{name}` is not the one asked for. {why}").format(name=name, why=why) if why else None
    if why:
        return why
    if spec.compile is not None:
        why = compile_difference(mfacts.compile, spec.compile, name=f"{name}.model", schedule=schedule_facts(model))
        if why:
            return why
    ffacts = fit_facts(history, name=name)
    if spec.fit is not None:
        why = fit_difference(ffacts, spec.fit, name)
        if why:
            return why
    if spec.early_stopping is not None:
        why = early_stopping_difference(history, spec.early_stopping, name, cb=cb, cb_name=cb_name)
        if why:
            return why
    for check in spec.curve:
        why = check(history, name)
        if why:
            return why
    return None

