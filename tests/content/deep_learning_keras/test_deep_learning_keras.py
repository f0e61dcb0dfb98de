"""The Deep learning with Keras checkers on real (tiny) Keras models and histories: right, wrong, unattempted.

Synthetic arrays with the courses' shapes stand in for the datasets, so these tests need no data files.
"""
import numpy as np
import pandas as pd
import pytest

keras = pytest.importorskip("keras")
from keras import layers  # noqa: E402

from learnkit.core import Status, binder, evaluate  # noqa: E402
from learnkit.core.placeholder import PLACEHOLDER  # noqa: E402
from checkers.deep_learning_keras import ex1, ex2, ex3, ex4  # noqa: E402

RNG = np.random.default_rng(0)


def judge(ex, question, **ns):
    return evaluate(ex.exercise.problem(question), ns, question, ex.exercise.id)


def passive(ex, question, **ns):
    """The grader's judging after a cell, which the student did not ask for."""
    return evaluate(ex.exercise.problem(question), ns, question, ex.exercise.id, passive=True)


def ok(r):
    assert r.status is Status.CORRECT, r.message
    return r


def wrong(r, *words):
    assert r.status is Status.INCORRECT, (r.status, r.message)
    for w in words:
        assert w.lower() in r.message.lower(), (w, r.message)
    return r


def skipped(r, *words):
    assert r.status is Status.UNATTEMPTED, (r.status, r.message)
    for w in words:
        assert w.lower() in r.message.lower(), (w, r.message)
    return r


def seq(n_in, *ls):
    return keras.Sequential([keras.Input(shape=(n_in,))] + list(ls))


def dense(units, act=None, **kw):
    return layers.Dense(units, activation=act, **kw)


def wages_model():
    return seq(9, dense(50, "relu"), dense(32, "relu"), dense(1))


def titanic_model(out="softmax"):
    return seq(10, dense(32, "relu"), dense(2, out))


def new_model():
    return seq(10, dense(100, "relu"), dense(100, "relu"), dense(2, "softmax"))


# ---- data with the courses' shapes -----------------------------------------------------------
X9 = RNG.integers(0, 50, size=(534, 9)).astype("float32")
Y9 = (X9[:, 1] * 0.5 + RNG.normal(size=534)).astype("float32")
X10 = RNG.normal(size=(891, 10)).astype("float32")
Y10 = keras.utils.to_categorical((X10[:, 0] > 0).astype(int))
TITANIC_DF = pd.DataFrame({"survived": (X10[:800, 0] > 0).astype(int)})
# Zero inputs and 50/50 targets: a fresh network already predicts (0.5, 0.5), every gradient is zero, the
# validation loss never improves after epoch 1, and EarlyStopping(patience=2) ends each run after epoch 3.
X0, HALF = np.zeros((891, 10), "float32"), np.full((891, 2), 0.5, "float32")


def fit(model, x, y, optimizer="adam", loss="mse", metrics=(), **kw):
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    return model.fit(x, y, verbose=0, **kw)


def run(model, epochs=10, steps=2, logs=None, requested=None, optimizer="adam", loss="mse", metrics=()):
    """A History filled through the callback protocol fit uses, for a compiled model, without training.

    Each new model fitted costs a function trace (about a second of CPU); wrong answers that differ only
    in the model or its compile arguments do not need one.
    """
    if optimizer is not None:
        model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    h = keras.callbacks.History()
    h.set_model(model)
    h.set_params({"verbose": 0, "epochs": requested or epochs, "steps": steps})
    h.on_train_begin()
    for e in range(epochs):
        h.on_epoch_end(e, logs(e) if logs else {"loss": 1.0 - 0.05 * e, "accuracy": 0.5 + 0.02 * e})
    return h


@pytest.fixture(scope="module")
def wages_run():
    model = wages_model()
    return model, fit(model, X9 / 50, Y9, epochs=10)


