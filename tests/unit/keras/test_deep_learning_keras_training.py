"""learnkit.keras training, early_stopping, training_problems and runs: the generic training checks."""
import math

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from keras import layers  # noqa: E402

from learnkit.core import Status, evaluate  # noqa: E402
from learnkit.keras import Dense, compile_facts, fit_facts  # noqa: E402
from learnkit.keras import runs  # noqa: E402
from learnkit.keras.early_stopping import (EarlyStoppingSpec, early_stop_epoch,  # noqa: E402
                                           early_stopping_difference)
from learnkit.keras.training import (CompileSpec, FitSpec, LossDecreased, MetricThreshold, RunSpec,  # noqa: E402
                                     compile_difference, find_key, fit_difference, history_model, run_difference,
                                     training_rows)
from learnkit.keras.training_problems import (CompileProblem, CountedModelProblem, SweepProblem,  # noqa: E402
                                              TrainingProblem)

RNG = np.random.default_rng(1)
X = RNG.normal(size=(100, 4)).astype("float32")
Y = keras.utils.to_categorical(RNG.integers(0, 2, size=100))


def small(out="softmax"):
    return keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(2, activation=out)])


SMALL = [Dense(8, "relu"), Dense(2, "softmax")]


def compiled(optimizer="adam", loss="categorical_crossentropy", metrics=()):
    m = small()
    m.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    return m


# ---------------------------------------------------------------- compile
@pytest.mark.parametrize("optimizer,loss,metrics", [
    ("adam", "categorical_crossentropy", ["accuracy"]),
    ("ADAM", "categorical_crossentropy", ["acc"]),
    (keras.optimizers.Adam(learning_rate=0.01), keras.losses.CategoricalCrossentropy(), ["categorical_accuracy"]),
    ("adam", keras.losses.categorical_crossentropy, [keras.metrics.CategoricalAccuracy()]),
])
def test_compile_aliases_are_accepted(optimizer, loss, metrics):
    spec = CompileSpec("adam", "categorical_crossentropy", ("accuracy",))
    assert compile_difference(compile_facts(compiled(optimizer, loss, metrics)), spec) is None


def test_compile_mse_spellings():
    spec = CompileSpec("adam", "mse")
    for loss in ("mse", "mean_squared_error", keras.losses.MeanSquaredError(), keras.losses.mean_squared_error):
        assert compile_difference(compile_facts(compiled(loss=loss)), spec) is None, loss


def test_compile_differences_name_what_to_change():
    spec = CompileSpec("sgd", "categorical_crossentropy", ("accuracy",), learning_rate=0.01)
    assert "not compiled" in compile_difference(None, spec)
    assert "Adam" in compile_difference(compile_facts(compiled("adam")), spec)
    why = compile_difference(compile_facts(compiled(keras.optimizers.SGD(learning_rate=0.1))), spec)
    assert "learning rate 0.1" in why and "learning_rate=0.01" in why
    why = compile_difference(compile_facts(compiled(keras.optimizers.SGD(0.01), "sparse_categorical_crossentropy")),
                             spec)
    assert "integer labels" in why
    why = compile_difference(compile_facts(compiled(keras.optimizers.SGD(0.01))), spec)
    assert "metrics=['accuracy']" in why
    why = compile_difference(compile_facts(compiled(keras.optimizers.SGD(0.01), metrics=["mae"])), spec)
    assert "accuracy" in why and "mean_absolute_error" in why


# ---------------------------------------------------------------- fit
@pytest.fixture(scope="module")
def model():
    return compiled(metrics=["accuracy"])


def test_fit_difference_reads_epochs_and_validation(model):
    h = model.fit(X, Y, verbose=0)
    why = fit_difference(fit_facts(h), FitSpec(epochs=10))
    assert "epochs=1" in why and "Keras 3" in why
    h = model.fit(X, Y, epochs=2, verbose=0)
    assert "val_loss" in fit_difference(fit_facts(h), FitSpec(epochs=2, validation=True))
    assert fit_difference(fit_facts(h), FitSpec(epochs=2, validation=False)) is None


def test_fit_difference_checks_the_split_through_the_batches(model):
    assert training_rows(891, 0.3) == 623 and training_rows(2500, 0.3) == 1750 and training_rows(534, None) == 534
    spec = FitSpec(epochs=2, validation_split=0.3, n_samples=100)
    assert fit_difference(fit_facts(model.fit(X, Y, epochs=2, validation_split=0.3, verbose=0)), spec) is None
    why = fit_difference(fit_facts(model.fit(X, Y, epochs=2, validation_split=0.5, verbose=0)), spec)
    assert "first 70 of the 100 rows" in why and "3 batches" in why and "2 batches" in why
    same = model.fit(X[:70], Y[:70], epochs=2, validation_data=(X[70:], Y[70:]), verbose=0)
    assert fit_difference(fit_facts(same), spec) is None  # the same split, written out


