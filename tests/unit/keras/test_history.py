"""Learning curves: facts (keras.curves), sentences (keras.diagnosis), the notebook's history memory
(keras.history_log), plots (keras.plots)."""
from __future__ import annotations

import gc
import math
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from learnkit.core.compare import describe
from learnkit.core.problem import CodingProblem, Incorrect, evaluate
from learnkit.core.result import Status
from learnkit.keras import history_log as H
from learnkit.keras.curves import CurveFacts, NotAHistory, curve_facts
from learnkit.keras.diagnosis import compare, diagnose
from learnkit.keras.history_log import HistoryLog
from learnkit.keras.plots import plot_history
from repo import ROOT  # noqa: E402

NAN = float("nan")


# ------------------------------------------------------------------ synthetic curves
def overfit_curve() -> dict:
    """Minimum 0.2050 at epoch 6, then a steady rise to 0.2360 at epoch 50; train keeps falling."""
    head = [0.30, 0.26, 0.24, 0.225, 0.212, 0.2050]
    rise = [0.2050 + 0.0310 * k / 44 for k in range(1, 45)]
    train = [0.30 - 0.002 * k for k in range(50)]
    return {"loss": train, "val_loss": head + rise}


def plateau_curve() -> dict:
    """Falls to 0.1921 by epoch 10, then stays within 0.0015 of it to epoch 50; train keeps falling."""
    head = [0.30, 0.27, 0.25, 0.235, 0.225, 0.218, 0.213, 0.210, 0.205]
    wiggle = [0.2, 0.6, 1.0, 0.4, 0.0, 0.8]
    tail = [0.1921 + 0.0015 * wiggle[k % len(wiggle)] for k in range(41)]
    train = [0.30 - 0.002 * k for k in range(50)]
    return {"loss": train, "val_loss": head + tail}


# Real runs on this machine (Keras 3.15, TF 2.21 CPU, seed 0), Kaggle's Spotify model,
# MAE, 50 epochs, batch 512: exercise 4 (no dropout) and exercise 5 (Dropout(0.3)).
SPOTIFY_NO_DROPOUT = {
    "loss": [0.21936, 0.19952, 0.19484, 0.19242, 0.19057, 0.18875, 0.18752, 0.18672, 0.18524, 0.18466, 0.18346,
             0.18269, 0.18202, 0.18113, 0.18086, 0.18029, 0.18016, 0.17933, 0.17889, 0.17882, 0.17818, 0.17791,
             0.17787, 0.17751, 0.17710, 0.17637, 0.17494, 0.17388, 0.17316, 0.17286, 0.17216, 0.17147, 0.17123,
             0.17057, 0.17036, 0.16981, 0.16936, 0.16910, 0.16874, 0.16828, 0.16801, 0.16745, 0.16751, 0.16653,
             0.16626, 0.16613, 0.16561, 0.16529, 0.16503, 0.16483],
    "val_loss": [0.20124, 0.19738, 0.19614, 0.19540, 0.19487, 0.19495, 0.19525, 0.19543, 0.19631, 0.19586,
                 0.19650, 0.19597, 0.19717, 0.19725, 0.19744, 0.19724, 0.19726, 0.19760, 0.19775, 0.19701,
                 0.19737, 0.19754, 0.19811, 0.19904, 0.19879, 0.19825, 0.19837, 0.19891, 0.19889, 0.19942,
                 0.19962, 0.19950, 0.19959, 0.19959, 0.20041, 0.20025, 0.20023, 0.20109, 0.20148, 0.20081,
                 0.20087, 0.20111, 0.20102, 0.20171, 0.20185, 0.20186, 0.20195, 0.20176, 0.20271, 0.20258],
}
SPOTIFY_DROPOUT = {
    "loss": [0.31757, 0.23824, 0.22263, 0.21530, 0.21018, 0.20756, 0.20467, 0.20307, 0.20134, 0.20029, 0.19969,
             0.19866, 0.19761, 0.19676, 0.19646, 0.19582, 0.19574, 0.19528, 0.19492, 0.19466, 0.19391, 0.19441,
             0.19323, 0.19302, 0.19285, 0.19305, 0.19269, 0.19289, 0.19229, 0.19170, 0.19144, 0.19174, 0.19150,
             0.19114, 0.19154, 0.19080, 0.19094, 0.19074, 0.19068, 0.19035, 0.19010, 0.19011, 0.18983, 0.18991,
             0.18975, 0.18958, 0.18972, 0.18977, 0.18955, 0.18930],
    "val_loss": [0.21380, 0.21015, 0.20900, 0.20499, 0.20324, 0.20230, 0.20060, 0.19938, 0.19840, 0.19718,
                 0.19634, 0.19669, 0.19548, 0.19569, 0.19505, 0.19508, 0.19486, 0.19455, 0.19376, 0.19341,
                 0.19411, 0.19365, 0.19373, 0.19301, 0.19327, 0.19308, 0.19321, 0.19309, 0.19292, 0.19285,
                 0.19277, 0.19240, 0.19277, 0.19289, 0.19259, 0.19252, 0.19266, 0.19260, 0.19254, 0.19228,
                 0.19254, 0.19229, 0.19247, 0.19212, 0.19204, 0.19213, 0.19216, 0.19210, 0.19203, 0.19210],
}


