"""Calls of student functions made by a check (issue 14): a time limit on every call, in the student's
own kernel too, and a check interrupted with Ctrl-C that says so in one line and leaves nothing behind.

In-process tests run in pytest's main thread, as a check runs in the kernel's main thread; the
kernel tests (slow) run a real kernel with nbclient and interrupt it as Jupyter's stop button does.
"""
from __future__ import annotations

import json
import os
import signal
import threading
import time

import numpy as np
import pytest

from learnkit.core import CodingProblem, FunctionProblem, Status, binder, evaluate, facts
from learnkit.core.numeric import Case, CheckedFunctionProblem
from learnkit.core.problem import collect, decide
from learnkit.core.view import ProblemView
from learnkit.runner.isolate import CallCache


def ref_sigmoid(Z, derivative=False):
    s = 1 / (1 + np.exp(-Z))
    return s * (1 - s) if derivative else s


def endless(Z, derivative=False):
    while True:
        pass


def sigmoid_problem(**kw):
    return CheckedFunctionProblem(var="sigmoid", reference=ref_sigmoid, cases=[Case((np.array([0.5, -1.0]),))],
                                  **kw)


CALL = "`sigmoid(array([ 0.5, -1. ]))`"


@pytest.fixture
def clean_signals():
    """The check leaves SIGALRM, the interval timer and SIGINT as it found them."""
    before = signal.getsignal(signal.SIGALRM), signal.getsignal(signal.SIGINT)
    yield
    assert (signal.getsignal(signal.SIGALRM), signal.getsignal(signal.SIGINT)) == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


# -- item 1: a time limit on every call ------------------------------------------------------------------
def test_every_problem_has_a_call_limit_of_5_s_by_default():
    assert sigmoid_problem().call_timeout == 5.0
    assert FunctionProblem(var="f", reference=abs, cases=[1]).call_timeout == 5.0
    assert CodingProblem(vars=["f"], check=lambda f: None, call_timeout=2).call_timeout == 2


def test_a_function_that_never_returns_is_incorrect_in_the_students_kernel(clean_signals):
    t0 = time.monotonic()
    r = evaluate(sigmoid_problem(call_timeout=1), {"sigmoid": endless}, "q_1")
    assert time.monotonic() - t0 < 4
    assert r.status is Status.INCORRECT and f"{CALL} did not return within 1 s" in r.message, r.message


@pytest.mark.parametrize("make", [
    lambda: FunctionProblem(var="sigmoid", reference=ref_sigmoid, cases=[(np.array([0.5, -1.0]),)], call_timeout=1),
    lambda: CodingProblem(vars=["sigmoid"], check=lambda sigmoid: sigmoid(np.array([0.5, -1.0])) and None,
                          call_timeout=1),
], ids=["FunctionProblem", "CodingProblem calling it itself"])
def test_every_kind_of_check_stops_an_endless_call(make, clean_signals):
    t0 = time.monotonic()
    r = evaluate(make(), {"sigmoid": endless}, "q_1")
    assert time.monotonic() - t0 < 4
    assert r.status is Status.INCORRECT and "did not return within 1 s" in r.message, r.message


def test_the_grading_kernel_uses_the_problems_limit_too():
    problem = sigmoid_problem(call_timeout=1)
    t0 = time.monotonic()
    f = json.loads(json.dumps(collect(problem, {"sigmoid": endless}, runner=CallCache())))
    assert time.monotonic() - t0 < 4  # not isolate's old 10 s
    (records,) = f["calls"].values()
    assert [o["timeout"] for o in records.values()] == [1]
    r = decide(problem, f, "q_1")
    assert r.status is Status.INCORRECT and f"{CALL} did not return within 1 s" in r.message, r.message


def test_check_in_the_students_kernel_reports_the_limit(capsys, clean_signals):
    binder.bind({"sigmoid": endless})
    ProblemView(sigmoid_problem(call_timeout=1), "q_1", "demo.ex").check()
    out = capsys.readouterr().out
    assert out.startswith("Incorrect:") and f"{CALL} did not return within 1 s" in out, out


