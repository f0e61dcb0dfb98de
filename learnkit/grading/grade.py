"""``learnkit grade``: grade a batch of submissions into the gradebook, in parallel, within limits.

Each submission runs in its own fresh kernel, in a fresh temporary directory holding a copy of
the notebook with its saved outputs cleared (grades never come from outputs). Worker threads
only run kernels; the coordinating thread alone writes the gradebook, one transaction per
run, so a grader killed at any moment resumes with nothing lost and nothing duplicated.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib
import os
import re
import shutil
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from learnkit.grading.gradebook import Gradebook, export
from learnkit.grading.limits import DEFAULT_MEMORY_MB, DEFAULT_OUTPUT_MB, KernelWatch, kill_all
from learnkit.runner import gpu
from learnkit.runner import sandbox as sandbox_mod
from learnkit.runner.execute import (NotebookProblem, NotebookRun, exercise_of, kernel_env, read_notebook,
                                     run_notebook)
from learnkit.runner.pool import notebook_imports

GRADEBOOK = "gradebook.sqlite"
EXERCISE_ID = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")


@dataclass
class Options:
    workers: int = os.cpu_count() or 2
    cell_timeout: float = 600
    timeout: float | None = 1800
    memory_mb: float | None = DEFAULT_MEMORY_MB
    max_output_mb: float = DEFAULT_OUTPUT_MB
    force: bool = False
    keras_backend: str | None = None
    data_dir: str | None = None  # LEARNKIT_DATA for the kernels (default: the grader's)
    standin_note: str | None = None  # shown on the reports (default: detected from the data folder)
    save_notebooks: bool = True  # executed copies in OUT/executed/
    prepared_kernels: bool = True  # kernels forked ahead from a server that did the imports (see runner.pool)
    jax_cache: bool = True  # with the jax backend, kernels share a compilation cache (jax_cache_dir)
    preload: tuple = ()  # modules prepared kernels import (default: decided per batch, batch_preload)
    gpu_memory_mb: float | None = None  # GPU memory per kernel (default: its GPU's share; see runner.gpu)
    gpu_slots: tuple | None = None  # (first, count, on machine) worker slots here; default (0, workers, workers)
    sandbox: bool = True  # every kernel in its own sandbox (learnkit.runner.sandbox); False: NOT SANDBOXED
    write_quota_mb: float = sandbox_mod.DEFAULT_QUOTA_MB  # a sandboxed kernel's /tmp and working folder, each
    hide: tuple = ()  # host folders kernels must not see even under a visible one (grade: submissions, --out)


@dataclass
class Submission:
    path: Path
    sha256: str = ""
    student: str = ""
    exercise: str | None = None
    problem: str = ""  # why it cannot be run: it becomes one error row
    imports: frozenset = frozenset()  # modules its code cells import (what prepared kernels preload)
    id: int = 0


@dataclass
class Outcome:
    submission: Submission
    status: str
    reason: str
    results: list[dict] = field(default_factory=list)
    duration: float = 0.0
    compute: float = 0.0  # seconds inside student cells (kernel clock)
    judge: float = 0.0  # seconds the kernel-side tracker spent judging
    peak_mb: float = 0.0
    truncated: bool = False
    histories: list = field(default_factory=list)  # learning curves, for artifacts.histories
    sandboxed: bool = False  # the kernel ran in its own sandbox (False: shown as NOT SANDBOXED)

    @property
    def points(self) -> tuple[float, float]:
        return sum(r["points"] for r in self.results), sum(r["max_points"] for r in self.results)


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


def find_submissions(paths, exclude: Path | None = None) -> list[Path]:
    """Notebooks named directly (any extension) or found under folders, each once, in order."""
    found, seen = [], set()
    skip = exclude.resolve() if exclude else None
    for p in map(Path, paths):
        cands = sorted(p.rglob("*.ipynb")) if p.is_dir() else [p]
        for c in cands:
            r = c.resolve()
            if r in seen or ".ipynb_checkpoints" in r.parts or (p.is_dir() and skip and r.is_relative_to(skip)):
                continue
            seen.add(r)
            found.append(r)
    return found


def inspect(path: Path) -> Submission:
    """Hash, student id and exercise of one file; ``problem`` says why it cannot be graded."""
    sub = Submission(path=path, student=path.stem)
    try:
        raw = path.read_bytes()
    except OSError as e:
        sub.problem = f"cannot read the file ({e.strerror or type(e).__name__})"
        return sub
    sub.sha256 = hashlib.sha256(raw).hexdigest()
    try:
        nb = read_notebook(path)
    except NotebookProblem as e:
        sub.problem = f"cannot read notebook: {e}"
        return sub
    except Exception as e:  # e.g. JSON nested too deep: still one clear error row
        sub.problem = f"cannot read notebook: the file is not a readable notebook ({type(e).__name__})"
        return sub
    meta = nb.metadata.get("learnkit") or {}
    if isinstance(meta, dict) and str(meta.get("student") or "").strip():
        sub.student = str(meta["student"]).strip()[:200]
    sub.exercise = exercise_of(nb)
    sub.imports = frozenset(notebook_imports(nb))
    if not sub.exercise:
        sub.problem = "no learnkit exercise found (no `from checkers.<course>.<exercise> import` line)"
    elif not EXERCISE_ID.match(sub.exercise) or _exercise(sub.exercise) is None:
        sub.problem = f"unknown exercise {sub.exercise[:100]!r}: no checker module checkers.{sub.exercise[:100]}"
    return sub


def _exercise(exercise_id: str):
    try:
        return importlib.import_module("checkers." + exercise_id).exercise
    except Exception:
        return None


def standin_note(data_dir: str | None) -> str | None:
    """A warning when the data folder holds generated stand-ins (see learnkit.datasets)."""
    from learnkit.datasets import MANIFEST
    dirs = [Path(d) for d in (data_dir or "").split(os.pathsep) if d]
    if any((d / MANIFEST).exists() for d in dirs):
        return "STAND-IN DATA: the notebooks ran on generated data, not the course's datasets."
    return None


_jax_cache: list[Path] = []


def jax_cache_dir() -> Path:
    """This grading process's JAX compilation cache (one per grader or Dask worker process, removed at exit).

    Students' models of one exercise mostly compile to the same XLA programs: with the cache, the
    first kernel compiles them and later kernels load them (~6 s less per ex5 notebook). Only
    compiled programs are shared, keyed by their hash; see docs/grading.md for what it means for trust.
    """
    if not _jax_cache:
        import atexit
        _jax_cache.append(Path(tempfile.mkdtemp(prefix="learnkit-jax-cache-")))
        atexit.register(shutil.rmtree, _jax_cache[0], True)
    return _jax_cache[0]


def _kernel_env(data_dir: str | None, work: Path, workers: int = 1, backend: str | None = None,
                jax_cache: bool = True) -> dict:
    env = dict(os.environ)
    if jax_cache and (backend or env.get("KERAS_BACKEND")) == "jax":
        env.setdefault("JAX_COMPILATION_CACHE_DIR", str(jax_cache_dir()))
        env.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
        env.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "-1")
    threads = str(max(1, (os.cpu_count() or 1) // max(1, workers)))  # share the cores, don't oversubscribe
    for var in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        env.setdefault(var, threads)
    data_dir = data_dir or env.get("LEARNKIT_DATA")
    if data_dir:  # absolute: the kernel runs in another folder
        env["LEARNKIT_DATA"] = os.pathsep.join(str(Path(d).resolve()) for d in data_dir.split(os.pathsep) if d)
    env["LEARNKIT_PROGRESS"] = str(work / ".learnkit-progress.jsonl")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return env


def grading_env(opts: Options, work: Path) -> dict:
    """The environment of a grading kernel working in ``work`` (cold or prepared alike); the
    notebook's own language is set per submission."""
    env = kernel_env(_kernel_env(opts.data_dir, work, opts.workers, opts.keras_backend, opts.jax_cache), work,
                     opts.keras_backend)
    env["LEARNKIT_LANG"] = "en"
    return gpu.apply(env, gpu.base_env())  # no preallocation (slot variables: execute)


