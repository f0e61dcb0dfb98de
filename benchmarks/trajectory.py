"""Seconds to judge a huge cost list (``costs = np.zeros(10**7)`` and friends) against a 71-epoch reference.

Run: ``.venv/bin/python benchmarks/trajectory.py [--n 10000000]``. Issue 14 item 4: judging
``np.zeros(10**7)`` took 33 s (a Python loop over every value, repeated for each known mistake).
Prints one line per case: the seconds taken by ``check_trajectory`` (the judgement itself) and by
``evaluate`` (what ``q_5.check()`` does: facts, then the judgement), and the first words of the message.
Goal: well under a second for every case.

Measured on 2 busy shared cores, n = 10**7 — before (a per-value Python loop, once per known mistake):
check_trajectory 40-75 s per case, evaluate 84 s for the float32 array (the float64 ones are too large
for the facts and are reported as such); after (length first, numpy, only the compared values read):
check_trajectory <= 0.02 s, evaluate 0.7 s for the float32 array (encoding its 40 MB of facts).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from learnkit.core import evaluate
from learnkit.core.problem import Incorrect, Unattempted
from learnkit.numeric.trajectory import check_trajectory


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10**7)
    args = ap.parse_args()
    from checkers.nn_from_scratch import ex3
    ref = ex3.ref.and_costs(71)
    q5 = ex3.q5
    n = args.n
    cases = {
        "np.zeros(n)": np.zeros(n),
        "np.zeros(n, float32)": np.zeros(n, dtype=np.float32),
        "list(n floats)": [0.0] * n,
        "ref + zeros (at_least)": np.concatenate([ref, np.zeros(n)]),
    }
    for name, costs in cases.items():
        t = time.perf_counter()
        try:
            msg = check_trajectory(costs, ref, name="`costs`", decreasing=True, mistakes=q5.mistakes,
                                   length="at_least" if "at_least" in name else "exact")
        except (Incorrect, Unattempted) as e:
            msg = str(e)
        judged = time.perf_counter() - t
        t = time.perf_counter()
        r = evaluate(q5, {"costs": costs}, "q_5", ex3.exercise.id)
        checked = time.perf_counter() - t
        print(f"{name:24s} check_trajectory {judged:7.2f} s   evaluate {checked:7.2f} s   {msg[:60]!r} / {r.message[:50]!r}")


if __name__ == "__main__":
    main()
