"""Exercise 4 of the deep learning logbook: transfer learning with VGG16 (logbook week 8, LB-W8-6/7/8, parts
of LB-W8-3/5; DLwP §8.3). VGG16 is built without downloading its ImageNet weights (``weights=None``): the
questions are about shapes, graphs, what is frozen, the compile and the callback, which are the same with
``weights="imagenet"``. Nothing is trained."""
import math

from learnkit.core import Code, CodingProblem, EqualityProblem, Exercise, Incorrect, MultipleChoice, Unattempted
from learnkit.keras import Dense, Dropout, Flatten, RandomFlip, RandomRotation, RandomZoom, model_facts
from learnkit.keras.callbacks import CheckpointSpec, callback_spec_difference
from learnkit.keras.freeze import freeze_difference
from learnkit.keras.graph import Function, Graph, Input, Node, Submodel, graph_difference
from learnkit.keras.training import CompileSpec, compile_difference
from learnkit.keras.training_problems import CompileProblem

IMAGE = (180, 180, 3)
FEATURES = (5, 5, 512)  # VGG16's five 2×2 poolings: 180 → 90 → 45 → 22 → 11 → 5
HEAD = [Flatten(), Dense(256), Dropout(0.5), Dense(1, "sigmoid")]  # Dense(256): no activation, as in DLwP
AUGMENTATION = (RandomFlip("horizontal"), RandomRotation(0.1), RandomZoom(0.2))
FINE_TUNE_LAST = 4  # block5_conv1-3 and block5_pool; the pooling layer has no weights


def preprocess_input(x):
    """VGG16's own preprocessing (RGB → BGR, ImageNet means subtracted), imported when first traced."""
    from keras.applications.vgg16 import preprocess_input as vgg16_preprocess
    return vgg16_preprocess(x)


_TAIL = [Node("base", Submodel(name="vgg16", trainable=False)), Node("flat", Flatten()), Node("dense", Dense(256)),
         Node("drop", Dropout(0.5)), Node("out", Dense(1, "sigmoid"))]
END_TO_END = Graph(Input(IMAGE), Node("aug", Submodel(cls="Sequential", layers=AUGMENTATION)),
                   Node("pre", Function(preprocess_input, name="preprocess_input")), *_TAIL)
# the same augmentation as three layers of the model itself, without a Sequential around them
END_TO_END_INLINE = Graph(Input(IMAGE), *(Node(f"aug{i}", layer) for i, layer in enumerate(AUGMENTATION)),
                          Node("pre", Function(preprocess_input, name="preprocess_input")), *_TAIL)

q1 = EqualityProblem(
    prompt="What the convolutional base gives",
    var="feature_shape",
    expected=FEATURES,
    mistakes={"feature_shape": [
        ((None, 5, 5, 512), "That is `conv_base.output_shape`, with the batch dimension (None) first; one image's "
                            "features are the rest: drop the None."),
        ((6, 6, 512), "Each 2×2 max-pooling halves the size and rounds down: 180 → 90 → 45 → 22 → 11 → ?"),
        ((7, 7, 512), "(7, 7, 512) is for 224×224 images, VGG16's ImageNet size; here the images are 180×180."),
        ((4, 4, 512), "(4, 4, 512) is for 150×150 images (the first edition of the book); here they are 180×180."),
        ((11, 11, 512), "That is after block 4's pooling; block 5 has one more 2×2 max-pooling."),
        ((12800,), "That is the number of features after Flatten (5 × 5 × 512); the question asks for the shape "
                   "conv_base gives, before any Flatten."),
        ((1000,), "(1000,) is the output of VGG16's top (the ImageNet classifier), which include_top=False "
                  "leaves out."),
    ]},
    success="Correct! Each image becomes a 5 × 5 grid of 512 features: the input of the classifier you put on top.",
    hints=["`conv_base.output_shape` is `(None, height, width, channels)`; None is the batch size.",
           "VGG16 has five max-pooling layers that halve the size, rounding down: 180 → 90 → 45 → 22 → 11 → 5; "
           "its last convolutions have 512 filters."],
    solution=Code("feature_shape = conv_base.output_shape[1:]  # (5, 5, 512)"),
)

