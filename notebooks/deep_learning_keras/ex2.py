# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   learnkit:
#     exercise: deep_learning_keras.ex2
# ---

# %% [markdown]
# # Optimising and validating
#
# Tune how a network learns: try three learning rates, hold out validation data, stop training when
# it stops helping, and compare wider and deeper networks on their validation loss.
#
# *This exercise follows DataCamp's* Introduction to Deep Learning in Python, *chapter 4, written for
# Keras 3: `SGD(learning_rate=...)` instead of `SGD(lr=...)`, explicit `epochs=`, and `accuracy`
# instead of `acc`.*
#
# Run the next cell to set everything up.

# %%
from learnkit.core import binder
binder.bind(globals())
from checkers.deep_learning_keras.ex2 import *

import matplotlib.pyplot as plt
import pandas as pd
import keras
from keras import layers
from keras.callbacks import EarlyStopping
from keras.optimizers import SGD
from keras.utils import to_categorical
from learnkit import data
from learnkit.keras.runs import plot_runs

keras.utils.set_random_seed(0)  # fixed seeds: on the TensorFlow backend your numbers match the ones quoted here

# %% [markdown]
# We use the Titanic data again, all 891 passengers, with the 10 predictors unscaled as in the
# course. `get_new_model()` builds a fresh, untrained network each time you call it: two hidden layers
# of 100 `relu` units and a softmax over the 2 classes.

# %%
df = pd.read_csv(data.path('titanic'))
predictors = df.drop(columns='survived').to_numpy(dtype='float32')
target = to_categorical(df.survived)
n_cols = predictors.shape[1]
input_shape = (n_cols,)

def get_new_model(input_shape=input_shape):
    model = keras.Sequential()
    model.add(keras.Input(shape=input_shape))
    model.add(layers.Dense(100, activation='relu'))
    model.add(layers.Dense(100, activation='relu'))
    model.add(layers.Dense(2, activation='softmax'))
    return model

# %% [markdown]
# # 1) Diagnosing optimization problems
#
# Which of the following could prevent a model from showing an improved loss in its first few
# epochs?
#
# a) Learning rate too low. <br>
# b) Learning rate too high. <br>
# c) Poor choice of activation function. <br>
# d) All of the above.
#
# Set `answer_1` to the letter of your choice.

# %%
# BEGIN SOLUTION
answer_1 = 'd'
# END SOLUTION
q_1.check()

# %% tags=["test"]
for _wrong in ('a', 'b', 'c', 'e'):
    answer_1 = _wrong
    q_1.assert_check_failed()
answer_1 = 'All of the above.'
q_1.assert_check_passed()
answer_1 = 'd'

# %% [markdown]
# # 2) Changing optimization parameters
#
# Optimize a model at a very low learning rate (0.000001), a very high one (1.0) and a "just right"
# one (0.01). For a fair comparison each learning rate starts from a fresh model from
# `get_new_model()`. Keep each run's History in the dict `histories`, with the learning rate as key.
#
# *Keras 3 wants the learning rate as a float: `SGD(learning_rate=1)` is an error, write `1.0`.*

# %%
# Create list of learning rates: lr_to_test
# BEGIN SOLUTION
lr_to_test = [0.000001, 0.01, 1.0]
histories = {}
# Loop over learning rates
for lr in lr_to_test:
    print('Testing model with learning rate: %f' % lr)
    # Build new model to test, unaffected by previous models
    model = get_new_model()
    # Create SGD optimizer with specified learning rate: my_optimizer
    my_optimizer = SGD(learning_rate=lr)
    # Compile the model
    model.compile(optimizer=my_optimizer, loss='categorical_crossentropy')
    # Fit the model
    histories[lr] = model.fit(predictors, target, epochs=10, verbose=0)
    print('final loss: %.4f' % histories[lr].history['loss'][-1])
