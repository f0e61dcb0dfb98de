"""Student functions run on hidden inputs: the one judgement every function check shares.

``check_function`` calls the student's function on deep copies of each hidden case (with its
printing and numpy warnings silenced: the grader judges after every cell) and compares the result
with the reference. On the way it tells the student, in this order of precedence:

* a blank ``____`` left in the body: not attempted;
* a call that did not return within the problem's ``call_timeout``: "`f(…)` did not return within 5 s";
* an exception, a known wrong implementation (``mistakes``), a hard-coded result;
* an argument changed in place (``pure``, on by default): "`sigmoid(…)` changed its argument `Z`
  in place (…)", with where and how it changed: the caller's data must survive the call;
* a function that is right but calls an earlier question's function that is not: "`feed_forward`
  is right, but it uses your `sigmoid`, which is not correct yet (see q_1)" (``learnkit.core.earlier``).

``FunctionProblem`` and the checks of ``CodingProblem`` that call ``check_function`` all judge
here, so their messages agree; a check that judges the result itself (a Keras model) gets it from
``call_once``, with the same messages for what went wrong in the call. ``keys_compare`` compares
results that are dicts.
"""
from __future__ import annotations

import contextlib
import copy
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from learnkit.core import earlier
from learnkit.core.compare import describe, mismatch, short_repr
from learnkit.core.facts import FunctionFact, StudentTimeout, quietly
from learnkit.core.placeholder import PlaceholderError, is_placeholder, uses_blank
from learnkit.core.problem import Incorrect, Unattempted, timed_out
from learnkit.i18n import _


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


def _must_be_a_function(fn, name: str) -> None:
    if fn is None or not callable(fn):
        raise Incorrect(_("`{name}` should be a function; yours is {actual}.").format(name=name, actual=describe(fn)))
    if uses_blank(fn):
        raise Unattempted(_("`{name}` still contains the blank ____: replace it with your code and run the cell.").format(name=name))


def _default_compare(rtol, atol):
    def compare(got, want):
        return mismatch(got, want, rtol, atol, name=_("the result"))
    return compare


