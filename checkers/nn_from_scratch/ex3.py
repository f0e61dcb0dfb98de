"""Exercise 3 of Neural networks from scratch: the perceptron for AND (UWL logbook, seed 003, week 2
spreadsheet and workshop 2a, in numpy).

Fixes from the seed (catalog section G): workshop 2a's ``BinaryCrossEntropy`` returns −BCE (a
"find the bug" question); the spreadsheet's W = 9.250 at epoch 1 is an OCR slip for 9.75; the
logbook answers "37 epochs" to "when is the cost below 0.09?" — the answer is epoch 52.
"""
import numpy as np

from learnkit.core import (Code, CodingProblem, EqualityProblem, Exercise, FunctionProblem, Incorrect, MultipleChoice,
                           Unattempted)
from learnkit.core.functions import Case, check_function, keys_compare
from learnkit.core.plot_facts import is_axes
from learnkit.numeric.trajectory import TrajectoryProblem, fmt

from checkers.nn_from_scratch import reference as ref

_rng = np.random.default_rng(3)
_X5 = _rng.normal(size=(2, 5))
_P6 = _rng.uniform(0.05, 0.95, size=(1, 6))
_Y6 = np.array([[1., 0., 0., 1., 1., 0.]])
_PARAMS = {"W": np.array([[0.7, -1.3]]), "b": np.array([[0.4]])}
_X3 = np.array([[1., -2., 0.5], [3., 0., -1.]])
_PARAMS3 = {"W": np.array([[-1., 2.]]), "b": np.array([[0.5]])}

# -- q_1: sigmoid ---------------------------------------------------------------------------------------
SIGMOID_CASES = [
    Case((0.0,)), Case((2.0,)), Case((-3.0,)), Case((-50.0,)),
    Case((np.array([[10., 20., 20., 30.]]),)),
    Case((np.array([[-1., 0., 1., 4.]]),)),
    Case((0.0,), {"derivative": True}),
    Case((np.array([[-2., 0.5, 3.]]),), {"derivative": True}),
    Case((1.0, True)),
]


def _sigmoid_sign(Z, derivative=False):
    s = 1 / (1 + np.exp(Z))
    return s * (1 - s) if derivative else s


def _sigmoid_no_flag(Z, derivative=False):
    return ref.sigmoid(Z)


def _sigmoid_slope_of_z(Z, derivative=False):
    return Z * (1 - Z) if derivative else ref.sigmoid(Z)


q1 = FunctionProblem(
    prompt="The sigmoid and its derivative",
    var="sigmoid",
    reference=ref.sigmoid,
    cases=SIGMOID_CASES,
    mistakes=[
        (_sigmoid_sign, "Your sigmoid is flipped: sigmoid(2) should be 0.881 (above 0.5 for a positive input). "
                        "Use `np.exp(-Z)`: `1 / (1 + np.exp(-Z))`."),
        (_sigmoid_no_flag, "With `derivative=True` your function should return the slope σ(Z)(1 − σ(Z)), not σ(Z) "
                           "itself: sigmoid(0, derivative=True) is 0.25."),
        (_sigmoid_slope_of_z, "The derivative is σ(Z)(1 − σ(Z)), computed from the *sigmoid of Z*, not Z(1 − Z)."),
    ],
    success="Correct! `sigmoid` works on numbers and arrays, with and without `derivative=True`.",
    hints=["σ(Z) = 1 / (1 + e^(−Z)); with numpy, `1 / (1 + np.exp(-Z))` works on numbers and arrays alike.",
           "For the derivative compute `sig = 1 / (1 + np.exp(-Z))` first and return `sig * (1 - sig)`."],
    solution=Code("""
def sigmoid(Z, derivative=False):
    sig = 1 / (1 + np.exp(-Z))
    if derivative:
        return sig * (1 - sig)
    return sig
"""),
)

