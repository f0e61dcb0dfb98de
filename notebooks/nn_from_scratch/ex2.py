# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   learnkit:
#     exercise: nn_from_scratch.ex2
# ---

# %% [markdown]
# # Errors, slopes and gradient descent
#
# A network's weights decide how good its predictions are. In this exercise you measure how wrong a
# network is (its error, and the mean squared error over many points), compute the slope of the loss
# with respect to the weights, and use it to improve the weights with gradient descent.
#
# Run the next cell to set everything up. It defines `relu` and the `predict_with_network` function of
# the previous exercise (ReLU on the hidden nodes and on the output).

# %%
import numpy as np
import matplotlib.pyplot as plt
from learnkit.numeric.trajectory import plot_curves
np.set_printoptions(legacy="1.25")  # print numpy numbers as plain numbers

# Setup feedback system
from learnkit.core import binder
binder.bind(globals())
from checkers.nn_from_scratch.ex2 import *


def relu(input):
    return max(input, 0)


def predict_with_network(input_data_row, weights):
    hidden_layer_outputs = np.array([relu((input_data_row * weights['node_0']).sum()),
                                     relu((input_data_row * weights['node_1']).sum())])
    return relu((hidden_layer_outputs * weights['output']).sum())


# %% [markdown]
# # 1) Calculating model errors
#
# What is the error (predicted − actual) of the following network when the input data is `[3, 2]` and
# the actual value of the target (what you are trying to predict) is 5?
#
# | into node | weight from input 0 | weight from input 1 |
# |---|---|---|
# | `node_0` | 2 | 1 |
# | `node_1` | 0 | 0 |
#
# | into node | weight from `node_0` | weight from `node_1` |
# |---|---|---|
# | `output` | 2 | 2 |
#
# Work it out by hand and set `model_error` to the number.

# %%
# BEGIN SOLUTION
model_error = 11
# END SOLUTION
q_1.check()

# %%
#q_1.hint()
#q_1.solution()

# %% tags=["test"]
model_error = -11
assert "predicted − actual" in (_m := q_1.assert_check_failed().message), _m
model_error = 16
assert "prediction" in (_m := q_1.assert_check_failed().message), _m
model_error = 121
assert "squared" in (_m := q_1.assert_check_failed().message), _m
model_error = 11.0
q_1.assert_check_passed()
model_error = 11

# %% [markdown]
# # 2) Understanding how weight changes affect accuracy
#
# Imagine you make a prediction for a single data point with the network above: the input is still
# `[3, 2]`, but the actual value of the target is now 7. The weight going from `node_0` to the output
# is 2. If you increased it slightly, to 2.01, would the predictions become more accurate, less
# accurate, or stay the same? Set `answer_weight_change` to the letter of your choice.
#
# a) More accurate
# b) Less accurate
# c) Stay the same

# %%
# BEGIN SOLUTION
answer_weight_change = 'b'
# END SOLUTION
q_2.check()

# %%
#q_2.hint()
#q_2.solution()

# %% tags=["test"]
answer_weight_change = 'a'
assert "16.08" in (_m := q_2.assert_check_failed().message), _m
answer_weight_change = 'Less accurate'
q_2.assert_check_passed()
answer_weight_change = 'b'

# %% [markdown]
# # 3) Coding how weight changes affect accuracy
#
# Now change weights in a real network and see how they affect its accuracy. The input is `[0, 3]`,
# the target is 3 and the weights are `weights_0`.
#
# Compute `error_0` (the error with `weights_0`; the error is predicted − actual). Then edit
# `weights_1`, a copy of `weights_0`, changing a **single** number so that the network predicts the
# target exactly, and compute `error_1`.

# %%
# The data point you will make a prediction for
input_data = np.array([0, 3])

# Sample weights
weights_0 = {'node_0': [2, 1],
             'node_1': [1, 2],
             'output': [1, 1]
            }

