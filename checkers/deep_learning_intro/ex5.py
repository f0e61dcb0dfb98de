"""Exercise 5 of Intro to Deep Learning: Dropout and Batch Normalization.

Follows Kaggle's learntools exercise (seeds 000-002); q_1 also checks the input shape,
which learntools forgets, and q_2/q_4 diagnose the student's own learning curves.
"""
from learnkit.core import Code, Exercise, ThoughtExperiment
from learnkit.i18n import content as _, gap
from learnkit.keras import (BatchNormalization, Dense, Dropout, KerasModelProblem, first_difference,
                            relevant_input_dim)
from learnkit.keras import history_log
from learnkit.keras.curves import curve_facts
from learnkit.keras.diagnosis import compare, diagnose
from learnkit.keras.provenance import run_of
from learnkit.keras.training import RunSpec

# -- the models of the exercise, as layer specs --------------------------------------
SPOTIFY_DROPOUT = [Dense(128, "relu"), Dropout(0.3), Dense(64, "relu"), Dropout(0.3), Dense(1, "linear")]
SPOTIFY_STARTER = [Dense(128, "relu"), Dense(64, "relu"), Dense(1, "linear")]  # exercise 4's model
CONCRETE_PLAIN = [Dense(512, "relu"), Dense(512, "relu"), Dense(512, "relu"), Dense(1, "linear")]
CONCRETE_BN = [BatchNormalization(), Dense(512, "relu"), BatchNormalization(), Dense(512, "relu"),
               BatchNormalization(), Dense(512, "relu"), BatchNormalization(), Dense(1, "linear")]
BN_AFTER_DENSE = [Dense(512, "relu"), BatchNormalization(), Dense(512, "relu"), BatchNormalization(),
                  Dense(512, "relu"), BatchNormalization(), Dense(1, "linear"), BatchNormalization()]
BN_AFTER_HIDDEN = [Dense(512, "relu"), BatchNormalization(), Dense(512, "relu"), BatchNormalization(),
                   Dense(512, "relu"), BatchNormalization(), Dense(1, "linear")]


def _classes(facts):
    return [layer.cls for layer in facts.layers]


def _dropout_after_output(facts):
    return _classes(facts)[-1:] == ["Dropout"]


def _bn_after_dense(facts):
    return first_difference(facts, BN_AFTER_DENSE) is None or first_difference(facts, BN_AFTER_HIDDEN) is None


q1 = KerasModelProblem(
    prompt="Add dropout to the Spotify model",
    var="model",
    layers=SPOTIFY_DROPOUT,
    input_shape=[18],
    starter=SPOTIFY_STARTER,
    starter_message="`model` is still exercise 4's model: add a `layers.Dropout(0.3)` after the Dense "
                    "layer with 128 units and another after the one with 64 units.",
    mistakes=[
        (_dropout_after_output, "Dropout goes after the two hidden Dense layers (128 and 64 units), "
                                "not after the output layer: the last layer should be `Dense(1)`."),
    ],
    relevant=relevant_input_dim(18),
    success="Correct! Two 30% Dropout layers follow the 128- and 64-unit Dense layers.",
    hints=[
        "Add two `layers.Dropout(rate=0.3)` layers: one right after the Dense layer with 128 units, "
        "one right after the Dense layer with 64 units. Keep `input_shape=input_shape` on the first layer.",
        "Your model should have five layers: Dense(128) → Dropout(0.3) → Dense(64) → Dropout(0.3) → Dense(1).",
    ],
    solution=Code("""
model = keras.Sequential([
    layers.Dense(128, activation='relu', input_shape=input_shape),
    layers.Dropout(0.3),
    layers.Dense(64, activation='relu'),
    layers.Dropout(0.3),
    layers.Dense(1)
])
"""),
)


def _history_of(history, spec, input_dim, what, starter):
    """The curve facts of ``history`` if it is a run of the model this question is about, in whatever form the
    student keeps it (History, ``history.history``, a DataFrame): ``learnkit.keras.provenance``'s rule."""
    run_of(history, RunSpec(layers=spec, input_shape=[input_dim]), what, starter=starter)
    return curve_facts(history)


