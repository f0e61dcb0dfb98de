"""Exercise 4 of Neural networks from scratch: softmax and a hidden layer (UWL logbook, seed 003, weeks 4
and 5, in numpy).

Fixes from the seed (catalog section G): the logbook's sigmoid-before-softmax cost 1.052 comes from a
backprop without the sigmoid's slope; the chain rule gives 1.169 (q_4). The XOR spreadsheet's initial
weights are unreadable, so the course fixes its own (``reference.XOR_INIT``) and checks the whole
trajectory and that XOR is learned; the logbook's "time series forecasting model" is an XOR classifier.
"""
import numpy as np

from learnkit.core import (Code, CodingProblem, Exercise, FunctionProblem, Incorrect, MultipleChoice,
                           ThoughtExperiment, Unattempted)
from learnkit.core.compare import describe, mismatch
from learnkit.core.functions import Case, check_function
from learnkit.numeric.trajectory import as_series, check_trajectory, first_below, fmt, trajectory_mismatch

from checkers.nn_from_scratch import reference as ref

_rng = np.random.default_rng(4)
_Z33 = np.array([[1., 2., 0.], [0., 1., 3.], [-1., 0.5, 1.]])


def _one_hot(labels, k):
    return np.eye(k)[:, labels]


# -- q_1: softmax ----------------------------------------------------------------------------------------
SOFTMAX_CASES = [
    Case((np.full((4, 1), 1.1),)),
    Case((_Z33,)),
    Case((ref.DEC_W @ ref.DEC_X + ref.DEC_B,), shown="softmax(W @ X_dec + b) with the initial W = 0.5, b = 0.6"),
    Case((np.array([[1000.], [1001.], [999.]]),)),
    Case((np.array([2., 1., 0.1]),)),
]


def _softmax_rows(Z):
    E = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return E / np.sum(E, axis=1, keepdims=True)


def _softmax_all(Z):
    E = np.exp(Z - np.max(Z))
    return E / np.sum(E)


def _softmax_naive(Z):
    E = np.exp(Z)
    return E / np.sum(E, axis=0, keepdims=True)


q1 = FunctionProblem(
    prompt="Softmax",
    var="softmax",
    reference=ref.softmax,
    cases=SOFTMAX_CASES,
    mistakes=[
        (_softmax_naive, "Your softmax overflows for large scores: `np.exp(1000)` is inf, and inf/inf is nan. "
                         "Subtract each column's maximum first (`Z - np.max(Z, axis=0, keepdims=True)`): "
                         "softmax does not change when you shift all scores of an example by the same amount."),
        (_softmax_rows, "Each *column* is one example: normalise over the classes with `axis=0`, so that every "
                        "column sums to 1 (yours makes the rows sum to 1)."),
        (_softmax_all, "Normalise each column (example) separately with `axis=0, keepdims=True`; yours divides "
                       "by the sum of the whole matrix."),
    ],
    success="Correct! Every column of your softmax sums to 1, even for scores as large as 1000.",
    hints=["softmax(z)_k = e^(z_k) / Σ_j e^(z_j), over the classes of one example (a column of Z).",
           "`E = np.exp(Z - np.max(Z, axis=0, keepdims=True))`, then `E / np.sum(E, axis=0, keepdims=True)`."],
    solution=Code("""
def softmax(Z):
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return E / np.sum(E, axis=0, keepdims=True)
"""),
)

# -- q_2: cross-entropy --------------------------------------------------------------------------------------
_P32 = ref.softmax(np.array([[2., 0.], [1., 1.], [0., 3.]]))
CE_CASES = [
    Case((np.eye(4), np.full((4, 4), 0.25))),
    Case((_one_hot([0, 2], 3), _P32)),
    Case((_one_hot([1], 4), ref.softmax(np.array([[0.3], [2.], [-1.], [0.5]])))),
]

