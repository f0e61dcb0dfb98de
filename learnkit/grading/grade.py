"""``learnkit grade``: grade a batch of submissions into the gradebook, in parallel, within limits.

Each submission runs in its own fresh kernel, in a fresh temporary directory holding a copy of
the notebook with its saved outputs cleared (grades never come from outputs). Worker threads
only run kernels; the coordinating thread alone writes the gradebook, one transaction per
run, so a grader killed at any moment resumes with nothing lost and nothing duplicated.
"""
from __future__ import annotations

import dataclasses
import os
import re
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from learnkit.grading.console import STATUS_STYLE, BatchProgress, summary_table  # noqa: F401
from learnkit.core.exercise import load_exercise
from learnkit.grading.exports import NOT_SANDBOXED, export
from learnkit.grading.gradebook import Gradebook
from learnkit.grading.kernels import (Outcome, failed_outcome, base_kernel_env, batch_preload, execute,  # noqa: F401
                                      grading_env, jax_cache_dir, kernel_pool, sandbox_options)
from learnkit.grading.options import Options
from learnkit.grading.preflight import BatchProblem, check_paths, output_lock, require_data  # noqa: F401
from learnkit.grading.report import write_reports
from learnkit.grading.standing import load_roster, save_policy, save_roster, standing
from learnkit.grading.submissions import Submission, find_submissions, identify, inspect  # noqa: F401
from learnkit.runner import sandbox as sandbox_mod
from learnkit.runner import scratch
from learnkit.runner.limits import kill_all

GRADEBOOK = "gradebook.sqlite"


@dataclass
class Batch:
    out_dir: Path
    gradebook: Path
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[Submission] = field(default_factory=list)
    exported: list[Path] = field(default_factory=list)
    report: Path | None = None
    wall: float = 0.0
    interrupted: bool = False


def standin_note(data_dir: str | None) -> str | None:
    """A warning when the data folder holds generated stand-ins (see learnkit.data)."""
    from learnkit.data import MANIFEST
    dirs = [Path(d) for d in (data_dir or "").split(os.pathsep) if d]
    if any((d / MANIFEST).exists() for d in dirs):
        return "STAND-IN DATA: the notebooks ran on generated data, not the course's datasets."
    return None


def grade(paths, out_dir, opts: Options | None = None, console=None, on_done=None, pool=None) -> Batch:
    """Grade every submission under ``paths`` into ``out_dir``/gradebook.sqlite, then export.

    Raises ``BatchProblem`` (before anything runs) for paths that do not exist, an ``out_dir``
    that is a file or in use by another batch, and course data the kernels would not find.
    """
    opts = opts or Options()
    out_dir = Path(out_dir)
    check_paths(paths, out_dir)
    if opts.sandbox and pool is None:
        sandbox_mod.require()  # refuse rather than run students' code unconfined (--no-sandbox to do so)
    if opts.sandbox:  # never visible to a kernel, even under a folder it may read
        opts = dataclasses.replace(opts, hide=tuple(opts.hide) + tuple(
            str(p.resolve() if p.is_dir() else p.resolve().parent) for p in map(Path, paths)) + (str(out_dir.resolve()),))
    with output_lock(out_dir):
        return _grade_locked(paths, out_dir, opts, console, on_done, pool)