def test_overfitting_curve():
    f = curve_facts(overfit_curve())
    assert f.epochs == 50 and f.has_validation and f.key == "val_loss"
    assert f.best_epoch == 6 and f.min_val_loss == pytest.approx(0.2050)
    assert f.final_val_loss == pytest.approx(0.2360)
    assert f.gap_after_min == pytest.approx(0.0310)
    assert f.overfitting and not f.diverged and not f.all_nan
    assert f.plateau_start is None and f.plateau_within is None
    assert f.train_still_decreasing and not f.val_still_decreasing
    assert diagnose(f) == ("Your validation loss reached its minimum 0.2050 at epoch 6, then rose by 0.0310 "
                           "by epoch 50 — the model overfits after epoch 6.")


def test_flat_plateau_curve():
    f = curve_facts(plateau_curve())
    assert f.best_epoch in range(10, 51) and f.min_val_loss == pytest.approx(0.1921)
    assert not f.overfitting and not f.diverged
    assert f.plateau_start == 10
    assert f.plateau_within == pytest.approx(0.0015)
    assert f.train_still_decreasing
    assert diagnose(f) == ("Your validation loss stayed within 0.0015 of its minimum (0.1921) after epoch 9 "
                           "while the training loss kept falling — no overfitting.")


def test_plateau_with_flat_training_loss_says_levelled_off():
    h = plateau_curve()
    h["loss"] = [0.3, 0.25] + [0.18] * 48
    f = curve_facts(h)
    assert f.plateau_start == 10 and not f.train_still_decreasing
    assert "levelled off" in diagnose(f) and "no overfitting" in diagnose(f)


def test_real_spotify_curves_without_and_with_dropout():
    """Calibration: exercise 4 overfits after epoch 5; exercise 5 (dropout) does not."""
    a = curve_facts(SPOTIFY_NO_DROPOUT)
    assert a.overfitting and a.best_epoch == 5 and a.min_val_loss == pytest.approx(0.19487)
    assert diagnose(a).startswith("Your validation loss reached its minimum 0.1949 at epoch 5, then rose by 0.0077")
    b = curve_facts(SPOTIFY_DROPOUT)
    assert not b.overfitting and not b.diverged
    assert b.min_val_loss == pytest.approx(0.19203) and b.best_epoch == 49
    assert b.plateau_start is not None and b.plateau_start <= 25 and b.plateau_within < 0.002
    assert b.train_still_decreasing
    text = diagnose(b)
    assert text.startswith("Your validation loss stayed within 0.00") and "(0.1920)" in text
    assert text.endswith("while the training loss kept falling — no overfitting.")
    assert compare(SPOTIFY_NO_DROPOUT, SPOTIFY_DROPOUT, "without dropout", "with dropout") == \
        "Minimum validation loss: 0.1949 without dropout → 0.1920 with dropout (1% lower)."


