"""Graph specs (learnkit/keras/graph.py) on real Keras models: residual block, Inception-style branches,
week 8's augmentation -> preprocess_input -> conv_base order, and chains (Sequential too)."""
import json

import pytest

keras = pytest.importorskip("keras")
from keras import layers as L  # noqa: E402

from learnkit.core import facts  # noqa: E402
from learnkit.core.problem import evaluate  # noqa: E402
from learnkit.keras.graph import Function, Graph, Input, Node, Submodel, graph_difference, graph_facts  # noqa: E402
from learnkit.keras.problems import KerasModelProblem  # noqa: E402
from learnkit.keras.spec import Dense, Dropout, Layer  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:.*input_shape.*:UserWarning")

CONV = Layer("Conv2D", filters=3, kernel_size=(3, 3), padding="same")
RESIDUAL = Graph(Input((8, 8, 3)), Node("c1", CONV, "input"), Node("c2", CONV), Node("add", "Add", "c2", "input"))


def conv():
    return L.Conv2D(3, 3, padding="same")


def residual(join, extra=False):
    inp = keras.Input((8, 8, 3))
    c1 = conv()(inp)
    c2 = conv()(c1)
    if extra:
        c2 = L.Conv2D(3, 1)(c2)
    return keras.Model(inp, join(inp, c1, c2))


@pytest.mark.parametrize("join", [lambda i, a, b: L.Add()([b, i]), lambda i, a, b: L.Add()([i, b]),
                                  lambda i, a, b: i + b], ids=["add", "add_swapped", "plus"])
def test_residual_block_accepts_each_spelling(join):
    assert graph_difference(residual(join), RESIDUAL) is None


def test_residual_messages():
    wrong = graph_difference(residual(lambda i, a, b: L.Add()([a, b])), RESIDUAL)
    assert wrong.startswith("The Add layer should add the model's input to the output of the second Conv2D (conv2d")
    assert wrong.endswith("; yours adds the outputs of the two Conv2D layers.")
    chain = keras.Sequential([keras.Input((8, 8, 3)), conv(), conv()])
    assert graph_difference(chain, RESIDUAL).startswith(
        "Your model has no skip connection: nothing joins the model's input to the output of the second Conv2D")
    assert "the output of the third Conv2D" in graph_difference(
        residual(lambda i, a, b: L.Add()([b, i]), extra=True), RESIDUAL)
    small = residual(lambda i, a, b: L.Add()([b, i]))
    assert graph_difference(small, Graph(Input((8, 8, 4)), *RESIDUAL.nodes)) == (
        "Your model's input shape is (8, 8, 3); this question's data has shape (8, 8, 4) (`input_shape=[8, 8, 4]`, "
        "or `keras.Input(shape=(8, 8, 4))`).")


INCEPTION = Graph(Input((8, 8, 3)), Node("b1", Layer("Conv2D", filters=2, kernel_size=(1, 1)), "input"),
                  Node("pool", Layer("MaxPooling2D"), "input"), Node("b2", Layer("Conv2D", filters=2, kernel_size=(1, 1))),
                  Node("cat", "Concatenate", "b1", "b2"))


def inception(pool=True, swap=False, filters=2):
    inp = keras.Input((8, 8, 3))
    b1 = L.Conv2D(2, 1)(inp)
    b2 = L.Conv2D(filters, 1)(L.MaxPooling2D(pool_size=1)(inp) if pool else inp)
    return keras.Model(inp, L.Concatenate()([b2, b1] if swap else [b1, b2]))


def test_inception_branches():
    assert graph_difference(inception(), INCEPTION) is None
    assert graph_difference(inception(pool=False), INCEPTION) == "Branch 2 of the Concatenate has no MaxPooling2D."
    swapped = graph_difference(inception(swap=True), INCEPTION)
    assert swapped.startswith("The Concatenate layer takes the right tensors in another order: it should take the "
                              "output of the")
    assert graph_difference(inception(filters=4), INCEPTION) == "Layer 3 (Conv2D) has 4 filters; the question asks for 2."


PRE = keras.applications.vgg16.preprocess_input
WEEK8 = Graph(Input((8, 8, 3)), Node("aug", Submodel(cls="Sequential")), Node("pre", Function(PRE)),
              Node("base", Submodel(name="vgg16", trainable=False)), Node("flat", "Flatten"),
              Node("d", Dense(4, "relu")), Node("drop", Dropout(0.5)), Node("out", Dense(1, "sigmoid")))


def week8(order=("aug", "pre", "base"), frozen=True, pre=PRE):
    base = keras.Sequential([keras.Input((8, 8, 3)), L.Conv2D(4, 3)], name="vgg16")  # a tiny stand-in for VGG16
    base.trainable = not frozen
    steps = {"aug": keras.Sequential([L.RandomFlip("horizontal")], name="data_augmentation"), "pre": pre, "base": base}
    inp = keras.Input((8, 8, 3))
    x = inp
    for step in order:
        x = steps[step](x)
    x = L.Dropout(0.5)(L.Dense(4, activation="relu")(L.Flatten()(x)))
    return keras.Model(inp, L.Dense(1, activation="sigmoid")(x))


