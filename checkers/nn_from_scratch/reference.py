"""Reference implementations and data of "Neural networks from scratch".

Every number a check compares with is computed here, in numpy, from the seeds' data
(DataCamp memo, seed 004, chapters 1–2; UWL logbook, seed 003, weeks 2, 4 and 5). The
reproductions match the catalog (shared/seed_exercises.md, section H). Known wrong
variants (the seeds' bugs and common slips) live here too, so that checks can name them.
Long runs are cached: the grader judges every question after every cell.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

# == Exercise 1: forward propagation (DC-1.2 … 1.4) =========================================
INPUT_DATA = np.array([3, 5])
WEIGHTS = {"node_0": np.array([2, 4]), "node_1": np.array([4, -5]), "output": np.array([2, 7])}
INPUT_ROWS = [np.array([3, 5]), np.array([1, -1]), np.array([0, 0]), np.array([8, 4])]
DEEP_WEIGHTS = {"node_0_0": np.array([2, 4]), "node_0_1": np.array([4, -5]), "node_1_0": np.array([-1, 2]),
                "node_1_1": np.array([1, 2]), "output": np.array([2, 7])}
# DC-1.4a's figure is missing from the seed: our own network whose table the seed garbles
# (hidden layers [6, -1] and [-1, 5], prediction 0 with the identity activation).
IDENTITY_INPUT = np.array([2, 3])
IDENTITY_WEIGHTS = {"node_0_0": np.array([3, 0]), "node_0_1": np.array([1, -1]), "node_1_0": np.array([0, 1]),
                    "node_1_1": np.array([1, 1]), "output": np.array([5, 1])}


def relu(x):
    return max(x, 0)


def node(inputs, w, act=relu):
    return act((inputs * w).sum())


def predict_with_network(input_data_row, weights):
    """DC-1.3b: ReLU on both hidden nodes *and* on the output."""
    hidden = np.array([node(input_data_row, weights["node_0"]), node(input_data_row, weights["node_1"])])
    return relu((hidden * weights["output"]).sum())


def predict_with_deep_network(input_data_row, weights, act=relu, output_act=lambda z: z):
    """DC-1.4b: two hidden layers of two ReLU nodes; no activation on the output."""
    h0 = np.array([node(input_data_row, weights["node_0_0"], act), node(input_data_row, weights["node_0_1"], act)])
    h1 = np.array([node(h0, weights["node_1_0"], act), node(h0, weights["node_1_1"], act)])
    return output_act((h1 * weights["output"]).sum())


def deep_hidden_layers(input_data_row, weights):
    h0 = np.array([node(input_data_row, weights["node_0_0"]), node(input_data_row, weights["node_0_1"])])
    h1 = np.array([node(h0, weights["node_1_0"]), node(h0, weights["node_1_1"])])
    return h0, h1


# == Exercise 2: errors, slopes, gradient descent (DC-2.1 … 2.4) ===============================
PICTURED_INPUT = np.array([3, 2])           # DC-2.1a, redrawn: prediction 16, target 5
PICTURED_WEIGHTS = {"node_0": np.array([2, 1]), "node_1": np.array([0, 0]), "output": np.array([2, 2])}
SINGLE_INPUT = np.array([0, 3])             # DC-2.1c
WEIGHTS_0 = {"node_0": [2, 1], "node_1": [1, 2], "output": [1, 1]}
TARGET_ACTUAL = 3
MSE_ROWS = [np.array([0, 3]), np.array([1, 2]), np.array([-1, -2]), np.array([4, 0])]   # DC-2.1d
TARGET_ACTUALS = [1, 3, 5, 7]
WEIGHTS_ALT = {"node_0": np.array([2, 1]), "node_1": np.array([1., 1.5]), "output": np.array([1., 1.5])}
SLOPE_INPUT = np.array([1, 2, 3])           # DC-2.2b … 2.2d
SLOPE_WEIGHTS = np.array([0, 2, 1])
SLOPE_TARGET = 0


def as_weights(w):
    return {k: np.asarray(v, dtype=float) for k, v in w.items()}


def mse(targets, predictions):
    return float(np.mean((np.asarray(targets, float) - np.asarray(predictions, float)) ** 2))


def get_gradient(input_data, target, weights):
    """DataCamp's get_slope: the gradient of the squared error, 2·x·(preds − target)."""
    return 2 * input_data * ((weights * input_data).sum() - target)


def get_mse(input_data, target, weights):
    return np.mean(((weights * input_data).sum() - target) ** 2)


