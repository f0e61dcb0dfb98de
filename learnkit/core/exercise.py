"""An exercise: an ordered set of problems exported to the notebook as ``q_1`` … ``q_N``."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from learnkit.core import progress, render
from learnkit.core.placeholder import PLACEHOLDER
from learnkit.core.problem import Problem, evaluate
from learnkit.core.result import Result
from learnkit.core.view import ProblemView
from learnkit.i18n import _, content


class Exercise:
    def __init__(self, id: str, title: str, problems: Sequence[Problem], languages: Sequence[str] = (),
                 preload: Sequence[str] = ()):
        self.id = id
        self.title = title
        self.languages = tuple(languages)  # translations the content catalog must hold
        self.preload = tuple(preload)  # modules prepared grading kernels import ahead (see learnkit.runner.pool)
        self.problems = list(problems)
        self.views = {f"q_{i}": ProblemView(p, f"q_{i}", id) for i, p in enumerate(self.problems, 1)}

    @property
    def questions(self) -> list[str]:
        return list(self.views)

    def problem(self, question: str) -> Problem:
        return self.views[question].problem

    def grade(self, ns: Mapping[str, Any]) -> list[Result]:
        """Judge every question against a namespace (used by the grader and tests)."""
        return [evaluate(v.problem, ns, q, self.id) for q, v in self.views.items()]

    def progress(self) -> None:
        """Show the student's progress on this exercise from the local log."""
        s = progress.summary(self.id, self.questions)
        rows = [[q, s[q]["status"], "✔" if s[q]["ever_correct"] else "", s[q]["hints"],
                 "✔" if s[q]["solution"] else ""] for q in self.questions]
        done = sum(1 for q in self.questions if s[q]["ever_correct"])
        title = _("{title}: {done} of {n} questions solved").format(title=content(self.title), done=done, n=len(rows))
        render.show(render.table(title, [_("question"), _("last check"), _("solved"), _("hints"), _("solution")], rows))

    def export(self, module_globals: dict) -> None:
        """Make ``from <exercise module> import *`` give q_1…q_N, ____ and ``progress``."""
        module_globals.update(self.views)
        module_globals["____"] = PLACEHOLDER
        module_globals["exercise"] = self
        module_globals["progress"] = self.progress
        module_globals["__all__"] = [*self.views, "____", "progress"]
