"""Exercise 2 of the deep learning logbook: capacity, overfitting and regularisation (logbook week 6,
LB-W6-1..5, W6-7, W6-8; DLwP §5.2-5.4). On 2,000 images of the MNIST test set: noise channels vs zero
channels, a learning rate too high vs an appropriate one, logistic regression vs a 96-96 network,
an L2-regularised and a dropout network, and what the curves show."""
import numpy as np

from learnkit.core import Code, CodingProblem, Exercise, FunctionProblem, MultipleChoice, ThoughtExperiment
from learnkit.core.functions import Case, check_function
from learnkit.keras import L2, NO_REGULARIZER, Dense, Dropout, KerasModelProblem, relevant_input_dim
from learnkit.keras.diagnosis import diagnose
from learnkit.keras.run_compare import BetterRun, StaysBelow
from learnkit.keras.runs import summarize
from learnkit.keras.training import CompileSpec, FitSpec, MetricThreshold, RunSpec
from learnkit.keras.training_problems import TrainingProblem

N = 2000  # the first 2,000 images of the MNIST test set
PIXELS = 784
EPOCHS = 5
SPLIT = 0.2  # the logbook's validation_split: 1,600 images train, 400 validate
FIT = FitSpec(epochs=EPOCHS, validation_split=SPLIT, n_samples=N)  # batch_size: Keras's default 32
CLASSIFY = dict(loss="sparse_categorical_crossentropy", metrics=("accuracy",))
RMSPROP = CompileSpec(optimizer="rmsprop", **CLASSIFY)
MLP = [Dense(512, "relu"), Dense(10, "softmax")]  # get_model(): the logbook's (and DLwP's) 512-10 network
SMALL = [Dense(10, "softmax")]  # logistic regression
LARGE = [Dense(96, "relu"), Dense(96, "relu"), Dense(10, "softmax")]
L2_MODEL = [Dense(16, "relu", kernel_regularizer=L2(0.002)), Dense(16, "relu", kernel_regularizer=L2(0.002)),
            Dense(10, "softmax", kernel_regularizer=NO_REGULARIZER)]
DROPOUT_MODEL = [Dense(16, "relu"), Dropout(0.5), Dense(16, "relu"), Dropout(0.5), Dense(10, "softmax")]
#: calibrated on the light run (see docs/courses/deep_learning_logbook.md, ex2)
#: measured on TensorFlow (seeds 123, 0, 1, 2) and JAX (seeds 123, 0, 1):
NOISE_MARGIN = 0.01       # zeros - noise, best val_accuracy: TF 0.035 to 0.12, JAX 0.045 to 0.063
HIGH_LR_LIMIT = 0.75      # RMSprop(1.), best val_accuracy: TF 0.47 to 0.66, JAX 0.097 (the logbook: 0.25)
GOOD_LR_AT_LEAST = 0.8    # RMSprop(1e-2), best val_accuracy: TF 0.875 to 0.90, JAX 0.865 to 0.887 (logbook: 0.97)
LR_MARGIN = 0.1           # good - high, best val_accuracy: TF 0.24 to 0.42, JAX 0.77 to 0.79
CAPACITY_LOSS_MARGIN = 0.05  # small - large, lowest val_loss: TF 0.13 to 0.21, JAX 0.16 to 0.18
CAPACITY_ACC_BAND = -0.02    # large - small, best val_accuracy: TF 0.006 to 0.041, JAX 0.008 to 0.010


def _images(seed, n):
    """Hidden MNIST-like images: uint8 (n, 28, 28), a few pixels at 255."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    x[:, 0, 0] = 255
    return x


def _scaled(seed, n):
    return _images(seed, n).reshape((n, PIXELS)).astype("float32") / 255


def _flatten_reference(images):
    return images.reshape((len(images), PIXELS)).astype("float32") / 255


def _zeros_reference(images):
    return np.concatenate([images, np.zeros((len(images), PIXELS))], axis=1)


def _noise_reference(images):
    return np.concatenate([images, np.random.random((len(images), PIXELS))], axis=1)


q1 = FunctionProblem(
    prompt="Flatten and scale the images",
    var="flatten_and_scale",
    reference=_flatten_reference,
    cases=lambda: [Case(args=(_images(s, n),), shown=f"flatten_and_scale(<{n} hidden images of 28 × 28>)")
                   for s, n in ((1, 3), (2, 5))],
    rtol=1e-6, atol=1e-6,
    mistakes=[(lambda x: x / 255, "Your images are scaled but not flattened: reshape them to (number of images, "
                                  "784) with `images.reshape((len(images), 784))`."),
              (lambda x: x.reshape((len(x), PIXELS)), "Your rows are not scaled: their pixels still go up to 255. "
                                                      "Divide by 255 so that they lie between 0 and 1."),
              (lambda x: x.reshape((len(x), PIXELS)) // 255, "`//` divides and rounds down, so every pixel becomes 0 "
                                                             "or 1: convert with `.astype('float32')` and divide "
                                                             "with `/ 255`."),
              (lambda x: x.reshape((PIXELS, len(x))) / 255, "Reshape to (number of images, 784), one row per image, "
                                                            "not (784, number of images).")],
    success="Correct! One row of 784 pixels between 0 and 1 per image.",
    hints=["`images.reshape((len(images), 784))` makes one row per image.",
           "`images.reshape((len(images), 784)).astype('float32') / 255`"],
    solution=Code("""
