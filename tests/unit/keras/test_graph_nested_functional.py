"""graph_facts on a nested *Functional* model (the real VGG16 as conv_base), also when the base and the
augmentation Sequential are reused by a second model: Keras's ``op.input`` is then the tensors of
another call (the base's own construction, the first model's call), which made every such model look
like one with a shared layer."""
import pytest

keras = pytest.importorskip("keras")
from keras import layers as L  # noqa: E402

from learnkit.keras.graph import Function, Graph, Input, Node, Submodel, graph_difference  # noqa: E402
from learnkit.keras.spec import Dense, Dropout  # noqa: E402

PRE = keras.applications.vgg16.preprocess_input
WEEK8 = Graph(Input((32, 32, 3)), Node("aug", Submodel(cls="Sequential")), Node("pre", Function(PRE)),
              Node("base", Submodel(name="vgg16", trainable=False)), Node("flat", "Flatten"),
              Node("d", Dense(8)), Node("drop", Dropout(0.5)), Node("out", Dense(1, "sigmoid")))


def _model(steps):
    inp = keras.Input((32, 32, 3))
    x = inp
    for step in steps:
        x = step(x)
    x = L.Dropout(0.5)(L.Dense(8)(L.Flatten()(x)))
    return keras.Model(inp, L.Dense(1, activation="sigmoid")(x))


def test_real_vgg16_reused_by_two_models():
    base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    base.trainable = False
    aug = keras.Sequential([L.RandomFlip("horizontal")], name="data_augmentation")
    right = _model([aug, PRE, base])
    assert graph_difference(right, WEEK8) is None
    swapped = _model([PRE, aug, base])  # the same base and augmentation in a second model
    assert graph_difference(swapped, WEEK8).startswith(
        "The nested model data_augmentation should take the model's input; yours takes the output of your operations")
    assert graph_difference(right, WEEK8) is None  # the first model is still read through its own calls
    base.trainable = True
    assert graph_difference(right, WEEK8).startswith("The nested model vgg16 should be frozen")


def test_a_layer_called_twice_in_one_model_is_still_shared():
    dense = L.Dense(3)
    inp = keras.Input((3,))
    model = keras.Model(inp, dense(dense(inp)))
    assert "more than once" in graph_difference(model, Graph.chain([Dense(3), Dense(3)], [3]))
