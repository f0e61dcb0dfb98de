# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   learnkit:
#     exercise: deep_learning_logbook.ex3
# ---

# %% [markdown]
# # Convolutional networks on MNIST
#
# Classify handwritten digits with a small **convnet**: convolution layers that slide 3×3 filters
# over the image, and max-pooling layers that halve the feature maps. You will build the logbook's
# network, train it and measure its **test** accuracy, see what max-pooling buys, compute how much
# of the image one value of a deep layer sees (its *receptive field*), and adapt AlexNet to 28×28
# images.
#
# *This exercise follows weeks 8 and 9 of the deep learning logbook (after* Deep Learning with
# Python, *§8.1, and d2l.ai §8.1), in Keras 3. The logbook trained on MNIST's 60,000 training images
# for 5 epochs and reached a test accuracy of 0.993; to keep the notebook quick you train on 3,000
# images of the MNIST test set for 2 epochs and test on 1,000 others, which gives about 0.9.*
#
# Run the next cell to set everything up.

# %%
from learnkit.core import binder
binder.bind(globals())
from checkers.deep_learning_logbook.ex3 import *

import numpy as np
import keras
from keras import layers
from learnkit import data

keras.utils.set_random_seed(123)  # fixed seeds

# MNIST's 10,000 test images (28×28 grey levels from 0 to 255) and their labels (digits 0 to 9)
images = data.load_array("mnist-images")
labels = data.load_array("mnist-labels")
train_raw, train_labels = images[:3000], labels[:3000]
test_raw, test_labels = images[3000:4000], labels[3000:4000]
print(train_raw.shape, train_raw.dtype, test_raw.shape, train_labels[:10])

# %% [markdown]
# # 1) Images for a convnet
#
# A `Dense` network reads each image as one flat row of 784 numbers. A `Conv2D` layer reads it as
# an image: height, width and **channels** (3 for colour, 1 for grey levels). Write
# `prepare(images)`, which takes an array of `n` images of shape `(n, 28, 28)` with values from 0 to
# 255 and returns them with the shape `(n, 28, 28, 1)`, as floats scaled to 0–1. The next lines
# use it on the training and the test images.

# %%
def prepare(images):
    # EXERCISE:     return ____
    # BEGIN SOLUTION
    return images.reshape((len(images), 28, 28, 1)).astype("float32") / 255
    # END SOLUTION

train_images = prepare(train_raw)
test_images = prepare(test_raw)

# Check your answer
q_1.check()

# %%
#q_1.hint()
#q_1.solution()

# %% tags=["test"]
_keep = prepare
def prepare(images):  # Dense-network input
    return images.reshape(len(images), 784) / 255
assert 'flat rows' in q_1.assert_check_failed().message
def prepare(images):  # no channel axis
    return images / 255
assert 'channel axis' in q_1.assert_check_failed().message
def prepare(images):  # not scaled
    return images.reshape(-1, 28, 28, 1).astype('float32')
assert 'divide' in q_1.assert_check_failed().message
def prepare(images):  # scaled twice
    return images.reshape(-1, 28, 28, 1) / 255 / 255
assert 'twice' in q_1.assert_check_failed().message
def prepare(images):  # the training set's size written in
    return images.reshape(3000, 28, 28, 1) / 255
q_1.assert_check_failed()
def prepare(images):  # integer division: only 0s and 1s
    return images.reshape(-1, 28, 28, 1) // 255
q_1.assert_check_failed()
def prepare(images):  # expand_dims, float64
    return np.expand_dims(images, -1) / 255.0
q_1.assert_check_passed()
def prepare(images):  # newaxis, -1
    return (images.astype('float32') / 255).reshape((-1, 28, 28, 1))
q_1.assert_check_passed()
prepare = _keep

# %% [markdown]
# # 2) The logbook's convnet
#
# Build the logbook's network with Keras's **Functional API** in `model`: an input of shape
# `(28, 28, 1)`, then
#
# * `Conv2D` with 32 filters of size 3 (`kernel_size=3`) and the `relu` activation, `MaxPooling2D(2)`,
# * `Conv2D` with 64 filters of size 3, `relu`, `MaxPooling2D(2)`,
# * `Conv2D` with 128 filters of size 3, `relu`,
# * `Flatten`, and a `Dense` output with one unit per digit and the `softmax` activation.
#
# `model.summary()` should show the output shapes (26, 26, 32), (13, 13, 32), (11, 11, 64),
# (5, 5, 64), (3, 3, 128), 1,152 after `Flatten`, and **104,202** parameters in total. (A
# `keras.Sequential` model with the same layers is fine too.)

