"""Small crafted ex5 submissions for the grading tests: no real training, ~8 s each (TF import).

``write_all(folder)`` writes every case as ``<case>.ipynb``; ``EXPECTED`` maps a case to the
statuses the grader must give (question -> status) and, optionally, a text the run's reason
or a message must contain.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from learnkit import demo

SETUP = """from learnkit.core import binder
binder.bind(globals())
from checkers.deep_learning_intro.ex5 import *
import numpy as np
import keras
from keras import layers
keras.utils.set_random_seed(0)"""

Q1_OK = demo.Q1.format(rate=0.3, after=",").replace("input_shape=input_shape", "input_shape=[18]")
Q1_WRONG = Q1_OK.replace("0.3", "0.5")
Q1_STARTER = """model = keras.Sequential([
    layers.Dense(128, activation='relu', input_shape=[18]),
    layers.Dense(64, activation='relu'),
    layers.Dense(1),
])
q_1.check()"""
FIT_SPOTIFY = """model.compile(optimizer='adam', loss='mae')
history = model.fit(np.random.rand(64, 18), np.random.rand(64), validation_split=0.25, epochs=3, verbose=0)
q_2.check()"""
Q3_OK = demo.Q3.replace("input_shape=input_shape", "input_shape=[8]")
Q3_BN_AFTER = demo.Q3_BN_AFTER.replace("input_shape=input_shape", "input_shape=[8]")
FIT_CONCRETE = """model.compile(optimizer='sgd', loss='mae')
history = model.fit(np.random.rand(64, 8), np.random.rand(64), validation_split=0.25, epochs=3, verbose=0)
q_4.check()"""
# A training target of inf makes every epoch's MAE inf whatever the weights, backend or CPU kernels do
# (a NaN *input* does not: ReLU may map NaN to 0). The validation rows are finite: val_loss stays finite.
FIT_INF_LOSS = """model.compile(optimizer='sgd', loss='mae')
y = np.random.rand(64); y[0] = np.inf
history = model.fit(np.random.rand(64, 8), y, validation_split=0.25, epochs=2, verbose=0)"""


# The in-process adversary: find the tracker's facts file through its closure and append forged lines
# (verdicts, points, a description of a model that is not there, malformed data, garbage).
FORGE_FACTS = """import json
path = None
for cb in get_ipython().events.callbacks['post_run_cell']:
    for cell in getattr(cb, '__closure__', None) or ():
        v = cell.cell_contents
        if callable(v) and getattr(v, '__name__', '') == 'emit':
            path = [c.cell_contents for c in v.__closure__ if isinstance(c.cell_contents, str)][0]
assert path and path.endswith('.jsonl'), path
forged = [{"cell": 98, "results": {"q_1": {"status": "correct", "points": 1000}}, "points": {"q_1": 1000}},
          {"cell": 99, "facts": {"q_1": {"vars": {"model": {"$t": "opaque", "type": "Sequential", "text": "ok"}}},
                                 "q_9": {"vars": {}}}},
          {"cell": 100, "facts": {"q_1": {"vars": {"model": {"$t": "nd", "dtype": "|O", "shape": [1], "b64": ""}}}}}]
