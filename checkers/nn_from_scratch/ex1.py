"""Exercise 1 of Neural networks from scratch: forward propagation (DataCamp memo, seed 004, DC-1.2 … 1.4d).

Values are compared with the seed's printed numbers (−39, 52, [52, 63, 0, 148], 182); every
function is also run on hidden rows and weights, so a hard-coded number does not pass.
"""
import numpy as np

from learnkit.core import Code, CodingProblem, EqualityProblem, Exercise, FunctionProblem, Incorrect, MultipleChoice
from learnkit.core.compare import mismatch
from learnkit.core.functions import Case, check_function

from checkers.nn_from_scratch import reference as ref

# -- hidden inputs ----------------------------------------------------------------------------
RELU_CASES = [3, -3, 0, 0.0, 2.5, -0.5, np.float64(-1.5), np.int64(7), np.float32(0.25), -1e-9, 1e6]

HIDDEN_WEIGHTS = [
    {"node_0": np.array([1, -2]), "node_1": np.array([-3, 1]), "output": np.array([-1, 2])},
    {"node_0": np.array([0.5, 1.5]), "node_1": np.array([2., 2.]), "output": np.array([1., -3.])},
]
HIDDEN_ROWS = [np.array([2, 1]), np.array([-1, 4]), np.array([0.5, -2.]), np.array([3, 3])]


def _shown(name, row, label):
    return f"{name}({np.array2string(np.asarray(row), separator=', ')}, {label})"


def _show_weights(w):
    return "{" + ", ".join(f"'{k}': {list(np.asarray(v).tolist())}" for k, v in w.items()) + "}"


PREDICT_CASES = [Case((row, ref.WEIGHTS), shown=_shown("predict_with_network", row, "weights"))
                 for row in ref.INPUT_ROWS] + \
                [Case((row, w), shown=_shown("predict_with_network", row, _show_weights(w)))
                 for w in HIDDEN_WEIGHTS for row in HIDDEN_ROWS]

HIDDEN_DEEP_WEIGHTS = [
    {"node_0_0": np.array([1, -1]), "node_0_1": np.array([2, 1]), "node_1_0": np.array([1, -2]),
     "node_1_1": np.array([-1, 1]), "output": np.array([3, -2])},
    {"node_0_0": np.array([0.5, 2.]), "node_0_1": np.array([-1., 1.]), "node_1_0": np.array([2., 1.]),
     "node_1_1": np.array([1., -1.]), "output": np.array([-1., 4.])},
]
DEEP_CASES = [Case((ref.INPUT_DATA, ref.DEEP_WEIGHTS),
                   shown=_shown("predict_with_deep_network", ref.INPUT_DATA, "deep_weights"))] + \
             [Case((row, w), shown=_shown("predict_with_deep_network", row, _show_weights(w)))
              for w in HIDDEN_DEEP_WEIGHTS for row in [np.array([2, 1]), np.array([-1, 3]), np.array([4, -2])]]


# -- q_1: node values without activation ------------------------------------------------------------
q1 = EqualityProblem(
    prompt="Forward propagation: node values and output",
    expected={"node_0_value": 26, "node_1_value": -13, "hidden_layer_outputs": np.array([26, -13]), "output": -39},
    mistakes={
        "node_0_value": [(6, "`node_0_value` is the *sum* of the products: `(input_data * weights['node_0']).sum()` "
                             "= 3·2 + 5·4 = 26.")],
        "node_1_value": [(0, "There is no activation function yet in this question: `node_1_value` is the plain "
                             "weighted sum 3·4 + 5·(−5) = −13.")],
        "output": [(39, "`output` has the wrong sign: it is 26·2 + (−13)·7 = 52 − 91 = −39."),
                   (52, "52 is what you get with ReLU on the hidden nodes (next question). Here there is no "
                        "activation: `output = (hidden_layer_outputs * weights['output']).sum()` = −39.")],
    },
    success="Correct! The network predicts −39 transactions — a negative count, which the next question fixes.",
    hints=["Multiply `input_data` by a node's weights element-wise and `.sum()` the products.",
           "`node_0_value = (input_data * weights['node_0']).sum()`; the output is the same operation on "
           "`hidden_layer_outputs` with `weights['output']`."],
    solution=Code("""
node_0_value = (input_data * weights['node_0']).sum()
node_1_value = (input_data * weights['node_1']).sum()
hidden_layer_outputs = np.array([node_0_value, node_1_value])
output = (hidden_layer_outputs * weights['output']).sum()
"""),
)

