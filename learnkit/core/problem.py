"""Declarative problem kinds. A problem judges a notebook namespace and returns a Verdict.

Problems are data: an exercise module builds them with keyword arguments and small
check functions. They never display anything and never touch the progress log; that is
the view's job (``learnkit.core.view``). ``evaluate`` is the single place where a
problem's judgement becomes a ``Result`` and where checker bugs are contained.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, ClassVar, Mapping, Sequence

from learnkit.core import earlier, facts
from learnkit.core.compare import describe, mismatch, short_repr, type_phrase
from learnkit.core.placeholder import PlaceholderError, is_placeholder, uses_blank
from learnkit.core.result import Result, Status
from learnkit.i18n import _, _n, content


class Incorrect(Exception):
    """Raise from a check function: the student's answer is wrong (message says why).

    ``attempt=False`` says the value may not be an attempt at THIS question at all (e.g. a
    non-model in ``model`` while another question also reads ``model``): the student who
    asks this question is told it is wrong, but the grader's passive judging after every
    cell counts it as not attempted.
    """

    def __init__(self, message: str = "", *, attempt: bool = True):
        super().__init__(message)
        self.attempt = attempt


class Unattempted(Exception):
    """Raise from a check function: the student has not tried this question yet."""


def timed_out(call: str, e: facts.StudentTimeout) -> Incorrect:
    """The verdict on a call of the student's code that ran past its limit (``call`` as messages show it)."""
    if e.seconds is None:
        return Incorrect(_("`{call}` did not return within its time limit. Does it loop without end?").format(call=call))
    return Incorrect(_("`{call}` did not return within {seconds} s. Does it loop without end?").format(
        call=call, seconds=facts.seconds_text(e.seconds)))


@dataclass
class Verdict:
    status: Status
    message: str = ""
    diagnosis: str = ""


@dataclass
class Code:
    """A solution given as code (shown highlighted)."""

    source: str

    def __str__(self) -> str:
        return self.source


@dataclass(kw_only=True)
class Problem:
    """Base: what every problem kind shares.

    ``vars`` are the notebook variables the question reads; a kind about one variable declares
    ``var`` instead (``vars`` is then ``(var,)``).
    """

    prompt: str = ""
    hints: Sequence[str] = ()
    solution: str | Code = ""
    points: float = 1.0
    vars: Sequence[str] = ()
    var: str | None = None
    call_timeout: float = facts.DEFAULT_CALL_TIMEOUT  # seconds each call of the student's code may take
    kind = "problem"
    #: a question answered by reading the solution: a correct check shows the solution (with the
    #: diagnosis of the student's objects) instead of the verdict, and ``solution()`` adds the diagnosis
    answered_by_solution: ClassVar[bool] = False
    earlier: ClassVar[Mapping[str, Any]] = MappingProxyType({})  # not a field: earlier function questions {name: (question, problem)}, see earlier.link

    def __post_init__(self):
        if self.var is not None:
            self.vars = (self.var,)

    def judge(self, ns: Mapping[str, Any]) -> Verdict:  # pragma: no cover - abstract
        raise NotImplementedError

    def fetch(self, ns: Mapping[str, Any], names: Sequence[str] | None = None) -> dict:
        """Read the named variables; missing or ``____`` means not attempted."""
        values = {}
        for name in names if names is not None else self.vars:
            if name not in ns:
                raise Unattempted(_("`{name}` is not defined yet: write your answer and run its cell.").format(name=name))
            value = ns[name]
            if is_placeholder(value) or (callable(value) and uses_blank(value)):
                raise Unattempted(_("`{name}` still contains the blank ____: replace it with your answer.").format(name=name))
            values[name] = value
        return values


