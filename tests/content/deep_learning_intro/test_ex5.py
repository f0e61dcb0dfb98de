"""The ex5 checker on real Keras models: right answers in every spelling, and many wrong ones."""
import numpy as np
import pytest

keras = pytest.importorskip("keras")
from keras import layers  # noqa: E402

from learnkit.core import Status, binder, evaluate  # noqa: E402
from checkers.deep_learning_intro import ex5  # noqa: E402


def verdict(question, **ns):
    return ex5.exercise.grade(ns)[int(question[-1]) - 1]


def passive(question, **ns):
    """The grader's judging after a cell, which the student did not ask for."""
    return evaluate(ex5.exercise.problem(question), ns, question, ex5.exercise.id, passive=True)


def seq(*ls):
    return keras.Sequential(list(ls))


def spotify(rate1=0.3, rate2=0.3, units=(128, 64), act="relu", input_shape=(18,), inp="kwarg"):
    first = dict(input_shape=list(input_shape)) if inp == "kwarg" and input_shape else {}
    ls = [layers.Dense(units[0], activation=act, **first), layers.Dropout(rate1),
          layers.Dense(units[1], activation=act), layers.Dropout(rate2), layers.Dense(1)]
    if inp == "Input":
        ls = [keras.Input(shape=input_shape)] + ls
    return seq(*ls)


def concrete(order="before", n_bn=4, input_shape=(8,), units=512):
    ls = []
    for i in range(4):
        dense = layers.Dense(units if i < 3 else 1, activation="relu" if i < 3 else None)
        bn = layers.BatchNormalization()
        if order == "before":
            ls += ([bn] if i < n_bn else []) + [dense]
        else:
            ls += [dense] + ([bn] if i < n_bn else [])
    return seq(keras.Input(shape=input_shape), *ls) if input_shape else seq(*ls)


def _functional_no_bias():
    inputs = keras.Input(shape=(18,))
    x = layers.Dropout(0.3)(layers.Dense(128, activation="relu")(inputs))
    x = layers.Dropout(0.3)(layers.Dense(64, activation="relu", use_bias=False)(x))
    return keras.Model(inputs, layers.Dense(1)(x))


def functional_spotify():
    inputs = keras.Input(shape=(18,))
    x = layers.Dense(128, activation=keras.activations.relu)(inputs)
    x = layers.Dropout(rate=0.3)(x)
    x = layers.Dense(64, activation="relu")(x)
    x = layers.Dropout(rate=0.3)(x)
    return keras.Model(inputs, layers.Dense(1)(x))


# ---- q_1: 15+ answers -----------------------------------------------------------------
Q1_RIGHT = {
    "input_shape kwarg": lambda: spotify(),
    "keras.Input": lambda: spotify(inp="Input"),
    "functional chain": functional_spotify,
    "Dropout(rate=0.3)": lambda: seq(layers.Dense(128, activation="relu", input_shape=[18]), layers.Dropout(rate=0.3),
                                     layers.Dense(64, activation="relu"), layers.Dropout(rate=0.3), layers.Dense(1)),
    "activation function": lambda: spotify(act=keras.activations.relu),
    "explicit linear output": lambda: seq(layers.Dense(128, activation="relu", input_shape=[18]), layers.Dropout(0.3),
                                          layers.Dense(64, activation="relu"), layers.Dropout(0.3),
                                          layers.Dense(1, activation="linear")),
}

