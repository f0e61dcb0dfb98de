"""learnkit.numeric.language_model: sequences cut from a corpus, perplexity and generated text, with
the slips each check names."""
import math

import numpy as np

from learnkit.numeric.language_model import (generation_difference, perplexity_band_difference, perplexity_difference,
                                             sequence_pairs, sequences_difference)


def test_sequence_pairs_is_d2l_sequential_partitioning():
    x, y = sequence_pairs(np.arange(10), 3)
    assert x.tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert y.tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert sequence_pairs(list(range(9)), 3)[0].shape == (2, 3)  # the last token has no target


def test_sequences_difference_names_the_slips():
    c, s = np.arange(100, 200), 5
    want = sequence_pairs(c, s)
    x, y = want
    assert sequences_difference((x.copy(), y.copy()), want) is None
    assert sequences_difference([x.tolist(), y.tolist()], want) is None  # lists are fine
    assert "inputs themselves" in sequences_difference((x, x), want)
    assert "swapped" in sequences_difference((y, x), want)
    assert "wrong way" in sequences_difference((x, x - 1), want)  # each target the token before
    assert "transposed" in sequences_difference((x.T, y.T), want)
    windows = np.array([c[i:i + s] for i in range(len(c) - s)])
    assert "overlap" in sequences_difference((windows, windows + 1), want)
    assert "two arrays" in sequences_difference(x, want)
    assert "shape (18, 5)" in sequences_difference((x[:-1], y[:-1]), want)
    assert "Sequence 2" in sequences_difference((np.where(x == 110, 0, x), y), want)
    assert "shifted by one" in sequences_difference((x, y + 3), want)


def test_perplexity_difference():
    assert perplexity_difference(2.3, math.exp(2.3)) is None
    assert perplexity_difference(np.float32(2.3), np.exp(np.float32(2.3))) is None
    assert "2 ** loss" in perplexity_difference(2.3, 2 ** 2.3)
    assert "10 ** loss" in perplexity_difference(2.3, 10 ** 2.3)
    assert "loss itself" in perplexity_difference(2.3, 2.3)
    assert "exp(-loss)" in perplexity_difference(2.3, math.exp(-2.3))
    assert "[loss, accuracy]" in perplexity_difference([2.3, 0.31], math.exp(0.31))
    assert "exp(mean cross-entropy)" in perplexity_difference(2.3, 4.0)
    assert "number" in perplexity_difference(2.3, "high")


def test_perplexity_band_difference():
    assert perplexity_band_difference(10.0, (8.5, 12.0), "`m`") is None
    assert "about 17" in perplexity_band_difference(27.9, (8.5, 12.0), "`m`")
    assert "lower than" in perplexity_band_difference(1.2, (8.5, 12.0), "`m`")


def test_generation_difference():
    abc = set("abcdefghijklmnopqrstuvwxyz ")
    p = "time traveller "
    assert generation_difference(p + "the " * 5, p, 20, abc) is None
    assert "join" in generation_difference(list(p + "x" * 20), p, 20, abc)
    assert "only the 20 new" in generation_difference("x" * 20, p, 20, abc)
    assert "start with" in generation_difference("the time traveller " + "x" * 16, p, 20, abc)
    assert "34 characters" in generation_difference(p + "x" * 19, p, 20, abc)
    assert "<unk>" in generation_difference(p + "<unk>" + "x" * 15, p, 20, abc)
    assert "'!'" in generation_difference(p + "!" * 20, p, 20, abc)
    assert "string" in generation_difference(42, p, 20, abc)
