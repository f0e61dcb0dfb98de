"""Checks for numeric code written from scratch (numpy): values with known mistakes, and
functions run on hidden inputs with known wrong implementations recognised.

* ``ValuesProblem`` — several notebook variables compared with expected values; a value
  that equals a *known mistake* gets that mistake's message; a value still equal to the
  runnable starter is "not attempted".
* ``CheckedFunctionProblem`` — a ``FunctionProblem`` that also recognises a function whose
  body still holds the ``____`` blank (not attempted, even though calling it would not
  raise), known wrong implementations (``mistakes``), student functions that modify their
  arguments in place (``pure=True``), and custom comparisons of structured results.
* ``check_function`` — the same judgement as a plain function, for ``CodingProblem``
  checks that test several functions or a function together with a value.

Student code is always called on deep copies of the hidden inputs, with its printing and
numpy warnings silenced (the grader judges after every cell; a chatty function must not
flood the notebook).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from learnkit.core.compare import describe, mismatch, short_repr
from learnkit.core.facts import quietly
from learnkit.core.placeholder import PlaceholderError, is_placeholder, uses_blank
from learnkit.core.problem import FunctionProblem, Incorrect, Problem, Unattempted, Verdict
from learnkit.core.result import Status
from learnkit.i18n import _, _n

BLANK = "____"


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


# -- functions on hidden inputs ----------------------------------------------------------------
@dataclass
class Case:
    """One hidden input: positional and keyword arguments, and how to show the call."""

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    shown: str = ""  # e.g. "predict_with_network(array([1, -1]), <hidden weights>)"; default: repr of args


def as_case(case) -> Case:
    if isinstance(case, Case):
        return case
    return Case(case if isinstance(case, tuple) else (case,))


def call_text(name: str, case: Case) -> str:
    if case.shown:
        return case.shown
    parts = [short_repr(a, 40) for a in case.args] + [f"{k}={short_repr(v, 30)}" for k, v in case.kwargs.items()]
    return f"{name}({', '.join(parts)})"


class _Raised:
    """A student call that raised (kept to compare with known mistakes)."""

    def __init__(self, exc: BaseException):
        self.exc = exc


def _same(a, b) -> bool:
    """Exact equality of (nested) inputs, to detect in-place modification."""
    try:
        import numpy as np
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape \
                and a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    except ImportError:  # pragma: no cover
        pass
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    try:
        return bool(a == b)
    except Exception:
        return a is b


def run_case(fn: Callable, case: Case):
    """Call ``fn`` on deep copies of the case's inputs; return (result, copies-after-call)."""
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    with quietly():
        out = fn(*args, **kwargs)
    return out, (args, kwargs)


def _default_compare(rtol, atol):
    def compare(got, want):
        return mismatch(got, want, rtol, atol, name=_("the result"))
    return compare


