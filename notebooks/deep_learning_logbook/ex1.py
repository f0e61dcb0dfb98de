# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   learnkit:
#     exercise: deep_learning_logbook.ex1
# ---

# %% [markdown]
# # Regression and K-fold validation
#
# Predict the median price of houses in Boston suburbs of the 1970s from 13 features (crime rate,
# rooms per dwelling, distance to employment centres, …). With only 404 training samples, one
# validation split would give a noisy estimate of the model's quality, so you will use **K-fold
# validation**: split the training data into 4 folds, train 4 models, each validating on one fold
# and training on the other three, and average their scores.
#
# *This exercise follows week 5 of the deep learning logbook (after* Deep Learning with Python,
# *§4.3), in Keras 3. The logbook trained 100 epochs per fold (a mean validation MAE of 2.41); to keep
# the notebook quick you train 20, which gives about 3.0.*
#
# *A note on the data: one of its 13 features ("B") was computed from the proportion of Black
# residents, built on the assumption that racial self-segregation affects house prices. Keras keeps
# the data set for teaching and strongly discourages other uses; scikit-learn removed it.*
#
# Run the next cell to set everything up.

# %%
from learnkit.core import binder
binder.bind(globals())
from checkers.deep_learning_logbook.ex1 import *

import numpy as np
import keras
from keras import layers
from learnkit import data

keras.utils.set_random_seed(123)  # fixed seeds, as in the logbook

# The same arrays as keras.datasets.boston_housing.load_data(): 404 training and 102 test samples
(x_train, train_targets), (x_test, test_targets) = data.boston_housing()
print(x_train.shape, x_test.shape)
print(train_targets[:5])  # median prices, in thousands of dollars

# %% [markdown]
# # 1) Normalise the features
#
# The features have very different ranges (a tax rate in the hundreds, a proportion below 1).
# Standardise every feature: subtract its mean and divide by its standard deviation. Compute both
# from the **training data only**, and use them for the test data as well: the model must see test
# samples exactly as it would see new data, and nothing about the test set may leak into training.
# Keep `x_train` and `x_test` as they are and store the results in `train_data` and `test_data`.

# %%
# BEGIN SOLUTION
mean = x_train.mean(axis=0)
std = x_train.std(axis=0)
train_data = (x_train - mean) / std
test_data = (x_test - mean) / std
# END SOLUTION

# Check your answer
q_1.check()

# %%
#q_1.hint()
#q_1.solution()

# %% tags=["test"]
_keep = train_data, test_data
train_data, test_data = x_train, x_test
q_1.assert_check_unattempted()  # untouched
train_data, test_data = (x_train - mean) / std, (x_test - x_test.mean(axis=0)) / x_test.std(axis=0)
assert 'own mean' in q_1.assert_check_failed().message  # test normalised with its own statistics
_all = np.concatenate([x_train, x_test])
train_data, test_data = (x_train - _all.mean(axis=0)) / _all.std(axis=0), (x_test - _all.mean(axis=0)) / _all.std(axis=0)
assert 'all the data' in q_1.assert_check_failed().message  # normalised before the split
train_data, test_data = (x_train - std) / mean, (x_test - std) / mean
assert 'swapped' in q_1.assert_check_failed().message  # mean and std swapped
train_data, test_data = (x_train - mean) / std, x_test
assert 'raw test data' in q_1.assert_check_failed().message  # test left as it was
train_data, test_data = x_train - mean, x_test - mean
assert 'not scaled' in q_1.assert_check_failed().message  # centred only
_sd1 = x_train.std(axis=0, ddof=1)
train_data, test_data = (x_train - mean) / _sd1, (x_test - mean) / _sd1
q_1.assert_check_passed()  # pandas' standard deviation (ddof=1) is fine too
from sklearn.preprocessing import StandardScaler
_scaler = StandardScaler().fit(x_train)
train_data, test_data = _scaler.transform(x_train), _scaler.transform(x_test)
q_1.assert_check_passed()  # scikit-learn's StandardScaler fitted on the training data
train_data, test_data = _keep

# %% [markdown]
# # 2) A function that builds the model
#
# K-fold validation trains a **fresh** model for every fold, so write a function that builds and
# compiles one. Use the logbook's network: `Dense(13)`, then three `Dense(64)`, all with the `elu`
# activation, and a `Dense(1)` output without activation (a price can be any number). Compile it
# with the `rmsprop` optimizer, the mean squared error loss (`'mse'`) and the mean absolute error
# as a metric (`'mae'`).

# %%
def build_model():
    # BEGIN SOLUTION
    model = keras.Sequential([
        keras.Input(shape=(13,)),
        layers.Dense(13, activation='elu'),
        layers.Dense(64, activation='elu'),
        layers.Dense(64, activation='elu'),
        layers.Dense(64, activation='elu'),
        layers.Dense(1),
    ])
    model.compile(optimizer='rmsprop', loss='mse', metrics=['mae'])
    # END SOLUTION
    return model

