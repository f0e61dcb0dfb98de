"""One Keras training history as a picture: its training and validation loss per epoch.

``plot_history`` reads the history through ``learnkit.keras.curves`` (so what it accepts, and the
``NotAHistory`` message for anything else, are the same as ``curve_facts``) and draws it with
the one curve drawing of learnkit, ``learnkit.core.curve_plot.draw_curves``. Several runs side by
side are ``learnkit.keras.runs.plot_runs``.
"""
from __future__ import annotations

from learnkit.core.curve_plot import draw_curves
from learnkit.i18n import _
from learnkit.keras.curves import CurveFacts, curve_facts

__all__ = ["plot_history"]


def plot_history(h, ax=None, title: str | None = None, key: str = "val_loss", train_key: str = "loss"):
    """Draw the training and validation loss per epoch; return the Axes.

    ``h`` is a ``CurveFacts`` or anything ``curve_facts`` accepts (raises ``NotAHistory`` otherwise).
    Without ``ax`` a new pyplot figure is made; pass the Axes of a ``matplotlib.figure.Figure`` to
    stay clear of pyplot (batch code). Epochs with NaN/inf losses are marked with a red ``x`` on the
    epoch axis; a run with no finite value gets the note "all N epochs NaN".
    """
    f = h if isinstance(h, CurveFacts) else curve_facts(h, key, train_key)
    curves = {}
    if f.train:
        curves[_("training ({key})").format(key=f.train_key)] = f.train
    if f.has_validation:
        curves[_("validation ({key})").format(key=f.key)] = f.val
    return draw_curves(curves, ax=ax, start=1, xlabel=_("epoch"), ylabel=_("loss"), title=title)
