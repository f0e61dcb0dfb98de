"""Runs INSIDE the kernel that executes a notebook for grading or testing.

The runner's preamble cell calls ``install(ticket_path)`` before any student cell. It
reads (and deletes) the ticket the runner wrote: exercise id, results path, secret.
It captures the exercise's problems and the cell callbacks *now*, so that a student
who later redefines ``q_1``, patches ``q_1.check`` or rebinds the binder changes
nothing here. After every cell it judges every question against the kernel's own
user namespace and keeps the best verdict reached so far per question; the results
file is rewritten atomically with an HMAC the runner verifies. The payload also holds
the learning curves the notebook produced and the seconds spent in student cells.
See docs/grading.md for the threat model and its limits.
"""
from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import math
import os
import sys
import time

MAX_HISTORIES = 50       # learning curves kept per notebook
MAX_EPOCHS = 10_000      # values kept per curve


def sign(payload: str, secret: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def _grading_modules() -> list:
    return [(name, mod) for name, mod in list(sys.modules.items()) if mod is not None
            and (name == "learnkit" or name.startswith(("learnkit.", "checkers.")))]


def fingerprint() -> dict:
    """Identity of every function and class method in learnkit and checkers modules.

    Computed at install time and again before each judgement: a student who replaces
    a grading function (``learnkit.keras.spec.first_difference = lambda *a: None``) or
    its code object is detected, and every later verdict becomes an error that says so.
    A module imported after install is fingerprinted the first time it is seen. The
    objects themselves are kept (compared with ``is``), so an id can never be reused.
    """
    import types
    out = {}
    for name, mod in _grading_modules():
        for attr, obj in list(vars(mod).items()):
            if isinstance(obj, types.FunctionType):
                out[f"{name}.{attr}"] = (obj, obj.__code__)
            elif isinstance(obj, type) and obj.__module__ == name:
                for meth, fn in list(vars(obj).items()):
                    if isinstance(fn, types.FunctionType):
                        out[f"{name}.{attr}.{meth}"] = (fn, fn.__code__)
    return out


def _number(v):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def histories_payload(log) -> list[dict]:
    """The learning curves ``log`` (a ``learnkit.keras.history.HistoryLog``) has seen, JSON-safe.

    Each: {"name", "history": {key: [float or None]}, "layers": [class names],
    "input_shape": [dims without the batch dimension] or None}. NaN/inf become None.
    """
    if log is None:
        return []
    out = []
    try:
        seen = log.seen()[:MAX_HISTORIES]
    except Exception:
        return []
    for s in seen:
        history = {str(k): [_number(v) for v in values[:MAX_EPOCHS]]
                   for k, values in dict(s.history).items() if isinstance(values, list)}
        model = s.model
        shape = list(model.input_shape) if model is not None and model.input_shape else None
        if shape and shape[0] is None:
            shape = shape[1:]
        out.append({"name": str(s.name), "history": history,
                    "layers": [str(c) for c in model.layers] if model is not None else [],
                    "input_shape": shape})
    return out


def install(ticket_path: str) -> None:
    with open(ticket_path, encoding="utf-8") as f:
        ticket = json.load(f)
    os.unlink(ticket_path)

    from IPython import get_ipython

    from learnkit.core import binder
    from learnkit.core.problem import evaluate
    from learnkit.core.result import Result, Status

    shell = get_ipython()
    ns = shell.user_ns
    module = importlib.import_module("checkers." + ticket["exercise"])
    exercise = module.exercise
    problems = [(q, v.problem) for q, v in exercise.views.items()]
    callbacks = list(binder._cell_callbacks)  # e.g. the history log used by q_4
    results_path, secret, exercise_id = ticket["results"], ticket["secret"], exercise.id
    best: dict = {}
    state = {"cell": 0, "tampered": "", "t0": None, "compute": 0.0, "judge": 0.0}
    reference = fingerprint()
    hist = sys.modules.get("learnkit.keras.history")
    logs = {"log": getattr(hist, "log", None)}

    def write() -> None:
        if logs["log"] is None and "learnkit.keras.history" in sys.modules:
            logs["log"] = getattr(sys.modules["learnkit.keras.history"], "log", None)
        payload = json.dumps({"exercise": exercise_id, "cells": state["cell"],
                              "results": {q: r for q, r in best.items()},
                              "tampered": state["tampered"],
                              "compute": round(state["compute"], 4), "judge": round(state["judge"], 4),
                              "histories": histories_payload(logs["log"])}, sort_keys=True)
        tmp = results_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"payload": payload, "mac": sign(payload, secret)}, f)
        os.replace(tmp, results_path)

    def before_cell(*_args) -> None:
        state["t0"] = time.perf_counter()

    def after_cell(*_args) -> None:
        started = time.perf_counter()
        if state["t0"] is not None:
            state["compute"] += started - state["t0"]
            state["t0"] = None
        state["cell"] += 1
        for cb in callbacks:
            try:
                cb(ns)
            except Exception:
                pass
        if not state["tampered"]:
            now = fingerprint()
            for k, v in now.items():  # modules imported since: baseline at first sight
                reference.setdefault(k, v)
            changed = sorted(k for k, (fn, code) in reference.items()
                             if k not in now or now[k][0] is not fn or now[k][1] is not code)
            if changed:
                state["tampered"] = changed[0]
        for q, problem in problems:
            t0 = time.perf_counter()
            r = evaluate(problem, ns, q, exercise_id, passive=True)
            if state["tampered"]:
                r = Result(q, Status.ERROR, f"grading code was modified by the notebook ({state['tampered']}); "
                           "no verdict can be trusted after that", 0.0, problem.points, exercise_id)
                best[q] = {**r.to_dict(), "cell": state["cell"], "duration": 0.0, "tampered": True}
                continue
            d = r.to_dict()
            d["duration"] = round(time.perf_counter() - t0, 4)
            d["cell"] = state["cell"]
            old = best.get(q)
            if old is None or (not old.get("tampered") and r.better_than(Result.from_dict(old))):
                best[q] = d
        state["judge"] += time.perf_counter() - started
        write()

    write()
    shell.events.register("pre_run_cell", before_cell)
    shell.events.register("post_run_cell", after_cell)
