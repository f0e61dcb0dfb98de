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
