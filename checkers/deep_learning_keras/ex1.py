"""Exercise 1 of Deep learning with Keras: first Keras models (DataCamp chapter 3, seed 004).

Hourly wages regression (specify, compile, fit) and Titanic classification (one-hot target,
model + compile + fit, predicted probabilities), in Keras 3 spelling.
"""
import numpy as np

from learnkit.core import Code, CodingProblem, Exercise, Incorrect, Unattempted
from learnkit.keras import Dense, relevant_input_dim
from learnkit.keras.fact_types import ModelFact
from learnkit.keras.runs import describe_run
from learnkit.keras.training import CompileSpec, FitSpec, LossDecreased, RunSpec
from learnkit.keras.training_problems import CompileProblem, CountedModelProblem, TrainingProblem

WAGES = [Dense(50, "relu"), Dense(32, "relu"), Dense(1, "linear")]
WAGES_PARAMS = 2165  # 9*50+50 + 50*32+32 + 32+1
WAGES_COMPILE = CompileSpec(optimizer="adam", loss="mean_squared_error")
TITANIC = [Dense(32, "relu"), Dense(2, "softmax")]
TITANIC_PARAMS = 418  # 10*32+32 + 32*2+2
TITANIC_COMPILE = CompileSpec(optimizer="sgd", loss="categorical_crossentropy", metrics=("accuracy",))


def _last_dense_sigmoid_or_relu(facts):
    last = facts.layers[-1] if facts.layers else None
    return last is not None and last.cls == "Dense" and last.units == 1 and last.activation not in ("linear", None)


q1 = CountedModelProblem(
    prompt="Specify a model",
    var="model",
    layers=WAGES,
    input_shape=[9],
    params=WAGES_PARAMS,
    starter=[],
    starter_message="`model` has no layers yet: add Dense(50, relu), Dense(32, relu) and the output layer Dense(1).",
    mistakes=[(_last_dense_sigmoid_or_relu, "The output layer predicts a wage, any real number: leave it without "
                                            "an activation (`layers.Dense(1)`).")],
    relevant=relevant_input_dim(9),
    success="Correct! 50 + 32 hidden units and one output: 500 + 1,632 + 33 = 2,165 parameters.",
    hints=[
        "Add the layers with `model.add(...)`: `layers.Dense(50, activation='relu')`, then "
        "`layers.Dense(32, activation='relu')`, then the output layer `layers.Dense(1)`.",
        "The output of a regression has no activation: `layers.Dense(1)`. The input shape comes from "
        "`keras.Input(shape=(n_cols,))`, which is already the model's first entry.",
    ],
    solution=Code("""
model = keras.Sequential()
model.add(keras.Input(shape=(n_cols,)))
model.add(layers.Dense(50, activation='relu'))
model.add(layers.Dense(32, activation='relu'))
model.add(layers.Dense(1))
"""),
)

q2 = CompileProblem(
    prompt="Compile the model",
    var="model",
    compile=WAGES_COMPILE,
    layers=WAGES,
    input_shape=[9],
    model_message="Question 1's model is not right yet, fix it first: ",
    success="Correct! Adam and the mean squared error: `model` is ready to be fitted.",
    hints=["`model.compile(optimizer=..., loss=...)` with the name of the Adam optimizer and of the mean "
           "squared error loss."],
    solution=Code("model.compile(optimizer='adam', loss='mean_squared_error')"),
)


def diagnose_wages(history):
    return "Your " + describe_run(history, "loss") + "."


q3 = TrainingProblem(
    prompt="Fit the model",
    runs={"history": RunSpec(layers=WAGES, input_shape=[9], params=WAGES_PARAMS, compile=WAGES_COMPILE,
                             fit=FitSpec(epochs=10), curve=(LossDecreased(),))},
    relevant_message="run the cell that fits the wages model of question 1.",
    diagnose=diagnose_wages,
    success="Correct! Keras fitted your model for 10 epochs.",
    hints=["`history = model.fit(predictors, target, epochs=10)`: Keras 3 trains for 1 epoch unless you say "
           "otherwise (the old Keras of the course trained 10)."],
    solution=Code("history = model.fit(predictors, target, epochs=10)"),
)


def _survival_column(df):
    if not hasattr(df, "columns") or "survived" not in df.columns:
        raise Unattempted("`df` is not the Titanic data yet: run the cell that loads it.")
    return np.asarray(df["survived"]).astype(int)