q2 = FunctionProblem(
    prompt="Categorical cross-entropy",
    var="cross_entropy",
    reference=ref.cross_entropy,
    cases=CE_CASES,
    mistakes=[
        (lambda Y, P: -np.sum(Y * np.log(P)), "Average over the examples: divide the sum by m = `Y.shape[1]`."),
        (lambda Y, P: -np.mean(Y * np.log(P)), "`np.mean` averages over all classes × examples entries. Divide the "
                                               "sum by the number of examples m = `Y.shape[1]` only."),
        (lambda Y, P: np.sum(Y * np.log(P)) / Y.shape[1], "Your cost is negative: cross-entropy is −Σ y·log p."),
        (lambda Y, P: -np.sum(Y * np.log10(P)) / Y.shape[1], "Use the natural logarithm `np.log`."),
    ],
    success="Correct! With all probabilities 0.25 the cost is ln 4 = 1.386, the decoder's cost at epoch 1.",
    hints=["C = −(1/m) Σ over examples and classes of y·log p.",
           "`-np.sum(Y * np.log(P)) / Y.shape[1]`"],
    solution=Code("""
def cross_entropy(Y, P):
    m = Y.shape[1]
    return -np.sum(Y * np.log(P)) / m
"""),
)


# -- runs of a training function --------------------------------------------------------------------------
def same_run(names=("W", "b")):
    """Compare ``(costs, *arrays)`` returned by a training function with the reference run."""
    def compare(got, want):
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            return (f"it should return a tuple of {len(want)} things (costs, {', '.join(names)}); it returned "
                    f"{describe(got)}")
        try:
            why = trajectory_mismatch(got[0], want[0], rtol=1e-6, atol=1e-9, name="the costs", start=1)
        except Incorrect as e:
            return str(e)
        if why:
            return why
        for name, g, w in zip(names, got[1:], want[1:]):
            if isinstance(w, dict):
                for k in w:
                    why = mismatch(g.get(k) if isinstance(g, dict) else None, w[k], 1e-6, 1e-9,
                                   name=f"the returned {name}[{k!r}]")
                    if why:
                        return why
            else:
                why = mismatch(g, w, 1e-6, 1e-9, name=f"the returned {name}")
                if why:
                    return why
        return None
    return compare


def _train_cases(name):
    W3, b3 = _rng.normal(size=(3, 2)), _rng.normal(size=(3, 1))
    X5 = _rng.normal(size=(2, 5))
    W4, b4 = _rng.normal(scale=0.5, size=(4, 2)), _rng.normal(scale=0.5, size=(4, 1))
    return [
        Case((ref.DEC_X, ref.DEC_Y, ref.DEC_W, ref.DEC_B, 1.0, 3),
             shown=f"{name}(X_dec, Y_dec, W_init, b_init, 1.0, 3)"),
        Case((X5, _one_hot([0, 2, 1, 1, 0], 3), W3, b3, 0.5, 4)),
        Case((ref.DEC_X, ref.DEC_Y, W4, b4, 2.0, 2)),
    ]


SOFTMAX_TRAIN_CASES = _train_cases("train_softmax")
SIGMOID_TRAIN_CASES = _train_cases("train_sigmoid_softmax")


# -- q_3: the binary-to-decimal decoder ---------------------------------------------------------------------
def check_decoder(train_softmax, decoder_costs):
    n = check_function(train_softmax, "train_softmax", ref.train_softmax, SOFTMAX_TRAIN_CASES, pure=True,
                       compare=same_run(),
                       mistakes=[
                           (lambda *a: ref.train_softmax(*a, after_update=True),
                            "Append the cost of each epoch *before* the update, so that the first cost is the one "
                            "of the initial weights (1.386 for the decoder)."),
                           (lambda *a: ref.train_softmax(*a, average=False),
                            "Average the gradient over the m examples: `dZ = (P - Y) / m`."),
                           (lambda *a: ref.train_softmax(*a, update_b=False), "Update the biases too: `b = b - learning_rate * db`."),
                       ])
    check_trajectory(decoder_costs, ref.decoder_costs(70), name="`decoder_costs`", start=1,
                     mistakes=[(ref.decoder_costs(70, "after_update"),
                                "`decoder_costs` starts one epoch late: record each cost before the update.")])
    return (f"Correct! The cost falls from 1.386 at epoch 1 to 0.175 at epoch 60, like the spreadsheet, and your "
            f"function works on {n} hidden inputs.")


