"""learnkit.core.curve_plot: the one drawing of curves per epoch, behind every plotting helper."""
from __future__ import annotations

import math

import pytest

from learnkit.core.curve_plot import draw_curves, plot_curves
from learnkit.keras.plots import plot_history
from learnkit.keras.runs import plot_runs

NAN = float("nan")


@pytest.fixture
def axes():
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure
    return lambda: Figure().add_subplot()


def test_nan_epochs_are_marked_and_all_nan_is_said(axes):
    ax = draw_curves({"a": [1.0, NAN, 0.5]}, ax=axes(), start=1, ylabel="loss")
    assert len(ax.lines) == 1 and math.isnan(ax.lines[0].get_ydata()[1])
    [marks] = ax.collections
    assert list(marks.get_offsets()[:, 0]) == [2]
    ax = draw_curves({"a": [NAN] * 3}, ax=axes())
    assert any("all 3 epochs NaN" in t.get_text() for t in ax.texts)


def test_every_helper_draws_the_same_curve_the_same_way(axes):
    values = [1.0, 0.8, NAN, 0.6]
    drawn = [plot_curves({"loss": values}, start=1, ax=axes()),
             plot_history({"loss": values}, ax=axes()),
             plot_runs({"loss": {"loss": values}}, key="loss", ax=axes())]
    for ax in drawn:
        assert list(ax.lines[0].get_xdata()) == [1, 2, 3, 4]
        assert ax.lines[0].get_ydata()[1] == 0.8 and math.isnan(ax.lines[0].get_ydata()[2])
        assert list(ax.collections[0].get_offsets()[:, 0]) == [3]  # the NaN epoch, marked
        assert ax.get_xlim() == (0.5, 4.5) and ax.get_xlabel() == "epoch"
