"""The problem kind of imported assignments: an nbgrader test cell or otter test case, run on facts.

``ImportedTestProblem`` holds the instructor's test code (the cases of one learnkit question: one
nbgrader test cell, one otter test case, or every case of an all-or-nothing otter question) and
the notebook's import lines. It is judged like every learnkit problem: the variables the test
reads (``vars``) are the student's facts; a student function is a ``FunctionFact``, so each call
the test makes runs in the grading kernel, in a forked child of its sandbox within
``call_timeout``, and the grader, which never runs student code, replays the recorded outcome.
A case passes when its code raises nothing and, when it has an ``expected`` output (otter's
doctest-style cases: the output the master notebook showed), prints (or shows as its last
expression's value) exactly that.
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import io
import random
from dataclasses import dataclass
from typing import Sequence

from learnkit.core import facts
from learnkit.core.compare import short_repr
from learnkit.core.problem import Incorrect, Problem, Verdict
from learnkit.core.result import Status
from learnkit.i18n import _


@dataclass(frozen=True)
class ImportedCase:
    code: str
    expected: str | None = None  # doctest-style expected output; None: passing = raising nothing


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _run(setup: str, case: ImportedCase, values: dict) -> str:
    """Run one case on ``values``; return what it printed (its last expression's repr included)."""
    g = {"__name__": "__learnkit_test__", "__builtins__": builtins}
    exec(compile(setup, "<imports>", "exec"), g)  # noqa: S102 - the instructor's own import lines
    g.update(values)
    random.seed(0)
    try:
        import numpy as np
        np.random.seed(0)  # the same inputs in the kernel and in the grader: calls are matched by arguments
    except ImportError:  # pragma: no cover
        pass
    tree = ast.parse(case.code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    assert last is None or isinstance(last, ast.Expr)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(tree, "<test>", "exec"), g)  # noqa: S102 - the instructor's test code
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "<test>", "eval"), g)  # noqa: S307
            if value is not None:
                print(repr(value))
    return out.getvalue()


@dataclass(kw_only=True)
class ImportedTestProblem(Problem):
    """An imported test: ``cases`` run with the notebook's ``setup`` imports on the student's ``vars``."""

    cases: Sequence[ImportedCase]
    setup: str = ""
    hidden: bool = False   # otter's hidden test case (graded; the checker module still holds its code)
    kind = "imported test"

    def judge(self, ns):
        values = self.fetch(ns)
        for case in self.cases:
            try:
                printed = _run(self.setup, case, dict(values))
            except AssertionError as e:
                line = _failing_line(case, e)
                why = f"{line} ({str(e)[:200]})" if str(e) else line
                raise Incorrect(_("A test failed: {why}").format(why=why))
            except (facts.StudentTimeout, facts.FactMissing, facts.MalformedFacts):
                raise
            except Exception as e:
                raise Incorrect(_("A test raised {exc}: {msg}").format(exc=type(e).__name__,
                                                                        msg=short_repr(str(e), 200)))
            if case.expected is not None and _normal(printed) != _normal(case.expected):
                raise Incorrect(_("A test printed {got} where {want} was expected.").format(
                    got=short_repr(_normal(printed), 120) or _("nothing"),
                    want=short_repr(_normal(case.expected), 120)))
        return Verdict(Status.CORRECT, _("Correct! The tests pass."))


def _failing_line(case: ImportedCase, e: BaseException) -> str:
    """The test's line that raised (from the traceback: the code was compiled as ``<test>``)."""
    import traceback
    lines = case.code.splitlines()
    for frame in reversed(traceback.extract_tb(e.__traceback__)):
        if frame.filename == "<test>" and frame.lineno and 0 < frame.lineno <= len(lines):
            return lines[frame.lineno - 1].strip()
    return _("an assertion of the test")