q3 = CodingProblem(
    prompt="Train the binary-to-decimal decoder",
    vars=["train_softmax", "decoder_costs"],
    check=check_decoder,
    hints=["Forward: `P = softmax(W @ X + b)`; cost: `cross_entropy(Y, P)`; backward: `dZ = (P - Y) / m`, "
           "`dW = dZ @ X.T`, `db = np.sum(dZ, axis=1, keepdims=True)`.",
           "Update with new arrays: `W = W - learning_rate * dW` (not `W -= …`, which would change `W_init`)."],
    solution=Code("""
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

decoder_costs, W_dec, b_dec = train_softmax(X_dec, Y_dec, W_init, b_init, 1.0, 70)
"""),
)


# -- q_4: a sigmoid before the softmax --------------------------------------------------------------------
NO_CHAIN_RULE = ("That is the logbook's backprop: it sends (P − Y)/m straight into W, as if there were no sigmoid, "
                 "and reaches 1.052 at epoch 60. The sigmoid sits between Z and the softmax, so the chain rule "
                 "multiplies by its slope: `dZ = (P - Y) / m * A * (1 - A)` with `A = sigmoid(W @ X + b)`.")


def check_sigmoid_softmax(train_sigmoid_softmax, sigmoid_softmax_costs):
    n = check_function(train_sigmoid_softmax, "train_sigmoid_softmax", ref.train_sigmoid_softmax,
                       SIGMOID_TRAIN_CASES, pure=True, compare=same_run(),
                       mistakes=[(lambda *a: ref.train_sigmoid_softmax(*a, chain_rule=False), NO_CHAIN_RULE),
                                 (ref.train_softmax, "There is no sigmoid in your network: compute "
                                                     "`A = sigmoid(W @ X + b)` and `P = softmax(A)`.")])
    check_trajectory(sigmoid_softmax_costs, ref.decoder_costs(70, "sigmoid"), name="`sigmoid_softmax_costs`",
                     start=1, mistakes=[(ref.decoder_costs(70, "sigmoid_no_chain"), NO_CHAIN_RULE)])
    return (f"Correct! With the sigmoid the cost is still 1.169 at epoch 60 (the logbook's 1.052 leaves out the "
            f"sigmoid's slope); softmax alone reaches 0.175. Your function works on {n} hidden inputs.")


q4 = CodingProblem(
    prompt="Should a sigmoid go before the softmax?",
    vars=["train_sigmoid_softmax", "sigmoid_softmax_costs"],
    check=check_sigmoid_softmax,
    hints=["Forward: `A = sigmoid(W @ X + b)`, `P = softmax(A)`. The cost is the same cross-entropy.",
           "Backward: the gradient with respect to A is (P − Y)/m; multiply it by the sigmoid's slope A(1 − A) "
           "to get the gradient with respect to Z: `dZ = (P - Y) / m * A * (1 - A)`."],
    solution=Code("""
def train_sigmoid_softmax(X, Y, W, b, learning_rate, epochs):
    m = X.shape[1]
    costs = []
    for epoch in range(epochs):
        A = sigmoid(W @ X + b)
        P = softmax(A)
        costs.append(cross_entropy(Y, P))
        dZ = (P - Y) / m * A * (1 - A)      # the chain rule: the sigmoid's slope
        W = W - learning_rate * dZ @ X.T
        b = b - learning_rate * np.sum(dZ, axis=1, keepdims=True)
    return costs, W, b

sigmoid_softmax_costs, _, _ = train_sigmoid_softmax(X_dec, Y_dec, W_init, b_init, 1.0, 70)
"""),
)

