"""How numbers are written in messages: the one home of learnkit's number formats.

* ``value(x)``: a loss or a metric in a sentence, "0.1949", "1.234e+06", "NaN", "inf";
  a nonzero value below 0.001 keeps its digits ("0.00012") instead of becoming "0.0000".
* ``sig(x, digits=6)``: ``digits`` significant digits, "0.693147" (trajectories of costs).
* ``round_sig(x, digits=7)``: the float rounded to ``digits`` significant digits, for values
  stored as float32 (a learning rate of 0.0010000000474974513 is 0.001).
"""
from __future__ import annotations

import math

__all__ = ["value", "sig", "round_sig"]


def value(x: float | None) -> str:
    """A loss or metric value: 4 decimals; ``:g`` below 0.001 (0 is "0"); 4 significant digits from
    a million on; None and NaN are "NaN", infinities "inf"/"-inf"."""
    if x is None:
        return "NaN"
    x = float(x)
    if not math.isfinite(x):
        return "NaN" if math.isnan(x) else str(x)
    if abs(x) >= 1e6:
        return f"{x:.4g}"
    return f"{x:.4f}" if abs(x) >= 1e-3 else f"{x:g}"


def sig(x: float, digits: int = 6) -> str:
    """``x`` with ``digits`` significant digits ("%g" style)."""
    return f"{x:.{digits}g}"


def round_sig(x: float, digits: int = 7) -> float:
    """``x`` rounded to ``digits`` significant digits, as a float."""
    return float(f"{float(x):.{digits}g}")