def test_all_nan_curve():
    f = curve_facts({"loss": [NAN] * 100, "val_loss": [NAN] * 100})
    assert f.all_nan and f.diverged and f.epochs == 100
    assert f.best_epoch is None and f.min_val_loss is None and f.gap_after_min is None
    assert math.isnan(f.final_val_loss)
    assert f.first_nonfinite_epoch == 1
    assert not f.overfitting and f.plateau_start is None
    assert not f.train_still_decreasing and not f.val_still_decreasing
    assert diagnose(f) == "All 100 epochs gave NaN — training diverged."


def test_nan_midway():
    val = [1.0 - 0.05 * k for k in range(11)] + [NAN] * 9
    train = [1.2 - 0.05 * k for k in range(11)] + [NAN] * 9
    f = curve_facts({"loss": train, "val_loss": val})
    assert not f.all_nan and f.diverged
    assert f.first_nonfinite_epoch == 12
    assert f.best_epoch == 11 and f.min_val_loss == pytest.approx(0.5)
    assert f.gap_after_min is None and not f.overfitting
    assert diagnose(f) == ("The loss became NaN at epoch 12 — training diverged. "
                           "Before that, its lowest value was 0.5000 at epoch 11.")


def test_training_loss_nan_first_counts_too():
    f = curve_facts({"loss": [1.0, 0.9, NAN, NAN], "val_loss": [1.0, 0.95, 0.94, NAN]})
    assert f.first_nonfinite_epoch == 3 and f.diverged


def test_nan_validation_with_finite_training_points_at_the_data():
    f = curve_facts({"loss": [1.0, 0.8, 0.7, 0.65], "val_loss": [NAN] * 4})
    assert f.all_nan and f.val_nan_only and not f.diverged and not f.overfitting
    assert diagnose(f) == ("Your validation loss was NaN at epoch 1 while the training loss stayed finite — "
                           "check your validation data for missing values.")


def test_infinite_loss_is_named_infinite():
    f = curve_facts({"loss": [1.0, 0.9, 0.8, math.inf, math.inf]})
    assert f.diverged and f.first_nonfinite_epoch == 4
    assert diagnose(f).startswith("The loss became infinite at epoch 4")


def test_exploding_finite_loss_is_divergence_not_overfitting():
    train = [1.0, 1.5, 3.0, 8.0, 20.0, 60.0]
    f = curve_facts({"loss": train, "val_loss": [1.1, 1.4, 3.2, 9.0, 25.0, 70.0]})
    assert f.loss_exploded and f.diverged and not f.overfitting and f.first_nonfinite_epoch is None
    assert diagnose(f) == "Your training loss grew from 1.0000 to 60.0000 over 6 epochs — training diverged."


def test_noisy_curve_with_lucky_minimum_is_not_overfitting():
    """A curve scattering around a level: its minimum is an outlier, not a turning point."""
    rng = random.Random(3)
    val = [5.0 - 0.03 * k for k in range(30)] + [4.1 + rng.gauss(0, 0.3) for _ in range(70)]
    train = [4.0 - 0.01 * k for k in range(100)]
    f = curve_facts({"loss": train, "val_loss": val})
    assert f.noise > 0.15
    assert not f.overfitting


def test_no_validation_key_falls_back_to_training_loss():
    train = [0.9, 0.7, 0.6, 0.55, 0.52]
    f = curve_facts({"loss": train, "mae": [1, 2, 3, 4, 5]})
    assert not f.has_validation and f.key == "loss" and f.val == ()
    assert f.curve == tuple(train) and f.train == tuple(train)
    assert f.min_val_loss == pytest.approx(0.52) and f.best_epoch == 5
    assert not f.overfitting
    text = diagnose(f)
    assert text.startswith("Your training loss went from 0.9000 to 0.5200 over 5 epochs.")
    assert "validation_split" in text