def execute(sub: Submission, opts: Options, kernels=None) -> tuple[Outcome, nbformat.NotebookNode | None]:
    """Run one submission in a fresh kernel and temp dir (worker thread; never raises).

    ``kernels``: a ``learnkit.runner.pool.KernelPool``; the submission then runs on one of its
    prepared kernels (a fresh process used for this submission only), else on a cold one.
    """
    t0 = time.monotonic()  # the duration includes waiting for a prepared kernel
    pk = kernels.take() if kernels is not None else None
    work = pk.work if pk is not None else Path(tempfile.mkdtemp(prefix="learnkit-grade-"))
    box = pk.sandbox if pk is not None else None
    watch = KernelWatch(opts.memory_mb or None)
    first, count, on_machine = opts.gpu_slots or (0, opts.workers, opts.workers)
    slot = gpu.lease(first, count, on_machine, opts.gpu_memory_mb)  # its GPU and memory budget (if any)
    try:
        if hashlib.sha256(sub.path.read_bytes()).hexdigest() != sub.sha256:
            return _failed(sub, "the file changed while the batch was running; grade it again"), None
        nb = read_notebook(sub.path)
        for cell in nb.cells:  # grades never come from outputs: start from a clean notebook
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        copy = work / (re.sub(r"[^\w.-]", "_", sub.path.stem)[:80] + ".ipynb")
        nbformat.write(nb, pk.host_path(copy) if pk is not None else copy)  # a sandboxed kernel's own tmpfs
        env = gpu.apply(pk.env.copy() if pk is not None else grading_env(opts, work), slot.env)
        if pk is None and opts.sandbox:
            sandbox_mod.require()
            box = sandbox_mod.Sandbox.create(work=work, **sandbox_options(opts, env))
        # feedback in the notebook's own language, not the instructor's LEARNKIT_LANG
        env["LEARNKIT_LANG"] = (nb.metadata.get("learnkit") or {}).get("lang") or "en"
        run = run_notebook(copy, nb=nb, cwd=work, env=env,
                           exercise=sub.exercise, cell_timeout=opts.cell_timeout, timeout=opts.timeout,
                           keras_backend=opts.keras_backend, on_kernel_start=watch,
                           max_output_bytes=int(opts.max_output_mb * 1e6), kernel=pk,
                           sandbox=box if pk is None else None)
        pk = None  # run_notebook shut it down
    except Exception as e:  # the grader's own trouble with this file: an error row, the batch goes on
        return _failed(sub, f"the grader could not run this notebook ({type(e).__name__}: {e})"[:300]), None
    finally:
        if pk is not None:
            pk.discard()
        slot.release()
        shutil.rmtree(work, ignore_errors=True)
        if box is not None:
            box.cleanup()
    outcome = _outcome(sub, run, watch.peak_mb)
    outcome.duration = time.monotonic() - t0
    outcome.sandboxed = run.sandboxed
    return outcome, run.notebook


