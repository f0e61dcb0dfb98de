"""Execute one notebook in a fresh kernel and return what happened (no printing, no grading policy).

``run_notebook`` is the single entry point shared by ``make demo``, ``learnkit test``,
the pytest plugin and ``learnkit grade``. The per-question verdicts come from the
kernel-side tracker (``learnkit.runner.kernel``), never from the notebook's outputs.
"""
from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import nbformat
from nbclient import NotebookClient

from learnkit.core.exercise import BrokenChecker, UnknownExercise, load_exercise
from learnkit.core.result import Result, RunStatus, Status
from learnkit.runner import scratch
from learnkit.runner.manager import kernel_manager, stop_kernel
from learnkit.runner.verdicts import judge_facts, unjudged

EXERCISE_IMPORT = re.compile(r"^\s*from\s+checkers\.([\w.]+)\s+import", re.M)
DISPLAYS = frozenset({"execute_result", "display_data", "update_display_data"})  # may carry a display id
TRUNCATED = "[learnkit: output truncated: the notebook printed more than {mb:g} MB; the rest was dropped]\n"


class NotebookProblem(Exception):
    """The file cannot be run at all (not JSON, not a notebook, unknown exercise…)."""


@dataclass
class NotebookRun:
    path: str
    exercise: str | None
    results: dict[str, Result] = field(default_factory=dict)
    status: RunStatus = RunStatus.OK  # the run, not a question
    reason: str = ""
    cell_errors: list[dict] = field(default_factory=list)  # {cell, ename, evalue}
    duration: float = 0.0
    notebook: nbformat.NotebookNode | None = None  # executed, with outputs
    histories: list[dict] = field(default_factory=list)  # learning curves seen (verdicts.Judged.histories)
    compute: float = 0.0  # seconds spent running student cells (kernel-side clock)
    judge: float = 0.0  # seconds spent on facts: collecting them in the kernel and judging them here
    output_truncated: bool = False
    sandboxed: bool = False  # the kernel ran in its own sandbox (learnkit.runner.sandbox)
    correct_cells: dict[str, int] = field(default_factory=dict)  # question -> notebook cell number where it first turned correct

    @property
    def ok(self) -> bool:
        return self.status is RunStatus.OK


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
    if isinstance(meta, dict) and meta.get("exercise"):
        return str(meta["exercise"])
    for cell in nb.cells:
        if cell.cell_type == "code":
            m = EXERCISE_IMPORT.search(cell.source)
            if m:
                return m.group(1)
    return None