# END SOLUTION
# EXERCISE: lr_to_test = ____
# EXERCISE: histories = {}
# EXERCISE: # Loop over learning rates (uncomment the loop and fill in the blanks)
# EXERCISE: # for lr in lr_to_test:
# EXERCISE: #     # Build new model to test, unaffected by previous models
# EXERCISE: #     model = ____
# EXERCISE: #     # Create SGD optimizer with specified learning rate: my_optimizer
# EXERCISE: #     my_optimizer = ____
# EXERCISE: #     # Compile the model
# EXERCISE: #     model.compile(optimizer=my_optimizer, loss='categorical_crossentropy')
# EXERCISE: #     # Fit the model
# EXERCISE: #     histories[lr] = model.fit(predictors, target, epochs=10, verbose=0)

# Check your answer
q_2.check()

# %%
#q_2.hint()
#q_2.solution()

# %% [markdown]
# DataCamp's runs ended at losses 0.6034, 0.5823 and 0.6060. With the fixed seeds, the smallest
# learning rate is still far above the others after 10 epochs, 0.01 ends lowest, and 1.0 takes such big
# steps that the first epoch's loss is huge and the network then gets stuck at one value: it predicts
# the same probabilities for every passenger.

# %% tags=["test"]
_final = {lr: h.history['loss'][-1] for lr, h in histories.items()}
assert _final[0.01] < _final[1e-06] and _final[0.01] < _final[1.0], _final
_keep = histories
histories = {}
q_2.assert_check_unattempted()
histories = {lr: _keep[lr] for lr in (1e-06, 0.01)}
assert '1.0' in q_2.assert_check_failed().message  # a learning rate is missing
histories = {1e-05: _keep[1e-06], 0.01: _keep[0.01], 1.0: _keep[1.0]}
q_2.assert_check_failed()  # another learning rate
histories = {1e-06: _keep[0.01], 0.01: _keep[0.01], 1.0: _keep[1.0]}
q_2.assert_check_failed()  # the same run twice
histories = [_keep[lr] for lr in lr_to_test]
q_2.assert_check_failed()  # a list, not a dict
_m = get_new_model()
histories = {}
for _lr in lr_to_test:  # one model for every learning rate
    _m.compile(optimizer=SGD(learning_rate=_lr), loss='categorical_crossentropy')
    histories[_lr] = _m.fit(predictors[:32], target[:32], epochs=10, verbose=0)
assert 'get_new_model()' in q_2.assert_check_failed().message
histories = {lr: get_new_model() for lr in lr_to_test}
q_2.assert_check_failed()  # models, not Histories
histories = {}
for _lr in (1e-06, 0.01, 1.0):
    _m = get_new_model()
    _m.compile(optimizer=keras.optimizers.SGD(_lr), loss=keras.losses.CategoricalCrossentropy())
    histories[_lr] = _m.fit(predictors[:32], target[:32], epochs=10, verbose=0)
q_2.assert_check_passed()  # other spellings, other data: the check is about the runs' set-up
histories = _keep

# %% [markdown]
# # 3) Evaluating model accuracy on a validation dataset
#
# A model definition is provided as `model`. Compile it with the Adam optimizer, the categorical
# cross-entropy and the accuracy metric, then fit it for 10 epochs, keeping 30% of the data apart for
# validation (`validation_split=0.3`). Keep the History in `hist`.

# %%
model = get_new_model()

# BEGIN SOLUTION
# Compile the model
model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
# Fit the model
hist = model.fit(predictors, target, epochs=10, validation_split=0.3)
# END SOLUTION
# EXERCISE: # Compile the model
# EXERCISE: # model.compile(____)  # uncomment and fill in
# EXERCISE: # Fit the model
# EXERCISE: hist = ____

# Check your answer
q_3.check()

# %%
#q_3.hint()
#q_3.solution()