# The actual target value, used to calculate the error
target_actual = 3

# Make prediction using original weights
model_output_0 = predict_with_network(input_data, weights_0)

# EXERCISE: # Calculate error: error_0
# EXERCISE: error_0 = ____
# EXERCISE:
# EXERCISE: # Create weights that cause the network to make perfect prediction (3): weights_1
# EXERCISE: # (change ONE number of this copy of weights_0)
# EXERCISE: weights_1 = {'node_0': [2, 1],
# EXERCISE:              'node_1': [1, 2],
# EXERCISE:              'output': [1, 1]
# EXERCISE:             }
# EXERCISE:
# EXERCISE: # Make prediction using new weights: model_output_1
# EXERCISE: model_output_1 = predict_with_network(input_data, weights_1)
# EXERCISE:
# EXERCISE: # Calculate error: error_1
# EXERCISE: error_1 = ____
# BEGIN SOLUTION
# Calculate error: error_0
error_0 = model_output_0 - target_actual

# Create weights that cause the network to make perfect prediction (3): weights_1
weights_1 = {'node_0': [2, 1],
             'node_1': [1, 2],
             'output': [1, 0]
            }

# Make prediction using new weights: model_output_1
model_output_1 = predict_with_network(input_data, weights_1)

# Calculate error: error_1
error_1 = model_output_1 - target_actual
# END SOLUTION

# Print error_0 and error_1
print(error_0)
print(error_1)

# Check your answer
q_3.check()

# %%
#q_3.hint()
#q_3.solution()

# %% tags=["test"]
# Author tests: sign, unchanged copy, two changes, a change that misses 3, hard-coded errors;
# every single change that gives 3 passes.
_keep = dict(error_0=error_0, weights_1=weights_1, error_1=error_1)
error_0 = target_actual - model_output_0
assert "wrong sign" in (_m := q_3.assert_check_failed().message), _m
error_0 = _keep['error_0']
weights_1 = {'node_0': [2, 1], 'node_1': [1, 2], 'output': [1, 1]}
assert "still the same" in (_m := q_3.assert_check_failed().message), _m
weights_1 = {'node_0': [2, 1], 'node_1': [1, 0], 'output': [1, 0]}
assert "You changed 2 numbers" in (_m := q_3.assert_check_failed().message), _m
weights_1 = {'node_0': [2, 0], 'node_1': [1, 2], 'output': [1, 1]}
assert "predicts 6" in (_m := q_3.assert_check_failed().message), _m
weights_1 = {'node_0': [0, 1], 'node_1': [1, 2], 'output': [1, 1]}   # a weight on the input that is 0
assert "do not matter" in (_m := q_3.assert_check_failed().message), _m
weights_1, error_1 = {'node_0': [2, 1], 'node_1': [1, 2], 'output': [1, 0]}, 3   # error_1 hard-coded wrong
assert "error_1" in (_m := q_3.assert_check_failed().message), _m
error_1 = 0
for _w in [{'node_0': [2, 1], 'node_1': [1, 0], 'output': [1, 1]},
           {'node_0': [2, 1], 'node_1': [1, -5], 'output': [1, 1]},
           {'node_0': [2, 1], 'node_1': [1, 2], 'output': [-1, 1]},
           {'node_0': np.array([2, 1]), 'node_1': np.array([1, 2]), 'output': np.array([1., 0.])}]:
    weights_1 = _w
    q_3.assert_check_passed()
globals().update(_keep)

# %% [markdown]
# # 4) Scaling up to multiple data points
#
# You've seen how different weights give different accuracies on a single prediction. Usually you
# measure a model's accuracy on many points. Compare two sets of weights, `weights_0` and
# `weights_alt`, on four points: make lists of their predictions (`predictions_0`, `predictions_alt`)
# and compute the mean squared error of each (`mse_0`, `mse_alt`): the mean, over the four points, of
# the squared difference between target and prediction. Compute it with numpy (it is what scikit-learn's
# `mean_squared_error` does).

