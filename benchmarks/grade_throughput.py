"""Throughput of `learnkit grade`: the same N ex5 submissions graded with 1 worker and with 2.

    python benchmarks/grade_throughput.py [--n 8] [--workers 1,2] [--epochs 3,5] [--repeat 1]
    python benchmarks/grade_throughput.py --n 8 --all     # + nbconvert floor, jax vs tensorflow, Dask, nbgrader

Rows are graded with prepared kernels (the default); ``--cold`` adds each worker count again with
``--cold-kernels``; ``--unsandboxed`` adds it again with ``--no-sandbox`` (what the per-kernel sandbox costs).
``--all`` (or ``--cold``, ``--unsandboxed``, ``--floor``, ``--jax``, ``--dask``, ``--nbgrader``) adds, in the same run: a serial
``jupyter nbconvert --execute`` of each notebook (the floor: no grading at all), the batch with
``--keras-backend jax`` vs tensorflow (verdicts compared), Dask LocalCluster 2 workers vs 1, and
``nbgrader autograde`` on the same notebooks (nbgrader and nbconvert live in their OWN venv,
``--nbgrader-venv``, created with ``python -m venv`` + ``pip install nbgrader``; the kernel is this
interpreter). A part that cannot run says so in the output; no number is made up.

Submissions are the bundled example notebooks (correct and wrong answers alternating) with short
training. Per notebook: wall time (kernel start to shutdown, as the grader sees it), the student
cells' own compute (timed inside the kernel by the tracker), the tracker's judging time, and the
overhead = wall - compute (waiting for a kernel, kernel start, preamble, judging, messaging, shutdown). Prints a table;
asserts nothing (timings depend on the machine and its load).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
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


def run(subs: Path, out: Path, workers: int, data_dir: str | None, backend: str | None = None,
        dask: str | None = None, label: str = "", prepared: bool = True, sandbox: bool = True) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    cpu0 = busy_cpu()
    t0, last = time.monotonic(), [0.0]
    opts = Options(workers=workers, force=True, data_dir=data_dir, save_notebooks=False, keras_backend=backend,
                   prepared_kernels=prepared, sandbox=sandbox)
    if dask:
        from learnkit.grading.distributed import DaskPool
        pool = DaskPool(dask)  # cluster start-up is not counted: a real cluster is already running
        t0 = time.monotonic()
        batch = grade([subs], out, Options(**{**opts.__dict__, "workers": pool.slots}), console=False,
                      on_done=lambda _o: last.__setitem__(0, time.monotonic()), pool=pool)
    else:
        batch = grade([subs], out, opts, console=False, on_done=lambda _o: last.__setitem__(0, time.monotonic()))
    cores = (busy_cpu() - cpu0) / max(1e-9, time.monotonic() - t0)
    outs = batch.outcomes
    assert all(o.status == "ok" for o in outs), [(o.submission.student, o.status, o.reason) for o in outs]
    med = statistics.median
    verdicts = {(o.submission.student, r["question"]): r["status"] for o in outs for r in o.results}
    return {"label": label or f"learnkit grade, {workers} worker(s)", "verdicts": verdicts,
            "workers": workers, "n": len(outs), "cores": cores, "grading_wall": last[0] - t0, "batch_wall": batch.wall,
            "wall": med(o.duration for o in outs), "compute": med(o.compute for o in outs),
            "judge": med(o.judge for o in outs), "overhead": med(o.duration - o.compute for o in outs)}


def busy_cpu() -> float:
    """Seconds of CPU the whole machine has spent not idle (all processes, all cores)."""
    import psutil
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


KSPEC = "lkbench"


def kernel_home(tmp: Path) -> Path:
    """A JUPYTER_PATH holding a kernelspec that runs THIS interpreter (learnkit, keras installed)."""
    home = tmp / "jupyter"
    (home / "kernels" / KSPEC).mkdir(parents=True, exist_ok=True)
    (home / "kernels" / KSPEC / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": KSPEC, "language": "python"}))
    return home


def tool_env(tmp: Path, data_dir: str | None, workers: int = 1) -> dict:
    env = dict(os.environ, JUPYTER_PATH=str(kernel_home(tmp)), MPLBACKEND="agg", TF_CPP_MIN_LOG_LEVEL="3")
    threads = str(max(1, (os.cpu_count() or 1) // workers))  # what learnkit gives its kernels
    for var in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        env.setdefault(var, threads)
    if data_dir:
        env["LEARNKIT_DATA"] = data_dir
    return env


def floor(subs: Path, tmp: Path, venv: Path, data_dir: str | None) -> dict | str:
    """Serial `jupyter nbconvert --execute` of each notebook: the cost of just running it."""
    jupyter = venv / "bin" / "jupyter"
    if not jupyter.exists():
        return f"nbconvert not available ({jupyter} missing: the nbgrader venv was not set up)"
    out = tmp / "nbconvert"
    out.mkdir(exist_ok=True)
    env, walls = tool_env(tmp, data_dir), []
    t0 = time.monotonic()
    for nb in sorted(subs.glob("*.ipynb")):
        t = time.monotonic()
        proc = subprocess.run([str(jupyter), "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
                               f"--ExecutePreprocessor.kernel_name={KSPEC}", "--ExecutePreprocessor.timeout=600",
                               "--output-dir", str(out), str(nb)], env=env, capture_output=True, text=True)
        if proc.returncode:
            return f"nbconvert failed on {nb.name}: {proc.stderr.strip()[-300:]}"
        walls.append(time.monotonic() - t)
    return {"label": "jupyter nbconvert --execute, serial (floor)", "n": len(walls),
            "grading_wall": time.monotonic() - t0, "wall": statistics.median(walls)}


def nbgrader(subs: Path, tmp: Path, venv: Path, data_dir: str | None) -> dict | str:
    """`nbgrader autograde` of the same notebooks (plus one autograded test cell each)."""
    exe = venv / "bin" / "nbgrader"
    if not exe.exists():
        return (f"nbgrader NOT measured: {exe} missing (create it: python -m venv {venv} && "
                f"{venv}/bin/pip install nbgrader)")
    course = tmp / "nbgrader-course"
    shutil.rmtree(course, ignore_errors=True)
    test = nbformat.v4.new_code_cell("assert 'model' in globals()")
    test.metadata["nbgrader"] = {"grade": True, "grade_id": "tests", "locked": True, "points": 1,
                                 "schema_version": 3, "solution": False, "task": False}
    paths = sorted(subs.glob("*.ipynb"))
    for i, path in enumerate(paths):
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(test)
        nb.metadata["kernelspec"] = {"name": KSPEC, "display_name": KSPEC, "language": "python"}
        dest = course / ("source" if i == 0 else "x") / "ps1" / "ex5.ipynb"
        for d in ([dest] if i == 0 else []) + [course / "submitted" / path.stem / "ps1" / "ex5.ipynb"]:
            d.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, d)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.root = %r\nc.CourseDirectory.course_id = 'bench'\n"
        "c.ExecutePreprocessor.timeout = 600\nc.Execute.timeout = 600\nc.Execute.allow_errors = True\n" % str(course))
    env = tool_env(tmp, data_dir)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"  # nbgrader runs `alembic` from its venv
    run_ = lambda *a: subprocess.run([str(exe), *a], cwd=course, env=env, capture_output=True, text=True)  # noqa: E731
    proc = run_("generate_assignment", "ps1", "--force")
    if proc.returncode:
        return f"nbgrader generate_assignment failed: {(proc.stdout + proc.stderr).strip()[-400:]}"
    for path in paths:
        run_("db", "student", "add", path.stem)
    t0 = time.monotonic()
    proc = run_("autograde", "ps1", "--force")
    wall = time.monotonic() - t0
    graded = list((course / "autograded").glob("*/ps1/ex5.ipynb"))
    if proc.returncode or len(graded) != len(paths):
        return f"nbgrader autograde failed ({len(graded)}/{len(paths)} graded): {(proc.stdout + proc.stderr).strip()[-400:]}"
    return {"label": "nbgrader autograde (serial)", "n": len(paths), "grading_wall": wall, "wall": wall / len(paths)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--epochs", default="3,5", help="Spotify and Concrete epochs (the course: 50,100)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--all", action="store_true", help="--cold --floor --jax --dask --nbgrader")
    ap.add_argument("--cold", action="store_true", help="the batch again with --cold-kernels (no prepared kernels)")
    ap.add_argument("--unsandboxed", action="store_true",
                    help="the batch again with --no-sandbox: what the per-kernel sandbox costs per notebook")
    ap.add_argument("--floor", action="store_true", help="serial jupyter nbconvert --execute of each notebook")
    ap.add_argument("--jax", action="store_true", help="the batch again with --keras-backend jax")
    ap.add_argument("--dask", action="store_true", help="Dask LocalCluster with 1 and 2 workers")
    ap.add_argument("--nbgrader", action="store_true", help="nbgrader autograde on the same notebooks")
    ap.add_argument("--nbgrader-venv", type=Path, default=Path("/tmp/lk-bench-nbgrader"))
    args = ap.parse_args()
    if args.all:
        args.cold = args.floor = args.jax = args.dask = args.nbgrader = args.unsandboxed = True
    console = Console(width=max(Console().width, 130))
    tmp = Path(tempfile.mkdtemp(prefix="learnkit-bench-"))
    rows, notes = [], []
    workers = [int(x) for x in args.workers.split(",")]
    try:
        data_dir, standins = prepare_data(tmp, console)
        epochs = tuple(int(e) for e in args.epochs.split(","))
        make_submissions(tmp / "subs", args.n, epochs)
        for _ in range(args.repeat):
            for w in workers:
                console.print(f"grading {args.n} submissions with {w} worker(s)…")
                rows.append(run(tmp / "subs", tmp / f"out-{w}", w, data_dir or None, backend="tensorflow"))
                if args.unsandboxed:
                    console.print(f"grading {args.n} submissions with {w} worker(s), NOT sandboxed…")
                    rows.append(run(tmp / "subs", tmp / f"out-nosbx{w}", w, data_dir or None, backend="tensorflow",
                                    sandbox=False, label=f"learnkit grade, {w} worker(s), --no-sandbox"))
                if args.cold:
                    console.print(f"grading {args.n} submissions with {w} worker(s), cold kernels…")
                    rows.append(run(tmp / "subs", tmp / f"out-cold{w}", w, data_dir or None, backend="tensorflow",
                                    prepared=False, label=f"learnkit grade, {w} worker(s), cold kernels"))
            if args.jax:
                w = max(workers)
                console.print(f"grading with --keras-backend jax, {w} worker(s)…")
                rows.append(run(tmp / "subs", tmp / "out-jax", w, data_dir or None, backend="jax",
                                label=f"learnkit grade, {w} worker(s), jax"))
            if args.dask:
                for n in (1, 2):
                    console.print(f"grading on a Dask LocalCluster of {n} worker(s)…")
                    rows.append(run(tmp / "subs", tmp / f"out-dask{n}", n, data_dir or None, backend="tensorflow",
                                    dask=f"local:{n}", label=f"learnkit grade --dask local:{n}"))
            for flag, fn in ((args.floor, floor), (args.nbgrader, nbgrader)):
                if flag:
                    console.print(f"running {fn.__name__}…")
                    r = fn(tmp / "subs", tmp, args.nbgrader_venv, data_dir or None)
                    (rows.append(r) if isinstance(r, dict) else notes.append(r))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    med = statistics.median
    by: dict[str, list[dict]] = {}
    for r in rows:
        by.setdefault(r["label"], []).append(r)
    one = by.get("learnkit grade, 1 worker(s)")
    base = med(r["grading_wall"] for r in one) if one else None
    compute = med(r["compute"] for r in one) if one else None
    table = Table(title=f"grading {args.n} ex5 submissions, epochs {args.epochs}, {os.cpu_count()} cores"
                  + (" [STAND-IN DATA]" if standins else ""))
    for col in ("what", "batch s", "nb/min", "vs 1 worker", "cores busy", "wall/nb s", "compute/nb s",
                "overhead/nb s"):
        table.add_column(col, justify="right" if col != "what" else "left")
    for label, rs in by.items():
        wall = med(r["grading_wall"] for r in rs)
        n = rs[0]["n"]
        c = med(r["compute"] for r in rs) if "compute" in rs[0] else None
        over = med(r["overhead"] for r in rs) if "overhead" in rs[0] else \
            (med(r["wall"] for r in rs) - compute if compute is not None else None)
        busy = f"{med(r['cores'] for r in rs):.2f}" if all("cores" in r for r in rs) else "-"
        table.add_row(label, f"{wall:.1f}", f"{60 * n / wall:.1f}", f"{base / wall:.2f}x" if base else "-", busy,
                      f"{med(r['wall'] for r in rs):.1f}", f"{c:.1f}" if c is not None else "-",
                      (f"{over:.1f}" + ("" if c is not None else "*")) if over is not None else "-")
    console.print(table)

    def ratio(a: str, b: str, what: str) -> None:
        if a in by and b in by:
            wa, wb = med(r["grading_wall"] for r in by[a]), med(r["grading_wall"] for r in by[b])
            console.print(f"{what}: {wb / wa:.2f}x ({a}: {wa:.1f} s, {b}: {wb:.1f} s)")
    for w in workers:
        if w != 1:
            ratio(f"learnkit grade, {w} worker(s)", "learnkit grade, 1 worker(s)", f"speed-up with {w} workers")
        ratio(f"learnkit grade, {w} worker(s)", f"learnkit grade, {w} worker(s), cold kernels",
              f"prepared kernels vs cold, {w} worker(s)")
    for w in workers:
        a, b = f"learnkit grade, {w} worker(s)", f"learnkit grade, {w} worker(s), --no-sandbox"
        if a in by and b in by:
            extra = med(r["wall"] for r in by[a]) - med(r["wall"] for r in by[b])
            over = med(r["overhead"] for r in by[a]) - med(r["overhead"] for r in by[b])
            console.print(f"sandbox cost, {w} worker(s): {extra:+.2f} s wall per notebook, {over:+.2f} s overhead "
                          f"per notebook (median; sandboxed vs --no-sandbox, prepared kernels)")
    w = max(workers)
    jax, tf = f"learnkit grade, {w} worker(s), jax", f"learnkit grade, {w} worker(s)"
    ratio(jax, tf, "jax speed-up over tensorflow (same workers)")
    if jax in by and tf in by:
        same = by[jax][0]["verdicts"] == by[tf][0]["verdicts"]
        console.print(f"jax verdicts identical to tensorflow's: {'YES' if same else 'NO'}")
        if not same:
            diff = {k: (v, by[tf][0]["verdicts"].get(k)) for k, v in by[jax][0]["verdicts"].items()
                    if by[tf][0]["verdicts"].get(k) != v}
            console.print(f"  differences (jax, tensorflow): {diff}")
    ratio("learnkit grade --dask local:2", "learnkit grade --dask local:1", "Dask LocalCluster 2 workers vs 1")
    ratio("jupyter nbconvert --execute, serial (floor)", "learnkit grade, 1 worker(s)",
          "learnkit 1 worker time / nbconvert floor time (>1: learnkit slower)")
    ratio("nbgrader autograde (serial)", "learnkit grade, 1 worker(s)",
          "learnkit 1 worker time / nbgrader autograde time (>1: learnkit slower)")
    ratio("nbgrader autograde (serial)", f"learnkit grade, {w} worker(s)",
          f"learnkit {w} workers time / nbgrader autograde time (>1: learnkit slower)")
    for note in notes:
        console.print(f"[yellow]NOTE[/yellow]: {note}")
    console.print("/nb: median per notebook. compute: the student cells (kernel clock); overhead = wall - compute "
                  "(kernel start, imports, preamble, judging, messaging, shutdown). *: no kernel clock for "
                  "nbconvert/nbgrader: wall/nb minus learnkit's median compute (the same cells). "
                  "Batch s: first start to last notebook graded (Dask: cluster start-up excluded). Cores busy: "
                  "machine-wide non-idle CPU seconds / wall seconds during the row (other load included).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