def test_one_epoch_is_one_epoch():
    assert diagnose(curve_facts({"loss": [0.9]})).startswith("Your training loss went from 0.9000 to 0.9000 over 1 epoch.")
    assert diagnose(curve_facts({"loss": [0.9, 0.8]})).startswith("Your training loss went from 0.9000 to 0.8000 over "
                                                                   "2 epochs.")


def test_custom_keys():
    h = dict(overfit_curve())
    h = {"mae": h["loss"], "val_mae": h["val_loss"], "loss": [1.0] * 50}
    f = curve_facts(h, key="val_mae", train_key="mae")
    assert f.key == "val_mae" and f.train_key == "mae" and f.overfitting and f.best_epoch == 6


def test_dataframe_and_dict_give_the_same_facts():
    pd = pytest.importorskip("pandas")
    h = overfit_curve()
    assert curve_facts(pd.DataFrame(h)) == curve_facts(h)
    import numpy as np
    assert curve_facts({k: np.array(v, dtype="float32") for k, v in h.items()}).best_epoch == 6


def test_diagnose_accepts_a_history_directly():
    assert diagnose(overfit_curve()) == diagnose(curve_facts(overfit_curve()))


def test_still_falling_at_the_end():
    f = curve_facts({"loss": [1.0, 0.8, 0.7], "val_loss": [0.9, 0.75, 0.66]})
    assert f.best_epoch == 3 and not f.overfitting and f.plateau_start is None
    assert diagnose(f) == ("Your validation loss was still falling at epoch 3 (0.6600) — no overfitting yet; "
                           "more epochs could lower it further.")


def test_plateau_and_overfitting_never_both():
    rng = random.Random(0)
    for _ in range(300):
        n = rng.randint(1, 60)
        level, drift, sigma = rng.uniform(0.01, 10), rng.uniform(-0.02, 0.02), rng.uniform(0, 0.05)
        val = [level * (1 + drift * k + rng.gauss(0, sigma)) for k in range(n)]
        train = [level * (1 - 0.005 * k) for k in range(n)]
        f = curve_facts({"loss": train, "val_loss": val})
        assert not (f.overfitting and f.plateau_start is not None)
        assert isinstance(diagnose(f), str) and diagnose(f)
        if f.plateau_start is not None:
            assert 0 <= f.plateau_within <= f.tolerance


# ------------------------------------------------------------------ not a history
@pytest.mark.parametrize("value", [5, [0.3, 0.2], None])
def test_not_a_history(value):
    with pytest.raises(NotAHistory) as info:
        curve_facts(value)
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, Incorrect)
    assert str(err) == f"`history` should be what model.fit(...) returns; yours is {describe(value)}."


def test_not_a_history_is_caught_by_the_package_wide_class():
    import learnkit.keras
    with pytest.raises(learnkit.keras.NotAHistory):
        curve_facts("abc")


def test_not_a_history_uses_the_variable_name():
    with pytest.raises(NotAHistory, match="`hist` should be"):
        curve_facts(3.5, name="hist")


def test_empty_and_keyless_histories():
    with pytest.raises(NotAHistory, match="no epochs recorded"):
        curve_facts({})
    with pytest.raises(NotAHistory, match="no epochs recorded"):
        curve_facts({"loss": []})
    with pytest.raises(NotAHistory, match=r"no 'loss' values; its keys are 'accuracy'"):
        curve_facts({"accuracy": [0.5, 0.6]})
    with pytest.raises(NotAHistory, match=r"`history\['loss'\]` should be a list of numbers"):
        curve_facts({"loss": ["a", "b"]})


