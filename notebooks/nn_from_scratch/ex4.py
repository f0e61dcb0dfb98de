# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   learnkit:
#     exercise: nn_from_scratch.ex4
# ---

# %% [markdown]
# # Softmax and a hidden layer
#
# A single perceptron separates two classes with a straight line. In this exercise you go two steps
# further, in numpy:
#
# * **more than two classes** with a softmax output: a "binary to decimal decoder" that maps the inputs
#   00, 01, 10, 11 to the classes 1, 2, 3, 4, trained like the course's spreadsheet; and the question the
#   spreadsheet asks: should a sigmoid go before the softmax?
# * **a hidden layer**, to learn XOR, which no straight line separates, first with sigmoid hidden units,
#   then with tanh.
#
# Run the next cell to set everything up. It defines the `sigmoid` and `binary_cross_entropy` of the
# previous exercise.

# %%
import numpy as np
import matplotlib.pyplot as plt
from learnkit.numeric.trajectory import plot_curves, show_epochs
np.set_printoptions(legacy="1.25")  # print numpy numbers as plain numbers

# Setup feedback system
from learnkit.core import binder
binder.bind(globals())
from checkers.nn_from_scratch.ex4 import *


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def binary_cross_entropy(Y, P):
    m = Y.shape[1]
    return -(1 / m) * np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P))


# %% [markdown]
# # 1) Softmax
#
# With several classes the network computes one score per class, and softmax turns the scores of an
# example into probabilities: softmax(z)_k = e^(z_k) / Σ_j e^(z_j). As before, each example is a
# **column**: `Z` has one row per class and one column per example, and every column of
# `softmax(Z)` must sum to 1.
#
# Write `softmax(Z)`. It must also work for large scores such as 1000, where `np.exp` overflows:
# subtract each column's maximum before exponentiating (this does not change the result).

# %%
# EXERCISE: def softmax(Z):
# EXERCISE:     # exponentials of the scores, shifted by each column's maximum
# EXERCISE:     E = ____
# EXERCISE:     # normalise every column to sum 1
# EXERCISE:     return ____
# BEGIN SOLUTION
def softmax(Z):
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return E / np.sum(E, axis=0, keepdims=True)
# END SOLUTION

print(softmax(np.array([[1.], [2.], [3.]])))

# Check your answer
q_1.check()

# %%
#q_1.hint()
#q_1.solution()

# %% tags=["test"]
# Author tests: rows instead of columns, no shift (overflow), the whole matrix, hard-coded.
_softmax = softmax
def softmax(Z):
    E = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return E / np.sum(E, axis=1, keepdims=True)
assert "axis=0" in (_m := q_1.assert_check_failed().message), _m
def softmax(Z):
    return np.exp(Z) / np.sum(np.exp(Z), axis=0, keepdims=True)
assert "overflows" in (_m := q_1.assert_check_failed().message), _m
def softmax(Z):
    return np.exp(Z - Z.max()) / np.sum(np.exp(Z - Z.max()))
assert "whole matrix" in (_m := q_1.assert_check_failed().message), _m
def softmax(Z):
    return np.full(np.shape(Z), 0.25)
q_1.assert_check_failed()
def softmax(Z):
    return -_softmax(Z)
q_1.assert_check_failed()
def softmax(Z):                                   # another spelling: fine
    E = np.exp(Z - Z.max(axis=0))
    return E / E.sum(axis=0)
q_1.assert_check_passed()
softmax = _softmax

# %% [markdown]
# # 2) Cross-entropy
#
# The cost of a softmax classifier is the categorical cross-entropy: with one-hot labels `Y` (one row
# per class, one column per example), C = −(1/m) Σ y·log p, where the sum runs over classes and examples
# and m is the number of examples. Write `cross_entropy(Y, P)`.

# %%
# EXERCISE: def cross_entropy(Y, P):
# EXERCISE:     m = Y.shape[1]
# EXERCISE:     return ____
# BEGIN SOLUTION
def cross_entropy(Y, P):
    m = Y.shape[1]
    return -np.sum(Y * np.log(P)) / m
# END SOLUTION

print(cross_entropy(np.eye(4), np.full((4, 4), 0.25)))

# Check your answer
q_2.check()

# %%
#q_2.hint()
#q_2.solution()

