"""The ex5 course notebook in a real kernel, with a student's variants of its cells.

Each test takes the committed exercise notebook, replaces or adds cells as a student would,
shortens the training (2 epochs), runs it with ``learnkit.runner.run_notebook`` and checks
both what ``q_N.check()`` printed in the cell and the grader's verdict (the best reached over
its passive judging after every cell).
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from learnkit.runner import run_notebook
from grading_fixtures.crafted import Q1_OK, Q3_OK  # noqa: E402
from repo import ROOT  # noqa: E402

pytestmark = pytest.mark.slow

EXERCISE = ROOT / "notebooks" / "deep_learning_intro" / "ex5.ipynb"



def with_shape(source: str, shape: str) -> str:
    """A crafted answer (tests/support/grading_fixtures) with another ``input_shape=``."""
    return re.sub(r"input_shape=\[\d+\]", f"input_shape={shape}", source)


# the cells of the exercise notebook, found by what they contain
CELLS = {"q_1": "q_1.check()", "fit_spotify": "epochs=50", "q_2": "q_2.check()", "q_3": "q_3.check()",
         "fit_concrete_bn": "EPOCHS = 100", "q_4": "q_4.check()"}


def student_notebook(replace: dict | None = None, after: dict | None = None) -> nbformat.NotebookNode:
    """The exercise notebook with cells replaced ({cell: source}) and cells added ({cell: [sources]})."""
    nb = nbformat.read(EXERCISE, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    found = {}
    for key, marker in CELLS.items():
        hits = [c for c in code if marker in c.source]
        assert len(hits) == 1, (key, len(hits))
        found[key] = hits[0]
    for key, source in (replace or {}).items():
        found[key].source = source
    for key, sources in (after or {}).items():
        i = nb.cells.index(found[key])
        nb.cells[i + 1:i + 1] = [nbformat.v4.new_code_cell(s) for s in sources]
    for cell in nb.cells:  # 2 epochs: the checks look at the models, not at how well they trained
        if cell.cell_type == "code":
            cell.source = re.sub(r"epochs=(50|100)\b", "epochs=2", cell.source).replace("EPOCHS = 100", "EPOCHS = 2")
    return nb


def run(nb, tmp_path):
    path = tmp_path / "student.ipynb"
    nbformat.write(nb, path)
    result = run_notebook(path, cwd=tmp_path, cell_timeout=300)
    assert result.results, result.reason
    return result


def output_of(result, source_start: str) -> str:
    """The text printed by the (last) cell whose source starts with ``source_start``."""
    cells = [c for c in result.notebook.cells if c.cell_type == "code" and c.source.startswith(source_start)]
    assert cells, source_start
    return "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cells[-1].outputs)


def statuses(result) -> dict:
    return {q: r.status.value for q, r in result.results.items()}


def test_models_built_for_other_data_are_incorrect_when_asked_and_for_the_grader(tmp_path):
    q1_17 = with_shape(Q1_OK, "[17]")
    q3_18 = with_shape(Q3_OK, "[18]")
    q1_rerun = "# q_1's cell run again after the Concrete data\n" + with_shape(Q1_OK, "input_shape")
    result = run(student_notebook(replace={"q_1": q1_17, "q_3": q3_18}, after={"q_4": [q1_rerun]}), tmp_path)
    text = output_of(result, "model = keras.Sequential([\n    layers.Dense(128, activation='relu', input_shape=[17])")
    assert "Incorrect" in text and "Not attempted" not in text, text
    assert "Your model takes 17 inputs; this question's data has 18 features (`input_shape=[18]`" in text, text
    text = output_of(result, "model = keras.Sequential([\n    layers.BatchNormalization(input_shape=[18])")
    assert "Incorrect" in text and "Your model takes 18 inputs; this question's data has 8 features" in text, text
    text = output_of(result, "# q_1's cell run again")
    assert "Incorrect" in text and "Your model takes 8 inputs; this question's data has 18 features" in text, text
    assert statuses(result) == {"q_1": "incorrect", "q_2": "unattempted", "q_3": "incorrect", "q_4": "unattempted"}


def test_a_model_without_bias_is_not_credited(tmp_path):
    q1 = with_shape(Q1_OK, "input_shape").replace("input_shape=input_shape)", "input_shape=input_shape, "
                                                                                         "use_bias=False)")
    q3 = with_shape(Q3_OK, "input_shape").replace("BatchNormalization(input_shape=input_shape)",
                                                         "BatchNormalization(input_shape=input_shape, center=False)")
    result = run(student_notebook(replace={"q_1": q1, "q_3": q3}), tmp_path)
    text = output_of(result, "model = keras.Sequential([\n    layers.Dense(128, activation='relu', "
                             "input_shape=input_shape, use_bias=False)")
    assert "Incorrect" in text, text
    assert "Layer 1 (Dense(128, relu)) has 2,304 parameters; it should have 2,432" in text, text
    text = output_of(result, "model = keras.Sequential([\n    layers.BatchNormalization(input_shape=input_shape, "
                             "center")
    assert "Incorrect" in text and "Layer 1 (BatchNormalization) has 24 parameters; it should have 32" in text, text
    assert statuses(result)["q_1"] == "incorrect" and statuses(result)["q_3"] == "incorrect"


FIT_SPOTIFY = """model.compile(optimizer='adam', loss='mae')
history = model.fit(X_train, y_train, validation_data=(X_valid, y_valid), batch_size=512, epochs=2, verbose=0)"""


def test_every_form_of_history_is_judged_by_the_same_rule(tmp_path):
    q1_fixed = "# the dropout model after all\n" + with_shape(Q1_OK, "input_shape")
    made_up = "history = {'loss': [30.0, 20.0], 'val_loss': [30.0, 25.0]}\nq_4.check()"
    nb = student_notebook(after={
        "fit_spotify": ["history = history.history  # a run of exercise 4's model, without dropout\nq_2.check()"],
        "q_2": [q1_fixed, FIT_SPOTIFY, "history = pd.DataFrame(history.history)\nq_2.check()"],
        "fit_concrete_bn": ["history = history.history  # q_3's model is still the plain one\nq_4.check()"],
        "q_4": [made_up]})
    result = run(nb, tmp_path)
    text = output_of(result, "history = history.history  # a run of exercise 4's model")
    assert "Not attempted" in text and "does not come from the dropout model of question 1" in text, text
    assert "Solution" not in text
    text = output_of(result, "history = pd.DataFrame(history.history)")
    assert "Solution" in text and "Your curves" in text, text
    text = output_of(result, "history = history.history  # q_3's model")
    assert "Not attempted" in text and "batch-normalized model of question 3" in text, text
    text = output_of(result, "history = {'loss'")
    assert "Incorrect" in text and "does not say which model was trained" in text, text
    assert statuses(result) == {"q_1": "correct", "q_2": "correct", "q_3": "unattempted", "q_4": "unattempted"}