def test_not_a_history_reaches_the_student_as_incorrect():
    problem = CodingProblem(vars=["history"], check=lambda history: diagnose(history))
    result = evaluate(problem, {"history": 7}, question="q_1")
    assert result.status is Status.INCORRECT
    assert "should be what model.fit(...) returns; yours is an int (7)" in result.message


# ------------------------------------------------------------------ compare
def test_compare_nan_then_finite():
    nan_run = {"loss": [NAN] * 100, "val_loss": [NAN] * 100}
    bn_run = {"loss": [30, 10, 5], "val_loss": [20.0, 6.0, 4.1223]}
    assert compare(nan_run, bn_run, "without batch normalization", "with batch normalization") == (
        "Without batch normalization every epoch gave NaN; with batch normalization the minimum "
        "validation loss was 4.1223.")
    assert compare(bn_run, nan_run, "with batch normalization", "without it") == (
        "With batch normalization the minimum validation loss was 4.1223; without it every epoch gave NaN.")
    assert compare(nan_run, nan_run, "without it", "with it") == "Every epoch gave NaN both without it and with it."


def test_compare_finite_runs():
    before = {"loss": [0.3, 0.2], "val_loss": [0.25, 0.2050]}
    after = curve_facts({"loss": [0.3, 0.2], "val_loss": [0.24, 0.1921]})
    assert compare(before, after, "without dropout", "with dropout") == \
        "Minimum validation loss: 0.2050 without dropout → 0.1921 with dropout (6% lower)."
    assert compare(after, before) == \
        "Minimum validation loss: 0.1921 in the first run → 0.2050 in the second run (7% higher)."
    assert compare(before, before).endswith("(about the same).")
    assert compare({"loss": [0.5, 0.4]}, before).startswith("Minimum loss: 0.4000")


# ------------------------------------------------------------------ real Keras
@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


@pytest.fixture(scope="module")
def fitted(keras):
    import numpy as np
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dropout(0.2), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mae")
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 4)).astype("float32"), rng.random(64).astype("float32")
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0)
    return model, history


@pytest.mark.slow
def test_real_keras_fit(fitted, keras):
    model, history = fitted
    assert isinstance(history, keras.callbacks.History)
    f = curve_facts(history)
    assert f.epochs == 3 and f.has_validation
    assert f.val == tuple(history.history["val_loss"]) and f.train == tuple(history.history["loss"])
    assert f.best_epoch in (1, 2, 3) and f.min_val_loss == min(history.history["val_loss"])
    assert not f.all_nan and f.first_nonfinite_epoch is None
    assert diagnose(f) and diagnose(history) == diagnose(f)
    assert curve_facts(history.history) == f


@pytest.mark.slow
def test_a_model_passed_as_history_gets_a_hint(fitted):
    model, _history = fitted
    with pytest.raises(NotAHistory, match=r"That is the model itself: use `history = model.fit\(...\)`"):
        curve_facts(model)


@pytest.mark.slow
def test_log_describes_the_model(fitted):
    model, history = fitted
    log = HistoryLog()
    log.observe({"model": model, "history": history})
    [seen] = log.seen()
    assert seen.name == "history" and seen.epochs == 3
    assert seen.history == {k: [float(v) for v in vs] for k, vs in history.history.items()}
    assert seen.params["epochs"] == 3
    assert seen.model.cls == "Sequential"  # its ModelFacts
    assert seen.model.summary() == "Dense, Dropout, Dense"
    assert seen.model.input_shape == (4,)  # without the batch dimension
    assert seen.model.params == 4 * 8 + 8 + 8 + 1
    assert curve_facts(seen) == curve_facts(history)


@pytest.mark.slow
def test_log_finds_an_unassigned_fit_through_the_model(fitted):
    model, history = fitted
    log = HistoryLog()
    log.observe({"model": model})  # `model.fit(...)` run without `history = `
    [seen] = log.seen()
    assert seen.name == "model.history" and seen.epochs == 3


