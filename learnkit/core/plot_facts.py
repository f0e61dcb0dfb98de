"""matplotlib axes as facts (see ``learnkit.core.facts``): their lines' data and their labels.

Checks receive an ``AxesFact``: ``get_lines()`` (``LineFact``: ``get_xdata``, ``get_ydata``,
``get_label``), ``get_xlabel()``, ``get_ylabel()``, ``get_title()``. Test with ``is_axes``.
"""
from __future__ import annotations

import sys

import numpy as np

from learnkit.core import facts as F

MAX_LINES = 50


class LineFact:
    def __init__(self, x: np.ndarray, y: np.ndarray, label: str):
        self._x, self._y, self._label = x, y, label

    def get_xdata(self):
        return self._x

    def get_ydata(self):
        return self._y

    def get_label(self) -> str:
        return self._label


class AxesFact:
    def __init__(self, lines: list, xlabel: str, ylabel: str, title: str):
        self._lines, self._xlabel, self._ylabel, self._title = lines, xlabel, ylabel, title

    def get_lines(self) -> list:
        return list(self._lines)

    def get_xlabel(self) -> str:
        return self._xlabel

    def get_ylabel(self) -> str:
        return self._ylabel

    def get_title(self) -> str:
        return self._title

    def fact_description(self) -> str:
        from learnkit.i18n import _n
        return _n("matplotlib axes with {n} line", "matplotlib axes with {n} lines", len(self._lines)).format(
            n=len(self._lines))


def is_axes(value) -> bool:
    return isinstance(value, AxesFact)


def _matches(value) -> bool:
    axes = sys.modules.get("matplotlib.axes")
    return axes is not None and isinstance(value, axes.Axes)


def _floats(data) -> np.ndarray:
    try:
        return np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        return np.asarray([], dtype=float)


def _encode(ax, enc: F.Encoder, depth: int):
    lines = [{"x": enc(_floats(line.get_xdata()), depth), "y": enc(_floats(line.get_ydata()), depth),
              "label": enc(str(line.get_label())[:200], depth)} for line in ax.get_lines()[:MAX_LINES]]
    return {"$t": "mpl.axes", "lines": lines, "xlabel": str(ax.get_xlabel())[:200],
            "ylabel": str(ax.get_ylabel())[:200], "title": str(ax.get_title())[:200]}


def _decode(node, dec: F.Decoder, depth: int):
    lines = []
    for line in F.list_field(node, "lines")[:MAX_LINES]:
        if not isinstance(line, dict):
            raise F.MalformedFacts("bad line")
        x, y, label = dec(line.get("x"), depth), dec(line.get("y"), depth), dec(line.get("label"), depth)
        if not isinstance(x, np.ndarray) or not isinstance(y, np.ndarray) or not isinstance(label, str):
            raise F.MalformedFacts("bad line")
        lines.append(LineFact(x, y, label))
    return AxesFact(lines, F.str_field(node, "xlabel"), F.str_field(node, "ylabel"), F.str_field(node, "title"))


F.register("mpl.axes", _matches, _encode, _decode)
