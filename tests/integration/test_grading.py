"""`learnkit grade`: one batch of crafted submissions graded once with 2 workers, one test per case.

The batch runs real kernels (~2-3 minutes on 2 cores). It is graded once per test session even
with plain ``-n 2`` (a file lock shares it between xdist workers); tests read its gradebook.
"""
from __future__ import annotations

import csv
import fcntl
import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from grading_fixtures.crafted import EXPECTED, notebook, write_all, SETUP, Q1_OK  # noqa: E402

from learnkit.grading.exports import CSV_COLUMNS  # noqa: E402
from learnkit.grading.gradebook import Gradebook  # noqa: E402
from learnkit.grading.grade import BatchProblem, Options, find_submissions, grade, inspect  # noqa: E402
from learnkit.runner.limits import KernelWatch, _alive  # noqa: E402
from learnkit.runner.verdicts import judge_facts  # noqa: E402
from repo import ROOT  # noqa: E402

LIMITS = dict(workers=2, cell_timeout=45, timeout=100, memory_mb=1500, max_output_mb=5)
KERNEL_CASES = [c for c in EXPECTED if c not in ("corrupt", "empty", "other_exercise")]


def _shared_dir(tmp_path_factory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "learnkit-grading-batch"


def _grade_batch(folder: Path) -> None:
    paths = write_all(folder / "subs")
    first = [paths["slow"], paths["infinite_loop"]]  # the long ones start first
    order = first + [p for p in paths.values() if p not in first]
    me, peak, stop = psutil.Process(), [0], threading.Event()
    base = me.memory_info().rss

    def sample():
        while not stop.wait(0.02):
            peak[0] = max(peak[0], me.memory_info().rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    done = []

    def on_done(outcome):  # stop measuring once every notebook is graded (the reports import matplotlib)
        done.append(outcome)
        if len(done) == len(order):
            stop.set()

    t0 = time.monotonic()
    batch = grade(order, folder / "out", Options(**LIMITS), console=False, on_done=on_done)
    stop.set()
    time.sleep(1.5)  # kernels forked by the prepared-kernel server exit within a second of it
    kernels_left = [p.pid for p in me.children(recursive=True)
                    if any(k in " ".join(p.cmdline()) for k in ("ipykernel", "forkserver"))]
    stats = {"peak_growth_mb": (peak[0] - base) / 2**20, "wall": time.monotonic() - t0,
             "paths": {k: str(p) for k, p in paths.items()}, "report": str(batch.report or ""),
             "kernels_left": kernels_left,
             "outcomes": {o.submission.path.name: {"truncated": o.truncated, "status": o.status}
                          for o in batch.outcomes}}
    (folder / "stats.json").write_text(json.dumps(stats))


@pytest.fixture(scope="session")
def batch(tmp_path_factory):
    folder = _shared_dir(tmp_path_factory)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / "learnkit-grading-batch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker grades; the others wait and read
        if not (folder / "stats.json").exists():
            _grade_batch(folder)
    stats = json.loads((folder / "stats.json").read_text())
    out = folder / "out"
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_path = {}
    for r in rows:
        by_path.setdefault(r["submission"], {})[r["question"]] = r
    gb = Gradebook(out / "gradebook.sqlite")
    runs = {r["path"]: dict(r) for r in gb.current_runs()}
    histories = {path: gb.histories(run["id"]) for path, run in runs.items()}
    gb.close()
    return SimpleNamespace(out=out, stats=stats, rows=rows, by_path=by_path, runs=runs, histories=histories,
                           paths={k: Path(v) for k, v in stats["paths"].items()})


def _case(batch, case):
    path = str(batch.paths[case].resolve())
    return batch.by_path[path], batch.runs[path]


@pytest.mark.parametrize("case", list(EXPECTED))
@pytest.mark.slow
@pytest.mark.xdist_group("grading")
def test_case_gets_the_right_status(batch, case):
    expected, text = EXPECTED[case]
    rows, run = _case(batch, case)
    got = {q: r["status"] for q, r in rows.items()}
    assert {q: got.get(q) for q in expected} == expected, (got, run["reason"])
    if text:
        assert text in run["reason"] or any(text in r["message"] for r in rows.values()), (run["reason"], rows)
    for r in rows.values():  # clear one-line messages, never a traceback
        assert r["message"] and "\n" not in r["message"] and "Traceback" not in r["message"]
        assert float(r["points"]) == (float(r["max_points"]) if r["status"] == "correct" else 0.0)


@pytest.mark.slow
@pytest.mark.xdist_group("grading")
def test_every_submission_is_in_the_gradebook_once(batch):
    assert list(batch.rows[0]) == CSV_COLUMNS
    assert len(batch.runs) == len(EXPECTED)
    assert len(batch.rows) == 4 * len(KERNEL_CASES) + 3  # three unreadable files: one "*" row each
    keys = [(r["submission"], r["question"]) for r in batch.rows]
    assert len(keys) == len(set(keys))
    assert (batch.out / "totals.csv").is_file()


@pytest.mark.slow
@pytest.mark.xdist_group("grading")
def test_failed_runs_say_why(batch):
    reasons = {case: _case(batch, case)[1] for case in ("infinite_loop", "slow", "exits", "exit_call", "memory_bomb")}
    assert {c: r["status"] for c, r in reasons.items()} == {
        "infinite_loop": "timeout", "slow": "timeout", "exits": "killed", "exit_call": "killed", "memory_bomb": "killed"}
    # cells counted from 1 over the submitted notebook (its markdown title is cell 1)
    assert reasons["infinite_loop"]["reason"] == "cell 4 ran longer than the cell time limit of 45 s"
    assert reasons["exits"]["reason"] == "the kernel died in cell 4 (the notebook crashed or exited)"
    assert reasons["exit_call"]["reason"] == ("the notebook called exit() (or quit()) in cell 4; "
                                              "cells after it did not run")
    assert reasons["slow"]["reason"].startswith("the notebook took longer than its time limit of 100 s")
    assert reasons["memory_bomb"]["reason"] == "used more than 1500 MB of memory"
    rows, _ = _case(batch, "memory_bomb")
    assert rows["q_3"]["message"] == "used more than 1500 MB of memory"


@pytest.mark.slow
@pytest.mark.xdist_group("grading")
def test_nothing_the_kernel_changes_reaches_the_grade(batch):
    """Patched learnkit code, checker specs, problem attributes, points, the module the facts are written
    with, forged lines in the facts file: the grader judges with its own checker, so each notebook gets
    what its objects earn (the untouched starter nothing) and every question keeps its own points."""
    for case in ("tamper_spec", "tamper_spec_list", "tamper_problem", "tamper_writer", "forged_facts"):
        rows, run = _case(batch, case)
        assert all(float(r["points"]) == 0 for r in rows.values()), (case, rows)
        assert [float(r["max_points"]) for r in rows.values()] == [1.0] * 4, (case, rows)
    rows, _run = _case(batch, "points_patched")
    assert (rows["q_1"]["status"], float(rows["q_1"]["points"]), float(rows["q_1"]["max_points"])) == ("correct", 1, 1)
    with open(batch.out / "totals.csv", newline="", encoding="utf-8") as f:
        totals = list(csv.DictReader(f))
    assert max(float(t["max_points"]) for t in totals) == 4.0
    assert max(float(t["points"]) for t in totals) <= 4.0


@pytest.mark.slow
@pytest.mark.xdist_group("grading")
def test_student_id_from_the_file_name_and_the_metadata_claim_kept(batch):
    """The notebook's metadata is the student's own claim: the file name decides (with a roster,
    see tests/*/test_instructor*.py), the claim is kept and flagged."""
    rows, run = _case(batch, "alice_meta")
    assert (run["student"], run["claimed"], run["identified_by"]) == ("submission_0042", "alice", "file name")
    assert _case(batch, "correct")[1]["student"] == "correct"


@pytest.mark.slow
@pytest.mark.xdist_group("grading")
def test_saved_outputs_are_cleared_before_running(batch):
    executed = list((batch.out / "executed").glob("edited_outputs-*.ipynb"))
    assert len(executed) == 1
    assert "Two 30% Dropout layers follow" not in executed[0].read_text()
    assert "Correct" not in json.dumps(batch.by_path[str(batch.paths["edited_outputs"].resolve())]["q_1"])


@pytest.mark.slow
@pytest.mark.xdist_group("grading")
def test_huge_output_is_truncated_and_grader_memory_bounded(batch):
    assert batch.stats["outcomes"]["big_output.ipynb"] == {"truncated": True, "status": "ok"}
    executed = next((batch.out / "executed").glob("big_output-*.ipynb"))
    assert executed.stat().st_size < 6e6
    assert executed.read_text().count("[learnkit: output truncated") == 1
    assert batch.stats["peak_growth_mb"] < 200, batch.stats["peak_growth_mb"]  # keeping 100 MB: ~290


@pytest.mark.slow
@pytest.mark.xdist_group("grading")
def test_learning_curves_are_stored_as_artifacts(batch):
    correct = batch.histories[str(batch.paths["correct"].resolve())]
    assert [h["layers"] for h in correct] == [
        ["Dense", "Dropout", "Dense", "Dropout", "Dense"], ["BatchNormalization", "Dense"] * 4]
    assert [h["input_shape"] for h in correct] == [[18], [8]]
    assert all(h["name"] == "history" and len(h["history"]["val_loss"]) == 3 for h in correct)
    wrong = batch.histories[str(batch.paths["wrong"].resolve())]
    assert len(wrong) == 1
    assert wrong[0]["history"]["loss"] == [None, None]  # inf (a target of inf) is stored as null
    val = wrong[0]["history"]["val_loss"]
    assert len(val) == 2 and all(isinstance(v, float) and math.isfinite(v) for v in val)  # finite values kept


@pytest.mark.slow
@pytest.mark.xdist_group("grading")
def test_no_kernel_outlives_the_batch(batch):
    assert batch.stats["kernels_left"] == []


@pytest.mark.slow
@pytest.mark.xdist_group("grading")
def test_reports_are_written_when_the_report_module_exists(batch):
    try:
        import learnkit.grading.report  # noqa: F401
    except ImportError:
        pytest.skip("no report module")
    assert Path(batch.stats["report"]).is_file()


# -- no kernels ----------------------------------------------------------------------------------

def test_unreadable_files_become_error_rows(tmp_path):
    paths = write_all(tmp_path / "all")
    subs = [paths[k] for k in ("corrupt", "empty", "other_exercise")]
    with pytest.raises(BatchProblem, match="no such file or folder: .*missing.ipynb"):  # not a made-up student
        grade(subs + [tmp_path / "missing.ipynb"], tmp_path / "out", Options(workers=2), console=False)
    assert not (tmp_path / "out" / "gradebook.sqlite").exists()
    batch = grade(subs, tmp_path / "out", Options(workers=2), console=False)
    reasons = {o.submission.path.name: o.reason for o in batch.outcomes}
    assert reasons["empty.ipynb"] == "cannot read notebook: the file is empty"
    assert reasons["corrupt.ipynb"].startswith("cannot read notebook: the file is not valid notebook JSON")
    assert reasons["other_exercise.ipynb"].startswith("unknown exercise 'deep_learning_intro.ex9'")
    rows = list(csv.DictReader(open(tmp_path / "out" / "grades.csv", encoding="utf-8")))
    assert [(r["question"], r["status"]) for r in rows] == [("*", "error")] * 3
    again = grade(subs, tmp_path / "out", Options(workers=2), console=False)
    assert len(again.skipped) == 3 and not again.outcomes


def test_exercise_ids_from_metadata_are_validated(tmp_path):
    nb = notebook([SETUP, Q1_OK])
    nb.metadata["learnkit"]["exercise"] = "os.path"
    import nbformat
    nbformat.write(nb, tmp_path / "x.ipynb")
    assert inspect(tmp_path / "x.ipynb").problem.startswith("unknown exercise 'os.path'")


def test_find_submissions_skips_checkpoints_and_the_output_folder(tmp_path):
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("{}")
    (tmp_path / "out" / "executed").mkdir(parents=True)
    (tmp_path / "out" / "executed" / "a-123.ipynb").write_text("{}")
    (tmp_path / "b.txt").write_text("")
    found = find_submissions([tmp_path, tmp_path / "a.ipynb", tmp_path / "b.txt"], exclude=tmp_path / "out")
    assert found == [(tmp_path / "a.ipynb").resolve(), (tmp_path / "b.txt").resolve()]


def test_memory_watch_kills_the_whole_process_tree(monkeypatch):
    """The parent exits 0 the moment its child dies, so it must be frozen or killed before the child:
    the first signal the watch sends goes to the parent, and the parent ends by SIGKILL."""
    hog = "import numpy as np, time; a = np.ones(400 * 2**20 // 8); time.sleep(60)"
    spawn = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {hog!r}]); sys.exit(0)"
    sent: list[tuple[int, int]] = []
    real_kill = os.kill

    def recording_kill(pid, sig):  # psutil signals through os.kill
        sent.append((pid, sig))
        return real_kill(pid, sig)

    parent = subprocess.Popen([sys.executable, "-c", spawn])
    monkeypatch.setattr(os, "kill", recording_kill)
    watch = KernelWatch(200, interval=0.05).watch(parent.pid)
    try:
        assert parent.wait(timeout=30) == -signal.SIGKILL  # killed, never exited on its own
        watch._thread.join(timeout=5)
        assert watch.reason == "used more than 200 MB of memory"
        assert watch.peak_mb > 200
        assert sent and sent[0][0] == parent.pid, sent  # parent first: it cannot see its child die
        children = {pid for pid, _ in sent} - {parent.pid}
        assert len(children) == 1 and (children.pop(), signal.SIGKILL) in sent, sent
        deadline = time.monotonic() + 10
        while [p for p in watch._procs if _alive(p)] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [p for p in watch._procs if _alive(p)]
    finally:
        monkeypatch.undo()
        watch.stop()
        if parent.poll() is None:
            parent.kill()


