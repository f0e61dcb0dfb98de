"""learnkit.numeric.preprocessing: encodings named by row and column, normalisation with the training
statistics only (leakage, statistics of all the data, mean/std swapped), split sizes."""
from __future__ import annotations

import numpy as np

from learnkit.core.problem import evaluate
from learnkit.core.result import Status
from learnkit.numeric.preprocessing import (EncodingProblem, NormalizationProblem, encoding_difference, multi_hot,
                                            normalization_difference, one_hot, split_sizes_difference)

SEQS = [[1, 3], [0], [2, 3, 3]]


def test_references_match_dlwp():
    np.testing.assert_array_equal(multi_hot(SEQS, 4), [[0, 1, 0, 1], [1, 0, 0, 0], [0, 0, 1, 1]])
    np.testing.assert_array_equal(one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])


def test_encoding_difference_names_the_mistake():
    want = multi_hot(SEQS, 4)
    assert encoding_difference(want.copy(), want) is None
    counts = want.copy()
    counts[2, 3] = 2
    assert "counts how often" in encoding_difference(counts, want, "`x`", "multi-hot encoding")
    shifted = np.zeros((3, 5))
    shifted[:, 1:] = want
    assert "shape (3, 5)" in encoding_difference(shifted, want)
    assert "one column to the right" in encoding_difference(np.c_[np.zeros(3), want[:, :-1]], want)
    assert "rows and columns are swapped" in encoding_difference(want.T, want).lower()
    wrong = want.copy()
    wrong[1, 2] = 1
    assert encoding_difference(wrong, want, "`x`") == \
        "`x` differs from the encoding at row 1, column 2: it is 1, it should be 0."
    assert "array of numbers" in encoding_difference("abc", want)


def _vectorize_counting(sequences, dimension=10):
    out = np.zeros((len(sequences), dimension))
    for i, s in enumerate(sequences):
        for j in s:
            out[i, j] += 1
    return out


def test_encoding_problem_on_student_functions():
    problem = EncodingProblem(var="vectorize_sequences", reference=multi_hot, what="multi-hot encoding",
                              cases=[(SEQS, 4), ([[5, 5, 9]], 10)])
    assert evaluate(problem, {"vectorize_sequences": lambda s, d=10: multi_hot(s, d)}).status is Status.CORRECT
    r = evaluate(problem, {"vectorize_sequences": _vectorize_counting})
    assert r.status is Status.INCORRECT and "counts how often" in r.message


RNG = np.random.default_rng(0)
TRAIN = RNG.normal([5.0, 300.0, 0.5], [2.0, 80.0, 0.1], (40, 3))
TEST = RNG.normal([6.0, 320.0, 0.6], [2.5, 70.0, 0.1], (10, 3))
M, S = TRAIN.mean(axis=0), TRAIN.std(axis=0)


def _why(a, b):
    return normalization_difference(TRAIN, TEST, a, b)


def test_normalization_accepts_training_statistics_only():
    assert _why((TRAIN - M) / S, (TEST - M) / S) is None
    s1 = TRAIN.std(axis=0, ddof=1)
    assert _why((TRAIN - M) / s1, (TEST - M) / s1) is None
    own = (TEST - TEST.mean(axis=0)) / TEST.std(axis=0)
    assert "its own mean" in _why((TRAIN - M) / S, own)
    both = np.r_[TRAIN, TEST]
    bm, bs = both.mean(axis=0), both.std(axis=0)
    assert "all the data" in _why((TRAIN - bm) / bs, (TEST - bm) / bs)
    assert "swapped" in _why((TRAIN - S) / M, (TEST - S) / M)
    assert "raw test data" in _why((TRAIN - M) / S, TEST)
    assert "still the raw data" in _why(TRAIN, TEST)
    assert "not scaled" in _why(TRAIN - M, TEST - M)
    assert "shape" in _why(((TRAIN - M) / S)[:, :2], TEST)
    bad = (TEST - M) / S
    bad[3, 2] += 1
    assert "column 2" in _why((TRAIN - M) / S, bad)


def test_normalization_problem_statuses():
    problem = NormalizationProblem()
    ns = {"x_train": TRAIN, "x_test": TEST}
    assert evaluate(problem, {**ns, "train_data": TRAIN, "test_data": TEST}).status is Status.UNATTEMPTED
    assert evaluate(problem, {**ns, "train_data": (TRAIN - M) / S, "test_data": (TEST - M) / S}).status \
        is Status.CORRECT
    r = evaluate(problem, {**ns, "train_data": (TRAIN - M) / S,
                           "test_data": (TEST - TEST.mean(0)) / TEST.std(0)})
    assert r.status is Status.INCORRECT and "`test_data`" in r.message


def test_split_sizes():
    assert split_sizes_difference({"train": np.zeros(404), "test": 102}, {"train": 404, "test": 102}) is None
    assert split_sizes_difference({"val": np.zeros(100)}, {"val": 101}) == "`val` has 100 samples; it should have 101."
