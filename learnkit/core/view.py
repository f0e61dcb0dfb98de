"""What the student touches: ``q_1.check()``, ``q_1.hint()``, ``q_1.solution()``.

A view joins a problem to the bound notebook namespace, renders verdicts and writes
the progress log. Nothing here raises into the student's notebook, except the
``assert_check_*`` methods, which exist to raise in author tests.
"""
from __future__ import annotations

import numbers

from learnkit.core import binder, progress, render
from learnkit.core.problem import Problem, evaluate
from learnkit.core.result import Result, Status
from learnkit.i18n import _, content


def _hint_number(args, kwargs, total: int) -> int | None:
    """The hint asked for (1 when none), or None when the arguments are not one number from 1 to ``total``."""
    if len(args) + len(kwargs) > 1 or set(kwargs) - {"n"}:
        return None
    n = args[0] if args else kwargs.get("n", 1)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 1 <= int(n) <= total:
        return None
    return int(n)


class ProblemView:
    def __init__(self, problem: Problem, question: str, exercise: str):
        self._problem = problem
        self._question = question
        self._exercise = exercise

    @property
    def problem(self) -> Problem:
        return self._problem

    @property
    def question(self) -> str:
        return self._question

    # -- judging ---------------------------------------------------------------
    def result(self) -> Result:
        """The verdict on the student's current objects (no display, no log)."""
        try:
            ns = binder.namespace()
        except binder.NotBound as e:
            return Result(self._question, Status.ERROR, str(e), 0.0, self._problem.points, self._exercise)
        binder.run_cell_callbacks()  # see objects from the current cell too
        return evaluate(self._problem, ns, self._question, self._exercise)

    def _refuse(self, text: str) -> None:
        """A bad argument to check/hint/solution: one friendly line, never a traceback."""
        render.show(render.message(text))

    def _no_arguments(self, method: str, args, kwargs) -> bool:
        if args or kwargs:
            self._refuse(_("`{q}.{method}()` takes no arguments: run `{q}.{method}()`.").format(
                q=self._question, method=method))
            return True
        return False

    def check(self, *args, **kwargs) -> None:
        """Judge and show the verdict. Ctrl-C (the stop button) during the check shows one line:
        whatever the check had changed is put back on the way out, and nothing is logged."""
        if self._no_arguments("check", args, kwargs):
            return
        try:
            r = self.result()
            progress.record(self._exercise, self._question, "check", r.status.value, r.message)
            if self._problem.answered_by_solution and r.status is Status.CORRECT:
                render.show(render.solution(content(self._problem.solution), r.diagnosis))
            else:
                render.show(render.result(r))
        except KeyboardInterrupt:
            render.show(render.message(_("{q}.check() was interrupted.").format(q=self._question)))
        except Exception as e:  # the view itself failed: still no traceback for the student
            render.show(render.message(_("checker error in {q}: {reason}").format(
                q=self._question, reason=f"{type(e).__name__}: {e}"), render.COLOURS[Status.ERROR]))

    # -- help --------------------------------------------------------------------
    def hint(self, *args, **kwargs) -> None:
        """``q_1.hint()``, ``q_1.hint(2)``: the first hint, the second…"""
        hints = list(self._problem.hints)
        if not hints:
            render.show(render.message(_("There is no hint for this question. Try `{q}.solution()`.").format(q=self._question)))
            return
        n = _hint_number(args, kwargs, len(hints))
        if n is None:
            if len(hints) == 1:  # (not a plural form: the sentences say different things)
                self._refuse(_("`{q}.hint()` has only one hint: run `{q}.hint()`.").format(q=self._question))
            else:
                self._refuse(_("`{q}.hint()` takes a hint number from 1 to {n}, e.g. `{q}.hint(2)`.").format(
                    q=self._question, n=len(hints)))
            return
        progress.record(self._exercise, self._question, "hint", str(n))
        render.show(render.hint(content(hints[n - 1]), n, len(hints)))

    def solution(self, *args, **kwargs) -> None:
        if self._no_arguments("solution", args, kwargs):
            return
        progress.record(self._exercise, self._question, "solution")
        diagnosis = ""
        if self._problem.answered_by_solution:
            diagnosis = self.result().diagnosis
        render.show(render.solution(content(self._problem.solution), diagnosis))

    # -- self-tests for authors ----------------------------------------------------
    def _assert(self, wanted: Status) -> Result:
        r = self.result()
        if r.status is not wanted:
            raise AssertionError(f"{self._question}: expected {wanted.value}, got {r.status.value}: {r.message}")
        return r

    def assert_check_passed(self) -> Result:
        return self._assert(Status.CORRECT)

    def assert_check_failed(self) -> Result:
        return self._assert(Status.INCORRECT)

    def assert_check_unattempted(self) -> Result:
        return self._assert(Status.UNATTEMPTED)

    def __repr__(self) -> str:
        return f"{self._question}: {content(self._problem.prompt) or self._problem.kind} " \
               f"(run {self._question}.check(), .hint() or .solution())"