@pytest.fixture(scope="module")
def titanic_run():
    model = titanic_model()
    return model, fit(model, X10[:800], Y10[:800], "sgd", "categorical_crossentropy", ["accuracy"], epochs=10)


# ================================================================ ex1
def test_ex1_q1_model():
    ok(judge(ex1, "q_1", model=wages_model()))
    ok(judge(ex1, "q_1", model=keras.Sequential([layers.Dense(50, activation="relu", input_shape=(9,)),
                                                  dense(32, "relu"), dense(1)])))
    inputs = keras.Input((9,))
    out = dense(1)(dense(32, keras.activations.relu)(dense(50, "relu")(inputs)))
    ok(judge(ex1, "q_1", model=keras.Model(inputs, out)))
    wrong(judge(ex1, "q_1", model=seq(9, dense(50, "relu"), dense(32, "relu"), dense(1, "relu"))),
          "without an activation")
    wrong(judge(ex1, "q_1", model=seq(9, dense(50, "relu"), dense(1))), "missing")
    wrong(judge(ex1, "q_1", model=seq(9, dense(50, "relu", use_bias=False), dense(32, "relu"), dense(1))),
          "2,115", "2,165")
    wrong(judge(ex1, "q_1", model=keras.Sequential([dense(50, "relu"), dense(32, "relu"), dense(1)])), "input")
    wrong(judge(ex1, "q_1", model=42), "Keras model")
    skipped(judge(ex1, "q_1", model=seq(9)), "no layers yet")
    wrong(judge(ex1, "q_1", model=titanic_model()), "10 inputs", "9 features")  # asked: q_5's model is wrong here
    skipped(passive(ex1, "q_1", model=titanic_model()))  # the grader: another question's model
    skipped(judge(ex1, "q_1", model=PLACEHOLDER))
    skipped(judge(ex1, "q_1"))


@pytest.mark.parametrize("spelling", ["keras.Input(shape=(10,))", "input_shape=[10]", "input_shape=(12,)"])
def test_ex1_q1_right_layers_for_other_data_are_incorrect(spelling):
    n = int("".join(ch for ch in spelling if ch.isdigit()))
    first = {} if spelling.startswith("keras.Input") else {"input_shape": [n]}
    ls = [dense(50, "relu", **first), dense(32, "relu"), dense(1)]
    m = keras.Sequential(([keras.Input(shape=(n,))] if not first else []) + ls)
    r = wrong(judge(ex1, "q_1", model=m), f"{n} inputs", "9 features", "input_shape=[9]")
    assert "does not look like" not in r.message
    wrong(passive(ex1, "q_1", model=m), f"{n} inputs")  # the grader too: these are question 1's layers


def test_ex1_q2_and_q3_judge_another_input_shape_as_wrong_when_asked(wages_run, titanic_run):
    m = titanic_model()
    m.compile(optimizer="adam", loss="mse")
    wrong(judge(ex1, "q_2", model=m), "10 inputs", "9 features")
    skipped(passive(ex1, "q_2", model=m))  # question 5's model, while the grader judges passively
    m = seq(10, dense(50, "relu"), dense(32, "relu"), dense(1))  # question 1's layers, the Titanic data's shape
    m.compile(optimizer="adam", loss="mse")
    wrong(judge(ex1, "q_2", model=m), "10 inputs", "9 features")
    wrong(passive(ex1, "q_2", model=m), "10 inputs")
    wrong(judge(ex1, "q_3", history=titanic_run[1]), "10 inputs", "9 features")
    skipped(passive(ex1, "q_3", history=titanic_run[1]))
    h = run(seq(10, dense(50, "relu"), dense(32, "relu"), dense(1)))
    wrong(judge(ex1, "q_3", history=h), "10 inputs", "9 features")
    wrong(passive(ex1, "q_3", history=h), "10 inputs")
    wrong(judge(ex1, "q_5", history=wages_run[1]), "9 inputs", "10 features")
    skipped(passive(ex1, "q_5", history=wages_run[1]))