# -- q_2: find the bug ------------------------------------------------------------------------------------
q2 = MultipleChoice(
    prompt="Find the bug in the workshop's BinaryCrossEntropy",
    var="answer_bce_bug",
    choices=[
        "Nothing: the cross-entropy of a good prediction is negative.",
        "It divides by the number of examples m; it should only sum.",
        "The minus signs inside the sum make it −[y·log p + (1 − y)·log(1 − p)], and the outer −(1/m) flips the "
        "sign once more: the function returns the NEGATIVE of the cross-entropy.",
        "`np.log` should be `np.log10`.",
    ],
    answer="c",
    explanations={
        "a": "Cross-entropy is never negative: log p ≤ 0 for a probability p, and the formula has a minus sign in "
             "front. −0.105 for a good prediction (p = 0.9 for y = 1) is a sign bug; the right value is +0.105.",
        "b": "Averaging over the m examples is right (the spreadsheet's cost is the mean over the 4 rows).",
        "c": "Correct! Inside the sum it computes −y·log p − (1 − y)·log(1 − p), which is already the loss; the "
             "outer −(1/m) turns it back into −BCE. Keep one minus sign: "
             "`-(1/m) * np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P))`. Minimising the buggy cost would "
             "push the predictions *away* from the targets.",
        "d": "Cross-entropy uses the natural logarithm (that is what makes its gradient P − Y so simple).",
    },
    hints=["Cross-entropy is −(1/m) Σ [y·log p + (1 − y)·log(1 − p)] and log p ≤ 0: can it ever be negative? "
           "Count the minus signs in the workshop's code."],
    solution="(c) It returns −BCE: the inner minus signs already make the loss positive and the outer −(1/m) "
             "flips it back. Correct: `-(1/m) * np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P))`.",
)

# -- q_3: binary cross-entropy ------------------------------------------------------------------------------
BCE_CASES = [
    Case((np.array([[1.]]), np.array([[0.9]]))),
    Case((ref.AND_Y, np.array([[0.1, 0.2, 0.3, 0.8]]))),
    Case((ref.AND_Y, ref.sigmoid(np.array([[10., 20., 20., 30.]]))),
         shown="binary_cross_entropy(Y_train, sigmoid([[10, 20, 20, 30]]))"),
    Case((_Y6, _P6)),
]


def _bce_sum(Y, P):
    return -np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P))


q3 = FunctionProblem(
    prompt="Binary cross-entropy",
    var="binary_cross_entropy",
    reference=ref.binary_cross_entropy,
    cases=BCE_CASES,
    mistakes=[
        (ref.seed_binary_cross_entropy, "Your function returns the negative of the cross-entropy: this is the "
                                        "workshop's sign bug (question 2). Keep a single minus sign."),
        (_bce_sum, "Average over the examples: divide the sum by m = `Y.shape[1]`, the number of columns "
                   "(`Y.shape[0]` is 1)."),
        (lambda Y, P: -np.mean(Y * np.log(P)), "Add the term for the examples whose label is 0: "
                                               "`(1 - Y) * np.log(1 - P)`."),
        (lambda Y, P: -np.mean(Y * np.log10(P) + (1 - Y) * np.log10(1 - P)), "Use the natural logarithm `np.log`, "
                                                                             "not `np.log10`."),
    ],
    success="Correct! For the spreadsheet's first epoch (w1 = w2 = b = 10) the cost is 12.50001.",
    hints=["BCE = −(1/m) Σ [y·log p + (1 − y)·log(1 − p)], with m = `Y.shape[1]` examples (one per column).",
           "`-(1 / m) * np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P))`"],
    solution=Code("""
def binary_cross_entropy(Y, P):
    m = Y.shape[1]
    cost = -(1 / m) * np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P))
    return cost
"""),
)

# -- q_4: one step of gradient descent --------------------------------------------------------------------
SHOW_INIT = "{'W': [[10, 10]], 'b': [[10]]}"
FF_CASES = [Case((ref.AND_X, ref.AND_INIT), shown=f"feed_forward(X_train, {SHOW_INIT})"),
            Case((_X5, _PARAMS)), Case((_X3, _PARAMS3))]