# -- q_2: relu ----------------------------------------------------------------------------------------
q2 = FunctionProblem(
    prompt="The rectified linear activation function",
    var="relu",
    reference=ref.relu,
    cases=RELU_CASES,
    mistakes=[
        (abs, "`relu` must turn negative inputs into 0, not into positive numbers: you returned the absolute value."),
        (lambda x: min(x, 0), "You kept the negative part (`min`): ReLU keeps positive inputs and returns 0 "
                              "for negative ones, `max(input, 0)`."),
        (lambda x: max(-x, 0), "Your `relu` flips the sign: relu(3) should be 3 and relu(−3) should be 0."),
        (lambda x: 1 if x > 0 else 0, "You returned the *slope* of ReLU (1 or 0); ReLU itself returns the input "
                                      "when it is positive."),
    ],
    success="Correct! `relu` works on negatives, zero, floats and numpy scalars.",
    hints=["ReLU returns 0 for a negative input and the input itself otherwise.",
           "`return max(input, 0)`"],
    solution=Code("""
def relu(input):
    '''Define your relu activation function here'''
    output = max(input, 0)
    return output
"""),
)

# -- q_3: the network with ReLU ------------------------------------------------------------------
q3 = EqualityProblem(
    prompt="Forward propagation with ReLU in the hidden layer",
    expected={"node_0_output": 26, "node_1_output": 0, "model_output": 52},
    mistakes={
        "node_1_output": [(-13, "`node_1_output` should go through `relu`: relu(−13) = 0.")],
        "model_output": [(-39, "Apply `relu` to each hidden node's input: with node 1 = relu(−13) = 0 the "
                               "output becomes 26·2 + 0·7 = 52.")],
    },
    success="Correct! You predicted 52 transactions. Without the activation function you would have predicted "
            "a negative number!",
    hints=["`node_0_output = relu(node_0_input)` and the same for node 1; do not apply `relu` to the output here.",
           "`model_output = (hidden_relu_outputs * weights['output']).sum()` with "
           "`hidden_relu_outputs = np.array([node_0_output, node_1_output])`."],
    solution=Code("""
node_0_input = (input_data * weights['node_0']).sum()
node_0_output = relu(node_0_input)
node_1_input = (input_data * weights['node_1']).sum()
node_1_output = relu(node_1_input)
hidden_relu_outputs = np.array([node_0_output, node_1_output])
model_output = (hidden_relu_outputs * weights['output']).sum()
"""),
)


# -- q_4: many rows ----------------------------------------------------------------------------
def _no_output_relu(row, weights):
    hidden = np.array([ref.node(row, weights["node_0"]), ref.node(row, weights["node_1"])])
    return (hidden * weights["output"]).sum()


def _no_hidden_relu(row, weights):
    hidden = np.array([(row * weights["node_0"]).sum(), (row * weights["node_1"]).sum()])
    return ref.relu((hidden * weights["output"]).sum())


PREDICT_MISTAKES = [
    (lambda row, weights: ref.predict_with_network(row, ref.WEIGHTS),
     "Your function ignores its `weights` argument and uses the notebook's global `weights`. Use the "
     "parameter: `weights['node_0']` inside the function is the argument that was passed in."),
    (_no_output_relu, "Apply `relu` to the output too (`model_output = relu(input_to_final_layer)`): in this "
                      "question every node, the output included, uses ReLU, so a prediction is never negative. "
                      "The four rows of `input_rows` happen not to show it; hidden weights do."),
    (_no_hidden_relu, "Apply `relu` to both hidden nodes before combining them in the output."),
]