def _outcome(sub: Submission, run: NotebookRun, peak_mb: float) -> Outcome:
    reason = run.reason
    if run.ok and run.cell_errors:
        e = run.cell_errors[0]
        reason = (f"{len(run.cell_errors)} cell(s) raised errors; first: cell {e['cell'] + 1} "
                  f"{e['ename']}: {e['evalue']}")
    results = [{"question": r.question, "status": r.status.value, "points": r.points, "max_points": r.max_points,
                "message": r.message, "diagnosis": r.diagnosis} for _, r in sorted(run.results.items())]
    return Outcome(sub, run.status, reason[:500], results, run.duration, run.compute, run.judge, peak_mb,
                   run.output_truncated, run.histories)


def _failed(sub: Submission, reason: str) -> Outcome:
    ex = _exercise(sub.exercise) if sub.exercise else None
    if ex is None:
        return Outcome(sub, "error", reason, [{"question": "*", "status": "error", "points": 0.0,
                                              "max_points": 0.0, "message": reason}])
    return Outcome(sub, "error", reason, [{"question": q, "status": "error", "points": 0.0,
                                          "max_points": v.problem.points, "message": reason}
                                         for q, v in ex.views.items()])


def grade(paths, out_dir, opts: Options | None = None, console=None, on_done=None, pool=None) -> Batch:
    """Grade every submission under ``paths`` into ``out_dir``/gradebook.sqlite, then export."""
    opts = opts or Options()
    out_dir = Path(out_dir)
    if opts.sandbox and pool is None:
        sandbox_mod.require()  # refuse rather than run students' code unconfined (--no-sandbox to do so)
    if opts.sandbox:  # never visible to a kernel, even under a folder it may read
        opts = dataclasses.replace(opts, hide=tuple(opts.hide) + tuple(
            str(p.resolve() if p.is_dir() else p.resolve().parent) for p in map(Path, paths)) + (str(out_dir.resolve()),))
    out_dir.mkdir(parents=True, exist_ok=True)
    batch = Batch(out_dir, out_dir / GRADEBOOK)
    t0 = time.monotonic()
    gb = Gradebook(batch.gradebook)
    try:
        todo = []
        for sub in map(inspect, find_submissions(paths, exclude=out_dir)):
            sub.id = gb.submission(str(sub.path), sub.sha256 or "-", sub.student, sub.exercise)
            (todo if opts.force or not gb.is_graded(sub.id) else batch.skipped).append(sub)
        if opts.prepared_kernels and not opts.preload:
            opts = dataclasses.replace(opts, preload=batch_preload(todo))
        with BatchProgress(len(todo), console) as progress:
            _run_all(gb, todo, opts, batch, progress, on_done, pool)
        batch.exported = export(gb, out_dir)
        try:
            from learnkit.grading.report import write_reports
        except ImportError:
            write_reports = None
        if write_reports is not None:
            note = opts.standin_note or standin_note(opts.data_dir or os.environ.get("LEARNKIT_DATA"))
            if gb.not_sandboxed():  # on every page, loudly
                from learnkit.grading.gradebook import NOT_SANDBOXED
                note = f"{note} {NOT_SANDBOXED}" if note else NOT_SANDBOXED
            batch.report = Path(write_reports(gb, out_dir, standin_note=note) if note else write_reports(gb, out_dir))
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
                record(_failed(sub, sub.problem), run_id)
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