BP_CASES = [Case((ref.AND_X, ref.AND_Y, ref.feed_forward(ref.AND_X, ref.AND_INIT)),
                 shown=f"back_propagate(X_train, Y_train, feed_forward(X_train, {SHOW_INIT}))"),
            Case((_X5, np.array([[1., 0., 1., 1., 0.]]), ref.feed_forward(_X5, _PARAMS))),
            Case((_X3, np.array([[0., 1., 1.]]), ref.feed_forward(_X3, _PARAMS3)))]
UP_CASES = [Case((ref.AND_INIT, {"dW": np.array([[0.25, 0.25]]), "db": np.array([[0.75]])}, 1),
                 shown=f"update_parameters({SHOW_INIT}, {{'dW': [[0.25, 0.25]], 'db': [[0.75]]}}, 1)"),
            Case((_PARAMS, {"dW": np.array([[0.1, -0.2]]), "db": np.array([[0.05]])}, 0.5)),
            Case((_PARAMS3, {"dW": np.array([[0.3, 0.4]]), "db": np.array([[-0.2]])}, 2))]


def _ff_no_bias(X, params):
    Z = params["W"] @ X
    return {"Z": Z, "A": ref.sigmoid(Z)}


def _ff_no_sigmoid(X, params):
    Z = params["W"] @ X + params["b"]
    return {"Z": Z, "A": Z}


def _bp_no_mean(X, Y, cache):
    return {k: v * X.shape[1] for k, v in ref.back_propagate(X, Y, cache).items()}


def _bp_sign(X, Y, cache):
    return {k: -v for k, v in ref.back_propagate(X, Y, cache).items()}


def _up_plus(params, grads, learning_rate):
    return {"W": params["W"] + learning_rate * grads["dW"], "b": params["b"] + learning_rate * grads["db"]}


def _up_no_lr(params, grads, learning_rate):
    return {"W": params["W"] - grads["dW"], "b": params["b"] - grads["db"]}


def check_step(feed_forward, back_propagate, update_parameters):
    n = check_function(feed_forward, "feed_forward", ref.feed_forward, FF_CASES, compare=keys_compare(["Z", "A"]),
                       mistakes=[(_ff_no_bias, "Add the bias: `Z = np.dot(params['W'], X) + params['b']`."),
                                 (_ff_no_sigmoid, "`A` is the sigmoid of `Z`: `cache['A'] = sigmoid(cache['Z'])`.")])
    n += check_function(back_propagate, "back_propagate", ref.back_propagate, BP_CASES,
                        compare=keys_compare(["dW", "db"], same_size=True),
                        mistakes=[(_bp_no_mean, "Average the gradients over the m examples: "
                                                "`dZ = (1 / m) * (P - Y)` with `m = X.shape[1]`."),
                                  (_bp_sign, "The gradient of the cross-entropy with respect to Z is P − Y (then "
                                             "divided by m), not Y − P: with Y − P every update would climb the "
                                             "cost.")])
    n += check_function(update_parameters, "update_parameters", ref.update_parameters, UP_CASES,
                        compare=keys_compare(["W", "b"]), pure=True,
                        mistakes=[(_up_plus, "Gradient descent subtracts: `W = params['W'] - learning_rate * "
                                             "grads['dW']`."),
                                  (_up_no_lr, "Multiply the gradients by `learning_rate` before subtracting them.")])
    return (f"Correct! Your three functions work on {n} hidden inputs. At the first epoch (w1 = w2 = b = 10), "
            "dW = [0.25, 0.25] and db = 0.75, so W' = 9.75 and b' = 9.25: the spreadsheet's 'W = 9.250' at "
            "epoch 1 is an OCR slip for 9.75.")


