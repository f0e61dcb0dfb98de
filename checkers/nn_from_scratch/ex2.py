"""Exercise 2 of Neural networks from scratch: errors, slopes and gradient descent (DataCamp memo,
seed 004, DC-2.1 … 2.4).

Fixes from the seed (catalog section G): DC-2.1b's written formula changes the wrong weight;
DC-2.2b and 2.2c use opposite error signs, so the prompts pin them (``residual = target − preds``
in q_6, ``error = preds − target`` from q_7 on); any single weight change that makes the
prediction exactly 3 is accepted in q_3, not only the seed's.
"""
import numpy as np

from learnkit.core import Code, CodingProblem, EqualityProblem, Exercise, Incorrect, MultipleChoice
from learnkit.core.compare import mismatch, short_repr
from learnkit.numeric.trajectory import TrajectoryProblem

from checkers.nn_from_scratch import reference as ref

# -- q_1: the error of the pictured network ---------------------------------------------------------
q1 = EqualityProblem(
    prompt="Calculating model errors",
    expected={"model_error": 11},
    mistakes={"model_error": [
        (-11, "The error is *predicted − actual* in this question: 16 − 5 = 11, not 5 − 16."),
        (16, "16 is the prediction. The error is the prediction minus the target: 16 − 5."),
        (121, "121 is the *squared* error. The question asks for the error itself, predicted − actual."),
    ]},
    success="Correct! The network predicts (3·2 + 2·1)·2 + (3·0 + 2·0)·2 = 16, so the error is 16 − 5 = 11.",
    hints=["Compute the two hidden nodes, then the output: node 0 = 3·2 + 2·1, node 1 = 3·0 + 2·0.",
           "prediction = 8·2 + 0·2 = 16; error = prediction − target."],
    solution="prediction = (3·2 + 2·1)·2 + (3·0 + 2·0)·2 = 16, error = 16 − 5 = 11: `model_error = 11`",
)

# -- q_2: a small weight change (DC-2.1b) ----------------------------------------------------------
q2 = MultipleChoice(
    prompt="Understanding how weight changes affect accuracy",
    var="answer_weight_change",
    choices=["More accurate", "Less accurate", "Stay the same"],
    answer="b",
    explanations={
        "a": "Work it out: node 0 is 3·2 + 2·1 = 8, so the prediction grows from 16 to 8·2.01 = 16.08 while "
             "the target is 7.",
        "b": "Correct! node 0 is 3·2 + 2·1 = 8, so the prediction grows from 16 to 8·2.01 + 0 = 16.08 and the "
             "error from 9 to 9.08: the prediction was already too high. (The memo writes (3·2.01 + 2·1)·2, which "
             "changes the weight from input 0 into node 0 instead: that gives 16.06, not 9.08.)",
        "c": "The output depends on this weight: node 0's value (8) times the weight.",
    },
    hints=["node 0's value is 3·2 + 2·1 = 8 and node 1's is 0: how much does the prediction change when the "
           "weight from node 0 goes from 2 to 2.01? Is the prediction already above or below the target 7?"],
    solution="(b) Less accurate: the prediction rises from 16 to 8·2.01 = 16.08, so the error rises from 9 to 9.08.",
)


# -- q_3: one weight change for a perfect prediction (DC-2.1c) ----------------------------------------
def _single_changes(weights_1):
    """[(key, index, old, new)] for every number of ``weights_1`` that differs from ``weights_0``."""
    if not isinstance(weights_1, dict) or set(weights_1) != set(ref.WEIGHTS_0):
        raise Incorrect("`weights_1` should be a dict with the keys 'node_0', 'node_1' and 'output', like "
                        f"`weights_0`; yours is {short_repr(weights_1)}.")
    changes = []
    for key, old in ref.WEIGHTS_0.items():
        try:
            new = np.asarray(weights_1[key], dtype=float)
        except (TypeError, ValueError):
            raise Incorrect(f"`weights_1['{key}']` should hold two numbers; it is {short_repr(weights_1[key])}.")
        if new.shape != (2,):
            raise Incorrect(f"`weights_1['{key}']` should hold two numbers, like `weights_0['{key}']`.")
        changes += [(key, i, old[i], float(new[i])) for i in range(2) if new[i] != old[i]]
    return changes