def test_ex1_q2_compile_accepts_aliases():
    for optimizer, loss in (("adam", "mean_squared_error"), ("adam", "mse"), ("Adam", "MSE"),
                            (keras.optimizers.Adam(), keras.losses.MeanSquaredError()),
                            (keras.optimizers.Adam(learning_rate=0.01), keras.losses.mean_squared_error)):
        m = wages_model()
        m.compile(optimizer=optimizer, loss=loss)
        ok(judge(ex1, "q_2", model=m))
    m = wages_model()
    skipped(judge(ex1, "q_2", model=m), "not compiled")
    m.compile(optimizer="sgd", loss="mse")
    wrong(judge(ex1, "q_2", model=m), "SGD", "Adam")
    m.compile(optimizer="adam", loss="mae")
    wrong(judge(ex1, "q_2", model=m), "mean_absolute_error", "'mse'")
    m = seq(9, dense(1))
    m.compile(optimizer="adam", loss="mse")
    wrong(judge(ex1, "q_2", model=m), "question 1")
    skipped(judge(ex1, "q_2", model=PLACEHOLDER))


def test_ex1_q3_fit(wages_run, titanic_run):
    model, history = wages_run
    r = ok(judge(ex1, "q_3", history=history))
    assert "loss" in r.diagnosis and "→" in r.diagnosis
    h1 = model.fit(X9 / 50, Y9, verbose=0)  # Keras 3's default: one epoch
    wrong(judge(ex1, "q_3", history=h1), "epochs=1", "epochs=10", "Keras 3")
    wrong(judge(ex1, "q_3", history=model), "model itself")
    wrong(judge(ex1, "q_3", history=history.history), "dict")
    wrong(judge(ex1, "q_3", history=run(wages_model(), optimizer="sgd")), "Adam")
    wrong(judge(ex1, "q_3", history=titanic_run[1]), "10 inputs")
    skipped(judge(ex1, "q_3", history=PLACEHOLDER))


def test_ex1_q3_a_diverged_run_fails():
    wrong(judge(ex1, "q_3", history=run(wages_model(), logs=lambda e: {"loss": float("nan") if e > 2 else 1.0})),
          "NaN", "epoch 4")
    wrong(judge(ex1, "q_3", history=run(wages_model(), logs=lambda e: {"loss": 1.0 + e})), "did not go down")


def test_ex1_q4_target():
    df = TITANIC_DF
    for t in (keras.utils.to_categorical(df.survived), np.eye(2)[df.survived], pd.get_dummies(df.survived)):
        ok(judge(ex1, "q_4", target=t, df=df))
    wrong(judge(ex1, "q_4", target=df.survived, df=df), "one-hot")
    wrong(judge(ex1, "q_4", target=keras.utils.to_categorical(df.survived, 3), df=df), "3 columns")
    wrong(judge(ex1, "q_4", target=keras.utils.to_categorical(1 - df.survived), df=df), "swapped")
    wrong(judge(ex1, "q_4", target=np.zeros((891, 2)), df=df), "(800, 2)")
    skipped(judge(ex1, "q_4", target=Y9, df=pd.DataFrame({"wage_per_hour": Y9})), "Titanic")
    wrong(judge(ex1, "q_4", target=Y9, df=df), "another dataset")  # asked: the wages target is wrong here
    skipped(passive(ex1, "q_4", target=Y9, df=df), "another dataset")  # the grader: question 1's data
    wrong(judge(ex1, "q_4", target=np.asarray(df.survived[:500]), df=df), "500 values")