def flatten_and_scale(images):
    flat = images.reshape((len(images), 784)).astype('float32') / 255
    return flat
"""),
)


def _channels_difference(got, want):
    """Why ``got`` is not ``want``'s images followed by 784 extra channels (None if it is); the channels."""
    images = want[:, :PIXELS]
    n = len(images)
    got = np.asarray(got)
    if got.shape == (2 * n, PIXELS):
        return "`np.concatenate` joined the rows (axis=0); join the columns with `axis=1`, so that every image " \
               "gets 784 extra channels.", None
    if got.shape != (n, 2 * PIXELS):
        return f"the result has the shape {got.shape}; it should be ({n}, 1568): every row is an image's 784 " \
               "pixels followed by 784 extra channels.", None
    if got.dtype.kind not in "biuf":
        return "the result should be an array of numbers.", None
    if not np.allclose(got[:, :PIXELS], images, atol=1e-6):
        if np.allclose(got[:, PIXELS:], images, atol=1e-6):
            return "the extra channels come first: put the images first, as `np.concatenate([images, ...], " \
                   "axis=1)`.", None
        return "the first 784 columns of the result are not the images it was given.", None
    return None, got[:, PIXELS:].astype(np.float64)


def _zeros_compare(got, want):
    why, extra = _channels_difference(got, want)
    if why is None and np.any(extra != 0):
        why = "the extra channels are not all zeros: use `np.zeros((len(images), 784))`."
    return why


def _noise_compare(got, want):
    why, noise = _channels_difference(got, want)
    if why is not None:
        return why
    if noise.min() < 0 or noise.max() > 1:  # (float32 may round the largest draws of [0, 1) up to 1.0)
        if noise.max() > 1 and np.allclose(noise, np.round(noise)):
            return (f"its noise channels hold integers from {noise.min():g} to {noise.max():g}: that is the logbook's "
                    "`np.random.randint(0, 255, ...)`, 255 times larger than the scaled pixels, so the noise drowns "
                    "the images. Use DLwP's `np.random.random((len(images), 784))`: uniform noise in [0, 1), on the "
                    "pixels' scale.")
        return (f"its noise channels range from {noise.min():.3g} to {noise.max():.3g}; they should be uniform noise "
                "in [0, 1), on the pixels' scale: `np.random.random((len(images), 784))`.")
    if abs(noise.mean() - 0.5) > 0.03 or abs(noise.std() - 0.2887) > 0.03:
        return (f"its noise channels have the mean {noise.mean():.3f} and the standard deviation {noise.std():.3f}; "
                "uniform noise in [0, 1) has about 0.5 and 0.289: use `np.random.random((len(images), 784))`.")
    return None


def _cases(name):
    return lambda: [Case(args=(_scaled(s, n),), shown=f"{name}(<{n} hidden scaled images>)") for s, n in ((3, 8),
                                                                                                           (4, 12))]


def check_channels(add_noise_channels, add_zeros_channels):
    check_function(add_zeros_channels, "add_zeros_channels", _zeros_reference,
                   _cases("add_zeros_channels"), compare=_zeros_compare)
    check_function(add_noise_channels, "add_noise_channels", _noise_reference,
                   _cases("add_noise_channels"), compare=_noise_compare)
    return "Correct! The same images, with 784 extra channels of noise or of zeros: (2000, 1568) each."


q2 = CodingProblem(
    prompt="Noise channels and zero channels",
    vars=["add_noise_channels", "add_zeros_channels"],
    check=check_channels,
    hints=["`np.concatenate([a, b], axis=1)` puts the columns of `b` after those of `a`, row by row.",
           "The noise is `np.random.random((len(images), 784))` (uniform in [0, 1), like the pixels); the zeros are "
           "`np.zeros((len(images), 784))`."],
    solution=Code("""
def add_noise_channels(images):
    with_noise = np.concatenate([images, np.random.random((len(images), 784))], axis=1)
    return with_noise

def add_zeros_channels(images):
    with_zeros = np.concatenate([images, np.zeros((len(images), 784))], axis=1)
    return with_zeros
"""),
)

