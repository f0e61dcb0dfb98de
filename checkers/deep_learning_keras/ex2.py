"""Exercise 2 of Deep learning with Keras: optimising and validating (DataCamp chapter 4.1-4.3, seed 004).

The learning-rate sweep, validation_split, EarlyStopping, wider and deeper networks on the Titanic
data; every comparison question describes the student's own curves.
"""
from learnkit.core import Code, Exercise, MultipleChoice
from learnkit.keras import Dense, first_difference
from learnkit.keras.diagnosis import compare, diagnose
from learnkit.keras.runs import summarize
from learnkit.keras.training import (CompileSpec, EarlyStoppingSpec, FitSpec, RunSpec, early_stopping_summary,
                                     find_key)
from learnkit.keras.training_problems import SweepProblem, TrainingProblem

N_ROWS = 891
INPUT = [10]
NEW_MODEL = [Dense(100, "relu"), Dense(100, "relu"), Dense(2, "softmax")]  # get_new_model(); 11,402 parameters
ADAM = CompileSpec(optimizer="adam", loss="categorical_crossentropy", metrics=("accuracy",))
PATIENCE_2 = EarlyStoppingSpec(patience=2)
WIDE_1 = [Dense(10, "relu"), Dense(10, "relu"), Dense(2, "softmax")]  # 242 parameters
DEEP_1 = [Dense(50, "relu"), Dense(2, "softmax")]  # 652 parameters
DEEP_2 = [Dense(50, "relu"), Dense(50, "relu"), Dense(50, "relu"), Dense(2, "softmax")]  # 5,752 parameters

q1 = MultipleChoice(
    prompt="Diagnosing optimization problems",
    var="answer_1",
    choices=["Learning rate too low.", "Learning rate too high.", "Poor choice of activation function.",
             "All of the above."],
    answer="d",
    explanations={
        "a": "A learning rate that is too low is one cause, but not the only one here.",
        "b": "A learning rate that is too high is one cause, but not the only one here.",
        "c": "A poor activation function (e.g. dead ReLUs) is one cause, but not the only one here.",
        "d": "Correct! Tiny steps, overshooting steps and activations whose slope is zero can each keep the loss "
             "from improving.",
    },
    hints=["Think about what each of the three can do to the size of the weight updates."],
    solution="(d) All of the above: a learning rate too low makes tiny updates, one too high overshoots, and an "
             "activation with zero slope (like ReLU for negative inputs) stops gradients.",
)


def _sweep_run(lr):
    return RunSpec(layers=NEW_MODEL, input_shape=INPUT, params=11402,
                   compile=CompileSpec(optimizer="sgd", loss="categorical_crossentropy", learning_rate=lr),
                   fit=FitSpec(epochs=10))


q2 = SweepProblem(
    prompt="Changing optimization parameters",
    var="histories",
    keys=[0.000001, 0.01, 1.0],
    run=_sweep_run,
    setting="learning rate",
    empty_message="`histories` is still empty: write the loop that fills it, one fit per learning rate.",
    same_model_message="Several runs in `histories` trained the same model object, so each learning rate started "
                       "where the previous one stopped: call `get_new_model()` inside the loop.",
    diagnose=lambda runs: summarize(runs, label="learning rate", key="loss"),
    success="Correct! Three fresh models, one per learning rate, each trained for 10 epochs with SGD.",
    hints=[
        "Inside the loop: `model = get_new_model()`, `my_optimizer = SGD(learning_rate=lr)`, "
        "`model.compile(optimizer=my_optimizer, loss='categorical_crossentropy')`, then "
        "`histories[lr] = model.fit(predictors, target, epochs=10, verbose=0)`.",
        "Keras 3 spells the argument `learning_rate=` (the course's `lr=` is gone) and wants a float: "
        "write `1.0`, not `1`.",
    ],
    solution=Code("""
lr_to_test = [0.000001, 0.01, 1.0]
histories = {}
for lr in lr_to_test:
    model = get_new_model()
    my_optimizer = SGD(learning_rate=lr)
    model.compile(optimizer=my_optimizer, loss='categorical_crossentropy')
    histories[lr] = model.fit(predictors, target, epochs=10, verbose=0)
"""),
)


def diagnose_validation(hist):
    key = find_key(hist.history, "val_accuracy")
    text = diagnose(hist)
    if key:
        text = f"Validation accuracy at the last epoch: {hist.history[key][-1]:.4f} (DataCamp's run: 0.7351). " + text
    return text


q3 = TrainingProblem(
    prompt="Evaluating model accuracy on validation dataset",
    runs={"hist": RunSpec(layers=NEW_MODEL, input_shape=INPUT, params=11402, compile=ADAM,
                          fit=FitSpec(epochs=10, validation_split=0.3, n_samples=N_ROWS))},
    diagnose=diagnose_validation,
    success="Correct! Keras trained on 623 passengers and scored the other 268 after every epoch.",
    hints=[
        "Compile with `optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy']`.",
        "`hist = model.fit(predictors, target, epochs=10, validation_split=0.3)` keeps the last 30% of the rows "
        "apart for validation.",
    ],
    solution=Code("""
model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
hist = model.fit(predictors, target, epochs=10, validation_split=0.3)
"""),
)