def collect(problem: Problem, ns: Mapping[str, Any], runner=None) -> dict:
    """Kernel side: the question's facts, ``{"vars": tree, "calls": {ref: {call: outcome}}}``.

    The variables are encoded (``learnkit.core.facts``), decoded again with the live objects
    behind them, and judged once, so that every call the check makes of the student's functions
    and models is executed (by ``runner``, see ``facts.run_in_process``), each within the problem's
    ``call_timeout``, and recorded. Never raises, except ``KeyboardInterrupt`` (Ctrl-C).
    """
    try:
        tree, enc = facts.encode_namespace(ns, earlier.names(problem, ns))
        calls: dict = {}
        values = facts.decode_namespace(tree, calls, enc.live, runner, problem.call_timeout)
    except Exception as e:  # nothing the student holds can stop the facts: report what broke
        return {"vars": {}, "calls": {}, "error": f"{type(e).__name__}: {short_repr(str(e), 200)}"}
    if not enc.callable:  # nothing to call: the facts are complete without judging here
        return {"vars": tree, "calls": {}}
    try:
        with facts.quietly(), earlier.judging(problem, values):
            problem.judge(values)
    except BaseException as e:  # the verdict is decided from the facts, not here
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
    return {"vars": tree, "calls": {str(k): v for k, v in calls.items() if v}}


def decide(problem: Problem, question_facts: Mapping, question: str = "", exercise: str = "",
           passive: bool = False) -> Result:
    """The verdict on a question's facts (the grader's side; the student's ``check`` too). Never raises."""
    try:
        if not isinstance(question_facts, Mapping):
            raise facts.MalformedFacts("facts are not a mapping")
        if question_facts.get("error"):
            raise facts.MalformedFacts(f"the kernel could not describe the variables ({question_facts['error']})")
        values = facts.decode_namespace(question_facts.get("vars", {}), facts.clean_calls(question_facts.get("calls")))
    except facts.MalformedFacts as e:
        return Result(question=question, status=Status.ERROR, exercise=exercise, points=0.0,
                      max_points=problem.points,
                      message=_("the kernel sent malformed facts for {q}: {reason}").format(
                          q=question or "this question", reason=short_repr(str(e), 200)))
    return judge_values(problem, values, question, exercise, passive)


def evaluate(problem: Problem, ns: Mapping[str, Any], question: str = "", exercise: str = "",
             passive: bool = False, runner=None) -> Result:
    """Judge ``problem`` against namespace ``ns``: ``decide(collect(ns))``. Never raises.

    ``passive`` is for judging the student did not ask for (the grader, after each cell).
    """
    with facts.installed_context(facts.collect_context()):
        return decide(problem, collect(problem, ns, runner), question, exercise, passive)


def judge_values(problem: Problem, values: Mapping[str, Any], question: str = "", exercise: str = "",
                 passive: bool = False) -> Result:
    """Judge decoded values. Never raises.

    Incorrect/AssertionError -> incorrect; Unattempted/PlaceholderError -> unattempted;
    a missing or malformed fact -> error; anything else raised inside the checker -> status
    error, "checker error in q_N".
    """
    try:
        with earlier.judging(problem, values):
            verdict = problem.judge(values)
    except Incorrect as e:
        verdict = Verdict(Status.UNATTEMPTED if passive and not e.attempt else Status.INCORRECT, str(e))
    except AssertionError as e:  # learntools-style `assert cond, "message"` in check functions
        verdict = Verdict(Status.INCORRECT, str(e) or _("Your answer is not correct yet."))
    except (Unattempted, PlaceholderError) as e:
        verdict = Verdict(Status.UNATTEMPTED, str(e))
    except facts.StudentTimeout as e:  # a call of the student's code the check did not catch itself
        verdict = Verdict(Status.INCORRECT, str(e))
    except (facts.FactMissing, facts.MalformedFacts) as e:
        verdict = Verdict(Status.ERROR, _("the kernel's facts for {q} are incomplete: {reason}").format(
            q=question or "this question", reason=short_repr(str(e), 200)))
    except Exception as e:  # a bug in the checker: contain it, keep the reason short
        where = traceback.extract_tb(e.__traceback__)[-1]
        reason = f"{type(e).__name__}: {short_repr(str(e), 160)}"
        verdict = Verdict(
            Status.ERROR,
            _("checker error in {q}: {reason} (at {file}:{line}). This is not your fault; "
              "tell your instructor.").format(q=question or "this question", reason=reason,
                                              file=where.filename.rsplit("/", 1)[-1], line=where.lineno),
        )
    points = problem.points if verdict.status is Status.CORRECT else 0.0
    return Result(question=question, status=verdict.status, message=content(verdict.message),
                  points=points, max_points=problem.points, exercise=exercise,
                  diagnosis=verdict.diagnosis)