# %%
# EXERCISE: inputs = keras.Input(shape=(28, 28, 1))
# EXERCISE: # x = layers.Conv2D(...)(inputs)
# EXERCISE: # ...
# EXERCISE: model = ____
# BEGIN SOLUTION
inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(inputs)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
x = layers.Flatten()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs)
# END SOLUTION

# Check your answer
q_2.check()

# %%
#q_2.hint()
#q_2.solution()

# %% tags=["test"]
_keep = model
def _convnet(*hidden, out='softmax'):
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), *hidden, layers.Flatten(),
                             layers.Dense(10, activation=out)])
_c = lambda n, **kw: layers.Conv2D(n, 3, activation='relu', **kw)
model = _convnet(_c(32), _c(64), _c(128))
assert 'without max-pooling' in q_2.assert_check_failed().message  # question 5's model
model = _convnet(_c(32), layers.MaxPooling2D(2), _c(64), layers.MaxPooling2D(2), _c(128), out='sigmoid')
q_2.assert_check_failed()  # sigmoid output
model = _convnet(_c(32, padding='same'), layers.MaxPooling2D(2), _c(64), layers.MaxPooling2D(2), _c(128))
q_2.assert_check_failed()  # padding='same': other shapes and counts
model = _convnet(_c(32), layers.AveragePooling2D(2), _c(64), layers.AveragePooling2D(2), _c(128))
q_2.assert_check_failed()  # average pooling
model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(128, activation='relu'),
                          layers.Dense(10, activation='softmax')])
q_2.assert_check_failed()  # a Dense network
model = _convnet(layers.Conv2D(32, (3, 3), activation=keras.activations.relu), layers.MaxPooling2D((2, 2)),
                 _c(64), layers.MaxPooling2D(pool_size=(2, 2)), _c(128))
q_2.assert_check_passed()  # Sequential, tuple kernel sizes, the relu function
_i = keras.Input(shape=(28, 28, 1))
_x = layers.MaxPooling2D()(layers.Conv2D(32, 3, activation='relu')(_i))
_x = layers.MaxPooling2D()(layers.Conv2D(64, kernel_size=(3, 3), activation='relu')(_x))
_x = layers.Flatten()(layers.Conv2D(128, 3, activation='relu')(_x))
model = keras.Model(_i, layers.Dense(10, activation='softmax')(_x))
q_2.assert_check_passed()  # pooling's default pool_size
model = _keep

# %% [markdown]
# # 3) Compile and train
#
# Compile `model` as the logbook did: the `rmsprop` optimizer, the
# `sparse_categorical_crossentropy` loss (the labels are the digits themselves, not one-hot
# vectors) and the `accuracy` metric. Then train it on `train_images` and `train_labels` for **2**
# epochs with `batch_size=64`, and keep what `fit` returns in `history`. (A few seconds.)

# %%
# EXERCISE: # model.compile(...)
# EXERCISE: history = ____
# BEGIN SOLUTION
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(train_images, train_labels, epochs=2, batch_size=64)
# END SOLUTION

# Check your answer
q_3.check()

# %%
#q_3.hint()
#q_3.solution()

# %% tags=["test"]
_keep = model, history
def _fit(epochs=2, n=256, **compile_kw):
    m = keras.models.clone_model(_keep[0])
    m.compile(**{'optimizer': 'rmsprop', 'loss': 'sparse_categorical_crossentropy', 'metrics': ['accuracy'],
                 **compile_kw})
    return m.fit(train_images[:n], train_labels[:n], epochs=epochs, batch_size=64, verbose=0)
history = _fit(optimizer='adam')
assert 'RMSprop' in q_3.assert_check_failed().message
history = _fit(epochs=1)
assert 'epochs=2' in q_3.assert_check_failed().message
history = _keep[0]
assert 'model itself' in q_3.assert_check_failed().message  # history = model
history = _keep[1].history
assert 'dict' in q_3.assert_check_failed().message  # history.history
history = _fit(optimizer=keras.optimizers.RMSprop(), loss=keras.losses.SparseCategoricalCrossentropy(),
               metrics=['acc'])