def _grade_locked(paths, out_dir: Path, opts: Options, console, on_done, pool) -> Batch:
    batch = Batch(out_dir, out_dir / GRADEBOOK)
    t0 = time.monotonic()
    subs = [inspect(p) for p in find_submissions(paths, exclude=out_dir)]
    if pool is None:  # (on Dask the data is on the workers' machines: a failed data cell is an error row there)
        require_data([load_exercise(e) for e in sorted({s.exercise for s in subs if not s.problem and s.exercise})],
                     opts.data_dir)
    gb = Gradebook(batch.gradebook)
    try:
        if opts.roster is not None:
            save_roster(gb, opts.roster)
        if opts.late_policy is not None:
            save_policy(gb, opts.late_policy)
        roster = load_roster(gb)
        roots = [Path(p) for p in paths if Path(p).is_dir()]
        todo: list[Submission] = []
        for sub in subs:
            identify(sub, roots, roster, opts.manifest)
            sub.id = gb.submission(str(sub.path), sub.sha256 or "-", sub.student, sub.exercise, **sub.info())
            (todo if opts.force or not gb.is_graded(sub.id) else batch.skipped).append(sub)
        if opts.prepared_kernels and not opts.preload:
            opts = dataclasses.replace(opts, preload=batch_preload(todo))
        with scratch.terminate_as_interrupt(), BatchProgress(len(todo), console) as progress:
            _run_all(gb, todo, opts, batch, progress, on_done, pool)
        st = standing(gb)
        batch.exported = export(gb, out_dir, st=st)
        note = opts.standin_note or standin_note(opts.data_dir or os.environ.get("LEARNKIT_DATA"))
        if st.not_sandboxed:  # on every page, loudly
            note = f"{note} {NOT_SANDBOXED}" if note else NOT_SANDBOXED
        gb.put_setting("report_note", note)
        batch.report = Path(write_reports(gb, out_dir, standin_note=note, st=st))
    finally:
        gb.close()
        batch.wall = time.monotonic() - t0
    return batch


def _run_all(gb: Gradebook, todo: list[Submission], opts: Options, batch: Batch, progress, on_done,
             pool=None) -> None:
    """``pool``: an executor-like object (``submit(execute, sub, opts)``, ``shutdown``), e.g.
    ``learnkit.grading.distributed.DaskPool``; default a thread pool of ``opts.workers``."""
    from learnkit import __version__
    backend = opts.keras_backend or os.environ.get("KERAS_BACKEND") or "tensorflow"
    queue = iter(todo)
    pending: dict = {}

    def record(outcome: Outcome, run_id: int, nb=None) -> None:
        _solution_cells(outcome)
        gb.finish_run(run_id, outcome.status, outcome.reason, outcome.duration, outcome.results,
                      histories=outcome.histories or None,
                      sandboxed=outcome.sandboxed if outcome.results and nb is not None else None)
        if nb is not None and opts.save_notebooks:
            _save_notebook(batch.out_dir, outcome.submission, nb)
        batch.outcomes.append(outcome)
        progress.done(outcome)
        if on_done:
            on_done(outcome)

    def fill(pool) -> None:
        while len(pending) < max(1, opts.workers):
            sub = next(queue, None)
            if sub is None:
                return
            run_id = gb.start_run(sub.id, backend, __version__)
            if sub.problem:
                record(failed_outcome(sub, sub.problem), run_id)
                continue
            progress.started(sub)
            pending[pool.submit(execute, sub, opts, *([kernels] if kernels else []))] = (sub, run_id)

    kernels = None
    runnable = sum(not s.problem for s in todo)
    if pool is None and opts.prepared_kernels and runnable:
        kernels = kernel_pool(opts, limit=runnable)
    pool = pool or ThreadPoolExecutor(max_workers=max(1, opts.workers), thread_name_prefix="learnkit-grade")
    try:
        fill(pool)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                sub, run_id = pending.pop(fut)
                outcome, nb = fut.result()
                record(outcome, run_id, nb)
            fill(pool)
    except KeyboardInterrupt:
        batch.interrupted = True
        kill_all()  # the kernels this grader started; their runs stay unfinished and are redone next time
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if kernels is not None:
            kernels.close()


def _save_notebook(out_dir: Path, sub: Submission, nb) -> None:
    folder = out_dir / "executed"
    folder.mkdir(exist_ok=True)
    stem = sub.student if sub.student == sub.path.stem else f"{sub.student}-{sub.path.stem}"
    name = re.sub(r"[^\w.-]", "_", stem)[:100] + f"-{sub.sha256[:8]}.ipynb"
    try:
        nbformat.write(nb, folder / name)
    except Exception:  # a copy for humans; never fails the batch
        pass


def _solution_cells(outcome: Outcome) -> None:
    """Each result's ``solution_cell``: the notebook cell number of its question's first
    ``q_N.solution()`` call, read from the submitted code (the kernel has no say in it)."""
    from learnkit.grading.similarity import solution_calls
    cells = outcome.submission.cells
    calls = solution_calls([source for _, source in cells]) if cells else {}
    for r in outcome.results:
        i = calls.get(r["question"])
        r["solution_cell"] = cells[i][0] if i is not None and i < len(cells) else None
