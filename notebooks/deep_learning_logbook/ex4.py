# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   learnkit:
#     exercise: deep_learning_logbook.ex4
# ---

# %% [markdown]
# # Transfer learning with VGG16
#
# With only 2,000 pictures of dogs and cats, a convnet trained from scratch reached 72 % test
# accuracy in the logbook. A network trained on the 1.4 million images of ImageNet already knows
# edges, textures, fur and eyes: reuse its **convolutional base** and train only a small
# classifier on top (*feature extraction*), then unfreeze its last block and adjust it slightly
# (*fine-tuning*). The logbook reached 97–98 % this way.
#
# *This exercise follows week 8 of the deep learning logbook (after* Deep Learning with Python,
# *§8.3), in Keras 3.*
#
# *A note on the weights: in a real course you write `weights="imagenet"`, and Keras downloads
# VGG16's 58 MB of trained weights. This notebook cannot download anything, so it builds VGG16 with
# `weights=None` (random weights) and trains nothing. Every question is about something that is the
# same with the ImageNet weights: shapes, the order of the layers, what is frozen, how the model is
# compiled, what is saved.*
#
# Run the next cell to set everything up.

# %%
from learnkit.core import binder
binder.bind(globals())
from checkers.deep_learning_logbook.ex4 import *

import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(123)

# VGG16 without its top (the ImageNet classifier), for 180×180 colour images.
# In a real course: weights="imagenet".
conv_base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(180, 180, 3))
print(len(conv_base.layers), "layers:", [layer.name for layer in conv_base.layers[-5:]], "…")

# The logbook's augmentation (week 8): random flips, rotations and zooms, active only during training
data_augmentation = keras.Sequential([
    layers.RandomFlip("horizontal"),
    layers.RandomRotation(0.1),
    layers.RandomZoom(0.2),
], name="data_augmentation")

# %% [markdown]
# # 1) What the convolutional base gives
#
# With `include_top=False`, VGG16 stops after its fifth block of convolutions and max-pooling.
# Feature extraction runs every image through `conv_base` once (`conv_base.predict(images)`) and
# keeps what comes out. What is the **shape of one image's features** (without the batch
# dimension)? Store it as a tuple in `feature_shape`: read it from `conv_base`, or work it out
# (each of the five 2×2 max-poolings halves the size, rounding down).

# %%
# BEGIN SOLUTION
feature_shape = conv_base.output_shape[1:]
# END SOLUTION
print(feature_shape)

# Check your answer
q_1.check()

# %%
#q_1.hint()
#q_1.solution()

# %% tags=["test"]
_keep = feature_shape
feature_shape = conv_base.output_shape
assert 'batch dimension' in q_1.assert_check_failed().message
feature_shape = (6, 6, 512)
assert 'rounds down' in q_1.assert_check_failed().message
feature_shape = (7, 7, 512)
assert '224' in q_1.assert_check_failed().message
feature_shape = (12800,)
assert 'Flatten' in q_1.assert_check_failed().message
feature_shape = (5, 5, 256)
q_1.assert_check_failed()
feature_shape = [5, 5, 512]
q_1.assert_check_passed()  # a list
feature_shape = np.array([5, 5, 512])
q_1.assert_check_passed()  # an array
feature_shape = _keep

# %% [markdown]
# # 2) A classifier on the features
#
# The logbook's classifier for the extracted features (week 8, "feature extraction"): an input of
# shape `(5, 5, 512)`, `Flatten`, `Dense(256)`, `Dropout(0.5)` and `Dense(1)` with a sigmoid (dog
# or cat). Build it as `model_fe` and compile it with `rmsprop`, the binary cross-entropy and the
# accuracy. (As in the book, the `Dense(256)` layer has no activation.)

