"""Learning curves as facts: what one training history shows, and the thresholds that decide it.

``curve_facts(history)`` reads what ``model.fit(...)`` returned (a Keras ``History``,
its ``.history`` dict, a pandas DataFrame of it, or a ``SeenHistory``) and returns a
``CurveFacts``: best epoch, minimum, NaN/divergence, overfitting, plateau. The sentences
for the student are ``learnkit.keras.diagnosis``; the plot is ``learnkit.keras.plots``.

This module never imports Keras: it looks Keras up in ``sys.modules`` and only when
it is already loaded.

Thresholds (documented at their definition below) were calibrated on the Kaggle
*Intro to Deep Learning* runs (Keras 3, seed 0): the Spotify model without dropout
(validation MAE minimum 0.1949 at epoch 5, then a steady 4% rise), the same model
with dropout (minimum 0.1920, creeping down to the end), the Concrete model with
batch normalization (noisy, minimum 4.03) and without it (NaN at every epoch).
"""
from __future__ import annotations

import math
import statistics
import sys
from dataclasses import dataclass
from typing import Mapping

from learnkit.core.compare import describe
from learnkit.i18n import _, gap
from learnkit.keras.facts import NotAHistory

__all__ = [
    "CurveFacts", "NotAHistory", "curve_facts", "as_curve_facts", "loaded_keras_classes",
    "OVERFIT_REL", "OVERFIT_ABS", "NOISE_K", "MIN_STRETCH",
    "STRETCH_FRACTION", "DIVERGE_GROWTH", "DECREASE_REL",
]

# ---------------------------------------------------------------------------------
# Thresholds
# ---------------------------------------------------------------------------------
#: A rise of the validation loss above its minimum counts only when it exceeds
#: ``max(OVERFIT_REL * |min|, NOISE_K * noise, OVERFIT_ABS)`` ("the tolerance").
#: ``noise`` is the curve's own epoch-to-epoch scatter, estimated robustly from
#: second differences (``median |v[i+1] - 2 v[i] + v[i-1]| / 1.65``, which is sigma
#: for white noise and ignores a straight-line trend). Calibration (seed 0):
#: Spotify without dropout reaches 0.1949 at epoch 5 and ends at 0.2026 (+4%, a
#: steady rise, train still falling: overfitting) with noise 0.0003; with dropout it
#: creeps down to 0.1920 with noise 0.0003; Concrete with batch normalization
#: scatters by ~0.3 around 4-5. 1% of the minimum catches the 4% rise; 4 sigma keeps
#: a noisy curve's lucky low minimum (about 2.5 sigma below its typical level over
#: 100 epochs) from looking like a rise. The absolute floor keeps float noise from
#: counting when the minimum is ~0.
OVERFIT_REL = 0.01
NOISE_K = 4.0
OVERFIT_ABS = 1e-4
# The "plateau" band around the minimum is the same tolerance, so a run is never
# both on a plateau and overfitting.

#: "Sustained" means the last ``max(MIN_STRETCH, ceil(STRETCH_FRACTION * epochs))``
#: epochs (3 of 10, 10 of 50, 20 of 100): a single noisy epoch never decides.
MIN_STRETCH = 3
STRETCH_FRACTION = 0.2
#: The training loss "exploded" when its last finite value exceeds its first by more
#: than ``DIVERGE_GROWTH * |first|`` (it more than doubled). Keras reports the mean
#: loss over epoch 1, which includes the untrained start, so a healthy run never ends
#: above it, let alone at twice it.
DIVERGE_GROWTH = 1.0
#: A loss is "still decreasing" when the least-squares line through its last
#: stretch of epochs drops by more than ``DECREASE_REL * |mean|`` over that stretch.
DECREASE_REL = 1e-3


# ---------------------------------------------------------------------------------
# Reading a history
# ---------------------------------------------------------------------------------
def loaded_keras_classes() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """(History classes, Model classes) of the Keras modules already imported."""
    hist, model = [], []
    for modname in ("keras", "tf_keras"):
        mod = sys.modules.get(modname)
        if mod is None:
            continue
        try:
            hist.append(mod.callbacks.History)
            model.append(mod.Model)
        except Exception:  # a half-imported module
            continue
    return tuple(hist), tuple(model)


def _is_keras_model(value) -> bool:
    from learnkit.keras.fact_types import ModelFact
    if isinstance(value, ModelFact):
        return True
    _h, models = loaded_keras_classes()
    return bool(models) and isinstance(value, models)