def check_target(target, df):
    survived = _survival_column(df)
    try:
        t = np.asarray(target, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect("`target` should be an array of numbers, like `to_categorical(df.survived)`.") from None
    if t.ndim == 1 and len(t) != len(survived):  # e.g. still question 1's wages: wrong if asked, not an attempt
        raise Incorrect(f"`target` still holds {len(t)} values of another dataset: convert `df.survived` "
                        "with `to_categorical`.", attempt=False)
    if t.ndim == 1:
        raise Incorrect("`target` is one column of 0s and 1s. A softmax over 2 classes needs one-hot columns: "
                        "`target = to_categorical(df.survived)`.")
    if t.ndim != 2 or t.shape[0] != len(survived):
        raise Incorrect(f"`target` has shape {t.shape}; it should be ({len(survived)}, 2): one row per passenger "
                        "in `df`, one column per class.")
    if t.shape[1] != 2:
        raise Incorrect(f"`target` has {t.shape[1]} columns; `survived` has 2 classes (0 and 1), so "
                        "`to_categorical(df.survived)` gives 2. Don't pass num_classes.")
    onehot = np.eye(2)[survived]
    if np.array_equal(t, onehot):
        return "Correct! Column 0 is 1 for passengers who died, column 1 for those who survived."
    if np.array_equal(t, onehot[:, ::-1]):
        raise Incorrect("Your columns are swapped: column 1 should be 1 for the passengers who survived "
                        "(`to_categorical(df.survived)`).")
    raise Incorrect("`target` is not the one-hot encoding of `df.survived`: use `to_categorical(df.survived)`.")


q4 = CodingProblem(
    prompt="Convert the target to categorical",
    vars=["target", "df"],
    check=check_target,
    hints=["`to_categorical` (from `keras.utils`) turns the labels 0/1 into two columns: "
           "`target = to_categorical(df.survived)`."],
    solution=Code("target = to_categorical(df.survived)"),
)

q5 = TrainingProblem(
    prompt="Last steps in classification models",
    runs={"history": RunSpec(layers=TITANIC, input_shape=[10], params=TITANIC_PARAMS, compile=TITANIC_COMPILE,
                             fit=FitSpec(epochs=10), curve=(LossDecreased(),))},
    relevant_message="run the cell that fits the Titanic model.",
    diagnose=lambda history: "Your " + describe_run(history, "loss") + "; " + describe_run(history, "accuracy")
    + ".",
    success="Correct! A softmax over 2 classes, trained with SGD on the categorical cross-entropy.",
    hints=[
        "The model: `keras.Input(shape=(n_cols,))`, `layers.Dense(32, activation='relu')`, "
        "`layers.Dense(2, activation='softmax')`.",
        "Compile with `optimizer='sgd', loss='categorical_crossentropy', metrics=['accuracy']`, then "
        "`history = model.fit(predictors, target, epochs=10)`.",
    ],
    solution=Code("""
model = keras.Sequential()
model.add(keras.Input(shape=(n_cols,)))
model.add(layers.Dense(32, activation='relu'))
model.add(layers.Dense(2, activation='softmax'))
model.compile(optimizer='sgd', loss='categorical_crossentropy', metrics=['accuracy'])
history = model.fit(predictors, target, epochs=10)
"""),
)


def check_predictions(predicted_prob_true, model, pred_data):
    if not isinstance(model, ModelFact):
        raise Unattempted("`model` is not a Keras model: build and fit the Titanic model first.")
    try:
        p = np.asarray(predicted_prob_true, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect("`predicted_prob_true` should be an array of probabilities.") from None
    n = len(pred_data)
    if p.ndim == 2:
        raise Incorrect(f"`predicted_prob_true` has shape {p.shape}: keep only column 1, the probability of "
                        "survival: `predictions[:, 1]`.")
    if p.ndim != 1 or len(p) != n:
        raise Incorrect(f"`predicted_prob_true` has {p.size} values; `pred_data` has {n} passengers: "
                        "predict on `pred_data`.")
    if np.any(p < 0) or np.any(p > 1) or not np.all(np.isfinite(p)):
        raise Incorrect("Some values of `predicted_prob_true` are outside [0, 1], so they are not probabilities.")
    try:
        out = np.asarray(model(np.asarray(pred_data, dtype="float32"), training=False))
    except Exception:  # e.g. the wages model, which takes 9 predictors
        raise Incorrect("`model` cannot make predictions for `pred_data` (10 predictors per passenger): is it still "
                        "the Titanic model of question 5?") from None
    if out.ndim != 2 or out.shape[1] != 2:
        raise Incorrect(f"`model` gives {out.shape[-1]} outputs per passenger; it should give 2 probabilities "
                        "(the Titanic model of question 5).")
    if np.allclose(p, out[:, 1], atol=1e-4):
        return (f"Correct! On average your model gives these {n} passengers a {p.mean():.0%} chance of "
                "surviving.")
    if np.allclose(p, out[:, 0], atol=1e-4):
        raise Incorrect("That is column 0, the probability of *not* surviving: take column 1.")
    if set(np.unique(p)) <= {0.0, 1.0}:
        raise Incorrect("These are predicted classes (0 or 1), not probabilities: take column 1 of "
                        "`model.predict(pred_data)`.")
    raise Incorrect("`predicted_prob_true` is not column 1 of your current model's predictions for `pred_data`: "
                    "run `predictions = model.predict(pred_data)` again after training.")


q6 = CodingProblem(
    prompt="Making predictions",
    vars=["predicted_prob_true", "model", "pred_data"],
    check=check_predictions,
    hints=["`predictions = model.predict(pred_data)` has one row per passenger and one column per class; "
           "the probability of survival is column 1: `predictions[:, 1]`."],
    solution=Code("""
predictions = model.predict(pred_data)
predicted_prob_true = predictions[:, 1]
"""),
)

exercise = Exercise("deep_learning_keras.ex1", "First Keras models", [q1, q2, q3, q4, q5, q6],
                    preload=("keras", "pandas"), datasets=("hourly-wages", "titanic"))
exercise.export(globals())