def batch_preload(todo: list[Submission]) -> tuple[str, ...]:
    """What prepared kernels import for this batch: its exercise's checker module and ``preload``,
    and the installed modules at least half of its notebooks import."""
    from learnkit.runner.pool import preload_for
    runnable = [s for s in todo if not s.problem]
    exercises = {s.exercise for s in runnable}
    exercise = exercises.pop() if len(exercises) == 1 else None
    extra = getattr(_exercise(exercise), "preload", ()) if exercise else ()
    return tuple(preload_for([s.imports for s in runnable], exercise, extra))


def sandbox_options(opts: Options, env: dict) -> dict:
    """What a kernel's sandbox shows (``Sandbox.create`` keywords): the datasets read-only, the
    JAX compilation cache read-write (shared by the batch; see docs), ``opts.hide`` covered."""
    data = tuple(d for d in (env.get("LEARNKIT_DATA") or "").split(os.pathsep) if d)
    shared = tuple(d for d in [env.get("JAX_COMPILATION_CACHE_DIR")] if d)
    return {"data": data, "shared": shared, "hide": tuple(map(str, opts.hide)), "quota_mb": opts.write_quota_mb}


def kernel_pool(opts: Options, limit: int | None = None, ahead: int | None = None):
    """Prepared kernels for ``opts`` (a fork server importing ``opts.preload`` where the OS can
    fork; else kernels that import it themselves), at most ``limit`` of them."""
    from functools import partial

    from learnkit.runner.pool import KernelPool

    env_for = partial(grading_env, opts)
    server = None
    if hasattr(os, "fork"):
        from learnkit.runner.forkserver import ForkServer
        home = Path(tempfile.mkdtemp(prefix="learnkit-forkserver-"))
        try:
            server = ForkServer(list(opts.preload), env_for(home), str(home))
        except Exception:  # cannot start one: prepared kernels import the modules themselves instead
            server = None
    box = sandbox_options(opts, env_for(Path(tempfile.gettempdir()))) if opts.sandbox else None
    return KernelPool(env_for, list(opts.preload), ahead=ahead or max(1, opts.workers), limit=limit, server=server,
                      sandbox=box)