# %%
input_rows = [np.array([0, 3]), np.array([1, 2]), np.array([-1, -2]), np.array([4, 0])]
target_actuals = [1, 3, 5, 7]
weights_alt = {'node_0': np.array([2, 1]),
               'node_1': np.array([1., 1.5]),
               'output': np.array([1., 1.5])}

# EXERCISE: # Create predictions_0 and predictions_alt
# EXERCISE: predictions_0 = []
# EXERCISE: predictions_alt = []
# EXERCISE:
# EXERCISE: # Loop over input_rows
# EXERCISE: for row in input_rows:
# EXERCISE:     # Append prediction to predictions_0, and to predictions_alt
# EXERCISE:     ____
# EXERCISE:
# EXERCISE: # Calculate the mean squared error for predictions_0: mse_0
# EXERCISE: mse_0 = ____
# EXERCISE:
# EXERCISE: # Calculate the mean squared error for predictions_alt: mse_alt
# EXERCISE: mse_alt = ____
# BEGIN SOLUTION
# Create predictions_0 and predictions_alt
predictions_0 = []
predictions_alt = []

# Loop over input_rows
for row in input_rows:
    # Append prediction to predictions_0, and to predictions_alt
    predictions_0.append(predict_with_network(row, weights_0))
    predictions_alt.append(predict_with_network(row, weights_alt))

# Calculate the mean squared error for predictions_0: mse_0
mse_0 = np.mean((np.array(target_actuals) - np.array(predictions_0)) ** 2)

# Calculate the mean squared error for predictions_alt: mse_alt
mse_alt = np.mean((np.array(target_actuals) - np.array(predictions_alt)) ** 2)
# END SOLUTION

# Print mse_0 and mse_alt
print("Mean squared error with weights_0:", mse_0)
print("Mean squared error with weights_alt:", mse_alt)

# Check your answer
q_4.check()

# %%
#q_4.hint()
#q_4.solution()

# %% tags=["test"]
# Author tests: absolute error, sum, root, hard-coded wrong; numpy spelling passes.
_keep = dict(mse_0=mse_0, mse_alt=mse_alt, predictions_0=predictions_0)
mse_0 = np.mean(np.abs(np.array(target_actuals) - predictions_0))
assert "absolute" in (_m := q_4.assert_check_failed().message), _m
mse_0 = np.sum((np.array(target_actuals) - predictions_0) ** 2)
assert "sum" in (_m := q_4.assert_check_failed().message), _m
mse_0 = np.sqrt(_keep['mse_0'])
assert "root" in (_m := q_4.assert_check_failed().message), _m
mse_0 = 37.6
q_4.assert_check_failed()
mse_0 = -_keep['mse_0']
q_4.assert_check_failed()
mse_0 = ((np.array(predictions_0) - target_actuals) ** 2).mean()
q_4.assert_check_passed()
predictions_0 = predictions_0[:3]
assert "3 items" in (_m := q_4.assert_check_failed().message), _m
globals().update(_keep)

# %% [markdown]
# `weights_alt` has the higher mean squared error.
#
# # 5) A gradient descent step
#
# Gradient descent changes a weight by *minus* the slope of the loss with respect to that weight,
# times a small number, the learning rate: `new weight = weight − learning_rate × slope`.
#
# A weight is 2, the slope of the loss with respect to it is −24 and the learning rate is 0.01. Set
# `new_weight` to the value of the weight after one gradient descent step.

# %%
# BEGIN SOLUTION
new_weight = 2 - 0.01 * (-24)
# END SOLUTION
print(new_weight)
q_5.check()

# %%
#q_5.hint()
#q_5.solution()

