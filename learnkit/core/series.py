"""A list of numbers, one per epoch, as a 1-D float array — or a message saying why it is not one.

The one conversion behind every curve check and drawing (``learnkit.numeric.trajectory``,
``learnkit.core.curve_plot``): it names the bad item, converts only the values it needs, and
notes the student's float type when it is less precise than float64.
"""
from __future__ import annotations

import itertools
import warnings

import numpy as np

from learnkit.core.compare import describe
from learnkit.core.problem import Incorrect
from learnkit.i18n import _

__all__ = ["as_series", "series", "series_length"]


def series_length(values, name: str) -> int:
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__len__"):
        raise Incorrect(_("{name} should be a list of numbers, one per epoch; it is {actual}.").format(
            name=name, actual=describe(values)))
    try:
        return len(values)
    except Exception:
        raise Incorrect(_("{name} should be a list of numbers, one per epoch; it is {actual}.").format(
            name=name, actual=describe(values))) from None


def _head(values, n: int, limit: int | None):
    if limit is None or limit >= n:
        return values
    try:
        return values[:limit]
    except Exception:  # a sequence without slices
        return list(itertools.islice(iter(values), limit))


def series(values, name: str = "the values", limit: int | None = None) -> tuple[np.ndarray, np.dtype | None]:
    """``as_series`` of the first ``limit`` values, and the student's float type when it is less
    precise than float64 (float16, float32), else None. Vectorised: numpy converts the values;
    only a list that numpy cannot convert (ragged, odd objects) is walked, to name the bad item."""
    n = series_length(values, name)
    head = _head(values, n, limit)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = head if isinstance(head, np.ndarray) else np.asarray(head)
    except Exception:  # ragged lists, objects numpy refuses
        a = None
    if a is not None and a.dtype.kind in "biuf" and a.ndim >= 1 and a.size == a.shape[0]:
        low = a.dtype if a.dtype.kind == "f" and a.dtype.itemsize < 8 else None
        return a.reshape(-1).astype(float), low
    out = []
    for i, v in enumerate(head):
        try:
            x = np.asarray(v, dtype=float)
        except (TypeError, ValueError):
            x = None
        if x is None or x.size != 1:
            raise Incorrect(_("{name}[{i}] should be a single number; it is {actual}.").format(
                name=name, i=i, actual=describe(v)))
        out.append(float(x.reshape(-1)[0]))
    return np.array(out, dtype=float), None


def as_series(values, name: str = "the values", limit: int | None = None) -> np.ndarray:
    """A 1-D float array from a list/array of numbers (0-d or one-element arrays are fine).

    ``limit``: convert only the first that many values. Raises ``Incorrect`` with a message
    naming ``name`` when that is impossible.
    """
    return series(values, name, limit)[0]
