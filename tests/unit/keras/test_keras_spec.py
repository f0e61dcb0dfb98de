"""first_difference on right, alternative and wrong answers to two model-building questions."""
import pytest

keras = pytest.importorskip("keras")
from keras import layers as L  # noqa: E402

from learnkit.keras import spec as S  # noqa: E402
from learnkit.keras.facts import model_facts  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:.*input_shape.*:UserWarning")

# Spotify q_1: a regression net with two Dropout layers.
SPOTIFY = [S.Dense(128, "relu"), S.Dropout(0.3), S.Dense(64, "relu"), S.Dropout(0.3), S.Dense(1, "linear")]
# Concrete q_3: BatchNormalization before every Dense.
CONCRETE = [S.BatchNormalization(), S.Dense(512, "relu")] * 3 + [S.BatchNormalization(), S.Dense(1)]


def seq(*layers):
    return keras.Sequential(list(layers))


def spotify_layers(first=None, rate=0.3):
    first = {"input_shape": [18]} if first is None else first
    return [L.Dense(128, activation="relu", **first), L.Dropout(rate), L.Dense(64, activation="relu"),
            L.Dropout(rate), L.Dense(1)]


def concrete_layers(first=None, units=512, activation="relu"):
    first = {"input_shape": [8]} if first is None else first
    return [L.BatchNormalization(**first), L.Dense(units, activation=activation), L.BatchNormalization(),
            L.Dense(512, activation="relu"), L.BatchNormalization(), L.Dense(512, activation="relu"),
            L.BatchNormalization(), L.Dense(1)]


def spotify_diff(model):
    return S.first_difference(model, SPOTIFY, input_shape=[18])


def concrete_diff(model):
    return S.first_difference(model, CONCRETE, input_shape=[8])


def functional(shape, layers):
    inp = keras.Input(shape)
    x = inp
    for layer in layers:
        x = layer(x)
    return keras.Model(inp, x)


# ---------------------------------------------------------------- Spotify: accepted spellings
def test_spotify_input_shape_on_first_layer():
    assert spotify_diff(seq(*spotify_layers())) is None


def test_spotify_input_shape_as_tuple_and_keras_input():
    assert spotify_diff(seq(*spotify_layers({"input_shape": (18,)}))) is None
    assert spotify_diff(seq(keras.Input(shape=(18,)), *spotify_layers({}))) is None


def test_spotify_functional_chain():
    assert spotify_diff(functional((18,), spotify_layers({}))) is None


def test_spotify_keyword_rate_function_activation_explicit_linear():
    m = seq(keras.Input((18,)), L.Dense(128, activation=keras.activations.relu), L.Dropout(rate=0.3),
            L.Dense(units=64, activation=keras.activations.get("relu")), L.Dropout(rate=0.3),
            L.Dense(1, activation="linear"))
    assert spotify_diff(m) is None
    assert spotify_diff(model_facts(m)) is None  # facts are accepted too


def test_spotify_tensorflow_keras_spelling():
    tf = pytest.importorskip("tensorflow")
    from tensorflow.keras import layers as tfl
    m = tf.keras.Sequential([tfl.Dense(128, activation=tf.nn.relu, input_shape=[18]), tfl.Dropout(0.3),
                             tfl.Dense(64, activation="relu"), tfl.Dropout(0.3), tfl.Dense(1, activation=None)])
    assert spotify_diff(m) is None


# ---------------------------------------------------------------- Spotify: wrong answers
def test_spotify_rate_half():
    assert spotify_diff(seq(*spotify_layers(rate=0.5))) == \
        "Layer 2 should be Dropout with rate 0.3; yours has rate 0.5."


def test_spotify_dropout_after_last_dense():
    msg = spotify_diff(seq(*spotify_layers(), L.Dropout(0.3)))
    assert msg == "Your model has an extra layer 6: Dropout(0.3). It should end after layer 5 (Dense(1))."