q_3.assert_check_passed()  # other spellings of the same compile
model, history = _keep

# %% [markdown]
# # 4) The test accuracy
#
# The accuracy that `fit` prints is measured on the **training** images, while the model learns
# them. The logbook reported the last training accuracy, 0.9947, as its test accuracy; the test set
# gave 0.9927. Evaluate `model` on `test_images` and `test_labels` with `model.evaluate` (it
# returns the loss and the accuracy) and store the test accuracy in `test_acc`.

# %%
# EXERCISE: test_acc = ____
# BEGIN SOLUTION
test_loss, test_acc = model.evaluate(test_images, test_labels)
# END SOLUTION
print("test accuracy:", test_acc)

# Check your answer
q_4.check()

# %%
#q_4.hint()
#q_4.solution()

# %% tags=["test"]
assert test_acc >= 0.85, test_acc
_keep = test_acc
test_acc = history.history['accuracy'][-1]
assert 'training* accuracy' in q_4.assert_check_failed().message  # seed error G.21
test_acc = model.evaluate(test_images, test_labels, verbose=0)
assert '[loss, accuracy]' in q_4.assert_check_failed().message  # the list evaluate returns
test_acc = 2.31
assert 'not an accuracy' in q_4.assert_check_failed().message
test_acc = 0.42
assert 'two epochs' in q_4.assert_check_failed().message  # below the band
test_acc = model.evaluate(test_images, test_labels, verbose=0, return_dict=True)['accuracy']
q_4.assert_check_passed()  # return_dict=True
test_acc = np.float64(_keep)
q_4.assert_check_passed()
test_acc = _keep

# %% [markdown]
# # 5) A convnet without max-pooling
#
# Build `model_no_max_pool`: the same network without the two `MaxPooling2D` layers (three `Conv2D`,
# `Flatten`, `Dense(10, softmax)`, on `(28, 28, 1)` inputs). It has **712,202** parameters; its
# `Flatten` gives 61,952 values. You do not need to train it.

# %%
# EXERCISE: # the layers of question 2, without the two MaxPooling2D
# EXERCISE: model_no_max_pool = ____
# BEGIN SOLUTION
inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(inputs)
x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
x = layers.Flatten()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model_no_max_pool = keras.Model(inputs=inputs, outputs=outputs)
# END SOLUTION

# Check your answer
q_5.check()

# %%
#q_5.hint()
#q_5.solution()

# %% tags=["test"]
_keep = model_no_max_pool
model_no_max_pool = _convnet(_c(32), layers.MaxPooling2D(2), _c(64), _c(128))
assert 'still has a MaxPooling2D' in q_5.assert_check_failed().message  # one pooling left
model_no_max_pool = model
assert 'still has a MaxPooling2D' in q_5.assert_check_failed().message  # question 2's model
model_no_max_pool = _convnet(_c(32), _c(64))
q_5.assert_check_failed()  # a Conv2D missing
model_no_max_pool = _convnet(_c(32, padding='same'), _c(64, padding='same'), _c(128, padding='same'))
q_5.assert_check_failed()  # padding='same'
model_no_max_pool = _convnet(layers.Conv2D(32, (3, 3), activation='relu'), _c(64), _c(128))
q_5.assert_check_passed()  # Sequential
model_no_max_pool = _keep

# %% [markdown]
# # 6) What pooling buys
#
# Compare `model.summary()` and `model_no_max_pool.summary()`. In the logbook, an epoch without
# pooling took about 350 s instead of 47 s, and the test accuracy was 0.988 instead of 0.993. Which
# sentence describes removing max-pooling? Set `pooling_answer` to `'a'`, `'b'`, `'c'` or `'d'`.
#
# a) More parameters and slower training, and no better on the test set.
# b) Fewer parameters: max-pooling layers hold weights, and removing them removes those weights.
# c) More parameters, so a clearly better test accuracy: nothing is thrown away.
# d) The same number of parameters: pooling has no weights.

# %%
# BEGIN SOLUTION
pooling_answer = 'a'
# END SOLUTION

# Check your answer
q_6.check()