Q1_WRONG = {
    "rate 0.5": (lambda: spotify(0.5, 0.5), ["Layer 2", "0.3", "0.5"]),
    "second rate 0.2": (lambda: spotify(0.3, 0.2), ["Layer 4", "0.3"]),
    "dropout after the last Dense": (lambda: seq(layers.Dense(128, activation="relu", input_shape=[18]),
                                                 layers.Dropout(0.3), layers.Dense(64, activation="relu"),
                                                 layers.Dropout(0.3), layers.Dense(1), layers.Dropout(0.3)),
                                     ["not after the output layer"]),
    "only one dropout": (lambda: seq(layers.Dense(128, activation="relu", input_shape=[18]), layers.Dropout(0.3),
                                     layers.Dense(64, activation="relu"), layers.Dense(1)), ["layer 4", "Dropout(0.3)"]),
    "dropout before the first Dense": (lambda: seq(keras.Input((18,)), layers.Dropout(0.3), layers.Dense(128, activation="relu"),
                                                   layers.Dropout(0.3), layers.Dense(64, activation="relu"),
                                                   layers.Dense(1)), ["Layer 1", "Dense"]),
    "missing input shape": (lambda: spotify(input_shape=None, inp=None), ["input shape", "18"]),
    "wrong input shape": (lambda: spotify(input_shape=(9,), inp="Input"), ["9 inputs", "18 features",
                                                                           "input_shape=[18]"]),
    "wrong units": (lambda: spotify(units=(128, 32)), ["Layer 3", "64", "32"]),
    "use_bias=False": (lambda: seq(layers.Dense(128, activation="relu", input_shape=[18], use_bias=False),
                                   layers.Dropout(0.3), layers.Dense(64, activation="relu"), layers.Dropout(0.3),
                                   layers.Dense(1)),
                       ["Layer 1 (Dense(128, relu)) has 2,304 parameters; it should have 2,432", "bias",
                        "10,625", "10,753"]),
    "use_bias=False everywhere, keras.Input": (
        lambda: seq(keras.Input((18,)), layers.Dense(128, activation="relu", use_bias=False), layers.Dropout(0.3),
                    layers.Dense(64, activation="relu", use_bias=False), layers.Dropout(0.3),
                    layers.Dense(1, use_bias=False)), ["Layer 1", "2,304", "2,432", "bias"]),
    "output layer without bias": (lambda: seq(layers.Dense(128, activation="relu", input_shape=[18]),
                                              layers.Dropout(0.3), layers.Dense(64, activation="relu"),
                                              layers.Dropout(0.3), layers.Dense(1, use_bias=False)),
                                  ["Layer 5", "64 parameters", "65", "bias"]),
    "functional, second Dense without bias": (
        lambda: _functional_no_bias(), ["Layer 3 (Dense(64, relu)) has 8,192 parameters; it should have 8,256"]),
    "wrong activation": (lambda: spotify(act="sigmoid"), ["relu", "sigmoid"]),
    "missing output layer": (lambda: seq(layers.Dense(128, activation="relu", input_shape=[18]), layers.Dropout(0.3),
                                         layers.Dense(64, activation="relu"), layers.Dropout(0.3)), ["Dense"]),
    "BatchNormalization instead of Dropout": (lambda: seq(layers.Dense(128, activation="relu", input_shape=[18]),
                                                          layers.BatchNormalization(), layers.Dense(64, activation="relu"),
                                                          layers.BatchNormalization(), layers.Dense(1)),
                                              ["Layer 2", "Dropout", "BatchNormalization"]),
    "sigmoid output": (lambda: seq(layers.Dense(128, activation="relu", input_shape=[18]), layers.Dropout(0.3),
                                   layers.Dense(64, activation="relu"), layers.Dropout(0.3),
                                   layers.Dense(1, activation="sigmoid")), ["Layer 5", "linear", "sigmoid"]),
    "an int": (lambda: 42, ["Keras model", "int"]),
    "a list of layers": (lambda: [layers.Dense(1)], ["Keras model", "list"]),
    "None": (lambda: None, ["Keras model"]),
}


@pytest.mark.parametrize("name", Q1_RIGHT)
def test_q1_accepts_every_spelling(name):
    r = verdict("q_1", model=Q1_RIGHT[name]())
    assert r.status is Status.CORRECT, r.message


@pytest.mark.parametrize("name", Q1_WRONG)
def test_q1_rejects_wrong_answers_precisely(name):
    make, words = Q1_WRONG[name]
    r = verdict("q_1", model=make())
    assert r.status is Status.INCORRECT, r.message
    for w in words:
        assert w.lower() in r.message.lower(), (w, r.message)


def test_q1_starter_missing_and_placeholder_are_unattempted():
    starter = seq(layers.Dense(128, activation="relu", input_shape=[18]), layers.Dense(64, activation="relu"),
                  layers.Dense(1))
    r = verdict("q_1", model=starter)
    assert r.status is Status.UNATTEMPTED and "Dropout(0.3)" in r.message
    assert verdict("q_1").status is Status.UNATTEMPTED
    assert verdict("q_1", model=ex5.____).status is Status.UNATTEMPTED