def test_without_the_main_thread_there_is_no_limit_and_nothing_breaks():
    def slow(x):
        time.sleep(0.6)
        return x
    out = []
    t = threading.Thread(target=lambda: out.append(facts.run_in_process(slow, (1,), {}, timeout=0.2)))
    t.start(), t.join()
    assert out and facts.Decoder()(out[0]["result"]) == 1


# -- item 1: Ctrl-C during a check -------------------------------------------------------------------------
def _interrupt_soon(delay=0.5):
    threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT)).start()


def test_ctrl_c_during_a_check_shows_one_line_and_leaves_nothing_behind(capsys, monkeypatch, tmp_path, clean_signals):
    from learnkit.core import progress
    installed = []

    def install(value):
        installed.append(value)
        return lambda: installed.remove(value)
    monkeypatch.setitem(facts._CONTEXT, "test.context", (lambda: 1, install))
    ns = {"sigmoid": endless}
    binder.bind(ns)
    _interrupt_soon()
    ProblemView(sigmoid_problem(call_timeout=30), "q_1", "demo.ex").check()
    captured = capsys.readouterr()
    assert captured.out.strip() == "q_1.check() was interrupted." and "Traceback" not in captured.err
    assert installed == [] and ns == {"sigmoid": endless}
    assert progress.read("demo.ex") == []          # an interrupted check is not a check
    binder.bind({"sigmoid": ref_sigmoid})          # the next check works as usual
    ProblemView(sigmoid_problem(call_timeout=30), "q_1", "demo.ex").check()
    assert capsys.readouterr().out.startswith("Correct")
    assert [row["status"] for row in progress.read("demo.ex")] == ["correct"]


def test_ctrl_c_while_the_progress_log_is_written_keeps_the_line_whole(capsys, monkeypatch):
    from learnkit.core import progress
    real_open = open

    def slow_open(*a, **kw):  # Ctrl-C arrives while the line is being written
        f = real_open(*a, **kw)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)
        return f
    monkeypatch.setattr("builtins.open", slow_open)
    binder.bind({"sigmoid": ref_sigmoid})
    ProblemView(sigmoid_problem(), "q_1", "demo.ex").check()
    monkeypatch.setattr("builtins.open", real_open)
    assert capsys.readouterr().out.strip() == "q_1.check() was interrupted."
    assert [row["status"] for row in progress.read("demo.ex")] == ["correct"]


