"""deep_learning_logbook.ex3 judged as the grader judges: the kernel's facts go through JSON and the
checker decides on them alone (recorded calls of the student's functions, Keras models, a History)."""
from __future__ import annotations

import json

import pytest

from learnkit.core.problem import collect, decide
from learnkit.core.result import Status

ex3 = pytest.importorskip("checkers.deep_learning_logbook.ex3")


def _graded(problem, ns):
    facts = json.loads(json.dumps(collect(problem, ns)))
    return decide(problem, facts)


def test_prepare_and_receptive_field_through_facts():
    good = lambda images: images.reshape(-1, 28, 28, 1) / 255  # noqa: E731
    assert _graded(ex3.q1, {"prepare": good}).status is Status.CORRECT
    r = _graded(ex3.q1, {"prepare": lambda images: images / 255})
    assert r.status is Status.INCORRECT and "channel axis" in r.message
    r = _graded(ex3.q1, {"prepare": lambda images: images.reshape(3000, 28, 28, 1) / 255})
    assert r.status is Status.INCORRECT  # the training set's size written in
    assert _graded(ex3.q7, {"receptive_field": ex3.receptive_field}).status is Status.CORRECT
    r = _graded(ex3.q7, {"receptive_field": lambda layers: 1 + sum(k - 1 for k, s in layers)})
    assert r.status is Status.INCORRECT and "stride" in r.message
    assert ex3.receptive_field(ex3.ALEXNET) == 195 and ex3.receptive_field(ex3.ALEXNET[:-1]) == 163
    assert [ex3.receptive_field(ex3.ALEXNET[:i]) for i in range(1, 9)] == [11, 19, 51, 67, 99, 131, 163, 195]
    assert _graded(ex3.q8, {"alexnet_rf": 195}).status is Status.CORRECT
    r = _graded(ex3.q8, {"alexnet_rf": 163})
    assert r.status is Status.INCORRECT and "last convolution" in r.message


def test_test_accuracy_and_pooling_answer():
    """The check on a History's log (the author-test notebook judges a real History through its facts)."""
    from learnkit.core import Incorrect

    class History:  # what the check reads of a History: its log
        history = {"accuracy": [0.8, 0.8943]}

    assert "0.871" in ex3.check_test_acc(0.871, History())
    with pytest.raises(Incorrect, match="training"):
        ex3.check_test_acc(0.8943, History())  # seed error G.21
    with pytest.raises(Incorrect, match=r"\[loss, accuracy\]"):
        ex3.check_test_acc([0.3, 0.87], History())
    with pytest.raises(Incorrect, match="0.8"):
        ex3.check_test_acc(0.5, History())
    assert _graded(ex3.q6, {"pooling_answer": "a"}).status is Status.CORRECT
    assert _graded(ex3.q6, {"pooling_answer": "d"}).status is Status.INCORRECT


def test_models_through_facts():
    keras = pytest.importorskip("keras")
    from keras import layers

    def net(*hidden, head=(), out="softmax"):
        return keras.Sequential([keras.Input(shape=(28, 28, 1)), *hidden, layers.Flatten(), *head,
                                 layers.Dense(10, activation=out)])

    c = lambda n, **kw: layers.Conv2D(n, 3, activation="relu", **kw)  # noqa: E731
    pool = layers.MaxPooling2D
    convnet = net(c(32), pool(2), c(64), pool(2), c(128))
    assert convnet.count_params() == 104_202
    assert _graded(ex3.q2, {"model": convnet}).status is Status.CORRECT
    no_pool = net(c(32), c(64), c(128))
    assert no_pool.count_params() == 712_202
    r = _graded(ex3.q2, {"model": no_pool})
    assert r.status is Status.INCORRECT and "without max-pooling" in r.message
    assert _graded(ex3.q5, {"model_no_max_pool": no_pool}).status is Status.CORRECT
    r = _graded(ex3.q5, {"model_no_max_pool": convnet})
    assert r.status is Status.INCORRECT and "MaxPooling2D" in r.message
    blocks = [lay for n in (64, 128, 256) for lay in (c(n, padding="same"), pool(2))]
    head = [layers.Dense(1024, activation="relu"), layers.Dropout(0.5), layers.Dense(512, activation="relu"),
            layers.Dropout(0.5)]
    alexnet28 = net(*blocks, head=head)
    assert alexnet28.count_params() == 3_259_914  # catalog H
    assert _graded(ex3.q9, {"alexnet28": alexnet28}).status is Status.CORRECT
    r = _graded(ex3.q9, {"alexnet28": net(*blocks, head=head, out=None)})
    assert r.status is Status.INCORRECT and "softmax" in r.message
