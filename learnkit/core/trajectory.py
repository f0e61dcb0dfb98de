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

from learnkit.core.compare import describe
from learnkit.core.numeric import contains_blank, fetch_values
from learnkit.core.problem import Incorrect, Problem, Unattempted, Verdict
from learnkit.core.result import Status
from learnkit.i18n import _


def fmt(x: float) -> str:
    return f"{x:.6g}"


def as_series(values, name: str = "the values") -> np.ndarray:
    """A 1-D float array from a list/array of numbers (0-d or one-element arrays are fine).

    Raises ``Incorrect`` with a message naming ``name`` when that is impossible.
    """
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__len__"):
        raise Incorrect(_("{name} should be a list of numbers, one per epoch; it is {actual}.").format(
            name=name, actual=describe(values)))
    out = []
    for i, v in enumerate(values):
        try:
            a = np.asarray(v, dtype=float)
        except (TypeError, ValueError):
            a = None
        if a is None or a.size != 1:
            raise Incorrect(_("{name}[{i}] should be a single number; it is {actual}.").format(
                name=name, i=i, actual=describe(v)))
        out.append(float(a.reshape(-1)[0]))
    return np.array(out, dtype=float)


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


def trajectory_mismatch(values, reference, *, rtol: float = 1e-6, atol: float = 1e-9, name: str = "`costs`",
                        start: int = 0, label: str = "epoch", length: str = "exact") -> str | None:
    """None if ``values`` follows ``reference`` within tolerance, else what differs and where.

    ``start`` is the number of the first epoch (0 or 1) used in messages; ``length`` is
    ``"exact"`` (same number of values) or ``"at_least"`` (a longer run is fine, its first
    ``len(reference)`` values are compared).
    """
    s = as_series(values, name)
    ref = as_series(reference, "reference")
    n, m = len(s), len(ref)
    last = start + m - 1
    if n < m or (length == "exact" and n != m):
        return _("{name} has {n} values; it should have {m}, one per {label} ({label}s {first} to {last}).").format(
            name=name, n=n, m=m, label=label, first=start, last=last)
    s = s[:m]
    bad = np.flatnonzero(~np.isfinite(s))
    if bad.size:
        i = int(bad[0])
        return _("{name} holds {v} at {label} {e}: the training diverged or took the log of 0.").format(
            name=name, v=s[i], label=label, e=i + start)
    ok = np.isclose(s, ref, rtol=rtol, atol=atol)
    if ok.all():
        return None
    i = int(np.flatnonzero(~ok)[0])
    if i == 0:
        return _("{name} starts at {a} ({label} {e}), but it should start at {want}. Already the first value "
                 "differs, so check how you compute it (the cost function, the forward pass) and the "
                 "starting weights.").format(name=name, a=fmt(s[0]), label=label, e=start, want=fmt(ref[0]))
    return _("{name} matches the reference for {label}s {first} to {prev} but not from {label} {e} on: "
             "yours is {a}, it should be {want}. The first value is right, so the forward pass and the "
             "cost are fine; check the update step (the gradients and the learning rate).").format(
        name=name, label=label, first=start, prev=i - 1 + start, e=i + start, a=fmt(s[i]), want=fmt(ref[i]))


@dataclass(kw_only=True)
class TrajectoryProblem(Problem):
    """A list of values, one per epoch (or update), checked against a reference run.

    ``reference`` is the expected list (or a zero-argument callable returning it, called at
    each check: cache it). ``mistakes`` is ``[(wrong_trajectory_or_callable, message), …]``
    for known wrong runs. ``decreasing`` also requires every value to be below the previous one.
    An empty list means "not attempted" (the usual starter is ``costs = []``).
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

    def __post_init__(self):
        self.vars = (self.var,)

    def judge(self, ns):
        values = fetch_values(self, ns)[self.var]
        message = check_trajectory(values, self.reference, name=f"`{self.var}`", rtol=self.rtol, atol=self.atol,
                                   start=self.start, label=self.label, length=self.length,
                                   decreasing=self.decreasing, mistakes=self.mistakes)
        return Verdict(Status.CORRECT, self.success or message)


def check_trajectory(values, reference, *, name: str, rtol: float = 1e-6, atol: float = 1e-9, start: int = 0,
                     label: str = "epoch", length: str = "exact", decreasing: bool = False,
                     mistakes: Sequence[tuple[Any, str]] = ()) -> str:
    """The judgement of ``TrajectoryProblem`` as a function (for ``CodingProblem`` checks).

    Returns a success message; raises ``Unattempted`` for an empty list and ``Incorrect``.
    """
    if hasattr(values, "__len__") and not isinstance(values, (str, bytes, dict)) and len(values) == 0:
        raise Unattempted(_("{name} is still empty: run your training loop.").format(name=name))
    s = as_series(values, name)
    ref = None if reference is None else (reference() if callable(reference) else reference)
    why = None
    if ref is not None:
        why = trajectory_mismatch(s, ref, rtol=rtol, atol=atol, name=name, start=start, label=label, length=length)
    if why:
        for wrong, message in mistakes:
            wrong = wrong() if callable(wrong) else wrong
            try:
                hit = trajectory_mismatch(s, wrong, rtol=rtol, atol=atol, name=name, start=start, label=label,
                                          length=length) is None
            except Incorrect:
                hit = False
            if hit:
                raise Incorrect(message)
    if decreasing:
        i = first_increase(s)
        if i is not None:
            raise Incorrect(_("{name} should go down at every {label}, but at {label} {e} it went from {a} to {b}. "
                              "Does your update move against the gradient (`weights - learning_rate * gradient`)?"
                              ).format(name=name, label=label, e=i + start, a=fmt(s[i - 1]), b=fmt(s[i])))
    if why:
        raise Incorrect(why)
    return _("Correct! {name} follows the reference run for all {n} {label}s.").format(name=name, n=len(s), label=label)


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


def plot_curves(curves: Mapping[str, Any] | Sequence[float], *, xlabel: str = "epoch", ylabel: str = "cost",
                title: str | None = None, start: int = 0, ax=None, logy: bool = False, first: int | None = None):
    """Plot one curve or several (``{"label": values}``) against the epoch number.

    ``start`` is the number of the first epoch; ``first`` plots only the first that many values.

    Curves that are still blank (``____``) or empty are skipped with a short note, so that
    given plotting code runs in the unmodified exercise notebook. Never raises; returns the
    axes (None if there was nothing to plot).
    """
    try:
        if not isinstance(curves, Mapping):
            curves = {"": curves}
        ready = {}
        for label, values in curves.items():
            what = label or _("the curve")
            if values is None or contains_blank(values) or (hasattr(values, "__len__") and len(values) == 0):
                print(_("{what}: nothing to plot yet (fill in the blanks above and run those cells).").format(what=what))
                continue
            try:
                ready[label] = as_series(values, what)[:first]
            except Incorrect as e:
                print(_("{what}: cannot plot it: {why}").format(what=what, why=e))
        if not ready:
            return None
        import matplotlib.pyplot as plt
        if ax is None:
            _fig, ax = plt.subplots(figsize=(6.4, 3.6))
        for label, s in ready.items():
            ax.plot(np.arange(start, start + len(s)), s, label=label or None)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        if logy:
            ax.set_yscale("log")
        if any(ready):
            ax.legend()
        return ax
    except Exception as e:  # plotting must never break a student's notebook
        print(_("(could not plot: {reason})").format(reason=f"{type(e).__name__}: {e}"))
        return None
