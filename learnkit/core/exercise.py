"""An exercise: an ordered set of problems exported to the notebook as ``q_1`` … ``q_N``."""
from __future__ import annotations

import importlib
import importlib.util
import re
from typing import Any, Mapping, Sequence

from learnkit.core import earlier, progress, render
from learnkit.core.placeholder import PLACEHOLDER
from learnkit.core.problem import Problem, evaluate
from learnkit.core.result import Result, Status
from learnkit.core.view import ProblemView
from learnkit.i18n import _, _n, content


class Exercise:
    def __init__(self, id: str, title: str, problems: Sequence[Problem], languages: Sequence[str] = (),
                 preload: Sequence[str] = (), datasets: Sequence[str] = ()):
        self.id = id
        self.title = title
        self.languages = tuple(languages)  # translations the content catalog must hold
        self.preload = tuple(preload)  # modules prepared grading kernels import ahead (see learnkit.runner.pool)
        self.datasets = tuple(datasets)  # learnkit.data names its notebook loads (the grader checks them first)
        self.problems = list(problems)
        self.views = {f"q_{i}": ProblemView(p, f"q_{i}", id) for i, p in enumerate(self.problems, 1)}
        earlier.link({q: v.problem for q, v in self.views.items()})  # who may blame an earlier function

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
        rows = [[q, _status(s[q]["status"]), "✔" if s[q]["ever_correct"] else "", s[q]["hints"],
                 "✔" if s[q]["solution"] else ""] for q in self.questions]
        done = sum(1 for q in self.questions if s[q]["ever_correct"])
        title = _n("{title}: {done} of {n} question solved", "{title}: {done} of {n} questions solved", len(rows)).format(
            title=content(self.title), done=done, n=len(rows))
        render.show(render.table(title, [_("question"), _("last check"), _("solved"), _("hints"), _("solution")], rows))

    def export(self, module_globals: dict) -> None:
        """Make ``from <exercise module> import *`` give q_1…q_N, ____ and ``progress``."""
        module_globals.update(self.views)
        module_globals["____"] = PLACEHOLDER
        module_globals["exercise"] = self
        module_globals["progress"] = self.progress
        module_globals["__all__"] = [*self.views, "____", "progress"]


def _status(status: str) -> str:
    """A logged status ("unattempted") as the student reads it ("Not attempted yet", "尚未作答")."""
    try:
        return render.status_label(Status(status))
    except ValueError:  # a log line written by another version
        return str(status)


EXERCISE_ID = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$", re.ASCII)


class UnknownExercise(LookupError):
    """No checker module for that exercise id (the message says why, for the instructor)."""


class BrokenChecker(RuntimeError):
    """The checker module exists but cannot be imported, or exports no ``exercise``."""


def load_exercise(exercise_id: str) -> Exercise:
    """The one place an exercise id ("deep_learning_intro.ex5") becomes its ``Exercise`` (checkers.<id>)."""
    if not isinstance(exercise_id, str) or not EXERCISE_ID.match(exercise_id):
        raise UnknownExercise(f"unknown exercise {str(exercise_id)[:100]!r}: not an exercise id")
    name = "checkers." + exercise_id
    if not _exists(name):
        raise UnknownExercise(f"unknown exercise {exercise_id!r}: no checker module {name}")
    try:
        module = importlib.import_module(name)
    except Exception as e:
        raise BrokenChecker(f"the checker of {exercise_id!r} is broken ({type(e).__name__}: {e})") from e
    exercise = getattr(module, "exercise", None)
    if not isinstance(exercise, Exercise):
        raise BrokenChecker(f"the checker of {exercise_id!r} is broken: {name} defines no `exercise`")
    return exercise


def _exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