# %%
# EXERCISE: model_fe = ____
# BEGIN SOLUTION
inputs = keras.Input(shape=(5, 5, 512))
x = layers.Flatten()(inputs)
x = layers.Dense(256)(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model_fe = keras.Model(inputs, outputs)
model_fe.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
# END SOLUTION

# Check your answer
q_2.check()

# %%
#q_2.hint()
#q_2.solution()

# %% tags=["test"]
_keep = model_fe
def _head(*hidden, shape=(5, 5, 512), out="sigmoid", compiled=True, **kw):
    m = keras.Sequential([keras.Input(shape=shape), *hidden, layers.Dense(1, activation=out)])
    if compiled:
        m.compile(**{"optimizer": "rmsprop", "loss": "binary_crossentropy", "metrics": ["accuracy"], **kw})
    return m
model_fe = _head(layers.Flatten(), layers.Dense(256), layers.Dropout(0.5), out=None)
q_2.assert_check_failed()  # no sigmoid
model_fe = _head(layers.Flatten(), layers.Dense(256))
q_2.assert_check_failed()  # no Dropout
model_fe = _head(layers.Flatten(), layers.Dense(256), layers.Dropout(0.5), shape=(180, 180, 3))
q_2.assert_check_failed()  # the images' shape, not the features'
model_fe = _head(layers.Flatten(), layers.Dense(256), layers.Dropout(0.5), optimizer="adam")
assert 'RMSprop' in q_2.assert_check_failed().message
model_fe = _head(layers.Flatten(), layers.Dense(256), layers.Dropout(0.5), loss="mse")
q_2.assert_check_failed()
model_fe = _head(layers.Flatten(), layers.Dense(256), layers.Dropout(0.5), compiled=False)
q_2.assert_check_unattempted()  # built, not compiled yet
model_fe = _head(layers.Flatten(), layers.Dense(256, activation="relu"), layers.Dropout(0.5))
q_2.assert_check_passed()  # a relu on Dense(256) is fine
model_fe = _head(layers.Flatten(), layers.Dense(256), layers.Dropout(0.5), optimizer=keras.optimizers.RMSprop(),
                 loss=keras.losses.BinaryCrossentropy(), metrics=[keras.metrics.BinaryAccuracy()])
q_2.assert_check_passed()  # Sequential, and objects instead of strings
model_fe = _keep

# %% [markdown]
# # 3) End to end, with augmentation and a frozen base
#
# Feature extraction is fast but cannot use augmentation: each image is run through the base only
# once. The logbook's second model puts everything in one model and augments every batch anew:
#
# `inputs` (180×180×3) → `data_augmentation` → `keras.applications.vgg16.preprocess_input` →
# `conv_base` → `Flatten` → `Dense(256)` → `Dropout(0.5)` → `Dense(1, "sigmoid")`
#
# Build it as `model_aug` with the functional API, and **freeze** `conv_base` first
# (`conv_base.trainable = False`): its weights must not change while the classifier on top is
# still random, or the large first updates would destroy what it learned. Compile it as in
# question 2. The order matters: augmentation works on the images' pixels, and
# `preprocess_input` turns them into the inputs VGG16 was trained with.

# %%
# EXERCISE: model_aug = ____
# BEGIN SOLUTION
conv_base.trainable = False
inputs = keras.Input(shape=(180, 180, 3))
x = data_augmentation(inputs)
x = keras.applications.vgg16.preprocess_input(x)
x = conv_base(x)
x = layers.Flatten()(x)
x = layers.Dense(256)(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model_aug = keras.Model(inputs, outputs)
model_aug.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
# END SOLUTION

# Check your answer
q_3.check()

# %%
#q_3.hint()
#q_3.solution()

# %% tags=["test"]
_keep = model_aug
_pre = keras.applications.vgg16.preprocess_input
def _e2e(*steps, dense="linear"):
    inp = keras.Input(shape=(180, 180, 3))
    x = inp
    for step in steps:
        x = step(x)
    x = layers.Dropout(0.5)(layers.Dense(256, activation=dense)(layers.Flatten()(x)))
    return keras.Model(inp, layers.Dense(1, activation="sigmoid")(x))
model_aug = _e2e(_pre, data_augmentation, conv_base)
assert 'should take the model' in q_3.assert_check_failed().message  # preprocess_input before augmentation
model_aug = _e2e(data_augmentation, conv_base)
assert 'no preprocess_input' in q_3.assert_check_failed().message
model_aug = _e2e(data_augmentation, layers.Rescaling(1 / 255), conv_base)
assert 'should be preprocess_input' in q_3.assert_check_failed().message  # the from-scratch model's rescaling
model_aug = _e2e(_pre, conv_base)
q_3.assert_check_failed()  # no augmentation
conv_base.trainable = True
model_aug = _e2e(data_augmentation, _pre, conv_base)
assert 'frozen' in q_3.assert_check_failed().message  # conv_base not frozen
conv_base.trainable = False
model_aug = _e2e(layers.RandomFlip("horizontal"), layers.RandomRotation(0.1), layers.RandomZoom(0.2), _pre, conv_base)
q_3.assert_check_passed()  # the augmentation layers in the model itself
model_aug = _e2e(data_augmentation, _pre, conv_base, dense="relu")
q_3.assert_check_passed()  # relu on Dense(256)
model_aug = _keep

# %% [markdown]
# # 4) Fine-tuning: fix the logbook's freeze
#
# Once the classifier has learned, fine-tuning unfreezes the **last** convolution block of the base
# (`block5_conv1`, `block5_conv2`, `block5_conv3` and `block5_pool`: the last 4 layers) and trains
# it together with the classifier, with a very small learning rate. The logbook wrote:
#
# ```python
# conv_base.trainable = True
# for layer in conv_base.layers[-4:]:
#     layer.trainable = False
# ```
#
# This code has a bug. Write the correct version, then compile `model_aug` again (a change of
# `trainable` takes effect when you compile) with `keras.optimizers.RMSprop(learning_rate=1e-5)`,
# the binary cross-entropy and the accuracy.
#
# *If you run your cell again after a wrong try, run `conv_base.trainable = False` first: on the
# TensorFlow backend, `conv_base.trainable = True` does not unfreeze the layers that an earlier loop
# froze while `conv_base` was already trainable.*

# %%
# EXERCISE: # conv_base.trainable = True
# EXERCISE: # ...
# BEGIN SOLUTION
conv_base.trainable = True
for layer in conv_base.layers[:-4]:
    layer.trainable = False
model_aug.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-5),
                  loss="binary_crossentropy", metrics=["accuracy"])