# Check your answer
q_2.check()

# %%
#q_2.hint()
#q_2.solution()

# %% tags=["test"]
_keep_build = build_model
def _net(*hidden, compiled=True, **kw):
    m = keras.Sequential([keras.Input(shape=(13,)), *hidden, layers.Dense(1)])
    if compiled:
        m.compile(**{'optimizer': 'rmsprop', 'loss': 'mse', 'metrics': ['mae'], **kw})
    return m
_elu = lambda n: layers.Dense(n, activation='elu')
def build_model():
    return _net(layers.Dense(64, activation='relu'), layers.Dense(64, activation='relu'))
assert "book's model" in q_2.assert_check_failed().message  # DLwP's 64-64-1 relu
def build_model():
    return _net(_elu(13), _elu(64), _elu(64))
q_2.assert_check_failed()  # a hidden layer missing
def build_model():
    return _net(_elu(13), _elu(64), _elu(64), _elu(64), compiled=False)
assert 'not compiled' in q_2.assert_check_failed().message
def build_model():
    return _net(_elu(13), _elu(64), _elu(64), _elu(64), optimizer='adam')
assert 'RMSprop' in q_2.assert_check_failed().message
def build_model():
    return _net(_elu(13), _elu(64), _elu(64), _elu(64), metrics=['accuracy'])
assert 'mae' in q_2.assert_check_failed().message  # no MAE metric
def build_model():
    model = keras.Sequential([keras.Input(shape=(13,)), _elu(13), _elu(64), _elu(64), _elu(64),
                              layers.Dense(1, activation='relu')])
    model.compile(optimizer='rmsprop', loss='mse', metrics=['mae'])
    return model
q_2.assert_check_failed()  # relu on the output
def build_model():
    model = _net(_elu(13), _elu(64), _elu(64), _elu(64), compiled=False)
    model.compile(optimizer='rmsprop', loss='mse', metrics=['mae'])
q_2.assert_check_failed()  # no `return model`
def build_model():
    return build_model()
assert 'without end' in q_2.assert_check_failed().message
def build_model():
    return _net(_elu(13), _elu(64), _elu(64), _elu(64), optimizer=keras.optimizers.RMSprop(),
                loss='mean_squared_error', metrics=['mean_absolute_error'])
q_2.assert_check_passed()  # other spellings of the same compile
def build_model():
    inputs = keras.Input(shape=(13,))
    x = layers.Dense(13, activation=keras.activations.elu)(inputs)
    for _ in range(3):
        x = layers.Dense(64, activation='elu')(x)
    model = keras.Model(inputs, layers.Dense(1)(x))
    model.compile(optimizer='rmsprop', loss='mse', metrics=['mae'])
    return model
q_2.assert_check_passed()  # functional API
build_model = _keep_build

# %% [markdown]
# # 3) The folds
#
# Write `get_fold(i, k, data, targets)`, which returns fold `i` of `k` as four arrays:
# `val_data, val_targets, partial_train_data, partial_train_targets`. With
# `num_val_samples = len(data) // k` (101 here), fold `i` validates on the samples from
# `i * num_val_samples` up to (not including) `(i + 1) * num_val_samples`, and trains on **all the
# others** (`np.concatenate` joins the part before the slice and the part after it).

# %%
def get_fold(i, k, data, targets):
    num_val_samples = len(data) // k
    # BEGIN SOLUTION
    val_data = data[i * num_val_samples: (i + 1) * num_val_samples]
    val_targets = targets[i * num_val_samples: (i + 1) * num_val_samples]
    partial_train_data = np.concatenate(
        [data[:i * num_val_samples], data[(i + 1) * num_val_samples:]], axis=0)
    partial_train_targets = np.concatenate(
        [targets[:i * num_val_samples], targets[(i + 1) * num_val_samples:]], axis=0)
    # END SOLUTION
    return val_data, val_targets, partial_train_data, partial_train_targets

# Check your answer
q_3.check()

# %%
#q_3.hint()
#q_3.solution()

# %% tags=["test"]
_keep = get_fold
def get_fold(i, k, data, targets):  # the same slice every time
    n = len(data) // k
    return data[:n], targets[:n], data[n:], targets[n:]
assert 'same samples' in q_3.assert_check_failed().message
def get_fold(i, k, data, targets):  # validation data left in the training part
    n = len(data) // k
    return data[i * n:(i + 1) * n], targets[i * n:(i + 1) * n], data, targets
assert 'also validates on' in q_3.assert_check_failed().message
def get_fold(i, k, data, targets):  # the remainder dropped from training
    n = len(data) // k
    keep = np.r_[0:i * n, (i + 1) * n:k * n]
    return data[i * n:(i + 1) * n], targets[i * n:(i + 1) * n], data[keep], targets[keep]