# ---------------------------------------------------------------- early stopping
@pytest.mark.parametrize("values,patience,expected", [
    ([1.0, 0.9, 0.8, 0.7], 2, None),
    ([1.0, 0.9, 0.95, 0.96], 2, 4),
    ([1.0, 0.9, 0.95, 0.85, 0.86, 0.87], 2, 6),
    ([1.0, 1.0, 1.0], 2, 3),  # equal is no improvement
    ([1.0, 1.1], 1, 2),
    ([float("nan")] * 4, 2, 3),  # NaN never improves on the first value... which is NaN: the first counts
])
def test_early_stop_epoch_replays_the_keras_rule(values, patience, expected):
    assert early_stop_epoch(values, patience) == expected


@pytest.fixture(scope="module")
def es_model():
    """One compiled model for every replay (fitting it again with other callbacks needs no new trace)."""
    keras.utils.set_random_seed(3)
    m = small()
    m.compile(optimizer=keras.optimizers.Adam(0.05), loss="categorical_crossentropy", metrics=["accuracy"])
    return m


@pytest.mark.parametrize("kwargs", [
    dict(patience=2), dict(patience=1), dict(patience=2, min_delta=0.01), dict(patience=3, start_from_epoch=2),
    dict(patience=2, monitor="val_accuracy"), dict(patience=2, baseline=0.6),
])
def test_early_stop_epoch_agrees_with_keras_on_real_runs(kwargs, es_model):
    cb = keras.callbacks.EarlyStopping(**kwargs)
    h = es_model.fit(X, Y, epochs=25, validation_split=0.3, callbacks=[cb], verbose=0)
    monitor = kwargs.get("monitor", "val_loss")
    mode = "max" if "accuracy" in monitor else "min"
    stop = early_stop_epoch(h.history[monitor], kwargs["patience"], min_delta=kwargs.get("min_delta", 0.0),
                            mode=mode, baseline=kwargs.get("baseline"),
                            start_from_epoch=kwargs.get("start_from_epoch", 0))
    assert (stop or 25) == len(h.epoch), (stop, len(h.epoch), h.history[monitor])
    assert early_stopping_difference(h, EarlyStoppingSpec(kwargs["patience"], monitor), cb=cb) is None


def test_early_stopping_difference_explains_inconsistent_runs(model):
    h = model.fit(X, Y, epochs=4, validation_split=0.3, verbose=0)
    h.history["val_loss"] = [1.0, 0.9, 0.95, 0.96]  # would have stopped after epoch 4: consistent
    assert early_stopping_difference(h, EarlyStoppingSpec(2)) is None
    h.history["val_loss"] = [1.0, 1.1, 1.2, 1.3]
    why = early_stopping_difference(h, EarlyStoppingSpec(1))
    assert "would have stopped it after epoch 2" in why and "callbacks=[" in why
    assert "did not improve in the epoch after it" in why  # patience=1: not "in the 1 epochs"
    h.params["epochs"] = 10
    h.history["val_loss"] = [1.0, 0.9, 0.8, 0.7]
    assert "stopped after 4 of 10" in early_stopping_difference(h, EarlyStoppingSpec(2))


# ---------------------------------------------------------------- curves
def test_find_key_and_thresholds():
    log = {"loss": [1.0], "acc": [0.5], "val_loss": [1.0], "val_acc": [0.5, 0.9]}
    assert find_key(log, "val_accuracy") == "val_acc" and find_key(log, "accuracy") == "acc"
    assert find_key({"val_categorical_accuracy": [1]}, "val_accuracy") == "val_categorical_accuracy"
    assert find_key({"val_loss": [1]}, "val_accuracy") is None

    class H:
        history = log
    assert MetricThreshold("val_accuracy", at_least=0.85)(H()) is None
    assert "at least 0.95" in MetricThreshold("val_accuracy", at_least=0.95)(H())
    assert "final" in MetricThreshold("val_accuracy", at_least=0.95, best=False)(H())
    assert "no 'val_auc'" in MetricThreshold("val_auc", at_least=0.5)(H())
    H.history = {"loss": [1.0, 2.0]}
    assert "did not go down" in LossDecreased()(H())
    H.history = {"loss": [1.0, float("nan")]}
    assert "epoch 2" in LossDecreased()(H())


def test_history_model_rejects_everything_but_a_fitted_history(model):
    for value, words in ((model, "model itself"), ({"loss": [1]}, "dict"), (42, "int"),
                         (keras.callbacks.History(), "no fit")):
        with pytest.raises(Exception) as e:
            history_model(value, "h")
        assert words in str(e.value)


def test_run_difference_order(model):
    h = model.fit(X, Y, epochs=3, verbose=0)
    assert run_difference(h, RunSpec(layers=SMALL, input_shape=[4], params=58, compile=CompileSpec("adam"),
                                     fit=FitSpec(epochs=3))) is None
    assert "Layer 1" in run_difference(h, RunSpec(layers=[Dense(9, "relu"), Dense(2, "softmax")]))
    assert "58 parameters" in run_difference(h, RunSpec(params=60))
    assert "SGD" in run_difference(h, RunSpec(compile=CompileSpec("sgd")))
    assert "epochs=5" in run_difference(h, RunSpec(fit=FitSpec(epochs=5)))


