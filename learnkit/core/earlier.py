"""A later question's function that calls an earlier question's function: who is to blame?

``feed_forward`` (ex3 q_4) calls the student's ``sigmoid`` (q_1), found in the notebook's globals.
When ``sigmoid`` is wrong, a right ``feed_forward`` returns wrong results, and the check of q_4
would blame it. So when a function fails its check, the check asks:

1. which *earlier function questions* (``FunctionProblem`` and its kinds, before this one in the
   exercise: ``link``) name a function the notebook defines, and is that function not correct yet?
   The earlier question's own problem judges it (on the same facts: ``collect`` reports those
   functions with the later question's, and their calls, so the grader can replay all of it);
2. with those functions replaced by the checker's references for the duration of each call
   (``facts.Swapped``: the student's globals are swapped in the kernel, and put back), does the
   later function pass?

* yes: "`feed_forward` is right, but it uses your `sigmoid`, which is not correct yet (see q_1)."
  (with several wrong earlier functions, the one whose replacement alone is enough is named);
* no, and the outcome changed: the later function's own mistake (as judged with correct helpers),
  then "Your `sigmoid` is not correct yet either (see q_1).";
* no, and nothing changed (it does not use them, or not where it fails): its own mistake, alone.

The swap only reaches the function's globals: a helper captured in a closure or a default argument
is not replaced (the later function is then judged as it is).
"""
from __future__ import annotations

import contextlib
import contextvars
from typing import Any, Callable, Mapping

from learnkit.i18n import _

# {name: (question, problem, value)} of the earlier function questions while a check runs; plus a memo
_CURRENT: contextvars.ContextVar[tuple[dict, dict]] = contextvars.ContextVar("learnkit_earlier", default=({}, {}))


def link(problems: Mapping[str, Any]) -> None:
    """Give every problem of an exercise (``{"q_1": problem, …}`` in order) its ``earlier``:
    ``{function name: (question, problem)}`` of the function questions before it."""
    from learnkit.core.problem import FunctionProblem
    seen: dict[str, tuple[str, Any]] = {}
    for question, problem in problems.items():
        problem.earlier = dict(seen)
        if isinstance(problem, FunctionProblem):
            seen[problem.var] = (question, problem)


def names(problem, ns: Mapping[str, Any]) -> list[str]:
    """The variables ``collect`` reports for ``problem``: its own, and the earlier questions' functions
    when one of its own is a function (only a function's check can call them)."""
    own = list(problem.vars)
    earlier = getattr(problem, "earlier", None) or {}
    if not earlier or not any(callable(ns.get(n)) and not isinstance(ns.get(n), type) for n in own):
        return own
    return own + [n for n in earlier if n not in own and n in ns]


@contextlib.contextmanager
def judging(problem, values: Mapping[str, Any]):
    """While ``problem`` is judged on ``values``, checks can find the earlier functions among them."""
    earlier = getattr(problem, "earlier", None) or {}
    found = {n: (q, p, values[n]) for n, (q, p) in earlier.items() if n in values}
    token = _CURRENT.set((found, {}))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def _correct(name: str, found: dict, memo: dict) -> bool:
    """Does the earlier question's own problem accept the student's function ``name``?"""
    from learnkit.core import facts
    from learnkit.core.result import Status
    if name not in memo:
        question, problem, value = found[name]
        values = {n: v for n, (_q, _p, v) in found.items()}
        try:
            with judging(problem, values):
                memo[name] = problem.judge({problem.var: value}).status is Status.CORRECT
        except (facts.FactMissing, facts.MalformedFacts):
            raise
        except Exception:
            memo[name] = False
    return memo[name]


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else _("{first} and {last}").format(first=", ".join(items[:-1]), last=items[-1])


def _uses(name: str, wrong: list[tuple[str, str]]) -> str:
    functions = _listed([f"`{n}`" for n, _q in wrong])
    questions = _listed([q for _n, q in wrong])
    if len(wrong) == 1:
        return _("`{name}` is right, but it uses your {function}, which is not correct yet (see {question}).").format(
            name=name, function=functions, question=questions)
    return _("`{name}` is right, but it uses your {functions}, which are not correct yet (see {questions}).").format(
        name=name, functions=functions, questions=questions)


def _either(wrong: list[tuple[str, str]]) -> str:
    functions = _listed([f"`{n}`" for n, _q in wrong])
    questions = _listed([q for _n, q in wrong])
    if len(wrong) == 1:
        return _("Your {function} is not correct yet either (see {question}).").format(
            function=functions, question=questions)
    return _("Your {functions} are not correct yet either (see {questions}).").format(
        functions=functions, questions=questions)


def blame(fn, name: str, rejudge: Callable[[Any], Any], first: Exception) -> None:
    """``fn`` (variable ``name``) failed its check with ``first``; raise ``Incorrect`` with a better
    message when an earlier question's function is (also) the cause, else return (``first`` stands).

    ``rejudge(variant)`` runs the same check on a variant of ``fn`` and raises as the check does.
    """
    from learnkit.core import facts
    from learnkit.core.problem import Incorrect, Unattempted
    found, memo = _CURRENT.get()
    wrong = [(n, q) for n, (q, _p, _v) in found.items() if n != name and not _correct(n, found, memo)]
    if not wrong:
        return
    swap: Callable[[dict], Any]  # replacements -> the function called with them
    if isinstance(fn, facts.FunctionFact):
        swap = fn.swapped
    elif getattr(fn, "__globals__", None) is not None:
        swap = lambda replacements: facts.Swapped(fn, replacements)  # noqa: E731 - a live function (no facts)
    else:
        return

    def outcome(subset):
        try:
            rejudge(swap({n: found[n][1].reference for n, _q in subset}))
        except (Incorrect, Unattempted) as e:
            return e
        return None

    if len(wrong) > 1:
        for one in wrong:
            if outcome([one]) is None:
                raise Incorrect(_uses(name, [one])) from None
    second = outcome(wrong)
    if second is None:
        raise Incorrect(_uses(name, wrong)) from None
    if isinstance(second, Incorrect) and str(second) != str(first):
        raise Incorrect(f"{second} {_either(wrong)}") from None