def _show(x):
    return f"{x:g}"


def check_single_change(error_0, weights_1, error_1):
    why = mismatch(error_0, 6, name="`error_0`")
    if why:
        if mismatch(error_0, -6) is None:
            raise Incorrect("`error_0` has the wrong sign: the error is `model_output_0 - target_actual` = 9 − 3 = 6.")
        raise Incorrect(why + " `error_0 = model_output_0 - target_actual`.")
    changes = _single_changes(weights_1)
    if not changes:
        raise Incorrect("`weights_1` is still the same as `weights_0`: change one of its numbers so that the "
                        "network predicts exactly 3.")
    if len(changes) > 1:
        listed = ", ".join(f"{k}[{i}] ({_show(old)} → {_show(new)})" for k, i, old, new in changes)
        raise Incorrect(f"You changed {len(changes)} numbers: {listed}. Change a single weight.")
    key, i, old, new = changes[0]
    prediction = ref.predict_with_network(ref.SINGLE_INPUT, ref.as_weights(weights_1))
    if abs(prediction - ref.TARGET_ACTUAL) > 1e-9:
        extra = " The first input is 0, so the first weight of node 0 and of node 1 do not matter." \
            if i == 0 and key != "output" else ""
        raise Incorrect(f"With `{key}[{i}]` = {_show(new)} the network predicts {_show(prediction)}, not 3.{extra}")
    why = mismatch(error_1, 0, name="`error_1`")
    if why:
        raise Incorrect(why + " `error_1 = model_output_1 - target_actual`, with `model_output_1` from `weights_1`.")
    return (f"Correct! Changing `{key}[{i}]` from {_show(old)} to {_show(new)} makes the prediction exactly 3. "
            "Other single changes work too: 'output' [1, 0] (the seed's), 'output' [-1, 1], or any "
            "'node_1' [1, w] with w ≤ 0.")


q3 = CodingProblem(
    prompt="Coding how weight changes affect accuracy",
    vars=["error_0", "weights_1", "error_1"],
    check=check_single_change,
    hints=["With input [0, 3], node 0 = relu(3·1) = 3 and node 1 = relu(3·2) = 6; the output is 3·1 + 6·1 = 9.",
           "To get 3 you can silence node 1 (make its second weight 0) or change one output weight, e.g. "
           "`'output': [1, 0]`."],
    solution=Code("""
error_0 = model_output_0 - target_actual
weights_1 = {'node_0': [2, 1],
             'node_1': [1, 2],
             'output': [1, 0]}
model_output_1 = predict_with_network(input_data, weights_1)
error_1 = model_output_1 - target_actual
"""),
)

# -- q_4: mean squared error on several points (DC-2.1d) -------------------------------------------
q4 = EqualityProblem(
    prompt="Scaling up to multiple data points",
    expected={"predictions_0": [9, 9, 0, 12], "predictions_alt": [9.75, 10, 0, 14],
              "mse_0": 37.5, "mse_alt": 49.890625},
    starters={"predictions_0": []},
    mistakes={
        "mse_0": [(6.0, "6 is the mean *absolute* error. Square each error before averaging."),
                  (150.0, "150 is the *sum* of the squared errors; divide by the number of points (4)."),
                  (37.5 ** 0.5, "That is the root of the mean squared error; don't take the square root.")],
        "mse_alt": [(6.9375, "That is the mean *absolute* error. Square each error before averaging."),
                    (199.5625, "That is the *sum* of the squared errors; divide by the number of points (4)."),
                    (49.890625 ** 0.5, "That is the root of the mean squared error; don't take the square root.")],
    },
    success="Correct! `weights_alt` has the higher mean squared error (49.890625 against 37.5).",
    hints=["Append `predict_with_network(row, weights_0)` and `predict_with_network(row, weights_alt)` for each "
           "row, then compare with `target_actuals`.",
           "`mse_0 = np.mean((np.array(target_actuals) - np.array(predictions_0)) ** 2)`."],
    solution=Code("""
predictions_0 = []
predictions_alt = []
for row in input_rows:
    predictions_0.append(predict_with_network(row, weights_0))
    predictions_alt.append(predict_with_network(row, weights_alt))

mse_0 = np.mean((np.array(target_actuals) - np.array(predictions_0)) ** 2)
mse_alt = np.mean((np.array(target_actuals) - np.array(predictions_alt)) ** 2)
"""),
)

