"""`learnkit grade` as a command: SIGKILL mid-batch then resume, skip on re-run, --force regrades."""
from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from grading_fixtures.crafted import CASES, notebook  # noqa: E402

N = 3


def _finished(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return con.execute("SELECT COUNT(*) FROM runs WHERE finished IS NOT NULL").fetchone()[0]
    except sqlite3.Error:  # not created yet
        return 0


def _grade(*args, timeout=600) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "learnkit.cli", "grade", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env={**os.environ, "COLUMNS": "200"})


@pytest.mark.slow
@pytest.mark.xdist_group("grading_cli")
def test_sigkill_resume_skip_and_force(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    for i, case in enumerate(["correct", "wrong", "unattempted"][:N]):
        nbformat.write(notebook(CASES[case], student=f"s{i}"), subs / f"s{i}.ipynb")
    db = out / "gradebook.sqlite"
    cmd = [sys.executable, "-m", "learnkit.cli", "grade", str(subs), "--out", str(out), "--workers", "1"]
    grader = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kernels: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 300
        while _finished(db) < 1:
            assert grader.poll() is None, "the grader ended before it could be killed"
            assert time.monotonic() < deadline, "no submission was recorded in time"
            time.sleep(0.2)
        kernels = psutil.Process(grader.pid).children(recursive=True)
    finally:
        grader.send_signal(signal.SIGKILL)
        grader.wait()
        for k in kernels:  # the kernels the killed grader left behind
            try:
                k.kill()
            except psutil.Error:
                pass
    assert 1 <= _finished(db) < N

    again = _grade(subs, "--out", out, "--workers", "1")
    assert again.returncode == 0, again.stdout + again.stderr
    con = sqlite3.connect(db)
    per_sub = con.execute("SELECT s.student, COUNT(r.id) FROM submissions s LEFT JOIN runs r "
                          "ON r.submission_id = s.id AND r.finished IS NOT NULL GROUP BY s.id").fetchall()
    assert sorted(per_sub) == [(f"s{i}", 1) for i in range(N)]
    rows = list(csv.DictReader(open(out / "grades.csv", encoding="utf-8")))
    assert len(rows) == N * 4
    assert len({(r["submission"], r["question"]) for r in rows}) == N * 4
    assert {r["status"] for r in rows if r["student"] == "s0"} == {"correct"}

    t0 = time.monotonic()
    skip = _grade(subs, "--out", out)
    assert skip.returncode == 0 and f"{N} skipped" in skip.stdout, skip.stdout
    assert time.monotonic() - t0 < 60

    force = _grade(subs, "--out", out, "--force", "--workers", "2")
    assert force.returncode == 0 and "skipped" not in force.stdout, force.stdout
    per_sub = con.execute("SELECT COUNT(*) FROM runs WHERE finished IS NOT NULL GROUP BY submission_id").fetchall()
    assert [n for (n,) in per_sub] == [2] * N
    rows = list(csv.DictReader(open(out / "grades.csv", encoding="utf-8")))
    assert len(rows) == N * 4
    con.close()