def test_ex1_q5_classifier(titanic_run, wages_run):
    r = ok(judge(ex1, "q_5", history=titanic_run[1]))
    assert "accuracy" in r.diagnosis
    cce = dict(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
    wrong(judge(ex1, "q_5", history=run(titanic_model("sigmoid"), **cce)), "softmax")
    wrong(judge(ex1, "q_5", history=run(titanic_model(), **{**cce, "loss": "binary_crossentropy"})),
          "categorical_crossentropy", "yes/no")
    wrong(judge(ex1, "q_5", history=run(titanic_model(), **{**cce, "metrics": []})), "accuracy")
    wrong(judge(ex1, "q_5", history=run(titanic_model(), **{**cce, "metrics": [keras.metrics.Accuracy()]})),
          "exactly equal to the labels")  # exact-match accuracy is not the accuracy the question asks for
    wrong(judge(ex1, "q_5", history=run(titanic_model(), **{**cce, "optimizer": "adam"})), "SGD")
    wrong(judge(ex1, "q_5", history=run(seq(10, dense(32, "relu"), dense(2, "softmax", use_bias=False)), **cce)),
          "Layer 2 (Dense(2, softmax)) has 64 parameters; it should have 66", "bias")
    wrong(judge(ex1, "q_5", history=run(titanic_model(), epochs=1, **cce)), "epochs=10")
    ok(judge(ex1, "q_5", history=fit(titanic_model(), X10[:64], Y10[:64], keras.optimizers.SGD(),
                                     keras.losses.CategoricalCrossentropy(), ["acc"], epochs=10)))
    wrong(judge(ex1, "q_5", history=wages_run[1]), "9 inputs")
    skipped(passive(ex1, "q_5", history=wages_run[1]))


def test_ex1_q6_predictions(titanic_run):
    model = titanic_run[0]
    pred_data = X10[800:]
    p = model.predict(pred_data, verbose=0)
    r = ok(judge(ex1, "q_6", predicted_prob_true=p[:, 1], model=model, pred_data=pred_data))
    assert "91 passengers" in r.message
    ok(judge(ex1, "q_6", predicted_prob_true=list(p[:, -1]), model=model, pred_data=pred_data))
    wrong(judge(ex1, "q_6", predicted_prob_true=p[:, 0], model=model, pred_data=pred_data), "not* surviving")
    wrong(judge(ex1, "q_6", predicted_prob_true=p, model=model, pred_data=pred_data), "column 1")
    wrong(judge(ex1, "q_6", predicted_prob_true=p.argmax(1), model=model, pred_data=pred_data))
    wrong(judge(ex1, "q_6", predicted_prob_true=model.predict(X10[:800], verbose=0)[:, 1], model=model,
                pred_data=pred_data), "pred_data")
    wrong(judge(ex1, "q_6", predicted_prob_true=p[:, 1] * 3, model=model, pred_data=pred_data), "[0, 1]")
    wrong(judge(ex1, "q_6", predicted_prob_true=p[:, 1], model=wages_model(), pred_data=pred_data), "Titanic")
    skipped(judge(ex1, "q_6", predicted_prob_true=PLACEHOLDER, model=model, pred_data=pred_data))


# ================================================================ ex2
def test_ex2_multiple_choice():
    ok(judge(ex2, "q_1", answer_1="d"))
    ok(judge(ex2, "q_1", answer_1="All of the above."))
    for a in ("a", "b", "c", 4):
        wrong(judge(ex2, "q_1", answer_1=a))
    ok(judge(ex2, "q_7", answer_7="b"))
    for a in ("a", "c"):
        wrong(judge(ex2, "q_7", answer_7=a))
    skipped(judge(ex2, "q_7", answer_7=PLACEHOLDER))


def sweep(lrs=(1e-6, 0.01, 1.0)):
    runs = {}
    for lr in lrs:
        m = new_model()
        m.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="categorical_crossentropy")
        runs[lr] = m.fit(X10[:64], Y10[:64], epochs=10, verbose=0)
    return runs


