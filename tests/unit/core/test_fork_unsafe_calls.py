"""Student calls in a grading kernel whose Keras backend has computed something (issue 16): a child
forked from it hangs (JAX/XLA's and TensorFlow's thread pools do not survive ``fork()``: measured, a
``predict`` in the child never returned on either backend), so ``run_call`` runs the call in the
kernel under the in-process time limit, and puts back what the call changed.

Each backend runs in its own interpreter (``run_under_jax``; the script picks the backend before Keras
is imported): the test process itself must not start such threads, or later tests' forks would change.
"""
from __future__ import annotations

import pytest

from jax_subprocess import run_under_jax

SCRIPT = """
import os
os.environ["KERAS_BACKEND"] = "{backend}"
import json, random, time
import numpy as np
import keras
from keras import layers
from learnkit.runner.isolate import CallCache, fork_unsafe, run_call

def build_model():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mse")
    return model

def predict(x):
    global leaked
    leaked = True
    random.random(); np.random.rand()
    return build_model().predict(x, verbose=0)

def endless():
    while True:
        pass

seen = {{"backend": keras.backend.backend(), "before": fork_unsafe(),
        "forked_before": run_call(os.getpid, (), {{}})["result"] != os.getpid()}}
keras.utils.set_random_seed(0)
build_model().predict(np.ones((1, 3)), verbose=0)  # the notebook trained or predicted: threads run now
seen["after"] = fork_unsafe()
state = random.getstate(), np.random.get_state()[1].tolist()
t = time.monotonic()
out = CallCache()(predict, (np.ones((2, 3)),), {{}}, timeout=10)
seen["took"] = time.monotonic() - t
seen["out"] = {{k: v for k, v in out.items() if k != "after"}}
built = CallCache()(build_model, (), {{}}, timeout=10)
seen["built"] = sorted(built)
seen["state_kept"] = (random.getstate(), np.random.get_state()[1].tolist()) == state
seen["leaked"] = "leaked" in globals()
seen["in_kernel"] = run_call(os.getpid, (), {{}})["result"] == os.getpid()
t = time.monotonic()
seen["endless"] = run_call(endless, (), {{}}, timeout=1.0)
seen["endless_took"] = time.monotonic() - t
print("JSON:" + json.dumps(seen))
"""


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
def test_a_call_that_needs_the_running_backend_returns_in_time(backend):
    seen = run_under_jax(SCRIPT.format(backend=backend))
    assert seen["backend"] == backend
    assert seen["before"] is None and seen["forked_before"]  # imported only: calls are still forked
    assert seen["after"] and seen["in_kernel"]                # computed: calls run in the kernel
    assert "timeout" not in seen["out"] and "raised" not in seen["out"], seen["out"]
    assert seen["out"]["result"]["shape"] == [2, 1] and seen["took"] < 8
    assert seen["built"] == ["after", "result"]               # build_model() returns, as in the notebook
    assert seen["state_kept"] and not seen["leaked"]          # the kernel's random state and globals
    assert seen["endless"]["timeout"] == 1.0 and seen["endless_took"] < 3  # and still a time limit


STUDENT = """
import random
import numpy as np
count = 0
def f(x):
    global count, extra
    count += 1
    extra = 'left behind'
    random.random(); np.random.rand()
    return count
def endless():
    while True:
        pass
"""


def test_a_call_in_this_process_puts_back_globals_and_random_state():
    """What a forked child would have dropped, an in-process call (the student's kernel, or a grading
    kernel running TensorFlow/JAX) puts back: names its module's globals bind, Python's and numpy's
    random state. The result is the call's own."""
    import random

    import numpy as np

    from learnkit.core import facts
    ns: dict = {}
    exec(STUDENT, ns)
    before = random.getstate(), np.random.get_state()[1].copy()
    out = facts.run_in_process(ns["f"], (np.zeros(2),), {})
    assert out["result"] == 1
    assert ns["count"] == 0 and "extra" not in ns
    assert random.getstate() == before[0] and np.array_equal(np.random.get_state()[1], before[1])
    swapped = facts.Swapped(ns["f"], {"count": 41})  # a checker's stand-in, then the student's value again
    assert facts.run_in_process(swapped, (np.zeros(2),), {})["result"] == 42 and ns["count"] == 0


def test_call_once_says_what_went_wrong_in_the_call():
    import numpy as np

    from learnkit.core import Incorrect, Unattempted
    from learnkit.core.facts import FunctionFact, LiveCall, run_in_process
    from learnkit.core.functions import call_once
    from learnkit.core.placeholder import PLACEHOLDER
    ns: dict = {}
    exec(STUDENT, ns)
    assert call_once(ns["f"], "f", (np.zeros(2),)) == 1
    with pytest.raises(Incorrect, match=r"`f\(\)` raised ZeroDivisionError"):
        call_once(lambda: 1 / 0, "f")
    with pytest.raises(Incorrect, match="should be a function"):
        call_once(None, "build_model")
    with pytest.raises(Unattempted, match="returns the blank"):
        call_once(lambda: PLACEHOLDER, "f")
    endless = FunctionFact("endless", False, {}, LiveCall(ns["endless"], run_in_process, 0.2))
    with pytest.raises(Incorrect, match=r"did not return within 0\.2 s"):
        call_once(endless, "endless")
