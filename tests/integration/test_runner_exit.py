"""A notebook that ends its own kernel: the run names the cell that did it (real kernels).

``exit()``/``quit()``/``get_ipython().ask_exit()`` do not kill the kernel at once: the cell's reply
carries an ``ask_exit`` payload and the kernel stops a moment later, so a few of the next cells may
still run before nbclient finds it dead. The runner stops at the reply instead. ``sys.exit()`` and
``raise SystemExit`` are caught by IPython as an ordinary error; ``os._exit`` kills the kernel in the
cell itself. Cells are numbered from 1 over the submitted notebook (the runner's preamble is not one).
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from learnkit.runner.execute import run_notebook

from test_kernel_pool import ANSWER, SETUP  # noqa: E402

AFTER = ["x = 1", "import time\ntime.sleep(0.3)", "y = 2"]  # cells 4-6: exit() used to let some of them run
EXITED = "the notebook called exit() (or quit()) in cell 3; cells after it did not run"
DIED = "the kernel died in cell 3 (the notebook crashed or exited)"


def _run(tmp_path: Path, cells: list[str]):
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["learnkit"] = {"exercise": "nn_from_scratch.ex1"}
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return run_notebook(path, cwd=tmp_path, cell_timeout=60, timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("code, status, reason, later_run", [
    ("exit()", "killed", EXITED, False),
    ("quit()", "killed", EXITED, False),
    ("get_ipython().ask_exit()", "killed", EXITED, False),
    ("exit()\nprint('still here')", "killed", EXITED, False),  # the rest of the cell runs, the next cells do not
    ("import os\nos._exit(0)", "killed", DIED, False),
    ("import sys\nsys.exit()", "ok", "", True),  # IPython: an ordinary error in cell 3, the kernel goes on
    ("raise SystemExit(3)", "ok", "", True),
    ("exit(keep_kernel=True)", "ok", "", True),  # the kernel stays: nothing to report
], ids=["exit", "quit", "ask_exit", "exit_then_print", "os_exit", "sys_exit", "raise_SystemExit", "keep_kernel"])
def test_a_notebook_that_exits_is_reported_in_the_cell_that_exited(tmp_path, code, status, reason, later_run):
    run = _run(tmp_path, [SETUP, ANSWER, code] + AFTER)
    assert (run.status.value, run.reason) == (status, reason), run.cell_errors
    assert run.results["q_1"].status.value == "correct"  # judged before the exit: kept
    if status == "killed":  # every question not judged gets the run's fate and reason
        assert {r.status.value for q, r in run.results.items() if q != "q_1"} == {"killed"}
        assert {r.message for q, r in run.results.items() if q != "q_1"} == {reason}
    ran = [c.execution_count is not None for c in run.notebook.cells]  # (os._exit: cell 3 never replied)
    assert ran[:2] + ran[3:] == [True, True] + [later_run] * len(AFTER), ran
    if code.startswith(("import sys", "raise")):
        assert [(e["cell"] + 1, e["ename"]) for e in run.cell_errors] == [(3, "SystemExit")]


@pytest.mark.slow
def test_exit_in_the_last_cell_costs_nothing(tmp_path):
    run = _run(tmp_path, [SETUP, ANSWER, "exit()"])
    assert (run.status.value, run.reason) == ("ok", "")
    assert run.results["q_1"].status.value == "correct"
    assert run.results["q_2"].status.value == "unattempted"