def test_learning_curve_artifacts_come_from_the_reported_facts_and_are_json_safe(tmp_path):
    from learnkit.core import facts
    from learnkit.core.exercise import load_exercise
    from learnkit.keras.facts import LayerFacts, ModelFacts
    from learnkit.keras.history_log import SeenHistory

    seen = [SeenHistory(0, "history", {"loss": [1.0, float("nan"), float("inf")], "lr": "junk"}, {},
                        ModelFacts("Sequential", (LayerFacts(1, "Dense", "dense"), LayerFacts(2, "Dense", "dense_1")),
                                   (18,), 10, 10, 0, True), 3),
            SeenHistory(1, "model.history", {"loss": [0.5]}, {}, None, 1)]
    path = tmp_path / "facts.jsonl"
    lines = [{"cell": 1, "facts": {}, "context": {"keras.histories": facts.Encoder()(seen)}},
             {"cell": 2, "context": {"keras.histories": {"$t": "list", "v": [{"$t": "pickle"}]}}}]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines[:1]))
    out = judge_facts(path, load_exercise("deep_learning_intro.ex5")).histories
    assert out == [{"name": "history", "history": {"loss": [1.0, None, None]}, "layers": ["Dense", "Dense"],
                    "input_shape": [18]},
                   {"name": "model.history", "history": {"loss": [0.5]}, "layers": [], "input_shape": None}]
    json.dumps(out, allow_nan=False)
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))  # a malformed context: no curves, a reason
    judged = judge_facts(path, load_exercise("deep_learning_intro.ex5"))
    assert judged.histories == [] and any("malformed" in p for p in judged.problems)