# %%
#q_6.hint()
#q_6.solution()

# %% tags=["test"]
pooling_answer = 'b'
assert 'no weights' in q_6.assert_check_failed().message
pooling_answer = 'c'
assert '0.988' in q_6.assert_check_failed().message
pooling_answer = 'd'
assert 'Flatten' in q_6.assert_check_failed().message
pooling_answer = 'A'
q_6.assert_check_passed()
pooling_answer = 'a'

# %% [markdown]
# # 7) Receptive fields
#
# One value of a convolution's output depends on a `kernel × kernel` patch of its input; after
# several layers it depends on a larger patch of the image: its **receptive field**. Two 3×3
# convolutions give 5×5; a stride-2 layer in between makes the next layer's steps twice as large.
#
# Write `receptive_field(layers)`, where `layers` is a list of `(kernel, stride)` pairs, one per
# convolution or pooling layer (padding does not change the receptive field). It returns the
# receptive field's size, in input pixels, of one value after the last layer (1 for an empty
# list: one pixel). Keep two numbers: `field`, and `jump`, the distance in input pixels between
# two neighbouring values of the current layer. A layer adds `(kernel - 1) * jump` to the field,
# and then multiplies `jump` by its stride.

# %%
def receptive_field(layers):
    field, jump = 1, 1
    for kernel, stride in layers:
        # EXERCISE:         field = ____
        # EXERCISE:         jump = ____
        # BEGIN SOLUTION
        field += (kernel - 1) * jump
        jump *= stride
        # END SOLUTION
    return field

print(receptive_field([(3, 1), (3, 1)]))  # two 3×3 convolutions: 5

# Check your answer
q_7.check()

# %%
#q_7.hint()
#q_7.solution()

# %% tags=["test"]
_keep = receptive_field
def receptive_field(layers):  # strides ignored
    return 1 + sum(k - 1 for k, s in layers)
assert 'stride were 1' in q_7.assert_check_failed().message
def receptive_field(layers):  # each layer's own stride counted
    field, jump = 1, 1
    for k, s in layers:
        jump *= s
        field += (k - 1) * jump
    return field
assert '**own** stride' in q_7.assert_check_failed().message
def receptive_field(layers):  # kernel sizes added up
    return sum(k for k, s in layers)
assert 'centre pixel' in q_7.assert_check_failed().message
def receptive_field(layers):  # fails on the empty list
    return layers[-1][0] + sum((k - 1) * int(np.prod([s for _, s in layers[:i]])) for i, (k, _) in enumerate(layers[:-1]))
q_7.assert_check_failed()
def receptive_field(layers):  # backwards, from the last layer down to the input: also right
    field = 1
    for kernel, stride in reversed(layers):
        field = (field - 1) * stride + kernel
    return field
q_7.assert_check_passed()
def receptive_field(layers):  # numpy: also right
    strides = np.cumprod([1] + [s for _, s in layers])[:-1]
    return int(1 + sum((k - 1) * j for (k, _), j in zip(layers, strides)))
q_7.assert_check_passed()
receptive_field = _keep

# %% [markdown]
# # 8) AlexNet's receptive field
#
# `ALEXNET` lists AlexNet's convolutions and max-poolings as `(kernel, stride)`:
# `(11, 4)`, pooling `(3, 2)`, `(5, 1)`, pooling `(3, 2)`, three `(3, 1)` and a last pooling
# `(3, 2)`. The logbook computed the receptive field of each stage with a calculator found online.
# Use your function: store the receptive field after the whole list in `alexnet_rf`.

# %%
ALEXNET = [(11, 4), (3, 2), (5, 1), (3, 2), (3, 1), (3, 1), (3, 1), (3, 2)]
# BEGIN SOLUTION
alexnet_rf = receptive_field(ALEXNET)
# END SOLUTION
print(alexnet_rf, "; after the last convolution:", receptive_field(ALEXNET[:-1]))

# Check your answer
q_8.check()

# %%
#q_8.hint()
#q_8.solution()

# %% tags=["test"]
alexnet_rf = 163
assert 'last convolution' in q_8.assert_check_failed().message
alexnet_rf = 25
assert 'strides' in q_8.assert_check_failed().message
alexnet_rf = 224
q_8.assert_check_failed()
alexnet_rf = 195.0
q_8.assert_check_passed()
alexnet_rf = 195