assert 'remainder' in q_3.assert_check_failed().message
def get_fold(i, k, data, targets):  # targets of other samples
    n = len(data) // k
    rest = np.r_[0:i * n, (i + 1) * n:len(data)]
    return data[i * n:(i + 1) * n], targets[:n], data[rest], targets[rest]
assert 'targets' in q_3.assert_check_failed().message
def get_fold(i, k, data, targets):  # rounded up: unequal folds
    n = -(-len(data) // k)
    rest = np.r_[0:i * n, min((i + 1) * n, len(data)):len(data)]
    return data[i * n:(i + 1) * n], targets[i * n:(i + 1) * n], data[rest], targets[rest]
q_3.assert_check_failed()
def get_fold(i, k, data, targets):  # scikit-learn's KFold: a valid alternative
    from sklearn.model_selection import KFold
    train_idx, val_idx = list(KFold(n_splits=k).split(data))[i]
    return data[val_idx], targets[val_idx], data[train_idx], targets[train_idx]
q_3.assert_check_passed()
def get_fold(i, k, data, targets):  # a boolean mask: also fine
    n = len(data) // k
    mask = np.zeros(len(data), dtype=bool)
    mask[i * n:(i + 1) * n] = True
    return data[mask], targets[mask], data[~mask], targets[~mask]
q_3.assert_check_passed()
get_fold = _keep

# %% [markdown]
# # 4) K-fold validation
#
# For each of the `k = 4` folds: get the fold with `get_fold`, build a fresh model with
# `build_model()`, fit it on the training part for `num_epochs` epochs (`batch_size=16`,
# `verbose=0`), evaluate it on the validation slice and append its validation MAE to `all_scores`.
# Then store the mean of the scores in `mean_score`. (This takes a few seconds.)

# %%
k = 4
num_epochs = 20
all_scores = []
# EXERCISE: # for i in range(k):
# EXERCISE: #     ...
# EXERCISE: mean_score = ____
# BEGIN SOLUTION
for i in range(k):
    val_data, val_targets, partial_train_data, partial_train_targets = get_fold(i, k, train_data, train_targets)
    model = build_model()
    model.fit(partial_train_data, partial_train_targets, epochs=num_epochs, batch_size=16, verbose=0)
    val_mse, val_mae = model.evaluate(val_data, val_targets, verbose=0)
    all_scores.append(val_mae)
mean_score = np.mean(all_scores)
# END SOLUTION
print("validation MAE per fold:", np.round(all_scores, 2))

# Check your answer
q_4.check()

# %%
#q_4.hint()
#q_4.solution()

# %% tags=["test"]
assert 2.3 <= mean_score <= 3.6, all_scores
_keep = all_scores, mean_score
all_scores = []
q_4.assert_check_unattempted()  # the starter's empty list
all_scores, mean_score = _keep[0][:3], np.mean(_keep[0][:3])
assert '3 scores' in q_4.assert_check_failed().message  # the loop ran over 3 folds
all_scores, mean_score = _keep[0] * 2, np.mean(_keep[0])
assert 'all_scores = []' in q_4.assert_check_failed().message  # not reset: 8 scores
all_scores, mean_score = _keep[0], _keep[0][-1]
assert 'np.mean' in q_4.assert_check_failed().message  # the last score, not the mean
all_scores = [6.1, 5.8, 6.4, 5.9]  # e.g. unnormalised data
mean_score = np.mean(all_scores)
assert '2.3 to 3.6' in q_4.assert_check_failed().message
import statistics
all_scores, mean_score = np.array(_keep[0]), statistics.mean(_keep[0])
q_4.assert_check_passed()  # an array and statistics.mean
all_scores, mean_score = _keep

# %% [markdown]
# # 5) An error in dollars
#
# In the logbook, the first fold's validation MAE was **2.29**. The targets are median prices in
# thousands of dollars. On average, how many dollars are that fold's predictions off by? Store the
# number in `error_in_dollars`.

# %%
# BEGIN SOLUTION
error_in_dollars = 2.29 * 1000
# END SOLUTION

# Check your answer
q_5.check()

# %%
#q_5.hint()
#q_5.solution()

# %% tags=["test"]
_keep = error_in_dollars
error_in_dollars = 1966.4
assert 'wrong' in q_5.assert_check_failed().message  # the logbook's figure (seed error G.18)
error_in_dollars = 2.29
q_5.assert_check_failed()
error_in_dollars = 229
q_5.assert_check_failed()
error_in_dollars = 2292.69
q_5.assert_check_passed()  # the unrounded score
error_in_dollars = _keep

# %% [markdown]
# # The end
#
# With more epochs the logbook's folds reached a mean MAE of 2.41, about $2,400. K-fold validation
# tells you how much of that is the model and how much the luck of one split: here the folds differ
# by several hundred dollars.
#
# Your progress on this exercise:

# %%
progress()
