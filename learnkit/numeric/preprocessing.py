"""Data-preparation checks: encodings (vectorize / one-hot / multi-hot), normalisation with the
training statistics only, and split sizes.

Each ``*_difference`` function returns ``None`` when the student's value is right, else one
sentence naming the first thing to fix (a row and column, the statistics that were used). The
problem kinds wrap them for checker modules: :class:`EncodingProblem` (the student's encoding
function on hidden inputs, against a reference such as :func:`multi_hot`) and
:class:`NormalizationProblem` (normalised train and test arrays against the raw ones).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from learnkit.core.compare import describe
from learnkit.core.problem import FunctionProblem, Incorrect, Problem, Unattempted, Verdict
from learnkit.core.result import Status
from learnkit.i18n import _, gap

__all__ = ["multi_hot", "one_hot", "encoding_difference", "encoding_compare", "EncodingProblem",
           "normalization_difference", "NormalizationProblem", "split_sizes_difference"]


# ---------------------------------------------------------------- encodings
def multi_hot(sequences, dimension: int = 10000) -> np.ndarray:
    """DLwP's ``vectorize_sequences``: row ``i`` has a 1.0 in every column listed in ``sequences[i]``."""
    out = np.zeros((len(sequences), dimension))
    for i, sequence in enumerate(sequences):
        out[i, list(sequence)] = 1.0
    return out


def one_hot(labels, dimension: int = 46) -> np.ndarray:
    """DLwP's ``to_one_hot``: row ``i`` has a single 1.0, in column ``labels[i]``."""
    out = np.zeros((len(labels), dimension))
    for i, label in enumerate(labels):
        out[i, label] = 1.0
    return out


def _as_array(value, name: str) -> np.ndarray:
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        a = None
    if a is None or a.dtype == object:
        raise Incorrect(_("{name} should be an array of numbers; it is {actual}.").format(
            name=name, actual=describe(value)))
    return a


def encoding_difference(got, want, name: str = "the result", what: str = "encoding") -> str | None:
    """None when ``got`` equals the 0/1 matrix ``want``; else the first difference by row and column."""
    try:
        g = _as_array(got, name)
    except Incorrect as e:
        return str(e)
    w = np.asarray(want, dtype=float)
    if g.shape != w.shape:
        text = _("{name} has shape {have}; the {what} should have shape {want} (one row per sample, one "
                 "column per index).").format(name=name, have=g.shape, want=w.shape, what=what)
        if g.shape == w.shape[::-1]:
            text += gap(text) + _("Rows and columns are swapped.")
        return text
    if np.array_equal(g, w):
        return None
    if g.ndim == 2 and np.any(g > 1) and np.array_equal(np.minimum(g, 1), w):
        return _("{name} counts how often each index occurs (values up to {top:g}); the {what} only marks "
                 "that it occurs: set the entries to 1, don't add to them.").format(name=name, top=g.max(), what=what)
    if g.ndim == 2 and g.shape[1] > 1 and np.array_equal(g[:, 1:], w[:, :-1]) and not g[:, 0].any():
        return _("Every 1 of {name} is one column to the right of where it belongs: use the index itself as "
                 "the column (no + 1).").format(name=name)
    if g.ndim == 2 and g.shape[1] > 1 and np.array_equal(g[:, :-1], w[:, 1:]):
        return _("Every 1 of {name} is one column to the left of where it belongs: use the index itself as "
                 "the column (no - 1).").format(name=name)
    row, *col = (int(i) for i in np.argwhere(g != w)[0])
    where = _("row {row}, column {col}").format(row=row, col=col[0]) if col else _("entry {row}").format(row=row)
    return _("{name} differs from the {what} at {where}: it is {have:g}, it should be {want:g}.").format(
        name=name, what=what, where=where, have=g[(row, *col)], want=w[(row, *col)])


def encoding_compare(what: str = "encoding") -> Callable[[Any, Any], str | None]:
    """A ``compare`` for :class:`~learnkit.core.problem.FunctionProblem` built on :func:`encoding_difference`."""
    def compare(got, want):
        return encoding_difference(got, want, _("the result"), what)
    return compare


@dataclass(kw_only=True)
class EncodingProblem(FunctionProblem):
    """The student's encoding function (``vectorize_sequences``, ``to_one_hot``) on hidden inputs,
    against ``reference`` (e.g. :func:`multi_hot`); a wrong result is named by row and column."""

    what: str = "encoding"

    def __post_init__(self):
        super().__post_init__()
        if self.compare is None:
            self.compare = encoding_compare(self.what)


# ---------------------------------------------------------------- normalisation
def _standardized(x: np.ndarray, mean, std) -> np.ndarray:
    with np.errstate(all="ignore"):
        return (x - mean) / std


def _close(a: np.ndarray, b: np.ndarray, atol: float) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-5, atol=atol, equal_nan=True))


