"""Learning curves: facts about a training history, and a memory of every history seen.

``curve_facts(history)`` reads what ``model.fit(...)`` returned (a Keras ``History``,
its ``.history`` dict, or a pandas DataFrame of it) and returns a ``CurveFacts``:
best epoch, minimum, NaN/divergence, overfitting, plateau. ``diagnose(facts)`` turns
them into one or two sentences for the student; ``compare(before, after, ...)``
compares two runs. ``plot_curves`` draws them with matplotlib.

A notebook overwrites ``history`` with every new fit. ``HistoryLog`` remembers each
Keras ``History`` object that appears in the notebook namespace (it runs after every
cell once ``watch()`` has registered it with ``learnkit.core.binder.on_cell``), so a
checker can compare the run "before" with the run "after" (e.g. without and with
batch normalization).

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
import sys
import weakref
from dataclasses import dataclass
from typing import Any, Mapping

from learnkit.core import facts as factlib
from learnkit.core.compare import describe
from learnkit.i18n import _, _n, gap
from learnkit.keras.facts import NotAHistory as _FactsNotAHistory

__all__ = [
    "CurveFacts", "NotAHistory", "curve_facts", "diagnose", "compare", "plot_curves",
    "HistoryLog", "SeenHistory", "ModelInfo", "log", "watch", "seen_histories",
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


class NotAHistory(_FactsNotAHistory, ValueError):
    """The value is not a training history. Its message is written for the student.

    A subclass of ``learnkit.keras.facts.NotAHistory`` (so ``except
    learnkit.keras.NotAHistory`` catches both), hence of
    ``learnkit.core.problem.Incorrect`` (checkers let it propagate and the student
    sees the message), and of ``ValueError`` (for other callers).
    """


# ---------------------------------------------------------------------------------
# Reading a history
# ---------------------------------------------------------------------------------
def _keras_classes() -> tuple[tuple[type, ...], tuple[type, ...]]:
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
    _h, models = _keras_classes()
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


def _median(xs: list[float]) -> float:
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def _noise(values: tuple[float, ...]) -> float:
    """Robust scatter (sigma) of a curve: median absolute second difference / 1.65."""
    d2 = [abs(values[i + 1] - 2 * values[i] + values[i - 1]) for i in range(1, len(values) - 1)
          if math.isfinite(values[i - 1]) and math.isfinite(values[i]) and math.isfinite(values[i + 1])]
    return _median(d2) / 1.65 if d2 else 0.0


def _decreasing(values: tuple[float, ...]) -> bool:
    """Is the least-squares trend over the last stretch of finite values going down?"""
    tail = [v for v in values[-_stretch(len(values)):] if math.isfinite(v)]
    n = len(tail)
    if n < 2:
        return False
    xm = (n - 1) / 2
    ym = sum(tail) / n
    slope = sum((i - xm) * (y - ym) for i, y in enumerate(tail)) / sum((i - xm) ** 2 for i in range(n))
    return slope * (n - 1) < -DECREASE_REL * max(abs(ym), 1e-12)


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
    if has_val and not diverged and first_nonfinite is None and best_i is not None \
            and n - best_epoch >= MIN_STRETCH:
        tail = list(curve[max(best_i + 1, n - _stretch(n)):])
        rose = _median(tail) > min_val + tol
        if len(train) >= best_epoch:
            train_fell = train[-1] < train[best_i]
        else:
            train_fell = not train  # no training loss to compare: judge on validation alone
        overfitting = rose and train_fell

    plateau_start = plateau_within = None
    if min_val is not None:
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


# ---------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------
def _fmt(x: float) -> str:
    if x is None or not math.isfinite(x):
        return "NaN" if x is None or math.isnan(x) else str(x)
    return "{:0.4f}".format(x) if abs(x) < 1e6 else "{:0.4g}".format(x)


def _facts(h) -> CurveFacts:
    return h if isinstance(h, CurveFacts) else curve_facts(h)


def _nonfinite_word(values) -> str:
    bad = [v for v in values if not math.isfinite(v)]
    return _("NaN") if not bad or any(math.isnan(v) for v in bad) else _("infinite")


def diagnose(facts) -> str:
    """One or two sentences for the student about their own learning curve.

    ``facts`` is a ``CurveFacts`` or anything ``curve_facts`` accepts.
    """
    f = _facts(facts)
    n = f.epochs
    if f.val_nan_only:
        return _("Your validation loss was {word} at epoch {e} while the training loss stayed finite — "
                 "check your validation data for missing values.").format(
            word=_nonfinite_word(f.val), e=f.first_nonfinite_epoch)
    if f.all_nan:
        word = _nonfinite_word(f.curve)
        if n == 1:
            return _("The only epoch gave a {word} loss — training diverged.").format(word=word)
        return _("All {n} epochs gave {word} — training diverged.").format(n=n, word=word)
    if f.first_nonfinite_epoch is not None:
        e = f.first_nonfinite_epoch
        word = _nonfinite_word(f.curve[e - 1:e] + f.train[e - 1:e])
        text = _("The loss became {word} at epoch {e} — training diverged.").format(word=word, e=e)
        if f.best_epoch is not None and f.best_epoch < e:
            text += gap(text) + _("Before that, its lowest value was {min} at epoch {best}.").format(
                min=_fmt(f.min_val_loss), best=f.best_epoch)
        return text
    if f.loss_exploded:
        seq = f.train if len(f.train) >= 2 else f.curve
        return _n("Your training loss grew from {a} to {b} over {n} epoch — training diverged.",
                  "Your training loss grew from {a} to {b} over {n} epochs — training diverged.", n).format(
            a=_fmt(seq[0]), b=_fmt(seq[-1]), n=n)
    if not f.has_validation:
        return _n("Your training loss went from {a} to {b} over {n} epoch. Without a validation loss "
                  "(pass validation_data= or validation_split= to fit) overfitting can't be judged.",
                  "Your training loss went from {a} to {b} over {n} epochs. Without a validation loss "
                  "(pass validation_data= or validation_split= to fit) overfitting can't be judged.", n).format(
            a=_fmt(f.curve[0]), b=_fmt(f.final_val_loss), n=n)
    if f.overfitting:
        return _("Your validation loss reached its minimum {min} at epoch {best}, then rose by {gap} "
                 "by epoch {n} — the model overfits after epoch {best}.").format(
            min=_fmt(f.min_val_loss), best=f.best_epoch, gap=_fmt(f.gap_after_min), n=n)
    if f.plateau_start is not None:
        since = (_("after epoch {k}").format(k=f.plateau_start - 1) if f.plateau_start > 1
                 else _("throughout training"))
        if f.train_still_decreasing:
            return _("Your validation loss stayed within {band} of its minimum ({min}) {since} while "
                     "the training loss kept falling — no overfitting.").format(
                band=_fmt(f.plateau_within), min=_fmt(f.min_val_loss), since=since)
        return _("Your validation loss stayed within {band} of its minimum ({min}) {since}, and the "
                 "training loss levelled off too — no overfitting.").format(
            band=_fmt(f.plateau_within), min=_fmt(f.min_val_loss), since=since)
    if f.best_epoch == n or f.val_still_decreasing:
        return _("Your validation loss was still falling at epoch {n} ({final}) — no overfitting yet; "
                 "more epochs could lower it further.").format(n=n, final=_fmt(f.final_val_loss))
    if f.gap_after_min is not None and f.gap_after_min > f.tolerance and f.train_still_decreasing:
        return _("Your validation loss reached its minimum {min} at epoch {best}, then rose by {gap} "
                 "by epoch {n} while the training loss kept falling — an early sign of "
                 "overfitting.").format(min=_fmt(f.min_val_loss), best=f.best_epoch,
                                        gap=_fmt(f.gap_after_min), n=n)
    if f.gap_after_min is not None and f.gap_after_min > f.tolerance:
        return _("Your validation loss reached its minimum {min} at epoch {best}, then rose by {gap} "
                 "by epoch {n}, but the training loss stopped falling too — that looks like unstable "
                 "training rather than overfitting.").format(
            min=_fmt(f.min_val_loss), best=f.best_epoch, gap=_fmt(f.gap_after_min), n=n)
    return _("Your validation loss reached its minimum {min} at epoch {best} and ended at {final} — "
             "no clear overfitting.").format(min=_fmt(f.min_val_loss), best=f.best_epoch,
                                             final=_fmt(f.final_val_loss))


def _sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:]


def compare(before, after, label_before: str | None = None, label_after: str | None = None) -> str:
    """One sentence comparing the minimum (validation) loss of two runs.

    ``before``/``after`` are ``CurveFacts`` or anything ``curve_facts`` accepts. Labels
    are phrases like "without batch normalization" / "with batch normalization".
    A run with no finite value is reported as "every epoch gave NaN"; a run that
    diverged midway is compared on its best finite value.
    """
    fb, fa = _facts(before), _facts(after)
    lb = label_before or _("in the first run")
    la = label_after or _("in the second run")
    what = _("validation loss") if fb.has_validation and fa.has_validation else _("loss")
    if fb.all_nan and fa.all_nan:
        return _("Every epoch gave NaN both {lb} and {la}.").format(lb=lb, la=la)
    if fb.all_nan:
        return _("{Lb} every epoch gave NaN; {la} the minimum {what} was {m}.").format(
            Lb=_sentence_start(lb), la=la, what=what, m=_fmt(fa.min_val_loss))
    if fa.all_nan:
        return _("{Lb} the minimum {what} was {m}; {la} every epoch gave NaN.").format(
            Lb=_sentence_start(lb), la=la, what=what, m=_fmt(fb.min_val_loss))
    mb, ma = fb.min_val_loss, fa.min_val_loss
    change = ""
    if abs(mb) > 1e-12:
        pct = (ma - mb) / abs(mb) * 100
        if abs(pct) < 0.5:
            change = _("about the same")
        elif pct < 0:
            change = _("{p:.0f}% lower").format(p=-pct)
        else:
            change = _("{p:.0f}% higher").format(p=pct)
    text = _("Minimum {what}: {mb} {lb} → {ma} {la}").format(what=what, mb=_fmt(mb), lb=lb, ma=_fmt(ma), la=la)
    return text + (" ({change}).".format(change=change) if change else ".")


# ---------------------------------------------------------------------------------
# Plot
# ---------------------------------------------------------------------------------
def plot_curves(h, ax=None, title: str | None = None, key: str = "val_loss", train_key: str = "loss"):
    """Draw the training and validation loss per epoch; return the Axes.

    Without ``ax`` a new ``matplotlib.figure.Figure`` is made (no pyplot state, any
    backend): save it with ``ax.figure.savefig(path)``. Epochs with NaN/inf losses
    are marked with a red ``x`` on the epoch axis; a run with no finite value gets
    the note "all N epochs NaN".
    """
    f = _facts(h) if isinstance(h, CurveFacts) else curve_facts(h, key, train_key)
    if ax is None:
        from matplotlib.figure import Figure
        ax = Figure(figsize=(6, 4)).add_subplot()
    epochs = list(range(1, f.epochs + 1))

    def clean(values):
        return [v if math.isfinite(v) else float("nan") for v in values]

    finite_any = False
    if f.train:
        ax.plot(epochs[:len(f.train)], clean(f.train), label=_("training ({key})").format(key=f.train_key))
        finite_any |= any(math.isfinite(v) for v in f.train)
    if f.has_validation:
        ax.plot(epochs[:len(f.val)], clean(f.val), label=_("validation ({key})").format(key=f.key))
        finite_any |= any(math.isfinite(v) for v in f.val)
    bad = sorted({i + 1 for s in (f.train, f.val) for i, v in enumerate(s) if not math.isfinite(v)})
    if bad and finite_any:
        ax.plot(bad, [0.02] * len(bad), "x", color="red", transform=ax.get_xaxis_transform(),
                label=_("NaN"), clip_on=False)
    if not finite_any:
        ax.text(0.5, 0.5, _n("the only epoch NaN", "all {n} epochs NaN", f.epochs).format(n=f.epochs), transform=ax.transAxes,
                ha="center", va="center", color="red")
        ax.set_ylim(0, 1)
    ax.set_xlim(0.5, max(f.epochs, 1) + 0.5)
    ax.set_xlabel(_("epoch"))
    ax.set_ylabel(_("loss"))
    if finite_any:
        ax.legend()
    if title:
        ax.set_title(title)
    return ax


# ---------------------------------------------------------------------------------
# Memory of the histories seen in the notebook
# ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelInfo:
    """A light description of the model a History belongs to (public Keras API only)."""

    class_name: str
    layers: tuple[str, ...]
    input_shape: tuple | None
    n_params: int | None
    facts: Any = None    #: its ``ModelFacts``: what ties a ``history.history`` dict to its model


@dataclass(frozen=True)
class SeenHistory:
    """A snapshot of one History seen in the namespace. ``curve_facts`` accepts it."""

    index: int           #: order of first appearance, 0-based
    name: str            #: where it was first seen: "history", or "model.history"
    history: dict        #: copy of History.history: key -> list of floats
    params: dict         #: copy of History.params
    model: ModelInfo | None
    epochs: int


def _describe_model(model) -> ModelInfo | None:
    if model is None:
        return None
    try:
        class_name = type(model).__name__
    except Exception:  # pragma: no cover
        class_name = "?"
    try:
        layers = tuple(type(layer).__name__ for layer in model.layers)
    except Exception:
        layers = ()
    shape = None
    try:
        inputs = model.inputs
        if inputs:
            shape = tuple(None if d is None else int(d) for d in inputs[0].shape)
    except Exception:
        shape = None
    try:
        n_params = int(model.count_params())
    except Exception:
        n_params = None
    try:
        from learnkit.keras.facts import model_facts
        facts = model_facts(model)
    except Exception:
        facts = None
    return ModelInfo(class_name, layers, shape, n_params, facts)


def _copy_history(d) -> dict:
    out = {}
    for k, values in dict(d).items():
        try:
            out[k] = [float(v) for v in values]
        except Exception:
            try:
                out[k] = list(values)
            except Exception:
                out[k] = values
    return out


def _signature(d) -> tuple:
    try:
        return tuple((k, len(v)) for k, v in d.items())
    except Exception:
        return ()


class _Record:
    __slots__ = ("ref", "name", "history", "params", "model", "sig")


class HistoryLog:
    """Remembers every Keras History seen in a namespace, in order of first appearance.

    ``observe(ns)`` scans the top-level values of ``ns`` (names starting with ``_``
    are skipped): each ``keras.callbacks.History``, and the ``.history`` of each Keras
    model (so an unassigned ``model.fit(...)`` is remembered too). A History is
    identified by ``id()`` plus a weak reference, so a new object that reuses a freed
    id is a new entry. When a known History grew (``fit`` again with the same History
    callback), its copy is updated. ``observe`` never raises.
    """

    def __init__(self):
        self._records: list[_Record] = []
        self._by_id: dict[int, int] = {}

    def observe(self, ns: Mapping[str, Any]) -> None:
        try:
            self._observe(ns)
        except Exception:  # never disturb the student
            pass

    def _observe(self, ns: Mapping[str, Any]) -> None:
        if "keras" not in sys.modules and "tf_keras" not in sys.modules:
            return
        hist_cls, model_cls = _keras_classes()
        if not hist_cls:
            return
        models = []
        for name, value in tuple(ns.items()):
            if not isinstance(name, str) or name[:1] == "_":
                continue
            if isinstance(value, hist_cls):
                self._see(value, name)
            elif isinstance(value, model_cls):
                models.append((name, value))
        for name, model in models:  # after direct variables, so `history` names its record
            try:
                h = model.__dict__.get("history")
            except Exception:
                continue
            if isinstance(h, hist_cls):
                self._see(h, name + ".history")

    def _see(self, obj, name: str) -> None:
        i = self._by_id.get(id(obj))
        if i is not None:
            rec = self._records[i]
            if rec.ref is not None and rec.ref() is obj:
                sig = _signature(obj.history)
                if sig != rec.sig:
                    self._fill(rec, obj, sig, with_model=rec.model is None)
                return
        rec = _Record()
        try:
            rec.ref = weakref.ref(obj)
        except TypeError:
            rec.ref = None
        rec.name = name
        rec.model = None
        self._fill(rec, obj, _signature(getattr(obj, "history", {})), with_model=True)
        self._by_id[id(obj)] = len(self._records)
        self._records.append(rec)

    @staticmethod
    def _fill(rec: _Record, obj, sig: tuple, with_model: bool) -> None:
        rec.sig = sig
        try:
            rec.history = _copy_history(obj.history)
        except Exception:
            rec.history = {}
        try:
            rec.params = dict(obj.params or {})
        except Exception:
            rec.params = {}
        if with_model:
            try:
                rec.model = _describe_model(getattr(obj, "model", None))
            except Exception:
                rec.model = None

    def seen(self) -> list[SeenHistory]:
        out = []
        for i, r in enumerate(self._records):
            history = {k: list(v) if isinstance(v, list) else v for k, v in r.history.items()}
            epochs = max((len(v) for v in history.values() if isinstance(v, list)), default=0)
            out.append(SeenHistory(index=i, name=r.name, history=history, params=dict(r.params),
                                   model=r.model, epochs=epochs))
        return out

    def clear(self) -> None:
        self._records.clear()
        self._by_id.clear()

    def __len__(self) -> int:
        return len(self._records)


#: The notebook's history memory (fed by ``watch()``).
log = HistoryLog()


def watch() -> HistoryLog:
    """Observe the bound notebook namespace after every cell (idempotent); observe it now too."""
    from learnkit.core import binder

    binder.on_cell(log.observe)
    if binder.is_bound():
        log.observe(binder.namespace())
    return log


MAX_SEEN = 50  # histories reported to the grader (the latest ones)
_reported: list | None = None  # what the kernel reported, while the grader judges its facts


def seen_histories() -> list[SeenHistory]:
    """Snapshots of every History the notebook has held so far, oldest first."""
    return list(_reported) if _reported is not None else log.seen()


def _install_reported(value):
    global _reported
    if not isinstance(value, list) or not all(isinstance(s, SeenHistory) for s in value):
        raise factlib.MalformedFacts("bad history memory")
    previous, _reported = _reported, value

    def undo():
        global _reported
        _reported = previous
    return undo


factlib.register_dataclass(SeenHistory)
factlib.register_dataclass(ModelInfo)
factlib.register_context("keras.histories", lambda: log.seen()[-MAX_SEEN:], _install_reported)
