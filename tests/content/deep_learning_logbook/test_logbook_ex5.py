"""deep_learning_logbook.ex5 judged as the grader judges: the kernel's facts go through JSON and the
checker decides on them alone (recorded calls of the student's functions, dicts of losses, a string,
Keras models)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from learnkit.core.problem import collect, decide
from learnkit.core.result import Status

ex5 = pytest.importorskip("checkers.deep_learning_logbook.ex5")


def _graded(problem, ns):
    facts = json.loads(json.dumps(collect(problem, ns)))
    return decide(problem, facts)


def test_functions_through_facts():
    assert _graded(ex5.q1, {"tokenize": lambda lines: [list(x) for x in lines]}).status is Status.CORRECT
    r = _graded(ex5.q1, {"tokenize": lambda lines: [x.split() for x in lines]})
    assert r.status is Status.INCORRECT and "words" in r.message

    def make_sequences(corpus, num_steps):
        n = (len(corpus) - 1) // num_steps
        return corpus[:n * num_steps].reshape(n, num_steps), corpus[1:n * num_steps + 1].reshape(n, num_steps)

    def unshifted(corpus, num_steps):
        x = make_sequences(corpus, num_steps)[0]
        return x, x

    assert _graded(ex5.q3, {"make_sequences": make_sequences}).status is Status.CORRECT
    r = _graded(ex5.q3, {"make_sequences": unshifted})
    assert r.status is Status.INCORRECT and "inputs themselves" in r.message
    assert _graded(ex5.q5, {"perplexity": np.exp}).status is Status.CORRECT
    r = _graded(ex5.q5, {"perplexity": lambda loss: 2 ** loss})
    assert r.status is Status.INCORRECT and "natural logarithm" in r.message


def test_values_through_facts():
    assert _graded(ex5.q2, {"vocab_size": 28, "corpus_length": 170580}).status is Status.CORRECT
    r = _graded(ex5.q2, {"vocab_size": 45800, "corpus_length": 170580})
    assert r.status is Status.INCORRECT and "G.24" in r.message
    loss = {"rnn": 2.28, "gru": 2.25, "lstm": 2.37}
    ppl = {k: float(np.exp(v)) for k, v in loss.items()}
    assert _graded(ex5.q6, {"val_loss": loss, "val_perplexity": ppl}).status is Status.CORRECT
    r = _graded(ex5.q6, {"val_loss": loss, "val_perplexity": {k: 2 ** v for k, v in loss.items()}})
    assert r.status is Status.INCORRECT and "2 ** loss" in r.message
    assert _graded(ex5.q6, {"val_loss": {}, "val_perplexity": {}}).status is Status.UNATTEMPTED
    text = "time traveller " + "the " * 12 + "th"
    assert _graded(ex5.q7, {"generated": text}).status is Status.CORRECT
    assert _graded(ex5.q7, {"generated": "time traveller "}).status is Status.UNATTEMPTED
    r = _graded(ex5.q7, {"generated": text[15:]})
    assert r.status is Status.INCORRECT and "prefix" in r.message


def test_models_through_facts():
    keras = pytest.importorskip("keras")
    from keras import layers

    def lm(cell, out=None):
        return keras.Sequential([keras.Input(shape=(None,)), layers.Embedding(28, 32), cell, out or layers.Dense(28)])

    ns = {"rnn_model": lm(layers.SimpleRNN(64, return_sequences=True)),
          "gru_model": lm(layers.GRU(64, return_sequences=True)),
          "lstm_model": lm(layers.LSTM(64, return_sequences=True))}
    assert _graded(ex5.q4, ns).status is Status.CORRECT
    r = _graded(ex5.q4, {**ns, "gru_model": lm(layers.GRU(64))})
    assert r.status is Status.INCORRECT and "return_sequences=True" in r.message and "gru_model" in r.message
    r = _graded(ex5.q4, {**ns, "lstm_model": lm(layers.LSTM(64, return_sequences=True),
                                                 layers.Dense(28, activation="softmax"))})
    assert r.status is Status.INCORRECT and "logits" in r.message
