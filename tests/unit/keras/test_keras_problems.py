"""KerasModelProblem judged through learnkit.core.problem.evaluate on notebook-like namespaces."""
import pytest

keras = pytest.importorskip("keras")
from keras import layers as L  # noqa: E402

from learnkit.core.placeholder import PLACEHOLDER  # noqa: E402
from learnkit.core.problem import evaluate  # noqa: E402
from learnkit.core.result import Status  # noqa: E402
from learnkit.keras import Dense, Dropout, KerasModelProblem, relevant_input_dim  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:.*input_shape.*:UserWarning")

SOLUTION = [Dense(128, "relu"), Dropout(0.3), Dense(64, "relu"), Dropout(0.3), Dense(1, "linear")]
STARTER = [Dense(128, "relu"), Dense(64, "relu"), Dense(1)]
DROPOUT_LAST = SOLUTION + [Dropout(0.3)]


def problem(**kw):
    args = dict(layers=SOLUTION, input_shape=[18], starter=STARTER, points=2,
                starter_message="`model` is still the starter model: add the two Dropout layers.",
                mistakes=[(DROPOUT_LAST, "Remove the Dropout after the output layer: it would drop predictions.")],
                relevant=relevant_input_dim(18), success="Correct! Dropout should curb the overfitting.")
    args.update(kw)
    return KerasModelProblem(**args)


def model(*layers, n=18):
    return keras.Sequential([keras.Input((n,)), *layers])


def solution_model(rate=0.3, n=18):
    return model(L.Dense(128, activation="relu"), L.Dropout(rate), L.Dense(64, activation="relu"),
                 L.Dropout(rate), L.Dense(1), n=n)


def judge(ns, p=None):
    return evaluate(p or problem(), ns, question="q_1", exercise="ex5")


def test_kind_and_vars():
    p = problem()
    assert p.kind == "keras_model" and tuple(p.vars) == ("model",)


def test_correct():
    r = judge({"model": solution_model()})
    assert r.status is Status.CORRECT and r.points == 2 and r.max_points == 2
    assert r.message == "Correct! Dropout should curb the overfitting."
    assert (r.question, r.exercise) == ("q_1", "ex5")


def test_default_success_message_and_other_var():
    p = KerasModelProblem(var="net", layers=SOLUTION, input_shape=[18])
    assert judge({"net": solution_model()}, p).message == "Correct!"
    r = judge({"model": solution_model()}, p)
    assert r.status is Status.UNATTEMPTED and "`net` is not defined yet" in r.message


def test_incorrect_with_first_difference():
    r = judge({"model": solution_model(rate=0.5)})
    assert r.status is Status.INCORRECT and r.points == 0
    assert r.message == "Layer 2 should be Dropout with rate 0.3; yours has rate 0.5."


def test_missing_input_shape_is_incorrect():
    m = keras.Sequential([L.Dense(128, activation="relu"), L.Dropout(0.3), L.Dense(64, activation="relu"),
                          L.Dropout(0.3), L.Dense(1)])
    r = judge({"model": m})
    assert r.status is Status.INCORRECT and "no input shape: pass input_shape=[18]" in r.message


def test_starter_is_unattempted():
    m = model(L.Dense(128, activation="relu"), L.Dense(64, activation="relu"), L.Dense(1))
    r = judge({"model": m})
    assert r.status is Status.UNATTEMPTED
    assert r.message == "`model` is still the starter model: add the two Dropout layers."


def test_starter_default_message():
    p = problem(starter_message="")
    r = judge({"model": model(L.Dense(128, activation="relu"), L.Dense(64, activation="relu"), L.Dense(1))}, p)
    assert r.status is Status.UNATTEMPTED and r.message.startswith("`model` is still the starter model")


def test_missing_variable_and_placeholder():
    r = judge({})
    assert r.status is Status.UNATTEMPTED and r.message.startswith("`model` is not defined yet")
    r = judge({"model": PLACEHOLDER})
    assert r.status is Status.UNATTEMPTED and "____" in r.message


@pytest.mark.parametrize("value, shown", [(5, "an int (5)"), (None, "None"), ([1, 2], "a list of 2 items")])
def test_not_a_model_is_incorrect(value, shown):
    r = judge({"model": value})
    assert r.status is Status.INCORRECT
    assert r.message == f"`model` should be a Keras model; yours is {shown}."


def test_known_mistake_message():
    r = judge({"model": model(*solution_model().layers, L.Dropout(0.3))})
    assert r.status is Status.INCORRECT
    assert r.message == "Remove the Dropout after the output layer: it would drop predictions."


def test_callable_mistake_and_order():
    def too_big(facts):
        return facts.params is not None and facts.params > 50_000

    p = problem(mistakes=[(too_big, "Your model is much bigger than asked.")])
    big = model(L.Dense(1024, activation="relu"), L.Dropout(0.3), L.Dense(64, activation="relu"),
                L.Dropout(0.3), L.Dense(1))
    assert judge({"model": big}, p).message == "Your model is much bigger than asked."
    # the generic difference is used when no mistake matches
    assert judge({"model": solution_model(rate=0.2)}, p).message == \
        "Layer 2 should be Dropout with rate 0.3; yours has rate 0.2."


def passive(ns, p=None):
    return evaluate(p or problem(), ns, question="q_1", exercise="ex5", passive=True)


def test_irrelevant_model_is_incorrect_when_asked_and_ignored_only_when_judged_passively():
    other = model(L.Dense(512, activation="relu"), L.Dense(1), n=9)  # another question's model
    r = judge({"model": other})
    assert r.status is Status.INCORRECT
    assert r.message.startswith("Your model takes 9 inputs; this question's data has 18 features "
                                "(`input_shape=[18]`, or `keras.Input(shape=(18,))`)."), r.message
    assert passive({"model": other}).status is Status.UNATTEMPTED
    r = judge({"model": solution_model(n=9)})  # this question's layers: an attempt, also for the grader
    assert r.status is Status.INCORRECT and "9 inputs" in r.message
    assert passive({"model": solution_model(n=9)}).status is Status.INCORRECT
    custom = problem(relevant=lambda facts: False, relevant_message="Not this one.")
    r = judge({"model": other}, custom)
    assert r.status is Status.INCORRECT and "9 inputs" in r.message
    r = judge({"model": model(L.Dense(1))}, custom)  # same input shape: the author's message says why
    assert r.status is Status.INCORRECT and r.message.startswith("Not this one."), r.message
    assert passive({"model": model(L.Dense(1))}, custom).status is Status.UNATTEMPTED


def test_relevant_input_dim():
    from learnkit.keras import model_facts
    pred = relevant_input_dim(18)
    assert pred(model_facts(solution_model())) is True
    assert pred(model_facts(solution_model(n=9))) is False
    assert pred(model_facts(keras.Sequential([L.Dense(1)]))) is True  # unknown input shape


def test_checker_bug_is_contained():
    def broken(facts):
        raise KeyError("units")

    r = judge({"model": solution_model(rate=0.5)}, problem(mistakes=[(broken, "never")]))
    assert r.status is Status.ERROR and r.points == 0
    assert "checker error in q_1" in r.message and "KeyError" in r.message
