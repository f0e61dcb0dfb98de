"""Convnet specs: the logbook's MNIST convnet (104,202 parameters), its spellings and wrong answers;
pooling defaults; preprocessing and augmentation layers."""
import pytest

keras = pytest.importorskip("keras")
from keras import layers as L  # noqa: E402

from learnkit.core.problem import evaluate  # noqa: E402
from learnkit.keras import (Conv2D, Dense, Flatten, GlobalAveragePooling2D, KerasModelProblem,  # noqa: E402
                            MaxPooling2D, RandomFlip, RandomRotation, RandomZoom, Rescaling, first_difference,
                            model_facts)
from learnkit.keras import spec as S  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:.*input_shape.*:UserWarning")

MNIST = [Conv2D(32, 3, "relu"), MaxPooling2D(2), Conv2D(64, 3, "relu"), MaxPooling2D(2),
         Conv2D(128, 3, "relu"), Flatten(), Dense(10, "softmax")]


def mnist_layers(pool=True, first=None, pool_layer=None):
    pool_layer = pool_layer or (lambda: L.MaxPooling2D(2))
    layers = [first or L.Conv2D(32, 3, activation="relu")] + ([pool_layer()] if pool else [])
    layers += [L.Conv2D(64, (3, 3), activation="relu")] + ([pool_layer()] if pool else [])
    return layers + [L.Conv2D(128, 3, activation="relu"), L.Flatten(), L.Dense(10, activation="softmax")]


def mnist(**kw):
    return keras.Sequential([keras.Input((28, 28, 1))] + mnist_layers(**kw))


def diff(model, **kw):
    return first_difference(model, MNIST, input_shape=(28, 28, 1), **kw)


# ---------------------------------------------------------------- facts
def test_mnist_convnet_facts_params_and_output_shapes():
    f = model_facts(mnist())
    assert f.params == 104_202 and f.trainable_params == 104_202 and f.non_trainable_params == 0
    assert [layer.params for layer in f.layers] == [320, 0, 18_496, 0, 73_856, 0, 11_530]
    assert [layer.output_shape for layer in f.layers] == [(26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64),
                                                        (3, 3, 128), (1152,), (10,)]
    assert [layer.short() for layer in f.layers][:2] == ["Conv2D(32, 3, relu)", "MaxPooling2D(2)"]
    assert model_facts(mnist(pool=False)).params == 712_202


def test_reference_counts_and_shapes_from_the_spec():
    f = model_facts(mnist())
    ref = S.reference_layers(f.layers, MNIST, (28, 28, 1))
    assert [c for c, _ in ref] == [320, 0, 18_496, 0, 73_856, 0, 11_530]
    assert ref[5][1] == (1152,)


# ---------------------------------------------------------------- right answers, every spelling
def functional_mnist():
    inp = keras.Input((28, 28, 1))
    x = inp
    for layer in mnist_layers(first=L.Conv2D(filters=32, kernel_size=(3, 3), strides=(1, 1), padding="valid",
                                              activation=keras.activations.relu),
                              pool_layer=lambda: L.MaxPooling2D(pool_size=(2, 2), strides=2)):
        x = layer(x)
    return keras.Model(inp, x)


def test_mnist_spellings_are_accepted():
    assert diff(mnist(), params=104_202) is None
    assert diff(functional_mnist(), params=104_202) is None
    first = L.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1))
    assert diff(keras.Sequential(mnist_layers(first=first))) is None
    assert diff(mnist(), output_shapes={3: (11, 11, 64), 6: [1152]}) is None


# ---------------------------------------------------------------- wrong answers
def test_mnist_wrong_kernel_size():
    m = mnist(first=L.Conv2D(32, 5, activation="relu"))
    assert diff(m) == "Layer 1 (Conv2D) has kernel_size (5, 5); the question asks for (3, 3)."


def test_mnist_wrong_filters_padding_strides():
    assert diff(mnist(first=L.Conv2D(16, 3, activation="relu"))) == \
        "Layer 1 (Conv2D) has 16 filters; the question asks for 32."
    assert diff(mnist(first=L.Conv2D(32, 3, activation="relu", padding="same"))) == \
        "Layer 1 (Conv2D) has padding 'same'; the question asks for 'valid'."
    small = [Conv2D(4, 3), Flatten(), Dense(1)]
    m = keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(4, 3, strides=2), L.Flatten(), L.Dense(1)])
    assert first_difference(m, small) == "Layer 1 (Conv2D) has strides (2, 2); the question asks for (1, 1)."


def test_mnist_without_pooling():
    assert diff(mnist(pool=False)) == (
        "Your model has 5 layers (Conv2D, Conv2D, Conv2D, Flatten, Dense); it should have 7. "
        "Layer 2 should be MaxPooling2D(2); yours is Conv2D(64, 3, relu).")