# %% tags=["test"]
assert 0.65 < hist.history['val_accuracy'][-1] < 0.9, hist.history['val_accuracy']
_keep = hist
hist = model.fit(predictors[:32], target[:32], epochs=10, verbose=0)
assert 'validation_split=0.3' in q_3.assert_check_failed().message
hist = model.fit(predictors, target, epochs=2, validation_split=0.2, verbose=0)
q_3.assert_check_failed()  # epochs=2
hist = model.fit(predictors, target, epochs=10, validation_split=0.2, verbose=0)
assert '623' in q_3.assert_check_failed().message  # 20% held out, not 30%
hist = model
q_3.assert_check_failed()
_m = get_new_model()
_m.compile(optimizer='sgd', loss='categorical_crossentropy', metrics=['accuracy'])
hist = _m.fit(predictors[:32], target[:32], epochs=1, verbose=0)
assert 'Adam' in q_3.assert_check_failed().message
hist = model.fit(predictors[:623], target[:623], epochs=10, validation_data=(predictors[623:], target[623:]),
                 verbose=0)
q_3.assert_check_passed()  # the same split, written out
hist = _keep

# %% [markdown]
# DataCamp's run ended at a validation accuracy of 0.7351; with the fixed seeds yours ends near 0.74.
#
# # 4) Early stopping: optimizing the optimization
#
# Stop training when the validation loss has not improved for 2 epochs: create
# `early_stopping_monitor = EarlyStopping(patience=2)` and pass it to `fit` in a list
# (`callbacks=[early_stopping_monitor]`). Since training stops by itself, allow up to 30 epochs, and
# keep 30% of the data for validation. Keep the History in `history`.

# %%
model = get_new_model()

# BEGIN SOLUTION
# Compile the model
model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
# Define early_stopping_monitor
early_stopping_monitor = EarlyStopping(patience=2)
# Fit the model
history = model.fit(predictors, target, epochs=30, validation_split=0.3,
                    callbacks=[early_stopping_monitor])
# END SOLUTION
# EXERCISE: # Compile the model
# EXERCISE: # model.compile(____)  # uncomment and fill in
# EXERCISE: # Define early_stopping_monitor
# EXERCISE: early_stopping_monitor = ____
# EXERCISE: # Fit the model
# EXERCISE: history = ____

# Check your answer
q_4.check()

# %%
#q_4.hint()
#q_4.solution()

# %% [markdown]
# DataCamp's run stopped after 7 epochs. With the fixed seeds yours stops after 25: the validation loss
# is lowest at epoch 23 and does not improve in epochs 24 and 25.

# %% tags=["test"]
_keep, _keep_cb = history, early_stopping_monitor
early_stopping_monitor = EarlyStopping(patience=3)
assert 'patience=2' in q_4.assert_check_failed().message
early_stopping_monitor = EarlyStopping(patience=2, monitor='loss')
assert "'val_loss'" in q_4.assert_check_failed().message
early_stopping_monitor = EarlyStopping(patience=2)
assert 'never passed' in q_4.assert_check_failed().message  # created, not used
early_stopping_monitor = _keep_cb
history = model.fit(predictors[:64], target[:64], epochs=10, validation_split=0.3,
                    callbacks=[early_stopping_monitor], verbose=0)
assert 'epochs=30' in q_4.assert_check_failed().message
early_stopping_monitor = EarlyStopping(monitor='val_loss', patience=2, restore_best_weights=True)
history = model.fit(predictors, target, epochs=30, validation_split=0.3, callbacks=[early_stopping_monitor],
                    verbose=0)
q_4.assert_check_passed()
early_stopping_monitor = _keep_cb
history = keras.callbacks.History()  # a run that went on too long: validation loss rising from epoch 4
history.set_model(model)
history.set_params({'verbose': 0, 'epochs': 30, 'steps': 20})
history.on_train_begin()
for _e in range(30):
    history.on_epoch_end(_e, {'loss': 0.7 - 0.01 * _e, 'accuracy': 0.7, 'val_loss': abs(_e - 3) * 0.01 + 0.5,
                              'val_accuracy': 0.7})
assert 'would have stopped it after epoch 6' in q_4.assert_check_failed().message
history, early_stopping_monitor = _keep, _keep_cb
model.history = _keep

# %% [markdown]
# # 5) Experimenting with wider networks
#
# `model_1` is a small network with only 10 units in each hidden layer. Create `model_2`, the same
# network with 100 units in each hidden layer, compile it like `model_1`, and fit both models for up
# to 15 epochs with 20% validation data and `early_stopping_monitor`. The plot compares their
# validation losses.