@lru_cache(maxsize=None)
def mse_history(n_updates: int = 20, learning_rate: float = 0.01, after_update: bool = True) -> tuple:
    weights = SLOPE_WEIGHTS.astype(float)
    out = []
    for _ in range(n_updates):
        if not after_update:
            out.append(float(get_mse(SLOPE_INPUT, SLOPE_TARGET, weights)))
        weights = weights - learning_rate * get_gradient(SLOPE_INPUT, SLOPE_TARGET, weights)
        if after_update:
            out.append(float(get_mse(SLOPE_INPUT, SLOPE_TARGET, weights)))
    return tuple(out)


# == Exercises 3 and 4: column layout of workshop 2a (one example per column) ================
AND_X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]], dtype=float)     # X.T of the workshop: shape (2, 4)
AND_Y = np.array([[0, 0, 0, 1]], dtype=float)                   # shape (1, 4)
AND_INIT = {"W": np.array([[10., 10.]]), "b": np.array([[10.]])}  # the spreadsheet: w1 = w2 = b = 10


def sigmoid(Z, derivative=False):
    s = 1 / (1 + np.exp(-Z))
    return s * (1 - s) if derivative else s


def binary_cross_entropy(Y, P):
    m = Y.shape[1]
    return -(1 / m) * np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P))


def seed_binary_cross_entropy(Y, P):
    """Workshop 2a's version, verbatim: it returns the NEGATIVE of the cross-entropy."""
    m = Y.shape[1]
    return -(1 / m) * np.sum(np.multiply(-Y, np.log(P)) - np.multiply(1 - Y, np.log(1 - P)))


def feed_forward(X, params):
    Z = np.dot(params["W"], X) + params["b"]
    return {"Z": Z, "A": sigmoid(Z)}


def back_propagate(X, Y, cache):
    m = X.shape[1]
    dZ = (1 / m) * (cache["A"] - Y)
    return {"dW": np.dot(dZ, X.T), "db": np.sum(dZ, axis=1, keepdims=True)}


def update_parameters(params, grads, learning_rate):
    return {"W": params["W"] - learning_rate * grads["dW"], "b": params["b"] - learning_rate * grads["db"]}


def train_perceptron(X, Y, params, learning_rate, epochs, cost=binary_cross_entropy, after_update=False):
    """Full-batch gradient descent; costs[e] is the cost at epoch e, before its update."""
    costs = []
    for _ in range(epochs):
        cache = feed_forward(X, params)
        if not after_update:
            costs.append(float(cost(Y, cache["A"])))
        params = update_parameters(params, back_propagate(X, Y, cache), learning_rate)
        if after_update:
            costs.append(float(cost(Y, feed_forward(X, params)["A"])))
    return costs, params


@lru_cache(maxsize=None)
def and_costs(epochs: int = 71, init: str = "tens", cost: str = "bce", after_update: bool = False,
              learning_rate: float = 1.0) -> tuple:
    params = AND_INIT if init == "tens" else {"W": np.zeros((1, 2)), "b": np.zeros((1, 1))}
    fn = binary_cross_entropy if cost == "bce" else seed_binary_cross_entropy
    return tuple(train_perceptron(AND_X, AND_Y, params, learning_rate, epochs, fn, after_update)[0])


# -- exercise 4: softmax decoder and XOR ------------------------------------------------------
DEC_X = AND_X                                     # inputs 00, 01, 10, 11 as columns
DEC_Y = np.eye(4)                                 # one-hot: 00 -> class 1 … 11 -> class 4
DEC_W = np.full((4, 2), 0.5)                      # one row per class
DEC_B = np.full((4, 1), 0.6)
XOR_X = AND_X
XOR_Y = np.array([[0, 1, 1, 0]], dtype=float)
# Our own initial weights (the logbook's are unreadable), documented in the notebook.
XOR_INIT = {"W1": np.array([[0.5, -0.7], [-0.7, 0.5]]), "b1": np.array([[0.2], [0.2]]),
            "W2": np.array([[0.6, 0.6]]), "b2": np.array([[-0.3]])}
XOR_EPOCHS = 1000


def softmax(Z):
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return E / np.sum(E, axis=0, keepdims=True)


def cross_entropy(Y, P):
    return -np.sum(Y * np.log(P)) / Y.shape[1]


