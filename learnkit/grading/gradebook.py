"""The SQLite gradebook: one file in the output folder, written only by the coordinating process.

A *submission* is a file path with a content hash. A *run* is one grading of it; its results
are written together with its ``finished`` mark in ONE transaction, so a grader killed at
any moment leaves either a complete run or an unfinished one (ignored and redone on resume)
— never half the questions and never duplicates. Exports read the latest finished run of the
latest content of each path.
"""
from __future__ import annotations

import csv
import json
import sqlite3
import time
from pathlib import Path

NOT_SANDBOXED_FILE = "NOT-SANDBOXED.txt"
NOT_SANDBOXED = ("NOT SANDBOXED: these submissions were graded with `learnkit grade --no-sandbox`: their kernels ran "
                 "as the grader's user, with the network and the grader's files within reach. Their grades are only "
                 "as trustworthy as the notebooks.")
CSV_COLUMNS = ["submission", "student", "exercise", "question", "status", "points", "max_points", "message"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    student TEXT NOT NULL,
    exercise TEXT,
    seen REAL NOT NULL,
    UNIQUE (path, sha256)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    started REAL NOT NULL,
    finished REAL,
    status TEXT,
    reason TEXT,
    duration REAL,
    backend TEXT,
    learnkit_version TEXT,
    sandboxed INTEGER
);
CREATE TABLE IF NOT EXISTS results (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    question TEXT NOT NULL,
    status TEXT NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    message TEXT NOT NULL,
    diagnosis TEXT NOT NULL DEFAULT '',
    duration REAL,
    PRIMARY KEY (run_id, question)
);
CREATE TABLE IF NOT EXISTS artifacts (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id),
    histories TEXT
);
"""


class Gradebook:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)
        if "sandboxed" not in {r["name"] for r in self.db.execute("PRAGMA table_info(runs)")}:  # older gradebooks
            self.db.execute("ALTER TABLE runs ADD COLUMN sandboxed INTEGER")

    def close(self) -> None:
        self.db.close()

    # -- writing ---------------------------------------------------------------------
    def submission(self, path: str, sha256: str, student: str, exercise: str | None) -> int:
        self.db.execute("INSERT OR IGNORE INTO submissions(path, sha256, student, exercise, seen) VALUES (?,?,?,?,?)",
                        (path, sha256, student, exercise, time.time()))
        row = self.db.execute("SELECT id FROM submissions WHERE path=? AND sha256=?", (path, sha256)).fetchone()
        return int(row["id"])

    def is_graded(self, submission_id: int) -> bool:
        return self.db.execute("SELECT 1 FROM runs WHERE submission_id=? AND finished IS NOT NULL",
                               (submission_id,)).fetchone() is not None

    def start_run(self, submission_id: int, backend: str = "", version: str = "") -> int:
        cur = self.db.execute("INSERT INTO runs(submission_id, started, backend, learnkit_version) VALUES (?,?,?,?)",
                              (submission_id, time.time(), backend, version))
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, status: str, reason: str, duration: float, results: list[dict],
                   histories: dict | None = None, sandboxed: bool | None = None) -> None:
        """Store all of a run's results and mark it finished, atomically (``sandboxed``: whether its
        kernel ran in a sandbox; None: unknown, e.g. the notebook never reached a kernel)."""
        with self.db:  # sqlite3 context manager: BEGIN … COMMIT (or ROLLBACK)
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT INTO results(run_id, question, status, points, max_points, message, diagnosis, duration)"
                " VALUES (?,?,?,?,?,?,?,?)",
                [(run_id, r["question"], r["status"], float(r.get("points", 0)), float(r.get("max_points", 0)),
                  r.get("message", ""), r.get("diagnosis", ""), r.get("duration")) for r in results])
            if histories:
                self.db.execute("INSERT INTO artifacts(run_id, histories) VALUES (?,?)", (run_id, json.dumps(histories)))
            self.db.execute("UPDATE runs SET finished=?, status=?, reason=?, duration=?, sandboxed=? WHERE id=?",
                            (time.time(), status, reason, duration, None if sandboxed is None else int(sandboxed),
                             run_id))

    # -- reading ---------------------------------------------------------------------
    def current_runs(self) -> list[sqlite3.Row]:
        """The latest finished run of the most recently seen content of each path."""
        return self.db.execute("""
            SELECT r.*, s.path, s.sha256, s.student, s.exercise FROM runs r JOIN submissions s ON s.id = r.submission_id
            WHERE r.finished IS NOT NULL
              AND s.id = (SELECT s2.id FROM submissions s2 WHERE s2.path = s.path
                          AND EXISTS (SELECT 1 FROM runs r2 WHERE r2.submission_id = s2.id AND r2.finished IS NOT NULL)
                          ORDER BY s2.seen DESC, s2.id DESC LIMIT 1)
              AND r.id = (SELECT MAX(r3.id) FROM runs r3 WHERE r3.submission_id = s.id AND r3.finished IS NOT NULL)
            ORDER BY s.student, s.path""").fetchall()

    def results(self, run_id: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM results WHERE run_id=? ORDER BY question", (run_id,)).fetchall()

    def histories(self, run_id: int) -> dict:
        row = self.db.execute("SELECT histories FROM artifacts WHERE run_id=?", (run_id,)).fetchone()
        return json.loads(row["histories"]) if row and row["histories"] else {}

    def grade_rows(self) -> list[dict]:
        rows = []
        for run in self.current_runs():
            for r in self.results(run["id"]):
                rows.append({"submission": run["path"], "student": run["student"], "exercise": run["exercise"] or "",
                             "question": r["question"], "status": r["status"], "points": r["points"],
                             "max_points": r["max_points"], "message": r["message"]})
        return rows

    def totals(self) -> list[dict]:
        out: dict[tuple, dict] = {}
        for row in self.grade_rows():
            key = (row["student"], row["exercise"], row["submission"])
            t = out.setdefault(key, {"student": row["student"], "exercise": row["exercise"],
                                     "submission": row["submission"], "points": 0.0, "max_points": 0.0,
                                     "correct": 0, "questions": 0})
            t["points"] += row["points"]
            t["max_points"] += row["max_points"]
            t["correct"] += row["status"] == "correct"
            t["questions"] += 1
        return list(out.values())

    def not_sandboxed(self) -> list[str]:
        """Paths of current runs whose kernel ran WITHOUT a sandbox (``learnkit grade --no-sandbox``)."""
        return [run["path"] for run in self.current_runs() if run["sandboxed"] == 0]

    def unfinished_runs(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM runs WHERE finished IS NULL").fetchone()[0]


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    tmp.replace(path)


def export(gradebook: Gradebook, out_dir: Path, fmt: str = "csv") -> list[Path]:
    """grades.csv (exact columns) + totals.csv, or grades.json."""
    out_dir = Path(out_dir)
    rows = gradebook.grade_rows()
    unsandboxed = gradebook.not_sandboxed()
    warning = out_dir / NOT_SANDBOXED_FILE
    if unsandboxed:
        warning.write_text(NOT_SANDBOXED + "\n\n" + "\n".join(unsandboxed) + "\n", encoding="utf-8")
    elif warning.exists():
        warning.unlink()
    if fmt == "json":
        path = out_dir / "grades.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps({"grades": rows, "totals": gradebook.totals(),
                                   **({"NOT_SANDBOXED": unsandboxed} if unsandboxed else {})}, indent=1),
                       encoding="utf-8")
        tmp.replace(path)
        return [path] + ([warning] if unsandboxed else [])
    write_csv(out_dir / "grades.csv", rows, CSV_COLUMNS)
    write_csv(out_dir / "totals.csv", gradebook.totals(),
              ["student", "exercise", "submission", "points", "max_points", "correct", "questions"])
    return [out_dir / "grades.csv", out_dir / "totals.csv"] + ([warning] if unsandboxed else [])