# %% tags=["test"]
new_weight = 2 + 0.01 * (-24)
assert "uphill" in (_m := q_5.assert_check_failed().message), _m
new_weight = 2 - (-24)
assert "learning rate" in (_m := q_5.assert_check_failed().message), _m
new_weight = 0.24
q_5.assert_check_failed()
new_weight = 2.24
q_5.assert_check_passed()

# %% [markdown]
# # 6) Calculating slopes
#
# Now a network with three inputs and no hidden layer: the prediction is the weighted sum of the
# inputs, and the loss is the squared error.
#
# **Sign convention of this question.** As in DataCamp's exercise, define the *residual* as
# actual minus predicted, `residual = target - preds`, and the slope as
# `slope = 2 * input_data * residual`. With this convention `slope` is *minus* the gradient of the
# squared error: it points downhill. (The next question switches to the usual convention,
# `error = preds - target`, whose gradient points uphill and is subtracted.)
#
# Compute `preds`, `residual` and `slope`.

# %%
input_data = np.array([1, 2, 3])
weights = np.array([0, 2, 1])
target = 0

# EXERCISE: # Calculate the predictions: preds
# EXERCISE: preds = ____
# EXERCISE:
# EXERCISE: # Calculate the residual (target minus predictions): residual
# EXERCISE: residual = ____
# EXERCISE:
# EXERCISE: # Calculate the slope: slope
# EXERCISE: slope = ____
# BEGIN SOLUTION
# Calculate the predictions: preds
preds = (weights * input_data).sum()

# Calculate the residual (target minus predictions): residual
residual = target - preds

# Calculate the slope: slope
slope = 2 * input_data * residual
# END SOLUTION

# Print the slope
print(slope)

# Check your answer
q_6.check()

# %%
#q_6.hint()
#q_6.solution()

# %% tags=["test"]
# Author tests: the other sign convention, no factor 2, hard-coded wrong; a float array passes.
_keep = dict(preds=preds, residual=residual, slope=slope)
residual = preds - target
assert "convention" in (_m := q_6.assert_check_failed().message), _m
residual = _keep['residual']
slope = 2 * input_data * (preds - target)
assert "pins the residual convention" in (_m := q_6.assert_check_failed().message), _m
slope = input_data * residual
assert "factor 2" in (_m := q_6.assert_check_failed().message), _m
slope = [-14, -28, -40]
q_6.assert_check_failed()
slope = 2 * input_data
q_6.assert_check_failed()
slope = np.array([-14., -28., -42.])
q_6.assert_check_passed()
globals().update(_keep)

# %% [markdown]
# You can now use this slope to improve the weights of the model!
#
# # 7) Improving model weights
#
# **From here on the error is predicted minus actual**, `error = preds - target`. Then
# `gradient = 2 * input_data * error` is the gradient of the squared error: it points uphill, and
# gradient descent subtracts it: `weights_updated = weights - learning_rate * gradient`.
#
# With a learning rate of 0.01, compute `error`, `gradient`, `weights_updated`, the new predictions
# `preds_updated` and the new error `error_updated`. Does the update decrease the error?

# %%
# EXERCISE: # Set the learning rate: learning_rate
# EXERCISE: learning_rate = 0.01
# EXERCISE:
# EXERCISE: # Calculate the predictions: preds
# EXERCISE: preds = (weights * input_data).sum()
# EXERCISE:
# EXERCISE: # Calculate the error (predictions minus target): error
# EXERCISE: error = ____
# EXERCISE:
# EXERCISE: # Calculate the gradient: gradient
# EXERCISE: gradient = ____
# EXERCISE:
# EXERCISE: # Update the weights: weights_updated
# EXERCISE: weights_updated = ____
# EXERCISE:
# EXERCISE: # Get updated predictions: preds_updated
# EXERCISE: preds_updated = ____
# EXERCISE:
# EXERCISE: # Calculate updated error: error_updated
# EXERCISE: error_updated = ____
# BEGIN SOLUTION
# Set the learning rate: learning_rate
learning_rate = 0.01

