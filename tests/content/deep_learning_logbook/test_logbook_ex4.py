"""deep_learning_logbook.ex4 judged as the grader judges: the kernel's facts go through JSON and the checker
decides on them alone (a real VGG16 built with weights=None, the classifier, the end-to-end graph, the
freeze of fine-tuning, the checkpoint)."""
from __future__ import annotations

import json

import pytest

from learnkit.core.problem import collect, decide
from learnkit.core.result import Status

ex4 = pytest.importorskip("checkers.deep_learning_logbook.ex4")
keras = pytest.importorskip("keras")
from keras import layers as L  # noqa: E402


def _graded(problem, ns):
    facts = json.loads(json.dumps(collect(problem, ns)))
    return decide(problem, facts)


@pytest.fixture(scope="module")
def base():
    return keras.applications.VGG16(weights=None, include_top=False, input_shape=(180, 180, 3))


def _e2e(base, *steps):
    inp = keras.Input((180, 180, 3))
    x = inp
    for step in steps:
        x = step(x)
    x = L.Dropout(0.5)(L.Dense(256)(L.Flatten()(x)))
    model = keras.Model(inp, L.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def test_feature_shape_and_classifier_through_facts(base):
    assert _graded(ex4.q1, {"feature_shape": base.output_shape[1:]}).status is Status.CORRECT
    r = _graded(ex4.q1, {"feature_shape": base.output_shape})
    assert r.status is Status.INCORRECT and "batch dimension" in r.message
    head = keras.Sequential([keras.Input((5, 5, 512)), L.Flatten(), L.Dense(256), L.Dropout(0.5),
                             L.Dense(1, activation="sigmoid")])
    head.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    assert _graded(ex4.q2, {"model_fe": head}).status is Status.CORRECT
    head.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    r = _graded(ex4.q2, {"model_fe": head})
    assert r.status is Status.INCORRECT and "RMSprop" in r.message


def test_end_to_end_graph_and_fine_tuning_through_facts(base):
    aug = keras.Sequential([L.RandomFlip("horizontal"), L.RandomRotation(0.1), L.RandomZoom(0.2)])
    pre = keras.applications.vgg16.preprocess_input
    base.trainable = False
    model = _e2e(base, aug, pre, base)
    assert _graded(ex4.q3, {"model_aug": model}).status is Status.CORRECT
    r = _graded(ex4.q3, {"model_aug": _e2e(base, pre, aug, base)})
    assert r.status is Status.INCORRECT and "should take the model's input" in r.message
    assert _graded(ex4.q4, {"conv_base": base, "model_aug": model}).status is Status.UNATTEMPTED
    base.trainable = True
    for layer in base.layers[-4:]:  # the logbook's freeze (seed error G.21)
        layer.trainable = False
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-5), loss="binary_crossentropy",
                  metrics=["accuracy"])
    r = _graded(ex4.q4, {"conv_base": base, "model_aug": model})
    assert r.status is Status.INCORRECT and "layers[:-4]" in r.message
    base.trainable = False
    base.trainable = True
    for layer in base.layers[:-4]:
        layer.trainable = False
    assert _graded(ex4.q4, {"conv_base": base, "model_aug": model}).status is Status.CORRECT


def test_checkpoint_and_choices_through_facts():
    cb = keras.callbacks.ModelCheckpoint("fine_tuning.keras", save_best_only=True, monitor="val_loss")
    assert _graded(ex4.q5, {"checkpoint": cb}).status is Status.CORRECT
    r = _graded(ex4.q5, {"checkpoint": keras.callbacks.ModelCheckpoint("fine_tuning.keras")})
    assert r.status is Status.INCORRECT and "save_best_only" in r.message
    assert _graded(ex4.q6, {"chance_loss": 0.6929}).status is Status.CORRECT
    assert _graded(ex4.q7, {"why_chance": "b"}).status is Status.CORRECT
    assert _graded(ex4.q7, {"why_chance": "a"}).status is Status.INCORRECT