def _save_notebook(out_dir: Path, sub: Submission, nb) -> None:
    folder = out_dir / "executed"
    folder.mkdir(exist_ok=True)
    stem = sub.student if sub.student == sub.path.stem else f"{sub.student}-{sub.path.stem}"
    name = re.sub(r"[^\w.-]", "_", stem)[:100] + f"-{sub.sha256[:8]}.ipynb"
    try:
        nbformat.write(nb, folder / name)
    except Exception:  # a copy for humans; never fails the batch
        pass


class BatchProgress:
    """A rich progress bar (done/total, failures, ETA) plus one line per graded submission."""

    def __init__(self, total: int, console=None):
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)
        self.quiet = console is False
        self.progress = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("[red]{task.fields[failed]} failed"), TimeElapsedColumn(),
                                 TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.fields[now]}"),
                                 console=None if self.quiet else console, disable=self.quiet)
        self.task = self.progress.add_task("grading", total=total, failed=0, now="")
        self.failed, self.running = 0, []

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)

    def started(self, sub: Submission) -> None:
        self.running.append(sub.student)
        self.progress.update(self.task, now=", ".join(self.running[-3:]))

    def done(self, o: Outcome) -> None:
        if o.submission.student in self.running:
            self.running.remove(o.submission.student)
        self.failed += o.status != "ok"
        self.progress.update(self.task, advance=1, failed=self.failed, now=", ".join(self.running[-3:]))
        if not self.quiet:
            from rich.markup import escape
            got, of = o.points
            note = f"[red]{o.status}: {escape(o.reason)}[/red]" if o.status != "ok" else ""
            self.progress.console.print(f"{escape(o.submission.student)}: {got:g}/{of:g} points, "
                                        f"{o.duration:.0f} s {note}", highlight=False)


STATUS_STYLE = {"correct": "green", "incorrect": "yellow", "unattempted": "dim", "error": "red",
                "timeout": "magenta", "killed": "magenta"}


def summary_table(gradebook_path, title: str = "grades"):
    """A rich renderable: a table (student, points, one status column per question), then each run's note."""
    from rich.console import Group
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text
    gb = Gradebook(gradebook_path)
    try:
        runs = [(run, gb.results(run["id"])) for run in gb.current_runs()]
        unsandboxed = gb.not_sandboxed()
    finally:
        gb.close()
    questions = sorted({r["question"] for _, rs in runs for r in rs} - {"*"})
    table = Table(title=title)
    table.add_column("student", overflow="fold", min_width=8)
    table.add_column("points", no_wrap=True)
    for q in questions:
        table.add_column(q, no_wrap=True)
    notes = []
    for run, rs in runs:
        by_q = {r["question"]: r["status"] for r in rs}
        pts = f"{sum(r['points'] for r in rs):g}/{sum(r['max_points'] for r in rs):g}"
        cells = [f"[{STATUS_STYLE.get(by_q[q], 'default')}]{escape(by_q[q])}[/]" if q in by_q
                 else ("[red]error[/]" if "*" in by_q else "") for q in questions]
        table.add_row(escape(run["student"]), pts, *cells)
        if run["reason"]:
            notes.append(Text(f"  {run['student']}: {run['reason'][:160]}", style="dim" if run["status"] == "ok"
                              else "red"))
    if unsandboxed:
        notes.append(Text(f"NOT SANDBOXED: {len(unsandboxed)} run(s) graded with --no-sandbox (see NOT-SANDBOXED.txt)",
                          style="bold red"))
    return Group(table, *([Text("notes:")] + notes if notes else []))
