"""Throughput of `learnkit grade`: the same N ex5 submissions graded with 1 worker and with 2.

    python benchmarks/grade_throughput.py [--n 8] [--workers 1,2] [--epochs 3,5] [--repeat 1]

Submissions are the bundled example notebooks (correct and wrong answers alternating) with short
training. Per notebook: wall time (kernel start to shutdown, as the grader sees it), the student
cells' own compute (timed inside the kernel by the tracker), the tracker's judging time, and the
overhead = wall - compute (kernel start, preamble, judging, messaging, shutdown). Prints a table;
asserts nothing (timings depend on the machine and its load).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from learnkit.demo import EXAMPLES, example_notebook, prepare_data  # noqa: E402
from learnkit.grading.grade import Options, grade  # noqa: E402

MIX = ["ada", "ben", "cy", "dee"]  # correct, dropout 0.5, BN after Dense, Dropout after the output


def make_submissions(folder: Path, n: int, epochs: tuple[int, int]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        kind = MIX[i % len(MIX)]
        _what, q1, q3, extra, _expected = EXAMPLES[kind]
        paths.append(folder / f"s{i:02d}_{kind}.ipynb")
        nbformat.write(example_notebook(f"s{i:02d}", q1, q3, extra, epochs=epochs), paths[-1])
    return paths


def run(subs: Path, out: Path, workers: int, data_dir: str | None) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    t0, last = time.monotonic(), [0.0]
    batch = grade([subs], out, Options(workers=workers, force=True, data_dir=data_dir, save_notebooks=False),
                  console=False, on_done=lambda _o: last.__setitem__(0, time.monotonic()))
    outs = batch.outcomes
    assert all(o.status == "ok" for o in outs), [(o.submission.student, o.status, o.reason) for o in outs]
    med = statistics.median
    return {"workers": workers, "n": len(outs), "grading_wall": last[0] - t0, "batch_wall": batch.wall,
            "wall": med(o.duration for o in outs), "compute": med(o.compute for o in outs),
            "judge": med(o.judge for o in outs), "overhead": med(o.duration - o.compute for o in outs)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--epochs", default="3,5", help="Spotify and Concrete epochs (the course: 50,100)")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    console = Console()
    tmp = Path(tempfile.mkdtemp(prefix="learnkit-bench-"))
    try:
        data_dir, standins = prepare_data(tmp, console)
        epochs = tuple(int(e) for e in args.epochs.split(","))
        make_submissions(tmp / "subs", args.n, epochs)
        rows = []
        for _ in range(args.repeat):
            for w in (int(x) for x in args.workers.split(",")):
                console.print(f"grading {args.n} submissions with {w} worker(s)…")
                rows.append(run(tmp / "subs", tmp / f"out-{w}", w, data_dir or None))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    table = Table(title=f"learnkit grade: {args.n} ex5 submissions, epochs {args.epochs}"
                  + (" [STAND-IN DATA]" if standins else ""))
    for col in ("workers", "batch s", "nb/min", "wall/nb s", "compute/nb s", "judge/nb s", "overhead/nb s"):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(str(r["workers"]), f"{r['grading_wall']:.1f}", f"{60 * r['n'] / r['grading_wall']:.1f}",
                      f"{r['wall']:.1f}", f"{r['compute']:.1f}", f"{r['judge']:.2f}", f"{r['overhead']:.1f}")
    console.print(table)
    by_w: dict[int, list[float]] = {}
    for r in rows:
        by_w.setdefault(r["workers"], []).append(r["grading_wall"])
    if 1 in by_w and len(by_w) > 1:
        base = statistics.median(by_w[1])
        for w, walls in sorted(by_w.items()):
            if w != 1:
                console.print(f"speed-up with {w} workers: {base / statistics.median(walls):.2f}x "
                              f"(median grading wall {statistics.median(walls):.1f} s vs {base:.1f} s)")
    console.print("/nb: median per notebook. compute: the student cells (kernel clock); judge: the tracker; "
                  "overhead = wall - compute (kernel start, preamble, judging, messaging, shutdown)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