# END SOLUTION
print("training:", [layer.name for layer in conv_base.layers if layer.trainable_weights])

# Check your answer
q_4.check()

# %%
#q_4.hint()
#q_4.solution()

# %% tags=["test"]
def _freeze(trainable, frozen):
    conv_base.trainable = False  # on TensorFlow, True alone keeps the layers an earlier loop froze frozen
    conv_base.trainable = trainable
    for layer in frozen:
        layer.trainable = False
def _compile(lr=1e-5):
    model_aug.compile(optimizer=keras.optimizers.RMSprop(learning_rate=lr), loss="binary_crossentropy",
                      metrics=["accuracy"])
_freeze(True, conv_base.layers[-4:])
assert 'layers[:-4]' in q_4.assert_check_failed().message  # the logbook's bug (seed error G.21)
_freeze(True, conv_base.layers[:-3])
assert 'last 3 layers' in q_4.assert_check_failed().message
_freeze(True, [])
assert 'All layers of vgg16 train' in q_4.assert_check_failed().message
_freeze(True, conv_base.layers[:-4])
_compile(1e-3)
assert 'learning_rate=1e-05' in q_4.assert_check_failed().message  # the default learning rate
_freeze(False, [])
q_4.assert_check_unattempted()  # still question 3's frozen base
_freeze(True, conv_base.layers[:-4])
_compile()
q_4.assert_check_passed()
for layer in conv_base.layers:  # another spelling: by the block's name
    layer.trainable = layer.name.startswith("block5")
q_4.assert_check_passed()
_freeze(True, conv_base.layers[:-4])

