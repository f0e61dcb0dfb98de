"""EarlyStopping, checked twice: the callback's settings, and the History's stop epoch replayed with Keras's rule.

    callback_difference(early_stopping_monitor, EarlyStoppingSpec(patience=2))
    early_stopping_difference(history, EarlyStoppingSpec(patience=2), cb=early_stopping_monitor)

The replay (``early_stop_epoch``) follows Keras 3's ``EarlyStopping.on_epoch_end``: ``wait`` grows
every epoch and resets on an improvement (beyond ``min_delta``, and beyond ``baseline`` if given,
compared in float32 like ``keras.ops.less``); training stops once ``wait >= patience``, never after the
first epoch. A run must stop exactly where the rule stops it, or run all its epochs if it never fires.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from learnkit.core.numbers import value as number
from learnkit.i18n import _, _n
from learnkit.keras.facts import callback_facts, fit_facts


@dataclass(frozen=True)
class EarlyStoppingSpec:
    patience: int
    monitor: str = "val_loss"


def _improves(current: float, reference, min_delta: float, mode: str) -> bool:
    """Keras's test, in float32 like ``keras.ops.less``/``greater`` on Python floats."""
    if reference is None:
        return True
    import numpy as np
    with np.errstate(invalid="ignore"):
        if mode == "max":
            return bool(np.float32(current - min_delta) > np.float32(reference))
        return bool(np.float32(current + min_delta) < np.float32(reference))


def higher_is_better(key: str) -> bool:
    """'accuracy', 'val_acc', 'auc': higher is better; losses and errors: lower is better."""
    name = key.removeprefix("val_")
    return ("acc" in name or name in ("auc", "precision", "recall")) and "loss" not in name


def _mode(monitor: str, mode: str = "auto") -> str:
    if mode in ("min", "max"):
        return mode
    return "max" if higher_is_better(monitor) else "min"


def early_stop_epoch(values: Sequence[float], patience: int, *, min_delta: float = 0.0, mode: str = "min",
                     baseline: float | None = None, start_from_epoch: int = 0) -> int | None:
    """The 1-based epoch after which ``EarlyStopping`` stops a run with these monitored values, or None.

    Replays Keras 3's rule: after each epoch ``wait`` grows by one and resets on an improvement
    (by more than ``min_delta`` over the best so far, and over ``baseline`` if given); training
    stops once ``wait >= patience`` (never after the first epoch).
    """
    best, wait = None, 0
    for epoch, current in enumerate(values):
        if current is None or epoch < start_from_epoch:
            continue
        wait += 1
        if _improves(current, best, min_delta, mode):
            best = current
            if baseline is None or _improves(current, baseline, min_delta, mode):
                wait = 0
            continue
        if wait >= patience and epoch > 0:
            return epoch + 1
    return None


def _best_epoch(values: Sequence[float], mode: str) -> int | None:
    finite = [(v, i) for i, v in enumerate(values) if v is not None and math.isfinite(v)]
    if not finite:
        return None
    pick = max if mode == "max" else min
    best = pick(v for v, _i in finite)
    return next(i for v, i in finite if v == best) + 1


def callback_difference(cb, spec: EarlyStoppingSpec, name: str = "early_stopping_monitor") -> str | None:
    facts = callback_facts(cb, name=name)  # raises Incorrect for a non-callback
    if facts.cls != "EarlyStopping":
        return _("`{name}` should be keras.callbacks.EarlyStopping(...); yours is {cls}.").format(
            name=name, cls=facts.cls)
    if facts.patience != spec.patience:
        return _n("`{name}` has patience={have}; this question asks for patience={want} (stop after {want} epoch "
                  "without improvement).",
                  "`{name}` has patience={have}; this question asks for patience={want} (stop after {want} epochs "
                  "without improvement).", spec.patience).format(name=name, have=facts.patience, want=spec.patience)
    if facts.monitor != spec.monitor:
        return _("`{name}` monitors '{have}'; it should watch '{want}'{default}.").format(
            name=name, have=facts.monitor, want=spec.monitor,
            default=_(" (the default)") if spec.monitor == "val_loss" else "")
    return None


