# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   learnkit:
#     exercise: deep_learning_logbook.ex2
# ---

# %% [markdown]
# # Capacity, overfitting and regularisation
#
# A model generalises when what it learns from the training data also holds for data it has not
# seen. In this exercise you provoke the two ways it can fail, **overfitting** (the model learns
# details of its training images, noise included) and **underfitting** (the model is too small, or
# training is broken), on handwritten digits, and meet two remedies: **L2 weight regularisation** and
# **dropout**.
#
# *This exercise follows week 6 of the deep learning logbook (after* Deep Learning with Python,
# *§5.2–5.4), in Keras 3. The logbook trained on MNIST's 60,000 training images for 10 to 20
# epochs; to keep the notebook quick you use the first 2,000 images of the MNIST test set (1,600 to
# train, 400 to validate) for 5 epochs with Keras's default batch size of 32. The accuracies are
# lower than the logbook's (about 0.85 to 0.9 instead of 0.97), the comparisons are the same.*
#
# Run the next cell to set everything up.

# %%
from learnkit.core import binder
binder.bind(globals())
from checkers.deep_learning_logbook.ex2 import *

import numpy as np
import matplotlib.pyplot as plt
import keras
from keras import layers, regularizers
from learnkit import data
from learnkit.keras.plots import plot_history
from learnkit.keras.runs import plot_runs

keras.utils.set_random_seed(123)  # fixed seeds, as in the logbook

# The MNIST test set (10,000 images of 28 × 28 pixels, 0 to 255, and their digits); we use 2,000
images = data.load_array("mnist-images")[:2000]
train_labels = data.load_array("mnist-labels")[:2000]
print(images.shape, images.dtype, train_labels[:10])

# %% [markdown]
# # 1) Flatten and scale the images
#
# A `Dense` layer reads a vector, not a 28 × 28 grid. Write `flatten_and_scale(images)`, which
# returns the images flattened into one row of 784 pixels each (shape `(len(images), 784)`), as
# `float32`, scaled from 0–255 to 0–1 by dividing by 255. The cell then makes `train_images`.

# %%
def flatten_and_scale(images):
    # BEGIN SOLUTION
    flat = images.reshape((len(images), 784)).astype('float32') / 255
    # END SOLUTION
    return flat

train_images = flatten_and_scale(images)

# Check your answer
q_1.check()

# %%
#q_1.hint()
#q_1.solution()

# %% tags=["test"]
_keep = flatten_and_scale
def flatten_and_scale(images):  # not flattened
    return images.astype('float32') / 255
assert 'not flattened' in q_1.assert_check_failed().message
def flatten_and_scale(images):  # not scaled
    return images.reshape((len(images), 784))
assert 'not scaled' in q_1.assert_check_failed().message
def flatten_and_scale(images):  # floor division
    return images.reshape((len(images), 784)) // 255
assert '//' in q_1.assert_check_failed().message
def flatten_and_scale(images):  # the wrong way round
    return images.reshape((784, len(images))) / 255
assert '(784, number of images)' in q_1.assert_check_failed().message
def flatten_and_scale(images):  # the 2,000 of this notebook, hard-coded
    return images.reshape((2000, 784)).astype('float32') / 255
q_1.assert_check_failed()
def flatten_and_scale(images):  # float64 and -1: fine
    return images.reshape((-1, 28 * 28)) / 255.0
q_1.assert_check_passed()
def flatten_and_scale(images):  # also fine
    return images.reshape(len(images), -1).astype(np.float32) / 255
q_1.assert_check_passed()
flatten_and_scale = _keep

# %% [markdown]
# # 2) Noise channels and zero channels
#
# DLwP's first experiment: give every image 784 extra input "channels" that carry no information,
# once as random noise and once as zeros, and see what the noise does to generalisation.
#
# Write `add_noise_channels(images)`, which returns the (flattened, scaled) images with 784 columns
# of uniform noise in [0, 1) appended to every row (`np.random.random`), and
# `add_zeros_channels(images)`, which appends 784 columns of zeros. For `train_images` both give the
# shape `(2000, 1568)`.
#
# *The logbook made its noise with `np.random.randint(0, 255, ...)`: integers up to 254, next to
# pixels scaled to [0, 1]. DLwP uses `np.random.random`, noise on the pixels' own scale; so do you.*