def test_ex2_q2_learning_rate_sweep():
    runs = sweep()
    r = ok(judge(ex2, "q_2", histories=runs))
    assert "learning rate 1e-06" in r.diagnosis and "Lowest final loss" in r.diagnosis
    ok(judge(ex2, "q_2", histories={0.000001: runs[1e-6], 1e-2: runs[0.01], 1: runs[1.0]}))  # int key 1 is fine
    wrong(judge(ex2, "q_2", histories={lr: runs[lr] for lr in (1e-6, 0.01)}), "no run", "1.0")
    wrong(judge(ex2, "q_2", histories={**runs, 0.1: runs[0.01]}), "0.1")
    wrong(judge(ex2, "q_2", histories={1e-6: runs[0.01], 0.01: runs[1e-6], 1.0: runs[1.0]}), "learning_rate=1e-06")
    shared = new_model()  # one model compiled and trained again for each learning rate
    one_model = {lr: run(shared, optimizer=keras.optimizers.SGD(lr), loss="categorical_crossentropy")
                 for lr in (1e-6, 0.01, 1.0)}
    wrong(judge(ex2, "q_2", histories=one_model), "get_new_model()")
    adam = run(new_model(), optimizer="adam", loss="categorical_crossentropy")
    wrong(judge(ex2, "q_2", histories={**runs, 0.01: adam}), "SGD")
    wrong(judge(ex2, "q_2", histories=list(runs.values())), "dict")
    skipped(judge(ex2, "q_2", histories={}), "empty")


@pytest.fixture(scope="module")
def validated():
    m = new_model()
    return m, fit(m, X10, Y10, "adam", "categorical_crossentropy", ["accuracy"], epochs=10, validation_split=0.3)


def test_ex2_q3_validation_split(validated):
    model, hist = validated
    r = ok(judge(ex2, "q_3", hist=hist))
    assert "Validation accuracy" in r.diagnosis
    wrong(judge(ex2, "q_3", hist=model.fit(X10[:32], Y10[:32], epochs=10, verbose=0)), "validation_split=0.3")
    val = dict(optimizer=None, logs=lambda e: {"loss": 0.6, "accuracy": 0.7, "val_loss": 0.6, "val_accuracy": 0.7})
    wrong(judge(ex2, "q_3", hist=run(model, steps=23, **val)), "623", "23")  # what validation_split=0.2 gives
    wrong(judge(ex2, "q_3", hist=run(model, epochs=3, steps=20, **val)), "epochs=10")
    ok(judge(ex2, "q_3", hist=model.fit(X10[:623], Y10[:623], epochs=10, validation_data=(X10[623:], Y10[623:]),
                                        verbose=0)))
    skipped(judge(ex2, "q_3", hist=PLACEHOLDER))


def test_ex2_q4_early_stopping():
    model = new_model()
    cb = keras.callbacks.EarlyStopping(patience=2)
    history = fit(model, X0, HALF, "adam", "categorical_crossentropy", ["accuracy"], epochs=30,
                  validation_split=0.3, callbacks=[cb])
    r = ok(judge(ex2, "q_4", history=history, early_stopping_monitor=cb))
    assert "after epoch 3 of 30" in r.diagnosis, r.diagnosis
    wrong(judge(ex2, "q_4", history=history, early_stopping_monitor=keras.callbacks.EarlyStopping(patience=3)),
          "patience=2")
    wrong(judge(ex2, "q_4", history=history,
                early_stopping_monitor=keras.callbacks.EarlyStopping(patience=2, monitor="loss")), "val_loss")
    wrong(judge(ex2, "q_4", history=history, early_stopping_monitor=keras.callbacks.EarlyStopping(patience=2)),
          "never passed")
    wrong(judge(ex2, "q_4", history=history, early_stopping_monitor=keras.callbacks.ModelCheckpoint("x.keras")),
          "EarlyStopping")
    fake = fake_history(model, [0.5 + abs(e - 3) * 0.01 for e in range(30)], epochs=30)
    wrong(judge(ex2, "q_4", history=fake, early_stopping_monitor=cb), "would have stopped it after epoch 6")
    short = fake_history(model, [0.5 - e * 0.01 for e in range(8)], epochs=30)
    wrong(judge(ex2, "q_4", history=short, early_stopping_monitor=cb), "stopped after 8 of 30")
    skipped(judge(ex2, "q_4", history=history, early_stopping_monitor=PLACEHOLDER))