# %%
model_1 = keras.Sequential([keras.Input(shape=input_shape), layers.Dense(10, activation='relu'),
                            layers.Dense(10, activation='relu'), layers.Dense(2, activation='softmax')])
model_1.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
model_1.summary()

# %%
# Define early_stopping_monitor
early_stopping_monitor = EarlyStopping(patience=2)

# BEGIN SOLUTION
# Create the new model: model_2
model_2 = keras.Sequential()
model_2.add(keras.Input(shape=input_shape))
# Add the first and second layers
model_2.add(layers.Dense(100, activation='relu'))
model_2.add(layers.Dense(100, activation='relu'))
# Add the output layer
model_2.add(layers.Dense(2, activation='softmax'))
# Compile model_2
model_2.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
# Fit model_1
model_1_training = model_1.fit(predictors, target, epochs=15, validation_split=0.2,
                               callbacks=[early_stopping_monitor], verbose=0)
# Fit model_2
model_2_training = model_2.fit(predictors, target, epochs=15, validation_split=0.2,
                               callbacks=[early_stopping_monitor], verbose=0)
# END SOLUTION
# EXERCISE: # Create the new model: model_2
# EXERCISE: model_2 = ____
# EXERCISE: # Add the first and second layers, then the output layer
# EXERCISE:
# EXERCISE: # Compile model_2
# EXERCISE:
# EXERCISE: # Fit model_1 and model_2 (epochs=15, validation_split=0.2, callbacks=[early_stopping_monitor], verbose=0)
# EXERCISE: model_1_training = ____
# EXERCISE: model_2_training = ____

# Create the plot
plot_runs({'model_1': model_1_training, 'model_2': model_2_training}, key='val_loss')
plt.show()

# Check your answer
q_5.check()

# %%
#q_5.hint()
#q_5.solution()

# %% [markdown]
# In DataCamp's run the wider model_2 reached the lower validation loss. The features are unscaled, so
# runs are noisy: with other seeds either model can win, and early stopping with patience 2 sometimes
# ends a run after 3 or 4 epochs. Your check's message compares your own two curves.

# %% tags=["test"]
_keep = model_1_training, model_2_training, early_stopping_monitor
model_1_training, model_2_training = _keep[1], _keep[0]
q_5.assert_check_failed()  # swapped
model_2_training = _keep[0]
q_5.assert_check_failed()  # model_1's run twice
model_1_training, model_2_training = _keep[:2]
early_stopping_monitor = EarlyStopping(patience=2)
q_5.assert_check_failed()  # a new callback, never used
early_stopping_monitor = EarlyStopping(patience=5)
q_5.assert_check_failed()
early_stopping_monitor = _keep[2]
_m = keras.Sequential([keras.Input(shape=input_shape), layers.Dense(100, activation='relu'),
                       layers.Dense(2, activation='softmax')])
_m.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
model_2_training = _m.fit(predictors[:32], target[:32], epochs=1, verbose=0)
assert 'should have 3' in q_5.assert_check_failed().message  # one hidden layer
_inputs = keras.Input(shape=input_shape)
_x = layers.Dense(100, activation='relu')(_inputs)
_x = layers.Dense(100, activation=keras.activations.relu)(_x)
_m = keras.Model(_inputs, layers.Dense(2, activation='softmax')(_x))
_m.compile(optimizer=keras.optimizers.Adam(), loss='categorical_crossentropy', metrics=['acc'])
model_2_training = _m.fit(predictors, target, epochs=15, validation_split=0.2, callbacks=[early_stopping_monitor],
                          verbose=0)
q_5.assert_check_passed()  # functional API, 'acc'
model_1_training, model_2_training, early_stopping_monitor = _keep

# %% [markdown]
# # 6) Adding layers to a network
#
# Now try a deeper network. `model_1` has one hidden layer of 50 units. Create `model_2` with three
# hidden layers of 50 units, compile it like `model_1`, and fit both for up to 20 epochs with 40%
# validation data and `early_stopping_monitor`.

