"""Writes the two example assignments of tests/integration/test_lms_import.py (run once; the .ipynb files are committed).

nbgrader_squares.ipynb: an nbgrader source notebook (cell metadata as nbgrader's "Create Assignment"
toolbar writes it); otter_double.ipynb: an otter-assign master notebook (format v1)."""
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

HERE = Path(__file__).parent


def nbg(cell, grade_id, *, grade=False, solution=False, points=0, locked=False, task=False):
    cell.metadata["nbgrader"] = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
                                 "solution": solution, "task": task, **({"points": points} if grade else {})}
    return cell


def nbgrader_example():
    cells = [
        new_markdown_cell("# Squares and means\n\nTwo small functions."),
        nbg(new_code_cell('def squares(n):\n    """The first n squares, from 0."""\n    ### BEGIN SOLUTION\n'
                          '    return [i * i for i in range(n)]\n    ### END SOLUTION'), "squares", solution=True),
        nbg(new_code_cell("assert squares(3) == [0, 1, 4]\n### BEGIN HIDDEN TESTS\nassert squares(0) == []\n"
                          "assert squares(5)[-1] == 16\n### END HIDDEN TESTS"), "test_squares", grade=True,
            points=2, locked=True),
        nbg(new_code_cell("mean_value = sum([1, 2, 3, 4]) / 4"), "mean_value", solution=True),
        nbg(new_code_cell("assert abs(mean_value - 2.5) < 1e-9"), "test_mean", grade=True, points=1, locked=True),
        nbg(new_markdown_cell("Why is the mean of 1..4 not an integer? YOUR ANSWER HERE"), "why_mean",
            grade=True, solution=True, points=3),
        nbg(new_code_cell("### AUTOTEST squares(2)"), "autotest_squares", grade=True, points=1, locked=True),
    ]
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"display_name": "Python 3", "language": "python",
                                                            "name": "python3"}, "language_info": {"name": "python"}})
    nbformat.write(nb, HERE / "nbgrader_squares.ipynb")


def otter_example():
    out = lambda text: [new_output("execute_result", {"text/plain": text}, execution_count=1)]  # noqa: E731
    cells = [
        new_raw_cell("# ASSIGNMENT CONFIG\nname: otter_double\ninit_cell: false\ncheck_all_cell: false\n"
                     "export_cell: false\nrun_tests: false\ngenerate: true"),
        new_markdown_cell("# Doubling\n\nOne function and one value."),
        new_code_cell("import numpy as np"),
        new_raw_cell("# BEGIN QUESTION\nname: q1\npoints: 3"),
        new_markdown_cell("**Question 1.** Write `double(x)`, twice `x` (numbers and arrays)."),
        new_raw_cell("# BEGIN SOLUTION"),
        new_code_cell("def double(x):\n    return 2 * x # SOLUTION"),
        new_raw_cell("# END SOLUTION"),
        new_raw_cell("# BEGIN TESTS"),
        new_code_cell("double(2)", outputs=out("4")),
        new_code_cell("assert double(-1) == -2"),
        new_code_cell("# HIDDEN\nassert double(np.arange(3)).tolist() == [0, 2, 4]"),
        new_raw_cell("# END TESTS"),
        new_raw_cell("# END QUESTION"),
        new_raw_cell("# BEGIN QUESTION\nname: q2\npoints: [1, 2]"),
        new_markdown_cell("**Question 2.** Set `total` to the sum of 0..4."),
        new_raw_cell("# BEGIN SOLUTION"),
        new_code_cell("# BEGIN SOLUTION\ntotal = sum(range(5))\n# END SOLUTION"),
        new_raw_cell("# END SOLUTION"),
        new_raw_cell("# BEGIN TESTS"),
        new_code_cell("total == 10", outputs=out("True")),
        new_code_cell("# HIDDEN\nassert total % 5 == 0"),
        new_raw_cell("# END TESTS"),
        new_raw_cell("# END QUESTION"),
        new_raw_cell("# BEGIN QUESTION\nname: q3\nmanual: true\npoints: 2"),
        new_markdown_cell("**Question 3.** Why does `double` work on arrays?"),
        new_raw_cell("# BEGIN SOLUTION"),
        new_markdown_cell("Because `*` is element-wise for numpy arrays."),
        new_raw_cell("# END SOLUTION"),
        new_raw_cell("# END QUESTION"),
    ]
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"display_name": "Python 3", "language": "python",
                                                            "name": "python3"}, "language_info": {"name": "python"}})
    nbformat.write(nb, HERE / "otter_double.ipynb")


if __name__ == "__main__":
    nbgrader_example()
    otter_example()