def fake_history(model, val_loss, epochs, steps=20):
    """A History as fit would fill it, for runs too unlikely to get from a real fit."""
    h = keras.callbacks.History()
    h.set_model(model)
    h.set_params({"verbose": 0, "epochs": epochs, "steps": steps})
    h.on_train_begin()
    for e, v in enumerate(val_loss):
        h.on_epoch_end(e, {"loss": 0.7 - 0.01 * e, "accuracy": 0.7, "val_loss": v, "val_accuracy": 0.7})
    return h


def pair(model_1, model_2, epochs, split, cb=None):
    cb = cb or keras.callbacks.EarlyStopping(patience=2)
    runs = []
    for m in (model_1, model_2):
        runs.append(fit(m, X0, HALF, "adam", "categorical_crossentropy", ["accuracy"], epochs=epochs,
                        validation_split=split, callbacks=[cb]))
    return {"model_1_training": runs[0], "model_2_training": runs[1], "early_stopping_monitor": cb}


def test_ex2_q5_q6_wider_and_deeper():
    wide = pair(seq(10, dense(10, "relu"), dense(10, "relu"), dense(2, "softmax")), new_model(), 15, 0.2)
    r = ok(judge(ex2, "q_5", **wide))
    assert "Minimum validation loss" in r.diagnosis and "model_2" in r.diagnosis
    wrong(judge(ex2, "q_5", **{**wide, "model_1_training": wide["model_2_training"],
                               "model_2_training": wide["model_1_training"]}), "model_1_training")
    wrong(judge(ex2, "q_5", **{**wide, "early_stopping_monitor": keras.callbacks.EarlyStopping(patience=2)}),
          "never passed")
    narrow = run(seq(10, dense(100, "relu"), dense(2, "softmax")), loss="categorical_crossentropy")
    wrong(judge(ex2, "q_5", **{**wide, "model_2_training": narrow}), "should have 3")
    cb = keras.callbacks.EarlyStopping(patience=2)
    deep_models = (seq(10, dense(50, "relu"), dense(2, "softmax")),
                   seq(10, dense(50, "relu"), dense(50, "relu"), dense(50, "relu"), dense(2, "softmax")))
    deep = {name: run(m, epochs=3, requested=20, steps=17, optimizer="adam", loss="categorical_crossentropy",
                      metrics=["accuracy"], logs=lambda e: {"loss": 0.7, "accuracy": 0.5, "val_loss": 0.69})
            for name, m in zip(("model_1_training", "model_2_training"), deep_models)}
    cb.set_model(deep_models[1])  # as fit does with the callbacks it is given
    deep["early_stopping_monitor"] = cb
    ok(judge(ex2, "q_6", **deep))
    wrong(judge(ex2, "q_5", **deep), "question 6")  # asked: these runs are not question 5's answer
    wrong(judge(ex2, "q_6", **wide), "question 5")
    skipped(passive(ex2, "q_5", **deep), "question 6")  # the grader: another question's runs
    skipped(passive(ex2, "q_6", **wide), "question 5")
    wrong(judge(ex2, "q_6", **{**deep, "model_2_training": deep["model_1_training"]}))


# ================================================================ ex3
def digits(n=2500):
    labels = np.arange(n) % 10
    x = RNG.normal(0, 0.05, size=(n, 784)).astype("float32")
    x[np.arange(n), labels * 78] += 1.0  # an easy, separable stand-in for the digits
    return x, keras.utils.to_categorical(labels)