def test_export_command_writes_csv_and_json(tmp_path):
    from typer.testing import CliRunner

    from learnkit.cli import app
    gb = Gradebook(tmp_path / "gradebook.sqlite")
    sid = gb.submission("/x/a.ipynb", "abc", "ann", "deep_learning_intro.ex5")
    gb.finish_run(gb.start_run(sid), "ok", "", 1.0, [
        {"question": "q_1", "status": "correct", "points": 1, "max_points": 1, "message": "Correct!"}])
    gb.close()
    runner = CliRunner()
    assert runner.invoke(app, ["export", str(tmp_path), "--format", "json"]).exit_code == 0
    data = json.loads((tmp_path / "grades.json").read_text())
    assert data["grades"][0]["student"] == "ann" and data["totals"][0]["points"] == 1
    assert runner.invoke(app, ["export", str(tmp_path)]).exit_code == 0
    assert (tmp_path / "grades.csv").read_text().splitlines()[0] == ",".join(CSV_COLUMNS)
    bad = runner.invoke(app, ["export", str(tmp_path / "nowhere")])
    assert bad.exit_code == 2 and "no gradebook" in bad.output


# -- the course data cannot be loaded in the kernels ----------------------------------------------

EX5_SOLUTION = ROOT / "notebooks" / "deep_learning_intro" / "ex5_solution.ipynb"