q3 = MultipleChoice(
    prompt="The activations of get_model()",
    var="answer_3",
    choices=["ReLU in the hidden layer and sigmoid on the output", "ReLU in the hidden layer and softmax on the output",
             "softmax in both layers", "ReLU in both layers"],
    answer="b",
    explanations={
        "a": "That is how the logbook described it, but look at the output layer: `activation='softmax'`. A sigmoid "
             "would score each digit on its own; the softmax makes the 10 outputs a probability distribution.",
        "b": "Correct! ReLU in the hidden layer, and a softmax that turns the 10 outputs into probabilities that sum "
             "to 1 (the logbook said 'sigmoid': it is not).",
        "c": "The hidden layer of 512 units uses `activation='relu'`.",
        "d": "The output layer uses `activation='softmax'`: 10 probabilities that sum to 1.",
    },
    hints=["Read the `activation=` of each `layers.Dense` in `get_model()`."],
    solution="(b) ReLU in the hidden layer and softmax on the output (the logbook's 'sigmoid' is a slip).",
)


def _run(layers, input_dim, compile=RMSPROP, curve=()):
    return RunSpec(layers=layers, input_shape=[input_dim], compile=compile, fit=FIT, curve=curve)


q4 = TrainingProblem(
    prompt="Train on noise channels and on zero channels",
    runs={"history_noise": _run(MLP, 2 * PIXELS), "history_zeros": _run(MLP, 2 * PIXELS)},
    compare=[BetterRun("val_accuracy", better="history_zeros", worse="history_noise", by=NOISE_MARGIN,
                       note="Did you train each model on its own array (noise for `history_noise`, zeros for "
                            "`history_zeros`)?")],
    diagnose=lambda history_noise, history_zeros: summarize(
        {"noise": history_noise, "zeros": history_zeros}, key="val_accuracy"),
    success="Correct! The same images with 784 channels of noise generalise worse: the model also fits the noise.",
    hints=["`history_noise = get_model().fit(train_images_with_noise_channels, train_labels, epochs=5, "
           "validation_split=0.2, verbose=0)`",
           "The same for `history_zeros` with `train_images_with_zeros_channels`: a fresh `get_model()` for each."],
    solution=Code("""
model = get_model()
history_noise = model.fit(train_images_with_noise_channels, train_labels,
                          epochs=5, validation_split=0.2, verbose=0)
model = get_model()
history_zeros = model.fit(train_images_with_zeros_channels, train_labels,
                          epochs=5, validation_split=0.2, verbose=0)
"""),
)


def _rmsprop(lr):
    return CompileSpec(optimizer="rmsprop", learning_rate=lr, **CLASSIFY)


q5 = TrainingProblem(
    prompt="A learning rate too high, and an appropriate one",
    runs={"history_lr_high": _run(MLP, PIXELS, _rmsprop(1.0), curve=[StaysBelow(
              "val_accuracy", HIGH_LR_LIMIT, note="With RMSprop(1.) the updates overshoot and it stays far from "
                                                  "what this model can do; check the learning rate.")]),
          "history_lr_good": _run(MLP, PIXELS, _rmsprop(1e-2), curve=[MetricThreshold(
              "val_accuracy", at_least=GOOD_LR_AT_LEAST)])},
    compare=[BetterRun("val_accuracy", better="history_lr_good", worse="history_lr_high", by=LR_MARGIN)],
    diagnose=lambda history_lr_high, history_lr_good: summarize(
        {1.0: history_lr_high, 0.01: history_lr_good}, label="learning rate", key="val_accuracy"),
    success="Correct! With a learning rate of 1.0 the loss jumps around and the accuracy stays low; 0.01 learns.",
    hints=["`model.compile(optimizer=keras.optimizers.RMSprop(1.), loss='sparse_categorical_crossentropy', "
           "metrics=['accuracy'])` on a fresh `get_model()`; the same with `RMSprop(1e-2)` for the second run.",
           "Train both on `train_images` (no extra channels): `epochs=5, validation_split=0.2, verbose=0`."],
    solution=Code("""
model = get_model()
model.compile(optimizer=keras.optimizers.RMSprop(1.), loss='sparse_categorical_crossentropy', metrics=['accuracy'])
history_lr_high = model.fit(train_images, train_labels, epochs=5, validation_split=0.2, verbose=0)
model = get_model()
model.compile(optimizer=keras.optimizers.RMSprop(1e-2), loss='sparse_categorical_crossentropy', metrics=['accuracy'])
history_lr_good = model.fit(train_images, train_labels, epochs=5, validation_split=0.2, verbose=0)
"""),
)