# %% tags=["test"]
# Author tests: np.mean over all entries, no mean, a wrong sign, hard-coded.
_ce = cross_entropy
cross_entropy = lambda Y, P: -np.mean(Y * np.log(P))
assert "Y.shape[1]" in (_m := q_2.assert_check_failed().message), _m
cross_entropy = lambda Y, P: -np.sum(Y * np.log(P))
assert "Average" in (_m := q_2.assert_check_failed().message), _m
cross_entropy = lambda Y, P: np.sum(Y * np.log(P)) / Y.shape[1]
assert "negative" in (_m := q_2.assert_check_failed().message), _m
cross_entropy = lambda Y, P: 1.3862943611198906
assert "whatever its arguments" in (_m := q_2.assert_check_failed().message), _m
cross_entropy = lambda Y, P: -np.mean(np.sum(Y * np.log(P), axis=0))
q_2.assert_check_passed()
cross_entropy = _ce

# %% [markdown]
# # 3) The binary to decimal decoder
#
# The decoder's inputs are the four pairs of bits 00, 01, 10, 11 (as columns of `X_dec`), and the target
# of each is one of four classes, one-hot encoded (00 → class 1, …, 11 → class 4). The spreadsheet
# starts from all weights 0.5 and all biases 0.6 and trains with a learning rate of 1 on all four
# examples at once. `W` has one row per class.
#
# Write `train_softmax(X, Y, W, b, learning_rate, epochs)`. In each epoch: compute the probabilities
# `P = softmax(W @ X + b)`, append the cost of this epoch to `costs` (before the update), and update
# `W` and `b` by gradient descent. For softmax with cross-entropy the gradient with respect to the
# scores simplifies to `dZ = (P - Y) / m`. Return `(costs, W, b)`, and build new arrays when you update
# (`W = W - …`), so that `W_init` and `b_init` stay as they are.
#
# The given code trains the decoder for 70 epochs. Epochs are numbered from 1 like the spreadsheet, so
# `decoder_costs[0]` is epoch 1 and `decoder_costs[59]` epoch 60.

# %%
X_dec = np.array([[0, 0, 1, 1],
                  [0, 1, 0, 1]], dtype=float)
Y_dec = np.eye(4)                   # column j is the one-hot target of input j
W_init = np.full((4, 2), 0.5)       # one row per class
b_init = np.full((4, 1), 0.6)

# EXERCISE: def train_softmax(X, Y, W, b, learning_rate, epochs):
# EXERCISE:     m = X.shape[1]
# EXERCISE:     costs = []
# EXERCISE:     for epoch in range(epochs):
# EXERCISE:         # forward pass: the probabilities P
# EXERCISE:         P = ____
# EXERCISE:         # the cost of this epoch, before the update
# EXERCISE:         costs.append(____)
# EXERCISE:         # backward pass: dZ, then dW and db
# EXERCISE:         dZ = ____
# EXERCISE:         dW = ____
# EXERCISE:         db = ____
# EXERCISE:         # update, with new arrays
# EXERCISE:         W = ____
# EXERCISE:         b = ____
# EXERCISE:     return costs, W, b
# BEGIN SOLUTION
def train_softmax(X, Y, W, b, learning_rate, epochs):
    m = X.shape[1]
    costs = []
    for epoch in range(epochs):
        P = softmax(W @ X + b)
        costs.append(cross_entropy(Y, P))
        dZ = (P - Y) / m
        dW = dZ @ X.T
        db = np.sum(dZ, axis=1, keepdims=True)
        W = W - learning_rate * dW
        b = b - learning_rate * db
    return costs, W, b
# END SOLUTION


decoder_costs, W_dec, b_dec = train_softmax(X_dec, Y_dec, W_init, b_init, 1.0, 70)
show_epochs(decoder_costs, [1, 2, 3, 10, 60, 70], start=1, digits=3)

# Check your answer
q_3.check()

# %%
#q_3.hint()
#q_3.solution()

# %% tags=["test"]
# Author tests: the cost after the update, no mean, b never updated, in-place updates, hard-coded costs.
_train, _keep = train_softmax, decoder_costs
def train_softmax(X, Y, W, b, learning_rate, epochs):
    costs = []
    for epoch in range(epochs):
        dZ = (softmax(W @ X + b) - Y) / X.shape[1]
        W, b = W - learning_rate * dZ @ X.T, b - learning_rate * dZ.sum(axis=1, keepdims=True)
        costs.append(cross_entropy(Y, softmax(W @ X + b)))
    return costs, W, b