def normalization_difference(train_raw, test_raw, train, test, *, names: Sequence[str] = ("train_data", "test_data"),
                             raw_name: str = "x_train", atol: float = 1e-6) -> str | None:
    """None when ``train`` and ``test`` are ``train_raw`` and ``test_raw`` standardised with the mean
    and standard deviation of ``train_raw`` (per column; ``ddof`` 0 or 1). Else what went wrong:
    test normalised with its own statistics, statistics of all the data (normalised before the
    split), mean and std swapped, a set left as it was, or the first column that differs."""
    tr, te = np.asarray(train_raw, dtype=float), np.asarray(test_raw, dtype=float)
    a, b = _as_array(train, f"`{names[0]}`"), _as_array(test, f"`{names[1]}`")
    for value, raw, name in ((a, tr, names[0]), (b, te, names[1])):
        if value.shape != raw.shape:
            return _("`{name}` has shape {have}; it should keep the shape of the data, {want}.").format(
                name=name, have=value.shape, want=raw.shape)
    mean, stds = tr.mean(axis=0), [tr.std(axis=0), tr.std(axis=0, ddof=1)]
    for std in stds:
        if _close(a, _standardized(tr, mean, std), atol) and _close(b, _standardized(te, mean, std), atol):
            return None
    both = np.concatenate([tr, te])
    if any(_close(a, _standardized(tr, both.mean(axis=0), s), atol) for s in (both.std(axis=0), both.std(axis=0, ddof=1))):
        return _("`{train}` was normalised with the mean and standard deviation of all the data, test samples "
                 "included: compute them from the training data only (`mean = {raw}.mean(axis=0)`), so that "
                 "nothing about the test set leaks into training.").format(train=names[0], raw=raw_name)
    if any(_close(a, _standardized(tr, s, mean), atol) for s in stds):
        return _("`{train}` is (x - std) / mean: the mean and the standard deviation are swapped. Subtract "
                 "the mean, then divide by the standard deviation.").format(train=names[0])
    if _close(a, tr, 0):
        return _("`{train}` is still the raw data: subtract the training mean and divide by the training "
                 "standard deviation.").format(train=names[0])
    if _close(a, tr - mean, atol):
        return _("`{train}` is centred but not scaled: divide by the standard deviation too.").format(train=names[0])
    if not any(_close(a, _standardized(tr, mean, s), atol) for s in stds):
        col = _first_bad_column(a, [_standardized(tr, mean, s) for s in stds], atol)
        return _("`{train}` is not the training data standardised with its own mean and standard deviation "
                 "(column {col} differs first).").format(train=names[0], col=col)
    own = [_standardized(te, te.mean(axis=0), s) for s in (te.std(axis=0), te.std(axis=0, ddof=1))]
    if any(_close(b, o, atol) for o in own):
        return _("`{test}` was normalised with its own mean and standard deviation. Use the training "
                 "statistics for the test data too: the model must see test samples exactly as it would see "
                 "new data, and computing anything from the test set leaks it into training.").format(test=names[1])
    if _close(b, te, 0):
        return _("`{test}` is still the raw test data: normalise it with the training mean and standard "
                 "deviation as well, or the model sees numbers on another scale.").format(test=names[1])
    col = _first_bad_column(b, [_standardized(te, mean, s) for s in stds], atol)
    return _("`{test}` is not the test data standardised with the training mean and standard deviation "
             "(column {col} differs first).").format(test=names[1], col=col)


def _first_bad_column(value: np.ndarray, wants: list[np.ndarray], atol: float) -> int:
    bad = ~np.isclose(value, wants[0], rtol=1e-5, atol=atol)
    cols = np.argwhere(bad.reshape(len(value), -1).any(axis=0)) if value.ndim > 1 else np.array([[0]])
    return int(cols[0][0]) if len(cols) else 0


@dataclass(kw_only=True)
class NormalizationProblem(Problem):
    """``normalized`` arrays (train, test) must be the ``raw`` ones (train, test) standardised with
    the training statistics; both left raw is not attempted."""

    raw: Sequence[str] = ("x_train", "x_test")
    normalized: Sequence[str] = ("train_data", "test_data")
    success: str = ""
    kind = "coding"

    def __post_init__(self):
        super().__post_init__()
        self.vars = (*self.raw, *self.normalized)

    def judge(self, ns):
        v = self.fetch(ns)
        tr, te = (v[n] for n in self.raw)
        a, b = (v[n] for n in self.normalized)
        try:
            untouched = np.array_equal(np.asarray(a, float), np.asarray(tr, float)) and \
                np.array_equal(np.asarray(b, float), np.asarray(te, float))
        except (TypeError, ValueError):
            untouched = False
        if untouched:
            raise Unattempted(_("`{a}` and `{b}` are still the raw data: normalise them.").format(
                a=self.normalized[0], b=self.normalized[1]))
        why = normalization_difference(tr, te, a, b, names=self.normalized, raw_name=self.raw[0])
        if why:
            raise Incorrect(why)
        return Verdict(Status.CORRECT, self.success or _("Correct!"))


# ---------------------------------------------------------------- splits
def split_sizes_difference(sizes: dict[str, Any], expected: dict[str, int]) -> str | None:
    """None when ``len(sizes[name]) == expected[name]`` for every name (values may be arrays or
    lengths); else the first that differs, e.g. ``{"partial_train": 303, "val": 101}``."""
    for name, want in expected.items():
        value = sizes.get(name)
        have = int(value) if isinstance(value, (int, np.integer)) else (
            len(value) if value is not None and hasattr(value, "__len__") else None)
        if have != want:
            return _("`{name}` has {have} samples; it should have {want}.").format(
                name=name, have=_("no") if have is None else have, want=want)
    return None