q4 = TrainingProblem(
    prompt="Early stopping: optimizing the optimization",
    runs={"history": RunSpec(layers=NEW_MODEL, input_shape=INPUT, params=11402, compile=ADAM,
                             fit=FitSpec(epochs=30, validation_split=0.3, n_samples=N_ROWS),
                             early_stopping=PATIENCE_2)},
    callback_var="early_stopping_monitor",
    callback=PATIENCE_2,
    diagnose=lambda history, early_stopping_monitor: early_stopping_summary(history, 2),
    success="Correct! EarlyStopping watched the validation loss and would stop after 2 epochs without "
            "improvement.",
    hints=[
        "`early_stopping_monitor = EarlyStopping(patience=2)` watches 'val_loss' by default.",
        "Pass it in a list: `history = model.fit(predictors, target, epochs=30, validation_split=0.3, "
        "callbacks=[early_stopping_monitor])`.",
    ],
    solution=Code("""
model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
early_stopping_monitor = EarlyStopping(patience=2)
history = model.fit(predictors, target, epochs=30, validation_split=0.3,
                    callbacks=[early_stopping_monitor])
"""),
)


def _pair(model_1, model_2, epochs, split):
    fit = FitSpec(epochs=epochs, validation_split=split, n_samples=N_ROWS)
    return {"model_1_training": RunSpec(layers=model_1, input_shape=INPUT, compile=ADAM, fit=fit,
                                        early_stopping=PATIENCE_2),
            "model_2_training": RunSpec(layers=model_2, input_shape=INPUT, compile=ADAM, fit=fit,
                                        early_stopping=PATIENCE_2)}


def _not_runs_of(other_model_1):
    """``relevant``: the pair is another question's while model_1_training comes from that question's model_1."""
    return lambda facts: first_difference(facts["model_1_training"], other_model_1) is not None


def _compare(what_1, what_2):
    def _diagnose(model_1_training, model_2_training, early_stopping_monitor):
        return compare(model_1_training, model_2_training, f"for model_1 ({what_1})",
                              f"for model_2 ({what_2})") + \
            f" model_1 ran {len(model_1_training.epoch)} epochs, model_2 {len(model_2_training.epoch)}."
    return _diagnose


q5 = TrainingProblem(
    prompt="Experimenting with wider networks",
    runs=_pair(WIDE_1, NEW_MODEL, epochs=15, split=0.2),
    callback_var="early_stopping_monitor",
    callback=PATIENCE_2,
    relevant=_not_runs_of(DEEP_1),
    relevant_message="`model_1_training` and `model_2_training` now hold question 6's runs.",
    diagnose=_compare("10 units per hidden layer", "100 units"),
    success="Correct! model_2 has 1,100 + 10,100 + 202 = 11,402 parameters, model_1 only 242.",
    hints=[
        "model_2 is model_1 with 100 units in each hidden layer: `layers.Dense(100, activation='relu')` twice, "
        "then `layers.Dense(2, activation='softmax')`.",
        "Fit each model with `epochs=15, validation_split=0.2, callbacks=[early_stopping_monitor], verbose=0`.",
    ],
    solution=Code("""
model_2 = keras.Sequential()
model_2.add(keras.Input(shape=input_shape))
model_2.add(layers.Dense(100, activation='relu'))
model_2.add(layers.Dense(100, activation='relu'))
model_2.add(layers.Dense(2, activation='softmax'))
model_2.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
model_1_training = model_1.fit(predictors, target, epochs=15, validation_split=0.2,
                               callbacks=[early_stopping_monitor], verbose=0)
model_2_training = model_2.fit(predictors, target, epochs=15, validation_split=0.2,
                               callbacks=[early_stopping_monitor], verbose=0)
"""),
)

q6 = TrainingProblem(
    prompt="Adding layers to a network",
    runs=_pair(DEEP_1, DEEP_2, epochs=20, split=0.4),
    callback_var="early_stopping_monitor",
    callback=PATIENCE_2,
    relevant=_not_runs_of(WIDE_1),
    relevant_message="`model_1_training` and `model_2_training` still hold question 5's runs: run the cell that "
                     "trains this question's models.",
    diagnose=_compare("1 hidden layer", "3 hidden layers"),
    success="Correct! model_2 has 550 + 2,550 + 2,550 + 102 = 5,752 parameters, model_1 652.",
    hints=[
        "model_2 has three hidden layers `layers.Dense(50, activation='relu')` and the output layer "
        "`layers.Dense(2, activation='softmax')`.",
        "Fit each model with `epochs=20, validation_split=0.4, callbacks=[early_stopping_monitor], verbose=0`.",
    ],
    solution=Code("""
model_2 = keras.Sequential()
model_2.add(keras.Input(shape=input_shape))
model_2.add(layers.Dense(50, activation='relu'))
model_2.add(layers.Dense(50, activation='relu'))
model_2.add(layers.Dense(50, activation='relu'))
model_2.add(layers.Dense(2, activation='softmax'))
model_2.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
model_1_training = model_1.fit(predictors, target, epochs=20, validation_split=0.4,
                               callbacks=[early_stopping_monitor], verbose=0)
model_2_training = model_2.fit(predictors, target, epochs=20, validation_split=0.4,
                               callbacks=[early_stopping_monitor], verbose=0)
"""),
)

q7 = MultipleChoice(
    prompt="Experimenting with model structures",
    var="answer_7",
    choices=["Go back to the network with one hidden layer.",
             "Increase the number of units in each hidden layer.",
             "Decrease the number of units in each hidden layer."],
    answer="b",
    explanations={
        "a": "The deeper network did better in the course's run: going back throws that gain away.",
        "b": "Correct! More capacity helped; more units per layer is the next thing to try (watching the "
             "validation loss for overfitting).",
        "c": "Fewer units means less capacity, the opposite of what helped.",
    },
    hints=["Which change gives the network more capacity, like the extra layer did?"],
    solution="(b) Increasing the number of units in each hidden layer would be a good next step to try for even "
             "better performance.",
)

exercise = Exercise("deep_learning_keras.ex2", "Optimising and validating", [q1, q2, q3, q4, q5, q6, q7],
                    preload=("keras", "pandas"), datasets=("titanic",))
exercise.export(globals())