q2 = CompileProblem(
    prompt="A classifier on the features",
    var="model_fe",
    compile=CompileSpec(optimizer="rmsprop", loss="binary_crossentropy", metrics=("accuracy",)),
    layers=HEAD,
    input_shape=FEATURES,
    model_message="`model_fe`: ",
    success="Correct! 12,800 features → 256 → 1 probability: 3,277,313 weights to train, instead of VGG16's "
            "14.7 million.",
    hints=["`inputs = keras.Input(shape=(5, 5, 512))`, then `layers.Flatten()`, `layers.Dense(256)`, "
           "`layers.Dropout(0.5)` and `layers.Dense(1, activation='sigmoid')`; "
           "`model_fe = keras.Model(inputs, outputs)`.",
           "Compile it for two classes: `model_fe.compile(optimizer='rmsprop', loss='binary_crossentropy', "
           "metrics=['accuracy'])`."],
    solution=Code("""
inputs = keras.Input(shape=(5, 5, 512))
x = layers.Flatten()(inputs)
x = layers.Dense(256)(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(1, activation='sigmoid')(x)
model_fe = keras.Model(inputs, outputs)
model_fe.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])
"""),
)


def check_end_to_end(model_aug):
    why = graph_difference(model_aug, END_TO_END, "model_aug")
    if why and graph_difference(model_aug, END_TO_END_INLINE, "model_aug") is None:
        why = None
    if why:
        raise Incorrect(why)
    return ("Correct! Augmentation first (on the raw pixels), then VGG16's own preprocessing, then the frozen "
            "base: only the classifier's 3.3 million weights train.")


q3 = CodingProblem(
    prompt="End to end, with augmentation and a frozen base",
    vars=["model_aug"],
    check=check_end_to_end,
    hints=["The order: `x = data_augmentation(inputs)`, `x = keras.applications.vgg16.preprocess_input(x)`, "
           "`x = conv_base(x)`, then the classifier of question 2 (Flatten, Dense(256), Dropout(0.5), "
           "Dense(1, 'sigmoid')).",
           "Freeze the base before you compile: `conv_base.trainable = False`."],
    solution=Code("""
conv_base.trainable = False
inputs = keras.Input(shape=(180, 180, 3))
x = data_augmentation(inputs)
x = keras.applications.vgg16.preprocess_input(x)
x = conv_base(x)
x = layers.Flatten()(x)
x = layers.Dense(256)(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(1, activation='sigmoid')(x)
model_aug = keras.Model(inputs, outputs)
model_aug.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])
"""),
)

FINE_TUNE_COMPILE = CompileSpec(optimizer="rmsprop", loss="binary_crossentropy", metrics=("accuracy",),
                                learning_rate=1e-5)


def check_fine_tuning(conv_base, model_aug):
    base = model_facts(conv_base, name="conv_base")
    compiled = model_facts(model_aug, name="model_aug").compile
    untouched = freeze_difference(base, trainable=False) is None or freeze_difference(base, trainable=True) is None
    if untouched and compile_difference(compiled, FINE_TUNE_COMPILE, "model_aug") is not None:
        raise Unattempted("Unfreeze the last 4 layers of `conv_base` (and only those), then compile `model_aug` "
                          "again with `keras.optimizers.RMSprop(learning_rate=1e-5)`.")
    why = (freeze_difference(base, trainable_last=FINE_TUNE_LAST, var="conv_base")
           or compile_difference(compiled, FINE_TUNE_COMPILE, "model_aug"))
    if why:
        raise Incorrect(why)
    return ("Correct! Only block 5 (block5_conv1-3) trains, slowly (learning rate 1e-5), so that the large updates "
            "of the untrained classifier's first epochs cannot destroy what the base learned on ImageNet.")


q4 = CodingProblem(
    prompt="Fine-tuning: fix the logbook's freeze",
    vars=["conv_base", "model_aug"],
    check=check_fine_tuning,
    hints=["`conv_base.layers[-4:]` is the *last* four layers; `conv_base.layers[:-4]` is all the others.",
           "`conv_base.trainable = True`, then `for layer in conv_base.layers[:-4]: layer.trainable = False`; "
           "then `model_aug.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-5), "
           "loss='binary_crossentropy', metrics=['accuracy'])`.",
           "Still wrong after you ran a corrected cell again? Layers frozen by an earlier run stay frozen: on "
           "TensorFlow, `conv_base.trainable = True` does not unfreeze them while conv_base is already trainable. "
           "Run `conv_base.trainable = False`, then your cell again."],
    solution=Code("""
conv_base.trainable = True
for layer in conv_base.layers[:-4]:
    layer.trainable = False
model_aug.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-5),
                  loss='binary_crossentropy', metrics=['accuracy'])
"""),
)

