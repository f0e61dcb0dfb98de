"""Checks of a language-model lesson: (inputs, targets) sequences cut from a corpus, perplexity,
and text a model generated.

``sequence_pairs`` is d2l's sequential partitioning: non-overlapping sequences of ``num_steps``
tokens, each target the next token. ``sequences_difference`` compares a student's pair of arrays
with it (a ``FunctionProblem`` ``compare``) and names the classic slips: targets not shifted,
shifted the wrong way, overlapping windows, a transposed array. ``perplexity_difference`` checks a
perplexity against the cross-entropy it came from (``exp(loss)``, not ``2**loss``, the loss itself
or an accuracy); ``perplexity_band_difference`` checks it lies in a calibrated band.
``generation_difference`` checks generated text: a string, the prefix first, the asked length,
only characters of the vocabulary.
"""
from __future__ import annotations

import math
from typing import Any, Collection

import numpy as np

from learnkit.core.compare import describe, short_repr
from learnkit.i18n import _

__all__ = ["sequence_pairs", "sequences_difference", "perplexity_difference", "perplexity_band_difference",
           "generation_difference"]


def sequence_pairs(corpus, num_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """``(inputs, targets)``, both ``(n, num_steps)`` with ``n = (len(corpus) - 1) // num_steps``:
    sequence ``i`` is ``corpus[i * num_steps: (i + 1) * num_steps]`` and its targets the same slice
    one token later."""
    c = np.asarray(corpus)
    n = (len(c) - 1) // num_steps
    return c[:n * num_steps].reshape(n, num_steps), c[1:n * num_steps + 1].reshape(n, num_steps)


def _pair(got) -> tuple[np.ndarray, np.ndarray] | None:
    try:
        inputs, targets = got
        return np.asarray(inputs), np.asarray(targets)
    except (TypeError, ValueError):
        return None


def sequences_difference(got, want) -> str | None:
    """None when ``got`` is the pair ``want`` (``sequence_pairs``'s); else what is wrong, first the
    inputs, then the targets against the inputs."""
    pair = _pair(got)
    if pair is None:
        return _("Your function should return two arrays, `inputs, targets`; it returned {actual}.").format(
            actual=describe(got))
    x, y = pair
    wx, wy = want
    n, steps = wx.shape
    if x.shape != wx.shape:
        if x.shape == wx.T.shape and x.shape != wx.shape:
            return _("`inputs` has shape {have}: transposed. One row per sequence: {want}.").format(
                have=x.shape, want=wx.shape)
        if x.ndim == 2 and x.shape[0] > n and x.shape[1] == steps and n > 1 and x[1, 0] != wx[1, 0]:
            return _("`inputs` has {have} sequences, not {n}: they overlap. Sequence `i` starts at token "
                     "`i * num_steps`, so consecutive sequences share no token.").format(have=x.shape[0], n=n)
        return _("`inputs` has shape {have}; it should be {want}: (len(corpus) - 1) // num_steps = {n} sequences "
                 "of num_steps = {steps} tokens (the last token has no target).").format(
            have=x.shape, want=wx.shape, n=n, steps=steps)
    if y.shape == wy.shape and np.array_equal(x, wy) and np.array_equal(y, wx):
        return _("`inputs` and `targets` are swapped, so the model would learn the text the wrong way round: the "
                 "inputs start at the first token, the targets one token later.")
    if not np.array_equal(x, wx):
        row = int(np.argmax([not np.array_equal(a, b) for a, b in zip(x, wx)]))
        return _("Sequence {row} of `inputs` is {have}; it should be {want}: tokens {start} to {end} of the "
                 "corpus.").format(row=row, have=short_repr(x[row].tolist(), 60), want=short_repr(wx[row].tolist(), 60),
                                   start=row * steps, end=(row + 1) * steps - 1)
    if y.shape != wy.shape:
        return _("`targets` has shape {have}; it should have the shape of `inputs`, {want}.").format(
            have=y.shape, want=wy.shape)
    if np.array_equal(y, wy):
        return None
    if np.array_equal(y, x):
        return _("`targets` are the inputs themselves: each target is the **next** token, the same slice of the "
                 "corpus shifted by one (`corpus[1:…]`).")
    if steps > 1 and np.array_equal(y[:, 1:], x[:, :-1]):
        return _("`targets` are shifted the wrong way: each target is the token **after** its input, not the one "
                 "before.")
    return _("`targets` should be the inputs shifted by one token: `targets[i, t]` is the token after "
             "`inputs[i, t]`.")


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def perplexity_difference(loss, perplexity, name: str = "perplexity") -> str | None:
    """None when ``perplexity`` is ``exp(loss)``, the mean cross-entropy in nats that Keras reports;
    else what it is instead (``2**loss``, ``10**loss``, the loss, ``exp(-loss)``) or why ``loss`` is
    not one number (``evaluate`` with metrics returns ``[loss, metric]``)."""
    if not isinstance(loss, (str, bytes)) and np.ndim(loss) == 1 and len(loss) >= 2:
        return _("The loss is {actual}: `evaluate` returns `[loss, accuracy]` when the model was compiled with a "
                 "metric. Keep the loss, the first number.").format(actual=short_repr(list(loss), 60))
    ce, ppl = _number(loss), _number(perplexity)
    if ce is None or not math.isfinite(ce):
        return _("The loss should be one finite number; it is {actual}.").format(actual=describe(loss))
    if ppl is None:
        return _("`{name}` should be a number; it is {actual}.").format(name=name, actual=describe(perplexity))
    want = math.exp(ce)

    def near(v: float) -> bool:
        return math.isclose(ppl, v, rel_tol=1e-4, abs_tol=1e-6)

    if near(want):
        return None
    if near(2.0 ** ce):
        return _("`{name}` is 2 ** loss, {have:.4g}: that is for a cross-entropy in bits. Keras's cross-entropy uses "
                 "the natural logarithm, so the perplexity is exp(loss) = {want:.4g}.").format(name=name, have=ppl,
                                                                                            want=want)
    if near(10.0 ** ce):
        return _("`{name}` is 10 ** loss; the cross-entropy uses the natural logarithm: exp(loss) = {want:.4g}.").format(
            name=name, want=want)
    if near(ce):
        return _("`{name}` is the loss itself, {have:.4g}; the perplexity is its exponential, exp(loss) = "
                 "{want:.4g}.").format(name=name, have=ppl, want=want)
    if near(math.exp(-ce)):
        return _("`{name}` is exp(-loss); the perplexity is exp(+loss) = {want:.4g} (it is at least 1).").format(
            name=name, want=want)
    return _("`{name}` is {have:.4g}, but the exponential of the loss {loss:.4g} is {want:.4g}: the perplexity is "
             "exp(mean cross-entropy), not computed from another number.").format(name=name, have=ppl, loss=ce,
                                                                                 want=want)


def perplexity_band_difference(perplexity, band: tuple[float, float], what: str) -> str | None:
    """None when ``perplexity`` lies in ``band``; else how far off it is, with what that suggests."""
    ppl = float(perplexity)
    lo, hi = band
    if lo <= ppl <= hi:
        return None
    if ppl < lo:
        return _("The perplexity of {what} is {ppl:.3g}, lower than this setup reaches ({lo:g} to {hi:g}): was it "
                 "evaluated on the training sequences, or trained longer than the question says?").format(
            what=what, ppl=ppl, lo=lo, hi=hi)
    return _("The perplexity of {what} is {ppl:.3g}; this setup reaches {lo:g} to {hi:g} (guessing letters by their "
             "frequency alone gives about 17, a uniform guess 28). Check the model and that it was trained as the "
             "question says.").format(what=what, ppl=ppl, lo=lo, hi=hi)


def generation_difference(text: Any, prefix: str, n: int, alphabet: Collection[str], name: str = "generated") -> str | None:
    """None when ``text`` is a string of ``len(prefix) + n`` characters from ``alphabet`` that starts
    with ``prefix``; its content is not judged."""
    if isinstance(text, (list, tuple)) and all(isinstance(t, str) for t in text):
        return _("`{name}` is a list of characters: join them into one string, `''.join(...)`.").format(name=name)
    if not isinstance(text, str):
        return _("`{name}` should be a string; it is {actual}.").format(name=name, actual=describe(text))
    if "<unk>" in text:
        return _("`{name}` contains `<unk>`: the model predicted token 0, the unknown token. Take the most likely "
                 "token among the real characters, or check the index-to-character mapping.").format(name=name)
    if not text.startswith(prefix):
        if len(text) == n:
            return _("`{name}` holds only the {n} new characters: return the prefix {prefix!r} followed by them.").format(
                name=name, n=n, prefix=prefix)
        return _("`{name}` should start with the prefix {prefix!r}; it starts with {start!r}.").format(
            name=name, prefix=prefix, start=text[:len(prefix)])
    if len(text) != len(prefix) + n:
        return _("`{name}` has {have} characters; the prefix ({p}) and {n} new ones make {want}.").format(
            name=name, have=len(text), p=len(prefix), n=n, want=len(prefix) + n)
    odd = sorted(set(text) - set(alphabet))
    if odd:
        return _("`{name}` contains characters that are not in the vocabulary: {odd}. Map each predicted index "
                 "back with the vocabulary.").format(name=name, odd=short_repr(odd, 60))
    return None