q5 = MultipleChoice(
    prompt="So, should a sigmoid go before the softmax?",
    var="answer_sigmoid_softmax",
    choices=[
        "Yes: squashing the scores into (0, 1) first makes the softmax probabilities more accurate.",
        "No: softmax already turns any scores into probabilities. A sigmoid first squeezes the scores into (0, 1), "
        "so no probability can exceed e/(e + 3) ≈ 0.475 with 4 classes (the cost can never go below 0.744), and "
        "its slope (at most 0.25) shrinks the gradients: 1.169 instead of 0.175 after 60 epochs.",
        "It makes no difference: both versions reach the same cost after 60 epochs.",
        "Yes, as long as backprop leaves out the sigmoid's slope, as the logbook did (1.052).",
    ],
    answer="b",
    explanations={
        "a": "Look at your two runs: with the sigmoid the cost is 1.169 after 60 epochs, without it 0.175.",
        "b": "Correct! Softmax alone is the right output layer for several classes. The sigmoid caps the scores at "
             "1, so the largest probability is at most e/(e + 3) ≈ 0.475 and the cost stays above −ln 0.475 = 0.744 "
             "however long you train; its slope A(1 − A) ≤ 0.25 also slows every update.",
        "c": "Compare `decoder_costs[59]` (0.175) with `sigmoid_softmax_costs[59]` (1.169).",
        "d": "Leaving out the slope is not a different design but a wrong gradient; and even then the cost "
             "(1.052) stays far above softmax alone (0.175).",
    },
    hints=["Compare `decoder_costs[59]` with `sigmoid_softmax_costs[59]`.",
           "If every score lies between 0 and 1, what is the largest probability softmax can give one of 4 "
           "classes? e¹ / (e¹ + 3·e⁰)."],
    solution="(b) No. Softmax alone converts scores into probabilities. A sigmoid before it caps every score at 1, "
             "so no probability can exceed e/(e + 3) ≈ 0.475 for 4 classes, and its small slope slows learning: "
             "1.169 after 60 epochs (with the correct backprop; the logbook's 1.052 leaves out the sigmoid's "
             "slope) against 0.175 for softmax alone.",
)


# -- q_6, q_7: XOR with a hidden layer ----------------------------------------------------------------------
def _xor_params(rng, hidden):
    return {"W1": rng.normal(size=(hidden, 2)), "b1": rng.normal(size=(hidden, 1)),
            "W2": rng.normal(size=(1, hidden)), "b2": rng.normal(size=(1, 1))}


_P2, _P2b, _P3 = _xor_params(_rng, 2), _xor_params(_rng, 2), _xor_params(_rng, 3)
_X6 = _rng.normal(size=(2, 6))
XOR_CASES = [
    Case((ref.XOR_X, ref.XOR_Y, ref.XOR_INIT, 1.0, 2, "sigmoid"),
         shown='train_xor(X_xor, Y_xor, xor_init, 1.0, 2, "sigmoid")'),
    Case((ref.XOR_X, ref.XOR_Y, _P2, 0.5, 3, "sigmoid")),
    Case((ref.XOR_X, ref.XOR_Y, _P2b, 0.5, 3, "tanh")),
    Case((_X6, np.array([[1., 0., 0., 1., 1., 0.]]), _P3, 1.0, 2, "tanh")),
]


def _variant(**options):
    def train(X, Y, params, learning_rate, epochs, activation="sigmoid"):
        return ref.train_xor(X, Y, params, learning_rate, epochs, activation, **options)
    return train


def _ignores_activation(X, Y, params, learning_rate, epochs, activation="sigmoid"):
    return ref.train_xor(X, Y, params, learning_rate, epochs, "sigmoid")