q4 = CodingProblem(
    prompt="One step of gradient descent: feed_forward, back_propagate, update_parameters",
    vars=["feed_forward", "back_propagate", "update_parameters"],
    check=check_step,
    hints=["`feed_forward`: Z = W·X + b with `np.dot(params['W'], X) + params['b']`, A = sigmoid(Z); return both "
           "in a dict. `back_propagate`: dZ = (P − Y)/m, dW = dZ·Xᵀ, db = the sum of dZ over the examples.",
           "`update_parameters` returns a NEW dict: `{'W': params['W'] - learning_rate * grads['dW'], "
           "'b': params['b'] - learning_rate * grads['db']}`."],
    solution=Code("""
def feed_forward(X, params):
    cache = {}
    cache["Z"] = np.dot(params["W"], X) + params["b"]
    cache["A"] = sigmoid(cache["Z"])
    return cache

def back_propagate(X, Y, cache):
    m = X.shape[1]
    P = cache["A"]
    dZ = (1 / m) * (P - Y)
    dW = np.dot(dZ, X.T)
    db = np.sum(dZ, axis=1, keepdims=True)
    return {"dW": dW, "db": db}

def update_parameters(params, grads, learning_rate):
    W = params["W"] - learning_rate * grads["dW"]
    b = params["b"] - learning_rate * grads["db"]
    return {"W": W, "b": b}
"""),
)

# -- q_5: the cost trajectory ------------------------------------------------------------------------------
q5 = TrajectoryProblem(
    prompt="Train for 70 epochs: the cost at every epoch",
    var="costs",
    reference=lambda: ref.and_costs(71),
    decreasing=True,
    mistakes=[
        (lambda: [-c for c in ref.and_costs(71)],
         "Your costs are negative: they come from a cross-entropy with the workshop's sign bug. Use your "
         "`binary_cross_entropy`."),
        (lambda: ref.and_costs(71, after_update=True),
         "Your first cost is 11.81253, the cost *after* the first update. Append the cost of each epoch before "
         "updating the weights: epoch 0 is the cost of the initial weights (12.50001), as in the spreadsheet."),
        (lambda: ref.and_costs(71, init="zeros"),
         "You started from zero weights (workshop 2a). This question starts like the spreadsheet, from "
         "w1 = w2 = b = 10."),
    ],
    success="Correct! Your costs match the spreadsheet (12.50001, 11.81253, 11.12508, …) and reach 0.08254 at "
            "epoch 70.",
    hints=["Start from `params = {'W': np.array([[10., 10.]]), 'b': np.array([[10.]])}` and run 71 epochs "
           "(0 to 70). In each: forward pass, append the cost, backward pass, update.",
           "`cache = feed_forward(X_train, params)`, `costs.append(binary_cross_entropy(Y_train, cache['A']))`, "
           "`grads = back_propagate(X_train, Y_train, cache)`, "
           "`params = update_parameters(params, grads, learning_rate)`."],
    solution=Code("""
params = {"W": np.array([[10., 10.]]), "b": np.array([[10.]])}
learning_rate = 1
costs = []
for epoch in range(71):
    cache = feed_forward(X_train, params)
    costs.append(binary_cross_entropy(Y_train, cache["A"]))
    grads = back_propagate(X_train, Y_train, cache)
    params = update_parameters(params, grads, learning_rate)
"""),
)

# -- q_6: when is the cost below 0.09? -------------------------------------------------------------------
q6 = EqualityProblem(
    prompt="After how many epochs is the cost below 0.09?",
    expected={"first_epoch_below_009": 52},
    mistakes={"first_epoch_below_009": [
        (37, "37 is the logbook's answer, and it is wrong: around epochs 36–37 the cost only drops below 0.1 "
             "(0.0993, 0.0982), and 0.099 is not below 0.09. Look further down `costs`."),
        (36, "Epoch 36 is where the cost first drops below 0.1 (0.09929). Below 0.09 comes later."),
        (53, "Count the epochs from 0, like the spreadsheet: `costs[e]` is the cost at epoch e, so the answer is "
             "the first index e with `costs[e] < 0.09`."),
        (51, "At epoch 51 the cost is 0.09013, still just above 0.09."),
    ]},
    success="Correct! The cost first drops below 0.09 at epoch 52 (0.08969; epoch 51 is 0.09013).",
    hints=["Find the first index e with `costs[e] < 0.09`.",
           "`int(np.argmax(np.array(costs) < 0.09))`, or a loop that stops at the first such epoch."],
    solution=Code("first_epoch_below_009 = int(np.argmax(np.array(costs) < 0.09))   # 52"),
)

