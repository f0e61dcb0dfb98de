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
from learnkit.core.functions import Case
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
    return FunctionProblem(var="sigmoid", reference=ref_sigmoid, cases=[Case((np.array([0.5, -1.0]),))], **kw)


CALL = "`sigmoid(array([ 0.5, -1. ]))`"


@pytest.fixture
def python_sigint():
    """Ctrl-C as in Jupyter: Python's own SIGINT handler, even when pytest was started with SIGINT ignored
    (a background job of a non-interactive shell, e.g. ``nohup make test &``)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def clean_signals(python_sigint):
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


def test_ctrl_c_while_the_progress_log_is_written_keeps_the_line_whole(capsys, monkeypatch, python_sigint):
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

    from learnkit.runner.execute import kernel_env
    from learnkit.runner.manager import kernel_manager, stop_kernel

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    env = kernel_env(None, tmp_path)
    km, spec_dir = kernel_manager(env)
    index = {id(c): i for i, c in enumerate(nb.cells)}
    client = NotebookClient(nb, km=km, allow_errors=True, interrupt_on_timeout=True,
                            timeout_func=lambda cell: interrupt_after.get(index.get(id(cell)), 60),
                            resources={"metadata": {"path": str(tmp_path)}})
    try:
        with client.setup_kernel(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            for i, cell in enumerate(nb.cells):
                client.execute_cell(cell, i)
    finally:
        stop_kernel(km, client.kc)
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
], ids=["FunctionProblem with Case", "FunctionProblem"])
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
    problem = FunctionProblem(var="update", reference=fresh, cases=[
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


# -- item 2: a later question that calls an earlier question's function -----------------------------------------
SIGMOID_RIGHT = "def sigmoid(Z, derivative=False):\n    sig = 1 / (1 + np.exp(-Z))\n    return sig * (1 - sig) " \
                "if derivative else sig\n"
SIGMOID_FLIPPED = "def sigmoid(Z, derivative=False):\n    sig = 1 / (1 + np.exp(Z))\n    return sig * (1 - sig) " \
                  "if derivative else sig\n"
SIGMOID_INPLACE = "def sigmoid(Z, derivative=False):\n    Z *= -1\n    sig = 1 / (1 + np.exp(Z))\n" \
                  "    return sig * (1 - sig) if derivative else sig\n"
FF_RIGHT = "def feed_forward(X, params):\n    Z = np.dot(params['W'], X) + params['b']\n" \
           "    return {'Z': Z, 'A': sigmoid(Z)}\n"
FF_NO_BIAS = "def feed_forward(X, params):\n    Z = np.dot(params['W'], X)\n    return {'Z': Z, 'A': sigmoid(Z)}\n"
STEPS = ("def back_propagate(X, Y, cache):\n    dZ = (cache['A'] - Y) / X.shape[1]\n"
         "    return {'dW': dZ @ X.T, 'db': dZ.sum(axis=1, keepdims=True)}\n"
         "def update_parameters(params, grads, learning_rate):\n"
         "    return {'W': params['W'] - learning_rate * grads['dW'], 'b': params['b'] - learning_rate * grads['db']}\n")
BLAME = "`feed_forward` is right, but it uses your `sigmoid`, which is not correct yet (see q_1)."


def notebook(*code: str) -> dict:
    """The student's globals after running ``code`` (their functions read each other from here)."""
    ns = {"np": np, "__name__": "__main__"}
    exec(compile("".join(code), "<notebook>", "exec"), ns)
    return ns


def q4(ns, grading: bool):
    """ex3's q_4 as the student's kernel judges it, or as the grader judges a grading kernel's facts."""
    from checkers.nn_from_scratch import ex3
    problem = ex3.exercise.problem("q_4")
    if not grading:
        return evaluate(problem, ns, "q_4", ex3.exercise.id)
    f = json.loads(json.dumps(collect(problem, ns, runner=CallCache())))
    return decide(problem, f, "q_4", ex3.exercise.id)


@pytest.mark.parametrize("grading", [False, True], ids=["student kernel", "grader"])
@pytest.mark.parametrize("sigmoid", [SIGMOID_FLIPPED, SIGMOID_INPLACE], ids=["flipped", "in place"])
def test_earlier_function_wrong_later_right_blames_the_earlier(sigmoid, grading):
    ns = notebook(sigmoid, FF_RIGHT, STEPS)
    r = q4(ns, grading)
    assert r.status is Status.INCORRECT and r.message == BLAME, r.message
    assert ns["sigmoid"].__name__ == "sigmoid" and ns["sigmoid"] is not ref_sigmoid   # the student's, back in place


@pytest.mark.parametrize("grading", [False, True], ids=["student kernel", "grader"])
def test_earlier_function_right_later_wrong_blames_the_later(grading):
    r = q4(notebook(SIGMOID_RIGHT, FF_NO_BIAS, STEPS), grading)
    assert r.status is Status.INCORRECT and "Add the bias" in r.message and "sigmoid" not in r.message, r.message


