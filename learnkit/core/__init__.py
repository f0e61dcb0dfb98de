"""learnkit's student-facing core: problems, verdicts, views, the binder."""
from learnkit.core import binder
from learnkit.core.exercise import Exercise
from learnkit.core.placeholder import PLACEHOLDER, ____, is_placeholder
from learnkit.core.problem import (Code, CodingProblem, EqualityProblem, FunctionProblem, Incorrect,
                                   MultipleChoice, Problem, ThoughtExperiment, Unattempted, Verdict, evaluate)
from learnkit.core.result import Result, Status

__all__ = [
    "binder", "Exercise", "PLACEHOLDER", "____", "is_placeholder", "Code", "CodingProblem",
    "EqualityProblem", "FunctionProblem", "Incorrect", "MultipleChoice", "Problem",
    "ThoughtExperiment", "Unattempted", "Verdict", "evaluate", "Result", "Status",
]
