"""The SQLite gradebook: one file in the output folder, the one record of a class's grades.

A *submission* is a file path with a content hash. A *run* is one grading of it; its results
are written together with its ``finished`` mark in ONE transaction, so a grader killed at
any moment leaves either a complete run or an unfinished one (ignored and redone on resume)
— never half the questions and never duplicates. The *current* content of a path is the one
a batch saw last (``seen`` grows with every batch that finds it, so A, then B, then A again
counts A). Instructors' *overrides* are kept per student, exercise and question, across
regrades; *settings* hold the batch's roster and late policy as JSON.

Who is who, which submission counts, lateness and overrides are applied by
``learnkit.grading.standing``; exports and reports read that, never this module's rows directly.
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

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
CREATE TABLE IF NOT EXISTS overrides (
    student TEXT NOT NULL,
    exercise TEXT NOT NULL,
    question TEXT NOT NULL,
    points REAL NOT NULL,
    comment TEXT NOT NULL,
    author TEXT NOT NULL,
    at REAL NOT NULL,
    sha256 TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (student, exercise, question)
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
#: columns added after the first release: (table, column, declaration) — older gradebooks get them on open
ADDED = [("runs", "sandboxed", "INTEGER"),
         ("submissions", "claimed", "TEXT"),           # the student named in the notebook's metadata (untrusted)
         ("submissions", "identified_by", "TEXT"),     # manifest / file name / folder name / roster … / metadata
         ("submissions", "name", "TEXT"),              # the roster's name
         ("submissions", "submitted", "REAL"),         # submission time (unix seconds)
         ("submissions", "submitted_source", "TEXT"),  # "manifest" or "file mtime"
         ("submissions", "cells", "TEXT"),             # JSON [[notebook cell number, source], ...] of code cells
         ("results", "solution_cell", "INTEGER"),      # notebook cell number of the first q_N.solution() call
         ("results", "correct_cell", "INTEGER")]       # notebook cell number where q_N first turned correct


def text(value) -> str:
    """A string SQLite, CSV and terminals can hold: file names that are not valid UTF-8 (Python
    keeps their bytes as surrogates) become ``\\xNN`` escapes instead of crashing the batch."""
    s = str(value)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return os.fsencode(s).decode("utf-8", "backslashreplace")


class Gradebook:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)
        for table, column, decl in ADDED:
            if column not in {r["name"] for r in self.db.execute(f"PRAGMA table_info({table})")}:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------
    def submission(self, path: str, sha256: str, student: str, exercise: str | None, **info) -> int:
        """Record that a batch found ``path`` with this content (and who submitted it, when);
        it becomes the path's current content. ``info``: the ADDED submission columns."""
        path, student = text(path), text(student)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            last = self.db.execute("SELECT MAX(seen) FROM submissions").fetchone()[0] or 0.0
            seen = max(time.time(), last + 1e-3)  # strictly later than any earlier sighting
            self.db.execute("INSERT OR IGNORE INTO submissions(path, sha256, student, exercise, seen)"
                            " VALUES (?,?,?,?,?)", (path, sha256, student, exercise, seen))
            cols = {k: (text(v) if isinstance(v, str) else v) for k, v in info.items()
                    if k in {c for t, c, _ in ADDED if t == "submissions"}}
            if isinstance(cols.get("cells"), (list, tuple)):
                cols["cells"] = json.dumps(cols["cells"])
            sets = ", ".join(f"{k}=?" for k in cols)
            self.db.execute(f"UPDATE submissions SET seen=?, student=?, exercise=?{', ' + sets if sets else ''}"
                            " WHERE path=? AND sha256=?", (seen, student, exercise, *cols.values(), path, sha256))
            row = self.db.execute("SELECT id FROM submissions WHERE path=? AND sha256=?", (path, sha256)).fetchone()
        return int(row["id"])

    def is_graded(self, submission_id: int) -> bool:
        return self.db.execute("SELECT 1 FROM runs WHERE submission_id=? AND finished IS NOT NULL",
                               (submission_id,)).fetchone() is not None

    def start_run(self, submission_id: int, backend: str = "", version: str = "") -> int:
        cur = self.db.execute("INSERT INTO runs(submission_id, started, backend, learnkit_version) VALUES (?,?,?,?)",
                              (submission_id, time.time(), backend, version))
        assert cur.lastrowid is not None  # (an INSERT)
        return cur.lastrowid

    def finish_run(self, run_id: int, status: str, reason: str, duration: float, results: list[dict],
                   histories: list[dict] | None = None, sandboxed: bool | None = None) -> None:
        """Store all of a run's results and mark it finished, atomically (``sandboxed``: whether its
        kernel ran in a sandbox; None: unknown, e.g. the notebook never reached a kernel)."""
        with self.db:  # sqlite3 context manager: BEGIN … COMMIT (or ROLLBACK)
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT INTO results(run_id, question, status, points, max_points, message, diagnosis, duration,"
                " solution_cell, correct_cell) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(run_id, r["question"], r["status"], float(r.get("points", 0)), float(r.get("max_points", 0)),
                  text(r.get("message", "")), text(r.get("diagnosis", "")), r.get("duration"),
                  r.get("solution_cell"), r.get("correct_cell")) for r in results])
            if histories:
                self.db.execute("INSERT INTO artifacts(run_id, histories) VALUES (?,?)", (run_id, json.dumps(histories)))
            self.db.execute("UPDATE runs SET finished=?, status=?, reason=?, duration=?, sandboxed=? WHERE id=?",
                            (time.time(), str(status), text(reason), duration,
                             None if sandboxed is None else int(sandboxed), run_id))

    def set_override(self, student: str, exercise: str, question: str, points: float, comment: str,
                     author: str, sha256: str = "") -> None:
        self.db.execute("INSERT OR REPLACE INTO overrides(student, exercise, question, points, comment, author, at,"
                        " sha256) VALUES (?,?,?,?,?,?,?,?)",
                        (student, exercise, question, float(points), comment, author, time.time(), sha256))

    def remove_override(self, student: str, exercise: str, question: str) -> bool:
        cur = self.db.execute("DELETE FROM overrides WHERE student=? AND exercise=? AND question=?",
                              (student, exercise, question))
        return cur.rowcount > 0

    def put_setting(self, key: str, value) -> None:
        if value is None:
            self.db.execute("DELETE FROM settings WHERE key=?", (key,))
        else:
            self.db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?,?)", (key, json.dumps(value)))

    # -- reading ---------------------------------------------------------------------
    def setting(self, key: str, default=None):
        row = self.db.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return json.loads(row["value"]) if row else default

    def current_runs(self) -> list[sqlite3.Row]:
        """The latest finished run of the most recently seen content of each path."""
        return self.db.execute("""
            SELECT r.*, s.path, s.sha256, s.student, s.exercise, s.claimed, s.identified_by, s.name, s.submitted,
                   s.submitted_source, s.cells FROM runs r JOIN submissions s ON s.id = r.submission_id
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

    def overrides(self) -> dict[tuple[str, str, str], sqlite3.Row]:
        return {(r["student"], r["exercise"], r["question"]): r for r in self.db.execute("SELECT * FROM overrides")}
