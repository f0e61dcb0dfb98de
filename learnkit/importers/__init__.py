"""``learnkit import nbgrader|otter``: bring an assignment over as a learnkit exercise.

One module per format (``nbgrader``, ``otter``) reads its notebook into the shared ``Imported``
form (``common``); ``common.write_exercise`` writes the jupytext source and the checker module,
whose questions are ``learnkit.importers.problem.ImportedTestProblem``.
"""
from __future__ import annotations

from pathlib import Path

from learnkit.importers.common import ImportProblem, Report, check_python, write_exercise

FORMATS = ("nbgrader", "otter")


def import_assignment(fmt: str, source, root=".", course: str | None = None, exercise: str | None = None) -> Report:
    """Read ``source`` (an nbgrader source or otter master notebook) and write the exercise under ``root``."""
    import nbformat
    if fmt not in FORMATS:
        raise ImportProblem(f"unknown format {fmt!r}: use {' or '.join(FORMATS)}")
    source = Path(source)
    try:
        nb = nbformat.read(source, as_version=4)
    except FileNotFoundError:
        raise ImportProblem(f"{source}: no such file") from None
    except Exception as e:  # not JSON, not a notebook
        raise ImportProblem(f"{source}: not a notebook ({type(e).__name__}: {str(e)[:200]})") from None
    check_python(nb, source)
    from learnkit.importers import nbgrader, otter
    reader = nbgrader if fmt == "nbgrader" else otter
    imported = reader.parse(nb, source.stem)
    if not imported.questions:
        imported.not_carried.append("no autograded tests found: the exercise has no questions")
    return write_exercise(imported, source, Path(root), course, exercise)


__all__ = ["FORMATS", "ImportProblem", "Report", "import_assignment"]
