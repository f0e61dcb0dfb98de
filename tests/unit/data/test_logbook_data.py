"""The logbook course's files: Keras's boston_housing.npz (404 / 102 split without Keras) and d2l's
timemachine.txt (170,580 characters, 28 tokens), their loaders and their stand-ins."""
from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest

from learnkit import data as D
from repo import ROOT


def _real() -> Path | None:
    for c in (os.environ.get("LEARNKIT_DATA", ""), str(ROOT.parent / "shared" / "data")):
        if c and (Path(c) / "boston_housing.npz").is_file():
            return Path(c)
    return None


REAL = _real()
needs_real = pytest.mark.skipif(REAL is None, reason="real course data not found (set LEARNKIT_DATA)")


@pytest.fixture(autouse=True)
def offline(tmp_path, monkeypatch):
    monkeypatch.delenv("LEARNKIT_DATA", raising=False)
    monkeypatch.setenv("LEARNKIT_DOWNLOAD", "0")
    monkeypatch.setenv("LEARNKIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    D.clear_hash_cache()


def test_registered_with_keras_and_d2l_hashes():
    boston, tm = D.info("boston_housing.npz"), D.info("time_machine")
    # keras/src/datasets/boston_housing.py: file_hash="f553886a…"
    assert boston.sha256 == "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"
    assert (boston.kind, boston.shape, boston.size) == ("npz", (506, 13), 57026)
    assert (tm.kind, tm.shape, tm.size) == ("text", (3221,), 178979)
    assert boston.url.endswith("tf-keras-datasets/boston_housing.npz") and tm.url.endswith("timemachine.txt")


@needs_real
def test_boston_split_is_keras_load_data(monkeypatch):
    monkeypatch.setenv("LEARNKIT_DATA", str(REAL))
    (x_train, y_train), (x_test, y_test) = D.boston_housing()
    assert x_train.shape == (404, 13) and x_test.shape == (102, 13) and y_train.shape == (404,)
    # values of keras.datasets.boston_housing.load_data() on the same file (checked once against Keras itself)
    np.testing.assert_array_equal(x_train[0, :3], [1.23247, 0.0, 8.14])
    assert y_train[0] == 15.2 and y_train[-1] == 29.1
    np.testing.assert_array_equal(y_test[:3], [7.2, 18.8, 19.0])
    everything = D.load_npz("boston")
    assert sorted(everything) == ["x", "y"] and everything["x"].shape == (506, 13)
    assert np.isclose(np.sort(np.r_[y_train, y_test]), np.sort(everything["y"])).all()
    (a, _), (b, _) = D.boston_housing(test_split=0.5, seed=0)
    assert len(a) == len(b) == 253 and not np.array_equal(a[0], x_train[0])


@needs_real
def test_time_machine_corpus_as_d2l_counts_it(monkeypatch):
    monkeypatch.setenv("LEARNKIT_DATA", str(REAL))
    lines = D.time_machine_lines()
    assert len(lines) == 3221 and lines[0] == "the time machine by h g wells"
    chars = D.time_machine_chars()
    vocab = D.char_vocab(chars)
    assert len(chars) == 170580
    assert len(vocab) == 28 and vocab[:3] == ["<unk>", " ", "e"]
    assert set(vocab[1:]) == set(" abcdefghijklmnopqrstuvwxyz")


def test_loaders_name_the_right_loader():
    with pytest.raises(TypeError, match="load_npz"):
        D.load("boston-housing")
    with pytest.raises(TypeError, match="load_text"):
        D.load_npz("timemachine")
    with pytest.raises(TypeError, match=r"learnkit\.data\.load\("):
        D.load_text("concrete")


def test_standins_are_loud_and_shaped_like_the_files(tmp_path, monkeypatch):
    out = tmp_path / "standins"
    assert D.materialize_standins(out, ["boston-housing", "timemachine"], rows=50) == ["boston-housing", "timemachine"]
    monkeypatch.setenv("LEARNKIT_DATA", str(out))
    with pytest.warns(D.StandinDataWarning, match="STAND-IN DATA"):
        (x_train, y_train), (x_test, _) = D.boston_housing()
    assert x_train.shape == (40, 13) and x_test.shape == (10, 13) and x_train.dtype == np.float64
    assert 5 <= y_train.min() and y_train.max() <= 50
    with pytest.warns(D.StandinDataWarning):
        text = D.load_text("timemachine")
    assert text.count("\n") == 50 and "STAND-IN" in text.splitlines()[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert set("".join(D.time_machine_lines())) <= set(" abcdefghijklmnopqrstuvwxyz")
    rows = {r["name"]: r for r in D.status()}
    assert rows["boston-housing"]["standin"] and rows["timemachine"]["standin"]