# Calculate the predictions: preds
preds = (weights * input_data).sum()

# Calculate the error (predictions minus target): error
error = preds - target

# Calculate the gradient: gradient
gradient = 2 * input_data * error

# Update the weights: weights_updated
weights_updated = weights - learning_rate * gradient

# Get updated predictions: preds_updated
preds_updated = (weights_updated * input_data).sum()

# Calculate updated error: error_updated
error_updated = preds_updated - target
# END SOLUTION

# Print the original error
print(error)

# Print the updated error
print(error_updated)

# Check your answer
q_7.check()

# %%
#q_7.hint()
#q_7.solution()

# %% tags=["test"]
# Author tests: uphill step, no learning rate, the residual sign, hard-coded wrong.
_keep = dict(error=error, gradient=gradient, weights_updated=weights_updated, error_updated=error_updated)
weights_updated = weights + learning_rate * gradient
assert "uphill" in (_m := q_7.assert_check_failed().message), _m
weights_updated = weights - gradient
assert "learning_rate" in (_m := q_7.assert_check_failed().message), _m
weights_updated = _keep['weights_updated']
error = target - preds
assert "preds - target" in (_m := q_7.assert_check_failed().message), _m
error = _keep['error']
error_updated = 5.0
q_7.assert_check_failed()
error_updated = ((weights + learning_rate * gradient) * input_data).sum() - target
assert "uphill" in (_m := q_7.assert_check_failed().message), _m
error_updated = 5.04
q_7.assert_check_passed()
globals().update(_keep)

# %% [markdown]
# Updating the model weights did indeed decrease the error!
#
# # 8) Making multiple updates to weights
#
# Now make 20 updates and watch the error fall. Two helper functions are defined for you:
#
# * `get_gradient(input_data, target, weights)` returns `2 * input_data * error` with
#   `error = preds - target` (DataCamp calls it `get_slope`);
# * `get_mse(input_data, target, weights)` returns the mean squared error of the prediction.
#
# In each of the 20 iterations compute the gradient, update the weights with a learning rate of 0.01,
# compute the mean squared error **with the updated weights** and append it to `mse_hist`.

# %%
def get_gradient(input_data, target, weights):
    error = (weights * input_data).sum() - target
    return 2 * input_data * error


def get_mse(input_data, target, weights):
    error = (weights * input_data).sum() - target
    return np.mean(error ** 2)


weights = np.array([0, 2, 1])   # start again from the original weights

# %%
# EXERCISE: n_updates = 20
# EXERCISE: mse_hist = []
# EXERCISE:
# EXERCISE: # Iterate over the number of updates
# EXERCISE: for i in range(n_updates):
# EXERCISE:     # Calculate the gradient: grad
# EXERCISE:     grad = ____
# EXERCISE:
# EXERCISE:     # Update the weights: weights
# EXERCISE:     weights = ____
# EXERCISE:
# EXERCISE:     # Calculate mse with new weights: mse
# EXERCISE:     mse = ____
# EXERCISE:
# EXERCISE:     # Append the mse to mse_hist
# EXERCISE:     mse_hist.append(mse)
# BEGIN SOLUTION
n_updates = 20
mse_hist = []

# Iterate over the number of updates
for i in range(n_updates):
    # Calculate the gradient: grad
    grad = get_gradient(input_data, target, weights)

    # Update the weights: weights
    weights = weights - 0.01 * grad

    # Calculate mse with new weights: mse
    mse = get_mse(input_data, target, weights)

    # Append the mse to mse_hist
    mse_hist.append(mse)

print(np.round(mse_hist, 6).tolist())
# END SOLUTION

# Plot the mse history
plot_curves(mse_hist, xlabel='Iterations', ylabel='Mean Squared Error', start=1)
plt.show()

# Check your answer
q_8.check()

# %%
#q_8.hint()
#q_8.solution()