# ------------------------------------------------------------------ HistoryLog
def make_history(keras, values):
    h = keras.callbacks.History()
    h.history = {"loss": list(values), "val_loss": [v + 0.1 for v in values]}
    h.params = {"epochs": len(values)}
    return h


def test_log_remembers_rebound_histories_in_order(keras):
    log = HistoryLog()
    first, second = make_history(keras, [1.0, 0.5]), make_history(keras, [2.0, 1.0, 0.8])
    ns = {"history": first, "x": 3}
    log.observe(ns)
    ns["history"] = second
    log.observe(ns)
    log.observe(ns)
    seen = log.seen()
    assert [s.index for s in seen] == [0, 1]
    assert [s.name for s in seen] == ["history", "history"]
    assert [s.epochs for s in seen] == [2, 3]
    assert seen[0].history["loss"] == [1.0, 0.5] and seen[1].history["loss"] == [2.0, 1.0, 0.8]
    assert seen[1].params == {"epochs": 3}


def test_log_updates_a_growing_history_without_duplicating(keras):
    log = HistoryLog()
    h = make_history(keras, [1.0, 0.5])
    ns = {"history": h}
    log.observe(ns)
    snapshot = log.seen()[0]
    h.history["loss"].append(0.4)
    h.history["val_loss"].append(0.45)
    assert snapshot.history["loss"] == [1.0, 0.5]  # a copy, not the live list
    log.observe(ns)
    assert len(log) == 1
    [seen] = log.seen()
    assert seen.epochs == 3 and seen.history["loss"] == [1.0, 0.5, 0.4]


def test_log_ignores_other_values_and_private_names(keras):
    log = HistoryLog()
    ns = {"history_dict": {"loss": [1.0]}, "n": 5, "s": "history", "lst": [1, 2],
          "cls": keras.callbacks.History, "_hidden": make_history(keras, [1.0]),
          "_12": make_history(keras, [2.0])}
    log.observe(ns)
    assert len(log) == 0 and log.seen() == []


def test_log_same_object_under_two_names_is_one_entry(keras):
    log = HistoryLog()
    h = make_history(keras, [1.0])
    log.observe({"history": h, "h2": h})
    assert len(log) == 1 and log.seen()[0].name == "history"


def test_log_new_object_reusing_a_freed_id_is_a_new_entry(keras, monkeypatch):
    """CPython reuses the id of a freed object; the weak reference tells them apart."""
    monkeypatch.setattr(H, "id", lambda obj: 42, raising=False)  # every object gets the same id
    log = HistoryLog()
    h = make_history(keras, [1.0])
    log.observe({"history": h})
    del h
    gc.collect()
    log.observe({"history": make_history(keras, [9.0, 8.0])})
    assert [s.history["loss"] for s in log.seen()] == [[1.0], [9.0, 8.0]]


def test_log_without_keras_loaded_sees_nothing(keras, monkeypatch):
    log = HistoryLog()
    ns = {"history": make_history(keras, [1.0])}
    monkeypatch.delitem(sys.modules, "keras")
    monkeypatch.delitem(sys.modules, "tf_keras", raising=False)
    log.observe(ns)
    assert len(log) == 0


def test_observe_never_raises():
    class Broken:
        def items(self):
            raise RuntimeError("boom")

    log = HistoryLog()
    log.observe(Broken())
    log.observe(None)
    assert len(log) == 0


def test_observe_is_cheap(keras):
    import numpy as np
    log = HistoryLog()
    ns = {f"v{i}": (i if i % 4 == 0 else [i] * 3 if i % 4 == 1 else f"s{i}" if i % 4 == 2 else np.zeros(3))
          for i in range(195)}
    ns.update({f"_{i}": i for i in range(5)})
    for i in range(3):
        ns[f"history{i}"] = make_history(keras, [1.0, 0.5, 0.4])
    log.observe(ns)
    start = time.perf_counter()
    for _ in range(1000):
        log.observe(ns)
    total = time.perf_counter() - start
    assert len(log) == 3
    assert total < 0.5, f"observe took {total * 1000:.3f} ms per call"