# -- q_5: one gradient-descent step on one weight (slide) ----------------------------------------------
q5 = EqualityProblem(
    prompt="A gradient descent step",
    expected={"new_weight": 2.24},
    mistakes={"new_weight": [
        (1.76, "You moved uphill: gradient descent *subtracts* slope × learning rate, 2 − (−24)·0.01."),
        (26, "Multiply the slope by the learning rate (0.01) before subtracting it: 2 − (−24)·0.01."),
        (0.24, "0.24 is the change of the weight; add it to the old weight 2."),
        (-22, "Multiply the slope by the learning rate (0.01), and subtract: 2 − (−24)·0.01."),
    ]},
    success="Correct! 2 − (−24)·0.01 = 2.24: the slope is negative, so the weight goes up.",
    hints=["new weight = old weight − learning rate × slope."],
    solution="2 − (−24)·0.01 = 2.24: `new_weight = 2.24`",
)

# -- q_6: slope with the residual convention (DC-2.2b) -------------------------------------------------
q6 = EqualityProblem(
    prompt="Calculating slopes (residual = target − preds)",
    expected={"preds": 7, "residual": -7, "slope": np.array([-14, -28, -42])},
    mistakes={
        "residual": [(7, "This question uses the convention of DataCamp's 'Calculating slopes': "
                         "`residual = target - preds` (actual minus predicted) = 0 − 7 = −7. "
                         "7 is preds − target, the convention of the next question.")],
        "slope": [(np.array([14, 28, 42]), "That is 2·x·(preds − target). This question pins the residual "
                                           "convention: `slope = 2 * input_data * residual` with "
                                           "`residual = target - preds`, which gives [−14, −28, −42]."),
                  (np.array([-7, -14, -21]), "The slope of the squared error has a factor 2: "
                                             "`2 * input_data * residual`."),
                  (np.array([-2, -4, -6]), "Multiply by the residual (−7): `slope = 2 * input_data * residual`.")],
    },
    success="Correct! slope = 2·[1, 2, 3]·(−7) = [−14, −28, −42]. With the residual convention it points "
            "*downhill* (it is minus the gradient of the squared error), so you would add it to the weights.",
    hints=["preds is the weighted sum of the inputs; residual = target − preds.",
           "`slope = 2 * input_data * residual`"],
    solution=Code("""
preds = (weights * input_data).sum()
residual = target - preds
slope = 2 * input_data * residual
"""),
)

# -- q_7: improving the weights (DC-2.2c) ---------------------------------------------------------------
q7 = EqualityProblem(
    prompt="Improving model weights (error = preds − target)",
    expected={"error": 7, "gradient": np.array([14, 28, 42]), "weights_updated": np.array([-0.14, 1.72, 0.58]),
              "error_updated": 5.04},
    mistakes={
        "error": [(-7, "From this question on, `error = preds - target` (predicted minus actual) = 7.")],
        "gradient": [(np.array([-14, -28, -42]), "With `error = preds - target` the gradient is "
                                                 "`2 * input_data * error` = [14, 28, 42].")],
        "weights_updated": [
            (np.array([0.14, 2.28, 1.42]), "You moved uphill: subtract the gradient, "
                                           "`weights - learning_rate * gradient`."),
            (np.array([-14, -26, -41]), "Multiply the gradient by `learning_rate` (0.01) before subtracting it."),
        ],
        "error_updated": [(8.96, "That error comes from weights moved uphill; subtract the gradient."),
                          (-5.04, "Keep the sign convention: `error_updated = preds_updated - target`.")],
    },
    success="Correct! The error goes down from 7 to 5.04: updating the weights did decrease the error.",
    hints=["`gradient = 2 * input_data * error`, then `weights_updated = weights - learning_rate * gradient`.",
           "`preds_updated = (weights_updated * input_data).sum()` and `error_updated = preds_updated - target`."],
    solution=Code("""
learning_rate = 0.01
preds = (weights * input_data).sum()
error = preds - target
gradient = 2 * input_data * error
weights_updated = weights - learning_rate * gradient
preds_updated = (weights_updated * input_data).sum()
error_updated = preds_updated - target
"""),
)