def check_function(fn, name: str, reference: Callable, cases, *, rtol: float = 1e-6, atol: float = 1e-9,
                   mistakes: Sequence[tuple[Callable, str]] = (), pure: bool = False,
                   compare: Callable[[Any, Any], str | None] | None = None) -> int:
    """Judge student function ``fn`` (variable ``name``) on hidden ``cases``; return how many.

    Raises ``Unattempted`` (blank in the body, or it returns ``____``) or ``Incorrect`` with a
    message: the first case that differs from ``reference``, unless the function behaves like
    one of the known wrong implementations in ``mistakes`` on every case, in which case that
    mistake's message is given with an example. ``compare(got, want)`` returns a reason or
    None (default: ``mismatch`` within rtol/atol). With ``pure``, a function that modifies
    its arguments in place is incorrect.
    """
    if fn is None or not callable(fn):
        raise Incorrect(_("`{name}` should be a function; yours is {actual}.").format(name=name, actual=describe(fn)))
    if uses_blank(fn):
        raise Unattempted(_("`{name}` still contains the blank ____: replace it with your code and run the cell.").format(name=name))
    compare = compare or _default_compare(rtol, atol)
    cases = [as_case(c) for c in (cases() if callable(cases) else cases)]
    for i, case in enumerate(cases):
        call = call_text(name, case)
        try:
            got, (args_after, kwargs_after) = run_case(fn, case)
        except PlaceholderError:
            raise Unattempted(_("`{name}` still uses the blank ____: replace it with your code.").format(name=name))
        except RecursionError:
            raise Incorrect(_("`{call}` never finished: the function calls itself without end.").format(call=call))
        except Exception as e:
            message = _known_mistake(fn, name, reference, cases, mistakes, compare)
            if message:
                raise Incorrect(message)
            raise Incorrect(_("`{call}` raised {exc}: {msg}").format(call=call, exc=type(e).__name__,
                                                                  msg=short_repr(str(e), 140)))
        if contains_blank(got):
            raise Unattempted(_("`{name}` still returns the blank ____: finish the function.").format(name=name))
        if pure and not (_same(args_after, case.args) and _same(kwargs_after, case.kwargs)):
            raise Incorrect(_("`{call}` changed the arguments passed to it (an in-place update such as "
                              "`W -= …` or `params['W'] = …`). Build new arrays instead "
                              "(`W = W - learning_rate * dW`), so that the caller's weights stay as they "
                              "were and every run starts from the same initial weights.").format(call=call))
        with quietly():
            want = reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        why = compare(got, want)
        if why:
            message = _known_mistake(fn, name, reference, cases, mistakes, compare) \
                or _constant_output(fn, name, reference, cases, compare)
            if message:
                raise Incorrect(message)
            raise Incorrect(_("`{call}` returned {got}, but it should return {want}. ({why})").format(
                call=call, got=short_repr(got, 80), want=short_repr(want, 80), why=why))
    return len(cases)


def _known_mistake(fn, name: str, reference, cases: list[Case], mistakes, compare) -> str | None:
    """The message of the first known mistake ``fn`` agrees with on every case (None if none)."""
    if not mistakes:
        return None
    outs = []
    for case in cases:
        try:
            outs.append(run_case(fn, case)[0])
        except Exception as e:
            outs.append(_Raised(e))
    for wrong, message in mistakes:
        example = None
        for case, got in zip(cases, outs):
            try:
                with quietly():
                    bad = wrong(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            except Exception as e:
                bad = _Raised(e)
            if isinstance(got, _Raised) or isinstance(bad, _Raised):
                if not (isinstance(got, _Raised) and isinstance(bad, _Raised)
                        and type(got.exc) is type(bad.exc)):
                    break
                continue
            try:
                if compare(got, bad) is not None:
                    break
            except Exception:
                break
            if example is None:
                try:
                    with quietly():
                        want = reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
                    if compare(got, want) is not None:
                        example = _("for example `{call}` returned {got} instead of {want}").format(
                            call=call_text(name, case), got=short_repr(got, 60),
                            want=short_repr(want, 60))
                except Exception:
                    pass
        else:
            return f"{message} ({example})" if example else message
    return None


def _constant_output(fn, name: str, reference, cases: list[Case], compare) -> str | None:
    """A message when ``fn`` gives the same result for every case but the reference does not
    (typically a hard-coded answer)."""
    if len(cases) < 3:
        return None
    try:
        outs = [run_case(fn, c)[0] for c in cases]
        with quietly():
            wants = [reference(*copy.deepcopy(c.args), **copy.deepcopy(c.kwargs)) for c in cases]
        same = all(compare(o, outs[0]) is None for o in outs[1:])
        varies = any(compare(w, wants[0]) is not None for w in wants[1:])
    except Exception:
        return None
    if same and varies:
        return _("`{name}` returns {value} whatever its arguments are, so it cannot be right on the hidden "
                 "test inputs: compute the result from the arguments instead of writing a number in.").format(
            name=name, value=short_repr(outs[0], 60))
    return None


@dataclass(kw_only=True)
class CheckedFunctionProblem(FunctionProblem):
    """``FunctionProblem`` with blank detection, known mistakes, purity and custom comparison."""

    mistakes: Sequence[tuple[Callable, str]] = ()
    pure: bool = False
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