def test_week8_order_preprocess_input_and_frozen_base():
    model = week8()
    g = graph_facts(model)
    assert [n.kind for n in g.nodes[:4]] == ["input", "model", "ops", "model"]  # preprocess_input: one node
    assert graph_difference(model, WEEK8) is None
    assert graph_difference(week8(order=("pre", "aug", "base")), WEEK8).startswith(
        "The nested model data_augmentation should take the model's input; yours takes the output of your operations")
    assert graph_difference(week8(order=("aug", "base")), WEEK8) == (
        "Your model has no preprocess_input taking the output of the nested model data_augmentation.")
    assert graph_difference(week8(pre=lambda x: x / 255.0), WEEK8) == \
        "Your operations (TrueDivide) should be preprocess_input."
    assert graph_difference(week8(pre=L.Rescaling(1 / 255.0)), WEEK8) == "The Rescaling layer should be preprocess_input."
    assert graph_difference(week8(frozen=False), WEEK8).startswith("The nested model vgg16 should be frozen")


CHAIN = Graph.chain([Dense(4, "relu"), Dropout(0.5), Dense(1)], input_shape=[3])


def test_chains_and_sequential_match_as_graphs():
    right = [L.Dense(4, activation="relu"), L.Dropout(0.5), L.Dense(1)]
    assert graph_difference(keras.Sequential([keras.Input((3,))] + right), CHAIN) is None
    assert graph_difference(keras.Sequential([L.Dense(4, activation="relu", input_shape=[3]), L.Dropout(0.5),
                                              L.Dense(1)]), CHAIN) is None
    inp = keras.Input((3,))
    assert graph_difference(keras.Model(inp, L.Dense(1)(L.Dropout(0.5)(L.Dense(4, activation="relu")(inp)))),
                            CHAIN) is None
    assert graph_difference(keras.Sequential([keras.Input((3,)), L.Dense(4, activation="relu"), L.Dense(1)]),
                            CHAIN).startswith("Your model has no Dropout(0.5) taking the output of the first Dense")
    assert graph_difference(keras.Sequential([keras.Input((3,)), L.Dense(4, activation="relu"), L.Dropout(0.3),
                                              L.Dense(1)]), CHAIN) == "Layer 2 should be Dropout with rate 0.5; yours has rate 0.3."
    assert graph_difference(keras.Sequential([keras.Input((3,))] + right + [L.Dropout(0.5)]), CHAIN).startswith(
        "Your model has an extra Dropout(0.5) taking the output of the second Dense")
    assert graph_difference(3, CHAIN) == "`model` should be a Keras model; yours is an int (3)."


def test_shared_layer_is_named():
    inp = keras.Input((3,))
    shared = L.Dense(3, name="shared")
    assert graph_difference(keras.Model(inp, shared(shared(inp))), CHAIN) == (
        "Your model uses a layer more than once (a shared layer); this question wants each layer called once: "
        "create a new layer for each use.")


def test_graph_travels_with_the_model_and_problem_uses_it():
    problem = KerasModelProblem(graph=RESIDUAL)
    for join, status in ((lambda i, a, b: L.Add()([b, i]), "correct"), (lambda i, a, b: L.Add()([a, b]), "incorrect")):
        model = residual(join)
        tree, _enc = facts.encode_namespace({"model": model}, ["model"])
        fact = facts.decode_namespace(json.loads(json.dumps(tree, allow_nan=False)))["model"]
        assert graph_facts(fact) == graph_facts(model)
        assert graph_difference(fact, RESIDUAL) == graph_difference(model, RESIDUAL)
        assert evaluate(problem, {"model": model}, question="q_1").status.value == status  # evaluate: as facts
    result = evaluate(problem, {"model": keras.Sequential([keras.Input((8, 8, 3)), conv(), conv()])}, question="q_1")
    assert result.message.startswith("Your model has no skip connection")


def test_run_of_a_graph_model():
    import numpy as np
    from learnkit.keras.training import RunSpec, run_difference
    spec = RunSpec(graph=RESIDUAL)
    x = np.zeros((4, 8, 8, 3), "float32")
    for join, want in ((lambda i, a, b: L.Add()([b, i]), None),
                       (lambda i, a, b: b, "The model behind `history` is not the one asked for. Your model has no skip")):
        model = residual(join)
        model.compile(optimizer="sgd", loss="mse")
        why = run_difference(model.fit(x, x, epochs=1, verbose=0), spec)
        assert why == want if want is None else why.startswith(want)