def _size(value, depth: int = 0) -> int:
    """Approximate bytes of a message content (strings only; bounded recursion)."""
    if isinstance(value, str):
        return len(value)
    if depth > 4:
        return 0
    if isinstance(value, dict):
        return sum(_size(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_size(v, depth + 1) for v in value)
    return 8


class CappedClient(NotebookClient):
    """A NotebookClient that keeps at most ``max_output_bytes`` of outputs in memory.

    Past the budget every output is dropped and ONE truncation notice is added (error
    outputs keep their name and value, so a failing cell is still reported).

    ``exit_cell``: the index of the cell whose reply says the notebook asked its kernel to exit
    (``exit()``, ``quit()``, ``get_ipython().ask_exit()``: an ``ask_exit`` payload without
    ``keepkernel``), else None. The kernel stops a moment after that reply, so the runner must not
    send it another cell: the next ones would run or not by chance, and the one that finds the kernel
    dead would be blamed for it.
    """

    def __init__(self, nb, km=None, *, max_output_bytes: int | None = None, **kw):
        super().__init__(nb, km=km, **kw)
        self.max_output_bytes = max_output_bytes
        self.output_bytes = 0
        self.truncated = False
        self._noticed = False
        self.exit_cell: int | None = None
        self.on_cell_executed = self._note_reply  # nbclient's hook: called with every execute_reply

    def _note_reply(self, cell, cell_index, execute_reply, **_kw) -> None:
        content = (execute_reply or {}).get("content") or {}
        payloads = content.get("payload") if isinstance(content, dict) else None
        for p in payloads if isinstance(payloads, list) else []:
            if isinstance(p, dict) and p.get("source") == "ask_exit" and not p.get("keepkernel"):
                self.exit_cell = cell_index

    def _over(self, content) -> bool:
        if self.max_output_bytes is None:
            return False
        if not self.truncated:
            self.output_bytes += _size(content)
            self.truncated = self.output_bytes > self.max_output_bytes
        return self.truncated

    def output(self, outs, msg, display_id, cell_index):
        used = self.output_bytes
        if not self._over(msg.get("content", {})):
            return super().output(outs, msg, display_id, cell_index)
        assert self.max_output_bytes is not None  # (over a budget: there is one)
        room = self.max_output_bytes - used
        if msg["msg_type"] == "stream" and room > 0 and not self._noticed:  # keep the head of a huge print
            head = {**msg, "content": {**msg["content"], "text": str(msg["content"].get("text", ""))[:room]}}
            super().output(outs, head, display_id, cell_index)
        if not self._noticed:
            self._noticed = True
            outs.append(nbformat.v4.new_output(
                "stream", name="stderr", text=TRUNCATED.format(mb=round(self.max_output_bytes / 1e6, 1))))
        if msg["msg_type"] == "error":
            c = msg["content"]
            outs.append(nbformat.v4.new_output("error", ename=str(c.get("ename", ""))[:200],
                                               evalue=str(c.get("evalue", ""))[:1000], traceback=[]))
        return None

    def process_message(self, msg, cell, cell_index):
        """Past the budget, a message that names a display id updates no earlier output: it goes on
        without its display id (an ``update_display_data`` is then dropped, any other output is
        dropped or noted by ``output``)."""
        content = msg.get("content") or {}
        transient = content.get("transient") or {}
        if (transient.get("display_id") and msg.get("msg_type") in DISPLAYS
                and self._over(content)):
            msg = {**msg, "content": {**content, "transient": {k: v for k, v in transient.items()
                                                                if k != "display_id"}}}
        return super().process_message(msg, cell, cell_index)


class _QuietAbandonedPolls(logging.Filter):
    """nbclient leaves its output-polling task pending when a cell times out; asyncio then logs
    "Task was destroyed but it is pending!" at garbage collection. That is noise, not news."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        return not ("Task was destroyed but it is pending" in msg and "NotebookClient._async_poll" in msg)


_quiet = _QuietAbandonedPolls()
logging.getLogger("asyncio").addFilter(_quiet)


def _cell_numbers(nb: nbformat.NotebookNode, tracker_cells: dict[str, int]) -> dict[str, int]:
    """The tracker counts executed cells (1: the preamble; nbclient skips blank ones): map its
    numbers to the notebook's own 1-based cell numbers (markdown cells included)."""
    executed = [i for i, c in enumerate(nb.cells, 1) if c.cell_type == "code" and c.source.strip()]
    return {q: executed[k - 2] for q, k in tracker_cells.items() if 0 <= k - 2 < len(executed)}


def kernel_env(env: dict | None, work: Path, keras_backend: str | None = None) -> dict:
    """The environment a notebook's kernel runs with (``env`` defaults to the grader's own)."""
    kenv = dict(os.environ if env is None else env)
    if keras_backend:
        kenv["KERAS_BACKEND"] = keras_backend
    kenv.setdefault("LEARNKIT_PROGRESS", str(work / "progress.jsonl"))
    kenv.setdefault("MPLBACKEND", "agg")
    return kenv


def cell_label(index: int) -> str:
    """How a reason names the cell at ``index`` of the notebook as run (the runner's preamble at 0):
    "cell N", N counted from 1 over every cell of the submitted notebook, markdown included (so it
    is ``index`` itself, and the ``cell_errors[i]["cell"] + 1`` of a NotebookRun)."""
    return f"cell {index}" if index > 0 else "the grader's setup cell (before the notebook's first cell)"


def _dataset_errors() -> frozenset[str]:
    """The class names of ``learnkit.data.DatasetError`` and its subclasses (the grader's own)."""
    from learnkit.data import DatasetError
    names, todo = set(), [DatasetError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return frozenset(names)


def _data_error(cell_errors: list[dict]) -> str:
    """The run's reason when a cell failed to load the course data (``DatasetNotFound``,
    ``DatasetChecksumError``...), else "".

    Such a run says nothing about the student: every question would otherwise end "unattempted"
    with 0 points, as if they had done nothing. It is recognised by the error's class name, which
    the kernel reports and could fake; a notebook doing so only turns its own run into an error.
    """
    names = _dataset_errors()
    for e in cell_errors:
        if e.get("ename") in names:
            first = (str(e.get("evalue") or "").strip().splitlines() or [e["ename"]])[0]
            first = first if len(first) <= 200 else first[:199] + "…"
            return f"the course data could not be loaded in {cell_label(e['cell'] + 1)}: {first}"
    return ""


def run_notebook(path: str | Path, *, cwd: str | Path | None = None, env: dict | None = None,
                 cell_timeout: float = 600, timeout: float | None = None, exercise: str | None = None,
                 keras_backend: str | None = None, on_kernel_start: Callable[[Any], Any] | None = None,
                 nb: nbformat.NotebookNode | None = None, max_output_bytes: int | None = None,
                 kernel=None, sandbox=None) -> NotebookRun:
    """Run every cell (continuing after student errors) and collect the tracked verdicts.

    ``kernel``: a ``learnkit.runner.pool.PreparedKernel`` to run on instead of starting one
    (it is used for this notebook only and shut down afterwards); environment variables that
    differ from the ones it was started with, and the working folder, are set by the preamble.

    ``timeout`` bounds the whole notebook; ``cell_timeout`` each cell. ``on_kernel_start(km)``
    lets a caller watch the kernel process; it may return a watcher with ``stop()`` and
    ``reason`` (a non-empty reason means the watcher killed the kernel: status ``killed``).
    ``sandbox``: a ``learnkit.runner.sandbox.Sandbox`` to start the kernel in (a prepared kernel
    brings its own); the runner's private files then live in its private folder.
    """
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    t0 = time.monotonic()
    run = NotebookRun(path=str(path), exercise=exercise)
    try:
        nb = nb if nb is not None else read_notebook(path)
    except (NotebookProblem, OSError) as e:
        run.status, run.reason = RunStatus.ERROR, f"cannot read notebook: {e}"
        return run
    run.exercise = exercise = exercise or exercise_of(nb)
    if not exercise:
        run.status, run.reason = RunStatus.ERROR, "no learnkit exercise found (no `from checkers.<course>.<exercise> import` line)"
        return run
    try:
        checker = load_exercise(exercise)  # the grader's own copy: questions, points and rules come from here
    except (UnknownExercise, BrokenChecker) as e:
        run.status, run.reason = RunStatus.ERROR, str(e)
        return run

    sandbox = getattr(kernel, "sandbox", None) if kernel is not None else sandbox
    run.sandboxed = sandbox is not None
    work = Path(tempfile.mkdtemp(prefix="learnkit-run-", dir=sandbox.run if sandbox is not None else scratch.root()))
    facts_path = work / f"facts-{secrets.token_hex(8)}.jsonl"
    ticket = work / f"ticket-{secrets.token_hex(8)}.json"
    ticket.write_text(json.dumps({"exercise": exercise, "facts": str(facts_path)}))
    kenv = kernel_env(env, work, keras_backend)
    setup = ""
    if kernel is not None:  # a prepared kernel: bring its environment and folder to this submission's
        changed = {k: v for k, v in kenv.items() if kernel.env.get(k) != v}
        removed = sorted(set(kernel.env) - set(kenv))
        folder = str(Path(cwd or Path(path).parent).resolve())
        setup = (f"import os as _learnkit_os\n_learnkit_os.environ.update({changed!r})\n"
                 f"for _learnkit_k in {removed!r}: _learnkit_os.environ.pop(_learnkit_k, None)\n"
                 f"_learnkit_os.chdir({folder!r})\ndel _learnkit_os\n")
    preamble = nbformat.v4.new_code_cell(
        f"{setup}import learnkit.runner.gpu as _learnkit_gpu\n_learnkit_gpu.apply_tensorflow_limit()\n"
        f"import learnkit.runner.kernel as _learnkit_kernel\n_learnkit_kernel.install({str(ticket)!r})\n"
        "del _learnkit_kernel, _learnkit_gpu")
    preamble.metadata["tags"] = ["learnkit-preamble"]
    nb.cells.insert(0, preamble)
    deadline = None if timeout is None else t0 + timeout

    def cell_budget(_cell):
        if deadline is None:
            return cell_timeout
        return max(1, min(cell_timeout, int(deadline - time.monotonic()) + 1))

    km, spec_dir = (kernel.km, kernel.spec_dir) if kernel is not None else kernel_manager(kenv, sandbox)
    client = CappedClient(nb, km=km, timeout_func=cell_budget, allow_errors=True, shutdown_kernel="immediate",
                          resources={"metadata": {"path": str(cwd or Path(path).parent)}},
                          record_timing=False, max_output_bytes=max_output_bytes)
    watcher: Any = None  # what on_kernel_start returned: stop() and reason
    current = 0
    try:
        with client.setup_kernel(env=kenv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            if on_kernel_start is not None:
                watcher = on_kernel_start(km)
            for current, cell in enumerate(nb.cells):
                client.execute_cell(cell, current)
                if client.exit_cell is not None:  # the kernel is going away: send it nothing more
                    break
        if client.exit_cell is not None and any(c.cell_type == "code" and c.source.strip()
                                                for c in nb.cells[client.exit_cell + 1:]):
            run.status = RunStatus.KILLED  # like any kernel that ended itself (os._exit): the rest never ran
            run.reason = (f"the notebook called exit() (or quit()) in {cell_label(client.exit_cell)}; "
                          "cells after it did not run")
    except CellTimeoutError:
        budget_left = deadline is not None and time.monotonic() >= deadline - 1
        run.status = RunStatus.TIMEOUT
        run.reason = (f"the notebook took longer than its time limit of {timeout:.0f} s (in {cell_label(current)})"
                      if budget_left else
                      f"{cell_label(current)} ran longer than the cell time limit of {cell_timeout:.0f} s")
    except DeadKernelError:
        run.status = RunStatus.KILLED
        run.reason = f"the kernel died in {cell_label(current)} (the notebook crashed or exited)"
    except Exception as e:  # nbclient/zmq trouble: report, never crash the batch
        run.status, run.reason = RunStatus.ERROR, f"{type(e).__name__}: {e}".replace("\n", " ")[:300]
    finally:
        if client.km is not None:  # we own the kernel manager, so nbclient leaves the kernel alive
            stop_kernel(client.km, client.kc)
        if watcher is not None:
            watcher.stop()
        shutil.rmtree(spec_dir, ignore_errors=True)
    killed_because = str(getattr(watcher, "reason", "") or "") if watcher is not None else ""
    if killed_because:
        run.status, run.reason = RunStatus.KILLED, killed_because

    nb.cells.pop(0)
    run.notebook = nb
    run.output_truncated = client.truncated
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                run.cell_errors.append({"cell": i, "ename": out.get("ename", ""), "evalue": out.get("evalue", "")})
    if run.status is RunStatus.OK:
        data_error = _data_error(run.cell_errors)
        if data_error:
            run.status, run.reason = RunStatus.ERROR, data_error
    judged = judge_facts(facts_path, checker)
    run.correct_cells = _cell_numbers(nb, judged.first_correct)
    run.histories, run.compute, run.judge = judged.histories, judged.compute, judged.collect + judged.judge
    if judged.problems and run.status is RunStatus.OK:
        run.reason = "; ".join(dict.fromkeys(judged.problems))[:500]
    run.results = unjudged(checker, Status(run.status.value) if run.status is not RunStatus.OK else None,
                           run.reason, judged.results)
    run.duration = time.monotonic() - t0
    shutil.rmtree(work, ignore_errors=True)
    return run