def test_q1_ignores_the_concrete_models_of_q3_only_when_judging_passively():
    r = verdict("q_1", model=concrete())  # the student asks q_1.check() while `model` is q_3's
    assert r.status is Status.INCORRECT and "8 inputs" in r.message and "18 features" in r.message, r.message
    assert passive("q_1", model=concrete()).status is Status.UNATTEMPTED
    plain = seq(layers.Dense(512, activation="relu", input_shape=[8]), layers.Dense(512, activation="relu"),
                layers.Dense(512, activation="relu"), layers.Dense(1))
    assert verdict("q_1", model=plain).status is Status.INCORRECT
    assert passive("q_1", model=plain).status is Status.UNATTEMPTED


def _functional_spotify(n):
    inputs = keras.Input(shape=(n,))
    x = layers.Dropout(0.3)(layers.Dense(128, activation="relu")(inputs))
    x = layers.Dropout(0.3)(layers.Dense(64, activation="relu")(x))
    return keras.Model(inputs, layers.Dense(1)(x))


# The right layers built for other data: an attempt at q_1, wrong when asked AND when judged passively.
Q1_OTHER_INPUTS = {
    "input_shape=[17]": (lambda: spotify(input_shape=(17,)), 17),
    "keras.Input(shape=(17,))": (lambda: spotify(input_shape=(17,), inp="Input"), 17),
    "cell re-run after the Concrete data set input_shape=[8]": (lambda: spotify(input_shape=(8,)), 8),
    "functional, 19 inputs": (lambda: _functional_spotify(19), 19),
    "input_shape=(18, 1)": (lambda: spotify(input_shape=(18, 1)), None),
}


@pytest.mark.parametrize("name", Q1_OTHER_INPUTS)
def test_q1_right_layers_with_another_input_shape_is_incorrect(name):
    make, n = Q1_OTHER_INPUTS[name]
    r = verdict("q_1", model=make())
    assert r.status is Status.INCORRECT, r.message
    words = [f"{n} inputs", "18 features", "input_shape=[18]"] if n else ["(18, 1)", "(18,)", "input_shape=[18]"]
    for w in words:
        assert w in r.message, (w, r.message)
    assert passive("q_1", model=make()).status is Status.INCORRECT


def test_q1_wrong_layers_and_input_shape_name_both_when_asked():
    r = verdict("q_1", model=spotify(0.5, 0.5, input_shape=(17,)))
    assert r.status is Status.INCORRECT, r.message
    assert "17 inputs" in r.message and "Layer 2" in r.message and "0.5" in r.message, r.message
    assert passive("q_1", model=spotify(0.5, 0.5, input_shape=(17,))).status is Status.UNATTEMPTED


def test_q1_untouched_starter_stays_unattempted_whatever_input_shape_it_got():
    starter = seq(layers.Dense(128, activation="relu", input_shape=[8]), layers.Dense(64, activation="relu"),
                  layers.Dense(1))  # the starter cell run after the Concrete data replaced input_shape
    assert verdict("q_1", model=starter).status is Status.UNATTEMPTED
    assert passive("q_1", model=starter).status is Status.UNATTEMPTED


# ---- q_3: 15+ answers -----------------------------------------------------------------
Q3_RIGHT = {
    "keras.Input": lambda: concrete(),
    "input_shape on BN": lambda: seq(layers.BatchNormalization(input_shape=[8]), layers.Dense(512, activation="relu"),
                                     layers.BatchNormalization(), layers.Dense(512, activation="relu"),
                                     layers.BatchNormalization(), layers.Dense(512, activation="relu"),
                                     layers.BatchNormalization(), layers.Dense(1)),
    "functional chain": lambda: _functional_concrete(),
}

