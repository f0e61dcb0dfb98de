"""learnkit.keras.facts on real Keras 3 models (TensorFlow backend, in-process)."""
import numpy as np
import pytest

keras = pytest.importorskip("keras")
from keras import layers  # noqa: E402

from learnkit.core.problem import Incorrect  # noqa: E402
from learnkit.keras.facts import (NotAHistory, NotAModel, callback_facts, compile_facts, fit_facts,  # noqa: E402
                                  model_facts)
from learnkit.keras.names import activation_name, canonical_loss, canonical_metric  # noqa: E402  (after importorskip)

pytestmark = pytest.mark.filterwarnings("ignore:.*input_shape.*:UserWarning")


def spotify(**first):
    first = first or {"input_shape": [18]}
    return keras.Sequential([
        layers.Dense(128, activation="relu", **first), layers.Dropout(0.3),
        layers.Dense(64, activation="relu"), layers.Dropout(0.3), layers.Dense(1),
    ])


def concrete():
    return keras.Sequential([
        layers.BatchNormalization(input_shape=[8]),
        layers.Dense(512, activation="relu"), layers.BatchNormalization(),
        layers.Dense(512, activation="relu"), layers.BatchNormalization(),
        layers.Dense(512, activation="relu"), layers.BatchNormalization(),
        layers.Dense(1),
    ])


def test_sequential_with_input_shape_on_first_layer():
    f = model_facts(spotify())
    assert f.cls == "Sequential" and f.is_chain
    assert f.input_shape == (18,)
    assert [layer.short() for layer in f.layers] == ["Dense(128, relu)", "Dropout(0.3)", "Dense(64, relu)",
                                                     "Dropout(0.3)", "Dense(1)"]
    assert [layer.index for layer in f.layers] == [1, 2, 3, 4, 5]
    assert f.layers[1].rate == pytest.approx(0.3) and f.layers[1].activation is None
    assert f.layers[4].activation == "linear" and f.layers[4].units == 1
    assert (f.params, f.trainable_params, f.non_trainable_params) == (10_753, 10_753, 0)
    assert [layer.params for layer in f.layers] == [18 * 128 + 128, 0, 128 * 64 + 64, 0, 65]
    assert f.compile is None
    assert f.summary() == "Dense, Dropout, Dense, Dropout, Dense"


def test_batchnorm_model_params_and_bn_facts():
    f = model_facts(concrete())
    assert f.params == 536_609
    assert f.non_trainable_params == 3_088
    assert f.trainable_params == 536_609 - 3_088
    bn = f.layers[0]
    assert bn.cls == "BatchNormalization" and bn.short() == "BatchNormalization"
    assert bn.bn == {"momentum": pytest.approx(0.99), "epsilon": pytest.approx(0.001), "center": True,
                     "scale": True, "axis": -1}
    assert bn.params == 32 and bn.units is None and bn.rate is None


def test_input_layer_is_not_counted():
    m = keras.Sequential([keras.Input(shape=(18,)), layers.Dense(4, activation="relu"), layers.Dense(1)])
    f = model_facts(m)
    assert f.input_shape == (18,)
    assert [layer.cls for layer in f.layers] == ["Dense", "Dense"]
    assert f.layers[0].index == 1 and f.params == 18 * 4 + 4 + 5


def test_functional_chain_and_branching_model():
    inp = keras.Input((18,))
    x = layers.Dense(8, activation="relu")(inp)
    x = layers.Dropout(0.3)(x)
    out = layers.Dense(1)(x)
    f = model_facts(keras.Model(inp, out))
    assert f.cls == "Functional" and f.is_chain and f.input_shape == (18,)
    assert [layer.short() for layer in f.layers] == ["Dense(8, relu)", "Dropout(0.3)", "Dense(1)"]
    a, b = layers.Dense(4)(inp), layers.Dense(4)(inp)
    branching = keras.Model(inp, layers.Dense(1)(layers.Concatenate()([a, b])))
    assert model_facts(branching).is_chain is False


