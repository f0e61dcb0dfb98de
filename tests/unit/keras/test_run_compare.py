"""learnkit.keras.run_compare: one run beating another (BetterRun, through TrainingProblem(compare=)),
and a curve that must stay below a line (StaysBelow), on real tiny Keras runs and their JSON facts."""
import json
import math

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from keras import layers  # noqa: E402

from learnkit.core.problem import collect, decide  # noqa: E402
from learnkit.core.result import Status  # noqa: E402
from learnkit.keras import Dense  # noqa: E402
from learnkit.keras.run_compare import BetterRun, StaysBelow  # noqa: E402
from learnkit.keras.training import RunSpec  # noqa: E402
from learnkit.keras.training_problems import TrainingProblem  # noqa: E402


class _History:  # what curve checks read: a History's values (the facts' HistoryFact has the same .history)
    def __init__(self, **log):
        self.history = log


def test_better_run_compares_best_epochs_in_the_key_direction():
    good = _History(val_accuracy=[0.5, 0.9, 0.85], val_loss=[1.0, 0.3, 0.4])
    bad = _History(val_accuracy=[0.4, 0.7, 0.6], val_loss=[1.2, 0.8, 0.9])
    runs = {"a": good, "b": bad}
    assert BetterRun("val_accuracy", better="a", worse="b", by=0.1)(runs) is None
    assert BetterRun("val_loss", better="a", worse="b", by=0.2)(runs) is None  # lowest loss: 0.3 vs 0.8
    why = BetterRun("val_accuracy", better="b", worse="a", note="Swapped?")(runs)
    assert "0.7" in why and "0.9" in why and "above" in why and why.endswith("Swapped?")
    assert "below" in BetterRun("val_loss", better="b", worse="a")(runs)
    assert "at least 0.3" in BetterRun("val_accuracy", better="a", worse="b", by=0.3)(runs)


def test_better_run_band_and_missing_or_diverged_runs():
    a, b = _History(val_acc=[0.84, 0.845]), _History(val_acc=[0.85])
    assert BetterRun("val_accuracy", better="a", worse="b", by=-0.02)({"a": a, "b": b}) is None  # 'val_acc' found
    why = BetterRun("val_accuracy", better="a", worse="b", by=-0.001)({"a": a, "b": b})
    assert "not be more than 0.001 below" in why
    assert "no 'val_accuracy'" in BetterRun("val_accuracy", "a", "b")({"a": _History(loss=[1.0]), "b": b})
    nan = _History(val_accuracy=[math.nan, math.nan])
    assert "no finite value" in BetterRun("val_accuracy", "a", "b")({"a": nan, "b": b})


def test_stays_below_names_the_first_epoch_over_the_line():
    check = StaysBelow("val_accuracy", 0.5, note="Check the learning rate.")
    assert check(_History(val_accuracy=[0.2, math.nan, 0.3]), "h") is None  # NaN epochs count as below
    why = check(_History(val_accuracy=[0.2, math.nan, 0.6, 0.9]), "h")
    assert "0.6" in why and "epoch 3" in why and why.endswith("Check the learning rate.")
    assert "no 'val_accuracy'" in check(_History(loss=[1.0]), "h")


def _graded(problem, ns):
    return decide(problem, json.loads(json.dumps(collect(problem, ns))))


@pytest.mark.slow
def test_training_problem_compare_on_real_runs_through_facts():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    keras.utils.set_random_seed(0)

    def run(lr):
        m = keras.Sequential([keras.Input((4,)), layers.Dense(2, activation="softmax")])
        m.compile(optimizer=keras.optimizers.SGD(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return m.fit(x, y, epochs=3, validation_split=0.5, verbose=0)

    learns, frozen = run(0.5), run(0.0)  # a learning rate of 0 keeps the initial weights
    spec = RunSpec(layers=[Dense(2, "softmax")], input_shape=[4])
    problem = TrainingProblem(runs={"h_good": spec, "h_bad": spec},
                              compare=[BetterRun("val_loss", better="h_good", worse="h_bad", by=0.01)])
    assert _graded(problem, {"h_good": learns, "h_bad": frozen}).status is Status.CORRECT
    r = _graded(problem, {"h_good": frozen, "h_bad": learns})
    assert r.status is Status.INCORRECT and "`h_good`'s should be below" in r.message