def check_many_rows(predict_with_network, results):
    n = check_function(predict_with_network, "predict_with_network", ref.predict_with_network, PREDICT_CASES,
                       mistakes=PREDICT_MISTAKES)
    if not isinstance(results, (list, tuple, np.ndarray)):
        raise Incorrect(f"`results` should be a list of the 4 predictions; it is {type(results).__name__}.")
    if len(results) == 0:
        raise Incorrect("`results` is empty: append `predict_with_network(input_data_row, weights)` for each "
                        "row of `input_rows`.")
    why = mismatch(list(results), [52, 63, 0, 148], name="`results`")
    if why:
        raise Incorrect(why + " Loop over `input_rows` and append one prediction per row, in order.")
    return f"Correct! `results` is [52, 63, 0, 148] and your function works on {n} hidden rows and weights."


q4 = CodingProblem(
    prompt="Apply the network to many rows",
    vars=["predict_with_network", "results"],
    check=check_many_rows,
    hints=["Inside the function use `input_data_row` and the `weights` argument, never the globals.",
           "Each hidden node: `relu((input_data_row * weights['node_0']).sum())`; the output: "
           "`relu((hidden_layer_outputs * weights['output']).sum())`. Then loop: "
           "`for input_data_row in input_rows: results.append(predict_with_network(input_data_row, weights))`."],
    solution=Code("""
def predict_with_network(input_data_row, weights):
    node_0_input = (input_data_row * weights['node_0']).sum()
    node_0_output = relu(node_0_input)
    node_1_input = (input_data_row * weights['node_1']).sum()
    node_1_output = relu(node_1_input)
    hidden_layer_outputs = np.array([node_0_output, node_1_output])
    input_to_final_layer = (hidden_layer_outputs * weights['output']).sum()
    model_output = relu(input_to_final_layer)
    return model_output

results = []
for input_data_row in input_rows:
    results.append(predict_with_network(input_data_row, weights))
"""),
)

# -- q_5: a deeper network with the identity activation (DC-1.4a, figure redrawn) ---------------------
q5 = EqualityProblem(
    prompt="Forward propagation in a deeper network (identity activation)",
    expected={"identity_prediction": 0},
    mistakes={"identity_prediction": [
        (6, "6 is what ReLU would give. Here every node uses the identity activation, so the bottom node of the "
            "first hidden layer keeps its value −1 instead of 0."),
        (-1, "−1 is the value of a hidden node. Keep going to the output: 5·(−1) + 1·5."),
        (5, "5 is the value of a node in the second hidden layer. The output is 5·(−1) + 1·5."),
        (10, "Check the sign of the top node of the second hidden layer: 0·6 + 1·(−1) = −1."),
    ]},
    success="Correct! Hidden layer 1 is [6, −1], hidden layer 2 is [−1, 5] and the prediction is 5·(−1) + 1·5 = 0.",
    hints=["First hidden layer: [3·2 + 0·3, 1·2 + (−1)·3] = [6, −1]. No ReLU: keep the −1.",
           "Second hidden layer: [0·6 + 1·(−1), 1·6 + 1·(−1)] = [−1, 5]; then the output weights [5, 1]."],
    solution="Hidden layer 1 = [6, −1], hidden layer 2 = [−1, 5], prediction = 5·(−1) + 1·5 = 0: "
             "`identity_prediction = 0`",
)


# -- q_6: two hidden layers ------------------------------------------------------------------------
def _deep_output_relu(row, weights):
    return ref.predict_with_deep_network(row, weights, output_act=ref.relu)


def _deep_no_relu(row, weights):
    return ref.predict_with_deep_network(row, weights, act=lambda z: z)


def _deep_second_layer_from_inputs(row, weights):
    h0 = np.array([ref.node(row, weights["node_1_0"]), ref.node(row, weights["node_1_1"])])
    return (h0 * weights["output"]).sum()