def test_spotify_only_one_dropout():
    d = spotify_layers()
    msg = spotify_diff(seq(d[0], d[1], d[2], d[4]))
    assert msg == ("Your model has 4 layers (Dense, Dropout, Dense, Dense); it should have 5. "
                   "It is missing layer 4: Dropout(0.3), between Dense(64, relu) and Dense(1).")


def test_spotify_no_dropout_at_all():
    d = spotify_layers()
    msg = spotify_diff(seq(d[0], d[2], d[4]))
    assert msg.startswith("Your model has 3 layers (Dense, Dense, Dense); it should have 5. ")
    assert msg.endswith("Layer 2 should be Dropout with rate 0.3; yours is Dense(64, relu).")


def test_spotify_dropout_before_dense():
    d = spotify_layers({})
    msg = spotify_diff(seq(keras.Input((18,)), d[1], d[0], d[3], d[2], d[4]))
    assert msg == ("Layer 1 should be Dense with 128 units and the relu activation; yours is Dropout(0.3).")


def test_spotify_missing_input_shape():
    msg = spotify_diff(seq(*spotify_layers({})))
    assert msg == ("Your model has no input shape: pass input_shape=[18] to the first layer "
                   "(or start with keras.Input(shape=(18,))).")


def test_spotify_wrong_input_shape():
    assert spotify_diff(seq(*spotify_layers({"input_shape": [9]}))) == \
        "Your model takes 9 inputs; this question's data has 18 features (`input_shape=[18]`, or " \
        "`keras.Input(shape=(18,))`)."


def test_input_shape_difference_spellings():
    from learnkit.keras.spec import input_shape_difference
    assert input_shape_difference((18,), [18]) is None
    assert input_shape_difference((1,), [18]).startswith("Your model takes 1 input; this question's data has 18 ")
    assert input_shape_difference((28, 28), [784]) == (
        "Your model's input shape is (28, 28); this question's data has shape (784,) (`input_shape=[784]`, or "
        "`keras.Input(shape=(784,))`).")
    assert input_shape_difference((3,), [1]).startswith("Your model's input shape is (3,); this question's data "
                                                        "has shape (1,)")
    assert input_shape_difference(None, [18]).startswith("Your model has no input shape: pass input_shape=[18]")


def test_spotify_layers_are_reported_before_input_shape():
    m = seq(*spotify_layers({}, rate=0.5))  # no input shape and a wrong rate
    assert spotify_diff(m) == "Layer 2 should be Dropout with rate 0.3; yours has rate 0.5."


def test_spotify_wrong_units():
    d = spotify_layers()
    d[2] = L.Dense(32, activation="relu")
    assert spotify_diff(seq(*d)) == "Layer 3 should be Dense with 64 units; yours has 32 units."


def test_spotify_wrong_activation():
    d = spotify_layers({})
    d[0] = L.Dense(128, activation="sigmoid", input_shape=[18])
    assert spotify_diff(seq(*d)) == "Layer 1 should use the relu activation; yours uses sigmoid."


def test_spotify_activation_on_output():
    d = spotify_layers()
    d[4] = L.Dense(1, activation="relu")
    assert spotify_diff(seq(*d)) == "Layer 5 should have no activation (linear); yours uses relu."


def test_spotify_missing_final_dense():
    msg = spotify_diff(seq(*spotify_layers()[:4]))
    assert msg == ("Your model has 4 layers (Dense, Dropout, Dense, Dropout); it should have 5. "
                   "It is missing the last layer: Dense(1).")


def test_spotify_extra_dense_in_the_middle():
    d = spotify_layers()
    msg = spotify_diff(seq(d[0], d[1], L.Dense(64, activation="relu"), d[2], d[3], d[4]))
    assert msg.startswith("Your model has an extra layer 3: Dense(64, relu), between Dropout(0.3) and")
    assert msg.endswith("Remove it.")


def test_spotify_batchnorm_instead_of_dropout():
    d = spotify_layers()
    d[3] = L.BatchNormalization()
    assert spotify_diff(seq(*d)) == "Layer 4 should be Dropout with rate 0.3; yours is BatchNormalization."