Q3_WRONG = {
    "BN after Dense": (lambda: concrete(order="after", n_bn=3), ["after the Dense layers", "before"]),
    "BN after every Dense": (lambda: concrete(order="after", n_bn=4), ["after the Dense layers"]),
    "three BN": (lambda: concrete(n_bn=3), ["BatchNormalization"]),
    "no input shape": (lambda: concrete(input_shape=None), ["input shape", "8"]),
    "input shape on the first Dense, not BN": (lambda: seq(layers.Dense(512, activation="relu", input_shape=[8]),
                                                           layers.BatchNormalization(), layers.Dense(512, activation="relu"),
                                                           layers.BatchNormalization(), layers.Dense(512, activation="relu"),
                                                           layers.BatchNormalization(), layers.Dense(1)),
                                               ["after the Dense layers"]),
    "wrong units": (lambda: concrete(units=256), ["512", "256"]),
    "first BN without center": (lambda: seq(layers.BatchNormalization(input_shape=[8], center=False),
                                            *concrete(input_shape=None).layers[1:]),
                                ["Layer 1 (BatchNormalization) has 24 parameters; it should have 32", "center"]),
    "hidden BN without scale": (lambda: seq(keras.Input((8,)), *[
        layers.BatchNormalization(scale=False) if isinstance(layer, layers.BatchNormalization) and i == 2 else layer
        for i, layer in enumerate(concrete(input_shape=None).layers)]), ["Layer 3", "1,536", "2,048", "scale"]),
    "output Dense without bias": (lambda: seq(keras.Input((8,)), *concrete(input_shape=None).layers[:-1],
                                              layers.Dense(1, use_bias=False)),
                                  ["Layer 8 (Dense(1)) has 512 parameters; it should have 513"]),
    "Dropout instead of BN": (lambda: seq(keras.Input((8,)), layers.Dropout(0.3), layers.Dense(512, activation="relu"),
                                          layers.Dropout(0.3), layers.Dense(512, activation="relu"), layers.Dropout(0.3),
                                          layers.Dense(512, activation="relu"), layers.Dropout(0.3), layers.Dense(1)),
                              ["Layer 1", "BatchNormalization", "Dropout"]),
    "wrong activation": (lambda: seq(keras.Input((8,)), layers.BatchNormalization(), layers.Dense(512, activation="tanh"),
                                     layers.BatchNormalization(), layers.Dense(512, activation="relu"),
                                     layers.BatchNormalization(), layers.Dense(512, activation="relu"),
                                     layers.BatchNormalization(), layers.Dense(1)), ["relu", "tanh"]),
    "Activation layers": (lambda: seq(keras.Input((8,)), layers.BatchNormalization(), layers.Dense(512),
                                      layers.Activation("relu"), layers.BatchNormalization(), layers.Dense(512),
                                      layers.Activation("relu"), layers.BatchNormalization(), layers.Dense(512),
                                      layers.Activation("relu"), layers.BatchNormalization(), layers.Dense(1)),
                          ["Layer 2"]),
    "extra BN at the end": (lambda: seq(*concrete().layers, layers.BatchNormalization()), ["extra"]),
    "missing output Dense": (lambda: seq(keras.Input((8,)), *concrete().layers[:-1]), ["Dense"]),
    "an int": (lambda: 3, ["Keras model"]),
    "a string": (lambda: "model", ["Keras model"]),
}


def _functional_concrete():
    inputs = keras.Input(shape=(8,))
    x = inputs
    for units in (512, 512, 512):
        x = layers.BatchNormalization()(x)
        x = layers.Dense(units, activation="relu")(x)
    x = layers.BatchNormalization()(x)
    return keras.Model(inputs, layers.Dense(1)(x))


@pytest.mark.parametrize("name", Q3_RIGHT)
def test_q3_accepts_every_spelling(name):
    r = verdict("q_3", model=Q3_RIGHT[name]())
    assert r.status is Status.CORRECT, r.message


@pytest.mark.parametrize("name", Q3_WRONG)
def test_q3_rejects_wrong_answers_precisely(name):
    make, words = Q3_WRONG[name]
    r = verdict("q_3", model=make())
    assert r.status is Status.INCORRECT, r.message
    for w in words:
        assert w.lower() in r.message.lower(), (w, r.message)


def test_q3_starter_is_unattempted_and_spotify_model_is_not_an_attempt():
    plain = seq(layers.Dense(512, activation="relu", input_shape=[8]), layers.Dense(512, activation="relu"),
                layers.Dense(512, activation="relu"), layers.Dense(1))
    r = verdict("q_3", model=plain)
    assert r.status is Status.UNATTEMPTED and "BatchNormalization" in r.message
    r = verdict("q_3", model=spotify())
    assert r.status is Status.INCORRECT and "18 inputs" in r.message and "8 features" in r.message, r.message
    assert passive("q_3", model=spotify()).status is Status.UNATTEMPTED


@pytest.mark.parametrize("spelling", ["keras.Input", "input_shape on BN"])
def test_q3_built_for_the_spotify_data_is_incorrect(spelling):
    def make():
        if spelling == "keras.Input":
            return concrete(input_shape=(18,))
        return seq(layers.BatchNormalization(input_shape=[18]), *concrete(input_shape=None).layers[1:])
    r = verdict("q_3", model=make())
    assert r.status is Status.INCORRECT, r.message
    for w in ("18 inputs", "8 features", "input_shape=[8]"):
        assert w in r.message, (w, r.message)
    assert passive("q_3", model=make()).status is Status.INCORRECT