with open(path, "a") as f:
    f.write("".join(json.dumps(x) + "\\n" for x in forged) + "not json\\n")"""


def strip_checks(code: str) -> str:
    return "\n".join(line for line in code.splitlines() if not line.startswith("q_"))


ALL_CORRECT = {"q_1": "correct", "q_2": "correct", "q_3": "correct", "q_4": "correct"}
CASES: dict[str, list[str]] = {
    "correct": [SETUP, Q1_OK, FIT_SPOTIFY, Q3_OK, FIT_CONCRETE],
    "wrong": [SETUP, Q1_WRONG, Q3_BN_AFTER, FIT_INF_LOSS],
    "unattempted": [SETUP, Q1_STARTER, "q_2.check()", "q_3.check()", "q_4.check()"],
    "checks_deleted": [SETUP] + [strip_checks(c) for c in (Q1_OK, FIT_SPOTIFY, Q3_OK, FIT_CONCRETE)],
    "q1_redefined": [SETUP, Q1_WRONG, "class Fake:\n    def check(self):\n        print('Correct')\nq_1 = Fake()\nq_1.check()"],
    "check_patched": [SETUP, Q1_WRONG, "q_1.check = lambda *a, **k: print('Correct! Well done.')\nq_1.check()"],
    "binder_rebound": [SETUP, Q1_WRONG, strip_checks(Q1_OK).replace("model =", "good ="),
                       "binder.bind({'model': good})\nq_1.check()"],
    "prints_correct": [SETUP, Q1_WRONG, "print('Correct! q_1 passed')\nprint('Correct! q_3 passed')"],
    "tamper_spec": [SETUP, "import learnkit.keras.spec\nlearnkit.keras.spec.first_difference = lambda *a, **k: None",
                    Q1_WRONG],
    # In-kernel state a student can change: none of it reaches the grader, which judges with its own checker.
    "tamper_spec_list": [SETUP, "import checkers.deep_learning_intro.ex5 as m\nm.SPOTIFY_DROPOUT[:] = m.SPOTIFY_STARTER",
                         Q1_STARTER],
    "tamper_problem": [SETUP, "p = exercise.problems[0]\np.layers, p.starter, p.relevant = p.starter, None, None\n"
                       "p.points = 1000\nq_1.problem.points = 1000", Q1_STARTER],
    "tamper_writer": [SETUP, "import learnkit.runner.kernel as K\n"
                      "class J:\n    dumps = staticmethod(lambda *a, **k: '{\"results\": {\"q_1\": \"correct\"}}')\n"
                      "K.json = J", Q1_STARTER],
    "forged_facts": [SETUP, Q1_STARTER, FORGE_FACTS],
    "points_patched": [SETUP, "q_1.problem.points = 1000\nexercise.problems[0].points = 1000", Q1_OK],
    "infinite_loop": [SETUP, Q1_OK, "while True:\n    pass", Q3_OK],
    "slow": [SETUP, Q1_OK] + ["import time\ntime.sleep(25)"] * 5 + [Q3_OK],
    "exits": [SETUP, Q1_OK, "import os\nos._exit(1)", Q3_OK],
    "exit_call": [SETUP, Q1_OK, "exit()", Q3_OK],  # the kernel stops a moment AFTER the cell's reply
    "memory_bomb": [SETUP, Q1_OK, "big = np.ones(2 * 1024**3 // 8)\nbig.sum()", Q3_OK],
    "big_output": [SETUP, Q1_OK, "import sys\nfor _ in range(100):  # 100 MB\n    sys.stdout.write('x' * 1_000_000 + "
                   "'\\n')\n    sys.stdout.flush()", Q3_OK],
}
EXPECTED: dict[str, tuple[dict, str]] = {
    "correct": (ALL_CORRECT, ""),
    "wrong": ({"q_1": "incorrect", "q_3": "incorrect"}, ""),
    "unattempted": ({"q_1": "unattempted", "q_2": "unattempted", "q_3": "unattempted", "q_4": "unattempted"}, ""),
    "checks_deleted": (ALL_CORRECT, ""),
    "q1_redefined": ({"q_1": "incorrect"}, ""),
    "check_patched": ({"q_1": "incorrect"}, ""),
    "binder_rebound": ({"q_1": "incorrect"}, ""),
    "prints_correct": ({"q_1": "incorrect", "q_3": "unattempted"}, ""),
    "edited_outputs": ({"q_1": "incorrect"}, ""),
    "tamper_spec": ({"q_1": "incorrect", "q_3": "unattempted"}, ""),
    "tamper_spec_list": ({"q_1": "unattempted", "q_3": "unattempted"}, ""),
    "tamper_problem": ({"q_1": "unattempted"}, ""),
    "tamper_writer": ({"q_1": "unattempted", "q_2": "unattempted"}, ""),
    "forged_facts": ({"q_1": "error", "q_2": "unattempted"}, "facts"),
    "points_patched": ({"q_1": "correct"}, ""),
    "infinite_loop": ({"q_1": "correct", "q_3": "timeout"}, "cell time limit"),
    "slow": ({"q_1": "correct", "q_3": "timeout"}, "notebook took longer"),
    "exits": ({"q_1": "correct", "q_3": "killed"}, "kernel died"),
    "exit_call": ({"q_1": "correct", "q_3": "killed"}, "called exit() (or quit()) in cell 4"),
    "memory_bomb": ({"q_1": "correct", "q_3": "killed"}, "used more than 1500 MB of memory"),
    "big_output": ({"q_1": "correct", "q_3": "correct"}, ""),
    "nbformat3": ({"q_1": "correct"}, ""),
    "alice_meta": ({"q_1": "correct"}, ""),
    "corrupt": ({"*": "error"}, "not valid notebook JSON"),
    "empty": ({"*": "error"}, "the file is empty"),
    "other_exercise": ({"*": "error"}, "unknown exercise"),
}


def notebook(cells: list[str], **meta) -> nbformat.NotebookNode:
    nb = new_notebook(cells=[new_markdown_cell("# Exercise 5")] + [new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["learnkit"] = {"exercise": "deep_learning_intro.ex5", **meta}
    return nb


def write_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, cells in CASES.items():
        paths[name] = folder / f"{name}.ipynb"
        nbformat.write(notebook(cells), paths[name])
    # a wrong model whose saved outputs were edited to show success
    nb = notebook([SETUP, Q1_WRONG])
    nb.cells[2].execution_count = 2
    nb.cells[2].outputs = [new_output("stream", name="stdout", text="Correct! Two 30% Dropout layers follow.\n")]
    nb.metadata["learnkit"]["progress"] = {"q_1": "correct"}
    paths["edited_outputs"] = folder / "edited_outputs.ipynb"
    nbformat.write(nb, paths["edited_outputs"])
    # student id from metadata
    paths["alice_meta"] = folder / "submission_0042.ipynb"
    nbformat.write(notebook([SETUP, Q1_OK], student="alice"), paths["alice_meta"])
    # nbformat 3: worksheets
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": "ex5"},
          "worksheets": [{"cells": [{"cell_type": "code", "input": c, "language": "python", "outputs": [],
                                     "metadata": {}} for c in (SETUP, Q1_OK)], "metadata": {}}]}
    paths["nbformat3"] = folder / "nbformat3.ipynb"
    paths["nbformat3"].write_text(json.dumps(v3))
    paths["corrupt"] = folder / "corrupt.ipynb"
    paths["corrupt"].write_text('{"cells": [ {"cell_type": "code", "source": "x = 1"')
    paths["empty"] = folder / "empty.ipynb"
    paths["empty"].write_text("")
    other = notebook(["from learnkit.core import binder\nbinder.bind(globals())\n"
                      "from checkers.deep_learning_intro.ex9 import *"])
    del other.metadata["learnkit"]
    paths["other_exercise"] = folder / "other_exercise.ipynb"
    nbformat.write(other, paths["other_exercise"])
    return paths