@pytest.mark.parametrize("grading", [False, True], ids=["student kernel", "grader"])
def test_both_wrong_says_what_is_wrong_with_the_later_and_names_the_earlier(grading):
    r = q4(notebook(SIGMOID_FLIPPED, FF_NO_BIAS, STEPS), grading)
    assert r.status is Status.INCORRECT and "Add the bias" in r.message, r.message
    assert r.message.endswith("Your `sigmoid` is not correct yet either (see q_1)."), r.message


def test_both_right_is_right():
    assert q4(notebook(SIGMOID_RIGHT, FF_RIGHT, STEPS), grading=True).status is Status.CORRECT


def test_an_earlier_function_the_later_one_does_not_use_is_not_blamed():
    ff_inline = "def feed_forward(X, params):\n    Z = np.dot(params['W'], X)\n    return {'Z': Z, 'A': 1 / (1 + np.exp(-Z))}\n"
    r = q4(notebook(SIGMOID_FLIPPED, ff_inline, STEPS), grading=False)
    assert "Add the bias" in r.message and "sigmoid" not in r.message, r.message


def test_of_two_earlier_functions_only_the_wrong_one_that_matters_is_named():
    from checkers.nn_from_scratch import ex4
    from checkers.nn_from_scratch import reference as ref
    rows = "def softmax(Z):\n    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n    return E / E.sum(axis=1, keepdims=True)\n"
    ce = "def cross_entropy(Y, P):\n    return -np.sum(Y * np.log(P)) / Y.shape[1]\n"
    train = ("def train_softmax(X, Y, W, b, learning_rate, epochs):\n    m = X.shape[1]\n    costs = []\n"
             "    for epoch in range(epochs):\n        P = softmax(W @ X + b)\n        costs.append(cross_entropy(Y, P))\n"
             "        dZ = (P - Y) / m\n        W = W - learning_rate * dZ @ X.T\n"
             "        b = b - learning_rate * np.sum(dZ, axis=1, keepdims=True)\n    return costs, W, b\n")
    ns = notebook(rows, ce, train)
    ns["decoder_costs"] = list(ref.decoder_costs(70))
    r = evaluate(ex4.exercise.problem("q_3"), ns, "q_3", ex4.exercise.id)
    assert r.message == ("`train_softmax` is right, but it uses your `softmax`, which is not correct yet "
                         "(see q_1)."), r.message


@pytest.mark.slow
def test_a_grading_kernel_reports_what_the_grader_needs_to_blame_the_earlier_function(tmp_path):
    import nbformat

    from learnkit.runner.execute import run_notebook
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in [
        SETUP, SIGMOID_INPLACE + "q_1.check()", FF_RIGHT + STEPS + "q_4.check()"]])
    nb.metadata["learnkit"] = {"exercise": "nn_from_scratch.ex3"}
    nbformat.write(nb, tmp_path / "student.ipynb")
    run = run_notebook(tmp_path / "student.ipynb", cwd=tmp_path, cell_timeout=120, timeout=240)
    assert run.ok and not run.cell_errors, (run.reason, run.cell_errors)
    q1, q4 = run.results["q_1"], run.results["q_4"]   # the grader's verdicts, from the kernel's facts
    assert q1.status is Status.INCORRECT and "changed its argument `Z` in place" in q1.message, q1.message
    assert q4.status is Status.INCORRECT and q4.message == BLAME, q4.message
    shown = cell_text(run.notebook.cells[2])          # what the student saw: the same
    assert shown.startswith("Incorrect") and BLAME in shown, shown


def test_a_swapped_global_is_put_back_after_a_timeout_or_ctrl_c(clean_signals):
    g = {"np": np}
    exec("def helper(x):\n    return x\n"
         "def f(x):\n    if helper is not mine:\n        while True:\n            pass\n    return helper(x)\n"
         "def g(x):\n    raise KeyboardInterrupt\n", g)
    g["mine"] = mine = g["helper"]
    out = facts.run_in_process(facts.Swapped(g["f"], {"helper": abs}), (1,), {}, timeout=0.3)
    assert out["timeout"] == 0.3 and g["helper"] is mine
    with pytest.raises(KeyboardInterrupt):
        facts.run_in_process(facts.Swapped(g["g"], {"helper": abs}), (1,), {})
    assert g["helper"] is mine
    out = facts.run_in_process(facts.Swapped(g["f"], {"absent": abs}), (-2,), {})
    assert facts.Decoder()(out["result"]) == -2 and "absent" not in g


def test_the_grading_cache_tells_a_swapped_function_from_the_plain_one():
    runs = []

    def counting(fn, args, kwargs, timeout):
        runs.append(type(fn).__name__)
        return facts.run_in_process(fn, args, kwargs, timeout)
    cache = CallCache(counting)
    g = {}
    exec("def helper(x):\n    return x + 1\ndef f(x):\n    return helper(x)\n", g)
    plain = cache(g["f"], (1,), {})
    swapped = cache(facts.Swapped(g["f"], {"helper": abs}), (1,), {})
    again = cache(facts.Swapped(g["f"], {"helper": abs}), (1,), {})
    assert facts.Decoder()(plain["result"]) == 2 and facts.Decoder()(swapped["result"]) == 1
    assert again is swapped and runs == ["function", "Swapped"]