CHECKPOINT = CheckpointSpec("fine_tuning.keras", monitor="val_loss", save_best_only=True)


def check_checkpoint(checkpoint):
    why = callback_spec_difference(checkpoint, CHECKPOINT, "checkpoint")
    if why:
        raise Incorrect(why)
    return ("Correct! After each epoch, the model is saved to fine_tuning.keras only when its validation loss is "
            "the lowest so far: `keras.models.load_model('fine_tuning.keras')` gives back the best epoch.")


q5 = CodingProblem(
    prompt="Keep the best epoch",
    vars=["checkpoint"],
    check=check_checkpoint,
    hints=[CHECKPOINT.hint(),
           "Save to 'fine_tuning.keras': `.keras` is Keras 3's own format; the logbook's 'fine_tuning.h5' is the "
           "legacy HDF5 format."],
    solution=Code("""
checkpoint = keras.callbacks.ModelCheckpoint(
    filepath='fine_tuning.keras', save_best_only=True, monitor='val_loss')
"""),
)

q6 = EqualityProblem(
    prompt="The loss of a coin toss",
    var="chance_loss",
    expected=math.log(2),
    rtol=0.005,  # the logbook's 0.6929 passes
    mistakes={"chance_loss": [
        (0.5, "0.5 is the accuracy of a coin toss; the question asks for its binary cross-entropy, −log(0.5)."),
        (-math.log(2), "Cross-entropy is −log(p) of the probability given to the true class: it is positive."),
        (math.log10(2), "Keras's cross-entropy uses the natural logarithm (np.log), not log10."),
        (1.0, "1.0 is −log2(0.5), in bits; Keras's cross-entropy uses the natural logarithm (np.log)."),
        (0.25, "0.25 is the squared error of predicting 0.5; the question asks for the binary cross-entropy."),
    ]},
    success="Correct! −log(0.5) = 0.6931: the logbook's test loss of 0.6929 is exactly what a model gets that "
            "says 0.5 for every image.",
    hints=["Binary cross-entropy of one image: −(y·log(p) + (1 − y)·log(1 − p)). Put p = 0.5 in: the label y no "
           "longer matters.",
           "`chance_loss = -np.log(0.5)`, which is `np.log(2)`."],
    solution=Code("chance_loss = -np.log(0.5)  # 0.6931 = log(2)"),
)

CHANCE_CHOICES = [
    "It overfitted: with more capacity it memorised the 2,000 training images.",
    "It never learned: it says 0.5 for every image, a training failure.",
    "The test images are harder than the training images.",
    "Dropout(0.5) drops half of the units at test time too.",
]
q7 = MultipleChoice(
    prompt="Why the bigger model stayed at chance",
    var="why_chance",
    choices=CHANCE_CHOICES,
    answer="b",
    explanations={
        "a": "An overfitted model still beats chance (the smaller model from scratch reached 0.72), and it is "
             "confidently wrong on some test images, so its test loss rises above log(2). A loss of exactly "
             "log(2) says something else: look at question 6.",
        "b": "Correct! A loss of log(2) = 0.693 with an accuracy of 0.500 is what a model gets that answers 0.5 "
             "for every image: it never learned anything (or the saved checkpoint it was evaluated from is such "
             "an epoch). Five convolution blocks, two Dropout(0.5) and Adam on 2,000 images from scratch failed "
             "to train. Look at the training curves before blaming the data; then try a lower learning rate, "
             "augmentation, BatchNormalization, or, best with 2,000 images, a pretrained base as in this lesson.",
        "c": "The training, validation and test images are random draws from the same Kaggle set: a model that "
             "learned anything would do better than a coin toss on all of them.",
        "d": "Dropout is active only during training (fit); evaluate and predict use all the units.",
    },
    hints=["Compare the test loss, 0.6929, with your answer to question 6.",
           "Would an overfitted model be exactly at chance, with exactly the loss of a coin toss?"],
)

exercise = Exercise("deep_learning_logbook.ex4", "Transfer learning with VGG16", [q1, q2, q3, q4, q5, q6, q7],
                    preload=("keras",))
exercise.export(globals())
