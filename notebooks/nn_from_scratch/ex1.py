# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   learnkit:
#     exercise: nn_from_scratch.ex1
# ---

# %% [markdown]
# # Forward propagation
#
# In this exercise you write, in plain numpy, the forward pass of your first neural networks: a
# network with one hidden layer, the ReLU activation, a network applied to many rows of data, and a
# network with two hidden layers.
#
# Each data point is a customer. The first input is how many accounts they have, the second how many
# children they have. The model predicts how many transactions the customer makes next year.
#
# Run the next cell to set everything up.

# %%
import numpy as np
np.set_printoptions(legacy="1.25")  # print numpy numbers as plain numbers: 52, not np.int64(52)

# Setup feedback system
from learnkit.core import binder
binder.bind(globals())
from checkers.nn_from_scratch.ex1 import *

# %% [markdown]
# The network has two inputs, one hidden layer of two nodes (`node_0`, `node_1`) and one output node.
# The weights of the connections into each node are stored in a dictionary:
#
# | into node | weight from input 0 (accounts) | weight from input 1 (children) |
# |---|---|---|
# | `node_0` | 2 | 4 |
# | `node_1` | 4 | −5 |
#
# | into node | weight from `node_0` | weight from `node_1` |
# |---|---|---|
# | `output` | 2 | 7 |

# %%
input_data = np.array([3, 5])
weights = {'node_0': np.array([2, 4]),
           'node_1': np.array([4, -5]),
           'output': np.array([2, 7])}

print(input_data * weights['node_0'])
print((input_data * weights['node_0']).sum())

# %% [markdown]
# # 1) Coding the forward propagation algorithm
#
# A node's value is the weighted sum of its inputs: multiply the inputs by the node's weights
# element-wise and add up the products, as the cell above does for `node_0`.
#
# Calculate the values of both hidden nodes, put them in the array `hidden_layer_outputs`, and
# calculate the `output` from them. There is no activation function yet.

# %%
# EXERCISE: # Calculate node 0 value: node_0_value
# EXERCISE: node_0_value = ____
# EXERCISE:
# EXERCISE: # Calculate node 1 value: node_1_value
# EXERCISE: node_1_value = ____
# EXERCISE:
# EXERCISE: # Put node values into array: hidden_layer_outputs
# EXERCISE: hidden_layer_outputs = ____
# EXERCISE:
# EXERCISE: # Calculate output: output
# EXERCISE: output = ____
# BEGIN SOLUTION
# Calculate node 0 value: node_0_value
node_0_value = (input_data * weights['node_0']).sum()

# Calculate node 1 value: node_1_value
node_1_value = (input_data * weights['node_1']).sum()

# Put node values into array: hidden_layer_outputs
hidden_layer_outputs = np.array([node_0_value, node_1_value])

# Calculate output: output
output = (hidden_layer_outputs * weights['output']).sum()
# END SOLUTION

# Print output
print(output)

# Check your answer
q_1.check()

# %%
# Lines below will give you a hint or solution code
#q_1.hint()
#q_1.solution()

# %% tags=["test"]
# Author tests: a sign slip, a hard-coded wrong number, no sum; then the blank.
_keep = dict(node_0_value=node_0_value, node_1_value=node_1_value,
             hidden_layer_outputs=hidden_layer_outputs, output=output)
output = -output
assert "sign" in (_m := q_1.assert_check_failed().message), _m
output = 52                                   # the ReLU answer of question 3
assert "ReLU" in (_m := q_1.assert_check_failed().message), _m
output = hidden_layer_outputs * weights['output']     # forgot .sum()
assert "shape" in (_m := q_1.assert_check_failed().message), _m
output = _keep['output']
node_1_value = 0
assert "no activation" in (_m := q_1.assert_check_failed().message), _m
node_1_value = _keep['node_1_value']
hidden_layer_outputs = [26, -13]              # a list is fine too
q_1.assert_check_passed()
output = ____
q_1.assert_check_unattempted()
globals().update(_keep)
q_1.assert_check_passed()