# ---------------------------------------------------------------- problem kinds
def test_problem_kinds_on_a_namespace(model):
    h = model.fit(X, Y, epochs=3, verbose=0)
    spec = RunSpec(layers=SMALL, input_shape=[4], compile=CompileSpec("adam"), fit=FitSpec(epochs=3))
    p = TrainingProblem(runs={"history": spec}, diagnose=lambda history: "diag")
    r = evaluate(p, {"history": h})
    assert r.status is Status.CORRECT and r.diagnosis == "diag"
    other = keras.Sequential([keras.Input((5,)), layers.Dense(2)])
    other.compile(optimizer="adam", loss="mse")
    other_run = other.fit(np.zeros((4, 5)), np.zeros((4, 2)), verbose=0)
    r = evaluate(p, {"history": other_run})
    assert r.status is Status.INCORRECT and "5 inputs" in r.message and "4 features" in r.message, r.message
    assert evaluate(p, {"history": other_run}, passive=True).status is Status.UNATTEMPTED
    p = TrainingProblem(runs={"history": spec}, starters={"history": SMALL})
    assert evaluate(p, {"history": h}).status is Status.UNATTEMPTED

    p = CompileProblem(var="model", compile=CompileSpec("adam", "categorical_crossentropy"), layers=SMALL,
                       input_shape=[4])
    assert evaluate(p, {"model": model}).status is Status.CORRECT
    assert evaluate(p, {"model": small()}).status is Status.UNATTEMPTED  # not compiled yet
    r = evaluate(p, {"model": other})
    assert r.status is Status.INCORRECT and "5 inputs" in r.message, r.message
    assert evaluate(p, {"model": other}, passive=True).status is Status.UNATTEMPTED

    p = CountedModelProblem(var="model", layers=SMALL, input_shape=[4], params=58)
    assert evaluate(p, {"model": small()}).status is Status.CORRECT
    no_bias = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu", use_bias=False),
                                layers.Dense(2, activation="softmax")])
    r = evaluate(p, {"model": no_bias})
    assert r.status is Status.INCORRECT and "Layer 1 (Dense(8, relu)) has 32 parameters; it should have 40" in \
        r.message and "50 parameters; it should have 58" in r.message, r.message


def test_sweep_problem_matches_float_keys(model):
    runs_ = {}
    for lr in (0.1, 1.0):
        m = small()
        m.compile(optimizer=keras.optimizers.SGD(lr), loss="categorical_crossentropy")
        runs_[lr] = m.fit(X, Y, epochs=2, verbose=0)
    p = SweepProblem(var="h", keys=[0.1, 1.0], setting="learning rate",
                     run=lambda lr: RunSpec(compile=CompileSpec("sgd", learning_rate=lr), fit=FitSpec(epochs=2)),
                     diagnose=lambda r: runs.summarize(r, "learning rate"))
    r = evaluate(p, {"h": {0.1: runs_[0.1], 1: runs_[1.0]}})
    assert r.status is Status.CORRECT and "learning rate 0.1" in r.diagnosis and "Lowest final loss" in r.diagnosis
    assert evaluate(p, {"h": {0.1: runs_[1.0], 1.0: runs_[0.1]}}).status is Status.INCORRECT


# ---------------------------------------------------------------- runs
def test_describe_and_summarize_runs():
    flat = {"loss": [1e5, 30.0] + [0.6742] * 8}
    falling = {"loss": [2.3, 2.2, 2.1, 2.0, 1.9]}
    assert "flat from epoch 3 on" in runs.describe_run(flat)
    assert "still falling at epoch 5" in runs.describe_run(falling)
    assert "NaN at every epoch" in runs.describe_run({"loss": [float("nan")] * 3})
    acc = runs.describe_run({"loss": [1.0, 0.9, 0.8], "acc": [0.5, 0.7, 0.6]}, "accuracy")
    assert acc == "acc 0.5000 → 0.6000, best 0.7000 at epoch 2"
    text = runs.summarize({1.0: flat, 0.01: falling}, label="learning rate")
    assert text.endswith("Lowest final loss: learning rate 1.0.")


def test_diagnose_states_facts_when_the_training_loss_still_falls():
    h = {"loss": [1.0, 0.8, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2],
         "val_loss": [0.7, 0.6, 0.52, 0.47, 0.44, 0.42, 0.40, 0.401, 0.404, 0.45]}
    from learnkit.keras.diagnosis import diagnose
    d = diagnose(h)  # one diagnosis for both courses (runs.diagnose, which said it otherwise, is gone)
    assert "stopped falling" not in d and "kept falling" in d and "early sign of overfitting" in d
    text = d
    assert "stopped falling" not in text and "kept falling" in text and "epoch 7" in text


def test_plot_runs_never_raises_for_missing_runs(capsys):
    import matplotlib
    matplotlib.use("agg")
    from learnkit.core.placeholder import PLACEHOLDER
    ax = runs.plot_runs({"a": {"val_loss": [1.0, float("nan"), 0.5]}, "b": PLACEHOLDER, "c": None, "d": 42})
    assert len(ax.lines) == 1 and math.isnan(ax.lines[0].get_ydata()[1])
    assert "b, c, d" in capsys.readouterr().out
