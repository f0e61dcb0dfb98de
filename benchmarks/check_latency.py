"""Median latency of ``q_1.check()`` / ``q_3.check()`` on built ex5 models (goal: < 20 ms).

Run: ``.venv/bin/python benchmarks/check_latency.py [--repeat N]``. Measures the full student
call (judging, rendering, progress-log write) in one process and prints medians, p90 and the
ratio to the 20 ms goal. Output goes to a temporary progress log, not the user's.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
GOAL_MS = 20.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
    os.environ["LEARNKIT_PROGRESS"] = os.path.join(tempfile.mkdtemp(), "progress.jsonl")

    import keras
    from keras import layers

    from learnkit.core import binder
    ns: dict = {}
    binder.bind(ns)
    from checkers.deep_learning_intro import ex5

    spotify = keras.Sequential([keras.Input((18,)), layers.Dense(128, activation="relu"), layers.Dropout(0.3),
                                layers.Dense(64, activation="relu"), layers.Dropout(0.3), layers.Dense(1)])
    concrete = keras.Sequential([keras.Input((8,)), *[l for _ in range(3) for l in
                                 (layers.BatchNormalization(), layers.Dense(512, activation="relu"))],
                                 layers.BatchNormalization(), layers.Dense(1)])
    wrong = keras.Sequential([keras.Input((18,)), layers.Dense(128, activation="relu"), layers.Dropout(0.5),
                              layers.Dense(64, activation="relu"), layers.Dropout(0.5), layers.Dense(1)])
    cases = [("q_1.check() correct", ex5.q_1, spotify), ("q_1.check() incorrect", ex5.q_1, wrong),
             ("q_3.check() correct", ex5.q_3, concrete)]
    print(f"{'call':28} {'median ms':>10} {'p90 ms':>8} {'goal ratio':>11}")
    for label, view, model in cases:
        ns["model"] = model
        samples = []
        for i in range(args.repeat + 5):
            with contextlib.redirect_stdout(io.StringIO()):
                t0 = time.perf_counter()
                view.check()
                dt = (time.perf_counter() - t0) * 1000
            if i >= 5:  # warm-up excluded
                samples.append(dt)
        samples.sort()
        med = statistics.median(samples)
        p90 = samples[int(0.9 * len(samples)) - 1]
        print(f"{label:28} {med:10.2f} {p90:8.2f} {med / GOAL_MS:10.2f}x")
    print(f"(ratio < 1 meets the {GOAL_MS:.0f} ms goal; backend {keras.backend.backend()}, {args.repeat} calls each)")


if __name__ == "__main__":
    main()