# -- item 1 in a real kernel: the student's Jupyter ----------------------------------------------------------
def run_student_kernel(tmp_path, cells: list[str], interrupt_after: dict[int, float]):
    """Run ``cells`` in a fresh kernel of this interpreter, as Jupyter does (no grading tracker).
    Cell ``i`` in ``interrupt_after`` is interrupted after that many seconds (the stop button)."""
    import shutil
    import subprocess

    import nbformat
    from nbclient import NotebookClient

    from learnkit.runner.execute import _kernel_manager, kernel_env

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    env = kernel_env(None, tmp_path)
    km, spec_dir = _kernel_manager(env)
    index = {id(c): i for i, c in enumerate(nb.cells)}
    client = NotebookClient(nb, km=km, allow_errors=True, interrupt_on_timeout=True,
                            timeout_func=lambda cell: interrupt_after.get(index.get(id(cell)), 60),
                            resources={"metadata": {"path": str(tmp_path)}})
    try:
        with client.setup_kernel(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            for i, cell in enumerate(nb.cells):
                client.execute_cell(cell, i)
    finally:
        try:
            client._cleanup_kernel()
        except Exception:
            pass
        shutil.rmtree(spec_dir, ignore_errors=True)
    return nb.cells


def cell_text(cell) -> str:
    return "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cell.outputs)


SETUP = "import numpy as np\nfrom learnkit.core import binder\nbinder.bind(globals())\n" \
        "from checkers.nn_from_scratch.ex3 import *"
ENDLESS = "def sigmoid(Z, derivative=False):\n    while True:\n        pass\n"
STATE = ("import json, signal\nfrom learnkit.core import progress\n"
         "print(json.dumps({'alarm': signal.getsignal(signal.SIGALRM) == signal.SIG_DFL,\n"
         "                  'timer': signal.getitimer(signal.ITIMER_REAL),\n"
         "                  'sigmoid': sigmoid.__module__ == '__main__' and sigmoid.__name__,\n"
         "                  'log': [r['status'] for r in progress.read('nn_from_scratch.ex3')]}))")
RIGHT = "def sigmoid(Z, derivative=False):\n    sig = 1 / (1 + np.exp(-Z))\n    return sig * (1 - sig) if derivative " \
        "else sig\nq_1.check()"


@pytest.mark.slow
def test_an_endless_function_and_ctrl_c_in_the_students_kernel(tmp_path):
    cells = run_student_kernel(tmp_path, [
        SETUP,
        ENDLESS + "q_1.check()",                                     # 1: stopped at the default 5 s
        "q_1.problem.call_timeout = 600\nq_1.check()",               # 2: the stop button after 3 s
        STATE,                                                       # 3: nothing left behind
        RIGHT,                                                       # 4: checks go on as usual
    ], interrupt_after={2: 3})
    for cell in cells:
        assert all(o.output_type != "error" and "Traceback" not in str(o) for o in cell.outputs), cell.outputs
    text = cell_text(cells[1])
    assert text.startswith("Incorrect") and "`sigmoid(0.0)` did not return within 5 s" in text, text
    assert cell_text(cells[2]).strip() == "q_1.check() was interrupted.", cells[2].outputs
    state = json.loads(cell_text(cells[3]))
    assert state == {"alarm": True, "timer": [0.0, 0.0], "sigmoid": "sigmoid", "log": ["incorrect"]}, state
    assert cell_text(cells[4]).startswith("Correct")


# -- item 2: a function must leave its arguments alone ---------------------------------------------------------
def inplace_sigmoid(Z, derivative=False):
    Z *= -1                       # the right result, but the caller's array is flipped
    return 1 / (1 + np.exp(Z))


def inplace_x(x):
    x *= -1
    return 1 / (1 + np.exp(x))


ALONE = "a function should return a new array and leave its inputs alone"


@pytest.mark.parametrize("make", [
    lambda: sigmoid_problem(),
    lambda: FunctionProblem(var="sigmoid", reference=ref_sigmoid, cases=[(np.array([0.5, -1.0]),)]),
], ids=["CheckedFunctionProblem", "FunctionProblem"])
@pytest.mark.parametrize("fn, arg", [(inplace_sigmoid, "Z"), (inplace_x, "x")])
def test_every_function_problem_rejects_a_change_in_place(make, fn, arg):
    for runner in (None, CallCache()):   # the student's kernel; the grading kernel, then the grader
        f = json.loads(json.dumps(collect(make(), {"sigmoid": fn}, runner=runner)))
        r = decide(make(), f, "q_1")
        assert r.status is Status.INCORRECT, r.message
        assert r.message.startswith(f"{CALL} changed its argument `{arg}` in place (") and ALONE in r.message, \
            r.message
        assert "0.5" in r.message and "-0.5" in r.message   # what it was and what it became


def test_a_changed_keyword_argument_and_a_dict_are_named():
    def update(params, grads, learning_rate=1.0):
        params["W"] -= learning_rate * grads["dW"]
        return {"W": params["W"]}

    def fresh(params, grads, learning_rate=1.0):
        return {"W": params["W"] - learning_rate * grads["dW"]}
    problem = CheckedFunctionProblem(var="update", reference=fresh, cases=[
        Case(({"W": np.array([1.0, 2.0])},), {"grads": {"dW": np.array([0.5, 0.5])}, "learning_rate": 0.1})])
    r = evaluate(problem, {"update": update}, "q_1")
    assert r.status is Status.INCORRECT and "changed its argument `params` in place" in r.message, r.message
    assert "`params['W'][0]` was 1.0 before the call and 0.95 after it" in r.message, r.message

    def keyword(params, grads, learning_rate=1.0):
        grads["dW"] = grads["dW"] * 0
        return fresh(params, {"dW": np.array([0.5, 0.5])}, learning_rate)
    r = evaluate(problem, {"update": keyword}, "q_1")
    assert "changed its argument `grads` in place (`grads['dW'][0]` was 0.5 before" in r.message, r.message


def test_a_function_that_leaves_its_arguments_alone_is_still_right():
    r = evaluate(sigmoid_problem(), {"sigmoid": ref_sigmoid}, "q_1")
    assert r.status is Status.CORRECT, r.message
