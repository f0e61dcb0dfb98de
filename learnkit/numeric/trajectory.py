"""Training trajectories (a cost per epoch) checked against a reference run.

``trajectory_mismatch`` says *where* a student's curve leaves the reference and what that
usually means (a wrong first value points at the cost or the starting weights; a later
divergence at the update step). ``TrajectoryProblem`` is the declarative problem kind;
``first_below`` and ``first_increase`` answer "from which epoch…" questions; ``plot_curves``
and ``show_epochs`` plot or print curves in notebooks and quietly skip those still holding
blanks, so given code runs in the unmodified exercise notebook.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from learnkit.core.curve_plot import plot_curves  # noqa: F401  (its home; given notebook code imports it from here)
from learnkit.core.numbers import sig as fmt  # noqa: F401  (checkers import it from here)
from learnkit.core.placeholder import is_placeholder as contains_blank
from learnkit.core.problem import Incorrect, Problem, Unattempted, Verdict
from learnkit.core.result import Status
from learnkit.core.series import as_series, series, series_length  # noqa: F401  (as_series: checkers import it from here)
from learnkit.i18n import _, _n, content, gap


#: the most values ``decreasing`` examines (a longer list is judged on its first ones); values are
#: otherwise compared with the reference only, so at most ``len(reference)`` of them are converted,
#: and a list of the wrong length is told so before any value is read.
MAX_EXAMINED = 1_000_000


def fmt_apart(a: float, b: float, dtype=None) -> tuple[str, str]:
    """``a`` (the student's value) and ``b`` with enough significant digits to tell them apart.

    ``dtype`` is the student's low-precision float type (float16…): ``a`` is then written as
    numpy prints it in that type ("11.8"), as the student sees it.
    """
    sa = sb = ""
    for digits in range(6, 18):
        sa = str(dtype.type(a)) if dtype is not None else f"{a:.{digits}g}"
        sb = f"{b:.{digits}g}"
        if sa != sb:
            break
    return sa, sb


def _label(label: str, n: int = 1) -> str:
    """"epoch" (n = 1) or "epochs" (and "update"/"updates") in the current language; a sentence that
    counts is an ``_n`` message of its own."""
    words = {"epoch": (_("epoch"), _("epochs")), "update": (_("update"), _("updates"))}
    if label in words:
        return words[label][n != 1]
    return label if n == 1 else label + "s"


def _span(label: str, first: int, last: int) -> str:
    if first == last:
        return _("{label} {first}").format(label=_label(label), first=first)
    return _("{labels} {first} to {last}").format(labels=_label(label, 2), first=first, last=last)


def first_below(values, threshold: float, start: int = 0) -> int | None:
    """The number of the first epoch whose value is below ``threshold`` (None if never)."""
    s = as_series(values)
    hits = np.flatnonzero(s < threshold)
    return int(hits[0]) + start if hits.size else None


def first_increase(values, strict: bool = True) -> int | None:
    """Index of the first value that does not decrease (strictly, by default) from the previous one."""
    s = as_series(values)
    d = np.diff(s)
    bad = np.flatnonzero(d >= 0 if strict else d > 0)
    return int(bad[0]) + 1 if bad.size else None


def _precision(dtype) -> dict:
    return {"dtype": dtype.name, "digits": np.finfo(dtype).precision}


def _compare(s: np.ndarray, low, ref: np.ndarray, *, rtol: float, atol: float, name: str, start: int,
             label: str) -> tuple[str | None, str]:
    """(why ``s`` differs from ``ref``, or None; a note on the student's float precision, or "")."""
    bad = np.flatnonzero(~np.isfinite(s))
    if bad.size:
        i = int(bad[0])
        return _("{name} holds {v} at {label} {e}: the training diverged or took the log of 0.").format(
            name=name, v=s[i], label=_label(label), e=i + start), ""
    ok = np.isclose(s, ref, rtol=rtol, atol=atol)
    if ok.all():
        return None, ""
    if low is not None:  # float16 values of the right run differ from it by their rounding
        info = np.finfo(low)
        if np.allclose(s, ref, rtol=max(rtol, float(info.eps)), atol=max(atol, float(info.smallest_subnormal))):
            return None, _("Your values are {dtype}, which keeps only about {digits} significant digits: they agree "
                           "with the reference to that precision, and that is accepted.").format(**_precision(low))
    i = int(np.flatnonzero(~ok)[0])
    a, want = fmt_apart(s[i], ref[i], low)
    if i == 0:
        why = _("{name} starts at {a} ({label} {e}), but it should start at {want}. Already the first value "
                "differs, so check how you compute it (the cost function, the forward pass) and the "
                "starting weights.").format(name=name, a=a, label=_label(label), e=start, want=want)
    else:
        why = _("{name} matches the reference for {span} but not from {label} {e} on: yours is {a}, it should be "
                "{want}. The first value is right, so the forward pass and the cost are fine; check the update "
                "step (the gradients and the learning rate).").format(
            name=name, span=_span(label, start, i - 1 + start), label=_label(label), e=i + start, a=a, want=want)
    if low is not None:
        why += gap(why) + _("Your values are {dtype}, which keeps only about {digits} significant digits, and they differ "
                       "from the reference by more than that: compute in float64 (numpy's default) and run it "
                       "again.").format(**_precision(low))
    return why, ""


def _length_mismatch(n: int, m: int, *, name: str, start: int, label: str, length: str) -> str | None:
    if n >= m and (length != "exact" or n == m):
        return None
    return _n("{name} has {n:,} value; it should have {m}, one per {label} ({span}).",
              "{name} has {n:,} values; it should have {m}, one per {label} ({span}).", n).format(
        name=name, n=n, m=m, label=_label(label), span=_span(label, start, start + m - 1))


def trajectory_mismatch(values, reference, *, rtol: float = 1e-6, atol: float = 1e-9, name: str = "`costs`",
                        start: int = 0, label: str = "epoch", length: str = "exact") -> str | None:
    """None if ``values`` follows ``reference`` within tolerance, else what differs and where.

    ``start`` is the number of the first epoch (0 or 1) used in messages; ``length`` is
    ``"exact"`` (same number of values) or ``"at_least"`` (a longer run is fine, its first
    ``len(reference)`` values are compared). The length is checked first, and only the compared
    values are read. Values of a less precise float type (float16) that agree with the reference
    to their own precision are accepted.
    """
    ref = as_series(reference, "reference")
    n, m = series_length(values, name), len(ref)
    why = _length_mismatch(n, m, name=name, start=start, label=label, length=length)
    if why:
        return why
    s, low = series(values, name, limit=m)
    return _compare(s, low, ref, rtol=rtol, atol=atol, name=name, start=start, label=label)[0]


@dataclass(kw_only=True)
class TrajectoryProblem(Problem):
    """A list of values, one per epoch (or update), checked against a reference run.

    ``reference`` is the expected list (or a zero-argument callable returning it, called at
    each check: cache it). ``mistakes`` is ``[(wrong_trajectory_or_callable, message), …]``
    for known wrong runs. ``decreasing`` also requires every value to be below the previous one.
    An empty list means "not attempted" (the usual starter is ``costs = []``). float16 values
    of the right run are accepted, with a note on their precision.
    """

    var: str
    reference: Sequence[float] | Callable[[], Sequence[float]] | None
    rtol: float = 1e-6
    atol: float = 1e-9
    start: int = 0
    label: str = "epoch"
    length: str = "exact"
    decreasing: bool = False
    mistakes: Sequence[tuple[Any, str]] = ()
    success: str = ""
    kind = "trajectory"

    def judge(self, ns):
        values = self.fetch(ns)[self.var]
        message, note = _judge(values, self.reference, name=f"`{self.var}`", rtol=self.rtol, atol=self.atol,
                               start=self.start, label=self.label, length=self.length, decreasing=self.decreasing,
                               mistakes=self.mistakes)
        message = content(self.success) if self.success else message
        return Verdict(Status.CORRECT, message + gap(message) + note if note else message)


def check_trajectory(values, reference, *, name: str, rtol: float = 1e-6, atol: float = 1e-9, start: int = 0,
                     label: str = "epoch", length: str = "exact", decreasing: bool = False,
                     mistakes: Sequence[tuple[Any, str]] = ()) -> str:
    """The judgement of ``TrajectoryProblem`` as a function (for ``CodingProblem`` checks).

    Returns a success message; raises ``Unattempted`` for an empty list and ``Incorrect``.
    Checks, in order: known mistakes, the length, ``decreasing``, the values.
    """
    message, note = _judge(values, reference, name=name, rtol=rtol, atol=atol, start=start, label=label,
                           length=length, decreasing=decreasing, mistakes=mistakes)
    return message + gap(message) + note if note else message


def _judge(values, reference, *, name, rtol, atol, start, label, length, decreasing, mistakes) -> tuple[str, str]:
    n = series_length(values, name)
    if n == 0:
        raise Unattempted(_("{name} is still empty: run your training loop.").format(name=name))
    ref = None if reference is None else as_series(reference() if callable(reference) else reference, "reference")
    m = len(ref) if ref is not None else min(n, MAX_EXAMINED)
    seen: dict[int, tuple[np.ndarray, Any]] = {}

    def head(k: int) -> tuple[np.ndarray, np.dtype | None]:  # the first k values, converted once
        if k not in seen:
            seen[k] = series(values, name, limit=k)
        return seen[k]

    why, note, wrong_length = None, "", False
    if ref is not None:
        why = _length_mismatch(n, m, name=name, start=start, label=label, length=length)
        wrong_length = why is not None
        if not wrong_length:
            why, note = _compare(head(m)[0], head(m)[1], ref, rtol=rtol, atol=atol, name=name, start=start, label=label)
    if why:
        for wrong, message in mistakes:
            wrong = as_series(wrong() if callable(wrong) else wrong, "mistake")
            w = len(wrong)
            if _length_mismatch(n, w, name=name, start=start, label=label, length=length) is None \
                    and _compare(head(w)[0], head(w)[1], wrong, rtol=rtol, atol=atol, name=name, start=start, label=label)[0] is None:
                raise Incorrect(message)
        if wrong_length:  # before `decreasing`: whether a run of the wrong length goes down is beside the point
            raise Incorrect(why)
    s, low = head(m)
    if decreasing:
        s, low = head(min(n, max(m, MAX_EXAMINED)))  # a longer run (length="at_least") goes down too
        i = first_increase(s)
        if i is not None:
            a, b = (str(low.type(s[i - 1])), str(low.type(s[i]))) if low is not None else fmt_apart(s[i - 1], s[i])
            raise Incorrect(_("{name} should go down at every {label}, but at {label} {e} it went from {a} to {b}. "
                              "Does your update move against the gradient (`weights - learning_rate * gradient`)?"
                              ).format(name=name, label=_label(label), e=i + start, a=a, b=b))
    if why:
        raise Incorrect(why)
    return _n("Correct! {name} follows the reference run for its only {label}.",
              "Correct! {name} follows the reference run for all {n} {labels}.", m).format(
        name=name, n=m, label=_label(label), labels=_label(label, m)), note


def show_epochs(curves: Mapping[str, Any] | Sequence[float], epochs: Sequence[int], *, start: int = 0,
                digits: int = 5, label: str = "epoch") -> None:
    """Print the values of one curve or several (``{"label": values}``) at the given epochs.

    ``start`` is the number of the first epoch. A curve still holding blanks is reported
    instead; never raises (safe in given code of exercise notebooks).
    """
    if not isinstance(curves, Mapping):
        curves = {"": curves}
    for name, values in curves.items():
        prefix = f"{name}: " if name else ""
        try:
            if values is None or contains_blank(values) or (hasattr(values, "__len__") and len(values) == 0):
                print(prefix + _("nothing to show yet (fill in the blanks above and run those cells)."))
                continue
            s = as_series(values, name or _("the values"))
        except Incorrect as e:
            print(prefix + _("cannot show it: {why}").format(why=e))
            continue
        except Exception as e:  # never break a student's notebook
            print(prefix + f"({type(e).__name__}: {e})")
            continue
        parts = [f"{label} {e}: {s[e - start]:.{digits}f}" if 0 <= e - start < len(s)
                 else _("{label} {e}: not reached").format(label=label, e=e) for e in epochs]
        print(prefix + ", ".join(parts))