assert "*before* the update" in (_m := q_3.assert_check_failed().message), _m
def train_softmax(X, Y, W, b, learning_rate, epochs):
    costs = []
    for epoch in range(epochs):
        P = softmax(W @ X + b)
        costs.append(cross_entropy(Y, P))
        W, b = W - learning_rate * (P - Y) @ X.T, b - learning_rate * (P - Y).sum(axis=1, keepdims=True)
    return costs, W, b
assert "(P - Y) / m" in (_m := q_3.assert_check_failed().message), _m
def train_softmax(X, Y, W, b, learning_rate, epochs):
    costs = []
    for epoch in range(epochs):
        P = softmax(W @ X + b)
        costs.append(cross_entropy(Y, P))
        W = W - learning_rate * (P - Y) / X.shape[1] @ X.T
    return costs, W, b
assert "biases" in (_m := q_3.assert_check_failed().message), _m
def train_softmax(X, Y, W, b, learning_rate, epochs):
    costs = []
    for epoch in range(epochs):
        P = softmax(W @ X + b)
        costs.append(cross_entropy(Y, P))
        dZ = (P - Y) / X.shape[1]
        W -= learning_rate * dZ @ X.T
        b -= learning_rate * dZ.sum(axis=1, keepdims=True)
    return costs, W, b
assert "changed its argument `W` in place" in (_m := q_3.assert_check_failed().message), _m
def train_softmax(X, Y, W, b, learning_rate, epochs):
    return [1.386, 1.269, 1.175][:epochs], W, b
q_3.assert_check_failed()
train_softmax = _train
decoder_costs = list(decoder_costs[:69])
assert "69 values" in (_m := q_3.assert_check_failed().message), _m
decoder_costs = [-c for c in _keep]
q_3.assert_check_failed()
decoder_costs = np.array(_keep)
q_3.assert_check_passed()
decoder_costs = _keep

# %% [markdown]
# The cost falls from ln 4 = 1.386 at epoch 1 (all four probabilities 0.25) to 0.175 at epoch 60.
#
# # 4) Should a sigmoid go before the softmax?
#
# The spreadsheet asks whether an additional sigmoid before the softmax helps. Write
# `train_sigmoid_softmax(X, Y, W, b, learning_rate, epochs)`, the same training with
# `A = sigmoid(W @ X + b)` and `P = softmax(A)`. Backpropagation now goes through the sigmoid: the
# gradient with respect to A is still `(P - Y) / m`, and the chain rule multiplies it by the sigmoid's
# slope `A * (1 - A)` to get the gradient with respect to `Z = W @ X + b`.
#
# The logbook reports a cost of 1.052 at epoch 60 for this network. Compare with yours.

# %%
# EXERCISE: def train_sigmoid_softmax(X, Y, W, b, learning_rate, epochs):
# EXERCISE:     m = X.shape[1]
# EXERCISE:     costs = []
# EXERCISE:     for epoch in range(epochs):
# EXERCISE:         # forward pass: A, then P
# EXERCISE:         A = ____
# EXERCISE:         P = ____
# EXERCISE:         costs.append(____)
# EXERCISE:         # backward pass through the softmax and the sigmoid
# EXERCISE:         dZ = ____
# EXERCISE:         # update, with new arrays
# EXERCISE:         W = ____
# EXERCISE:         b = ____
# EXERCISE:     return costs, W, b
# BEGIN SOLUTION
def train_sigmoid_softmax(X, Y, W, b, learning_rate, epochs):
    m = X.shape[1]
    costs = []
    for epoch in range(epochs):
        A = sigmoid(W @ X + b)
        P = softmax(A)
        costs.append(cross_entropy(Y, P))
        dZ = (P - Y) / m * A * (1 - A)      # the chain rule: times the sigmoid's slope
        W = W - learning_rate * dZ @ X.T
        b = b - learning_rate * np.sum(dZ, axis=1, keepdims=True)
    return costs, W, b
# END SOLUTION


sigmoid_softmax_costs, _, _ = train_sigmoid_softmax(X_dec, Y_dec, W_init, b_init, 1.0, 70)
show_epochs({"softmax only": decoder_costs, "sigmoid + softmax": sigmoid_softmax_costs},
            [1, 10, 60], start=1, digits=3)

# Check your answer
q_4.check()

# %%
#q_4.hint()
#q_4.solution()

