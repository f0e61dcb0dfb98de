"""A gradebook CSV that Canvas imports (Grades > Import), made from the instructor's own Canvas export.

Canvas's import reads the identity columns of its own export — ``Student``, ``ID``, ``SIS User ID``,
``SIS Login ID``, ``Section`` — then one column per assignment: a header ``Name (id)`` updates that
assignment, a new name creates one. A second row ``Points Possible`` gives each assignment's worth.
So ``canvas_rows`` takes the roster read from that export (``learnkit.grading.roster``; its other
columns are in ``Student.extra``) and writes, in roster order, every student with their identity
cells copied as Canvas wrote them and, per exercise, the counted submission's total (overrides and
late penalty applied, from ``learnkit.grading.standing``); a roster student without a submission
gets 0, as in ``totals.csv``. Students are matched by the roster's ids (``Roster.get``). Submissions
whose student is not on the roster are never dropped silently: they are returned as ``unmatched``,
printed by the command and written to ``canvas-unmatched.csv`` beside the import file.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from learnkit.files import atomic_open
from learnkit.grading.exports import safe_cell, write_csv
from learnkit.grading.standing import Entry, Standing

IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "    Points Possible"  # as Canvas's export spells it
CANVAS_FILE, UNMATCHED_FILE = "canvas.csv", "canvas-unmatched.csv"
UNMATCHED_COLUMNS = ["student", "exercise", "submission", "points", "max_points", "name"]


class CanvasProblem(ValueError):
    """The Canvas export cannot be made as asked (one line, for the command to print)."""


@dataclass
class CanvasGrades:
    columns: list[str]
    rows: list[list]                       # the Points Possible row first, then one row per roster student
    unmatched: list[Entry] = field(default_factory=list)


def number(x: float) -> str:
    """``8`` not ``8.0``; at most 2 decimals (Canvas shows 2)."""
    return f"{round(float(x), 2):g}"


def _identity(student, roster) -> list[str]:
    extra = student.extra
    return [student.name, student.id if roster.id_column == "ID" else extra.get("ID", student.id),
            extra.get("SIS User ID", student.id if roster.id_column == "SIS User ID" else ""),
            extra.get("SIS Login ID", ""), extra.get("Section", "")]


def canvas_grades(st: Standing, roster, assignment: str | None = None) -> CanvasGrades:
    """The import file's rows for ``roster`` (a ``Roster``): one column per exercise graded, or the
    one column ``assignment`` ("Name (id)" of the Canvas assignment) when the gradebook holds one exercise."""
    exercises = sorted({e.exercise for e in st.counted if e.exercise})
    if assignment is not None and len(exercises) > 1:
        raise CanvasProblem(f"--assignment names one Canvas column, but the gradebook holds {len(exercises)} "
                            f"exercises ({', '.join(exercises)}); export without --assignment, or grade them apart")
    headers = [assignment] if assignment is not None else exercises
    counted: dict[tuple[str, str], Entry] = {}
    unmatched = []
    for e in st.counted:
        s = roster.get(e.student)
        if s is None:
            unmatched.append(e)
        else:
            counted[(s.id, e.exercise)] = e
    worth = {ex: max((e.max_points for e in st.counted if e.exercise == ex), default=0.0) for ex in exercises}
    rows: list[list] = [[POINTS_POSSIBLE, "", "", "", ""] + [number(worth[ex]) for ex in exercises]]
    for s in roster.students:
        scores = [number(counted[(s.id, ex)].total) if (s.id, ex) in counted else "0" for ex in exercises]
        rows.append(_identity(s, roster) + scores)
    return CanvasGrades(list(IDENTITY) + headers, rows, unmatched)


def write_canvas(st: Standing, roster, out_dir: Path, assignment: str | None = None) -> tuple[list[Path], list[Entry]]:
    """Write ``canvas.csv`` (and ``canvas-unmatched.csv`` when some submission matches nobody);
    returns the files written and the unmatched submissions."""
    out_dir = Path(out_dir)
    grades = canvas_grades(st, roster, assignment)
    path = out_dir / CANVAS_FILE
    with atomic_open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([safe_cell(c) for c in grades.columns])
        w.writerows([safe_cell(c) for c in row] for row in grades.rows)
    written = [path]
    extra = out_dir / UNMATCHED_FILE
    if grades.unmatched:
        write_csv(extra, [{"student": e.student, "exercise": e.exercise, "submission": e.path,
                           "points": number(e.total), "max_points": number(e.max_points), "name": e.name}
                          for e in grades.unmatched], UNMATCHED_COLUMNS)
        written.append(extra)
    elif extra.exists():
        extra.unlink()
    return written, grades.unmatched