def digits_model():
    return seq(784, dense(50, "relu"), dense(50, "relu"), dense(10, "softmax"))


def test_ex3_model_and_compile():
    ok(judge(ex3, "q_1", model=digits_model()))
    wrong(judge(ex3, "q_1", model=seq(784, dense(50, "relu"), dense(50, "relu"), dense(10))), "softmax")
    skipped(judge(ex3, "q_1", model=seq(784)))
    images = keras.Sequential([keras.Input((28, 28)), dense(50, "relu"), dense(50, "relu"), dense(10, "softmax")])
    wrong(judge(ex3, "q_1", model=images), "(28, 28)", "(784,)", "input_shape=[784]")
    wrong(passive(ex3, "q_1", model=images), "(28, 28)")
    m = digits_model()
    skipped(judge(ex3, "q_2", model=m))
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    wrong(judge(ex3, "q_2", model=m), "one-hot")
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=[keras.metrics.CategoricalAccuracy()])
    ok(judge(ex3, "q_2", model=m))


def test_ex3_fit_threshold():
    x, y = digits()
    m = digits_model()
    history = fit(m, x, y, "adam", "categorical_crossentropy", ["accuracy"], epochs=10, validation_split=0.3)
    r = ok(judge(ex3, "q_3", history=history))
    assert "Best validation accuracy" in r.diagnosis
    low = keras.callbacks.History()
    low.set_model(m)
    low.set_params({"verbose": 0, "epochs": 10, "steps": 55})
    low.on_train_begin()
    for e in range(10):
        low.on_epoch_end(e, {"loss": 1 - e / 20, "accuracy": 0.7, "val_loss": 1.0, "val_accuracy": 0.8})
    wrong(judge(ex3, "q_3", history=low), "0.8000", "at least 0.85")
    wrong(judge(ex3, "q_3", history=m.fit(x[:64], y[:64], epochs=10, verbose=0)), "val_loss")
    wrong(judge(ex3, "q_3", history=m.fit(x[:320], y[:320], epochs=10, validation_split=0.3, verbose=0)), "1750")
    skipped(judge(ex3, "q_3", history=PLACEHOLDER))


# ================================================================ ex4
def wine_model(bn_first=False, units=1024, n=11):
    ls = []
    for _ in range(3):
        block = [layers.Dropout(0.3), layers.BatchNormalization()]
        ls += [dense(units, "relu")] + (block[::-1] if bn_first else block)
    return seq(n, *ls, dense(1))


def test_ex4_model_and_curve_diagnosis():
    model = wine_model()
    ok(judge(ex4, "q_1", model=model))
    wrong(judge(ex4, "q_1", model=wine_model(bn_first=True)), "tutorial")
    wrong(judge(ex4, "q_1", model=wine_model(units=512)), "1024")
    starter = seq(11, dense(512, "relu"), dense(512, "relu"), dense(512, "relu"), dense(1))
    skipped(judge(ex4, "q_1", model=starter), "lesson 4")
    wrong(judge(ex4, "q_1", model=wine_model(n=12)), "12 inputs", "11 features")
    def curve(e):
        return {"loss": 5.0 / (e + 1), "val_loss": 5.0 / (e + 1) + 0.1}
    h_starter = run(starter, epochs=5, logs=curve, loss="mae")
    skipped(judge(ex4, "q_2", history=h_starter), "does not come from")
    ns = {"history": h_starter}
    binder.bind(ns)
    binder.run_cell_callbacks()  # the history log sees the starter run
    ns["history"] = run(model, epochs=5, logs=curve, loss="mae")
    binder.run_cell_callbacks()
    r = ok(judge(ex4, "q_2", **ns))
    assert "lesson 4's network" in r.diagnosis, r.diagnosis
    wrong(judge(ex4, "q_2", history=model))
