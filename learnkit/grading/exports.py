"""What leaves the gradebook as files: grades.csv + totals.csv, or grades.json.

Everything comes from ``learnkit.grading.standing`` (overrides, lateness, duplicates, roster,
flags). Every CSV cell a spreadsheet could run as a formula (text starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return — a student can name a file or a notebook anything) is
written with a leading ``'``, as OWASP recommends; numbers stay numbers.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from learnkit.files import atomic_open, write_atomic
from learnkit.grading.gradebook import Gradebook
from learnkit.grading.standing import MISSING, Entry, Standing, standing

NOT_SANDBOXED_FILE = "NOT-SANDBOXED.txt"
NOT_SANDBOXED = ("NOT SANDBOXED: these submissions were graded with `learnkit grade --no-sandbox`: their kernels ran "
                 "as the grader's user, with the network and the grader's files within reach. Their grades are only "
                 "as trustworthy as the notebooks.")
CSV_COLUMNS = ["submission", "student", "exercise", "question", "status", "points", "max_points", "message",
               "name", "counted", "auto_points", "override_comment", "override_by", "solution_viewed",
               "solution_cell", "correct_cell"]
TOTAL_COLUMNS = ["student", "exercise", "submission", "points", "max_points", "correct", "questions", "name",
                 "auto_points", "overrides", "late_penalty_percent", "days_late", "late_note", "submitted",
                 "submitted_source", "identified_by", "duplicates", "solutions_viewed", "similar", "flags", "run"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A CSV cell no spreadsheet evaluates: text that could start a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    with atomic_open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)


def _when(e: Entry) -> str:
    return e.submitted.isoformat(timespec="seconds") if e.submitted else ""


def grade_rows(st: Standing) -> list[dict]:
    """One row per question of every current submission (``counted`` says which one a student's total uses)."""
    rows = []
    for e in st.entries:
        for q in e.questions:
            o = q.override
            rows.append({"submission": e.path, "student": e.student, "exercise": e.exercise, "question": q.question,
                         "status": q.status, "points": q.final, "max_points": q.max_points, "message": q.message,
                         "name": e.name, "counted": "yes" if e.counted else "no", "auto_points": q.points,
                         "override_comment": o.comment if o else "", "override_by": o.author if o else "",
                         "solution_viewed": "yes" if q.solution_first else "",
                         "solution_cell": q.solution_cell if q.solution_cell is not None else "",
                         "correct_cell": q.correct_cell if q.correct_cell is not None else ""})
    return rows


def total_rows(st: Standing) -> list[dict]:
    """One row per student and exercise: the counted submission, then the roster's missing students."""
    rows = []
    for e in st.counted:
        late = e.lateness
        rows.append({"student": e.student, "exercise": e.exercise, "submission": e.path,
                     "points": round(e.total, 6), "max_points": e.max_points,
                     "correct": sum(q.status == "correct" for q in e.questions), "questions": len(e.questions),
                     "name": e.name, "auto_points": e.auto_points, "overrides": len(e.overridden),
                     "late_penalty_percent": e.penalty_percent, "days_late": getattr(late, "days_late", "") if late
                     else "", "late_note": getattr(late, "note", "") if late else "", "submitted": _when(e),
                     "submitted_source": e.submitted_source, "identified_by": e.identified_by,
                     "duplicates": "; ".join(e.others), "solutions_viewed": " ".join(e.solutions_viewed),
                     "similar": "; ".join(e.similar), "flags": "; ".join(e.flags), "run": e.status})
    for exercise, s in st.missing:
        rows.append({"student": s.id, "exercise": exercise, "submission": "", "points": 0, "max_points": "",
                     "correct": 0, "questions": 0, "name": s.name, "run": MISSING,
                     "flags": "no submission (on the roster)"})
    return rows


FORMATS = ("csv", "json", "canvas", "gradescope")


def export(gradebook: Gradebook, out_dir: Path, fmt: str = "csv", st: Standing | None = None, *,
           roster=None, assignment: str | None = None) -> list[Path]:
    """grades.csv + totals.csv, or grades.json; NOT-SANDBOXED.txt when any current run was unconfined.

    ``canvas``: canvas.csv for ``roster`` (a Canvas gradebook export, ``learnkit.grading.canvas``);
    ``gradescope``: one results.json per submission (``learnkit.grading.gradescope``)."""
    out_dir = Path(out_dir)
    st = st or standing(gradebook)
    if fmt == "canvas":
        from learnkit.grading.canvas import write_canvas
        return write_canvas(st, roster, out_dir, assignment)[0]
    if fmt == "gradescope":
        from learnkit.grading.gradescope import write_gradescope
        return write_gradescope(st, out_dir)
    unsandboxed = st.not_sandboxed
    warning = out_dir / NOT_SANDBOXED_FILE
    if unsandboxed:
        write_atomic(warning, NOT_SANDBOXED + "\n\n" + "\n".join(unsandboxed) + "\n")
    elif warning.exists():
        warning.unlink()
    extra = [warning] if unsandboxed else []
    if fmt == "json":
        path = out_dir / "grades.json"
        write_atomic(path, json.dumps({
            "grades": grade_rows(st), "totals": total_rows(st),
            "unknown_students": [e.student for e in st.unknown],
            "similarity": [{"kind": f.kind, "students": list(f.students), "cells": [list(c) for c in f.cells],
                            "ratio": f.ratio, "note": f.note} for f in st.similarity],
            "late_policy": st.policy.describe() if st.policy is not None else None,
            **({"NOT_SANDBOXED": unsandboxed} if unsandboxed else {})}, indent=1, default=str))
        return [path] + extra
    write_csv(out_dir / "grades.csv", grade_rows(st), CSV_COLUMNS)
    write_csv(out_dir / "totals.csv", total_rows(st), TOTAL_COLUMNS)
    return [out_dir / "grades.csv", out_dir / "totals.csv"] + extra