def test_shared_layer_is_not_a_chain():
    shared = layers.Dense(3)
    inp = keras.Input((3,))
    assert model_facts(keras.Model(inp, shared(shared(inp)))).is_chain is False


def test_unbuilt_sequential_does_not_crash():
    f = model_facts(keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(1)]))
    assert f.input_shape is None and f.params is None and f.non_trainable_params is None
    assert f.is_chain and [layer.units for layer in f.layers] == [4, 1]
    assert f.layers[0].params is None


def test_tensorflow_keras_spelling():
    tf = pytest.importorskip("tensorflow")
    from tensorflow.keras import layers as tfl
    m = tf.keras.Sequential([tfl.Dense(8, activation=tf.nn.relu, input_shape=(18,)), tfl.Dense(1)])
    f = model_facts(m)
    assert f.input_shape == (18,) and f.layers[0].activation == "relu" and f.params == 18 * 8 + 8 + 9


def test_activation_names():
    assert activation_name("relu") == activation_name(keras.activations.relu) == "relu"
    assert activation_name(None) == activation_name("linear") == activation_name(keras.activations.linear) \
        == "linear"
    assert activation_name("swish") == activation_name(keras.activations.silu) == "silu"
    assert activation_name(layers.ReLU()) == "relu"
    dense = model_facts(keras.Sequential([keras.Input((2,)), layers.Dense(3, activation=keras.activations.sigmoid),
                                          layers.Activation("tanh"), layers.ReLU()]))
    assert [layer.activation for layer in dense.layers] == ["sigmoid", "tanh", "relu"]
    assert [layer.short() for layer in dense.layers] == ["Dense(3, sigmoid)", "Activation(tanh)", "ReLU"]


@pytest.mark.parametrize("loss", ["mse", "MSE", "mean_squared_error", "MeanSquaredError"])
def test_canonical_loss_strings(loss):
    if loss == "MeanSquaredError":
        loss = keras.losses.MeanSquaredError()
    assert canonical_loss(loss) == "mean_squared_error"


def test_canonical_loss_and_metric_aliases():
    assert canonical_loss(keras.losses.mean_squared_error) == "mean_squared_error"
    assert canonical_loss(keras.losses.MeanSquaredError(name="custom")) == "mean_squared_error"
    assert canonical_loss("mae") == canonical_loss(keras.losses.MeanAbsoluteError()) == "mean_absolute_error"
    assert canonical_loss("binary_crossentropy") == canonical_loss(keras.losses.BinaryCrossentropy()) \
        == "binary_crossentropy"
    assert canonical_loss(keras.losses.SparseCategoricalCrossentropy()) == "sparse_categorical_crossentropy"
    assert canonical_loss("huber_loss") == canonical_loss(keras.losses.Huber()) == "huber"
    assert canonical_metric("acc") == canonical_metric("accuracy") == "accuracy"
    assert canonical_metric("mae") == canonical_metric(keras.metrics.MeanAbsoluteError()) == "mean_absolute_error"
    assert canonical_metric(keras.metrics.AUC()) == canonical_metric(keras.metrics.AUC()) == "auc"
    assert canonical_metric(keras.metrics.BinaryAccuracy()) == "binary_accuracy"
    # the class Accuracy counts exact matches; the string 'accuracy' adapts to the loss: not the same metric
    assert canonical_metric(keras.metrics.Accuracy()) == canonical_metric(keras.metrics.Accuracy) == "exact_accuracy"
    assert canonical_metric(keras.metrics.RootMeanSquaredError()) == "root_mean_squared_error"


def tiny():
    return keras.Sequential([keras.Input((3,)), layers.Dense(2, activation="relu"), layers.Dense(1)])


@pytest.mark.parametrize("loss", ["mse", "mean_squared_error", keras.losses.MeanSquaredError(),
                                  keras.losses.mean_squared_error])