@pytest.mark.parametrize("value, shown", [(5, "an int (5)"), (None, "None"), ("model", "a str ('model')")])
def test_spotify_not_a_model(value, shown):
    assert spotify_diff(value) == f"`model` should be a Keras model; yours is {shown}."


def test_spotify_list_of_layers_instead_of_model():
    assert spotify_diff(spotify_layers()) == "`model` should be a Keras model; yours is a list of 5 items."


def test_spotify_branching_functional_model():
    inp = keras.Input((18,))
    a = L.Dense(128, activation="relu")(inp)
    b = L.Dropout(0.3)(a)
    out = L.Dense(1)(L.Concatenate()([a, b]))
    msg = spotify_diff(keras.Model(inp, out))
    assert msg.startswith("Your model is not a simple stack of layers")
    assert "keras.Sequential" in msg


# ---------------------------------------------------------------- Concrete: accepted spellings
def test_concrete_input_shape_on_batchnorm():
    assert concrete_diff(seq(*concrete_layers())) is None


def test_concrete_keras_input_and_functional():
    assert concrete_diff(seq(keras.Input(shape=(8,)), *concrete_layers({}))) is None
    assert concrete_diff(functional((8,), concrete_layers({}))) is None


def test_concrete_tensorflow_keras_spelling():
    tf = pytest.importorskip("tensorflow")
    from tensorflow.keras import layers as tfl
    hidden = [[tfl.BatchNormalization(), tfl.Dense(512, activation=tf.nn.relu)] for _ in range(3)]
    m = tf.keras.Sequential([tf.keras.Input((8,))] + sum(hidden, []) + [tfl.BatchNormalization(), tfl.Dense(1)])
    assert concrete_diff(m) is None


def test_concrete_any_batchnorm_settings_are_fine():
    d = concrete_layers()
    d[2] = L.BatchNormalization(momentum=0.9)
    assert concrete_diff(seq(*d)) is None


def test_concrete_output_activation_is_free():
    d = concrete_layers()
    d[7] = L.Dense(1, activation="relu")  # Dense(1) in the spec: any activation
    assert concrete_diff(seq(*d)) is None


# ---------------------------------------------------------------- Concrete: wrong answers
def test_concrete_no_batchnorm():
    m = seq(L.Dense(512, activation="relu", input_shape=[8]), L.Dense(512, activation="relu"),
            L.Dense(512, activation="relu"), L.Dense(1))
    assert concrete_diff(m) == ("Your model has 4 layers (Dense, Dense, Dense, Dense); it should have 8. "
                                "Layer 1 should be BatchNormalization; yours is Dense(512, relu).")


def test_concrete_batchnorm_after_instead_of_before():
    m = seq(L.Dense(512, activation="relu", input_shape=[8]), L.BatchNormalization(),
            L.Dense(512, activation="relu"), L.BatchNormalization(),
            L.Dense(512, activation="relu"), L.BatchNormalization(), L.Dense(1), L.BatchNormalization())
    assert concrete_diff(m) == "Layer 1 should be BatchNormalization; yours is Dense(512, relu)."


def test_concrete_first_batchnorm_missing():
    msg = concrete_diff(seq(*concrete_layers({})[1:], ))
    assert msg.endswith("It is missing layer 1: BatchNormalization, before Dense(512, relu).")
    assert msg.startswith("Your model has 7 layers")


def test_concrete_last_batchnorm_missing():
    d = concrete_layers()
    msg = concrete_diff(seq(*d[:6], d[7]))
    assert msg.endswith("It is missing layer 7: BatchNormalization, between Dense(512, relu) and Dense(1).")


def test_concrete_missing_input_shape():
    assert concrete_diff(seq(*concrete_layers({}))) == (
        "Your model has no input shape: pass input_shape=[8] to the first layer "
        "(or start with keras.Input(shape=(8,))).")