def keys_compare(keys: Sequence[str], rtol: float = 1e-6, atol: float = 1e-9, *, what: str = "dict",
                 same_size: bool = False) -> Callable[[Any, Any], str | None]:
    """A ``compare`` for functions that return a dict: on ``keys`` only (extra keys are fine).

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


def check_function(fn, name: str, reference: Callable, cases, *, rtol: float = 1e-6, atol: float = 1e-9,
                   mistakes: Sequence[tuple[Callable, str]] = (), pure: bool = True,
                   compare: Callable[[Any, Any], str | None] | None = None) -> int:
    """Judge student function ``fn`` (variable ``name``) on hidden ``cases``; return how many.

    Raises ``Unattempted`` (blank in the body, or it returns ``____``) or ``Incorrect`` with a
    message: the first case that differs from ``reference``, unless the function behaves like
    one of the known wrong implementations in ``mistakes`` on every case, in which case that
    mistake's message is given with an example. ``compare(got, want)`` returns a reason or
    None (default: ``mismatch`` within rtol/atol). With ``pure`` (the default), a function that
    modifies its arguments in place is incorrect; ``pure=False`` only for a function whose job is
    to change its argument.
    """
    _must_be_a_function(fn, name)
    compare = compare or _default_compare(rtol, atol)
    cases = [as_case(c) for c in (cases() if callable(cases) else cases)]

    def judge(f) -> int:
        return _judge(f, name, reference, cases, mistakes, pure, compare)
    try:
        return judge(fn)
    except (Incorrect, Unattempted) as first:
        earlier.blame(fn, name, judge, first)  # an earlier question's function may be the cause
        raise


@contextlib.contextmanager
def _unfinished_calls(name: str, call: str):
    """Turn a call that uses the blank, runs past its time limit or recurses without end into a verdict."""
    try:
        yield
    except PlaceholderError:
        raise Unattempted(_("`{name}` still uses the blank ____: replace it with your code.").format(name=name))
    except StudentTimeout as e:
        raise timed_out(call, e) from None
    except RecursionError:
        raise Incorrect(_("`{call}` never finished: the function calls itself without end.").format(call=call))


def _raised(call: str, e: Exception) -> Incorrect:
    return Incorrect(_("`{call}` raised {exc}: {msg}").format(call=call, exc=type(e).__name__,
                                                           msg=short_repr(str(e), 140)))


def call_once(fn, name: str, case=None):
    """What the student's function ``fn`` (variable ``name``) returns for ``case`` (a ``Case``, a tuple
    of arguments, or None: no arguments), for a check that judges the result itself (a function that
    builds a Keras model). The call is made as ``check_function`` makes it (deep copies, printing
    silenced, the problem's time limit); a blank, a time-out, an exception or a ``____`` returned raise
    ``Unattempted``/``Incorrect`` with ``check_function``'s messages."""
    _must_be_a_function(fn, name)
    case = Case() if case is None else as_case(case)
    call = call_text(name, case)
    try:
        with _unfinished_calls(name, call):
            got = run_case(fn, case)[0]
    except (Incorrect, Unattempted):
        raise
    except Exception as e:
        raise _raised(call, e) from None
    if is_placeholder(got):
        raise Unattempted(_("`{name}` still returns the blank ____: finish the function.").format(name=name))
    return got


def _judge(fn, name: str, reference: Callable, cases: list[Case], mistakes, pure: bool, compare) -> int:
    for case in cases:
        call = call_text(name, case)
        try:
            with _unfinished_calls(name, call):
                got, (args_after, kwargs_after) = run_case(fn, case)
        except (Incorrect, Unattempted):
            raise
        except Exception as e:
            message = _known_mistake(fn, name, reference, cases, mistakes, compare)
            if message:
                raise Incorrect(message)
            raise _raised(call, e)
        if is_placeholder(got):
            raise Unattempted(_("`{name}` still returns the blank ____: finish the function.").format(name=name))
        if pure:
            changed = changed_argument(fn, reference, case, args_after, kwargs_after)
            if changed:
                raise Incorrect(_("`{call}` changed its argument `{arg}` in place ({how}); a function should "
                                  "return a new array and leave its inputs alone: compute new values "
                                  "(`Z = -Z`, `W = W - learning_rate * dW`) instead of changing the ones it was "
                                  "given (`Z *= -1`, `W -= …`, `params['W'] = …`).").format(
                    call=call, arg=changed[0], how=changed[1]))
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
        except StudentTimeout as e:  # one endless call is enough: do not wait for the others
            raise timed_out(call_text(name, case), e) from None
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
        outs = []
        for c in cases:
            try:
                outs.append(run_case(fn, c)[0])
            except StudentTimeout as e:
                raise timed_out(call_text(name, c), e) from None
        with quietly():
            wants = [reference(*copy.deepcopy(c.args), **copy.deepcopy(c.kwargs)) for c in cases]
        same = all(compare(o, outs[0]) is None for o in outs[1:])
        varies = any(compare(w, wants[0]) is not None for w in wants[1:])
    except Incorrect:
        raise
    except Exception:
        return None
    if same and varies:
        return _("`{name}` returns {value} whatever its arguments are, so it cannot be right on the hidden "
                 "test inputs: compute the result from the arguments instead of writing a number in.").format(
            name=name, value=short_repr(outs[0], 60))
    return None


# -- arguments changed in place -----------------------------------------------------------------------
def parameter_names(fn) -> tuple[str, ...]:
    """The names of ``fn``'s positional parameters: reported by the kernel for a student's function
    (``FunctionFact.params``), read from the signature of a live function; () when unknown."""
    if isinstance(fn, FunctionFact):
        return fn.params
    try:
        return tuple(p.name for p in inspect.signature(fn).parameters.values()
                     if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
    except (TypeError, ValueError):
        return ()


def changed_argument(fn, reference, case: Case, args_after: tuple, kwargs_after: dict) -> tuple[str, str] | None:
    """(the argument's name, where and how it changed) for the first argument the call changed, or None.

    The name is the student's parameter's (else the reference's, else "argument N")."""
    names = parameter_names(fn) or parameter_names(reference)
    for i, (before, after) in enumerate(zip(case.args, args_after)):
        name = names[i] if i < len(names) else _("argument {n}").format(n=i + 1)
        how = _change(before, after, name)
        if how:
            return name, how
    for key, before in case.kwargs.items():
        how = _change(before, kwargs_after.get(key), key)
        if how:
            return key, how
    return None


def _change(before, after, path: str, depth: int = 0) -> str | None:
    """Where and how ``after`` differs from ``before`` (``path`` names the value), or None."""
    import numpy as np
    if _same(before, after):
        return None
    if depth < 6 and isinstance(before, np.ndarray) and isinstance(after, np.ndarray) \
            and before.shape == after.shape and before.dtype == after.dtype and before.size:
        equal = np.asarray(before == after) | (np.asarray(before != before) & np.asarray(after != after))
        if not equal.all():
            i = tuple(int(x) for x in np.argwhere(~equal)[0])
            where = f"{path}[{', '.join(map(str, i))}]" if i else path
            return _was(where, before[i], after[i])
    if depth < 6 and isinstance(before, dict) and isinstance(after, dict):
        for key in before:
            if key not in after:
                return _("`{path}` lost its key {key}").format(path=path, key=short_repr(key, 30))
            how = _change(before[key], after[key], f"{path}[{short_repr(key, 30)}]", depth + 1)
            if how:
                return how
        for key in after:
            if key not in before:
                return _("`{path}` got a new key {key}").format(path=path, key=short_repr(key, 30))
    if depth < 6 and isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return _("`{path}` had {before} items before the call and {after} after it").format(
                path=path, before=len(before), after=len(after))
        for k, (b, a) in enumerate(zip(before, after)):
            how = _change(b, a, f"{path}[{k}]", depth + 1)
            if how:
                return how
    return _was(path, before, after)


def _was(path: str, before, after) -> str:
    show = lambda v: short_repr(v.item() if hasattr(v, "item") and getattr(v, "size", 0) == 1 else v, 40)  # noqa: E731
    return _("`{path}` was {before} before the call and {after} after it").format(
        path=path, before=show(before), after=show(after))