# %% [markdown]
# # 5) Keep the best epoch
#
# Fine-tuning runs 30 epochs, and the validation loss may get worse towards the end. Create the
# callback `checkpoint` that saves the model to `"fine_tuning.keras"` after an epoch only when its
# **validation loss** is the best so far (you would pass it to `model_aug.fit(..., callbacks=[checkpoint])`;
# nothing is trained here).

# %%
# BEGIN SOLUTION
checkpoint = keras.callbacks.ModelCheckpoint(filepath="fine_tuning.keras", save_best_only=True, monitor="val_loss")
# END SOLUTION

# Check your answer
q_5.check()

# %%
#q_5.hint()
#q_5.solution()

# %% tags=["test"]
_keep = checkpoint
checkpoint = keras.callbacks.ModelCheckpoint(filepath="fine_tuning.keras", monitor="val_loss")
assert 'save_best_only' in q_5.assert_check_failed().message
checkpoint = keras.callbacks.ModelCheckpoint(filepath="fine_tuning.keras", save_best_only=True,
                                             monitor="val_accuracy")
assert "watches 'val_accuracy'" in q_5.assert_check_failed().message
checkpoint = keras.callbacks.ModelCheckpoint(filepath="best.keras", save_best_only=True)
assert 'fine_tuning.keras' in q_5.assert_check_failed().message
checkpoint = keras.callbacks.EarlyStopping(monitor="val_loss")
assert 'ModelCheckpoint' in q_5.assert_check_failed().message
checkpoint = keras.callbacks.ModelCheckpoint("fine_tuning.keras", save_best_only=True)
q_5.assert_check_passed()  # filepath given by position, val_loss by default
checkpoint = _keep

# %% [markdown]
# # 6) The loss of a coin toss
#
# Before transfer learning, the logbook tried a bigger convnet from scratch (five convolution
# blocks, two `Dropout(0.5)`, Adam, no augmentation). Its test result: **accuracy 0.500, loss
# 0.6929**. What binary cross-entropy does a model get that says 0.5 for every image? Store it in
# `chance_loss`.

# %%
# BEGIN SOLUTION
chance_loss = -np.log(0.5)
# END SOLUTION

# Check your answer
q_6.check()

# %%
#q_6.hint()
#q_6.solution()

# %% tags=["test"]
_keep = chance_loss
chance_loss = 0.5
assert 'accuracy' in q_6.assert_check_failed().message
chance_loss = np.log10(2)
assert 'natural logarithm' in q_6.assert_check_failed().message
chance_loss = np.log(0.5)
assert 'positive' in q_6.assert_check_failed().message
chance_loss = 0.6929
q_6.assert_check_passed()  # the logbook's test loss
chance_loss = float(keras.losses.binary_crossentropy(np.array([[1.0], [0.0]]), np.array([[0.5], [0.5]]))[0])
q_6.assert_check_passed()  # computed with Keras
chance_loss = _keep

# %% [markdown]
# # 7) Why the bigger model stayed at chance
#
# The bigger model had more capacity than the 72 % model, yet its test accuracy was 0.500 and its
# loss the value of question 6. Why? Set `why_chance` to the letter of the best explanation:
#
# a) It overfitted: with more capacity it memorised the 2,000 training images.
# b) It never learned: it says 0.5 for every image, a training failure.
# c) The test images are harder than the training images.
# d) Dropout(0.5) drops half of the units at test time too.

# %%
# BEGIN SOLUTION
why_chance = "b"
# END SOLUTION

# Check your answer
q_7.check()

# %%
#q_7.hint()
#q_7.solution()

# %% tags=["test"]
for _letter in "acd":
    why_chance = _letter
    q_7.assert_check_failed()
why_chance = "B"
q_7.assert_check_passed()
why_chance = "It never learned: it says 0.5 for every image, a training failure."
q_7.assert_check_passed()  # the text of the choice

# %% [markdown]
# # The end
#
# With the ImageNet weights, the logbook's frozen base with augmentation reached 97.5 % test
# accuracy, and fine-tuning 97.6 %, against 72 % from scratch: on a small data set, knowledge
# borrowed from a large one is worth more than a bigger network.
#
# Your progress on this exercise:

# %%
progress()