# %% [markdown]
# It looks like the network generated a prediction of `-39`: a negative number of transactions!
#
# # 2) The Rectified Linear Activation Function
#
# An "activation function" is a function applied at each node. It converts the node's input into
# some output. The rectified linear activation function (called *ReLU*) returns 0 if the input is
# negative, and the input if the input is positive: `relu(3) = 3`, `relu(-3) = 0`.
#
# Define `relu`. It takes a single number; your function is checked on hidden inputs (negative and
# positive numbers, zero, floats and numpy numbers).

# %%
# EXERCISE: def relu(input):
# EXERCISE:     '''Define your relu activation function here'''
# EXERCISE:     # Calculate the value for the output of the relu function: output
# EXERCISE:     output = ____
# EXERCISE:
# EXERCISE:     # Return the value just calculated
# EXERCISE:     return output
# BEGIN SOLUTION
def relu(input):
    '''Define your relu activation function here'''
    # Calculate the value for the output of the relu function: output
    output = max(input, 0)

    # Return the value just calculated
    return output
# END SOLUTION

# Check your answer
q_2.check()

# %%
#q_2.hint()
#q_2.solution()

# %% tags=["test"]
# Author tests: off by sign, hard-coded, wrong functions fail; other spellings pass.
_relu = relu
def relu(input): return max(-input, 0)
assert "sign" in (_m := q_2.assert_check_failed().message), _m
def relu(input): return 3
assert "whatever its arguments" in (_m := q_2.assert_check_failed().message), _m
def relu(input): return abs(input)
assert "absolute" in (_m := q_2.assert_check_failed().message), _m
def relu(input): return min(input, 0)
assert "negative part" in (_m := q_2.assert_check_failed().message), _m
def relu(input): return 1 if input > 0 else 0
assert "slope" in (_m := q_2.assert_check_failed().message), _m
def relu(input): return np.maximum(input, 0)
q_2.assert_check_passed()
def relu(input): return input if input > 0 else 0
q_2.assert_check_passed()
relu = lambda x: x * (x > 0)
q_2.assert_check_passed()
def relu(input):
    output = ____
    return output
q_2.assert_check_unattempted()
relu = 0
q_2.assert_check_failed()
relu = _relu

# %% [markdown]
# # 3) Forward propagation with ReLU
#
# Now apply `relu` to the value of each hidden node, put the activated values in the array
# `hidden_relu_outputs` (a new name, so that question 1's `hidden_layer_outputs` stays as it was), and
# calculate the model's output from them. Do **not** apply `relu` to the output.

# %%
# EXERCISE: # Calculate node 0 value: node_0_output
# EXERCISE: node_0_input = ____
# EXERCISE: node_0_output = ____
# EXERCISE:
# EXERCISE: # Calculate node 1 value: node_1_output
# EXERCISE: node_1_input = ____
# EXERCISE: node_1_output = ____
# EXERCISE:
# EXERCISE: # Put node values into array: hidden_relu_outputs
# EXERCISE: hidden_relu_outputs = ____
# EXERCISE:
# EXERCISE: # Calculate model output (do not apply relu)
# EXERCISE: model_output = ____
# BEGIN SOLUTION
# Calculate node 0 value: node_0_output
node_0_input = (input_data * weights['node_0']).sum()
node_0_output = relu(node_0_input)

# Calculate node 1 value: node_1_output
node_1_input = (input_data * weights['node_1']).sum()
node_1_output = relu(node_1_input)

# Put node values into array: hidden_relu_outputs
hidden_relu_outputs = np.array([node_0_output, node_1_output])

# Calculate model output (do not apply relu)
model_output = (hidden_relu_outputs * weights['output']).sum()
# END SOLUTION

# Print model output
print(model_output)

# Check your answer
q_3.check()

# %%
#q_3.hint()
#q_3.solution()

# %% tags=["test"]
# Author tests: no ReLU, a hard-coded wrong number, ReLU but a sign slip.
_keep = dict(node_0_output=node_0_output, node_1_output=node_1_output, model_output=model_output)
node_1_output, model_output = node_1_input, (np.array([node_0_input, node_1_input]) * weights['output']).sum()
assert "relu(−13) = 0" in (_m := q_3.assert_check_failed().message), _m      # forgot relu
node_1_output, model_output = 0, 51                             # hard-coded, wrong
q_3.assert_check_failed()
model_output = -52                                              # sign
q_3.assert_check_failed()
model_output = 52.0                                             # a float is fine
q_3.assert_check_passed()
globals().update(_keep)

