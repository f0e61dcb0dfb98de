"""Canvas and Gradescope exports (learnkit.grading.canvas, learnkit.grading.gradescope): from a
gradebook written through its own API, no kernels. The Canvas file is compared byte for byte with
tests/support/lms/canvas_golden.csv; every results.json is validated against
tests/support/lms/gradescope_results.schema.json (written from Gradescope's autograder specification)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from learnkit.grading.canvas import CanvasProblem, canvas_grades
from learnkit.grading.exports import export
from learnkit.grading.gradebook import Gradebook
from learnkit.grading.roster import Roster
from learnkit.grading.standing import standing
from repo import ROOT, LMS  # noqa: E402

HERE = LMS
EX = "deep_learning_intro.ex5"


def _run(gb, path, student, results, status="ok", reason="", exercise=EX, duration=12.5):
    sid = gb.submission(path, f"sha-{student}-{path}", student, exercise, submitted=1_700_000_000.0,
                        submitted_source="manifest")
    run = gb.start_run(sid)
    gb.finish_run(run, status, reason, duration, results, sandboxed=True)


def q(name, status, points, worth, message=""):
    return {"question": name, "status": status, "points": points, "max_points": worth, "message": message}


@pytest.fixture
def out(tmp_path):
    with Gradebook(tmp_path / "gradebook.sqlite") as gb:
        _run(gb, "subs/doejane_12345_1_ex5.ipynb", "12345",
             [q("q_1", "correct", 1, 1, "Correct!"), q("q_2", "incorrect", 0, 2, "`model` has 2 layers")])
        _run(gb, "subs/smithjohn_12346_2_ex5.ipynb", "12346",
             [q("q_1", "correct", 1, 1, "Correct!"),
              q("q_2", "timeout", 0, 2, "cell 7 ran longer than the cell time limit of 60 s")],
             status="timeout", reason="cell 7 ran longer than the cell time limit of 60 s")
        _run(gb, "subs/zed.ipynb", "zed", [q("q_1", "correct", 1, 1), q("q_2", "correct", 2, 2)])
        gb.set_override("12345", EX, "q_2", 1.5, "right idea, wrong rate", "prof",
                        "sha-12345-subs/doejane_12345_1_ex5.ipynb")
    return tmp_path


def _cli(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "learnkit.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_canvas_csv_matches_the_golden_file_with_points_possible_and_the_unmatched_student(out):
    r = _cli("export", str(out), "--format", "canvas", "--roster", str(HERE / "canvas_export.csv"),
             "--assignment", "Ex5 (123)")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (out / "canvas.csv").read_bytes() == (HERE / "canvas_golden.csv").read_bytes()
    assert "1 submission(s) match no student" in r.stdout and "zed" in r.stdout
    unmatched = (out / "canvas-unmatched.csv").read_text().splitlines()
    assert unmatched == ["student,exercise,submission,points,max_points,name", f"zed,{EX},subs/zed.ipynb,3,3,"]


def test_canvas_without_assignment_names_the_column_after_the_exercise(out):
    with Gradebook(out / "gradebook.sqlite") as gb:
        grades = canvas_grades(standing(gb), Roster.read(HERE / "canvas_export.csv"))
    assert grades.columns == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", EX]
    assert grades.rows[0] == ["    Points Possible", "", "", "", "", "3"]
    assert [r[1] for r in grades.rows[1:]] == ["12345", "12346", "12347"]  # the test student is not written
    assert [r[-1] for r in grades.rows[1:]] == ["2.5", "1", "0"]  # override counted; no submission: 0


def test_canvas_refuses_one_assignment_column_for_two_exercises(out):
    with Gradebook(out / "gradebook.sqlite") as gb:
        _run(gb, "subs/doejane_12345_ex4.ipynb", "12345", [q("q_1", "correct", 1, 1)],
             exercise="deep_learning_keras.ex4")
        with pytest.raises(CanvasProblem, match="holds 2 exercises"):
            canvas_grades(standing(gb), Roster.read(HERE / "canvas_export.csv"), "Ex5 (123)")


def test_canvas_needs_a_roster_and_says_so(out):
    r = _cli("export", str(out), "--format", "canvas")
    assert r.returncode == 2 and "--format canvas needs --roster" in r.stdout
    assert not (out / "canvas.csv").exists()


def test_gradescope_results_follow_the_schema_including_a_failed_run(out):
    schema = json.loads((HERE / "gradescope_results.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    r = _cli("export", str(out), "--format", "gradescope")
    assert r.returncode == 0, r.stdout + r.stderr
    files = sorted((out / "gradescope").glob("*/results.json"))
    assert len(files) == 3
    by_student = {}
    for f in files:
        data = json.loads(f.read_text())
        jsonschema.validate(data, schema)
        by_student[f.parent.name.split("-")[0]] = data
    jane, john = by_student["12345"], by_student["12346"]
    assert jane["score"] == 2.5 and [t["score"] for t in jane["tests"]] == [1, 1.5]
    assert [t["max_score"] for t in jane["tests"]] == [1, 2]
    assert "right idea, wrong rate" in jane["tests"][1]["output"]
    assert john["score"] == 1 and john["tests"][1]["status"] == "failed"
    assert "ended 'timeout'" in john["output"] and "cell time limit" in john["tests"][1]["output"]


def test_a_submission_that_could_not_be_graded_gets_valid_results(tmp_path):
    schema = json.loads((HERE / "gradescope_results.schema.json").read_text())
    with Gradebook(tmp_path / "gradebook.sqlite") as gb:
        _run(gb, "subs/empty.ipynb", "empty", [q("*", "error", 0, 0, "the file is empty")], status="error",
             reason="the file is empty")
        paths = export(gb, tmp_path, "gradescope")
    data = json.loads(paths[0].read_text())
    jsonschema.validate(data, schema)
    assert data["score"] == 0 and data["tests"] == [] and "the file is empty" in data["output"]
