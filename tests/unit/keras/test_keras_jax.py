"""The same facts, specs and problems under KERAS_BACKEND=jax (in a subprocess: the backend is fixed
when keras is first imported, and this test process already uses TensorFlow)."""
import textwrap

import pytest
from jax_subprocess import run_under_jax

SCRIPT = textwrap.dedent('''
    import json, warnings
    warnings.simplefilter("ignore")
    import numpy as np
    import keras
    from keras import layers as L
    from learnkit.core.problem import evaluate
    from learnkit.keras import (Dense, Dropout, BatchNormalization, KerasModelProblem, first_difference,
                                model_facts, compile_facts, fit_facts, callback_facts)

    SPOTIFY = [Dense(128, "relu"), Dropout(0.3), Dense(64, "relu"), Dropout(0.3), Dense(1, "linear")]
    CONCRETE = [BatchNormalization(), Dense(512, "relu")] * 3 + [BatchNormalization(), Dense(1)]

    def spotify(first, rate=0.3):
        return [L.Dense(128, activation="relu", **first), L.Dropout(rate),
                L.Dense(64, activation=keras.activations.relu), L.Dropout(rate=rate), L.Dense(1)]

    seq_shape = keras.Sequential(spotify({"input_shape": [18]}))
    seq_input = keras.Sequential([keras.Input(shape=(18,))] + spotify({}))
    inp = keras.Input((18,)); x = inp
    for layer in spotify({}):
        x = layer(x)
    func = keras.Model(inp, x)
    concrete = keras.Sequential([L.BatchNormalization(input_shape=[8])] + sum(
        [[L.Dense(512, activation="relu"), L.BatchNormalization()] for _ in range(3)], []) + [L.Dense(1)])
    out = {"backend": keras.backend.backend()}
    out["params"] = [model_facts(m).params for m in (seq_shape, seq_input, func)]
    f = model_facts(concrete)
    out["concrete"] = [f.params, f.non_trainable_params, f.input_shape]
    out["chain"] = [model_facts(m).is_chain for m in (seq_shape, seq_input, func)]
    out["diff_ok"] = [first_difference(m, SPOTIFY, input_shape=[18]) for m in (seq_shape, seq_input, func)]
    out["diff_concrete"] = first_difference(concrete, CONCRETE, input_shape=[8])
    out["diff_rate"] = first_difference(keras.Sequential(spotify({"input_shape": [18]}, rate=0.5)), SPOTIFY, [18])
    out["diff_no_input"] = first_difference(keras.Sequential(spotify({})), SPOTIFY, [18])
    out["diff_int"] = first_difference(5, SPOTIFY, [18])

    losses = []
    for loss in ("mse", "mean_squared_error", keras.losses.MeanSquaredError(), keras.losses.mean_squared_error):
        m = keras.Sequential([keras.Input((18,)), L.Dense(2, activation="relu"), L.Dense(1)])
        m.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss=loss, metrics=["acc", "mae"])
        c = compile_facts(m)
        losses.append([c.optimizer, c.learning_rate, c.loss, list(c.metrics)])
    out["compile"] = losses
    es = keras.callbacks.EarlyStopping(patience=2, min_delta=0.001, restore_best_weights=True)
    rng = np.random.default_rng(0)
    seq_input.compile(optimizer="adam", loss="mae")
    history = seq_input.fit(rng.normal(size=(32, 18)).astype("float32"), rng.normal(size=(32, 1)).astype("float32"),
                            epochs=1, batch_size=16, validation_split=0.25, verbose=0, callbacks=[es])
    fit = fit_facts(history)
    out["fit"] = [fit.epochs_requested, fit.epochs_run, fit.steps, list(fit.keys), fit.validation]
    cb = callback_facts(es)
    out["es"] = [cb.monitor, cb.patience, cb.min_delta, cb.restore_best_weights]
    out["adam_lr"] = compile_facts(seq_input).learning_rate

    problem = KerasModelProblem(layers=SPOTIFY, input_shape=[18], starter_message="starter!",
                                starter=[Dense(128, "relu"), Dense(64, "relu"), Dense(1)])
    starter = keras.Sequential([keras.Input((18,)), L.Dense(128, activation="relu"), L.Dense(64, activation="relu"),
                                L.Dense(1)])
    out["problem"] = {name: [r.status.value, r.message] for name, r in (
        ("correct", evaluate(problem, {"model": func}, question="q_1")),
        ("wrong", evaluate(problem, {"model": keras.Sequential(spotify({"input_shape": [18]}, rate=0.5))},
                           question="q_1")),
        ("starter", evaluate(problem, {"model": starter}, question="q_1")),
        ("missing", evaluate(problem, {}, question="q_1")),
        ("int", evaluate(problem, {"model": 3}, question="q_1")),
    )}
    print("JSON:" + json.dumps(out))
''')


@pytest.fixture(scope="module")
def jax_run():
    return run_under_jax(SCRIPT)


pytestmark = pytest.mark.jax


def test_backend_is_jax(jax_run):
    assert jax_run["backend"] == "jax"


def test_facts_under_jax(jax_run):
    assert jax_run["params"] == [10_753, 10_753, 10_753]
    assert jax_run["concrete"] == [536_609, 3_088, [8]]
    assert jax_run["chain"] == [True, True, True]


def test_first_difference_under_jax(jax_run):
    assert jax_run["diff_ok"] == [None, None, None]
    assert jax_run["diff_concrete"] is None
    assert jax_run["diff_rate"] == "Layer 2 should be Dropout with rate 0.3; yours has rate 0.5."
    assert jax_run["diff_no_input"].startswith("Your model has no input shape: pass input_shape=[18]")
    assert jax_run["diff_int"] == "`model` should be a Keras model; yours is an int (5)."


def test_compile_and_fit_facts_under_jax(jax_run):
    assert jax_run["compile"] == [["SGD", 0.01, "mean_squared_error", ["accuracy", "mean_absolute_error"]]] * 4
    assert jax_run["fit"] == [1, 1, 2, ["loss", "val_loss"], True]
    assert jax_run["es"] == ["val_loss", 2, 0.001, True]
    assert jax_run["adam_lr"] == 0.001


def test_problem_under_jax(jax_run):
    p = jax_run["problem"]
    assert p["correct"] == ["correct", "Correct!"]
    assert p["wrong"] == ["incorrect", "Layer 2 should be Dropout with rate 0.3; yours has rate 0.5."]
    assert p["starter"] == ["unattempted", "starter!"]
    assert p["missing"][0] == "unattempted" and "`model` is not defined yet" in p["missing"][1]
    assert p["int"] == ["incorrect", "`model` should be a Keras model; yours is an int (3)."]
