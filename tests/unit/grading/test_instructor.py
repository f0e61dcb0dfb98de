"""The instructor's gradebook without kernels: resubmissions, odd names, duplicates, overrides,
lateness, roster, flags, CSV safety, the output lock, the preflight checks and the console table.
(tests/integration/test_instructor_batch.py does the same on a real graded batch.)"""
from __future__ import annotations

import csv
import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest
from rich.console import Console
from typer.testing import CliRunner

from learnkit.cli import app
from learnkit.grading.console import summary_table
from learnkit.grading.exports import export, safe_cell
from learnkit.grading.gradebook import Gradebook
from learnkit.grading.lateness import LatePolicy
from learnkit.grading.preflight import BatchProblem, check_data, output_lock
from learnkit.grading.roster import Roster, Student
from learnkit.grading.standing import save_policy, save_roster, standing
from repo import ROOT  # noqa: E402

EX = "deep_learning_intro.ex5"
EX2 = "deep_learning_keras.ex1"
UTC = timezone.utc


def _results(statuses, solution=None, correct=None):
    return [{"question": q, "status": s, "points": 1.0 if s == "correct" else 0.0, "max_points": 1.0,
             "message": f"{q} {s}", "solution_cell": (solution or {}).get(q), "correct_cell": (correct or {}).get(q)}
            for q, s in statuses.items()]


def _grade(gb, path, sha, student, statuses, exercise=EX, **info):
    sid = gb.submission(path, sha, student, exercise, **info)
    if not gb.is_graded(sid):
        gb.finish_run(gb.start_run(sid), "ok", "", 1.0, _results(statuses, info.pop("solution", None),
                                                                   info.pop("correct", None)), sandboxed=True)
    return sid


ALL = {"q_1": "correct", "q_2": "correct", "q_3": "correct", "q_4": "correct"}
NONE = {"q_1": "incorrect", "q_2": "unattempted", "q_3": "unattempted", "q_4": "unattempted"}


