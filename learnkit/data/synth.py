"""Building blocks for stand-in generators (the courses' ``standins`` modules): random ids, made-up
names, clipped and rounded numbers, weighted categories. Every function draws from the ``rng``
(a ``numpy.random.Generator``) it is given, so a generator stays deterministic for a seed."""
from __future__ import annotations

import numpy as np

__all__ = ["ids", "words", "clip_round", "zscore", "choice"]

_ALPHANUM = np.array(list("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), dtype="<U1")
_SYLLABLES = np.array(["ka", "lo", "mi", "ra", "ne", "to", "vi", "sa", "du", "ren", "mar", "lin", "ko",
                       "zel", "an", "bri", "ta", "mo", "el", "quin", "ro", "sha", "den", "fi", "gu",
                       "ly", "na", "pe", "tor", "xa", "yo", "ber"])


def ids(rng, n: int, length: int = 22) -> np.ndarray:
    """``n`` random alphanumeric ids (object array), like Spotify's track ids."""
    chars = _ALPHANUM[rng.integers(0, len(_ALPHANUM), (n, length))]
    return np.ascontiguousarray(chars).view(f"<U{length}").ravel().astype(object)


def words(rng, n: int, max_words: int = 2) -> np.ndarray:
    """``n`` made-up names of 1 to ``max_words`` capitalised words (object array)."""
    k = rng.integers(1, max_words + 1, n)
    syl = _SYLLABLES[rng.integers(0, len(_SYLLABLES), (n, max_words, 2))]
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = " ".join((a + b).capitalize() for a, b in syl[i, :k[i]])
    return out


def clip_round(x, lo, hi, decimals=None):
    """``x`` clipped to ``[lo, hi]``, rounded to ``decimals`` when given."""
    x = np.clip(x, lo, hi)
    return x if decimals is None else np.round(x, decimals)


def zscore(x):
    """``x`` standardised (mean 0, sd 1); zeros when it is constant."""
    x = np.asarray(x, dtype=float)
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def choice(rng, labels, weights, n):
    """``n`` draws of ``labels`` with the given (unnormalised) weights, as an object array."""
    w = np.asarray(weights, dtype=float)
    return np.asarray(labels, dtype=object)[rng.choice(len(labels), n, p=w / w.sum())]