def test_watch_registers_once_and_observes(keras, monkeypatch):
    from learnkit.core import binder
    monkeypatch.setattr(binder, "_cell_callbacks", [])
    monkeypatch.setattr(binder, "_namespace", None)
    monkeypatch.setattr(H, "log", HistoryLog())
    H.watch()
    H.watch()
    assert binder._cell_callbacks == [H.log.observe]
    ns = {"history": make_history(keras, [1.0, 0.9])}
    monkeypatch.setattr(binder, "_namespace", ns)
    binder.run_cell_callbacks()
    ns["history"] = make_history(keras, [3.0])
    binder.run_cell_callbacks()
    assert [s.epochs for s in H.seen_histories()] == [2, 1]


# ------------------------------------------------------------------ plots and imports
@pytest.mark.parametrize("hist", [
    {"loss": [NAN] * 100, "val_loss": [NAN] * 100},
    {"loss": [1.0, 0.8, NAN, NAN], "val_loss": [1.1, 0.9, 0.85, NAN]},
    overfit_curve(),
    {"loss": [1.0, 0.8, 0.7]},
], ids=["all-nan", "nan-midway", "overfit", "no-validation"])
def test_plot_history_writes_png(tmp_path, hist):
    pytest.importorskip("matplotlib")
    ax = plot_history(hist, title="run")
    out = tmp_path / "curves.png"
    ax.figure.savefig(out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert ax.get_title() == "run"
    if all(math.isnan(v) for v in hist["loss"]):
        assert any("all 100 epochs NaN" in t.get_text() for t in ax.texts)


def test_plot_history_on_a_given_axes():
    matplotlib = pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure
    ax = Figure().add_subplot()
    assert plot_history(curve_facts(plateau_curve()), ax=ax) is ax
    assert len(ax.lines) == 2
    del matplotlib


def test_module_does_not_import_keras():
    code = ("import sys, learnkit.keras.history_log as h, learnkit.keras.curves as c, learnkit.keras.diagnosis as d; "
            "import learnkit.keras.plots; "
            "h.log.observe({'x': 1}); d.diagnose(c.curve_facts({'loss': [1.0, 0.5]})); "
            "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules, 'keras imported'")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_curve_facts_is_frozen():
    f = curve_facts(overfit_curve())
    assert isinstance(f, CurveFacts)
    with pytest.raises(Exception):
        f.epochs = 3  # type: ignore[misc]


@pytest.mark.slow
def test_a_fixed_batch_size_is_not_part_of_the_captioned_input_shape(keras, tmp_path):
    """Bug: the remembered model kept the batch dimension, so a model built with
    ``keras.Input(shape=(11,), batch_size=32)`` was captioned "input shape (32, 11)" in the report."""
    import json

    import numpy as np

    from learnkit.core import facts
    from learnkit.core.exercise import load_exercise
    from learnkit.grading.report import _curves
    from learnkit.runner.verdicts import judge_facts

    model = keras.Sequential([keras.Input(shape=(11,), batch_size=32), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x, y = np.zeros((64, 11), "float32"), np.zeros(64, "float32")
    history = model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    log = HistoryLog()
    log.observe({"history": history})
    [seen] = log.seen()
    assert seen.model.input_shape == (11,)
    path = tmp_path / "facts.jsonl"
    path.write_text(json.dumps({"cell": 1, "facts": {}, "context": {"keras.histories": facts.Encoder()(log.seen())}}))
    [artifact] = judge_facts(path, load_exercise("deep_learning_intro.ex5")).histories
    assert artifact["input_shape"] == [11] and artifact["layers"] == ["Dense"]
    [curve] = _curves([artifact])
    assert curve["caption"] == "input shape (11,)"