def _check_types(values: Mapping[str, Any], types: Mapping[str, Any]) -> None:
    for name, expected in types.items():
        if name not in values:
            continue
        value = values[name]
        if isinstance(expected, tuple) and len(expected) == 2 and callable(expected[0]) \
                and isinstance(expected[1], str):
            ok, wanted = bool(expected[0](value)), expected[1]
        else:
            ok, wanted = isinstance(value, expected), type_phrase(expected)
        if not ok:
            raise Incorrect(_("`{name}` should be {wanted}; yours is {actual}.").format(
                name=name, wanted=wanted, actual=describe(value)))


@dataclass(kw_only=True)
class CodingProblem(Problem):
    """Reads named notebook variables and calls ``check(**values)``.

    ``check`` raises ``Incorrect`` (or fails an ``assert``) for a wrong answer and may
    return a short success message. ``types`` maps a variable to a type, or to a
    ``(predicate, "description")`` pair, checked before ``check`` runs.
    """

    check: Callable[..., str | None]
    types: Mapping[str, Any] = field(default_factory=dict)
    kind = "coding"

    def judge(self, ns):
        values = self.fetch(ns)
        _check_types(values, self.types)
        message = self.check(**values)
        return Verdict(Status.CORRECT, message or _("Correct!"))


def _equal(a, b, rtol: float, atol: float) -> bool:
    try:
        return mismatch(a, b, rtol, atol) is None
    except Exception:
        return False


@dataclass(kw_only=True)
class EqualityProblem(Problem):
    """Notebook values compared with expected ones within tolerance, in order.

    One variable: ``var`` and ``expected`` (a value, or a zero-argument callable giving it).
    Several: no ``var``, and ``expected`` maps each variable to its value (or such a callable).
    ``mistakes`` maps a variable to ``[(wrong_value, message), …]``: known wrong answers get their
    own message. ``starters`` maps a variable to the value the exercise notebook gives it
    (runnable starter code): that value means "not attempted".
    """

    expected: Any
    mistakes: Mapping[str, Sequence[tuple[Any, str]]] = field(default_factory=dict)
    starters: Mapping[str, Any] = field(default_factory=dict)
    rtol: float = 1e-6
    atol: float = 1e-9
    success: str = ""
    kind = "value"

    def __post_init__(self):
        super().__post_init__()
        if self.var is None:
            if not isinstance(self.expected, Mapping):
                raise TypeError("EqualityProblem: give `var`, or `expected` as a mapping {variable: value}")
            self.vars = tuple(self.expected)

    def wanted(self) -> Mapping[str, Any]:
        """``{variable: expected value or callable}``, whichever form was given."""
        return {self.var: self.expected} if self.var is not None else self.expected

    def judge(self, ns):
        values = self.fetch(ns)
        for name, starter in self.starters.items():
            if name in values and _equal(values[name], starter, 0, 0):
                raise Unattempted(_("`{name}` is still the starter value: change it and run the cell.").format(name=name))
        for name, want in self.wanted().items():
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
class FunctionProblem(Problem):
    """The student's function, run on hidden inputs and compared with ``reference``.

    ``cases`` is a list of argument tuples or ``Case`` objects (or a callable returning one). A
    student exception on a case is an incorrect answer that quotes the exception; so is a call that
    does not return within ``call_timeout``, and (``pure``, the default) a call that changes
    its arguments in place. A body that still holds the ``____`` blank is not attempted.
    ``mistakes`` is ``[(wrong_implementation, message), …]``: a function that behaves like one
    gets its message. ``compare(got, want)`` returns why a result differs, or None (default:
    within ``rtol``/``atol``; see ``functions.keys_compare`` for dicts). The judgement is
    ``learnkit.core.functions.check_function``.
    """

    var: str
    reference: Callable
    cases: Sequence[tuple] | Callable[[], Sequence[tuple]]
    rtol: float = 1e-6
    atol: float = 1e-9
    pure: bool = True
    mistakes: Sequence[tuple[Callable, str]] = ()
    compare: Callable[[Any, Any], str | None] | None = None
    success: str = ""
    kind = "function"

    def judge(self, ns):
        from learnkit.core.functions import check_function
        n = check_function(self.fetch(ns)[self.var], self.var, self.reference, self.cases, rtol=self.rtol,
                           atol=self.atol, mistakes=self.mistakes, pure=self.pure, compare=self.compare)
        return Verdict(Status.CORRECT, self.success or _n("Correct! Your function works on {n} hidden test input.",
                                                          "Correct! Your function works on {n} hidden test inputs.",
                                                          n).format(n=n))


