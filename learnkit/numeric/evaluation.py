"""Evaluation checks: the K-fold procedure, its scores, and predictions against a confusion matrix
and a reported accuracy.

``kfold_difference`` judges the folds a student's code produced (which samples each fold
validates on and trains on) and names the classic bugs: the same fold every time, validation
samples left in the training part, the remainder dropped from training, unequal folds.
:class:`KFoldProblem` produces those folds by calling the student's fold function on hidden data
whose rows carry their own index. ``scores_difference`` checks ``all_scores`` (one score per
fold, a reported mean that is their mean, a band). ``confusion_difference`` compares a confusion
matrix with ``sklearn.metrics.confusion_matrix`` of the predictions (catching a transposed matrix
and swapped TP/TN) and with a reported accuracy.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Collection, Sequence

import numpy as np

from learnkit.core.compare import describe, short_repr
from learnkit.core.functions import Case, call_once
from learnkit.core.problem import Incorrect, Problem, Verdict
from learnkit.core.result import Status
from learnkit.i18n import _, _n

__all__ = ["Fold", "kfold_difference", "coded_data", "KFoldProblem", "scores_difference",
           "confusion_difference", "predictions_difference"]


@dataclass(frozen=True)
class Fold:
    """The sample numbers one fold validates on and trains on."""

    val: tuple[int, ...]
    train: tuple[int, ...]


def _rows(values: Collection[int]) -> str:
    shown = ", ".join(str(v) for v in sorted(values)[:6])
    return shown + (", …" if len(values) > 6 else "")


def kfold_difference(folds: Sequence[Fold], n: int, k: int) -> str | None:
    """None when ``folds`` are a K-fold split of ``n`` samples into ``k`` folds: each fold trains on
    every sample it does not validate on; the validation parts are disjoint and either all
    ``n // k`` long (DLwP's slices; the remainder always trains) or cover all ``n`` samples with
    sizes differing by at most one (``sklearn.model_selection.KFold``)."""
    if len(folds) != k:
        return _("Your code made {have} folds; K-fold with k = {k} makes {k}.").format(have=len(folds), k=k)
    size = n // k
    vals = [set(f.val) for f in folds]
    if k > 1 and all(v == vals[0] for v in vals[1:]):
        return _("Every fold validates on the same samples ({rows}): the validation slice must move with the "
                 "fold number `i` (`data[i * num_val_samples: (i + 1) * num_val_samples]`).").format(rows=_rows(vals[0]))
    for i, (fold, val) in enumerate(zip(folds, vals)):
        train = set(fold.train)
        both = val & train
        if both:
            return _("Fold {i} trains on samples it also validates on ({rows}): the training part must leave the "
                     "validation slice out, or the validation score measures memory, not generalisation.").format(
                i=i, rows=_rows(both))
        if len(fold.train) != len(train) or len(fold.val) != len(val):
            return _("Fold {i} uses some samples twice: each sample belongs once to the training part or to the "
                     "validation slice.").format(i=i)
        missing = set(range(n)) - val - train
        if missing:
            tail = set(range(k * size, n))
            if tail and missing == tail:
                return _("Fold {i} leaves the last {m} samples out of training (the remainder of {n} // {k}): train "
                         "on everything after the validation slice, `data[(i + 1) * num_val_samples:]`.").format(
                    i=i, m=len(tail), n=n, k=k)
            return _n("Fold {i} neither trains nor validates on {m} sample ({rows}): the training part should be all "
                      "the samples outside the validation slice.",
                      "Fold {i} neither trains nor validates on {m} samples ({rows}): the training part should be "
                      "all the samples outside the validation slice.", len(missing)).format(
                i=i, m=len(missing), rows=_rows(missing))
    for i in range(k):
        for j in range(i):
            common = vals[i] & vals[j]
            if common:
                return _("Folds {j} and {i} validate on some of the same samples ({rows}): the validation slices "
                         "must not overlap.").format(i=i, j=j, rows=_rows(common))
    sizes = [len(v) for v in vals]
    if all(s == size for s in sizes):
        return None
    if sum(sizes) == n and max(sizes) - min(sizes) <= 1:
        return None
    return _("Your validation slices have {sizes} samples; with {n} samples and k = {k} each should have "
             "{n} // {k} = {size}.").format(sizes=", ".join(map(str, sizes)), n=n, k=k, size=size)


def coded_data(n: int, features: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """``(data, targets)`` whose rows tell which sample they are: ``data[r, 0] == r`` and
    ``targets[r] == 1000 + r``, so the arrays a fold function returns show which samples it took."""
    data = np.column_stack([np.arange(n, dtype=float)] + [np.full(n, 0.5 * c) for c in range(1, features)])
    return data, 1000.0 + np.arange(n, dtype=float)


def _sample_numbers(value, name: str, part: str, column: bool, offset: float = 0.0) -> tuple[int, ...]:
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(_("The {part} returned by `{name}` should be an array; it is {actual}.").format(
            part=part, name=name, actual=describe(value))) from None
    a = a[:, 0] if column and a.ndim == 2 else a
    if a.ndim != 1:
        raise Incorrect(_("The {part} returned by `{name}` has shape {shape}; keep the samples' shape (slice rows, "
                          "don't reshape).").format(part=part, name=name, shape=a.shape))
    return tuple(int(round(v - offset)) for v in a)


@dataclass(kw_only=True)
class KFoldProblem(Problem):
    """The student's fold function ``fn(i, k, data, targets)`` returning ``(val_data, val_targets,
    partial_train_data, partial_train_targets)`` (DLwP's order), called for every fold on hidden
    ``cases`` of ``(n, k)`` and judged with :func:`kfold_difference`."""

    var: str
    cases: Sequence[tuple[int, int]] = ((10, 3), (12, 4))
    success: str = ""
    kind = "function"

    def folds(self, fn, n: int, k: int) -> list[Fold]:
        data, targets = coded_data(n)
        out = []
        for i in range(k):
            args = (i, k, data, targets)
            shown = f"{self.var}({', '.join(short_repr(a, 20) for a in args)})"
            got = call_once(fn, self.var, Case(args, shown=shown))
            if not isinstance(got, (tuple, list)) or len(got) != 4:
                raise Incorrect(_("`{call}` returned {got}; it should return four arrays: (val_data, val_targets, "
                                  "partial_train_data, partial_train_targets).").format(call=shown, got=describe(got)))
            val, val_t, train, train_t = (_sample_numbers(v, self.var, part, col, off) for v, part, col, off in zip(
                got, ("val_data", "val_targets", "partial_train_data", "partial_train_targets"),
                (True, False, True, False), (0.0, 1000.0, 0.0, 1000.0)))
            if val != val_t or train != train_t:
                raise Incorrect(_("In `{call}` the targets are not those of the samples returned with them: slice "
                                  "`targets` exactly as you slice `data`.").format(call=shown))
            out.append(Fold(val, train))
        return out

    def judge(self, ns):
        fn = self.fetch(ns)[self.var]
        if not callable(fn):
            raise Incorrect(_("`{name}` should be a function; yours is {actual}.").format(name=self.var, actual=describe(fn)))
        for n, k in self.cases:
            why = kfold_difference(self.folds(fn, n, k), n, k)
            if why:
                raise Incorrect(_("With {n} samples and k = {k}: {why}").format(n=n, k=k, why=why))
        return Verdict(Status.CORRECT, self.success or _("Correct!"))


def scores_difference(all_scores, k: int, *, mean_score=None, band: tuple[float, float] | None = None,
                      name: str = "all_scores", what: str = "") -> str | None:
    """None when ``all_scores`` holds one finite number per fold (``k``), ``mean_score`` (when given)
    is their mean and that mean lies in ``band``; else the first problem."""
    try:
        scores = [float(s) for s in all_scores]
    except (TypeError, ValueError):
        return _("`{name}` should be a list of numbers, one score per fold; it is {actual}.").format(
            name=name, actual=describe(all_scores))
    if len(scores) < k:
        return _("`{name}` holds {have} scores; K-fold with k = {k} gives one per fold, {k}. Does the loop run "
                 "over `range(k)`, with `all_scores.append(...)` inside it?").format(name=name, have=len(scores), k=k)
    if len(scores) > k:
        return _("`{name}` holds {have} scores for {k} folds: start from `all_scores = []` just before the loop, "
                 "and append once per fold.").format(name=name, have=len(scores), k=k)
    if not all(math.isfinite(s) for s in scores):
        return _("`{name}` holds a score that is not a finite number: a training run diverged.").format(name=name)
    mean = float(np.mean(scores))
    if mean_score is not None:
        try:
            reported = float(mean_score)
        except (TypeError, ValueError):
            return _("The mean score should be a number; it is {actual}.").format(actual=describe(mean_score))
        if not math.isclose(reported, mean, rel_tol=1e-6, abs_tol=1e-9):
            return _("Your mean score {have:.4g} is not the mean of `{name}`, {want:.4g}: use `np.mean({name})`.").format(
                have=reported, want=mean, name=name)
    if band is not None and not band[0] <= mean <= band[1]:
        return _("The mean{what} of your folds is {mean:.3g}; this setup gives {lo:g} to {hi:g}. Check the "
                 "normalisation and the model.").format(what=f" {what}" if what else "", mean=mean, lo=band[0],
                                                       hi=band[1])
    return None


def predictions_difference(probabilities, predictions, threshold: float = 0.5, name: str = "predictions") -> str | None:
    """None when ``predictions`` are the classes the ``probabilities`` give: ``p > threshold`` for one
    column of probabilities, the argmax of each row for several."""
    p = np.asarray(probabilities, dtype=float)
    want = (p.reshape(len(p), -1)[:, 0] > threshold).astype(int) if p.ndim == 1 or p.shape[-1] == 1 \
        else p.argmax(axis=-1)
    try:
        got = np.asarray(predictions, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return _("`{name}` should be an array of classes; it is {actual}.").format(name=name, actual=describe(predictions))
    if got.shape != want.shape:
        return _("`{name}` has {have} values for {want} samples.").format(name=name, have=got.size, want=want.size)
    bad = np.flatnonzero(got != want)
    if len(bad):
        return _("`{name}[{i}]` is {have:g}, but the probability {p} gives class {want}.").format(
            name=name, i=int(bad[0]), have=got[bad[0]], p=short_repr(p[bad[0]], 30), want=int(want[bad[0]]))
    return None


def confusion_difference(matrix, y_true, y_pred, *, labels: Sequence[Any] | None = None, accuracy=None,
                         name: str = "matrix") -> str | None:
    """None when ``matrix`` is ``sklearn.metrics.confusion_matrix(y_true, y_pred, labels=labels)``
    (rows: true classes; columns: predicted) and ``accuracy`` (when given) is its diagonal over its
    total; names a transposed matrix and one whose classes are swapped (TP where TN belongs)."""
    from sklearn.metrics import confusion_matrix  # type: ignore[import-untyped]
    want = confusion_matrix(np.asarray(y_true), np.asarray(y_pred), labels=labels)
    try:
        got = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError):
        return _("`{name}` should be a matrix of counts; it is {actual}.").format(name=name, actual=describe(matrix))
    if got.shape != want.shape:
        return _("`{name}` has shape {have}; with {c} classes it should be {want}.").format(
            name=name, have=got.shape, c=len(want), want=want.shape)
    if not np.array_equal(got, want):
        if np.array_equal(got, want.T):
            return _("`{name}` is transposed: rows are the true classes and columns the predicted ones "
                     "(`confusion_matrix(y_true, y_pred)`, true labels first).").format(name=name)
        if np.array_equal(got, want[::-1, ::-1]):
            return _("`{name}` has its classes in reverse order: true negatives and true positives are swapped "
                     "(and so are false positives and false negatives). Row and column 0 are class 0.").format(name=name)
        r, c = (int(i) for i in np.argwhere(got != want)[0])
        return _n("`{name}[{r}, {c}]` is {have:g}, but {want} sample of class {r} was predicted as class {c}.",
                  "`{name}[{r}, {c}]` is {have:g}, but {want} samples of class {r} were predicted as class {c}.",
                  int(want[r, c])).format(name=name, r=r, c=c, have=got[r, c], want=int(want[r, c]))
    if accuracy is not None:
        total = want.sum()
        correct = float(np.trace(want)) / total if total else 0.0
        try:
            reported = float(accuracy)
        except (TypeError, ValueError):
            return _("The accuracy should be a number; it is {actual}.").format(actual=describe(accuracy))
        if reported > 1.0:
            reported /= 100.0                      # a percentage
        if not math.isclose(reported, correct, abs_tol=5e-4):
            return _("The matrix gives an accuracy of {want:.4f} (its diagonal, {d}, over {t} samples); the "
                     "accuracy reported is {have:.4f}.").format(want=correct, d=int(np.trace(want)), t=int(total),
                                                                have=reported)
    return None
