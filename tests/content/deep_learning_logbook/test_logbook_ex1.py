"""deep_learning_logbook.ex1 judged as the grader judges: the kernel's facts go through JSON and the
checker decides on them alone (recorded calls of the student's fold function, arrays, a Keras model)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from learnkit.core.problem import collect, decide
from learnkit.core.result import Status

ex1 = pytest.importorskip("checkers.deep_learning_logbook.ex1")


def _graded(problem, ns):
    facts = json.loads(json.dumps(collect(problem, ns)))
    return decide(problem, facts)


def get_fold(i, k, data, targets):
    n = len(data) // k
    return (data[i * n:(i + 1) * n], targets[i * n:(i + 1) * n],
            np.concatenate([data[:i * n], data[(i + 1) * n:]]), np.concatenate([targets[:i * n], targets[(i + 1) * n:]]))


def same_slice(i, k, data, targets):
    n = len(data) // k
    return data[:n], targets[:n], data[n:], targets[n:]


def test_folds_and_scores_through_facts():
    assert _graded(ex1.q3, {"get_fold": get_fold}).status is Status.CORRECT
    r = _graded(ex1.q3, {"get_fold": same_slice})
    assert r.status is Status.INCORRECT and "same samples" in r.message
    scores = [2.9, 3.1, 2.8, 3.2]
    assert _graded(ex1.q4, {"all_scores": scores, "mean_score": np.mean(scores)}).status is Status.CORRECT
    r = _graded(ex1.q4, {"all_scores": scores[:3], "mean_score": np.mean(scores[:3])})
    assert r.status is Status.INCORRECT and "3 scores" in r.message
    assert _graded(ex1.q4, {"all_scores": [], "mean_score": 0.0}).status is Status.UNATTEMPTED


def test_normalisation_and_dollars_through_facts():
    rng = np.random.default_rng(1)
    x_train, x_test = rng.normal(3, 2, (404, 13)), rng.normal(3, 2, (102, 13))
    m, s = x_train.mean(0), x_train.std(0)
    ns = {"x_train": x_train, "x_test": x_test, "train_data": (x_train - m) / s}
    assert _graded(ex1.q1, {**ns, "test_data": (x_test - m) / s}).status is Status.CORRECT
    r = _graded(ex1.q1, {**ns, "test_data": (x_test - x_test.mean(0)) / x_test.std(0)})
    assert r.status is Status.INCORRECT and "own mean" in r.message
    r = _graded(ex1.q5, {"error_in_dollars": 1966.4})
    assert r.status is Status.INCORRECT and "thousands of dollars" in r.message
    assert _graded(ex1.q5, {"error_in_dollars": 2293}).status is Status.CORRECT


def test_build_model_check_through_facts():
    keras = pytest.importorskip("keras")
    from keras import layers

    def build_model(hidden=("elu",) * 4, units=(13, 64, 64, 64)):
        model = keras.Sequential([keras.Input(shape=(13,))] + [layers.Dense(u, activation=a) for u, a in
                                                               zip(units, hidden)] + [layers.Dense(1)])
        model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
        return model

    assert _graded(ex1.q2, {"build_model": build_model, "model": build_model()}).status is Status.CORRECT
    def dlwp():  # the check calls the student's function (issue 16), whatever `model` is
        return build_model(("relu", "relu"), (64, 64))
    r = _graded(ex1.q2, {"build_model": dlwp, "model": build_model()})
    assert r.status is Status.INCORRECT and "book's model" in r.message

    def no_return():
        build_model()
    r = _graded(ex1.q2, {"build_model": no_return})
    assert r.status is Status.INCORRECT and "should return a Keras model" in r.message