# %% [markdown]
# # 9) AlexNet for 28×28 images
#
# AlexNet was made for 224×224 photos: its first layer is an 11×11 convolution with stride 4, and
# the logbook resized Fashion-MNIST's 28×28 images to 224×224 to train it. Its answer to "modify
# AlexNet to work directly on 28×28 images" was this PyTorch network, `alexnet28`:
#
# ```python
# nn.Conv2d(1, 64, kernel_size=3, stride=1, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2),
# nn.Conv2d(64, 128, kernel_size=3, stride=1, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2),
# nn.Conv2d(128, 256, kernel_size=3, stride=1, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2),
# nn.Flatten(),
# nn.Linear(256 * 3 * 3, 1024), nn.ReLU(), nn.Dropout(p=0.5),
# nn.Linear(1024, 512), nn.ReLU(), nn.Dropout(p=0.5),
# nn.Linear(512, 10)
# ```
#
# Write it in Keras as `alexnet28`, on `(28, 28, 1)` inputs. PyTorch names the input channels
# (`Conv2d(1, 64, …)`), Keras only the filters (`Conv2D(64, …)`); `padding=1` with a 3×3 kernel
# keeps the size, which Keras calls `padding="same"`; and end with a `softmax` output, as in
# question 2 (PyTorch's loss applies the softmax itself). It has **3,259,914** parameters, as the
# PyTorch model does. You do not need to train it.

# %%
# BEGIN SOLUTION
alexnet28 = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(64, 3, activation="relu", padding="same"),
    layers.MaxPooling2D(2),
    layers.Conv2D(128, 3, activation="relu", padding="same"),
    layers.MaxPooling2D(2),
    layers.Conv2D(256, 3, activation="relu", padding="same"),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(1024, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(512, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(10, activation="softmax"),
])
# END SOLUTION

# Check your answer
q_9.check()

# %%
#q_9.hint()
#q_9.solution()

# %% tags=["test"]
assert alexnet28.predict(test_images[:2], verbose=0).shape == (2, 10)  # one tiny batch runs
_keep = alexnet28
def _alex(pad='same', out='softmax', head=(1024, 512), drop=0.5):
    blocks = [l for n in (64, 128, 256) for l in (layers.Conv2D(n, 3, activation='relu', padding=pad),
                                                  layers.MaxPooling2D(2))]
    top = [l for n in head for l in (layers.Dense(n, activation='relu'), layers.Dropout(drop))]
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), *blocks, layers.Flatten(), *top,
                             layers.Dense(10, activation=out)])
alexnet28 = _alex(out=None)
assert 'CrossEntropyLoss' in q_9.assert_check_failed().message  # the PyTorch output kept
alexnet28 = _alex(pad='valid')
assert "padding='same'" in q_9.assert_check_failed().message  # PyTorch's padding=1 dropped
alexnet28 = _alex(head=(4096, 4096))
q_9.assert_check_failed()  # AlexNet's classifier
alexnet28 = _alex(drop=0.2)
q_9.assert_check_failed()  # another dropout rate
_i = keras.Input(shape=(28, 28, 1))
_x = _i
for _n in (64, 128, 256):
    _x = layers.MaxPool2D(pool_size=(2, 2), strides=2)(
        layers.Conv2D(_n, (3, 3), strides=1, padding='same', activation=keras.activations.relu)(_x))
_x = layers.Dropout(0.5)(layers.Dense(1024, activation='relu')(layers.Flatten()(_x)))
_x = layers.Dropout(rate=0.5)(layers.Dense(512, activation='relu')(_x))
alexnet28 = keras.Model(_i, layers.Dense(10, activation='softmax')(_x))
q_9.assert_check_passed()  # Functional API, MaxPool2D alias, explicit strides
alexnet28 = _keep

# %% [markdown]
# # The end
#
# With all 60,000 training images and 5 epochs the logbook's convnet reached 0.993 on the test set.
# Max-pooling keeps it small and fast, and lets its last convolution see a large part of the digit;
# `alexnet28` shows the same idea scaled down from AlexNet: small kernels, no stride 4, and a
# classifier on 2,304 values instead of 6,400.
#
# Your progress on this exercise:

# %%
progress()
