"""learnkit.core.numbers: the one way numbers are written in messages."""
from __future__ import annotations

import math

from learnkit.core import numbers


def test_value_writes_losses_and_metrics():
    assert numbers.value(0.19491234) == "0.1949"
    assert numbers.value(2.0) == "2.0000"
    assert numbers.value(0.00012) == "0.00012"  # not "0.0001": a small loss keeps its digits
    assert numbers.value(0) == "0"
    assert numbers.value(1234567.0) == "1.235e+06"
    assert numbers.value(float("nan")) == numbers.value(None) == "NaN"
    assert numbers.value(math.inf) == "inf" and numbers.value(-math.inf) == "-inf"


def test_sig_and_round_sig():
    assert numbers.sig(math.log(2)) == "0.693147"
    assert numbers.sig(1 / 3, 3) == "0.333"
    assert numbers.round_sig(0.0010000000474974513) == 0.001
    assert numbers.round_sig(123456789.0, 3) == 123000000.0