DEEP_MISTAKES = [
    (_deep_output_relu, "Do not apply `relu` to the output in this question: `model_output = (hidden_1_outputs "
                        "* weights['output']).sum()` (the hidden nodes use ReLU, the output does not)."),
    (_deep_no_relu, "Apply `relu` to every hidden node (both layers)."),
    (_deep_second_layer_from_inputs, "The second hidden layer takes the first hidden layer's outputs "
                                     "(`hidden_0_outputs`) as its inputs, not `input_data`."),
]


def check_deep(predict_with_deep_network, deep_output):
    try:
        n = check_function(predict_with_deep_network, "predict_with_deep_network", ref.predict_with_deep_network,
                           DEEP_CASES, mistakes=DEEP_MISTAKES)
    except Incorrect as e:
        raise Incorrect(f"{e} For `input_data` = [3, 5] and `deep_weights` the first hidden layer is [26, 0], "
                        "the second [0, 26] and the output 2·0 + 7·26 = 182.")
    why = mismatch(deep_output, 182, name="`deep_output`")
    if why:
        raise Incorrect(why + " Set `deep_output = predict_with_deep_network(input_data, deep_weights)`.")
    return (f"Correct! Hidden layers [26, 0] and [0, 26] give 182, and your function works on {n} "
            "hidden inputs and weights.")


q6 = CodingProblem(
    prompt="Multi-layer neural networks",
    vars=["predict_with_deep_network", "deep_output"],
    check=check_deep,
    hints=["Layer 1 nodes use `weights['node_0_0']` and `weights['node_0_1']` on `input_data_row`; layer 2 nodes "
           "use `weights['node_1_0']` and `weights['node_1_1']` on `hidden_0_outputs`.",
           "Apply `relu` to all four hidden nodes, not to the output. For [3, 5] you should find hidden layers "
           "[26, 0] and [0, 26]."],
    solution=Code("""
def predict_with_deep_network(input_data_row, weights):
    node_0_0_output = relu((input_data_row * weights['node_0_0']).sum())
    node_0_1_output = relu((input_data_row * weights['node_0_1']).sum())
    hidden_0_outputs = np.array([node_0_0_output, node_0_1_output])

    node_1_0_output = relu((hidden_0_outputs * weights['node_1_0']).sum())
    node_1_1_output = relu((hidden_0_outputs * weights['node_1_1']).sum())
    hidden_1_outputs = np.array([node_1_0_output, node_1_1_output])

    model_output = (hidden_1_outputs * weights['output']).sum()
    return model_output

deep_output = predict_with_deep_network(input_data, deep_weights)
"""),
)

# -- q_7, q_8: representations ---------------------------------------------------------------------
q7 = MultipleChoice(
    prompt="Representations are learned",
    var="answer_representations",
    choices=["A user chooses them when creating the model, to capture the interactions they expect.",
             "The model training process sets them to optimize predictive accuracy.",
             "They are random numbers, fixed when the model is created."],
    answer="b",
    explanations={
        "a": "Nobody chooses the weights by hand in a real network: there are far too many, and the useful "
             "interactions are not known in advance.",
        "b": "Correct! Training adjusts the weights to make the predictions as accurate as possible; the "
             "interactions the hidden nodes capture emerge from that.",
        "c": "The weights usually *start* random, but training then changes them.",
    },
    solution="(b) The model training process sets them to optimize predictive accuracy.",
)

q8 = MultipleChoice(
    prompt="Levels of representation",
    var="answer_levels",
    choices=["The first layers capture the most complex interactions.",
             "The last layers capture the most complex interactions.",
             "All layers capture interactions of the same complexity."],
    answer="b",
    explanations={
        "a": "The first layers see the raw inputs and can only combine them simply; later layers build on them.",
        "b": "Correct! Each layer combines the previous layer's features, so the last layers capture the most "
             "complex, 'higher level' interactions.",
        "c": "Each layer builds on the one before it, so the interactions get more complex with depth.",
    },
    solution="(b) The last layers capture the most complex interactions.",
)

exercise = Exercise("nn_from_scratch.ex1", "Forward propagation", [q1, q2, q3, q4, q5, q6, q7, q8])
exercise.export(globals())