def _totals(folder: Path) -> list[dict]:
    with open(folder / "totals.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _grades(folder: Path) -> list[dict]:
    with open(folder / "grades.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_resubmitting_an_earlier_version_counts_that_version(tmp_path):
    """A, then B, then A again: A is current (it was graded already: no new run, no B grade)."""
    gb = Gradebook(tmp_path / "gradebook.sqlite")
    _grade(gb, "/s/ann.ipynb", "A", "ann", ALL)
    _grade(gb, "/s/ann.ipynb", "B", "ann", NONE)
    assert [r["sha256"] for r in gb.current_runs()] == ["B"]
    sid = _grade(gb, "/s/ann.ipynb", "A", "ann", ALL)
    assert gb.is_graded(sid)
    assert [r["sha256"] for r in gb.current_runs()] == ["A"]
    export(gb, tmp_path)
    assert float(_totals(tmp_path)[0]["points"]) == 4
    gb.close()


def test_file_names_that_are_not_utf8_are_kept_and_exported(tmp_path):
    raw = os.fsdecode(b"/subs/\xff\xfeann\xe9.ipynb")  # what Python gives for a Latin-1 name
    gb = Gradebook(tmp_path / "gradebook.sqlite")
    _grade(gb, raw, "A", Path(raw).stem, ALL)
    export(gb, tmp_path)
    rows = _totals(tmp_path)
    assert rows[0]["submission"] == "/subs/\\xff\\xfeann\\xe9.ipynb" and rows[0]["student"] == "\\xff\\xfeann\\xe9"
    Console(file=open(os.devnull, "w"), width=80).print(summary_table(tmp_path / "gradebook.sqlite"))
    gb.close()


def test_spreadsheet_formulas_are_neutralised_in_every_csv(tmp_path):
    assert [safe_cell(x) for x in ("=1+1", "+1", "-2", "@SUM(A1)", "\t=1", "ann", 3, -1.5)] == \
        ["'=1+1", "'+1", "'-2", "'@SUM(A1)", "'\t=1", "ann", 3, -1.5]
    gb = Gradebook(tmp_path / "gradebook.sqlite")
    _grade(gb, '/s/=HYPERLINK("http://x","y").ipynb', "A", '=HYPERLINK("http://x","y")', ALL)
    _grade(gb, "/s/@bob.ipynb", "B", "@bob", NONE)
    export(gb, tmp_path)
    for name in ("grades.csv", "totals.csv"):
        for row in csv.reader(open(tmp_path / name, encoding="utf-8")):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), (name, row)
    assert {r["student"] for r in _totals(tmp_path)} == {"'=HYPERLINK(\"http://x\",\"y\")", "'@bob"}
    gb.close()


def test_the_newest_of_a_students_submissions_counts_and_all_are_flagged(tmp_path):
    gb = Gradebook(tmp_path / "gradebook.sqlite")
    t = datetime(2026, 12, 1, 12, tzinfo=UTC).timestamp()
    _grade(gb, "/s/ann.ipynb", "A", "ann", ALL, submitted=t, submitted_source="file mtime")
    _grade(gb, "/s/ann/ex5.ipynb", "B", "ann", NONE, submitted=t + 60, submitted_source="file mtime",
           identified_by="folder name")
    _grade(gb, "/s/bob.ipynb", "C", "bob", ALL, submitted=t, claimed="ann")  # claims to be ann: flagged only
    st = standing(gb)
    ann = {Path(e.path).name: e for e in st.entries if e.student == "ann"}
    assert ann["ex5.ipynb"].counted and not ann["ann.ipynb"].counted
    assert any("2 submissions for ann" in f for f in ann["ex5.ipynb"].flags)
    assert any("not counted" in f for f in ann["ann.ipynb"].flags)
    bob = next(e for e in st.entries if e.student == "bob")
    assert bob.counted and any("metadata names 'ann'" in f for f in bob.flags)
    export(gb, tmp_path)
    totals = {r["student"]: r for r in _totals(tmp_path)}
    assert len(totals) == 2 and float(totals["ann"]["points"]) == 0 and totals["ann"]["duplicates"] == "ann.ipynb"
    assert [r["counted"] for r in _grades(tmp_path) if r["student"] == "ann"].count("no") == 4
    text = _render(tmp_path / "gradebook.sqlite", 120)
    assert "2 submissions for ann" in text and "metadata names 'ann'" in text
    gb.close()


def _render(db, width) -> str:
    console = Console(width=width, record=True, file=open(os.devnull, "w"), color_system=None)
    console.print(summary_table(db, width=width))
    return console.export_text()


def test_the_console_table_shows_every_student_at_80_columns(tmp_path):
    gb = Gradebook(tmp_path / "gradebook.sqlite")
    names = ["alexandra_k", "bartholomew", "chen.wei-ling", "d"]
    for i, name in enumerate(names):
        _grade(gb, f"/s/{name}.ipynb", f"h{i}", name, NONE)
        _grade(gb, f"/s/{name}-k.ipynb", f"k{i}", name, {f"q_{n}": "unattempted" for n in range(1, 7)},
               exercise=EX2)
    gb.close()
    text = _render(tmp_path / "gradebook.sqlite", 80)
    assert max(len(line) for line in text.splitlines()) <= 80
    for name in names:
        assert sum(name in line for line in text.splitlines()) >= 2, (name, text)  # a row in each exercise's table
    assert "– unattempted" in text  # the symbols' legend


def test_overrides_replace_points_are_kept_across_regrades_and_reach_every_export(tmp_path):
    gb = Gradebook(tmp_path / "gradebook.sqlite")
    _grade(gb, "/s/ann.ipynb", "A", "ann", NONE)
    gb.close()
    runner = CliRunner()
    r = runner.invoke(app, ["override", str(tmp_path), "ann", "q_1", "0.5", "--comment", "right idea", "--by", "prof"])
    assert r.exit_code == 0, r.output
    assert "ann q_1: 0.5/1 (the grader gave 0)" in r.output
    rows = {x["question"]: x for x in _grades(tmp_path)}
    assert float(rows["q_1"]["points"]) == 0.5 and rows["q_1"]["auto_points"] == "0.0"
    assert rows["q_1"]["override_comment"] == "right idea" and rows["q_1"]["override_by"] == "prof"
    assert float(_totals(tmp_path)[0]["points"]) == 0.5
    # a regrade of the same content (--force: a new run) keeps it
    gb = Gradebook(tmp_path / "gradebook.sqlite")
    sid = gb.submission("/s/ann.ipynb", "A", "ann", EX)
    gb.finish_run(gb.start_run(sid), "ok", "", 1.0, _results(NONE))
    st = standing(gb)
    assert st.entries[0].points == 0.5 and not st.entries[0].flags
    # a resubmission keeps it too, flagged as made on an earlier submission
    _grade(gb, "/s/ann.ipynb", "B", "ann", NONE)
    st = standing(gb)
    assert st.entries[0].points == 0.5 and any("earlier submission" in f for f in st.entries[0].flags)
    gb.close()
    assert runner.invoke(app, ["export", str(tmp_path), "--format", "json"]).exit_code == 0
    data = json.loads((tmp_path / "grades.json").read_text())
    assert next(g for g in data["grades"] if g["question"] == "q_1")["override_comment"] == "right idea"
    # wrong uses: a clear line, exit 2, nothing changed
    for args, message in [(["nobody", "q_1", "1", "-m", "x"], "no graded submission for student 'nobody'"),
                          (["ann", "q_9", "1", "-m", "x"], "has no question 'q_9'"),
                          (["ann", "q_1", "3", "-m", "x"], "worth 1 points; give 0 to 1"),
                          (["ann", "q_2", "1"], "say why with --comment"),
                          (["ann", "q_2", "--remove"], "no override to remove")]:
        r = runner.invoke(app, ["override", str(tmp_path), *args])
        assert r.exit_code == 2 and message in r.output, (args, r.output)
    r = runner.invoke(app, ["override", str(tmp_path), "ann", "1", "--remove"])
    assert r.exit_code == 0 and "removed" in r.output
    assert float(_totals(tmp_path)[0]["points"]) == 0


def test_late_policy_roster_missing_unknown_and_solutions_viewed(tmp_path):
    gb = Gradebook(tmp_path / "gradebook.sqlite")
    due = datetime(2026, 12, 1, 23, 59, tzinfo=timezone(timedelta(hours=8)))
    save_policy(gb, LatePolicy(due=due, percent_per_day=10, cap_percent=50, extensions={"bob": due + timedelta(days=2)}))
    save_roster(gb, Roster([Student("ann", "Ann A"), Student("bob", "Bob B"), Student("cyd", "Cyd C")]))
    late = (due + timedelta(days=1, seconds=1)).timestamp()  # 2 days late for ann; on time for bob's extension
    _grade(gb, "/s/ann.ipynb", "A", "ann", ALL, submitted=late, submitted_source="manifest",
           solution={"q_2": 3, "q_3": 9}, correct={"q_2": 5, "q_3": 8})
    _grade(gb, "/s/bob.ipynb", "B", "bob", ALL, submitted=late, submitted_source="file mtime")
    _grade(gb, "/s/zed.ipynb", "Z", "zed", NONE, submitted=late)
    st = standing(gb)
    ann = next(e for e in st.entries if e.student == "ann")
    assert (ann.lateness.days_late, ann.penalty_percent, ann.total) == (2, 20, 3.2)
    assert ann.solutions_viewed == ["q_2"]  # q_3 was correct before its solution was shown
    bob = next(e for e in st.entries if e.student == "bob")
    assert bob.penalty_percent == 0 and bob.total == 4
    assert [s.id for _, s in st.missing] == ["cyd"] and [e.student for e in st.unknown] == ["zed"]
    export(gb, tmp_path)
    totals = {r["student"]: r for r in _totals(tmp_path)}
    assert float(totals["ann"]["points"]) == 3.2 and totals["ann"]["late_penalty_percent"] == "20.0"
    assert totals["ann"]["submitted_source"] == "manifest" and totals["ann"]["solutions_viewed"] == "q_2"
    assert totals["cyd"]["run"] == "missing" and totals["cyd"]["name"] == "Cyd C"
    assert "not on the roster" in totals["zed"]["flags"]
    from learnkit.grading.report import write_reports
    index = write_reports(gb, tmp_path).read_text()
    for text in ("Late policy", "2 days late", "On the roster, no submission", "cyd", "Not on the roster",
                 "solution viewed before correct: q_2"):
        assert text in index, text
    gb.close()


def test_output_folder_is_locked_and_paths_are_checked(tmp_path):
    from learnkit.grading.grade import Options, grade
    sub = tmp_path / "a.ipynb"
    sub.write_text("{}")
    with output_lock(tmp_path / "out"):
        with pytest.raises(BatchProblem, match="being graded by another `learnkit grade` \\(pid"):
            grade([sub], tmp_path / "out", Options(sandbox=False), console=False)
    (tmp_path / "file").write_text("x")
    with pytest.raises(BatchProblem, match="is a file; give a folder"):
        grade([sub], tmp_path / "file", Options(sandbox=False), console=False)
    runner = CliRunner()
    for args, message in [([str(tmp_path / "nope.ipynb"), "--out", str(tmp_path / "o")], "no such file or folder"),
                          ([str(sub), "--out", str(tmp_path / "file")], "is a file; give a folder"),
                          ([str(sub), "--out", str(tmp_path / "file" / "x")], "is a file, not a folder")]:
        r = runner.invoke(app, ["grade", *args, "--no-sandbox"])
        assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output, (args, r.output)
    assert not (tmp_path / "o").exists()


def test_missing_course_data_stops_the_batch_before_it_starts(tmp_path):
    from learnkit.core.exercise import load_exercise
    from learnkit.grading.grade import Options, grade
    empty = tmp_path / "empty"
    empty.mkdir()
    problems = check_data([load_exercise(EX)], str(empty))
    assert problems == [f"{EX} needs spotify.csv: not found in {empty}", f"{EX} needs concrete.csv: not found in {empty}"]
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "spotify.csv").write_text("not, the, data\n")
    assert "spotify.csv" in check_data([load_exercise(EX)], str(bad))[0] and "sha256" in check_data(
        [load_exercise(EX)], str(bad))[0]
    nb = ROOT / "notebooks" / "deep_learning_intro" / "ex5_solution.ipynb"
    with pytest.raises(BatchProblem, match="needs spotify.csv"):
        grade([nb], tmp_path / "out", Options(sandbox=False, data_dir=str(empty)), console=False)
    assert not (tmp_path / "out" / "gradebook.sqlite").exists()
    shared = os.environ.get("LEARNKIT_DATA")
    if shared and (Path(shared) / "spotify.csv").exists():
        assert check_data([load_exercise(EX)], shared) == []