# ---- q_2 / q_4: thought experiments with a diagnosis of the student's own curves ----------
def _fit(model, n_in, epochs=3, y_scale=1.0, loss="mae", optimizer="adam"):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, n_in)).astype("float32")
    y = (x[:, :1] * y_scale).astype("float32")
    model.compile(optimizer=optimizer, loss=loss)
    return model.fit(x, y, validation_split=0.25, epochs=epochs, batch_size=16, verbose=0)


def test_q2_diagnoses_the_dropout_history_and_ignores_the_starter_history():
    h = _fit(spotify(), 18)
    r = verdict("q_2", history=h)
    assert r.status is Status.CORRECT and "validation loss" in r.diagnosis
    starter = seq(layers.Dense(128, activation="relu", input_shape=[18]), layers.Dense(64, activation="relu"),
                  layers.Dense(1))
    r = verdict("q_2", history=_fit(starter, 18))
    assert r.status is Status.UNATTEMPTED and "dropout model" in r.message
    assert verdict("q_2").status is Status.UNATTEMPTED
    assert verdict("q_2", history=42).status is Status.INCORRECT


def test_the_credit_cells_say_what_is_missing_before_training():
    from learnkit import i18n
    for q in ("q_2", "q_4"):
        r = verdict(q)
        assert r.status is Status.UNATTEMPTED and "Train the" in r.message, r.message
        assert "`history` is not defined yet" in r.message and "write your answer" not in r.message
        with i18n.using("zh-TW"):
            zh = verdict(q).message
        assert "`history`" in zh and "訓練" in zh and "Train" not in zh, zh


def test_q4_compares_with_the_unnormalized_run():
    from learnkit.keras import history_log as curves
    curves.log.clear() if hasattr(curves.log, "clear") else None
    ns = {}
    binder.bind(ns)
    plain = seq(keras.Input((8,)), layers.Dense(512, activation="relu"), layers.Dense(512, activation="relu"),
                layers.Dense(512, activation="relu"), layers.Dense(1))
    ns["history"] = _fit(plain, 8, optimizer=keras.optimizers.SGD(learning_rate=1e6), y_scale=1e6)
    binder.run_cell_callbacks()
    ns["history"] = _fit(concrete(), 8)
    binder.run_cell_callbacks()
    r = verdict("q_4", history=ns["history"])
    assert r.status is Status.CORRECT, r.message
    assert "Without batch normalization" in r.diagnosis, r.diagnosis
    assert verdict("q_4", history=ns["history"]).diagnosis == r.diagnosis


# ---- one provenance rule for `history`, whatever form it takes -------------------------------------------
@pytest.fixture
def notebook():
    """A bound namespace with an empty history memory; ``notebook(name=value)`` runs a 'cell'."""
    from learnkit.keras import history_log as curves
    curves.log.clear()
    ns = {}
    binder.bind(ns)

    def cell(**values):
        ns.update(values)
        binder.run_cell_callbacks()
        return ns
    yield cell
    curves.log.clear()


def _starter():
    return seq(layers.Dense(128, activation="relu", input_shape=[18]), layers.Dense(64, activation="relu"),
               layers.Dense(1))


FORMS = {"History": lambda h: h, "history.history": lambda h: h.history,
         "DataFrame": lambda h: __import__("pandas").DataFrame(h.history),
         "DataFrame of two columns": lambda h: __import__("pandas").DataFrame(h.history)[["loss", "val_loss"]]}


@pytest.mark.parametrize("form", FORMS)
def test_q2_credits_a_run_of_the_dropout_model_in_any_form(notebook, form):
    h = _fit(spotify(), 18)
    notebook(history=h)  # the training cell: `history = model.fit(...)`
    value = FORMS[form](h)
    r = verdict("q_2", **notebook(history=value))  # e.g. `history = history.history` in a later cell
    assert r.status is Status.CORRECT, r.message
    assert "validation loss" in r.diagnosis
    assert passive("q_2", history=value).status is Status.CORRECT


@pytest.mark.parametrize("form", FORMS)
def test_q2_never_credits_a_run_of_the_model_without_dropout(notebook, form):
    h = _fit(_starter(), 18)  # exercise 4's model, untouched: not attempted, in every form
    notebook(history=h)
    value = FORMS[form](h)
    for judge in (verdict, passive):
        r = judge("q_2", **notebook(history=value))
        assert r.status is Status.UNATTEMPTED, (form, r.status, r.message)
        assert "dropout model" in r.message


