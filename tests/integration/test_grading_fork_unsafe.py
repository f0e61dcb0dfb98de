"""`learnkit grade --keras-backend jax` calls a student function that builds a Keras model (issue 16):
once the kernel has computed with JAX, a child forked from it never returns, so the call runs in the
kernel (``learnkit.runner.isolate.run_call``) and a correct `build_model` is correct, a wrong one gets
its message, and the call still has its time limit (real kernels; ~20 s on 2 cores)."""
from __future__ import annotations

import nbformat
import pytest

from test_grading_dask import LIMITS  # noqa: E402

pytestmark = pytest.mark.slow

SETUP = """from learnkit.core import binder
binder.bind(globals())
from checkers.deep_learning_logbook.ex1 import *
import numpy as np
import keras
from keras import layers
keras.utils.set_random_seed(0)
keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)]).predict(np.ones((1, 2)), verbose=0)"""
BUILD = """def build_model():
    model = keras.Sequential([keras.Input(shape=(13,)), layers.Dense(13, activation='elu'),
                              {hidden}, layers.Dense(1)])
    model.compile(optimizer='rmsprop', loss='mse', metrics=['mae'])
    return model"""
RIGHT = BUILD.format(hidden=", ".join(["layers.Dense(64, activation='elu')"] * 3))
BOOK = BUILD.format(hidden="layers.Dense(64, activation='relu')").replace("Dense(13, activation='elu')",
                                                                          "Dense(64, activation='relu')")
ENDLESS = "def build_model():\n    while True:\n        pass"


def test_a_function_that_builds_a_model_is_called_under_jax(tmp_path):
    from grading_fixtures.crafted import notebook
    from learnkit.grading.grade import Options, grade
    subs = tmp_path / "subs"
    subs.mkdir()
    for name, cell in {"ann": RIGHT, "bob": BOOK, "cy": ENDLESS}.items():
        nbformat.write(notebook([SETUP, cell], exercise="deep_learning_logbook.ex1"), subs / f"{name}.ipynb")
    batch = grade([subs], tmp_path / "out", Options(workers=2, keras_backend="jax", **LIMITS), console=False)
    q2 = {o.submission.path.stem: next(r for r in o.results if r["question"] == "q_2") for o in batch.outcomes}
    assert all(o.status == "ok" for o in batch.outcomes), [o.reason for o in batch.outcomes]
    assert q2["ann"]["status"] == "correct", q2["ann"]["message"]
    assert q2["bob"]["status"] == "incorrect" and "book's model" in q2["bob"]["message"]
    assert q2["cy"]["status"] == "incorrect" and "did not return within 5 s" in q2["cy"]["message"]