@dataclass(kw_only=True)
class ThoughtExperiment(Problem):
    """A question answered by reading the solution; credit for running the check.

    When ``vars`` are given, the student's objects must exist. ``diagnose(**values)``
    may return a short diagnosis of them (e.g. of their learning curves) or raise
    ``Unattempted`` when they are not the objects the question is about yet.
    ``missing_message`` says what to do while a variable does not exist yet (its check cell
    is often run before the cells that compute the variable: "Train the model first: …").
    """

    diagnose: Callable[..., str | None] | None = None
    missing_message: str = ""
    kind = "thought"
    answered_by_solution = True

    def judge(self, ns):
        missing = [name for name in self.vars if name not in ns]
        if missing:
            raise Unattempted(self.missing_message or _(
                "`{name}` is not defined yet: run the cells above that compute it, then this one again.").format(
                name=missing[0]))
        values = self.fetch(ns)
        diagnosis = (self.diagnose(**values) or "") if self.diagnose else ""
        return Verdict(Status.CORRECT, _("Thought experiment: compare your reasoning with the solution."),
                       diagnosis=diagnosis)


@dataclass(kw_only=True)
class MultipleChoice(Problem):
    """The student sets ``var`` to a choice letter ('a', 'b', …) or to the choice's text."""

    var: str
    choices: Sequence[str]
    answer: str  # a letter
    explanations: Mapping[str, str] = field(default_factory=dict)  # letter -> why it is wrong/right
    kind = "choice"

    def letters(self) -> list[str]:
        return [chr(ord("a") + i) for i in range(len(self.choices))]

    def judge(self, ns):
        value = self.fetch(ns)[self.var]
        letters = self.letters()
        picked = None
        if isinstance(value, str):
            v = value.strip().lower().rstrip(")").lstrip("(")
            if v in letters:
                picked = v
            else:
                for letter, text in zip(letters, self.choices):
                    if value.strip().lower() == str(text).strip().lower():
                        picked = letter
        if picked is None:
            raise Incorrect(_("Set `{var}` to one of {letters}; yours is {actual}.").format(
                var=self.var, letters=", ".join(repr(x) for x in letters), actual=describe(value)))
        if picked != self.answer:
            raise Incorrect(self.explanations.get(picked) or _("({letter}) is not the right choice.").format(letter=picked))
        return Verdict(Status.CORRECT, self.explanations.get(picked) or _("Correct!"))
