"""Curves per epoch drawn with matplotlib: the one drawing of learning curves in learnkit.

``draw_curves`` draws already-converted curves (``{"label": [floats]}``) on an Axes: one line
per curve, epochs numbered from ``start``, NaN/inf epochs marked with a red ``x`` on the epoch
axis, and a note "all N epochs NaN" when nothing is finite. Everything else that draws curves
calls it: ``plot_curves`` here (given notebook code: skips curves that still hold blanks, never
raises), ``learnkit.keras.plots.plot_history`` (one Keras history: training and validation loss)
and ``learnkit.keras.runs.plot_runs`` (several runs side by side).

Without ``ax`` a new pyplot figure is made (so a notebook shows it); batch code (the feedback
reports) passes the Axes of a ``matplotlib.figure.Figure`` and never touches pyplot.
"""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np

from learnkit.core.placeholder import is_placeholder
from learnkit.core.problem import Incorrect
from learnkit.core.series import as_series
from learnkit.i18n import _, _n

__all__ = ["draw_curves", "new_axes", "plot_curves"]


def new_axes():
    """The Axes of a new pyplot figure (6.4 × 3.6 inches)."""
    import matplotlib.pyplot as plt
    return plt.subplots(figsize=(6.4, 3.6))[1]


def _finite(v: float) -> bool:
    return math.isfinite(v)


def draw_curves(curves: Mapping[str, Sequence[float] | np.ndarray], *, ax=None, start: int = 0, xlabel: str | None = None,
                ylabel: str | None = None, title: str | None = None, logy: bool = False):
    """Draw each curve (a label and its values, one per epoch) against the epoch number; return the Axes.

    ``xlabel`` defaults to "epoch". An empty label draws an unlabelled line (no legend for it).
    """
    if ax is None:
        ax = new_axes()
    curves = {label: [float(v) for v in values] for label, values in curves.items()}
    n = max((len(values) for values in curves.values()), default=0)
    finite_any = False
    for label, values in curves.items():
        ax.plot(range(start, start + len(values)), [v if _finite(v) else float("nan") for v in values],
                label=label or None)
        finite_any |= any(_finite(v) for v in values)
    bad = sorted({start + i for values in curves.values() for i, v in enumerate(values) if not _finite(v)})
    if bad and finite_any:
        ax.scatter(bad, [0.02] * len(bad), marker="x", color="red", transform=ax.get_xaxis_transform(),
                   label=_("NaN"), clip_on=False)  # a marker, not one of the curves in ax.lines
    if not finite_any and n:
        ax.text(0.5, 0.5, _n("the only epoch NaN", "all {n} epochs NaN", n).format(n=n), transform=ax.transAxes,
                ha="center", va="center", color="red")
        ax.set_ylim(0, 1)
    if n:
        ax.set_xlim(start - 0.5, start + n - 0.5)
    ax.set_xlabel(_("epoch") if xlabel is None else xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if logy and finite_any:
        ax.set_yscale("log")
    if finite_any and any(curves):
        ax.legend()
    if title:
        ax.set_title(title)
    return ax


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
            if values is None or is_placeholder(values) or (hasattr(values, "__len__") and len(values) == 0):
                print(_("{what}: nothing to plot yet (fill in the blanks above and run those cells).").format(
                    what=what))
                continue
            try:
                ready[label] = as_series(values, what)[:first]
            except Incorrect as e:
                print(_("{what}: cannot plot it: {why}").format(what=what, why=e))
        if not ready:
            return None
        return draw_curves(ready, ax=ax, start=start, xlabel=xlabel, ylabel=ylabel, title=title, logy=logy)
    except Exception as e:  # plotting must never break a student's notebook
        print(_("(could not plot: {reason})").format(reason=f"{type(e).__name__}: {e}"))
        return None