# %% [markdown]
# You predicted 52 transactions. Without this activation function, you would have predicted a
# negative number!
#
# # 4) Applying the network to many observations/rows of data
#
# Define `predict_with_network(input_data_row, weights)`. It applies the network to one row of
# data: `relu` on both hidden nodes **and on the output** (so a prediction is never negative). Use
# its arguments `input_data_row` and `weights`, not the global variables: the check also runs your
# function on hidden rows and hidden weights.
#
# The given loop then stores a prediction for each row of `input_rows` in `results`.

# %%
input_rows = [np.array([3, 5]), np.array([1, -1]), np.array([0, 0]), np.array([8, 4])]

# Define predict_with_network()
# EXERCISE: def predict_with_network(input_data_row, weights):
# EXERCISE:     # Calculate node 0 value: node_0_output
# EXERCISE:     node_0_output = ____
# EXERCISE:
# EXERCISE:     # Calculate node 1 value: node_1_output
# EXERCISE:     node_1_output = ____
# EXERCISE:
# EXERCISE:     # Put node values into array: hidden_layer_outputs
# EXERCISE:     hidden_layer_outputs = ____
# EXERCISE:
# EXERCISE:     # Calculate model output (apply relu here too): model_output
# EXERCISE:     model_output = ____
# EXERCISE:
# EXERCISE:     # Return model output
# EXERCISE:     return model_output
# BEGIN SOLUTION
def predict_with_network(input_data_row, weights):
    # Calculate node 0 value
    node_0_input = (input_data_row * weights['node_0']).sum()
    node_0_output = relu(node_0_input)

    # Calculate node 1 value
    node_1_input = (input_data_row * weights['node_1']).sum()
    node_1_output = relu(node_1_input)

    # Put node values into array: hidden_layer_outputs
    hidden_layer_outputs = np.array([node_0_output, node_1_output])

    # Calculate model output
    input_to_final_layer = (hidden_layer_outputs * weights['output']).sum()
    model_output = relu(input_to_final_layer)

    # Return model output
    return model_output
# END SOLUTION


# Create empty list to store prediction results
results = []
for input_data_row in input_rows:
    # Append prediction to results
    results.append(predict_with_network(input_data_row, weights))

# Print results
print(results)

# Check your answer
q_4.check()

# %%
#q_4.hint()
#q_4.solution()

# %% tags=["test"]
# Author tests: hard-coded, no ReLU on the output, reading the global weights, off by sign.
_predict, _results = predict_with_network, results
def predict_with_network(input_data_row, weights):
    return 52
assert "whatever its arguments" in (_m := q_4.assert_check_failed().message), _m
def predict_with_network(input_data_row, weights):
    hidden = np.array([relu((input_data_row * weights['node_0']).sum()),
                       relu((input_data_row * weights['node_1']).sum())])
    return (hidden * weights['output']).sum()                    # no relu on the output
assert "output too" in (_m := q_4.assert_check_failed().message), _m
def predict_with_network(input_data_row, w):
    return _predict(input_data_row, weights)                     # the global weights
assert "ignores its `weights` argument" in (_m := q_4.assert_check_failed().message), _m
def predict_with_network(input_data_row, weights):
    return -_predict(input_data_row, weights)                    # off by sign
q_4.assert_check_failed()
predict_with_network = _predict
results = [52, 63, 0]
assert "3 items" in (_m := q_4.assert_check_failed().message), _m
results = [52, 63, 0, 148]                                       # hard-coded results, right function: fine
q_4.assert_check_passed()
def predict_with_network(input_data_row, weights):               # vectorised: fine
    hidden = np.maximum(np.array([weights['node_0'], weights['node_1']]) @ input_data_row, 0)
    return max(hidden @ weights['output'], 0)
q_4.assert_check_passed()
predict_with_network, results = _predict, _results

