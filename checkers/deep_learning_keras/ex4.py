"""Exercise 4 of Deep learning with Keras: the red-wine tutorial of Kaggle's lesson 5 (seed 002, K5-T1).

A worked notebook before the Dropout and Batch Normalization exercise: the student builds the
tutorial's model (one check) and reads a diagnosis of its learning curves on unstandardized data.
"""
from learnkit.core import Code, Exercise, ThoughtExperiment
from learnkit.keras import BatchNormalization, Dense, Dropout, first_difference, relevant_input_dim
from learnkit.keras import history_log
from learnkit.keras.curves import curve_facts
from learnkit.keras.diagnosis import compare, diagnose
from learnkit.keras.training import RunSpec
from learnkit.keras.training_problems import CountedModelProblem, run_of

WINE = [Dense(1024, "relu"), Dropout(0.3), BatchNormalization()] * 3 + [Dense(1, "linear")]
WINE_PARAMS = 2124801  # Dense layers 2,112,513 + three BatchNormalization layers of 4 x 1024
LESSON_4 = [Dense(512, "relu"), Dense(512, "relu"), Dense(512, "relu"), Dense(1, "linear")]  # the starter
BN_FIRST = [Dense(1024, "relu"), BatchNormalization(), Dropout(0.3)] * 3 + [Dense(1, "linear")]


def _bn_before_dropout(facts):
    return first_difference(facts, BN_FIRST) is None


def _no_dropout_or_bn(facts):
    classes = {layer.cls for layer in facts.layers}
    return "Dense" in classes and not classes & {"Dropout", "BatchNormalization"}


q1 = CountedModelProblem(
    prompt="Build the tutorial's model",
    var="model",
    layers=WINE,
    input_shape=[11],
    params=WINE_PARAMS,
    starter=LESSON_4,
    starter_message="`model` is still lesson 4's network: widen the hidden layers to 1024 units and follow each "
                    "one with `layers.Dropout(0.3)` and `layers.BatchNormalization()`.",
    mistakes=[
        (_bn_before_dropout, "Each hidden block of the tutorial is Dense → Dropout → BatchNormalization; yours has "
                             "BatchNormalization before Dropout. Both orders are used in practice, but this "
                             "notebook reproduces the tutorial's model."),
        (_no_dropout_or_bn, "Your model has no Dropout and no BatchNormalization layers yet: follow each hidden "
                            "Dense layer with `layers.Dropout(0.3)` and `layers.BatchNormalization()`."),
    ],
    relevant=relevant_input_dim(11),
    success="Correct! Three blocks of Dense(1024) → Dropout(0.3) → BatchNormalization, then Dense(1): "
            "2,124,801 parameters, 6,144 of them the batch statistics that training does not update.",
    hints=[
        "Each hidden block is `layers.Dense(1024, activation='relu')`, `layers.Dropout(0.3)`, "
        "`layers.BatchNormalization()`; the model ends with `layers.Dense(1)`.",
        "Ten layers in all; keep `keras.Input(shape=[11])` first.",
    ],
    solution=Code("""
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
"""),
)


def _is_lesson_4(seen) -> bool:
    model = seen.model
    return model is not None and [layer.cls for layer in model.layers] == ["Dense"] * 4 \
        and model.input_shape in ((11,), None)


def diagnose_wine(history):
    run_of(history, RunSpec(layers=WINE, input_shape=[11]), "the dropout and batch-normalization model of "
                                                            "question 1", starter=LESSON_4)
    text = diagnose(history)
    plain = [s for s in history_log.seen_histories() if _is_lesson_4(s)]
    if plain:
        text += " " + compare(curve_facts(plain[-1].history), history,
                                     "with lesson 4's network", "with dropout and batch normalization")
    return text


q2 = ThoughtExperiment(
    prompt="Read the learning curves",
    vars=["history"],
    diagnose=diagnose_wine,
    hints=["Look at where the validation loss starts, how much it jumps in the first epochs, and where it "
           "settles."],
    solution="The data was not standardized: the features range from 0.012 (chlorides) to 289 (total sulfur "
             "dioxide). Such scales usually make training unstable, and the first epochs are indeed wild, with "
             "validation losses several times the final ones. But batch normalization keeps rescaling the "
             "activations inside the network, and within 30 epochs the validation loss comes down below 1. It "
             "has not settled yet: with the tutorial's 100 epochs and the fixed seeds it reaches about 0.55, "
             "where predicting the average quality for every wine would give about 0.68. Dropout keeps the "
             "two-million-parameter network from overfitting the 1,119 training wines: the validation loss does "
             "not rise while the training loss falls. You would typically get better performance by "
             "standardizing the data first; that training works on the raw data at all shows how effective "
             "batch normalization can be on difficult datasets.",
)

exercise = Exercise("deep_learning_keras.ex4", "Dropout and batch normalization: the red wine model", [q1, q2],
                    preload=("keras", "pandas"), datasets=("red-wine",))
exercise.export(globals())
history_log.watch()  # remember the starter run, to compare it with the tutorial model's run