XOR_MISTAKES = [
    (_ignores_activation, "Your function always uses the sigmoid: with `activation=\"tanh\"` the hidden layer "
                          "must use `np.tanh` (and its slope 1 − A²)."),
    (_variant(derivative="sigmoid"), "With tanh, the hidden layer's slope is 1 − A², not A(1 − A): "
                                     "`act_slope` must match the activation."),
    (_variant(derivative="none"), "Multiply the gradient reaching the hidden layer by the activation's slope: "
                                  "`dZ1 = (W2.T @ dZ2) * act_slope(A1)`."),
    (_variant(sequential=True), "Compute all the gradients before updating any weight: your `dZ1` uses W2 after "
                                "its update, but backprop needs the W2 of the forward pass."),
    (_variant(after_update=True), "Append each epoch's cost *before* the update, so that the first cost is the "
                                  "one of the initial weights."),
]


def check_xor_run(costs, params, activation, costs_name, params_name):
    check_trajectory(costs, lambda: ref.xor_run(activation)[0], name=f"`{costs_name}`", start=1,
                     mistakes=[(lambda v=v: ref.xor_run(activation, variant=v)[0], msg) for v, msg in [
                         ("no_slope", "Your run leaves out the hidden layer's slope in backprop: fix `train_xor` "
                                      "(question 6)."),
                         ("sequential", "Your run updates W2 before computing the hidden gradient: fix `train_xor`."),
                         ("after_update", "Your costs start one epoch late: record each cost before the update.")]])
    if not isinstance(params, dict) or any(k not in params for k in ("W1", "b1", "W2", "b2")):
        raise Incorrect(f"`{params_name}` should be the dict of trained weights returned by `train_xor` (keys 'W1', "
                        f"'b1', 'W2', 'b2'); it is {describe(params)}.")
    try:
        P = np.asarray(ref.xor_forward(ref.XOR_X, {k: np.asarray(v, dtype=float) for k, v in params.items()},
                                       activation)[1], dtype=float).reshape(-1)
    except Exception as e:
        raise Incorrect(f"`{params_name}` does not hold weights of the right shapes ({type(e).__name__}: {e}).")
    shown = ", ".join(f"{p:.3f}" for p in P)
    if not np.all((P > 0.5) == (ref.XOR_Y.reshape(-1) > 0.5)):
        raise Incorrect(f"With `{params_name}` the network outputs [{shown}] for the inputs 00, 01, 10, 11: XOR "
                        "is 0, 1, 1, 0, so not all four are on the right side of 0.5. Use the weights returned by "
                        "the same `train_xor` call as the costs.")
    return shown


def check_xor_sigmoid(train_xor, xor_costs, xor_params):
    n = check_function(train_xor, "train_xor", ref.train_xor, XOR_CASES, pure=True,
                       compare=same_run(("params",)), mistakes=XOR_MISTAKES)
    shown = check_xor_run(xor_costs, xor_params, "sigmoid", "xor_costs", "xor_params")
    return (f"Correct! XOR is learned: the outputs for 00, 01, 10, 11 are [{shown}]. Your function works on {n} "
            f"hidden inputs (sigmoid and tanh, 2 and 3 hidden units).")


q6 = CodingProblem(
    prompt="XOR with a sigmoid hidden layer",
    vars=["train_xor", "xor_costs", "xor_params"],
    check=check_xor_sigmoid,
    hints=["Forward: `A1 = act(W1 @ X + b1)`, `P = sigmoid(W2 @ A1 + b2)`; cost: `binary_cross_entropy(Y, P)`. "
           "Backward: `dZ2 = (P - Y) / m`, `dW2 = dZ2 @ A1.T`, `db2 = np.sum(dZ2, axis=1, keepdims=True)`, "
           "`dZ1 = (W2.T @ dZ2) * act_slope(A1)`, `dW1 = dZ1 @ X.T`, `db1 = np.sum(dZ1, axis=1, keepdims=True)`.",
           "The sigmoid's slope in terms of its output A is A(1 − A); tanh's is 1 − A². Update all four "
           "arrays after computing all the gradients."],
    solution=Code("""
def train_xor(X, Y, params, learning_rate, epochs, activation="sigmoid"):
    if activation == "sigmoid":
        act = sigmoid
        def act_slope(A): return A * (1 - A)
    else:
        act = np.tanh
        def act_slope(A): return 1 - A ** 2
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[1]
    costs = []
    for epoch in range(epochs):
        A1 = act(W1 @ X + b1)
        P = sigmoid(W2 @ A1 + b2)
        costs.append(binary_cross_entropy(Y, P))
        dZ2 = (P - Y) / m
        dW2 = dZ2 @ A1.T
        db2 = np.sum(dZ2, axis=1, keepdims=True)
        dZ1 = (W2.T @ dZ2) * act_slope(A1)
        dW1 = dZ1 @ X.T
        db1 = np.sum(dZ1, axis=1, keepdims=True)
        W1, b1 = W1 - learning_rate * dW1, b1 - learning_rate * db1
        W2, b2 = W2 - learning_rate * dW2, b2 - learning_rate * db2
    return costs, {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

xor_costs, xor_params = train_xor(X_xor, Y_xor, xor_init, 1.0, 1000, "sigmoid")
"""),
)


