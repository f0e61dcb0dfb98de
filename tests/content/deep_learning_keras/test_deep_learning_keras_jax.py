"""The Deep learning with Keras checks under KERAS_BACKEND=jax (a subprocess: the backend is fixed per process).

Every check that reads a compiled or fitted model (compile facts, History params and values,
callbacks, predictions) runs here on real tiny models, right and wrong.
"""
import json
import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import json, numpy as np, keras
from keras import layers
from learnkit.core import binder, evaluate
ns = {}
binder.bind(ns)
from checkers.deep_learning_keras import ex1, ex2, ex3, ex4

def st(ex, q, **kw):
    r = evaluate(ex.exercise.problem(q), kw, q, ex.exercise.id)
    return r.status.value

def seq(n, *ls):
    return keras.Sequential([keras.Input((n,))] + list(ls))

def d(u, a=None):
    return layers.Dense(u, activation=a)

def fit(m, x, y, opt="adam", loss="mse", metrics=(), **kw):
    m.compile(optimizer=opt, loss=loss, metrics=list(metrics))
    return m.fit(x, y, verbose=0, **kw)

rng = np.random.default_rng(0)
out = {"backend": keras.backend.backend()}
X9 = rng.normal(size=(534, 9)).astype("float32"); Y9 = X9[:, 0] * 3 + 10
X10 = rng.normal(size=(891, 10)).astype("float32"); Y10 = keras.utils.to_categorical((X10[:, 0] > 0).astype(int))

# ex1: compile aliases, fit epochs, classifier, predictions
m = seq(9, d(50, "relu"), d(32, "relu"), d(1))
m.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.MeanSquaredError())
out["ex1_q2_alias"] = st(ex1, "q_2", model=m)
m.compile(optimizer="sgd", loss="mse")
out["ex1_q2_sgd"] = st(ex1, "q_2", model=m)
m.compile(optimizer="adam", loss="mse")
out["ex1_q3"] = st(ex1, "q_3", history=m.fit(X9, Y9, epochs=10, verbose=0))
out["ex1_q3_one_epoch"] = st(ex1, "q_3", history=m.fit(X9, Y9, verbose=0))
t = seq(10, d(32, "relu"), d(2, "softmax"))
h = fit(t, X10[:800], Y10[:800], "sgd", "categorical_crossentropy", ["accuracy"], epochs=10)
out["ex1_q5"] = st(ex1, "q_5", history=h)
out["ex1_q5_binary"] = st(ex1, "q_5", history=fit(seq(10, d(32, "relu"), d(2, "softmax")), X10[:64], Y10[:64], "sgd",
                                                  "binary_crossentropy", ["accuracy"], epochs=10))
p = t.predict(X10[800:], verbose=0)
out["ex1_q6"] = st(ex1, "q_6", predicted_prob_true=p[:, 1], model=t, pred_data=X10[800:])
out["ex1_q6_col0"] = st(ex1, "q_6", predicted_prob_true=p[:, 0], model=t, pred_data=X10[800:])

# ex2: learning-rate sweep, validation split, early stopping, a pair of runs
def new():
    return seq(10, d(100, "relu"), d(100, "relu"), d(2, "softmax"))
runs = {}
for lr in (0.000001, 0.01, 1.0):
    runs[lr] = fit(new(), X10[:64], Y10[:64], keras.optimizers.SGD(learning_rate=lr), "categorical_crossentropy",
                   epochs=10)
out["ex2_q2"] = st(ex2, "q_2", histories=runs)
out["ex2_q2_swapped"] = st(ex2, "q_2", histories={1e-6: runs[0.01], 0.01: runs[1e-6], 1.0: runs[1.0]})
m = new()
hist = fit(m, X10, Y10, "adam", "categorical_crossentropy", ["accuracy"], epochs=10, validation_split=0.3)
out["ex2_q3"] = st(ex2, "q_3", hist=hist)
out["ex2_q3_split"] = st(ex2, "q_3", hist=m.fit(X10, Y10, epochs=10, validation_split=0.2, verbose=0))
X0, HALF = np.zeros((891, 10), "float32"), np.full((891, 2), 0.5, "float32")  # nothing to learn: stops at epoch 3
cb = keras.callbacks.EarlyStopping(patience=2)
h = fit(new(), X0, HALF, "adam", "categorical_crossentropy", ["accuracy"], epochs=30, validation_split=0.3,
        callbacks=[cb])
