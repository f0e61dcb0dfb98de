# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   learnkit:
#     exercise: deep_learning_keras.ex4
# ---

# %% [markdown]
# # Dropout and batch normalization: the red wine model
#
# A worked example before the *Dropout and Batch Normalization* exercise. Two special layers hold no
# neurons of their own but help a network learn:
#
# * **Dropout** randomly switches off a fraction (`rate`) of a layer's inputs at every training step.
#   Spurious patterns in the training data need very specific combinations of weights, which dropout
#   keeps breaking up; the network has to find broad, robust patterns instead. You can also see it as
#   training a committee of smaller networks, like a random forest of trees. Put the `Dropout` layer
#   just before the layer you want the dropout applied to.
# * **Batch normalization** looks at each batch as it comes in, normalizes it with the batch's own mean
#   and standard deviation, and rescales it with two trainable parameters. It mostly helps optimization:
#   models with batch normalization need fewer epochs and get "stuck" less. It can go after a layer, or
#   between a layer and its activation (`Dense(16)`, `BatchNormalization()`, `Activation('relu')`).
#
# *From Kaggle's* Intro to Deep Learning, *lesson 5, written for Keras 3 (`import keras`,
# `keras.Input`).*
#
# Run the next cell to set everything up.

# %%
from learnkit.core import binder
binder.bind(globals())
from checkers.deep_learning_keras.ex4 import *

import matplotlib.pyplot as plt
import pandas as pd
import keras
from keras import layers
from learnkit import data

plt.style.use('seaborn-v0_8-whitegrid')  # 'seaborn-whitegrid' was renamed in matplotlib 3.6
keras.utils.set_random_seed(0)  # fixed seeds: on the TensorFlow backend your numbers match the ones quoted here

# %% [markdown]
# The *Red Wine* data: 11 physico-chemical measurements of 1,599 Portuguese red wines and their quality
# score (3 to 8). This time we leave the data **unstandardized**, to show how batch normalization
# stabilizes training: the features range from 0.012 (chlorides) to 289 (total sulfur dioxide).

# %%
red_wine = pd.read_csv(data.path('red-wine'))

# Create training and validation splits
df_train = red_wine.sample(frac=0.7, random_state=0)
df_valid = red_wine.drop(df_train.index)

# Split features and target
X_train = df_train.drop('quality', axis=1)
X_valid = df_valid.drop('quality', axis=1)
y_train = df_train['quality']
y_valid = df_valid['quality']
print("training:", X_train.shape, " validation:", X_valid.shape)

# %% [markdown]
# # 1) Build the model
#
# Below is the network of the previous lesson: three hidden layers of 512 units. Increase its capacity
# even more, but control overfitting with dropout and speed up optimization with batch normalization:
# make each hidden layer `Dense(1024, activation='relu')`, and follow it with `Dropout(0.3)` and
# `BatchNormalization()`. (When adding dropout, you may need more units in your Dense layers.)

# %%
# EXERCISE: model = keras.Sequential([
# EXERCISE:     keras.Input(shape=[11]),
# EXERCISE:     layers.Dense(512, activation='relu'),
# EXERCISE:     layers.Dense(512, activation='relu'),
# EXERCISE:     layers.Dense(512, activation='relu'),
# EXERCISE:     layers.Dense(1),
# EXERCISE: ])
# BEGIN SOLUTION
model = keras.Sequential([
    keras.Input(shape=[11]),
    layers.Dense(1024, activation='relu'),
    layers.Dropout(0.3),
    layers.BatchNormalization(),
    layers.Dense(1024, activation='relu'),
    layers.Dropout(0.3),
    layers.BatchNormalization(),
    layers.Dense(1024, activation='relu'),
    layers.Dropout(0.3),
    layers.BatchNormalization(),
    layers.Dense(1),
])
# END SOLUTION

# Check your answer
q_1.check()

# %%
#q_1.hint()
#q_1.solution()

# %% tags=["test"]
_keep = model
def _block(units=1024, rate=0.3, bn_first=False, dropout=True, bn=True):
    extra = ([layers.Dropout(rate)] if dropout else []) + ([layers.BatchNormalization()] if bn else [])
    return [layers.Dense(units, activation='relu')] + (extra[::-1] if bn_first else extra)
def _wine(**kw):
    return keras.Sequential([keras.Input(shape=[11])] + _block(**kw) + _block(**kw) + _block(**kw) + [layers.Dense(1)])
model = keras.Sequential([keras.Input(shape=[11]), layers.Dense(512, activation='relu'),
                          layers.Dense(512, activation='relu'), layers.Dense(512, activation='relu'), layers.Dense(1)])
q_1.assert_check_unattempted()  # the starter
model = _wine(bn_first=True)
assert 'tutorial' in q_1.assert_check_failed().message
model = _wine(rate=0.5)
assert '0.3' in q_1.assert_check_failed().message
model = _wine(units=512)
q_1.assert_check_failed()
model = _wine(bn=False)
q_1.assert_check_failed()
model = _wine(dropout=False, bn=False)
assert 'no Dropout' in q_1.assert_check_failed().message
model = keras.Sequential([layers.Dense(1024, activation='relu', input_shape=[11]), layers.Dropout(rate=0.3),
                          layers.BatchNormalization()] + _block() + _block() + [layers.Dense(1)])
q_1.assert_check_passed()  # the tutorial's own input_shape= spelling
model = _keep

# %% [markdown]
# # 2) Train it and read the learning curves
#
# There's nothing to change in how we set up the training. The tutorial trains for 100 epochs, about a
# minute on a laptop CPU for two million parameters; to keep this notebook quick we train for **30**,
# which is enough to see what batch normalization does here. Set `epochs=100` to see the rest.

# %%
model.compile(
    optimizer='adam',
    loss='mae',
)
history = model.fit(
    X_train, y_train,
    validation_data=(X_valid, y_valid),
    batch_size=256,
    epochs=30,
    verbose=0,
)

# Show the learning curves
history_df = pd.DataFrame(history.history)
history_df.loc[:, ['loss', 'val_loss']].plot()
plt.show()
print("Minimum validation loss: {:0.4f}".format(history_df['val_loss'].min()))

# %% tags=["test"]
assert history_df['val_loss'].min() < 1.0, history_df['val_loss'].min()
assert 'epoch' in q_2.assert_check_passed().diagnosis
_keep = history
history = model
q_2.assert_check_failed()  # not a History
history = _keep

# %% [markdown]
# Was batch normalization able to stabilize training on the raw data? Run the next cell for the
# answer and a diagnosis of your own curves.

# %%
q_2.check()

# %% [markdown]
# # Keep going
#
# Now add dropout to the Spotify model and batch normalization to the Concrete model in the
# *Dropout and Batch Normalization* exercise.
#
# Your progress on this exercise:

# %%
progress()