def _settings(cb) -> dict:
    """min_delta, baseline, start_from_epoch and mode of a live EarlyStopping (defaults otherwise)."""
    if cb is None:
        return {}
    out: dict[str, float | str] = {}
    facts = callback_facts(cb)
    if facts.min_delta is not None:
        out["min_delta"] = facts.min_delta
    for key in ("baseline", "start_from_epoch"):
        value = facts.attrs.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = value
    out["mode"] = facts.mode or "auto"
    return out


def early_stopping_difference(history, spec: EarlyStoppingSpec, name: str = "history", cb=None,
                              cb_name: str = "early_stopping_monitor") -> str | None:
    """Is the run's length what EarlyStopping(patience) on ``spec.monitor`` gives for its own values?"""
    facts = fit_facts(history, name=name)
    log = dict(getattr(history, "history", None) or {})
    values = log.get(spec.monitor)
    if values is None:
        return _("`{name}` has no '{key}' for early stopping to watch: fit with validation data.").format(
            name=name, key=spec.monitor)
    settings = _settings(cb)
    mode = _mode(spec.monitor, settings.pop("mode", "auto"))
    values = [float(v) for v in values]
    stop = early_stop_epoch(values, spec.patience, mode=mode, **settings)
    ran = facts.epochs_run
    best = _best_epoch(values[: stop or ran], mode)
    if stop is not None and stop < ran:
        return _n("`{name}` ran {ran} epochs, but EarlyStopping(patience={p}) would have stopped it after epoch "
                  "{stop}: {key} was best at epoch {best} and did not improve in the epoch after it. Pass the "
                  "callback to fit: callbacks=[{cb}].",
                  "`{name}` ran {ran} epochs, but EarlyStopping(patience={p}) would have stopped it after epoch "
                  "{stop}: {key} was best at epoch {best} and did not improve in the {p} epochs after it. Pass the "
                  "callback to fit: callbacks=[{cb}].", spec.patience).format(name=name, ran=ran, p=spec.patience, stop=stop,
                                                              key=spec.monitor, best=best, cb=cb_name)
    if stop is None and facts.epochs_requested is not None and ran < facts.epochs_requested:
        return _n("`{name}` stopped after {ran} of {req} epochs, but {key} never went {p} epoch without "
                  "improving, so EarlyStopping(patience={p}) would have kept training: was the run stopped by "
                  "another callback or another patience?",
                  "`{name}` stopped after {ran} of {req} epochs, but {key} never went {p} epochs without "
                  "improving, so EarlyStopping(patience={p}) would have kept training: was the run stopped by "
                  "another callback or another patience?", spec.patience).format(name=name, ran=ran, req=facts.epochs_requested,
                                                                  key=spec.monitor, p=spec.patience)
    return None


def early_stopping_summary(history, patience: int, monitor: str = "val_loss") -> str:
    """'Training stopped after epoch 19 of 30: val_loss was lowest (0.4689) at epoch 17 and ...'."""
    facts = fit_facts(history)
    values = [float(v) for v in (getattr(history, "history", None) or {}).get(monitor, [])]
    mode = _mode(monitor)
    best = _best_epoch(values, mode)
    if not values or best is None:
        return ""
    best_value = values[best - 1]
    if facts.stopped_early:
        return _n("Early stopping ended training after epoch {ran} of {req}: {key} was best ({v}) at epoch {best} "
                  "and did not improve in the epoch after it.",
                  "Early stopping ended training after epoch {ran} of {req}: {key} was best ({v}) at epoch {best} "
                  "and did not improve in the {p} epochs after it.", patience).format(
            ran=facts.epochs_run, req=facts.epochs_requested, key=monitor, v=number(best_value), best=best, p=patience)
    return _n("Training ran all {ran} epochs: {key} never went {p} epoch without improving (best {v} at epoch "
              "{best}).",
              "Training ran all {ran} epochs: {key} never went {p} epochs without improving (best {v} at epoch "
              "{best}).", patience).format(ran=facts.epochs_run, key=monitor, p=patience, v=number(best_value),
                                           best=best)