@pytest.mark.parametrize("form", FORMS)
def test_q2_a_run_of_a_wrong_dropout_model_is_incorrect_in_any_form(notebook, form):
    h = _fit(spotify(0.5, 0.5), 18)
    notebook(history=h)
    value = FORMS[form](h)
    r = verdict("q_2", **notebook(history=value))
    assert r.status is Status.INCORRECT, r.message
    assert "dropout model of question 1" in r.message and "Layer 2" in r.message and "0.5" in r.message, r.message
    assert passive("q_2", history=value).status is Status.INCORRECT  # trained on this question's data


def test_q2_a_run_of_a_model_without_bias_is_incorrect(notebook):
    m = seq(layers.Dense(128, activation="relu", input_shape=[18], use_bias=False), layers.Dropout(0.3),
            layers.Dense(64, activation="relu"), layers.Dropout(0.3), layers.Dense(1))
    h = _fit(m, 18)
    notebook(history=h)
    for value in (h, h.history):
        r = verdict("q_2", **notebook(history=value))
        assert r.status is Status.INCORRECT and "2,304" in r.message, r.message


@pytest.mark.parametrize("form", ["history.history", "DataFrame"])
def test_q2_a_dict_that_no_run_of_the_notebook_produced_is_not_credited(notebook, form):
    h = _fit(spotify(), 18)  # trained, but never held by the notebook: the memory cannot tie the values to it
    value = FORMS[form](h)
    r = verdict("q_2", **notebook(history=value))
    assert r.status is Status.INCORRECT, r.message
    assert "does not say which model" in r.message and "history = model.fit(...)" in r.message, r.message
    assert passive("q_2", history=value).status is Status.UNATTEMPTED
    made_up = {"loss": [0.3, 0.2, 0.1], "val_loss": [0.3, 0.25, 0.2]}
    assert verdict("q_2", **notebook(history=made_up)).status is Status.INCORRECT


def test_q2_values_shared_by_runs_of_different_models_cannot_be_tied(notebook):
    logs = {"loss": [0.5, 0.4, 0.3], "val_loss": [0.5, 0.45, 0.4]}

    def filled(model):  # what fit leaves in a History, without training
        model.compile(optimizer="adam", loss="mae")
        h = keras.callbacks.History()
        h.set_model(model)
        h.set_params({"verbose": 0, "epochs": 3, "steps": 2})
        h.on_train_begin()
        for e in range(3):
            h.on_epoch_end(e, {k: v[e] for k, v in logs.items()})
        return h
    right, wrong = filled(spotify()), filled(spotify(0.5, 0.5))
    notebook(a=right, b=wrong)
    r = verdict("q_2", **notebook(history=dict(logs)))
    assert r.status is Status.INCORRECT and "several" in r.message, r.message
    assert verdict("q_2", **notebook(history=right)).status is Status.CORRECT  # the History itself says


def test_q4_judges_every_form_by_the_same_rule(notebook):
    plain = seq(keras.Input((8,)), layers.Dense(512, activation="relu"), layers.Dense(512, activation="relu"),
                layers.Dense(512, activation="relu"), layers.Dense(1))
    h_plain = _fit(plain, 8, optimizer=keras.optimizers.SGD(learning_rate=1e6), y_scale=1e6)
    notebook(history=h_plain)
    for value in (h_plain, h_plain.history):  # q_3's starter, trained: not attempted
        assert verdict("q_4", **notebook(history=value)).status is Status.UNATTEMPTED
    h_bn = _fit(concrete(), 8)
    notebook(history=h_bn)
    r = verdict("q_4", **notebook(history=__import__("pandas").DataFrame(h_bn.history)))
    assert r.status is Status.CORRECT and "Without batch normalization" in r.diagnosis, r.message
    h_spotify = _fit(spotify(), 18)
    notebook(history=h_spotify)
    for value in (h_spotify, h_spotify.history):  # question 2's run: wrong if asked, not q_4's for the grader
        r = verdict("q_4", **notebook(history=value))
        assert r.status is Status.INCORRECT and "18 inputs" in r.message and "8 features" in r.message, r.message
        assert passive("q_4", history=value).status is Status.UNATTEMPTED
