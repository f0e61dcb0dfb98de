"""Execute one notebook in a fresh kernel and return what happened (no printing, no grading policy).

``run_notebook`` is the single entry point shared by ``make demo``, ``learnkit test``,
the pytest plugin and ``learnkit grade``. The per-question verdicts come from the
kernel-side tracker (``learnkit.runner.kernel``), never from the notebook's outputs.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from learnkit.core.result import Result, Status
from learnkit.runner.kernel import sign

EXERCISE_IMPORT = re.compile(r"^\s*from\s+checkers\.([\w.]+)\s+import", re.M)


class NotebookProblem(Exception):
    """The file cannot be run at all (not JSON, not a notebook, unknown exercise…)."""


@dataclass
class NotebookRun:
    path: str
    exercise: str | None
    results: dict[str, Result] = field(default_factory=dict)
    status: str = "ok"  # ok | timeout | killed | error (the run, not a question)
    reason: str = ""
    cell_errors: list[dict] = field(default_factory=list)  # {cell, ename, evalue}
    duration: float = 0.0
    notebook: nbformat.NotebookNode | None = None  # executed, with outputs

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """Read and validate; every failure becomes a NotebookProblem with a clear reason."""
    p = Path(path)
    raw = p.read_bytes()
    if not raw.strip():
        raise NotebookProblem("the file is empty")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise NotebookProblem(f"the file is not valid notebook JSON ({type(e).__name__}: {e})") from None
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        raise NotebookProblem("the file is JSON but not a Jupyter notebook")
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4)  # converts nbformat 3 to 4
        nbformat.validator.normalize(nb)
    except Exception as e:
        raise NotebookProblem(f"the notebook is malformed ({type(e).__name__}: {e})") from None
    return nb


def exercise_of(nb: nbformat.NotebookNode) -> str | None:
    meta = nb.metadata.get("learnkit", {}) or {}
    if meta.get("exercise"):
        return str(meta["exercise"])
    for cell in nb.cells:
        if cell.cell_type == "code":
            m = EXERCISE_IMPORT.search(cell.source)
            if m:
                return m.group(1)
    return None


def _kernel_manager(env: dict):
    """A kernel running *this* interpreter (not whatever 'python3' a user spec names)."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec_dir = Path(tempfile.mkdtemp(prefix="learnkit-kspec-"))
    (spec_dir / "learnkit").mkdir()
    (spec_dir / "learnkit" / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "learnkit", "language": "python"}))
    ksm = KernelSpecManager(kernel_dirs=[str(spec_dir)], ensure_native_kernel=False)
    return KernelManager(kernel_name="learnkit", kernel_spec_manager=ksm), spec_dir