out["ex2_q4_epochs"] = len(h.epoch)
out["ex2_q4"] = st(ex2, "q_4", history=h, early_stopping_monitor=cb)
out["ex2_q4_unused"] = st(ex2, "q_4", history=h, early_stopping_monitor=keras.callbacks.EarlyStopping(patience=2))
out["ex2_q4_patience"] = st(ex2, "q_4", history=h, early_stopping_monitor=keras.callbacks.EarlyStopping(patience=3))
cb = keras.callbacks.EarlyStopping(patience=2)
pair = [fit(mm, X0, HALF, "adam", "categorical_crossentropy", ["accuracy"], epochs=15, validation_split=0.2,
            callbacks=[cb]) for mm in (seq(10, d(10, "relu"), d(10, "relu"), d(2, "softmax")), new())]
out["ex2_q5"] = st(ex2, "q_5", model_1_training=pair[0], model_2_training=pair[1], early_stopping_monitor=cb)
out["ex2_q5_swapped"] = st(ex2, "q_5", model_1_training=pair[1], model_2_training=pair[0], early_stopping_monitor=cb)

# ex3: compile and the accuracy threshold
labels = np.arange(2500) % 10
x = rng.normal(0, 0.05, size=(2500, 784)).astype("float32"); x[np.arange(2500), labels * 78] += 1.0
y = keras.utils.to_categorical(labels)
m = seq(784, d(50, "relu"), d(50, "relu"), d(10, "softmax"))
m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
out["ex3_q2"] = st(ex3, "q_2", model=m)
out["ex3_q3"] = st(ex3, "q_3", history=m.fit(x, y, epochs=10, validation_split=0.3, verbose=0))
m2 = seq(784, d(50, "relu"), d(50, "relu"), d(10, "softmax"))
out["ex3_q3_random_labels"] = st(ex3, "q_3", history=fit(m2, x, keras.utils.to_categorical(rng.integers(0, 10, 2500)),
                                 "adam", "categorical_crossentropy", ["accuracy"], epochs=10, validation_split=0.3))

# ex4: the model and the curve diagnosis (with the starter run remembered)
xw = rng.normal(size=(64, 11)).astype("float32")
starter = seq(11, d(512, "relu"), d(512, "relu"), d(512, "relu"), d(1))
ns["history"] = fit(starter, xw, xw[:, 0], loss="mae", epochs=2, validation_split=0.25)
binder.run_cell_callbacks()
out["ex4_q2_starter"] = st(ex4, "q_2", history=ns["history"])
ls = []
for _ in range(3):
    ls += [d(1024, "relu"), layers.Dropout(0.3), layers.BatchNormalization()]
wine = seq(11, *ls, d(1))
out["ex4_q1"] = st(ex4, "q_1", model=wine)
ns["history"] = fit(wine, xw, xw[:, 0], loss="mae", epochs=2, validation_split=0.25)
binder.run_cell_callbacks()
r = evaluate(ex4.exercise.problem("q_2"), ns, "q_2")
out["ex4_q2"], out["ex4_q2_diag"] = r.status.value, r.diagnosis
print("RESULT" + json.dumps(out))
"""

EXPECTED = {
    "ex1_q2_alias": "correct", "ex1_q2_sgd": "incorrect", "ex1_q3": "correct", "ex1_q3_one_epoch": "incorrect",
    "ex1_q5": "correct", "ex1_q5_binary": "incorrect", "ex1_q6": "correct", "ex1_q6_col0": "incorrect",
    "ex2_q2": "correct", "ex2_q2_swapped": "incorrect", "ex2_q3": "correct", "ex2_q3_split": "incorrect",
    "ex2_q4": "correct", "ex2_q4_epochs": 3, "ex2_q4_unused": "incorrect", "ex2_q4_patience": "incorrect",
    "ex2_q5": "correct", "ex2_q5_swapped": "incorrect",
    "ex3_q2": "correct", "ex3_q3": "correct", "ex3_q3_random_labels": "incorrect",
    "ex4_q2_starter": "unattempted", "ex4_q1": "correct", "ex4_q2": "correct",
}


@pytest.mark.slow
@pytest.mark.jax
def test_deep_learning_keras_checks_agree_on_the_jax_backend():
    pytest.importorskip("jax")
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="agg")
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=600)
    line = [l for l in proc.stdout.splitlines() if l.startswith("RESULT")]
    assert line, proc.stderr[-3000:]
    out = json.loads(line[0][6:])
    assert out.pop("backend") == "jax"
    diag = out.pop("ex4_q2_diag")
    assert out == EXPECTED
    assert "lesson 4's network" in diag, diag
