"""An instructor's week on a real graded class (real kernels, the `learnkit` command as typed):
roster, manifest times, a deadline with an extension, duplicates, a notebook claiming to be a
classmate, odd file names, a copied answer, a solution viewed, an override, a resubmission A/B/A,
and a second grader on the same folder."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pytest

from grading_fixtures.crafted import (FIT_CONCRETE, FIT_SPOTIFY, Q1_OK, Q1_STARTER, Q1_WRONG, Q3_OK,  # noqa: E402
                                      SETUP, notebook)

OWN = """ratio = history.history['val_loss'][-1] / history.history['loss'][-1]
gap = [v - t for t, v in zip(history.history['loss'], history.history['val_loss'])]
print('overfitting ratio', round(ratio, 3), 'largest gap', max(gap), 'after', len(gap), 'epochs')"""
ANN = [SETUP, "q_1.solution()", Q1_OK, FIT_SPOTIFY, OWN, Q3_OK, FIT_CONCRETE]
CYD = [SETUP, Q1_OK, FIT_SPOTIFY, OWN.replace("ratio", "r").replace("gap", "differences") + "  # mine",
       Q3_OK, FIT_CONCRETE, "print('my own extra cell, all mine', 1 + 2 + 3)"]


def _cli(*args, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "learnkit.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "COLUMNS": "100"})


def _totals(out: Path) -> dict[str, dict]:
    with open(out / "totals.csv", newline="", encoding="utf-8") as f:
        return {r["student"]: r for r in csv.DictReader(f)}


def _write(path: Path, cells, **meta) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook(cells, **meta), path)


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    root = tmp_path_factory.mktemp("week")
    subs, out = root / "subs", root / "out"
    _write(subs / "ann.ipynb", ANN)
    _write(subs / "bob.ipynb", [SETUP, Q1_WRONG], student="ann")     # claims to be ann
    _write(subs / "cyd.ipynb", [SETUP, Q1_STARTER])                  # cyd's first try ...
    os.utime(subs / "cyd.ipynb", (1_700_000_000, 1_700_000_000))
    _write(subs / "cyd" / "ex5.ipynb", CYD)                          # ... and her newer one (ann's answers)
    on_time = datetime(2026, 12, 1, 12, tzinfo=timezone.utc).timestamp()
    os.utime(subs / "cyd" / "ex5.ipynb", (on_time, on_time))
    _write(subs / "=1+1.ipynb", [SETUP, Q1_STARTER])
    latin1 = Path(os.fsdecode(bytes(subs) + b"/d\xe9.ipynb"))      # a name that is not UTF-8
    _write(latin1, [SETUP, Q1_STARTER])
    (root / "roster.csv").write_text("id,name,email\nann,Ann A,ann@x.edu\nbob,Bob B,\ncyd,Cyd C,\neve,Eve E,\n")
    (root / "times.csv").write_text("file,submitted\nann.ipynb,2026-12-02T10:00:00+00:00\n"
                                    "bob.ipynb,2026-12-03T10:00:00+00:00\n")
    (root / "ext.csv").write_text("student,due\nbob,2026-12-05T00:00:00+00:00\n")
    policy = ["--roster", root / "roster.csv", "--manifest", root / "times.csv", "--due", "2026-12-01T23:59+00:00",
              "--late-penalty", "10", "--extensions", root / "ext.csv"]
    first = _cli("grade", subs, "--out", out, "--workers", "2", *policy)
    return {"root": root, "subs": subs, "out": out, "first": first, "policy": policy}


@pytest.mark.slow
@pytest.mark.xdist_group("instructor")
def test_the_class_is_graded_with_its_rules(week):
    first, out = week["first"], week["out"]
    assert first.returncode == 0, first.stdout + first.stderr
    t = _totals(out)
    assert set(t) == {"ann", "bob", "cyd", "'=1+1", "d\\xe9", "eve"}, t.keys()
    ann = t["ann"]
    assert (float(ann["points"]), ann["late_penalty_percent"], ann["days_late"]) == (3.6, "10.0", "1")
    assert ann["submitted_source"] == "manifest" and ann["name"] == "Ann A"
    assert ann["solutions_viewed"] == "q_1"
    assert "near-identical to cyd's" in ann["similar"] or "identical to cyd's" in ann["similar"], ann
    bob = t["bob"]
    assert bob["late_penalty_percent"] == "0.0" and "metadata names 'ann'" in bob["flags"]  # extension: on time
    cyd = t["cyd"]
    assert cyd["submission"].endswith("cyd/ex5.ipynb") and cyd["duplicates"] == "cyd.ipynb"
    assert cyd["identified_by"] == "roster (folder name)" and float(cyd["points"]) == 4
    assert cyd["submitted_source"] == "file mtime"
    assert t["eve"]["run"] == "missing"
    assert "not on the roster" in t["'=1+1"]["flags"]
    text = first.stdout
    for words in ("2 submissions for cyd", "metadata names 'ann'", "on the roster, no submission: eve",
                  "not on the roster", "solution viewed before correct: q_1", "1 day late"):
        assert words in text, (words, text)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "On the roster, no submission" in index and "Flagged submissions" in index


@pytest.mark.slow
@pytest.mark.xdist_group("instructor")
def test_override_then_resubmission_a_b_a_and_a_second_grader(week):
    from learnkit.grading.preflight import output_lock
    subs, out, policy = week["subs"], week["out"], week["policy"]
    r = _cli("override", out, "bob", "q_1", "0.5", "--comment", "Dropout rate typo only", "--by", "ta")
    assert r.returncode == 0, r.stdout + r.stderr
    assert float(_totals(out)["bob"]["points"]) == 0.5
    page = next((out / "feedback").glob("bob__*.html")).read_text(encoding="utf-8")
    assert "Dropout rate typo only" in page

    a = (subs / "ann.ipynb").read_bytes()
    _write(subs / "ann.ipynb", [SETUP, Q1_WRONG])  # B
    b = _cli("grade", subs, "--out", out, "--workers", "2", *policy)
    assert b.returncode == 0 and "graded 1 submission" in b.stdout, b.stdout + b.stderr
    assert float(_totals(out)["ann"]["auto_points"]) == 0
    (subs / "ann.ipynb").write_bytes(a)  # A again: already graded, nothing runs, A's grade is back
    again = _cli("grade", subs, "--out", out, *policy)
    assert again.returncode == 0 and "graded 0 submission" in again.stdout, again.stdout
    assert float(_totals(out)["ann"]["auto_points"]) == 4
    assert float(_totals(out)["bob"]["points"]) == 0.5  # the override survived the batches

    with output_lock(out):
        busy = _cli("grade", subs, "--out", out)
    assert busy.returncode == 2 and "being graded by another" in busy.stdout, busy.stdout + busy.stderr
    data = _cli("export", out, "--format", "json")
    assert data.returncode == 0
    grades = json.loads((out / "grades.json").read_text())
    assert grades["late_policy"].startswith("due 2026-12-01 23:59") and grades["similarity"]