# %% tags=["test"]
# Author tests: the logbook's backprop (no sigmoid slope), no sigmoid, a sign slip, hard-coded costs.
_train, _keep = train_sigmoid_softmax, sigmoid_softmax_costs
def train_sigmoid_softmax(X, Y, W, b, learning_rate, epochs):
    costs = []
    for epoch in range(epochs):
        P = softmax(sigmoid(W @ X + b))
        costs.append(cross_entropy(Y, P))
        dZ = (P - Y) / X.shape[1]                      # the logbook: no sigmoid slope
        W, b = W - learning_rate * dZ @ X.T, b - learning_rate * dZ.sum(axis=1, keepdims=True)
    return costs, W, b
assert "1.052" in (_m := q_4.assert_check_failed().message), _m
sigmoid_softmax_costs = train_sigmoid_softmax(X_dec, Y_dec, W_init, b_init, 1.0, 70)[0]
train_sigmoid_softmax = _train
assert "1.052" in (_m := q_4.assert_check_failed().message), _m
sigmoid_softmax_costs = _keep
train_sigmoid_softmax = train_softmax
assert "no sigmoid" in (_m := q_4.assert_check_failed().message), _m
def train_sigmoid_softmax(X, Y, W, b, learning_rate, epochs):
    return _train(X, Y, W, b, -learning_rate, epochs)
q_4.assert_check_failed()
train_sigmoid_softmax = _train
sigmoid_softmax_costs = [1.386] * 70
q_4.assert_check_failed()
sigmoid_softmax_costs = _keep
q_4.assert_check_passed()

# %% [markdown]
# # 5) So, should a sigmoid go before the softmax?
#
# Set `answer_sigmoid_softmax` to the letter of your choice.
#
# a) Yes: squashing the scores into (0, 1) first makes the softmax probabilities more accurate.
# b) No: softmax already turns any scores into probabilities. A sigmoid first squeezes the scores into
#    (0, 1), so no probability can exceed e/(e + 3) ≈ 0.475 with 4 classes (the cost can never go below
#    0.744), and its slope (at most 0.25) shrinks the gradients: 1.169 instead of 0.175 after 60 epochs.
# c) It makes no difference: both versions reach the same cost after 60 epochs.
# d) Yes, as long as backprop leaves out the sigmoid's slope, as the logbook did (1.052).

# %%
# BEGIN SOLUTION
answer_sigmoid_softmax = 'b'
# END SOLUTION
q_5.check()

# %%
#q_5.hint()
#q_5.solution()

# %% tags=["test"]
answer_sigmoid_softmax = 'd'
assert "wrong gradient" in (_m := q_5.assert_check_failed().message), _m
answer_sigmoid_softmax = 'b'

# %% [markdown]
# # 6) XOR with a hidden layer
#
# XOR (0, 1, 1, 0 for the inputs 00, 01, 10, 11) cannot be separated by a single line, so a perceptron
# cannot learn it. A hidden layer of two units can. The network is
#
# `A1 = act(W1 @ X + b1)`, `P = sigmoid(W2 @ A1 + b2)`, cost = `binary_cross_entropy(Y, P)`,
#
# with `W1` of shape (hidden units, 2), `b1` (hidden units, 1), `W2` (1, hidden units) and `b2` (1, 1).
# Backpropagation, with m examples:
#
# * `dZ2 = (P - Y) / m`, `dW2 = dZ2 @ A1.T`, `db2` = the sum of `dZ2` over the examples;
# * `dZ1 = (W2.T @ dZ2) * act_slope(A1)`, `dW1 = dZ1 @ X.T`, `db1` = the sum of `dZ1` over the examples.
#
# The slope of the activation is written in terms of its output A: A(1 − A) for the sigmoid, 1 − A²
# for tanh. Compute every gradient first, then update all four arrays (with new arrays, not in place).
#
# Write `train_xor(X, Y, params, learning_rate, epochs, activation="sigmoid")`, returning
# `(costs, trained_params)` with the cost of each epoch before its update.
#
# **The initial weights.** The spreadsheet's initial weights are unreadable in the logbook, so this
# course fixes its own, `xor_init` below: small values, and the two hidden units start different (each
# prefers one input), otherwise they would stay identical forever. With a learning rate of 1 and 1000
# epochs both versions learn XOR.

# %%
X_xor = np.array([[0, 0, 1, 1],
                  [0, 1, 0, 1]], dtype=float)
