"""Per-cell wall time of one ex5 notebook (the bundled correct example) on each Keras backend.

    LEARNKIT_DATA=../shared/data python benchmarks/cell_times.py [--epochs 50,100] [--backends tensorflow,jax]

Runs the notebook once per backend in a fresh kernel (nbclient, cell timing recorded), one kernel
at a time, and prints each code cell's seconds side by side with the ratio. It shows where a whole
notebook's time goes (imports, data, the three trainings) — what a backend can and cannot speed up.
"""
from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
from pathlib import Path

from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from learnkit.demo import EXAMPLES, example_notebook  # noqa: E402


def cell_seconds(backend: str, epochs: tuple[int, int]) -> list[tuple[str, float]]:
    _what, q1, q3, extra, _expected = EXAMPLES["ada"]
    nb = example_notebook("bench", q1, q3, extra, epochs=epochs)
    os.environ["KERAS_BACKEND"] = backend
    with tempfile.TemporaryDirectory() as work:
        NotebookClient(nb, timeout=1200, allow_errors=True, record_timing=True,
                       resources={"metadata": {"path": work}}).execute()
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        t = cell.metadata.get("execution", {})
        try:
            a = datetime.datetime.fromisoformat(t["iopub.execute_input"].replace("Z", "+00:00"))
            b = datetime.datetime.fromisoformat(t["shell.execute_reply"].replace("Z", "+00:00"))
            secs = (b - a).total_seconds()
        except (KeyError, ValueError):
            secs = float("nan")
        first = next((line for line in cell.source.splitlines() if line.strip()), "")
        out.append((first[:60], secs))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", default="50,100", help="Spotify and Concrete epochs (the course: 50,100)")
    ap.add_argument("--backends", default="tensorflow,jax")
    args = ap.parse_args()
    epochs = tuple(int(e) for e in args.epochs.split(","))
    backends = args.backends.split(",")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    runs = {b: cell_seconds(b, epochs) for b in backends}
    print(f"{'cell':62}" + "".join(f"{b:>12}" for b in backends) + ("   ratio" if len(backends) == 2 else ""))
    for i, (src, _) in enumerate(runs[backends[0]]):
        secs = [runs[b][i][1] for b in backends]
        ratio = f"{secs[0] / secs[1]:8.2f}" if len(secs) == 2 and secs[1] > 0.05 else ""
        print(f"{src:62}" + "".join(f"{s:12.1f}" for s in secs) + ratio)
    totals = [sum(s for _, s in runs[b]) for b in backends]
    print(f"{'total':62}" + "".join(f"{t:12.1f}" for t in totals)
          + (f"{totals[0] / totals[1]:8.2f}" if len(totals) == 2 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