def test_concrete_wrong_input_shape():
    assert concrete_diff(seq(*concrete_layers({"input_shape": [9]}))) == \
        "Your model takes 9 inputs; this question's data has 8 features (`input_shape=[8]`, or " \
        "`keras.Input(shape=(8,))`)."


def test_concrete_wrong_units():
    assert concrete_diff(seq(*concrete_layers(units=256))) == \
        "Layer 2 should be Dense with 512 units; yours has 256 units."


def test_concrete_missing_activation():
    assert concrete_diff(seq(*concrete_layers(activation=None))) == \
        "Layer 2 should use the relu activation; yours uses linear."


def test_concrete_missing_final_dense():
    msg = concrete_diff(seq(*concrete_layers()[:7]))
    assert msg.endswith("It is missing the last layer: Dense(1).")


def test_concrete_extra_dropout_at_the_end():
    assert concrete_diff(seq(*concrete_layers(), L.Dropout(0.3))) == \
        "Your model has an extra layer 9: Dropout(0.3). It should end after layer 8 (Dense(1))."


def test_concrete_two_extra_layers():
    msg = concrete_diff(seq(*concrete_layers(), L.Dense(8), L.Dense(1)))
    assert msg == "Your model has 2 extra layers after layer 8 (Dense(1)): Dense(8), Dense(1). It should end there."


def test_concrete_dropout_instead_of_batchnorm():
    d = concrete_layers()
    d[2] = L.Dropout(0.3)
    assert concrete_diff(seq(*d)) == "Layer 3 should be BatchNormalization; yours is Dropout(0.3)."


def test_concrete_only_two_hidden_blocks():
    d = concrete_layers()
    msg = concrete_diff(seq(*d[:4], d[6], d[7]))
    assert msg == ("Your model has 6 layers (BatchNormalization, Dense, BatchNormalization, Dense, "
                   "BatchNormalization, Dense); it should have 8. Layer 6 should be Dense with 512 units; "
                   "yours has 1 unit.")


def test_concrete_not_a_model():
    assert concrete_diff("my model") == "`model` should be a Keras model; yours is a str ('my model')."


# ---------------------------------------------------------------- spec objects
def test_spec_rendering_and_generic_layers():
    assert S.spec_summary(SPOTIFY) == "Dense(128, relu), Dropout(0.3), Dense(64, relu), Dropout(0.3), Dense(1)"
    assert S.Dense(64, keras.activations.relu) == S.Dense(64, "relu")
    assert S.Layer(L.Dense, units=3) == S.Dense(3)
    assert S.Dropout(0.3).describe() == "Dropout with rate 0.3"
    assert S.Dense(1).describe() == "Dense with 1 unit"
    spec = [S.BatchNormalization(momentum=0.9), S.Activation("relu"), S.Dense(2)]
    ok = seq(keras.Input((4,)), L.BatchNormalization(momentum=0.9), L.ReLU(), L.Dense(2))
    assert S.first_difference(ok, spec) is None
    default_bn = seq(keras.Input((4,)), L.BatchNormalization(), L.Activation("relu"), L.Dense(2))
    assert S.first_difference(default_bn, spec) == \
        "Layer 1 should be BatchNormalization with momentum=0.9; yours has momentum=0.99."
    assert S.first_difference(seq(keras.Input((4,)), L.BatchNormalization(momentum=0.9), L.Activation("tanh"),
                                  L.Dense(2)), spec) == "Layer 2 should use the relu activation; yours uses tanh."


def test_rate_tolerance():
    m = seq(keras.Input((4,)), L.Dropout(0.3 + 1e-9))
    assert S.first_difference(m, [S.Dropout(0.3)]) is None
    assert S.first_difference(m, [S.Dropout(0.31)]) == "Layer 1 should be Dropout with rate 0.31; yours has rate 0.3."


