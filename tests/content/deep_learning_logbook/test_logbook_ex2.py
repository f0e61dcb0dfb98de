"""deep_learning_logbook.ex2 judged as the grader judges: the kernel's facts go through JSON and the
checker decides on them alone (recorded calls of the student's functions, Keras models)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from learnkit.core.problem import collect, decide
from learnkit.core.result import Status

ex2 = pytest.importorskip("checkers.deep_learning_logbook.ex2")


def _graded(problem, ns):
    facts = json.loads(json.dumps(collect(problem, ns)))
    return decide(problem, facts)


def test_flatten_and_scale_through_facts():
    right = lambda images: images.reshape((len(images), 784)).astype("float32") / 255  # noqa: E731
    assert _graded(ex2.q1, {"flatten_and_scale": right}).status is Status.CORRECT
    r = _graded(ex2.q1, {"flatten_and_scale": lambda images: images.reshape((len(images), 784))})
    assert r.status is Status.INCORRECT and "not scaled" in r.message


def test_noise_and_zero_channels_through_facts():
    def zeros(images):
        return np.concatenate([images, np.zeros((len(images), 784))], axis=1)

    def noise(images):
        return np.concatenate([images, np.random.random((len(images), 784))], axis=1)

    def seed_noise(images):  # the logbook's randint(0, 255): seed error G.19
        return np.concatenate([images, np.random.randint(0, 255, (len(images), 784))], axis=1)

    assert _graded(ex2.q2, {"add_noise_channels": noise, "add_zeros_channels": zeros}).status is Status.CORRECT
    r = _graded(ex2.q2, {"add_noise_channels": seed_noise, "add_zeros_channels": zeros})
    assert r.status is Status.INCORRECT and "randint" in r.message
    r = _graded(ex2.q2, {"add_noise_channels": noise,
                         "add_zeros_channels": lambda images: np.concatenate([images, images * 0], axis=0)})
    assert r.status is Status.INCORRECT and "axis=1" in r.message


def test_regularised_models_through_facts():
    keras = pytest.importorskip("keras")
    from keras import layers, regularizers

    def net(*hidden, out=None):
        return keras.Sequential([keras.Input((784,)), *hidden, out or layers.Dense(10, activation="softmax")])

    l2 = lambda: layers.Dense(16, kernel_regularizer=regularizers.l2(0.002), activation="relu")  # noqa: E731
    assert _graded(ex2.q7, {"model_l2": net(l2(), l2())}).status is Status.CORRECT
    r = _graded(ex2.q7, {"model_l2": net(l2(), l2(), out=layers.Dense(1, activation="sigmoid"))})
    assert r.status is Status.INCORRECT and "IMDB" in r.message
    d16 = lambda: layers.Dense(16, activation="relu")  # noqa: E731
    assert _graded(ex2.q8, {"model_dropout": net(d16(), layers.Dropout(0.5), d16(), layers.Dropout(0.5))}).status \
        is Status.CORRECT
    r = _graded(ex2.q8, {"model_dropout": net(d16(), layers.Dropout(0.2), d16(), layers.Dropout(0.2))})
    assert r.status is Status.INCORRECT and "0.5" in r.message
    assert _graded(ex2.q3, {"answer_3": "a"}).status is Status.INCORRECT  # the logbook's "sigmoid"