# %%
def add_noise_channels(images):
    # BEGIN SOLUTION
    with_noise = np.concatenate([images, np.random.random((len(images), 784))], axis=1)
    # END SOLUTION
    return with_noise

def add_zeros_channels(images):
    # BEGIN SOLUTION
    with_zeros = np.concatenate([images, np.zeros((len(images), 784))], axis=1)
    # END SOLUTION
    return with_zeros

train_images_with_noise_channels = add_noise_channels(train_images)
train_images_with_zeros_channels = add_zeros_channels(train_images)

# Check your answer
q_2.check()

# %%
#q_2.hint()
#q_2.solution()

# %% tags=["test"]
_keep = add_noise_channels, add_zeros_channels
def add_noise_channels(images):  # the logbook's unscaled noise (seed error G.19)
    return np.concatenate([images, np.random.randint(0, 255, (len(images), 784))], axis=1)
assert 'randint' in q_2.assert_check_failed().message
def add_noise_channels(images):  # Gaussian noise
    return np.concatenate([images, np.random.normal(size=(len(images), 784))], axis=1)
assert '[0, 1)' in q_2.assert_check_failed().message
def add_noise_channels(images):  # a constant is not noise
    return np.concatenate([images, np.full((len(images), 784), 0.5)], axis=1)
assert 'standard deviation' in q_2.assert_check_failed().message
add_noise_channels = _keep[0]
def add_zeros_channels(images):  # rows joined
    return np.concatenate([images, np.zeros((len(images), 784))], axis=0)
assert 'axis=1' in q_2.assert_check_failed().message
def add_zeros_channels(images):  # zeros first
    return np.concatenate([np.zeros((len(images), 784)), images], axis=1)
assert 'come first' in q_2.assert_check_failed().message
def add_zeros_channels(images):  # ones
    return np.concatenate([images, np.ones((len(images), 784))], axis=1)
assert 'not all zeros' in q_2.assert_check_failed().message
def add_noise_channels(images):  # np.hstack, np.random.rand, float32: fine
    return np.hstack([images, np.random.rand(len(images), 784).astype('float32')])
def add_zeros_channels(images):  # zeros_like: fine
    return np.hstack([images, np.zeros_like(images)])
q_2.assert_check_passed()
def add_noise_channels(images):  # the new Generator API: fine
    return np.concatenate([images, np.random.default_rng().random((images.shape[0], 784))], axis=1)
q_2.assert_check_passed()
add_noise_channels, add_zeros_channels = _keep

# %% [markdown]
# # 3) The model
#
# The logbook's (and DLwP's) model for these experiments is given: a hidden layer of 512 units and
# an output layer for the 10 digits, compiled for integer labels. Read it: which activations does it
# use? Set `answer_3` to the letter of your choice.
#
# (a) ReLU in the hidden layer and sigmoid on the output  
# (b) ReLU in the hidden layer and softmax on the output  
# (c) softmax in both layers  
# (d) ReLU in both layers