Y_xor = np.array([[0, 1, 1, 0]], dtype=float)
xor_init = {"W1": np.array([[0.5, -0.7],
                            [-0.7, 0.5]]),
            "b1": np.array([[0.2],
                            [0.2]]),
            "W2": np.array([[0.6, 0.6]]),
            "b2": np.array([[-0.3]])}

# EXERCISE: def train_xor(X, Y, params, learning_rate, epochs, activation="sigmoid"):
# EXERCISE:     if activation == "sigmoid":
# EXERCISE:         act = sigmoid
# EXERCISE:         def act_slope(A):
# EXERCISE:             return ____         # the sigmoid's slope, from its output A
# EXERCISE:     else:
# EXERCISE:         act = np.tanh
# EXERCISE:         def act_slope(A):
# EXERCISE:             return ____         # tanh's slope, from its output A
# EXERCISE:     W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
# EXERCISE:     m = X.shape[1]
# EXERCISE:     costs = []
# EXERCISE:     for epoch in range(epochs):
# EXERCISE:         # forward pass
# EXERCISE:         A1 = ____
# EXERCISE:         P = ____
# EXERCISE:         costs.append(____)
# EXERCISE:         # backward pass: every gradient first
# EXERCISE:         dZ2 = ____
# EXERCISE:         dW2 = ____
# EXERCISE:         db2 = ____
# EXERCISE:         dZ1 = ____
# EXERCISE:         dW1 = ____
# EXERCISE:         db1 = ____
# EXERCISE:         # then update all four arrays
# EXERCISE:         W1, b1, W2, b2 = ____, ____, ____, ____
# EXERCISE:     return costs, {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
# BEGIN SOLUTION
def train_xor(X, Y, params, learning_rate, epochs, activation="sigmoid"):
    if activation == "sigmoid":
        act = sigmoid
        def act_slope(A):
            return A * (1 - A)
    else:
        act = np.tanh
        def act_slope(A):
            return 1 - A ** 2
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[1]
    costs = []
    for epoch in range(epochs):
        # forward pass
        A1 = act(W1 @ X + b1)
        P = sigmoid(W2 @ A1 + b2)
        costs.append(binary_cross_entropy(Y, P))
        # backward pass: every gradient first
        dZ2 = (P - Y) / m
        dW2 = dZ2 @ A1.T
        db2 = np.sum(dZ2, axis=1, keepdims=True)
        dZ1 = (W2.T @ dZ2) * act_slope(A1)
        dW1 = dZ1 @ X.T
        db1 = np.sum(dZ1, axis=1, keepdims=True)
        # then update all four arrays
        W1, b1, W2, b2 = (W1 - learning_rate * dW1, b1 - learning_rate * db1,
                          W2 - learning_rate * dW2, b2 - learning_rate * db2)
    return costs, {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
# END SOLUTION


xor_costs, xor_params = train_xor(X_xor, Y_xor, xor_init, 1.0, 1000, "sigmoid")
show_epochs(xor_costs, [1, 70, 1000], start=1, digits=4)

# Check your answer
q_6.check()

# %%
#q_6.hint()
#q_6.solution()

# %% tags=["test"]
# Author tests: no activation slope, W2 updated too early, the activation ignored, a sign slip, a
# hard-coded run, in-place updates, weights from another run.
_train, _costs, _params = train_xor, xor_costs, xor_params
def _make(slope=True, early_w2=False, always_sigmoid=False, sign=1, inplace=False):
    def train_xor(X, Y, params, learning_rate, epochs, activation="sigmoid"):
        use_tanh = activation == "tanh" and not always_sigmoid
        act = np.tanh if use_tanh else sigmoid
        W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
        costs = []
        for epoch in range(epochs):
            A1 = act(W1 @ X + b1)
            P = sigmoid(W2 @ A1 + b2)
            costs.append(binary_cross_entropy(Y, P))
            dZ2 = (P - Y) / X.shape[1]
            dW2, db2 = dZ2 @ A1.T, dZ2.sum(axis=1, keepdims=True)
            if early_w2:
                W2 = W2 - learning_rate * dW2
            dZ1 = W2.T @ dZ2
            if slope:
                dZ1 = dZ1 * ((1 - A1 ** 2) if use_tanh else A1 * (1 - A1))
            dW1, db1 = dZ1 @ X.T, dZ1.sum(axis=1, keepdims=True)
            if inplace:
                W1 -= learning_rate * dW1
            else:
                W1 = W1 - sign * learning_rate * dW1
            b1, b2 = b1 - sign * learning_rate * db1, b2 - sign * learning_rate * db2
            if not early_w2:
                W2 = W2 - sign * learning_rate * dW2
        return costs, {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return train_xor
train_xor = _make(slope=False)
assert "act_slope(A1)" in (_m := q_6.assert_check_failed().message), _m
train_xor = _make(early_w2=True)
assert "before updating any weight" in (_m := q_6.assert_check_failed().message), _m
train_xor = _make(always_sigmoid=True)
assert "always uses the sigmoid" in (_m := q_6.assert_check_failed().message), _m
train_xor = _make(sign=-1)
q_6.assert_check_failed()
train_xor = _make(inplace=True)
assert "changed its argument `params` in place (`params['W1']" in (_m := q_6.assert_check_failed().message), _m
def train_xor(X, Y, params, learning_rate, epochs, activation="sigmoid"):
    return list(_costs[:epochs]), _params
q_6.assert_check_failed()
train_xor = _make()                               # an equivalent rewrite passes
q_6.assert_check_passed()
xor_params = _train(X_xor, Y_xor, xor_init, 1.0, 100, "sigmoid")[1]     # weights after 100 epochs only
assert "right side of 0.5" in (_m := q_6.assert_check_failed().message), _m
xor_params = _params
xor_costs = _make(slope=False)(X_xor, Y_xor, xor_init, 1.0, 1000)[0]
assert "slope" in (_m := q_6.assert_check_failed().message), _m
train_xor, xor_costs, xor_params = _train, _costs, _params
q_6.assert_check_passed()

# %% [markdown]
# # 7) XOR with tanh
#
# Now train the same network from the same initial weights, with the same learning rate and number of
# epochs, but with tanh in the hidden layer: store the costs in `tanh_costs` and the trained weights
# in `tanh_params`.

# %%
# EXERCISE: tanh_costs = ____
# EXERCISE: tanh_params = ____
# BEGIN SOLUTION
tanh_costs, tanh_params = train_xor(X_xor, Y_xor, xor_init, 1.0, 1000, "tanh")
# END SOLUTION

# Check your answer
q_7.check()

# %%
#q_7.hint()
#q_7.solution()

# %% tags=["test"]
# Author tests: the sigmoid run, a shorter run, another learning rate, hard-coded values.
_keep = (tanh_costs, tanh_params)
tanh_costs, tanh_params = xor_costs, xor_params
assert "tanh_costs" in (_m := q_7.assert_check_failed().message), _m
tanh_costs, tanh_params = train_xor(X_xor, Y_xor, xor_init, 1.0, 500, "tanh")
assert "500 values" in (_m := q_7.assert_check_failed().message), _m
tanh_costs, tanh_params = train_xor(X_xor, Y_xor, xor_init, 0.5, 1000, "tanh")
assert "update step" in (_m := q_7.assert_check_failed().message), _m
tanh_costs = [0.7] * 1000
q_7.assert_check_failed()
tanh_costs, tanh_params = _keep
q_7.assert_check_passed()

# %% [markdown]
# Plot the two runs: the first 70 epochs (the spreadsheet's plot), and all 1000.

# %%
fig, (ax_70, ax_all) = plt.subplots(1, 2, figsize=(11, 3.6))
plot_curves({"sigmoid": xor_costs, "tanh": tanh_costs}, start=1, first=70, ax=ax_70, title="first 70 epochs")
plot_curves({"sigmoid": xor_costs, "tanh": tanh_costs}, start=1, ax=ax_all, title="1000 epochs")
plt.show()

# %% [markdown]
# # 8) Sigmoid or tanh in the hidden layer?
#
# Compare the two runs. Which one learns XOR sooner, and why? Run the next cell to compare your
# reasoning with the solution and to see the numbers of your own runs.

# %%
q_8.check()

# %% tags=["test"]
assert "epoch 445 with sigmoid and epoch 78 with tanh" in (_m := q_8.assert_check_passed().diagnosis), _m

# %% [markdown]
# # Keep Going
#
# You have built, from scratch, the pieces that deep-learning libraries assemble for you: layers,
# activations, softmax, cross-entropy, backpropagation and gradient descent. Your progress on this
# exercise:

# %%
progress()
