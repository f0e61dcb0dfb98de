"""Running one submission on a kernel: its environment, its sandbox, its prepared kernel, its outcome.

``execute`` is what a worker (a thread here, or a Dask worker) does with one submission; it never
raises. ``kernel_pool`` prepares kernels for a batch; ``grading_env`` is the environment every
grading kernel starts from.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from learnkit.core.exercise import BrokenChecker, UnknownExercise, load_exercise
from learnkit.core.result import RunStatus, Status
from learnkit.grading.options import Options
from learnkit.grading.submissions import Submission
from learnkit.runner import gpu
from learnkit.runner import sandbox as sandbox_mod
from learnkit.runner import scratch
from learnkit.runner.execute import NotebookRun, cell_label, kernel_env, read_notebook, run_notebook
from learnkit.runner.limits import KernelWatch


@dataclass
class Outcome:
    submission: Submission
    status: RunStatus
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


_jax_cache: list[Path] = []


def jax_cache_dir() -> Path:
    """This grading process's JAX compilation cache (one per grader or Dask worker process, removed at exit).

    Students' models of one exercise mostly compile to the same XLA programs: with the cache, the
    first kernel compiles them and later kernels load them (~6 s less per ex5 notebook). Only
    compiled programs are shared, keyed by their hash; see docs/grading.md for what it means for trust.
    """
    if not _jax_cache:
        import atexit
        _jax_cache.append(Path(tempfile.mkdtemp(prefix="learnkit-jax-cache-", dir=scratch.root())))
        atexit.register(shutil.rmtree, _jax_cache[0], True)
    return _jax_cache[0]


def base_kernel_env(data_dir: str | None, work: Path, workers: int = 1, backend: str | None = None,
                    jax_cache: bool = True) -> dict:
    """The grader's environment for a kernel in ``work``: course data, thread counts shared among
    ``workers``, the JAX compilation cache (``learnkit.runner.execute.kernel_env`` completes it)."""
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
    env = kernel_env(base_kernel_env(opts.data_dir, work, opts.workers, opts.keras_backend, opts.jax_cache), work,
                     opts.keras_backend)
    env["LEARNKIT_LANG"] = "en"
    return gpu.apply(env, gpu.base_env())  # no preallocation (slot variables: execute)


@dataclass
class ColdKernel:
    """A kernel not started yet: its folder, environment and sandbox; ``run_notebook`` starts it.

    It has the shape of a ``learnkit.runner.pool.PreparedKernel`` (``work``, ``env``, ``sandbox``,
    ``host_path``, ``discard``), so ``execute`` treats every kernel source alike.
    """
    work: Path
    env: dict
    sandbox: sandbox_mod.Sandbox | None = None
    km: None = None  # (started by run_notebook)

    def host_path(self, path) -> Path:
        return Path(path)

    def discard(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        if self.sandbox is not None:
            self.sandbox.cleanup()


_swept: list[float] = []
SWEEP_EVERY = 600.0  # seconds: a long-lived Dask worker sweeps now and then, not once per submission


def sweep_scratch() -> None:
    """Remove what killed graders left in the temp folder (``learnkit.runner.scratch.sweep``): called
    when a batch gets its kernels (``ColdKernels``, ``kernel_pool``), at most every SWEEP_EVERY seconds."""
    now = time.monotonic()
    if _swept and now - _swept[0] < SWEEP_EVERY:
        return
    _swept[:] = [now]
    try:
        scratch.sweep()
    except Exception:  # tidying up never stops a batch
        pass


class ColdKernels:
    """The kernel source without preparation (``--cold-kernels``, or when a pool has none ready)."""

    def __init__(self, opts: Options):
        self.opts = opts
        sweep_scratch()

    def take(self) -> ColdKernel:
        work = Path(tempfile.mkdtemp(prefix="learnkit-grade-", dir=scratch.root()))
        kernel = ColdKernel(work, grading_env(self.opts, work))
        try:
            if self.opts.sandbox:
                sandbox_mod.require()
                kernel.sandbox = sandbox_mod.Sandbox.create(work=work, **sandbox_options(self.opts, kernel.env))
        except BaseException:
            kernel.discard()
            raise
        return kernel

    def close(self) -> None:
        pass


def execute(sub: Submission, opts: Options, kernels=None) -> tuple[Outcome, nbformat.NotebookNode | None]:
    """Run one submission in a fresh kernel and temp dir (worker thread; never raises).

    ``kernels``: where the kernel comes from: a ``learnkit.runner.pool.KernelPool`` (a prepared
    kernel, a fresh process used for this submission only) or, by default and whenever the pool
    has none, ``ColdKernels``.
    """
    t0 = time.monotonic()  # the duration includes waiting for a prepared kernel
    watch = KernelWatch(opts.memory_mb or None)
    first, count, on_machine = opts.gpu_slots or (0, opts.workers, opts.workers)
    slot = gpu.lease(first, count, on_machine, opts.gpu_memory_mb)  # its GPU and memory budget (if any)
    kernel = None
    try:
        kernel = (kernels.take() if kernels is not None else None) or ColdKernels(opts).take()
        if hashlib.sha256(sub.path.read_bytes()).hexdigest() != sub.sha256:
            return failed_outcome(sub, "the file changed while the batch was running; grade it again"), None
        nb = read_notebook(sub.path)
        for cell in nb.cells:  # grades never come from outputs: start from a clean notebook
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        copy = kernel.work / (re.sub(r"[^\w.-]", "_", sub.path.stem)[:80] + ".ipynb")
        nbformat.write(nb, kernel.host_path(copy))  # a sandboxed prepared kernel: its own tmpfs
        env = gpu.apply(kernel.env.copy(), slot.env)
        # feedback in the notebook's own language, not the instructor's LEARNKIT_LANG
        env["LEARNKIT_LANG"] = (nb.metadata.get("learnkit") or {}).get("lang") or "en"
        started = kernel.km is not None
        run = run_notebook(copy, nb=nb, cwd=kernel.work, env=env,
                           exercise=sub.exercise, cell_timeout=opts.cell_timeout, timeout=opts.timeout,
                           keras_backend=opts.keras_backend, on_kernel_start=watch,
                           max_output_bytes=int(opts.max_output_mb * 1e6), kernel=kernel if started else None,
                           sandbox=None if started else kernel.sandbox)
    except Exception as e:  # the grader's own trouble with this file: an error row, the batch goes on
        return failed_outcome(sub, f"the grader could not run this notebook ({type(e).__name__}: {e})"[:300]), None
    finally:
        if kernel is not None:
            kernel.discard()  # a prepared kernel run_notebook shut down: only its folders are left to remove
        slot.release()
    outcome = _outcome(sub, run, watch.peak_mb)
    outcome.duration = time.monotonic() - t0
    outcome.sandboxed = run.sandboxed
    return outcome, run.notebook


def _outcome(sub: Submission, run: NotebookRun, peak_mb: float) -> Outcome:
    reason = run.reason
    if run.ok and run.cell_errors:
        e = run.cell_errors[0]
        reason = (f"{len(run.cell_errors)} cell(s) raised errors; first: {cell_label(e['cell'] + 1)} "
                  f"{e['ename']}: {e['evalue']}")
    results = [{"question": r.question, "status": r.status.value, "points": r.points, "max_points": r.max_points,
                "message": r.message, "diagnosis": r.diagnosis, "correct_cell": run.correct_cells.get(r.question)}
               for _, r in sorted(run.results.items())]
    return Outcome(sub, run.status, reason[:500], results, run.duration, run.compute, run.judge, peak_mb,
                   run.output_truncated, run.histories)


def failed_outcome(sub: Submission, reason: str) -> Outcome:
    """The outcome of a submission the grader could not run: every question an error with 0 points."""
    try:
        ex = load_exercise(sub.exercise) if sub.exercise else None
    except (UnknownExercise, BrokenChecker):
        ex = None
    if ex is None:
        return Outcome(sub, RunStatus.ERROR, reason, [{"question": "*", "status": Status.ERROR.value, "points": 0.0,
                                              "max_points": 0.0, "message": reason}])
    return Outcome(sub, RunStatus.ERROR, reason, [{"question": q, "status": Status.ERROR.value, "points": 0.0,
                                          "max_points": v.problem.points, "message": reason}
                                         for q, v in ex.views.items()])


def batch_preload(todo: list[Submission]) -> tuple[str, ...]:
    """What prepared kernels import for this batch: its exercise's checker module and ``preload``,
    and the installed modules at least half of its notebooks import."""
    from learnkit.runner.pool import preload_for
    runnable = [s for s in todo if not s.problem]
    exercises = {s.exercise for s in runnable}
    exercise = exercises.pop() if len(exercises) == 1 else None
    try:
        extra = load_exercise(exercise).preload if exercise else ()
    except (UnknownExercise, BrokenChecker):
        extra = ()
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

    sweep_scratch()
    env_for = partial(grading_env, opts)
    server = None
    if hasattr(os, "fork"):
        from learnkit.runner.forkserver import ForkServer
        home = Path(tempfile.mkdtemp(prefix="learnkit-forkserver-", dir=scratch.root()))
        try:
            server = ForkServer(list(opts.preload), env_for(home), str(home), own_cwd=True)
        except Exception:  # cannot start one: prepared kernels import the modules themselves instead
            server = None
            shutil.rmtree(home, ignore_errors=True)
    box = sandbox_options(opts, env_for(Path(tempfile.gettempdir()))) if opts.sandbox else None
    return KernelPool(env_for, list(opts.preload), ahead=ahead or max(1, opts.workers), limit=limit, server=server,
                      sandbox=box)
