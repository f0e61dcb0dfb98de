"""Checks for numeric code written from scratch (numpy): values with known mistakes, and
functions run on hidden inputs with known wrong implementations recognised.

* ``ValuesProblem`` — several notebook variables compared with expected values; a value
  that equals a *known mistake* gets that mistake's message; a value still equal to the
  runnable starter is "not attempted".
* ``CheckedFunctionProblem`` — a ``FunctionProblem`` that also recognises a function whose
  body still holds the ``____`` blank (not attempted, even though calling it would not
  raise), known wrong implementations (``mistakes``) and custom comparisons of structured
  results; like every function problem it rejects a function that modifies its arguments
  in place.
* ``check_function`` (``learnkit.core.functions``, re-exported here) — the same judgement as a
  plain function, for ``CodingProblem`` checks that test several functions or a function
  together with a value.

Student code is always called on deep copies of the hidden inputs, with its printing and
numpy warnings silenced (the grader judges after every cell; a chatty function must not
flood the notebook).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from learnkit.core.compare import describe, mismatch
from learnkit.core.functions import (Case, as_case, call_text, check_function, run_case,  # noqa: F401
                                     changed_argument)
from learnkit.core.placeholder import is_placeholder, uses_blank
from learnkit.core.problem import FunctionProblem, Incorrect, Problem, Unattempted, Verdict
from learnkit.core.result import Status
from learnkit.i18n import _, _n



# -- blanks --------------------------------------------------------------------------------
contains_blank = is_placeholder  # kept for the checkers that import it from here


def fetch_values(problem: Problem, ns: Mapping[str, Any], names: Sequence[str] | None = None) -> dict:
    """``problem.fetch`` plus blanks hidden deeper (inside lists, arrays, function bodies)."""
    values = {}
    for name in names if names is not None else problem.vars:
        value = values[name] = problem.fetch(ns, [name])[name]
        if callable(value) and uses_blank(value):
            raise Unattempted(_("`{name}` still contains the blank ____: replace it with your code "
                                "and run the cell.").format(name=name))
        if contains_blank(value):
            raise Unattempted(_("`{name}` still contains the blank ____: fill in the blanks and run "
                                "the cells that compute it.").format(name=name))
    return values


# -- values --------------------------------------------------------------------------------
def _equal(a, b, rtol: float, atol: float) -> bool:
    try:
        return mismatch(a, b, rtol, atol) is None
    except Exception:
        return False


@dataclass(kw_only=True)
class ValuesProblem(Problem):
    """Notebook variables compared with expected values, in order.

    ``expected`` maps a variable to its value (or a zero-argument callable giving it).
    ``mistakes`` maps a variable to ``[(wrong_value, message), …]``: known wrong answers
    get their own message. ``starters`` maps a variable to the value the exercise notebook
    gives it (runnable starter code): that value means "not attempted".
    """

    expected: Mapping[str, Any]
    mistakes: Mapping[str, Sequence[tuple[Any, str]]] = field(default_factory=dict)
    starters: Mapping[str, Any] = field(default_factory=dict)
    rtol: float = 1e-6
    atol: float = 1e-9
    success: str = ""
    kind = "value"

    def __post_init__(self):
        self.vars = tuple(self.expected)

    def judge(self, ns):
        values = fetch_values(self, ns)
        for name, starter in self.starters.items():
            if name in values and _equal(values[name], starter, 0, 0):
                raise Unattempted(_("`{name}` is still the starter value: change it and run the cell.").format(name=name))
        for name, want in self.expected.items():
            want = want() if callable(want) else want
            value = values[name]
            why = mismatch(value, want, self.rtol, self.atol, name=f"`{name}`")
            if why:
                for wrong, message in self.mistakes.get(name, ()):
                    if _equal(value, wrong, self.rtol, self.atol):
                        raise Incorrect(message)
                raise Incorrect(why)
        return Verdict(Status.CORRECT, self.success or _("Correct!"))


@dataclass(kw_only=True)
class CheckedFunctionProblem(FunctionProblem):
    """``FunctionProblem`` with blank detection, known mistakes and custom comparison."""

    mistakes: Sequence[tuple[Callable, str]] = ()
    compare: Callable[[Any, Any], str | None] | None = None
    success: str = ""

    def judge(self, ns):
        fn = fetch_values(self, ns)[self.var]
        n = check_function(fn, self.var, self.reference, self.cases, rtol=self.rtol, atol=self.atol,
                           mistakes=self.mistakes, pure=self.pure, compare=self.compare)
        return Verdict(Status.CORRECT, self.success or _n("Correct! Your function works on {n} hidden test input.",
                                                          "Correct! Your function works on {n} hidden test inputs.",
                                                          n).format(n=n))


def keys_compare(keys: Sequence[str], rtol: float = 1e-6, atol: float = 1e-9, *, what: str = "dict",
                 same_size: bool = False) -> Callable[[Any, Any], str | None]:
    """Compare a returned dict on ``keys`` only (extra keys are fine).

    With ``same_size`` an array of the right size but another shape (e.g. ``(2,)`` for
    ``(1, 2)``) is compared flattened.
    """
    import numpy as np

    def compare(got, want):
        if not isinstance(got, Mapping):
            return _("the result should be a {what} with keys {keys}; it is {actual}").format(
                what=what, keys=", ".join(repr(k) for k in keys), actual=describe(got))
        for k in keys:
            if k not in got:
                return _("the returned {what} has no key {key!r}").format(what=what, key=k)
            g, w = got[k], want[k]
            if same_size:
                try:
                    ga = np.asarray(g, dtype=float)
                    if ga.size == np.size(w):
                        g = ga.reshape(np.shape(w))
                except (TypeError, ValueError):
                    pass
            why = mismatch(g, w, rtol, atol, name=f"[{k!r}]")
            if why:
                return why
        return None
    return compare