def run_notebook(path: str | Path, *, cwd: str | Path | None = None, env: dict | None = None,
                 cell_timeout: float = 600, timeout: float | None = None, exercise: str | None = None,
                 keras_backend: str | None = None, on_kernel_start=None,
                 nb: nbformat.NotebookNode | None = None) -> NotebookRun:
    """Run every cell (continuing after student errors) and collect the tracked verdicts.

    ``timeout`` bounds the whole notebook; ``cell_timeout`` each cell. ``on_kernel_start(pid)``
    lets a caller watch the kernel process (e.g. a memory cap).
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    t0 = time.monotonic()
    run = NotebookRun(path=str(path), exercise=exercise)
    try:
        nb = nb if nb is not None else read_notebook(path)
    except (NotebookProblem, OSError) as e:
        run.status, run.reason = "error", f"cannot read notebook: {e}"
        return run
    run.exercise = exercise = exercise or exercise_of(nb)
    if not exercise:
        run.status, run.reason = "error", "no learnkit exercise found (no `from checkers.<course>.<exercise> import` line)"
        return run
    try:
        __import__("checkers." + exercise, fromlist=["exercise"]).exercise
    except Exception as e:
        run.status, run.reason = "error", f"unknown exercise {exercise!r} ({type(e).__name__}: {e})"
        return run

    work = Path(tempfile.mkdtemp(prefix="learnkit-run-"))
    secret = secrets.token_hex(32)
    results_path = work / f"results-{secrets.token_hex(8)}.json"
    ticket = work / f"ticket-{secrets.token_hex(8)}.json"
    ticket.write_text(json.dumps({"exercise": exercise, "results": str(results_path), "secret": secret}))
    preamble = nbformat.v4.new_code_cell(
        f"import learnkit.runner.kernel as _learnkit_kernel\n_learnkit_kernel.install({str(ticket)!r})\n"
        "del _learnkit_kernel")
    preamble.metadata["tags"] = ["learnkit-preamble"]
    nb.cells.insert(0, preamble)

    kenv = dict(os.environ if env is None else env)
    if keras_backend:
        kenv["KERAS_BACKEND"] = keras_backend
    kenv.setdefault("LEARNKIT_PROGRESS", str(work / "progress.jsonl"))
    kenv.setdefault("MPLBACKEND", "agg")
    deadline = None if timeout is None else t0 + timeout

    def cell_budget(_cell):
        if deadline is None:
            return cell_timeout
        return max(1, min(cell_timeout, int(deadline - time.monotonic()) + 1))

    km, spec_dir = _kernel_manager(kenv)
    client = NotebookClient(nb, km=km, timeout_func=cell_budget, allow_errors=True,
                            resources={"metadata": {"path": str(cwd or Path(path).parent)}},
                            record_timing=False)
    try:
        with client.setup_kernel(env=kenv):
            if on_kernel_start is not None:
                on_kernel_start(km)
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
    except CellTimeoutError:
        budget_left = deadline is not None and time.monotonic() >= deadline - 1
        run.status = "timeout"
        run.reason = ("the notebook took longer than its time limit of {:.0f} s".format(timeout) if budget_left
                      else f"a cell ran longer than the cell time limit of {cell_timeout:.0f} s")
    except DeadKernelError as e:
        run.status, run.reason = "killed", f"the kernel died ({e})".replace("\n", " ")
    except Exception as e:  # nbclient/zmq trouble: report, never crash the batch
        run.status, run.reason = "error", f"{type(e).__name__}: {e}"
    finally:
        shutil.rmtree(spec_dir, ignore_errors=True)

    nb.cells.pop(0)
    run.notebook = nb
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                run.cell_errors.append({"cell": i, "ename": out.get("ename", ""), "evalue": out.get("evalue", "")})
    run.results = _read_results(results_path, secret, exercise)
    _fill_missing(run)
    run.duration = time.monotonic() - t0
    shutil.rmtree(work, ignore_errors=True)
    return run


def _read_results(path: Path, secret: str, exercise: str) -> dict[str, Result]:
    try:
        blob = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(blob, dict) or not isinstance(blob.get("payload"), str) \
            or not isinstance(blob.get("mac"), str) or sign(blob["payload"], secret) != blob["mac"]:
        return {"__forged__": Result("*", Status.ERROR, "the grading results were tampered with", 0, 0, exercise)}
    payload = json.loads(blob["payload"])
    return {q: Result.from_dict(d) for q, d in payload.get("results", {}).items()}


def _fill_missing(run: NotebookRun) -> None:
    """Questions never judged (or only unattempted) get the run's fate when it ended badly."""
    from learnkit.core.problem import evaluate  # noqa: F401 (keeps import graph explicit)
    exercise = __import__("checkers." + run.exercise, fromlist=["exercise"]).exercise
    forged = run.results.pop("__forged__", None)
    for q, view in exercise.views.items():
        r = run.results.get(q)
        if forged is not None:
            run.results[q] = Result(q, Status.ERROR, forged.message, 0.0, view.problem.points, exercise.id)
        elif run.status in ("timeout", "killed") and (r is None or r.status is Status.UNATTEMPTED):
            run.results[q] = Result(q, Status(run.status), run.reason, 0.0, view.problem.points, exercise.id)
        elif r is None:
            reason = run.reason or "the notebook never reached a point where this question could be judged"
            run.results[q] = Result(q, Status.ERROR if run.status == "error" else Status.UNATTEMPTED,
                                    reason, 0.0, view.problem.points, exercise.id)