def check_xor_tanh(tanh_costs, tanh_params):
    shown = check_xor_run(tanh_costs, tanh_params, "tanh", "tanh_costs", "tanh_params")
    return f"Correct! With tanh XOR is learned too: the outputs for 00, 01, 10, 11 are [{shown}]."


q7 = CodingProblem(
    prompt="XOR with a tanh hidden layer",
    vars=["tanh_costs", "tanh_params"],
    check=check_xor_tanh,
    hints=["Call your `train_xor` with the same data, initial weights, learning rate and number of epochs, and "
           "`activation=\"tanh\"`."],
    solution=Code('tanh_costs, tanh_params = train_xor(X_xor, Y_xor, xor_init, 1.0, 1000, "tanh")'),
)


def compare_runs(xor_costs, tanh_costs):
    try:
        s, t = as_series(xor_costs), as_series(tanh_costs)
    except Incorrect:
        raise Unattempted("Run questions 6 and 7 first: `xor_costs` and `tanh_costs` should hold your two runs.")
    if len(s) < 70 or len(t) < 70:
        raise Unattempted("Run questions 6 and 7 first (1000 epochs each).")

    def below(x):
        e = first_below(x, 0.1, start=1)
        return f"epoch {e}" if e is not None else "never"
    return (f"After 70 epochs the cost is {fmt(s[69])} with sigmoid and {fmt(t[69])} with tanh; it "
            f"falls below 0.1 at {below(s)} with sigmoid and {below(t)} with tanh. Both start at "
            f"{s[0]:.4f} / {t[0]:.4f}.")


q8 = ThoughtExperiment(
    prompt="Sigmoid or tanh in the hidden layer?",
    vars=["xor_costs", "tanh_costs"],
    diagnose=compare_runs,
    hints=["Compare the two curves over the first 70 epochs, and the epoch at which each falls below 0.1."],
    solution="From the same initial weights both runs start at a cost of 0.707. With the sigmoid the cost hardly "
             "moves for a couple of hundred epochs (0.692 at epoch 70): it sits on a plateau near ln 2 = 0.693, "
             "where the network answers about 0.5 for every input, before it finds XOR (all four outputs right from "
             "epoch 269, cost below 0.1 from epoch 445). With tanh the cost drops at once (0.123 at epoch 70, below "
             "0.1 from epoch 78). tanh's outputs are centred on 0 and its slope at 0 is 1 instead of 0.25, so the "
             "gradients that reach the first layer are larger and the hidden units separate sooner. Both end near "
             "0: XOR needs the hidden layer, and either activation learns it. (The logbook calls this network a "
             "'time series forecasting model': it is a classifier of two binary inputs. Its starting costs, 0.732 "
             "and 0.771, differ because its spreadsheet's initial weights differ; with the same weights the two "
             "start together.)",
)

exercise = Exercise("nn_from_scratch.ex4", "Softmax and a hidden layer", [q1, q2, q3, q4, q5, q6, q7, q8])
exercise.export(globals())