def _as_mapping(h, name: str) -> Mapping:
    pd = sys.modules.get("pandas")  # a DataFrame can only exist if pandas was imported
    if pd is not None and isinstance(h, pd.DataFrame):
        return {str(c): list(h[c]) for c in h.columns}
    if isinstance(h, Mapping):
        return h
    if not isinstance(h, (str, bytes, int, float, list, tuple, set)) and h is not None:
        try:
            inner = getattr(h, "history", None)  # keras History, SeenHistory
        except Exception:
            inner = None
        if isinstance(inner, Mapping):
            return inner
    message = _("`{name}` should be what model.fit(...) returns; yours is {actual}.").format(
        name=name, actual=describe(h))
    if _is_keras_model(h):
        message += gap(message) + _("That is the model itself: use `{name} = model.fit(...)`.").format(name=name)
    raise NotAHistory(message)


def _floats(values, name: str, key: str) -> tuple[float, ...]:
    if isinstance(values, (str, bytes, Mapping)):
        raise NotAHistory(_("`{name}['{key}']` should be a list of numbers; it is {actual}.").format(
            name=name, key=key, actual=describe(values)))
    try:
        out = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise NotAHistory(_("`{name}['{key}']` should be a list of numbers; it is {actual}.").format(
            name=name, key=key, actual=describe(values))) from None
    return out


def _finite(x) -> bool:
    return x is not None and math.isfinite(x)


def _stretch(epochs: int) -> int:
    return max(MIN_STRETCH, math.ceil(STRETCH_FRACTION * epochs))


def _noise(values: tuple[float, ...]) -> float:
    """Robust scatter (sigma) of a curve: median absolute second difference / 1.65."""
    d2 = [abs(values[i + 1] - 2 * values[i] + values[i - 1]) for i in range(1, len(values) - 1)
          if math.isfinite(values[i - 1]) and math.isfinite(values[i]) and math.isfinite(values[i + 1])]
    return statistics.median(d2) / 1.65 if d2 else 0.0


def _decreasing(values: tuple[float, ...]) -> bool:
    """Is the least-squares trend over the last stretch of finite values going down?"""
    tail = [v for v in values[-_stretch(len(values)):] if math.isfinite(v)]
    n = len(tail)
    if n < 2:
        return False
    slope = statistics.linear_regression(range(n), tail).slope
    return slope * (n - 1) < -DECREASE_REL * max(abs(statistics.fmean(tail)), 1e-12)

def _exploded(values: tuple[float, ...]) -> bool:
    finite = [v for v in values if math.isfinite(v)]
    if len(finite) < 2:
        return False
    first, last = finite[0], finite[-1]
    return last - first > DIVERGE_GROWTH * max(abs(first), 1e-12)


@dataclass(frozen=True)
class CurveFacts:
    """What one training history shows. Epoch numbers are 1-based, like Keras's log.

    The ``*_val_*`` statistics describe ``curve``: the validation loss, or the
    training loss when the history has no validation key (``has_validation`` False).
    """

    key: str                       #: the key analysed (``val_loss``, or the train key as fallback)
    train_key: str
    epochs: int
    train: tuple[float, ...]       #: training loss per epoch (empty if absent)
    val: tuple[float, ...]         #: validation loss per epoch (empty if absent)
    has_validation: bool
    best_epoch: int | None         #: epoch of the minimum finite value; None if none is finite
    min_val_loss: float | None
    final_val_loss: float          #: the last value, possibly NaN
    all_nan: bool                  #: no finite value at all (NaN or infinite everywhere)
    first_nonfinite_epoch: int | None  #: first epoch where the curve or the training loss is NaN/inf
    loss_exploded: bool            #: finite, but the training loss ended more than doubled
    diverged: bool                 #: all_nan, or a non-finite value, or loss_exploded (see val_nan_only)
    val_nan_only: bool             #: the validation loss has NaN/inf but the training loss is finite
    gap_after_min: float | None    #: final - min (None if either is not finite)
    overfitting: bool
    plateau_start: int | None      #: first epoch of the final stretch within the band of the minimum
    plateau_within: float | None   #: how far above the minimum the curve went on that stretch
    train_still_decreasing: bool
    val_still_decreasing: bool

    noise: float                   #: robust epoch-to-epoch scatter (sigma) of the curve
    tolerance: float | None        #: the rise (and plateau band) that counts, in loss units

    @property
    def curve(self) -> tuple[float, ...]:
        return self.val if self.has_validation else self.train