# %% [markdown]
# # 5) Forward propagation in a deeper network
#
# Here is a network with two hidden layers. The values for an input data point are `[2, 3]`, and
# the weights are in the dictionary below (`node_0_0`, `node_0_1` are the first hidden layer,
# `node_1_0`, `node_1_1` the second). Every node uses the **identity** activation: a node's output
# is the same as its input. So the value of the bottom node in the first hidden layer is −1, and
# not 0 as it would be with ReLU.
#
# What prediction does this model make on this data point? Work it out by hand (or with numpy) and
# set `identity_prediction` to the number.

# %%
identity_input = np.array([2, 3])
identity_weights = {'node_0_0': np.array([3, 0]), 'node_0_1': np.array([1, -1]),
                    'node_1_0': np.array([0, 1]), 'node_1_1': np.array([1, 1]),
                    'output': np.array([5, 1])}

# BEGIN SOLUTION
identity_prediction = 0
# END SOLUTION

q_5.check()

# %%
#q_5.hint()
#q_5.solution()

# %% tags=["test"]
identity_prediction = 6                       # with ReLU
assert "ReLU" in (_m := q_5.assert_check_failed().message), _m
identity_prediction = 10                      # a sign slip in layer 2
assert "sign" in (_m := q_5.assert_check_failed().message), _m
identity_prediction = 5                       # a hidden node's value
assert "hidden layer" in (_m := q_5.assert_check_failed().message), _m
identity_prediction = "0"
q_5.assert_check_failed()
identity_prediction = 0.0
q_5.assert_check_passed()
identity_prediction = 0

# %% [markdown]
# # 6) Multi-layer neural networks
#
# Now write the forward pass of a network with **two hidden layers** of two nodes each, with ReLU.
# `predict_with_deep_network(input_data_row, weights)` takes the weights as an argument (`deep_weights`
# below, or hidden weights in the check):
#
# * the first hidden layer (`node_0_0`, `node_0_1`) takes `input_data_row`;
# * the second hidden layer (`node_1_0`, `node_1_1`) takes the first hidden layer's outputs;
# * apply `relu` to all four hidden nodes, but **not** to the output.
#
# For `input_data = [3, 5]` the first hidden layer is `[26, 0]`, the second `[0, 26]`.

# %%
deep_weights = {'node_0_0': np.array([2, 4]),
                'node_0_1': np.array([4, -5]),
                'node_1_0': np.array([-1, 2]),
                'node_1_1': np.array([1, 2]),
                'output': np.array([2, 7])}

# EXERCISE: def predict_with_deep_network(input_data_row, weights):
# EXERCISE:     # Calculate node 0 in the first hidden layer
# EXERCISE:     node_0_0_output = ____
# EXERCISE:
# EXERCISE:     # Calculate node 1 in the first hidden layer
# EXERCISE:     node_0_1_output = ____
# EXERCISE:
# EXERCISE:     # Put node values into array: hidden_0_outputs
# EXERCISE:     hidden_0_outputs = ____
# EXERCISE:
# EXERCISE:     # Calculate node 0 in the second hidden layer
# EXERCISE:     node_1_0_output = ____
# EXERCISE:
# EXERCISE:     # Calculate node 1 in the second hidden layer
# EXERCISE:     node_1_1_output = ____
# EXERCISE:
# EXERCISE:     # Put node values into array: hidden_1_outputs
# EXERCISE:     hidden_1_outputs = ____
# EXERCISE:
# EXERCISE:     # Calculate model output (no relu): model_output
# EXERCISE:     model_output = ____
# EXERCISE:
# EXERCISE:     # Return model_output
# EXERCISE:     return model_output
# BEGIN SOLUTION
def predict_with_deep_network(input_data_row, weights):
    # Calculate node 0 in the first hidden layer
    node_0_0_input = (input_data_row * weights['node_0_0']).sum()
    node_0_0_output = relu(node_0_0_input)

    # Calculate node 1 in the first hidden layer
    node_0_1_input = (input_data_row * weights['node_0_1']).sum()
    node_0_1_output = relu(node_0_1_input)

    # Put node values into array: hidden_0_outputs
    hidden_0_outputs = np.array([node_0_0_output, node_0_1_output])
    print("hidden layer 1:", hidden_0_outputs)

    # Calculate node 0 in the second hidden layer
    node_1_0_input = (hidden_0_outputs * weights['node_1_0']).sum()
    node_1_0_output = relu(node_1_0_input)

    # Calculate node 1 in the second hidden layer
    node_1_1_input = (hidden_0_outputs * weights['node_1_1']).sum()
    node_1_1_output = relu(node_1_1_input)

    # Put node values into array: hidden_1_outputs
    hidden_1_outputs = np.array([node_1_0_output, node_1_1_output])
    print("hidden layer 2:", hidden_1_outputs)

    # Calculate model output: model_output
    model_output = (hidden_1_outputs * weights['output']).sum()

    # Return model_output
    return model_output