def test_edge_cases_class_empty_subclassed_and_single_layer():
    spec = [S.Dense(4, "relu"), S.Dense(1)]
    assert S.first_difference(keras.Sequential, spec) == \
        "`model` is the class Sequential itself, not a model: call it, e.g. `model = keras.Sequential([...])`."
    assert S.first_difference(keras.Sequential([]), spec) == \
        "Your model has no layers yet; it should have 2: Dense(4, relu), Dense(1)."
    assert S.first_difference(seq(keras.Input((3,)), L.Dense(4, activation="relu")), spec) == \
        "Your model has 1 layer (Dense); it should have 2. It is missing the last layer: Dense(1)."

    class Sub(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden, self.out = L.Dense(4, activation="relu"), L.Dense(1)

        def call(self, x):
            return self.out(self.hidden(x))

    assert S.first_difference(Sub(), spec).startswith("Your model is not a simple stack of layers")


# ---------------------------------------------------------------- settings that change the parameter counts
def test_spotify_without_bias_names_the_layer_and_the_counts():
    m = seq(L.Dense(128, activation="relu", input_shape=[18], use_bias=False), *spotify_layers()[1:])
    assert spotify_diff(m) == (
        "Layer 1 (Dense(128, relu)) has 2,304 parameters; it should have 2,432 (did you turn off its bias? "
        "Leave out use_bias=False). In all, your model has 10,625 parameters; it should have 10,753.")
    assert S.first_difference(m, SPOTIFY) is None  # without an input shape there is no reference to count


def test_spotify_output_layer_without_bias():
    m = seq(*spotify_layers()[:4], L.Dense(1, use_bias=False))
    assert spotify_diff(m).startswith("Layer 5 (Dense(1)) has 64 parameters; it should have 65 (did you turn off "
                                      "its bias?")


@pytest.mark.parametrize("kw, have", [({"center": False}, 24), ({"scale": False}, 24),
                                      ({"center": False, "scale": False}, 16)])
def test_concrete_batchnorm_without_center_or_scale(kw, have):
    m = seq(L.BatchNormalization(input_shape=[8], **kw), *concrete_layers()[1:])
    msg = concrete_diff(m)
    assert msg.startswith(f"Layer 1 (BatchNormalization) has {have} parameters; it should have 32 (did you turn "
                          "off its center or scale?"), msg
    assert "In all, your model has" in msg and "it should have 536,609" in msg


def test_concrete_hidden_batchnorm_without_scale():
    d = concrete_layers()
    m = seq(*d[:4], L.BatchNormalization(scale=False), *d[5:])
    assert concrete_diff(m).startswith("Layer 5 (BatchNormalization) has 1,536 parameters; it should have 2,048")


def test_params_follow_the_spec_where_it_asks_for_a_setting():
    no_bias = [S.Layer("Dense", units=4, use_bias=False), S.Dense(1)]
    m = seq(keras.Input((3,)), L.Dense(4, use_bias=False), L.Dense(1))
    assert S.first_difference(m, no_bias, input_shape=[3]) is None
    m = seq(keras.Input((3,)), L.Dense(4), L.Dense(1))
    assert "use_bias=False" in S.first_difference(m, no_bias, input_shape=[3])  # the attribute itself differs


def test_params_of_flatten_activation_and_unknown_layers():
    spec = [S.Layer("Flatten"), S.Dense(10, "relu"), S.Activation("softmax")]
    ok = seq(keras.Input((28, 28)), L.Flatten(), L.Dense(10, activation="relu"), L.Softmax())
    assert S.first_difference(ok, spec, input_shape=[28, 28]) is None
    bad = seq(keras.Input((28, 28)), L.Flatten(), L.Dense(10, activation="relu", use_bias=False), L.Softmax())
    assert S.first_difference(bad, spec, input_shape=[28, 28]).startswith(
        "Layer 2 (Dense(10, relu)) has 7,840 parameters; it should have 7,850")
    conv = [S.Layer("Conv2D", filters=4), S.Layer("Flatten"), S.Dense(1)]  # no reference count after a Conv2D
    m = seq(keras.Input((6, 6, 1)), L.Conv2D(4, 3, use_bias=False), L.Flatten(), L.Dense(1))
    assert S.first_difference(m, conv, input_shape=[6, 6, 1]) is None
