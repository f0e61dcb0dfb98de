"""The ex5 checker under KERAS_BACKEND=jax (a subprocess: the backend is fixed per process)."""
import json
import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import json, numpy as np, keras
from keras import layers
from learnkit.core import binder
ns = {}
binder.bind(ns)
from checkers.deep_learning_intro import ex5
def st(q, **kw):
    return ex5.exercise.grade(kw)[int(q[-1]) - 1].status.value
out = {"backend": keras.backend.backend()}
good = keras.Sequential([layers.Dense(128, activation="relu", input_shape=[18]), layers.Dropout(0.3),
                         layers.Dense(64, activation="relu"), layers.Dropout(0.3), layers.Dense(1)])
inp = keras.Input((18,)); x = layers.Dense(128, activation=keras.activations.relu)(inp); x = layers.Dropout(rate=0.3)(x)
x = layers.Dense(64, activation="relu")(x); x = layers.Dropout(0.3)(x); func = keras.Model(inp, layers.Dense(1)(x))
bad = keras.Sequential([keras.Input((18,)), layers.Dense(128, activation="relu"), layers.Dropout(0.5),
                        layers.Dense(64, activation="relu"), layers.Dropout(0.5), layers.Dense(1)])
bn = keras.Sequential([keras.Input((8,))] + [l for _ in range(3) for l in (layers.BatchNormalization(),
                      layers.Dense(512, activation="relu"))] + [layers.BatchNormalization(), layers.Dense(1)])
bn_after = keras.Sequential([keras.Input((8,))] + [l for _ in range(3) for l in (layers.Dense(512, activation="relu"),
                            layers.BatchNormalization())] + [layers.Dense(1)])
out["q1_good"], out["q1_func"], out["q1_bad"] = st("q_1", model=good), st("q_1", model=func), st("q_1", model=bad)
out["q3_good"], out["q3_after"] = st("q_3", model=bn), st("q_3", model=bn_after)
rng = np.random.default_rng(0); X = rng.normal(size=(64, 18)).astype("float32")
good.compile(optimizer="adam", loss="mae")
h = good.fit(X, X[:, :1], validation_split=0.25, epochs=3, verbose=0)
r = ex5.exercise.grade({"history": h})[1]
out["q2"], out["q2_diag"] = r.status.value, r.diagnosis
wide = keras.Sequential([layers.Dense(128, activation="relu", input_shape=[17]), layers.Dropout(0.3),
                         layers.Dense(64, activation="relu"), layers.Dropout(0.3), layers.Dense(1)])
no_bias = keras.Sequential([layers.Dense(128, activation="relu", input_shape=[18], use_bias=False), layers.Dropout(0.3),
                            layers.Dense(64, activation="relu"), layers.Dropout(0.3), layers.Dense(1)])
out["q1_17"], out["q1_no_bias"] = st("q_1", model=wide), st("q_1", model=no_bias)
starter = keras.Sequential([layers.Dense(128, activation="relu", input_shape=[18]), layers.Dense(64, activation="relu"),
                            layers.Dense(1)])
starter.compile(optimizer="adam", loss="mae")
h0 = starter.fit(X, X[:, :1], validation_split=0.25, epochs=3, verbose=0)
ns["history"], ns["h"] = h0, h
binder.run_cell_callbacks()  # the history memory sees both runs
out["q2_dict"], out["q2_starter_dict"] = st("q_2", history=h.history), st("q_2", history=h0.history)
print("RESULT" + json.dumps(out))
"""


@pytest.mark.slow
def test_ex5_checks_agree_on_the_jax_backend():
    pytest.importorskip("jax")
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    line = [l for l in proc.stdout.splitlines() if l.startswith("RESULT")]
    assert line, proc.stderr[-2000:]
    out = json.loads(line[0][6:])
    assert out["backend"] == "jax"
    assert (out["q1_good"], out["q1_func"], out["q1_bad"]) == ("correct", "correct", "incorrect")
    assert (out["q3_good"], out["q3_after"]) == ("correct", "incorrect")
    assert out["q2"] == "correct" and "validation loss" in out["q2_diag"]
    assert (out["q1_17"], out["q1_no_bias"]) == ("incorrect", "incorrect")
    assert (out["q2_dict"], out["q2_starter_dict"]) == ("correct", "unattempted")