# END SOLUTION

deep_output = predict_with_deep_network(input_data, deep_weights)
print(deep_output)

# Check your answer
q_6.check()

# %%
#q_6.hint()
#q_6.solution()

# %% tags=["test"]
# Author tests: ReLU on the output, no ReLU at all, layer 2 fed with the inputs, hard-coded, sign.
_deep, _deep_output = predict_with_deep_network, deep_output
def predict_with_deep_network(input_data_row, weights):
    return relu(_deep(input_data_row, weights))
assert "not apply `relu` to the output" in (_m := q_6.assert_check_failed().message), _m
def predict_with_deep_network(input_data_row, weights):
    h0 = np.array([(input_data_row * weights['node_0_0']).sum(), (input_data_row * weights['node_0_1']).sum()])
    h1 = np.array([(h0 * weights['node_1_0']).sum(), (h0 * weights['node_1_1']).sum()])
    return (h1 * weights['output']).sum()
assert "every hidden node" in (_m := q_6.assert_check_failed().message), _m
def predict_with_deep_network(input_data_row, weights):
    h1 = np.array([relu((input_data_row * weights['node_1_0']).sum()), relu((input_data_row * weights['node_1_1']).sum())])
    return (h1 * weights['output']).sum()
assert "first hidden layer's outputs" in (_m := q_6.assert_check_failed().message), _m
def predict_with_deep_network(input_data_row, weights):
    return 182
assert "[26, 0]" in (_m := q_6.assert_check_failed().message), _m
def predict_with_deep_network(input_data_row, weights):
    return -_deep(input_data_row, weights)
q_6.assert_check_failed()
def predict_with_deep_network(input_data_row, weights=weights):   # the seed reads the global weights
    return _deep(input_data_row, deep_weights)
q_6.assert_check_failed()
predict_with_deep_network = _deep
deep_output = 182.0
q_6.assert_check_passed()
deep_output = _deep_output

# %% [markdown]
# The network predicts 182 transactions.
#
# # 7) Representations are learned
#
# How are the weights that determine the features/interactions in neural networks created? Set
# `answer_representations` to the letter of your choice.
#
# a) A user chooses them when creating the model, to capture the interactions they expect.
# b) The model training process sets them to optimize predictive accuracy.
# c) They are random numbers, fixed when the model is created.

# %%
# BEGIN SOLUTION
answer_representations = 'b'
# END SOLUTION
q_7.check()

# %%
#q_7.hint()
#q_7.solution()

# %% tags=["test"]
answer_representations = 'a'
q_7.assert_check_failed()
answer_representations = 'The model training process sets them to optimize predictive accuracy.'
q_7.assert_check_passed()
answer_representations = 'b'

# %% [markdown]
# # 8) Levels of representation
#
# Which layers of a model capture more complex or "higher level" interactions? Set `answer_levels`
# to the letter of your choice.
#
# a) The first layers capture the most complex interactions.
# b) The last layers capture the most complex interactions.
# c) All layers capture interactions of the same complexity.

# %%
# BEGIN SOLUTION
answer_levels = 'b'
# END SOLUTION
q_8.check()

# %%
#q_8.hint()
#q_8.solution()

# %% tags=["test"]
answer_levels = 'a'
q_8.assert_check_failed()
answer_levels = 'b'

# %% [markdown]
# # Keep Going
#
# Next you will measure how wrong a network's predictions are, and improve its weights with
# gradient descent. Your progress on this exercise:

# %%
progress()