def test_mnist_wrong_pooling():
    assert diff(mnist(pool_layer=lambda: L.AveragePooling2D(2))) == \
        "Layer 2 should be MaxPooling2D(2); yours is AveragePooling2D(2)."
    assert diff(mnist(pool_layer=lambda: L.MaxPooling2D(2, strides=1))) == \
        "Layer 2 (MaxPooling2D) has strides (1, 1); the question asks for (2, 2)."
    m = keras.Sequential([keras.Input((8, 8, 1)), L.MaxPooling2D(pool_size=3, strides=2), L.Flatten()])
    assert first_difference(m, [MaxPooling2D(2), Flatten()]) == \
        "Layer 1 (MaxPooling2D) has pool_size (3, 3); the question asks for (2, 2)."
    assert first_difference(m, [MaxPooling2D(3, strides=2), Flatten()]) is None
    assert first_difference(m, [MaxPooling2D(3, strides=None), Flatten()]) is None  # any strides


def test_reference_counts_catch_a_convolution_without_bias():
    m = mnist(first=L.Conv2D(32, 3, activation="relu", use_bias=False))
    assert diff(m) == ("Layer 1 (Conv2D(32, 3, relu)) has 288 parameters; it should have 320 (did you turn off its "
                       "bias? Leave out use_bias=False). In all, your model has 104,170 parameters; it should have "
                       "104,202.")


def test_given_params_and_output_shapes():
    loose = [S.Layer("Conv2D", filters=32), MaxPooling2D(2), S.Layer("Conv2D"), MaxPooling2D(2),
             S.Layer("Conv2D"), Flatten(), Dense(10)]  # kernel sizes open: only the numbers can tell
    m = mnist(first=L.Conv2D(32, 5, activation="relu"))
    assert first_difference(m, loose, params=104_202) == \
        f"Your model has {model_facts(m).params:,} parameters; the question's model has 104,202."
    assert first_difference(m, loose, output_shapes=[(26, 26, 32)]) == \
        "Layer 1 (Conv2D(32, 5, relu)) outputs shape (24, 24, 32); the question's layer 1 outputs (26, 26, 32)."
    assert first_difference(mnist(), loose, params=104_202, output_shapes={6: (1152,)}) is None
    unbuilt = keras.Sequential(mnist_layers())
    assert first_difference(unbuilt, loose, params=104_202).startswith("Your model is not built yet")


def test_problem_with_params():
    p = KerasModelProblem(var="model", layers=MNIST, input_shape=(28, 28, 1), params=104_202)
    assert evaluate(p, {"model": functional_mnist()}, question="q_1").status.value == "correct"
    r = evaluate(p, {"model": mnist(first=L.Conv2D(32, 5, activation="relu"))}, question="q_1")
    assert (r.status.value, r.message) == ("incorrect",
                                           "Layer 1 (Conv2D) has kernel_size (5, 5); the question asks for (3, 3).")


# ---------------------------------------------------------------- preprocessing and augmentation
AUG = [Rescaling(1 / 255), RandomFlip("horizontal"), RandomRotation(0.1), RandomZoom(0.2),
       Conv2D(4, 3, "relu"), GlobalAveragePooling2D(), Dense(1, "sigmoid")]


def aug(*first, conv=None):
    rest = [conv or L.Conv2D(4, 3, activation="relu"), L.GlobalAveragePooling2D(), L.Dense(1, activation="sigmoid")]
    return keras.Sequential([keras.Input((16, 16, 3)), *first, *rest])


def default_aug():
    return [L.Rescaling(1.0 / 255), L.RandomFlip("horizontal"), L.RandomRotation(0.1), L.RandomZoom(0.2)]


def test_augmentation_spellings():
    assert first_difference(aug(*default_aug()), AUG, input_shape=(16, 16, 3)) is None
    same = [L.Rescaling(scale=1 / 255.0, offset=0.0), L.RandomFlip(mode="horizontal"),
            L.RandomRotation((-0.1, 0.1)), L.RandomZoom(height_factor=(-0.2, 0.2))]
    assert first_difference(aug(*same), AUG, input_shape=(16, 16, 3)) is None
    assert [x.short() for x in model_facts(aug(*default_aug())).layers[4:6]] == \
        ["Conv2D(4, 3, relu)", "GlobalAveragePooling2D"]
    assert model_facts(aug(*default_aug())).params == 4 * 27 + 4 + 5


def test_augmentation_wrong_answers():
    layers = default_aug()
    layers[1] = L.RandomFlip()
    assert first_difference(aug(*layers), AUG) == \
        "Layer 2 (RandomFlip) has mode 'horizontal_and_vertical'; the question asks for 'horizontal'."
    layers = default_aug()
    layers[2] = L.RandomRotation(0.2)
    assert first_difference(aug(*layers), AUG) == \
        "Layer 3 (RandomRotation) has factor (-0.2, 0.2); the question asks for (-0.1, 0.1)."
    layers = default_aug()
    layers[0] = L.Rescaling(1 / 127.5, offset=-1)
    assert first_difference(aug(*layers), AUG) == \
        "Layer 1 (Rescaling) has scale 0.00784314; the question asks for 0.00392157."
    assert first_difference(aug(*default_aug()[1:]), AUG).startswith(
        "Your model has 6 layers (RandomFlip, RandomRotation, RandomZoom, Conv2D, GlobalAveragePooling2D, Dense); "
        "it should have 7. It is missing layer 1: Rescaling(scale=0.00392157), before RandomFlip")
