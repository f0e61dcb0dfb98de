"""``learnkit import nbgrader|otter`` (learnkit.importers): two example assignments written for these
tests (tests/support/lms/make_examples.py writes tests/support/lms/nbgrader_squares.ipynb and otter_double.ipynb),
imported, built and graded by ``learnkit grade`` with the points their own tools give.

How the expected points were confirmed (once, in a separate venv: ``python -m venv /tmp/v &&
/tmp/v/bin/pip install otter-grader nbgrader``, otter-grader 7.0.0, nbgrader 0.9.6):

* otter: ``otter assign otter_double.ipynb dist``, then ``otter run -a dist/autograder/*.zip
  S.ipynb -o out`` on the autograder notebook (correct) and on a copy whose ``double`` returns
  ``x + 2`` (wrong): q1 3.0/3 and 1.0/3, q2 3.0/3 both: 6 and 4 points.
* nbgrader: each notebook executed with nbclient and every grade cell scored with
  ``nbgrader.utils.determine_grade``: correct test_squares 2, test_mean 1; wrong (``squares``
  starting at 1) test_squares 0, test_mean 1: 3 and 1 points (the AUTOTEST cell, not carried,
  left aside: raw, it is only a comment).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from learnkit.core.problem import evaluate
from learnkit.core.result import Status
from learnkit.importers import ImportProblem, import_assignment
from learnkit.importers.otter import resolve_points
from learnkit.importers.problem import ImportedCase, ImportedTestProblem
from learnkit.runner import sandbox
from repo import ROOT, LMS  # noqa: E402

HERE = LMS


def test_nbgrader_import_carries_tests_points_and_reports_the_rest(tmp_path):
    report = import_assignment("nbgrader", HERE / "nbgrader_squares.ipynb", root=tmp_path, course="c")
    assert [(q.title, q.points) for q in report.questions] == [("test_squares", 2.0), ("test_mean", 1.0)]
    assert "assert squares(5)[-1] == 16" in report.questions[0].cases[0].code  # hidden tests kept, markers gone
    assert "HIDDEN" not in report.questions[0].cases[0].code
    notes = "\n".join(report.not_carried)
    assert "written answer graded by hand, 3 points" in notes and "AUTOTEST" in notes
    source = (tmp_path / "notebooks" / "c" / "nbgrader_squares.py").read_text()
    assert "    # BEGIN SOLUTION\n    return [i * i for i in range(n)]\n    # END SOLUTION" in source
    assert "# BEGIN SOLUTION\nmean_value = sum([1, 2, 3, 4]) / 4\n# END SOLUTION" in source  # whole solution cell
    assert (tmp_path / "checkers" / "c" / "__init__.py").exists()


def test_otter_import_follows_otters_point_rules(tmp_path):
    report = import_assignment("otter", HERE / "otter_double.ipynb", root=tmp_path, course="c")
    assert [(q.title, q.points, q.hidden) for q in report.questions] == [
        ("q1 (test 1 of 3)", 1.0, False), ("q1 (test 2 of 3)", 1.0, False), ("q1 (test 3 of 3, hidden)", 1.0, True),
        ("q2 (test 1 of 2)", 1.0, False), ("q2 (test 2 of 2, hidden)", 2.0, True)]
    assert report.questions[0].cases[0] == ImportedCase("double(2)", "4")
    assert report.not_carried == ["q3: a manually graded question, 2 points"]
    source = (tmp_path / "notebooks" / "c" / "otter_double.py").read_text()
    assert "def double(x):\n    # BEGIN SOLUTION\n    return 2 * x\n    # END SOLUTION" in source


def test_otter_points_resolution():
    assert resolve_points(3, [None, None, None]) == [1.0, 1.0, 1.0]
    assert resolve_points(4, [2, None, None]) == [2.0, 1.0, 1.0]
    assert resolve_points([1, 2], [None, None]) == [1.0, 2.0]
    assert resolve_points({"each": 2}, [None, None]) == [2.0, 2.0]
    assert resolve_points(None, [None, None]) == [0.5, 0.5]
    with pytest.raises(ImportProblem, match="2 values for 3 test cases"):
        resolve_points([1, 2], [None] * 3)


def test_refuses_a_notebook_in_another_language(tmp_path):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}})
    nbformat.write(nb, tmp_path / "r.ipynb")
    with pytest.raises(ImportProblem, match="a R notebook; learnkit imports Python notebooks only"):
        import_assignment("otter", tmp_path / "r.ipynb", root=tmp_path)
    r = subprocess.run([sys.executable, "-m", "learnkit.cli", "import", "otter", str(tmp_path / "r.ipynb")],
                       capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert r.returncode == 2 and "Python notebooks only" in r.stdout and "Traceback" not in r.stderr


def _judge(problem, **ns):
    return evaluate(problem, ns, "q_1")


def test_imported_problem_judges_live_functions_and_values():
    p = ImportedTestProblem(points=2, vars=("double",), setup="import numpy as np",
                            cases=[ImportedCase("double(2)", "4"),
                                   ImportedCase("assert double(np.arange(2)).tolist() == [0, 2]")])
    assert _judge(p, double=lambda x: 2 * x).status is Status.CORRECT
    wrong = _judge(p, double=lambda x: x + 2)
    assert wrong.status is Status.INCORRECT and wrong.points == 0
    assert _judge(p, double=lambda x: x * 2.0).message == "A test printed '4.0' where '4' was expected."
    assert _judge(p).status is Status.UNATTEMPTED  # not defined yet
    raising = _judge(p, double=lambda x: 1 / 0)
    assert raising.status is Status.INCORRECT and "ZeroDivisionError" in raising.message


# --- imported, built and graded end to end ------------------------------------------------------

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if not sandbox.available():
        pytest.skip(f"no sandbox here: {sandbox.check()[1]}")
    from learnkit.authoring import build
    from learnkit.grading.grade import Options, grade
    from learnkit.grading.gradebook import Gradebook
    from learnkit.grading.standing import standing
    tmp = tmp_path_factory.mktemp("imported")
    course = f"lms_import_{os.getpid()}"
    package = ROOT / "checkers" / course  # the sandbox shows the checkout's checkers/ only
    subs = tmp / "subs"
    subs.mkdir()
    try:
        for fmt, name, answer, wrong in (("nbgrader", "nbgrader_squares", "range(n)", "range(1, n + 1)"),
                                         ("otter", "otter_double", "return 2 * x", "return x + 2")):
            import_assignment(fmt, HERE / f"{name}.ipynb", root=tmp, course=course)
            build([tmp / "notebooks" / course / f"{name}.py"])
            solution = nbformat.read(tmp / "notebooks" / course / f"{name}_solution.ipynb", as_version=4)
            nbformat.write(solution, subs / f"{fmt}-correct.ipynb")
            for cell in solution.cells:
                cell.source = cell.source.replace(answer, wrong)
            nbformat.write(solution, subs / f"{fmt}-wrong.ipynb")
            shutil.copy(tmp / "notebooks" / course / f"{name}.ipynb", subs / f"{fmt}-starter.ipynb")
        shutil.copytree(tmp / "checkers" / course, package)
        grade([subs], tmp / "out", Options(workers=2, cell_timeout=60, timeout=300))
        with Gradebook(tmp / "out" / "gradebook.sqlite") as gb:
            yield {e.student: e for e in standing(gb).entries}
    finally:
        shutil.rmtree(package, ignore_errors=True)


@pytest.mark.slow
def test_nbgrader_assignment_gets_nbgraders_points(graded):
    assert (graded["nbgrader-correct"].points, graded["nbgrader-correct"].max_points) == (3, 3)
    wrong = graded["nbgrader-wrong"]
    assert wrong.points == 1 and [q.status for q in wrong.questions] == ["incorrect", "correct"]
    assert "assert squares(3) == [0, 1, 4]" in wrong.questions[0].message
    assert [q.status for q in graded["nbgrader-starter"].questions] == ["unattempted", "unattempted"]


@pytest.mark.slow
def test_otter_assignment_gets_otters_points(graded):
    assert (graded["otter-correct"].points, graded["otter-correct"].max_points) == (6, 6)
    wrong = graded["otter-wrong"]
    assert wrong.points == 4
    assert [q.points for q in wrong.questions] == [1, 0, 0, 1, 2]  # double(2) == 4 even so
    assert all(e.sandboxed for e in graded.values())


def test_a_cell_in_another_language_is_reported_not_carried(tmp_path):
    nb = nbformat.read(HERE / "nbgrader_squares.ipynb", as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell("%%bash\necho hello"))
    nbformat.write(nb, tmp_path / "mixed.ipynb")
    report = import_assignment("nbgrader", tmp_path / "mixed.ipynb", root=tmp_path)
    assert "cell 2 (code): written in another language (%%bash); left out" in report.not_carried
    assert "echo hello" not in (tmp_path / "notebooks" / "imported" / "mixed.py").read_text()
