"""learnkit.numeric.evaluation: the K-fold procedure (and its classic bugs), the scores, and
confusion matrices against scikit-learn's (the logbook's swapped TP/TN, seed error G.15)."""
from __future__ import annotations

import numpy as np
import pytest

from learnkit.core import ____
from learnkit.core.problem import evaluate
from learnkit.core.result import Status
from learnkit.numeric.evaluation import (Fold, KFoldProblem, coded_data, confusion_difference,
                                         kfold_difference, predictions_difference, scores_difference)


def dlwp_fold(i, k, data, targets):
    n = len(data) // k
    return (data[i * n:(i + 1) * n], targets[i * n:(i + 1) * n],
            np.concatenate([data[:i * n], data[(i + 1) * n:]]), np.concatenate([targets[:i * n], targets[(i + 1) * n:]]))


def same_fold(i, k, data, targets):
    return dlwp_fold(0, k, data, targets)


def leaky(i, k, data, targets):
    val, vt, _, _ = dlwp_fold(i, k, data, targets)
    return val, vt, data, targets


def drops_remainder(i, k, data, targets):
    n = len(data) // k
    keep = np.r_[0:i * n, (i + 1) * n:k * n]
    return data[i * n:(i + 1) * n], targets[i * n:(i + 1) * n], data[keep], targets[keep]


def last_takes_rest(i, k, data, targets):
    n = len(data) // k
    stop = len(data) if i == k - 1 else (i + 1) * n
    rest = np.r_[0:i * n, stop:len(data)]
    return data[i * n:stop], targets[i * n:stop], data[rest], targets[rest]


def blank(i, k, data, targets):
    return ____


def raises(i, k, data, targets):
    return data[i * len(data) // k], targets, data, targets[undefined_name]  # noqa: F821


@pytest.mark.parametrize("fn, status, words", [
    (dlwp_fold, Status.CORRECT, ""),
    (last_takes_rest, Status.CORRECT, ""),             # sklearn-like sizes 3, 3, 4 cover all samples
    (same_fold, Status.INCORRECT, "same samples"),
    (leaky, Status.INCORRECT, "also validates on"),
    (drops_remainder, Status.INCORRECT, "remainder"),
    (blank, Status.UNATTEMPTED, "blank"),
    (raises, Status.INCORRECT, "NameError"),
])
def test_kfold_problem(fn, status, words):
    r = evaluate(KFoldProblem(var="get_fold"), {"get_fold": fn})
    assert r.status is status, r.message
    assert words in r.message


def test_kfold_difference_rules():
    n, k = 10, 3
    good = [Fold(tuple(range(3 * i, 3 * i + 3)), tuple(j for j in range(n) if not 3 * i <= j < 3 * i + 3))
            for i in range(k)]
    assert kfold_difference(good, n, k) is None
    assert "made 2 folds" in kfold_difference(good[:2], n, k)
    overlap = [good[0], Fold((2, 3, 4), tuple(j for j in range(n) if j not in (2, 3, 4))), good[2]]
    assert "Folds 0 and 1" in kfold_difference(overlap, n, k)
    uneven = [Fold(tuple(range(4 * i, min(4 * i + 4, n))), tuple(j for j in range(n) if not 4 * i <= j < 4 * i + 4))
              for i in range(k)]
    assert "4, 4, 2" in kfold_difference(uneven, n, k)
    data, targets = coded_data(5)
    assert data[3, 0] == 3 and targets[3] == 1003


def test_scores_difference():
    scores = [2.29, 2.45, 2.52, 2.38]
    assert scores_difference(scores, 4, mean_score=np.mean(scores), band=(2.0, 3.0)) is None
    assert "3 scores" in scores_difference(scores[:3], 4)
    assert "all_scores = []" in scores_difference(scores * 2, 4)
    assert "np.mean" in scores_difference(scores, 4, mean_score=scores[-1])
    assert "2 to 3" in scores_difference([6.0] * 4, 4, band=(2.0, 3.0))
    assert "finite" in scores_difference([2.0, float("nan"), 2.0, 2.0], 4)
    assert "list of numbers" in scores_difference(None, 4)


Y_TRUE = np.array([0, 0, 0, 1, 1, 1, 1, 0, 1, 1])
Y_PRED = np.array([0, 1, 0, 1, 1, 0, 1, 0, 1, 1])


def test_confusion_matrix_against_sklearn():
    right = np.array([[3, 1], [1, 5]])
    assert confusion_difference(right, Y_TRUE, Y_PRED, accuracy=0.8) is None
    assert confusion_difference(right, Y_TRUE, Y_PRED, accuracy=80) is None      # a percentage
    assert "true negatives and true positives are swapped" in confusion_difference(right[::-1, ::-1], Y_TRUE, Y_PRED)
    other = np.array([0, 1, 1, 1, 1, 0, 1, 0, 1, 1])                                 # [[2, 2], [1, 5]]
    assert confusion_difference(np.array([[2, 2], [1, 5]]), Y_TRUE, other) is None
    assert "transposed" in confusion_difference(np.array([[2, 1], [2, 5]]), Y_TRUE, other)
    assert "accuracy of 0.8000" in confusion_difference(right, Y_TRUE, Y_PRED, accuracy=0.7)
    assert "`matrix[0, 1]` is 2, but 1 sample of class 0 was" in confusion_difference(np.array([[3, 2], [1, 5]]), Y_TRUE, Y_PRED)
    assert "shape" in confusion_difference(np.eye(3), Y_TRUE, Y_PRED)


def test_predictions_follow_probabilities():
    p = np.array([0.2, 0.7, 0.5, 0.9])
    assert predictions_difference(p, [0, 1, 0, 1]) is None
    assert "`predictions[2]` is 1" in predictions_difference(p, [0, 1, 1, 1])
    assert predictions_difference(np.array([[0.1, 0.9], [0.8, 0.2]]), [1, 0]) is None
