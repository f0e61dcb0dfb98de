"""Runs INSIDE the kernel that executes a notebook for grading: it reports facts, never verdicts.

The runner's preamble cell calls ``install(ticket_path)`` before any student cell. After
every cell the tracker collects each question's facts (``learnkit.core.problem.collect``: the
question's variables as plain data, and what the student's functions returned when called on
the check's inputs, each call in a short-lived child process with time and memory limits) and
appends the ones that changed to the facts file, one JSON line per cell:

    {"cell": 3, "compute": 1.2, "collect": 0.01, "facts": {"q_1": {...}}, "context": {...}}

The grader (``learnkit.runner.verdicts``) reads that file as untrusted input and decides every
verdict itself with its own copy of the checker. Nothing here is trusted: a notebook that
rewrites this module, the checker or the file can only make the facts describe something else.
See docs/grading.md for the threat model.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import time
from dataclasses import dataclass

MAX_FACTS_BYTES = 48 << 20   # the whole facts file; past it the tracker stops writing and says so
MAX_LINE_BYTES = 16 << 20    # one cell's line


@dataclass
class _State:
    """What the tracker of one kernel keeps between cells."""
    cell: int = 0                  # cells run so far
    t0: float | None = None        # when the running cell started
    compute: float = 0.0           # seconds spent in cells
    bytes: int = 0                 # written to the facts file
    full: bool = False             # the facts file reached its cap: nothing more is written
    context: str | None = None     # digest of the last context written


def install(ticket_path: str) -> None:
    with open(ticket_path, encoding="utf-8") as f:
        ticket = json.load(f)
    os.unlink(ticket_path)

    from IPython import get_ipython

    from learnkit.core import binder
    from learnkit.core import facts as factlib
    from learnkit.core.problem import collect
    from learnkit.runner.isolate import CallCache
    import learnkit.core.plot_facts  # noqa: F401  (registers their encodings)
    import learnkit.keras.fact_types  # noqa: F401

    shell = get_ipython()
    ns = shell.user_ns
    exercise = importlib.import_module("checkers." + ticket["exercise"]).exercise
    problems = [(q, v.problem) for q, v in exercise.views.items()]
    callbacks = binder.cell_callbacks()  # e.g. the history log of learnkit.keras.history_log
    path = ticket["facts"]
    state = _State()
    last: dict[str, str] = {}
    calls = CallCache()  # student functions run in short-lived children, once per distinct state

    def emit(line: dict) -> None:
        text = json.dumps(line, allow_nan=False, separators=(",", ":"))
        if len(text) > MAX_LINE_BYTES or state.bytes + len(text) > MAX_FACTS_BYTES:
            text = json.dumps({"cell": line["cell"], "overflow": True})
            state.full = True
        with open(path, "a", encoding="utf-8") as f:
            f.write(text + "\n")
        state.bytes += len(text) + 1

    def before_cell(*_args) -> None:
        state.t0 = time.perf_counter()

    def after_cell(*_args) -> None:
        started = time.perf_counter()
        if state.t0 is not None:
            state.compute += started - state.t0
            state.t0 = None
        state.cell += 1
        if state.full:
            return
        for cb in callbacks:
            try:
                cb(ns)
            except Exception:
                pass
        changed = {}
        for q, problem in problems:
            f = collect(problem, ns, runner=calls)
            try:
                text = json.dumps(f, sort_keys=True, allow_nan=False)
            except (TypeError, ValueError) as e:
                f, text = {"vars": {}, "error": f"facts not serializable ({e})"}, q
            digest = hashlib.sha256(text.encode()).hexdigest()
            if last.get(q) != digest:
                last[q], changed[q] = digest, f
        line = {"cell": state.cell, "compute": round(state.compute, 4), "facts": changed}
        context = factlib.collect_context()
        digest = hashlib.sha256(json.dumps(context, sort_keys=True).encode()).hexdigest()
        if digest != state.context:
            state.context, line["context"] = digest, context
        line["collect"] = round(time.perf_counter() - started, 4)
        emit(line)

    shell.events.register("pre_run_cell", before_cell)
    shell.events.register("post_run_cell", after_cell)
