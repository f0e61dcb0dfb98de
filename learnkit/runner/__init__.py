"""Notebook execution shared by the demo, ``learnkit test``, the pytest plugin and the grader."""
from learnkit.runner.execute import NotebookProblem, NotebookRun, exercise_of, read_notebook, run_notebook

__all__ = ["NotebookProblem", "NotebookRun", "exercise_of", "read_notebook", "run_notebook"]