def diagnose_dropout(history):
    facts = _history_of(history, SPOTIFY_DROPOUT, 18, _("the dropout model of question 1"), SPOTIFY_STARTER)
    return diagnose(facts)


def _is_plain_concrete(seen) -> bool:
    """The un-normalized Concrete run this exercise trains before question 3."""
    model = seen.model
    return model is not None and [layer.cls for layer in model.layers] == ["Dense"] * 4 \
        and model.input_shape in ((8,), None)


def diagnose_batchnorm(history):
    facts = _history_of(history, CONCRETE_BN, 8, _("the batch-normalized model of question 3"), CONCRETE_PLAIN)
    text = diagnose(facts)
    plain = [s for s in history_log.seen_histories() if _is_plain_concrete(s)]
    if plain:
        text += gap(text) + compare(curve_facts(plain[-1].history), facts,
                                       _("Without batch normalization"), _("with it"))
    return text


q2 = ThoughtExperiment(
    prompt="Evaluate dropout",
    vars=["history"],
    diagnose=diagnose_dropout,
    missing_message="Train the model first: `history` is not defined yet. Run the cells above, down to the one "
                    "with `history = model.fit(...)`, then this one again.",
    hints=["Compare the validation curve with exercise 4, where it started rising around epoch 5."],
    solution="From the learning curves, you can see that the validation loss remains near a constant minimum "
             "even though the training loss continues to decrease. So we can see that adding dropout did prevent "
             "overfitting this time. Moreover, by making it harder for the network to fit spurious patterns, "
             "dropout may have encouraged the network to seek out more of the true patterns, possibly improving "
             "the validation loss some as well.",
)

q3 = KerasModelProblem(
    prompt="Add batch normalization layers",
    var="model",
    layers=CONCRETE_BN,
    input_shape=[8],
    starter=CONCRETE_PLAIN,
    starter_message="`model` is still the plain network: add a `layers.BatchNormalization()` before each of "
                    "the four Dense layers, and move `input_shape=input_shape` to the first one.",
    mistakes=[
        (_bn_after_dense, "Your BatchNormalization layers come after the Dense layers. This question asks for "
                          "one *before* each Dense layer, so that every Dense layer sees normalized inputs — "
                          "including the first, which normalizes the raw, unstandardized data."),
    ],
    relevant=relevant_input_dim(8),
    success="Correct! A BatchNormalization layer now comes before each of the four Dense layers.",
    hints=[
        "Put a `layers.BatchNormalization()` before each of the four Dense layers (four in all). The first "
        "BatchNormalization becomes the first layer, so it takes `input_shape=input_shape`.",
        "The order is BN → Dense(512) → BN → Dense(512) → BN → Dense(512) → BN → Dense(1).",
    ],
    solution=Code("""
model = keras.Sequential([
    layers.BatchNormalization(input_shape=input_shape),
    layers.Dense(512, activation='relu'),
    layers.BatchNormalization(),
    layers.Dense(512, activation='relu'),
    layers.BatchNormalization(),
    layers.Dense(512, activation='relu'),
    layers.BatchNormalization(),
    layers.Dense(1),
])
"""),
)

q4 = ThoughtExperiment(
    prompt="Evaluate batch normalization",
    vars=["history"],
    diagnose=diagnose_batchnorm,
    missing_message="Train the batch-normalized model first: `history` is not defined yet. Run the cells above, "
                    "down to the one with `history = model.fit(...)`, then this one again.",
    hints=["Did the batch-normalized model give a finite validation loss, where the first attempt gave NaN?"],
    solution="You can see that adding batch normalization was a big improvement on the first attempt! By "
             "adaptively scaling the data as it passes through the network, batch normalization can let you "
             "train models on difficult datasets.",
)

exercise = Exercise("deep_learning_intro.ex5", "Dropout and Batch Normalization", [q1, q2, q3, q4],
                    languages=["zh-TW"], preload=("keras", "pandas", "matplotlib.pyplot", "sklearn.model_selection"),
                    datasets=("spotify", "concrete"))
exercise.export(globals())
history_log.watch()  # remember each `history` before the notebook overwrites it (q_4 compares two runs)
