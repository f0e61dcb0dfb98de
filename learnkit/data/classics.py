"""Keras's and d2l's dataset loaders, reproduced offline on the registered files: the same arrays
and corpora as ``keras.datasets.boston_housing.load_data()`` and d2l's ``read_time_machine`` /
``load_corpus_time_machine``, without a download (the files are found like every course file,
:func:`learnkit.data.path`, and their sha256 checked)."""
from __future__ import annotations

import collections
import os
import re

import numpy as np

from learnkit.data.locate import load_npz, load_text

__all__ = ["boston_housing", "time_machine_lines", "time_machine_chars", "char_vocab"]

Pair = tuple[np.ndarray, np.ndarray]


def boston_housing(test_split: float = 0.2, seed: int = 113, data_dir: str | os.PathLike | None = None,
                   download: bool | None = None) -> tuple[Pair, Pair]:
    """``(x_train, y_train), (x_test, y_test)`` exactly as ``keras.datasets.boston_housing.load_data``
    gives them (shuffled with ``np.random.RandomState(seed)``, then split; 404 / 102 by default)."""
    if not 0 <= test_split < 1:
        raise ValueError(f"test_split must be in [0, 1), not {test_split!r}")
    arrays = load_npz("boston-housing", data_dir, download)
    x, y = arrays["x"], arrays["y"]
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))


def time_machine_lines(data_dir: str | os.PathLike | None = None, download: bool | None = None) -> list[str]:
    """d2l's ``read_time_machine()``: each line lower-cased, every run of non-letters made one space,
    stripped (3,221 lines)."""
    text = load_text("timemachine", data_dir, download)
    return [re.sub("[^A-Za-z]+", " ", line).strip().lower() for line in text.splitlines()]


def time_machine_chars(data_dir: str | os.PathLike | None = None, download: bool | None = None) -> list[str]:
    """d2l's character corpus of the book: the characters of every line, concatenated (170,580)."""
    return [ch for line in time_machine_lines(data_dir, download) for ch in line]


def char_vocab(tokens) -> list[str]:
    """d2l's ``Vocab`` token list: ``<unk>`` first, then the tokens by decreasing count (ties in
    order of first appearance). The book's characters give 28: ``<unk>``, space and 26 letters."""
    counts = collections.Counter(tokens)
    return ["<unk>"] + [t for t, _n in sorted(counts.items(), key=lambda kv: kv[1], reverse=True)]