@pytest.mark.slow
@pytest.mark.parametrize("data", ["empty", "corrupted"])
def test_course_data_that_cannot_be_loaded_makes_the_run_an_error_not_unattempted(tmp_path, monkeypatch, data):
    """A wrong --data-dir used to leave every question "unattempted" in an "ok" run: 0 points, as if the
    student had done nothing. The data cell (cell 4) raises DatasetNotFound / DatasetChecksumError."""
    folder = tmp_path / "data"
    folder.mkdir()
    if data == "corrupted":  # not the course's file: its sha256 does not match
        (folder / "spotify.csv").write_text("track_id,track_name,track_popularity\n6f807x0ima9a1j3VPbc3,x,66\n")
    monkeypatch.delenv("LEARNKIT_DATA", raising=False)
    monkeypatch.setenv("LEARNKIT_DOWNLOAD", "0")  # never fetch it from the network instead
    monkeypatch.setenv("LEARNKIT_CACHE", str(tmp_path / "cache"))  # nor find it in a user cache
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ex5_solution.ipynb").write_bytes(EX5_SOLUTION.read_bytes())
    opts = Options(workers=1, cell_timeout=60, timeout=120, data_dir=str(folder))
    with pytest.raises(BatchProblem, match="needs spotify.csv"):  # a batch refuses before any kernel starts ...
        grade([subs], tmp_path / "out", opts, console=False)
    # ... and a kernel that still meets it (data gone mid-batch, a Dask worker's own folder) says so
    from learnkit.grading.kernels import execute
    o, _nb = execute(inspect((subs / "ex5_solution.ipynb").resolve()), opts)
    ename = {"empty": "spotify.csv was not found", "corrupted": "spotify.csv at "}[data]
    assert o.status == "error", (o.status, o.reason)
    assert o.reason.startswith(f"the course data could not be loaded in cell 4: {ename}"), o.reason
    assert "\n" not in o.reason and len(o.reason) < 300
    assert len(o.results) == 4 and {r["status"] for r in o.results} == {"error"}, o.results  # none "unattempted"
    assert {r["message"] for r in o.results} == {o.reason}