# %% tags=["test"]
# Author tests: MSE before the update, uphill steps, a second run without resetting, hard-coded, too few.
_keep_hist, _keep_weights = mse_hist, weights
def _run(n=20, sign=1, before=False, start=np.array([0, 2, 1])):
    w, hist = start, []
    for i in range(n):
        if before:
            hist.append(get_mse(input_data, target, w))
        w = w - sign * 0.01 * get_gradient(input_data, target, w)
        if not before:
            hist.append(get_mse(input_data, target, w))
    return hist, w
mse_hist = _run(before=True)[0]
assert "*before* the first update" in (_m := q_8.assert_check_failed().message), _m
mse_hist = _run(sign=-1)[0]
assert "go down at every update" in (_m := q_8.assert_check_failed().message), _m
mse_hist = _run(start=_run()[1])[0]                  # the loop run twice without resetting the weights
assert "Reset" in (_m := q_8.assert_check_failed().message), _m
mse_hist = [25.4016] * 20
q_8.assert_check_failed()
mse_hist = _run(n=19)[0]
assert "19 values" in (_m := q_8.assert_check_failed().message), _m
mse_hist = []
q_8.assert_check_unattempted()
mse_hist = np.array(_keep_hist)                      # an array is fine
q_8.assert_check_passed()
mse_hist, weights = _keep_hist, _keep_weights

# %% [markdown]
# As you can see, the mean squared error decreases as the number of iterations goes up: each update
# multiplies the error by 0.72 here.
#
# # 9) Thinking about backward propagation
#
# If your predictions were all exactly right, and your errors were all exactly 0, what would the
# updates to the weights of the network be? Set `answer_zero_errors` to the letter of your choice.
#
# a) All the weight updates are 0.
# b) Every weight changes by the learning rate.
# c) Only the weights of the output layer change.
# d) The weights change randomly.

# %%
# BEGIN SOLUTION
answer_zero_errors = 'a'
# END SOLUTION
q_9.check()

# %%
#q_9.hint()
#q_9.solution()

# %% tags=["test"]
answer_zero_errors = 'c'
q_9.assert_check_failed()
answer_zero_errors = 'a'

# %% [markdown]
# # 10) A round of backpropagation
#
# Backpropagation computes the gradient of the loss with respect to a weight as a product of three
# numbers:
#
# `gradient = (value of the node the weight comes from) × (slope of the loss at the node it goes
# into) × (slope of that node's activation function)`.
#
# In DataCamp's example, a weight from a node of value 0 into a node with slope 6 gets the gradient
# 0·6·1 = 0, and a weight from a node of value 1 into a node with slope 18 gets 1·18·1 = 18.
#
# A weight connects node A to node B. After forward propagation node A's value is 2. Backward
# propagation found that the slope of the loss at node B is 3. Node B uses ReLU.
#
# * `gradient_a`: the gradient of this weight when node B's input was positive;
# * `gradient_b`: the same gradient when node B's input was negative.

# %%
# BEGIN SOLUTION
gradient_a = 2 * 3 * 1
gradient_b = 2 * 3 * 0
# END SOLUTION
q_10.check()

# %%
#q_10.hint()
#q_10.solution()

# %% tags=["test"]
gradient_a, gradient_b = 5, 0
assert "Multiply" in (_m := q_10.assert_check_failed().message), _m
gradient_a = 12
assert "factor 2" in (_m := q_10.assert_check_failed().message), _m
gradient_a, gradient_b = 6, 6
assert "negative" in (_m := q_10.assert_check_failed().message), _m
gradient_a, gradient_b = -6, 0
q_10.assert_check_failed()
gradient_a, gradient_b = 6.0, 0.0
q_10.assert_check_passed()
gradient_a, gradient_b = 6, 0

# %% [markdown]
# # Keep Going
#
# Next you will train a perceptron for the AND function with exactly these ideas: a forward pass, a
# cost, its gradients and many small updates. Your progress on this exercise:

# %%
progress()