# -- q_8: twenty updates (DC-2.2d) --------------------------------------------------------------------------
q8 = TrajectoryProblem(
    prompt="Making multiple updates to weights",
    var="mse_hist",
    reference=lambda: ref.mse_history(20),
    start=1,
    label="update",
    decreasing=True,
    mistakes=[
        (lambda: ref.mse_history(20, after_update=False),
         "Your first value is 49, the mean squared error *before* the first update. Compute `mse` after "
         "updating the weights, so that `mse_hist[0]` is 25.4016."),
        (lambda: ref.mse_history(40)[20:],
         "Your `mse_hist` continues where an earlier run stopped: `weights` had already been updated 20 times. "
         "Reset `weights = np.array([0, 2, 1])` (run the cell above) and run the loop once."),
        (lambda: ref.mse_history(60)[40:],
         "Your `mse_hist` continues where earlier runs stopped: `weights` had already been updated. Reset "
         "`weights = np.array([0, 2, 1])` (run the cell above) and run the loop once."),
    ],
    success="Correct! The mean squared error falls at every update, from 25.4016 to 9.6e-05: each step "
            "multiplies the error by 0.72.",
    hints=["In the loop: `grad = get_gradient(input_data, target, weights)`, then "
           "`weights = weights - 0.01 * grad`, then `mse = get_mse(input_data, target, weights)`.",
           "Append the mse computed *after* the update; 20 updates give 20 values."],
    solution=Code("""
n_updates = 20
mse_hist = []
for i in range(n_updates):
    grad = get_gradient(input_data, target, weights)
    weights = weights - 0.01 * grad
    mse = get_mse(input_data, target, weights)
    mse_hist.append(mse)
"""),
)

# -- q_9: zero errors (DC-2.3b) ---------------------------------------------------------------------------
q9 = MultipleChoice(
    prompt="Thinking about backward propagation",
    var="answer_zero_errors",
    choices=["All the weight updates are 0.",
             "Every weight changes by the learning rate.",
             "Only the weights of the output layer change.",
             "The weights change randomly."],
    answer="a",
    explanations={
        "a": "Correct! If every error is 0, the slope of the loss with respect to the predictions is 0, and "
             "backpropagation multiplies every gradient by it: all updates are 0.",
        "b": "An update is learning rate × gradient, and every gradient contains the error as a factor.",
        "c": "The hidden layers' gradients are also products that contain the (zero) error.",
        "d": "Gradient descent is deterministic: no error, no update.",
    },
    solution="(a) If your predictions were all exactly right, the slope of the loss with respect to the "
             "predictions would be 0, and so would every weight update.",
)


# -- q_10: a gradient in backprop (DC-2.4) -------------------------------------------------------------------
q10 = EqualityProblem(
    prompt="A round of backpropagation",
    expected={"gradient_a": 6, "gradient_b": 0},
    mistakes={
        "gradient_a": [(5, "Multiply, don't add: gradient = input value × slope × ReLU slope = 2·3·1."),
                       (12, "No extra factor 2 here: the 2 of `2 * input * error` is already inside the "
                            "slope 3. gradient = 2·3·1."),
                       (0, "Node B's input was positive, so the ReLU slope is 1, not 0.")],
        "gradient_b": [(6, "Node B's input was negative: ReLU is flat there, its slope is 0, so no gradient "
                           "flows back through B: 2·3·0 = 0.")],
    },
    success="Correct! gradient = value of the node the weight comes from × slope at the node it goes into × "
            "ReLU slope: 2·3·1 = 6, and 2·3·0 = 0 when the ReLU was off.",
    hints=["gradient = input value (forward pass) × slope (backprop) × slope of the activation.",
           "ReLU's slope is 1 for a positive input and 0 for a negative one."],
    solution="`gradient_a = 2 * 3 * 1` = 6 and `gradient_b = 2 * 3 * 0` = 0.",
)

exercise = Exercise("nn_from_scratch.ex2", "Errors, slopes and gradient descent",
                    [q1, q2, q3, q4, q5, q6, q7, q8, q9, q10])
exercise.export(globals())