def test_identity_comes_from_the_instructors_side(tmp_path):
    from learnkit.grading.lateness import ManifestEntry
    from learnkit.grading.submissions import Submission, identify
    root = tmp_path / "subs"
    (root / "carol").mkdir(parents=True)
    roster = Roster([Student("s1", "Ann Lee", ("ann",)), Student("s2", "Bob Ray")])
    cases = [(root / "ann.ipynb", "", None, ("s1", "roster (file name)")),
             (root / "carol" / "ex5.ipynb", "", None, ("carol", "folder name")),
             (root / "x.ipynb", "s2", None, ("s2", "notebook metadata")),       # matches nobody by name: the claim
             (root / "ann-2.ipynb", "s2", None, ("s1", "roster (file name)")),  # a claim never beats the name
             (root / "z.ipynb", "", ManifestEntry(datetime(2026, 1, 1, tzinfo=UTC), "s2"), ("s2", "manifest"))]
    for path, claimed, entry, expected in cases:
        path.write_text("{}")
        sub = Submission(path=path.resolve(), claimed=claimed)
        identify(sub, [root], roster, {path.name: entry} if entry else None)
        assert (sub.student, sub.identified_by) == expected, path
        assert sub.submitted_source == ("manifest" if entry else "file mtime")


def test_nbformat_notebooks_record_their_code_cells(tmp_path):
    from learnkit.grading.submissions import inspect
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# hi"),
                                         nbformat.v4.new_code_cell("from checkers.deep_learning_intro.ex5 import *"),
                                         nbformat.v4.new_code_cell("  "), nbformat.v4.new_code_cell("q_1.solution()")])
    nb.metadata["learnkit"] = {"student": "someone"}
    nbformat.write(nb, tmp_path / "a.ipynb")
    sub = inspect(tmp_path / "a.ipynb")
    assert sub.cells == [[2, "from checkers.deep_learning_intro.ex5 import *"], [4, "q_1.solution()"]]
    assert sub.claimed == "someone" and sub.student == "a"
