"""Several training runs side by side: one sentence comparing them, and one plot.

One run alone is described by ``learnkit.keras.diagnosis.diagnose`` (the same sentence in every
course).

    summarize({1e-06: h1, 0.01: h2, 1.0: h3}, label="learning rate")
    # 'learning rate 1e-06: loss 2.3169 → 2.0658, still falling at epoch 10; learning rate 0.01: ...
    #  Lowest final loss: learning rate 0.01.'
    plot_runs({"model_1": model_1_training, "model_2": model_2_training}, key="val_loss")

``plot_runs`` never raises for a run that is not there yet (``____``, None, a model): it draws the
others and prints which ones are missing, so a notebook's plotting cell runs before the student has
filled in the training code.
"""
from __future__ import annotations

import math
from typing import Mapping

from learnkit.core.curve_plot import draw_curves
from learnkit.core.numbers import value as number
from learnkit.core.placeholder import is_placeholder
from learnkit.i18n import _, gap
from learnkit.keras import curves
from learnkit.keras.training import find_key, higher_is_better


def _label(label, key) -> str:
    return f"{label} {key!r}".strip() if isinstance(key, float) else f"{label} {key}".strip()


def describe_run(history, key: str = "loss") -> str:
    """'loss 2.3169 → 2.0658, still falling at epoch 10' (facts only, no advice).

    ``key`` may be an alias: 'accuracy' also finds 'acc' or 'categorical_accuracy'.
    """
    log = history if isinstance(history, Mapping) else getattr(history, "history", None)
    key = (find_key(log, key) if isinstance(log, Mapping) else None) or key
    f = curves.curve_facts(history, key=key, train_key=key)
    values = f.curve
    text = _("{key} {a} → {b}").format(key=key, a=number(values[0]), b=number(values[-1]))
    if higher_is_better(key):  # the curve facts below describe losses
        finite = [v for v in values if math.isfinite(v)]
        if finite and max(finite) > values[-1]:
            text += ", " + _("best {v} at epoch {e}").format(v=number(max(finite)), e=values.index(max(finite)) + 1)
        return text
    if f.all_nan:
        return text + ", " + _("NaN at every epoch")
    if f.first_nonfinite_epoch is not None:
        return text + ", " + _("NaN or infinite from epoch {e}").format(e=f.first_nonfinite_epoch)
    if f.loss_exploded:
        return text + ", " + _("it grew: training diverged")
    if f.epochs >= 3 and f.plateau_start is not None and not f.val_still_decreasing:
        return text + ", " + _("flat from epoch {e} on").format(e=f.plateau_start)
    if f.val_still_decreasing:
        return text + ", " + _("still falling at epoch {n}").format(n=f.epochs)
    return text


def summarize(runs: Mapping, label: str = "", key: str = "loss") -> str:
    """One clause per run, then which run ended lowest on ``key``."""
    parts: list[str] = []
    finals: dict = {}
    for k, h in runs.items():
        parts.append(_("{run}: {facts}").format(run=_label(label, k), facts=describe_run(h, key)))
        values = curves.curve_facts(h, key=key, train_key=key).curve
        if values and math.isfinite(values[-1]):
            finals[k] = values[-1]
    text = "; ".join(parts) + "."
    if finals:
        best = min(finals, key=lambda k: finals[k])
        text += gap(text) + _("Lowest final {key}: {run}.").format(key=key, run=_label(label, best))
    return text


def plot_runs(runs: Mapping, key: str = "val_loss", ax=None, title: str | None = None):
    """Draw ``key`` per epoch for each run (a History, its dict, or a DataFrame); return the Axes."""
    ready, missing = {}, []
    for name, h in runs.items():
        if h is None or is_placeholder(h):
            missing.append(str(name))
            continue
        try:
            ready[str(name)] = curves.curve_facts(h, key=key, train_key=key).curve
        except Exception:  # not a History (yet): say so instead of failing the cell
            missing.append(str(name))
    if missing:
        print(_("Not trained yet, so not plotted: {names}.").format(names=", ".join(missing)))
    return draw_curves(ready, ax=ax, start=1, xlabel=_("epoch"), ylabel=key, title=title)
