"""The Gradescope autograder zip (learnkit.grading.autograder), built and run end to end locally:
unzipped to a temp folder, its ``run_autograder`` run with the paths set to temp folders and
learnkit importable from this checkout (instead of setup.sh's install), in the sandbox, on a
correct and a wrong submission of nn_from_scratch.ex1 (a numpy exercise: a few seconds each)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import nbformat
import pytest

from learnkit.runner import sandbox
from repo import ROOT, LMS  # noqa: E402

SCHEMA = json.loads((LMS / "gradescope_results.schema.json").read_text())
SOLUTION = ROOT / "notebooks" / "nn_from_scratch" / "ex1_solution.ipynb"
ANSWER = "output = (hidden_layer_outputs * weights['output']).sum()"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sandbox.available(), reason=f"no sandbox here: {sandbox.check()[1]}")]


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "learnkit.cli", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gradescope")
    r = _cli("gradescope", "autograder", "nn_from_scratch.ex1", "--out", str(tmp / "autograder.zip"),
             "--pip", "learnkit==0.1.0", "--cell-timeout", "60", "--timeout", "300")
    assert r.returncode == 0, r.stdout + r.stderr
    with zipfile.ZipFile(tmp / "autograder.zip") as z:
        assert sorted(z.namelist()) == ["learnkit-autograder.json", "run_autograder", "setup.sh"]
        assert (z.getinfo("run_autograder").external_attr >> 16) & 0o111  # executable
        z.extractall(tmp / "source")
    assert "pip3 install learnkit==0.1.0" in (tmp / "source" / "setup.sh").read_text()
    return tmp


def _submit(autograder: Path, name: str, nb) -> dict:
    sub, results = autograder / name / "submission", autograder / name / "results" / "results.json"
    sub.mkdir(parents=True)
    if nb is not None:
        nbformat.write(nb, sub / "ex1.ipynb")
    r = subprocess.run(["bash", str(autograder / "source" / "run_autograder")], capture_output=True, text=True,
                       timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT), "LEARNKIT_PYTHON": sys.executable,
                                         "LEARNKIT_AUTOGRADER_SOURCE": str(autograder / "source"),
                                         "LEARNKIT_SUBMISSION": str(sub), "LEARNKIT_RESULTS": str(results),
                                         "LEARNKIT_SANDBOX": "yes"})
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(results.read_text())
    jsonschema.validate(data, SCHEMA)
    return data


def test_a_correct_submission_gets_every_point(autograder):
    data = _submit(autograder, "correct", nbformat.read(SOLUTION, as_version=4))
    assert data["score"] == 8 and len(data["tests"]) == 8
    assert all(t["status"] == "passed" for t in data["tests"])
    assert "NOT SANDBOXED" not in data["output"]


def test_a_wrong_submission_loses_the_question_it_got_wrong(autograder):
    nb = nbformat.read(SOLUTION, as_version=4)
    cell = next(c for c in nb.cells if ANSWER in c.source)
    cell.source = cell.source.replace(ANSWER, "output = 39")
    data = _submit(autograder, "wrong", nb)
    assert data["score"] == 7
    failed = [t for t in data["tests"] if t["status"] == "failed"]
    assert [t["name"] for t in failed] == ["q_1"] and "`output`" in failed[0]["output"]


def test_an_empty_submission_gets_zero_and_says_why(autograder):
    data = _submit(autograder, "empty", None)
    assert data["score"] == 0 and "No notebook" in data["output"]