def test_compile_loss_aliases(loss):
    m = tiny()
    m.compile(optimizer="adam", loss=loss, metrics=["acc", "mae"])
    c = compile_facts(m)
    assert c.loss == "mean_squared_error"
    assert c.metrics == ("accuracy", "mean_absolute_error")
    assert c.optimizer == "Adam" and c.learning_rate == 0.001 and c.lr_schedule is None
    assert model_facts(m).compile == c


def test_compile_optimizer_objects_and_schedules():
    m = tiny()
    assert compile_facts(m) is None
    m.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss=keras.losses.Huber(),
              metrics=[keras.metrics.MeanAbsoluteError(), "accuracy"])
    c = compile_facts(m)
    assert (c.optimizer, c.learning_rate, c.loss) == ("SGD", 0.01, "huber")
    assert c.metrics == ("mean_absolute_error", "accuracy")
    schedule = keras.optimizers.schedules.ExponentialDecay(0.05, decay_steps=10, decay_rate=0.9)
    m.compile(optimizer=keras.optimizers.Adam(schedule), loss="binary_crossentropy")
    c = compile_facts(m)
    assert (c.optimizer, c.lr_schedule, c.learning_rate, c.loss, c.metrics) == \
        ("Adam", "ExponentialDecay", 0.05, "binary_crossentropy", ())


def test_fit_facts_and_early_stopping():
    m = tiny()
    m.compile(optimizer="adam", loss="mse")
    x, y = np.random.default_rng(0).normal(size=(32, 3)), np.zeros((32, 1))
    es = keras.callbacks.EarlyStopping(patience=5, min_delta=0.001, restore_best_weights=True)
    history = m.fit(x, y, epochs=2, batch_size=8, validation_split=0.25, verbose=0, callbacks=[es])
    f = fit_facts(history)
    assert (f.epochs_requested, f.epochs_run, f.steps) == (2, 2, 3)
    assert f.keys == ("loss", "val_loss") and f.validation and not f.stopped_early
    assert f.batch_size is None  # Keras 3 does not report it
    from_dict = fit_facts(history.history)
    assert (from_dict.epochs_run, from_dict.epochs_requested, from_dict.validation) == (2, None, True)
    cb = callback_facts(es)  # after training: Keras flips min_delta's sign internally
    assert (cb.cls, cb.monitor, cb.patience, cb.restore_best_weights, cb.mode) == \
        ("EarlyStopping", "val_loss", 5, True, "auto")
    assert cb.min_delta == pytest.approx(0.001)
    assert cb.attrs["start_from_epoch"] == 0


def test_model_checkpoint_and_generic_callback_facts(tmp_path):
    ck = callback_facts(keras.callbacks.ModelCheckpoint(tmp_path / "best.keras", save_best_only=True,
                                                        monitor="val_mae"))
    assert (ck.cls, ck.filepath, ck.save_best_only, ck.monitor) == \
        ("ModelCheckpoint", str(tmp_path / "best.keras"), True, "val_mae")
    lr = callback_facts(keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=2))
    assert (lr.cls, lr.patience, lr.attrs["factor"]) == ("ReduceLROnPlateau", 2, 0.5)
    with pytest.raises(Incorrect, match="Keras callback"):
        callback_facts("early")


@pytest.mark.parametrize("value, shown", [(5, "an int (5)"), (None, "None"), ([layers.Dense(1)], "a list of 1 item"),
                                          ("model", "a str ('model')")])
def test_not_a_model(value, shown):
    with pytest.raises(NotAModel) as e:
        model_facts(value)
    assert str(e.value) == f"`model` should be a Keras model; yours is {shown}."
    assert isinstance(e.value, Incorrect)


def test_not_a_history():
    with pytest.raises(NotAHistory, match="`history` should be what `model.fit"):
        fit_facts(tiny())