# %%
model_1 = keras.Sequential([keras.Input(shape=input_shape), layers.Dense(50, activation='relu'),
                            layers.Dense(2, activation='softmax')])
model_1.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
model_1.summary()

# %%
# BEGIN SOLUTION
# Create the new model: model_2
model_2 = keras.Sequential()
model_2.add(keras.Input(shape=input_shape))
# Add the first, second, and third hidden layers
model_2.add(layers.Dense(50, activation='relu'))
model_2.add(layers.Dense(50, activation='relu'))
model_2.add(layers.Dense(50, activation='relu'))
# Add the output layer
model_2.add(layers.Dense(2, activation='softmax'))
# Compile model_2
model_2.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
# Fit model 1
model_1_training = model_1.fit(predictors, target, epochs=20, validation_split=0.4,
                               callbacks=[early_stopping_monitor], verbose=0)
# Fit model 2
model_2_training = model_2.fit(predictors, target, epochs=20, validation_split=0.4,
                               callbacks=[early_stopping_monitor], verbose=0)
# END SOLUTION
# EXERCISE: # Create the new model: model_2
# EXERCISE: model_2 = ____
# EXERCISE: # Add the first, second, and third hidden layers, then the output layer
# EXERCISE:
# EXERCISE: # Compile model_2
# EXERCISE:
# EXERCISE: # Fit model_1 and model_2 (epochs=20, validation_split=0.4, callbacks=[early_stopping_monitor], verbose=0)
# EXERCISE: model_1_training = ____
# EXERCISE: model_2_training = ____

# Create the plot
plot_runs({'model_1': model_1_training, 'model_2': model_2_training}, key='val_loss')
plt.show()

# Check your answer
q_6.check()

# %%
#q_6.hint()
#q_6.solution()

# %% tags=["test"]
_keep = model_1_training, model_2_training, early_stopping_monitor
assert "question 6" in q_5.assert_check_failed().message  # asked: the pair now holds question 6's runs
model_1_training, model_2_training = _keep[1], _keep[0]
q_6.assert_check_failed()  # swapped
model_1_training, model_2_training = _keep[0], _keep[0]
q_6.assert_check_failed()
model_1_training, model_2_training = _keep[:2]
early_stopping_monitor = EarlyStopping(patience=1)
q_6.assert_check_failed()
early_stopping_monitor = _keep[2]
_m = keras.Sequential([keras.Input(shape=input_shape)] + [layers.Dense(50, activation='relu') for _ in range(2)]
                      + [layers.Dense(2, activation='softmax')])
_m.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
model_2_training = _m.fit(predictors[:32], target[:32], epochs=1, verbose=0)
assert 'should have 4' in q_6.assert_check_failed().message  # two hidden layers, not three
model_1_training, model_2_training, early_stopping_monitor = _keep

# %% [markdown]
# With the fixed seeds, early stopping ends model_2's run after only 5 epochs here, and its validation
# loss stays above model_1's: with patience 2, one unlucky epoch on a noisy curve can stop a run too
# soon. Try `patience=3` or another seed to see how much the comparison depends on it.
#
# # 7) Experimenting with model structures
#
# You have compared two networks that were identical except that the second had two more hidden
# layers. In DataCamp's run the deeper network did better. Given that, what would be a good next step
# to try for even better performance?
#
# a) Go back to the network with one hidden layer. <br>
# b) Increase the number of units in each hidden layer. <br>
# c) Decrease the number of units in each hidden layer.

# %%
# BEGIN SOLUTION
answer_7 = 'b'
# END SOLUTION
q_7.check()

# %% tags=["test"]
for _wrong in ('a', 'c', 'd', 42):
    answer_7 = _wrong
    q_7.assert_check_failed()
answer_7 = 'b'

# %% [markdown]
# # Keep going
#
# Next, build a digit recogniser: the capstone of the DataCamp course.
#
# Your progress on this exercise:

# %%
progress()