def curve_facts(h, key: str = "val_loss", train_key: str = "loss", *, name: str = "history") -> CurveFacts:
    """Facts about a learning curve.

    ``h`` is a Keras ``History`` (what ``model.fit`` returns), its ``.history`` dict,
    a pandas DataFrame of it, or a ``SeenHistory``. Raises ``NotAHistory`` (an
    ``Incorrect`` and a ``ValueError``) with a message for the student otherwise.
    ``name`` is the variable name used in that message.

    Definitions (thresholds are the module constants):

    * ``overfitting``: there are at least ``MIN_STRETCH`` epochs after the minimum;
      the median of the last ``max(MIN_STRETCH, ceil(STRETCH_FRACTION*epochs))`` epochs
      after it lies more than ``tolerance`` above the minimum;
      and the training loss at the end is lower than at the best epoch (it kept
      falling while the validation loss rose). Never for a diverged run or without
      validation data.
    * ``plateau_start``/``plateau_within``: the curve stayed within the same band of
      its minimum (``tolerance``) from ``plateau_start`` to the end, for at least that
      many epochs;
      ``plateau_within`` is the largest excess over the minimum on that stretch.
    * ``diverged``: no finite value, or a NaN/inf appears, or ``loss_exploded`` --
      except when only the validation loss is NaN/inf while the training loss is
      finite at every epoch (``val_nan_only``: the validation data has missing values).
    """
    m = _as_mapping(h, name)
    has_val = key in m and _nonempty(m[key])
    has_train = train_key in m and _nonempty(m[train_key])
    if not has_val and not has_train:
        if not m or not any(_nonempty(v) for v in m.values()):
            raise NotAHistory(_("`{name}` has no epochs recorded yet: train with model.fit(...) "
                                "and keep what it returns.").format(name=name))
        raise NotAHistory(_("`{name}` has no '{key}' values; its keys are {keys}.").format(
            name=name, key=train_key, keys=", ".join(repr(str(k)) for k in m)))
    val = _floats(m[key], name, key) if has_val else ()
    train = _floats(m[train_key], name, train_key) if has_train else ()
    curve = val if has_val else train
    used = key if has_val else train_key
    n = len(curve)

    finite = [(v, i) for i, v in enumerate(curve) if math.isfinite(v)]
    all_nan = not finite
    if finite:
        min_val, best_i = min(finite)
        best_epoch = best_i + 1
    else:
        min_val, best_i, best_epoch = None, None, None
    final = curve[-1]
    nonfinite = [i for i, v in enumerate(curve) if not math.isfinite(v)]
    nonfinite += [i for i, v in enumerate(train) if not math.isfinite(v)]
    first_nonfinite = min(nonfinite) + 1 if nonfinite else None
    exploded = _exploded(train if len(train) >= 2 else curve)
    # NaN weights make both losses NaN. A NaN validation loss next to a finite training
    # loss at every epoch comes from the validation data (missing values), not divergence.
    val_nan_only = (has_val and has_train and any(not math.isfinite(v) for v in val)
                    and all(math.isfinite(v) for v in train))
    diverged = not val_nan_only and (all_nan or first_nonfinite is not None or exploded)
    gap = final - min_val if (min_val is not None and math.isfinite(final)) else None
    noise = _noise(curve)
    tol = max(OVERFIT_REL * abs(min_val), NOISE_K * noise, OVERFIT_ABS) if min_val is not None else None

    overfitting = False
    if has_val and not diverged and first_nonfinite is None and best_i is not None and best_epoch is not None \
            and min_val is not None and tol is not None and n - best_epoch >= MIN_STRETCH:
        tail = list(curve[max(best_i + 1, n - _stretch(n)):])
        rose = statistics.median(tail) > min_val + tol
        if len(train) >= best_epoch:
            train_fell = train[-1] < train[best_i]
        else:
            train_fell = not train  # no training loss to compare: judge on validation alone
        overfitting = rose and train_fell

    plateau_start = plateau_within = None
    if min_val is not None and tol is not None:
        s = n
        while s > 0 and math.isfinite(curve[s - 1]) and curve[s - 1] <= min_val + tol:
            s -= 1
        if n - s >= _stretch(n):
            plateau_start = s + 1
            plateau_within = max(curve[s:]) - min_val

    return CurveFacts(
        key=used, train_key=train_key, epochs=n, train=train, val=val, has_validation=has_val,
        best_epoch=best_epoch, min_val_loss=min_val, final_val_loss=final, all_nan=all_nan,
        first_nonfinite_epoch=first_nonfinite, loss_exploded=exploded, diverged=diverged,
        val_nan_only=val_nan_only,
        gap_after_min=gap, overfitting=overfitting, plateau_start=plateau_start,
        plateau_within=plateau_within, train_still_decreasing=_decreasing(train),
        val_still_decreasing=_decreasing(curve), noise=noise, tolerance=tol,
    )


def _nonempty(values) -> bool:
    try:
        return len(values) > 0
    except TypeError:
        return True  # not a sequence: let _floats report it


def as_curve_facts(h) -> CurveFacts:
    """``h`` itself if it is a ``CurveFacts``, else ``curve_facts(h)``."""
    return h if isinstance(h, CurveFacts) else curve_facts(h)