def train_softmax(X, Y, W, b, learning_rate, epochs, *, after_update=False, average=True, update_b=True):
    """Softmax regression; costs[e - 1] is the cost at epoch e (numbered from 1), before its update.

    The keyword-only options build known wrong variants (cost after the update, gradient not
    averaged, biases never updated).
    """
    m = X.shape[1] if average else 1
    costs = []
    for _ in range(epochs):
        P = softmax(W @ X + b)
        if not after_update:
            costs.append(float(cross_entropy(Y, P)))
        dZ = (P - Y) / m
        W, b = W - learning_rate * dZ @ X.T, (b - learning_rate * np.sum(dZ, axis=1, keepdims=True)
                                              if update_b else b)
        if after_update:
            costs.append(float(cross_entropy(Y, softmax(W @ X + b))))
    return costs, W, b


def train_sigmoid_softmax(X, Y, W, b, learning_rate, epochs, *, chain_rule=True):
    """Sigmoid, then softmax. ``chain_rule=False`` is the logbook's backprop (no sigmoid slope)."""
    m = X.shape[1]
    costs = []
    for _ in range(epochs):
        A = sigmoid(W @ X + b)
        P = softmax(A)
        costs.append(float(cross_entropy(Y, P)))
        dZ = (P - Y) / m
        if chain_rule:
            dZ = dZ * A * (1 - A)
        W, b = W - learning_rate * dZ @ X.T, b - learning_rate * np.sum(dZ, axis=1, keepdims=True)
    return costs, W, b


@lru_cache(maxsize=None)
def decoder_costs(epochs: int = 70, variant: str = "softmax") -> tuple:
    if variant == "softmax":
        return tuple(train_softmax(DEC_X, DEC_Y, DEC_W, DEC_B, 1.0, epochs)[0])
    if variant == "after_update":
        return tuple(train_softmax(DEC_X, DEC_Y, DEC_W, DEC_B, 1.0, epochs, after_update=True)[0])
    return tuple(train_sigmoid_softmax(DEC_X, DEC_Y, DEC_W, DEC_B, 1.0, epochs,
                                       chain_rule=(variant == "sigmoid"))[0])


ACTIVATIONS = {
    "sigmoid": (sigmoid, lambda A: A * (1 - A)),
    "tanh": (np.tanh, lambda A: 1 - A ** 2),
}


def xor_forward(X, params, activation="sigmoid"):
    act = ACTIVATIONS[activation][0]
    A1 = act(params["W1"] @ X + params["b1"])
    return A1, sigmoid(params["W2"] @ A1 + params["b2"])


def train_xor(X, Y, params, learning_rate, epochs, activation="sigmoid", *, derivative=None,
              sequential=False, after_update=False):
    """A 2-layer network (hidden activation, sigmoid output, mean binary cross-entropy).

    costs[e - 1] is the cost at epoch e (from 1), before its update. The keyword-only
    options build known wrong variants: another hidden-layer slope (``derivative``: "none",
    "sigmoid"), W2 updated before the hidden gradient is computed (``sequential``), or the
    cost recorded after the update.
    """
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=float) for k in ("W1", "b1", "W2", "b2"))
    act, slope = ACTIVATIONS[activation]
    if derivative == "none":
        slope = np.ones_like
    elif derivative is not None:
        slope = ACTIVATIONS[derivative][1]
    m = X.shape[1]
    costs = []
    for _ in range(epochs):
        A1 = act(W1 @ X + b1)
        P = sigmoid(W2 @ A1 + b2)
        if not after_update:
            costs.append(float(binary_cross_entropy(Y, P)))
        dZ2 = (P - Y) / m
        dW2, db2 = dZ2 @ A1.T, np.sum(dZ2, axis=1, keepdims=True)
        if sequential:
            W2 = W2 - learning_rate * dW2
        dZ1 = (W2.T @ dZ2) * slope(A1)
        dW1, db1 = dZ1 @ X.T, np.sum(dZ1, axis=1, keepdims=True)
        W1, b1, b2 = W1 - learning_rate * dW1, b1 - learning_rate * db1, b2 - learning_rate * db2
        if not sequential:
            W2 = W2 - learning_rate * dW2
        if after_update:
            costs.append(float(binary_cross_entropy(Y, sigmoid(W2 @ act(W1 @ X + b1) + b2))))
    return costs, {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


@lru_cache(maxsize=None)
def xor_run(activation: str = "sigmoid", epochs: int = XOR_EPOCHS, variant: str = "") -> tuple:
    options = {"": {}, "no_slope": {"derivative": "none"}, "sigmoid_slope": {"derivative": "sigmoid"},
               "sequential": {"sequential": True}, "after_update": {"after_update": True}}[variant]
    costs, params = train_xor(XOR_X, XOR_Y, XOR_INIT, 1.0, epochs, activation, **options)
    return tuple(costs), params