# -- q_7: what is wrong with "37"? ----------------------------------------------------------------------
q7 = MultipleChoice(
    prompt="What is wrong with the logbook's answer?",
    var="answer_logbook",
    choices=[
        "Nothing: by epoch 37 the cost is 0.099, which is below 0.09.",
        "0.099 is not below 0.09: around epochs 36–37 the cost only drops below 0.1; it first drops below 0.09 at "
        "epoch 52. And a falling cost here is not overfitting: the four rows are the whole AND function.",
        "The logbook counts epochs from 1, so its 37 is our 52.",
        "The cost can never go below 0.09, because the sigmoid never reaches exactly 0 or 1.",
    ],
    answer="b",
    explanations={
        "a": "Compare the numbers: 0.099 > 0.09.",
        "b": "Correct! The logbook stopped when the cost passed 0.1 and misread 0.099 as 'below 0.09'. The cost "
             "keeps falling and passes 0.09 at epoch 52. Its worry about overfitting is misplaced: there is no "
             "unseen data, the four rows are all of AND, and a lower cost simply means more confident outputs.",
        "c": "Counting from 1 would shift the answer by one epoch (53), not by 15.",
        "d": "The cost never reaches 0, but it gets as close as you like: it passes 0.09 at epoch 52 and is "
             "0.08254 at epoch 70.",
    },
    hints=["Compare 0.099 with 0.09, and look at `costs[36]`, `costs[37]` and `costs[52]`."],
    solution="(b) 0.099 is not below 0.09; the cost first drops below 0.09 at epoch 52, and a falling training "
             "cost on the four AND rows is not overfitting.",
)


# -- q_8: the plot ----------------------------------------------------------------------------------------
def check_plot(ax):
    if isinstance(ax, list) and ax and type(ax[0]).__name__ == "Line2D":
        raise Incorrect("`ax` holds the list of lines that `plt.plot` returns. Create the axes with "
                        "`fig, ax = plt.subplots()` and draw on them with `ax.plot(...)`.")
    if not is_axes(ax):
        raise Incorrect(f"`ax` should be the matplotlib axes you plot on (`fig, ax = plt.subplots()`); it is "
                        f"{type(ax).__name__}.", attempt=False)   # `ax` may belong to another plot
    lines = ax.get_lines()
    if not lines:
        raise Unattempted("Nothing is plotted on `ax` yet: plot `costs` with `ax.plot(...)`.")
    want = np.array(ref.and_costs(71))
    for line in lines:
        y = np.asarray(line.get_ydata(), dtype=float)
        if y.shape == want.shape and np.allclose(y, want, rtol=1e-5):
            x = np.asarray(line.get_xdata(), dtype=float)
            if not np.allclose(x, np.arange(71)):
                raise Incorrect("Plot the costs against the epoch numbers 0 to 70: `ax.plot(costs)` or "
                                "`ax.plot(range(len(costs)), costs)`.")
            break
    else:
        raise Incorrect(f"None of the {len(lines)} line(s) on `ax` is the cost per epoch: plot the 71 values of "
                        f"`costs` (from {fmt(want[0])} at epoch 0 to {fmt(want[-1])} at epoch 70).",
                        attempt=False)   # the lines may be another plot's
    if not ax.get_xlabel().strip() or not ax.get_ylabel().strip():
        raise Incorrect("Label both axes, e.g. `ax.set_xlabel('epoch')` and `ax.set_ylabel('cost')`.")
    return "Correct! The cost falls steadily (about 0.69 per epoch at first), then flattens out below 0.1."


q8 = CodingProblem(
    prompt="Plot the cost at every epoch",
    vars=["ax"],
    check=check_plot,
    hints=["`ax.plot(costs)` plots each cost against its index, the epoch number.",
           "Then `ax.set_xlabel('epoch')`, `ax.set_ylabel('cost')`."],
    solution=Code("""
fig, ax = plt.subplots()
ax.plot(costs)
ax.set_xlabel('epoch')
ax.set_ylabel('cost')
ax.set_title('AND perceptron, w1 = w2 = b = 10, learning rate 1')
"""),
)

exercise = Exercise("nn_from_scratch.ex3", "The perceptron for AND", [q1, q2, q3, q4, q5, q6, q7, q8])
exercise.export(globals())