# %%
def get_model():
    model = keras.Sequential([
        layers.Dense(512, activation='relu'),
        layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    return model

# BEGIN SOLUTION
answer_3 = 'b'
# END SOLUTION

# Check your answer
q_3.check()

# %%
#q_3.hint()
#q_3.solution()

# %% tags=["test"]
_keep = answer_3
answer_3 = 'a'
assert 'softmax' in q_3.assert_check_failed().message  # the logbook's description (seed error G.19)
answer_3 = 'd'
q_3.assert_check_failed()
answer_3 = 'c'
q_3.assert_check_failed()
answer_3 = '(B)'
q_3.assert_check_passed()
answer_3 = _keep

# %% [markdown]
# # 4) Noise channels against zero channels
#
# Train a fresh `get_model()` on each array, for 5 epochs with 20 % of the images kept for
# validation (`validation_split=0.2`, `verbose=0`), and keep what `fit` returns in `history_noise`
# and `history_zeros`. Then compare their validation accuracies.

# %%
# BEGIN SOLUTION
model = get_model()
history_noise = model.fit(train_images_with_noise_channels, train_labels,
                          epochs=5, validation_split=0.2, verbose=0)
model = get_model()
history_zeros = model.fit(train_images_with_zeros_channels, train_labels,
                          epochs=5, validation_split=0.2, verbose=0)
# END SOLUTION

plot_runs({'noise channels': history_noise, 'zero channels': history_zeros}, key='val_accuracy')
plt.show()

# Check your answer
q_4.check()

# %%
#q_4.hint()
#q_4.solution()

# %% tags=["test"]
_keep = history_noise, history_zeros
history_noise, history_zeros = _keep[1], _keep[0]
assert 'own array' in q_4.assert_check_failed().message  # swapped
history_noise, history_zeros = _keep[0], _keep[0]
q_4.assert_check_failed()  # the same run twice
_m = get_model()
history_zeros = _m.fit(train_images_with_zeros_channels[:64], train_labels[:64], epochs=5, verbose=0)
assert 'validation' in q_4.assert_check_failed().message  # no validation split
_m = get_model()
history_zeros = _m.fit(train_images[:64], train_labels[:64], epochs=1, validation_split=0.2, verbose=0)
q_4.assert_check_failed()  # the images without extra channels
history_noise, history_zeros = _keep

# %% [markdown]
# # 5) A learning rate too high, and an appropriate one
#
# Now on `train_images` (no extra channels): compile a fresh `get_model()` with
# `keras.optimizers.RMSprop(1.)` (a learning rate of 1.0, a thousand times RMSprop's default) and
# train it as before into `history_lr_high`; then another with `RMSprop(1e-2)` into
# `history_lr_good`. Keep the loss and the accuracy metric.

# %%
# BEGIN SOLUTION
model = get_model()
model.compile(optimizer=keras.optimizers.RMSprop(1.), loss='sparse_categorical_crossentropy', metrics=['accuracy'])
history_lr_high = model.fit(train_images, train_labels, epochs=5, validation_split=0.2, verbose=0)
model = get_model()
model.compile(optimizer=keras.optimizers.RMSprop(1e-2), loss='sparse_categorical_crossentropy', metrics=['accuracy'])
history_lr_good = model.fit(train_images, train_labels, epochs=5, validation_split=0.2, verbose=0)
# END SOLUTION

plot_runs({'RMSprop(1.)': history_lr_high, 'RMSprop(1e-2)': history_lr_good}, key='val_accuracy')
plt.show()

# Check your answer
q_5.check()

# %%
#q_5.hint()
#q_5.solution()

# %% tags=["test"]
_keep = history_lr_high, history_lr_good
history_lr_high, history_lr_good = _keep[1], _keep[0]
assert 'learning_rate=1' in q_5.assert_check_failed().message  # swapped
history_lr_high = _keep[0]
history_lr_good = history_zeros
q_5.assert_check_failed()  # another question's run
_m = get_model()
_m.compile(optimizer=keras.optimizers.Adam(1e-2), loss='sparse_categorical_crossentropy', metrics=['accuracy'])
history_lr_good = _m.fit(train_images[:64], train_labels[:64], epochs=1, validation_split=0.2, verbose=0)
assert 'RMSprop' in q_5.assert_check_failed().message  # Adam
_m = get_model()
_m.compile(optimizer=keras.optimizers.RMSprop(1e-3), loss='sparse_categorical_crossentropy', metrics=['accuracy'])
history_lr_good = _m.fit(train_images[:64], train_labels[:64], epochs=1, validation_split=0.2, verbose=0)
assert '0.01' in q_5.assert_check_failed().message  # the default learning rate
history_lr_high, history_lr_good = _keep

# %% [markdown]
# # 6) Logistic regression and a larger model
#
# Capacity the other way round. Train a model of one `Dense(10, activation='softmax')` layer (that is
# logistic regression) into `history_small_model`, and one with two hidden `Dense(96,
# activation='relu')` layers before that output into `history_large_model`. Compile both with
# `'rmsprop'` and the same loss and metric as `get_model()`, and train them as before.

# %%
# BEGIN SOLUTION
model = keras.Sequential([layers.Dense(10, activation='softmax')])
model.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
history_small_model = model.fit(train_images, train_labels, epochs=5, validation_split=0.2, verbose=0)
model = keras.Sequential([
    layers.Dense(96, activation='relu'),
    layers.Dense(96, activation='relu'),
    layers.Dense(10, activation='softmax'),
])
model.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
history_large_model = model.fit(train_images, train_labels, epochs=5, validation_split=0.2, verbose=0)
# END SOLUTION

plot_runs({'small': history_small_model, 'large': history_large_model}, key='val_loss')
plt.show()

# Check your answer
q_6.check()

# %%
#q_6.hint()
#q_6.solution()

# %% tags=["test"]
_keep = history_small_model, history_large_model
history_small_model, history_large_model = _keep[1], _keep[0]
q_6.assert_check_failed()  # swapped
history_small_model = _keep[0]
_i = keras.Input(shape=(784,))
_x = layers.Dense(96, activation='relu')(_i)
_m = keras.Model(_i, layers.Dense(10, activation='softmax')(_x))
_m.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
history_large_model = _m.fit(train_images[:64], train_labels[:64], epochs=1, validation_split=0.2, verbose=0)
q_6.assert_check_failed()  # one hidden layer
_m = keras.Sequential([layers.Dense(96, activation='relu'), layers.Dense(96, activation='relu'),
                       layers.Dense(10, activation='sigmoid')])
_m.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
history_large_model = _m.fit(train_images[:64], train_labels[:64], epochs=1, validation_split=0.2, verbose=0)
q_6.assert_check_failed()  # sigmoid output
history_small_model, history_large_model = _keep

# %% [markdown]
# # 7) L2 weight regularisation
#
# L2 regularisation adds `0.002 × weight²` for every weight of a layer to the loss, so large weights
# cost something and the model cannot fit the training images as closely. Build `model_l2`: two
# hidden layers `Dense(16, kernel_regularizer=regularizers.l2(0.002), activation='relu')` and a
# `Dense(10, activation='softmax')` output **without** a regularizer.
#
# *The logbook applied this to IMDB reviews, with one sigmoid unit as output (positive or negative);
# here the same hidden layers classify digits, so the output is the 10-way softmax.*

# %%
# BEGIN SOLUTION
model_l2 = keras.Sequential([
    layers.Dense(16, kernel_regularizer=regularizers.l2(0.002), activation='relu'),
    layers.Dense(16, kernel_regularizer=regularizers.l2(0.002), activation='relu'),
    layers.Dense(10, activation='softmax'),
])
# END SOLUTION

# Check your answer
q_7.check()

# %%
#q_7.hint()
#q_7.solution()

# %% tags=["test"]
_keep = model_l2
def _l2_net(*regs, out=None, last=layers.Dense(10, activation='softmax')):
    return keras.Sequential([keras.Input(shape=(784,))] + [layers.Dense(16, kernel_regularizer=r, activation='relu')
                                                           for r in regs] + [last])
model_l2 = _l2_net(regularizers.l2(0.002), None)
q_7.assert_check_failed()  # the second layer without L2
model_l2 = _l2_net(regularizers.l2(0.02), regularizers.l2(0.02))
assert '0.002' in q_7.assert_check_failed().message
model_l2 = _l2_net(regularizers.l1(0.002), regularizers.l1(0.002))
q_7.assert_check_failed()  # L1
model_l2 = _l2_net(regularizers.l2(0.002), regularizers.l2(0.002),
                   last=layers.Dense(10, activation='softmax', kernel_regularizer=regularizers.l2(0.002)))
q_7.assert_check_failed()  # the output regularised too
model_l2 = _l2_net(regularizers.l2(0.002), regularizers.l2(0.002), last=layers.Dense(1, activation='sigmoid'))
assert 'IMDB' in q_7.assert_check_failed().message  # the logbook's IMDB output
model_l2 = _l2_net(keras.regularizers.L2(0.002), regularizers.L1L2(l2=0.002))
q_7.assert_check_passed()  # other spellings of the same regulariser
model_l2 = _keep

# %% [markdown]
# # 8) Dropout
#
# Dropout sets a random half of a layer's outputs to zero at every training step (and none at
# prediction time), so no unit can rely on one particular other. Build `model_dropout`: two hidden
# `Dense(16, activation='relu')` layers, each followed by `Dropout(0.5)`, and the same
# `Dense(10, activation='softmax')` output.

# %%
# BEGIN SOLUTION
model_dropout = keras.Sequential([
    layers.Dense(16, activation='relu'),
    layers.Dropout(0.5),
    layers.Dense(16, activation='relu'),
    layers.Dropout(0.5),
    layers.Dense(10, activation='softmax'),
])
# END SOLUTION

# Check your answer
q_8.check()

# %%
#q_8.hint()
#q_8.solution()

# %% tags=["test"]
_keep = model_dropout
_d16 = lambda: layers.Dense(16, activation='relu')
_out = lambda: layers.Dense(10, activation='softmax')
model_dropout = keras.Sequential([keras.Input(shape=(784,)), _d16(), layers.Dropout(0.5), _d16(), _out()])
q_8.assert_check_failed()  # one Dropout only
model_dropout = keras.Sequential([keras.Input(shape=(784,)), _d16(), layers.Dropout(0.2), _d16(),
                                  layers.Dropout(0.2), _out()])
assert '0.5' in q_8.assert_check_failed().message
model_dropout = keras.Sequential([keras.Input(shape=(784,)), _d16(), layers.Dropout(0.5), _d16(),
                                  layers.Dropout(0.5), _out(), layers.Dropout(0.5)])
assert 'output layer' in q_8.assert_check_failed().message
model_dropout = keras.Sequential([keras.Input(shape=(784,)), layers.Dropout(0.5), _d16(), layers.Dropout(0.5),
                                  _d16(), _out()])
assert 'after' in q_8.assert_check_failed().message
_i = keras.Input(shape=(784,))
_x = layers.Dropout(rate=0.5)(layers.Dense(16, activation=keras.activations.relu)(_i))
_x = layers.Dropout(0.5)(layers.Dense(16, activation='relu')(_x))
model_dropout = keras.Model(_i, layers.Dense(10, activation='softmax')(_x))
q_8.assert_check_passed()  # functional API
model_dropout = _keep

# %% [markdown]
# # 9) What the curves show
#
# Plot the training and validation loss of the larger model and of the model with noise channels.
# Where does each start to overfit, and how can you tell? Which run underfits? What should L2 and
# dropout change in these curves? Think about it, then run the check and compare with the solution.

# %%
_fig, _axes = plt.subplots(1, 2, figsize=(10, 3.5))
for _ax, (_name, _h) in zip(_axes, [('larger model', history_large_model), ('noise channels', history_noise)]):
    if hasattr(_h, 'history'):  # trained in questions 6 and 4
        plot_history(_h, ax=_ax, title=_name)
plt.show()

q_9.check()

# %%
#q_9.solution()

# %% [markdown]
# # The end
#
# More capacity, more noise in the inputs or fewer training images all make a model overfit sooner;
# a learning rate far too high keeps it from learning at all. The remedies you built, L2 and dropout,
# are trained and compared in the logbook on IMDB reviews: the validation loss rises later and more
# slowly.
#
# Your progress on this exercise:

# %%
progress()