q6 = TrainingProblem(
    prompt="Logistic regression and a larger model",
    runs={"history_small_model": _run(SMALL, PIXELS), "history_large_model": _run(LARGE, PIXELS)},
    compare=[BetterRun("val_loss", better="history_large_model", worse="history_small_model",
                       by=CAPACITY_LOSS_MARGIN),
             BetterRun("val_accuracy", better="history_large_model", worse="history_small_model",
                       by=CAPACITY_ACC_BAND)],
    diagnose=lambda history_small_model, history_large_model: summarize(
        {"small": history_small_model, "large": history_large_model}, key="val_loss"),
    success="Correct! One softmax layer is logistic regression: it underfits. Two hidden layers of 96 do better.",
    hints=["`keras.Sequential([layers.Dense(10, activation='softmax')])` is logistic regression; the larger model "
           "has `layers.Dense(96, activation='relu')` twice before it.",
           "Compile both with `optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['accuracy']` "
           "and fit on `train_images` with `epochs=5, validation_split=0.2, verbose=0`."],
    solution=Code("""
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
"""),
)

q7 = KerasModelProblem(
    prompt="L2 weight regularisation",
    var="model_l2",
    layers=L2_MODEL,
    mistakes=[([Dense(16, "relu", kernel_regularizer=L2(0.002)), Dense(16, "relu", kernel_regularizer=L2(0.002)),
                Dense(1, "sigmoid")],
               "That is the logbook's IMDB output (one sigmoid unit for positive/negative). Here the model "
               "classifies 10 digits: end with `layers.Dense(10, activation='softmax')`.")],
    relevant=relevant_input_dim(PIXELS),
    success="Correct! Every weight of the two hidden layers adds 0.002 × weight² to the loss; the output layer is "
            "left free.",
    hints=["`layers.Dense(16, kernel_regularizer=regularizers.l2(0.002), activation='relu')`, twice.",
           "The output `layers.Dense(10, activation='softmax')` has no regularizer."],
    solution=Code("""
model_l2 = keras.Sequential([
    layers.Dense(16, kernel_regularizer=regularizers.l2(0.002), activation='relu'),
    layers.Dense(16, kernel_regularizer=regularizers.l2(0.002), activation='relu'),
    layers.Dense(10, activation='softmax'),
])
"""),
)

q8 = KerasModelProblem(
    prompt="Dropout",
    var="model_dropout",
    layers=DROPOUT_MODEL,
    mistakes=[([Dense(16, "relu"), Dropout(0.5), Dense(16, "relu"), Dropout(0.5), Dense(10, "softmax"), Dropout(0.5)],
               "A Dropout after the output layer would drop predictions: remove the last Dropout."),
              ([Dropout(0.5), Dense(16, "relu"), Dropout(0.5), Dense(16, "relu"), Dense(10, "softmax")],
               "Put each Dropout *after* its hidden Dense layer: it drops that layer's outputs.")],
    relevant=relevant_input_dim(PIXELS),
    success="Correct! During training each Dropout zeroes half of the hidden layer's outputs at random.",
    hints=["`layers.Dropout(0.5)` after each `layers.Dense(16, activation='relu')`.",
           "Dense(16) → Dropout(0.5) → Dense(16) → Dropout(0.5) → Dense(10, softmax)."],
    solution=Code("""
model_dropout = keras.Sequential([
    layers.Dense(16, activation='relu'),
    layers.Dropout(0.5),
    layers.Dense(16, activation='relu'),
    layers.Dropout(0.5),
    layers.Dense(10, activation='softmax'),
])
"""),
)

q9 = ThoughtExperiment(
    prompt="What the curves show",
    vars=["history_large_model", "history_noise"],
    diagnose=lambda history_large_model, history_noise: "The larger model: " + diagnose(history_large_model)
    + " The model with noise channels: " + diagnose(history_noise),
    missing_message="Train the models of questions 4 and 6 first, then run this cell again.",
    hints=["Where does the validation loss stop falling while the training loss keeps falling?"],
    solution="Overfitting starts at the epoch where the validation loss stops falling while the training loss "
             "keeps falling: from there on the model learns details of its 1,600 training images that do not hold "
             "for the 400 validation images, and the gap between the two curves opens. In this short run the larger "
             "model's validation loss flattens after two or three epochs while its training loss keeps going down: "
             "that is the onset; with more epochs it would rise (the logbook, on 60,000 images, saw it rise after "
             "about 8 epochs). The noise channels make it worse: the validation loss is higher, jumps around and "
             "stops improving earlier, because the model spends its capacity fitting noise that tells it nothing. "
             "Logistic regression is the opposite case, underfitting: both of its losses are still falling together "
             "and its accuracy is limited by what one layer can represent. L2 and dropout (questions 7 and 8) "
             "restrain how closely the weights can fit the training set: the training loss falls more slowly, and "
             "the validation loss reaches its minimum later and rises more slowly after it.",
)

exercise = Exercise("deep_learning_logbook.ex2", "Capacity, overfitting and regularisation",
                    [q1, q2, q3, q4, q5, q6, q7, q8, q9], preload=("keras",), datasets=("mnist-images", "mnist-labels"))
exercise.export(globals())
