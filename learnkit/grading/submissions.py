"""Finding and inspecting submissions: hash, student id, exercise, and why a file cannot be graded.

Who submitted a file is decided by the instructor's side, never by the file's content:
a manifest line, else the roster matched on the file (or student folder) name, else that name
(``subs/alice.ipynb`` and ``subs/alice/ex5.ipynb`` are both alice's). The notebook's own
``learnkit.student`` metadata is the student's claim: it identifies a file only through the roster
when the name matches nobody, and is otherwise kept to be flagged when it names someone else.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from learnkit.grading.gradebook import text
from learnkit.core.exercise import BrokenChecker, UnknownExercise, load_exercise
from learnkit.runner.execute import NotebookProblem, exercise_of, read_notebook
from learnkit.runner.pool import notebook_imports


MAX_CELLS, MAX_CELL_CHARS = 300, 20_000  # code kept per submission (similarity, solutions viewed)


@dataclass
class Submission:
    path: Path
    sha256: str = ""
    student: str = ""
    exercise: str | None = None
    problem: str = ""  # why it cannot be run: it becomes one error row
    imports: frozenset = frozenset()  # modules its code cells import (what prepared kernels preload)
    id: int = 0
    claimed: str = ""          # the student its metadata names (untrusted)
    identified_by: str = "file name"
    name: str = ""             # the roster's name
    submitted: float | None = None   # unix seconds
    submitted_source: str = ""
    cells: list = field(default_factory=list)  # [[notebook cell number, source], ...] of its code cells

    def info(self) -> dict:
        """The gradebook's submission columns."""
        return {"claimed": self.claimed, "identified_by": self.identified_by, "name": self.name,
                "submitted": self.submitted, "submitted_source": self.submitted_source, "cells": self.cells}


def find_submissions(paths, exclude: Path | None = None) -> list[Path]:
    """Notebooks named directly (any extension) or found under folders, each once, in order."""
    found, seen = [], set()
    skip = exclude.resolve() if exclude else None
    for p in map(Path, paths):
        cands = sorted(p.rglob("*.ipynb")) if p.is_dir() else [p]
        for c in cands:
            r = c.resolve()
            if r in seen or ".ipynb_checkpoints" in r.parts or (p.is_dir() and skip and r.is_relative_to(skip)):
                continue
            seen.add(r)
            found.append(r)
    return found


def path_key(path: Path, roots=()) -> tuple[str, str]:
    """(student key, how) from where the file is: the first folder below a folder given to the
    batch (``subs/alice/ex5.ipynb`` → alice), else the file's name without extension."""
    for root in map(Path, roots):
        try:
            rel = path.relative_to(root.resolve())
        except ValueError:
            continue
        if len(rel.parts) > 1:
            return rel.parts[0], "folder name"
    return path.stem, "file name"


def identify(sub: Submission, roots=(), roster=None, manifest=None) -> None:
    """Set ``sub.student`` (and how it was decided, the roster's name, the submission time)."""
    from learnkit.grading.lateness import submission_time
    key, how = path_key(sub.path, roots)
    key = text(key)  # a file name that is not UTF-8 becomes \xNN escapes: printable, storable, exportable
    sub.student, sub.identified_by = key, how
    when, source = submission_time(sub.path, manifest)
    sub.submitted, sub.submitted_source = when.timestamp(), source
    entry = (manifest or {}).get(sub.path.name)
    if entry is not None and entry.student:
        sub.student, sub.identified_by = entry.student, "manifest"
    if roster is not None:
        if sub.identified_by == "manifest":
            m = roster.match(sub.student)
        else:
            m = roster.match(key, sub.claimed or None)
        if m.student is not None:
            sub.student, sub.name = m.student.id, m.student.name
            if sub.identified_by != "manifest":
                sub.identified_by = m.how if m.how == "notebook metadata" else f"roster ({how})"


def inspect(path: Path) -> Submission:
    """Hash, exercise and claims of one file; ``problem`` says why it cannot be graded."""
    sub = Submission(path=path, student=path.stem)
    try:
        raw = path.read_bytes()
    except OSError as e:
        sub.problem = f"cannot read the file ({e.strerror or type(e).__name__})"
        return sub
    sub.sha256 = hashlib.sha256(raw).hexdigest()
    try:
        nb = read_notebook(path)
    except NotebookProblem as e:
        sub.problem = f"cannot read notebook: {e}"
        return sub
    except Exception as e:  # e.g. JSON nested too deep: still one clear error row
        sub.problem = f"cannot read notebook: the file is not a readable notebook ({type(e).__name__})"
        return sub
    meta = nb.metadata.get("learnkit") or {}
    if isinstance(meta, dict) and str(meta.get("student") or "").strip():
        sub.claimed = str(meta["student"]).strip()[:200]
    sub.cells = [[i, c.source[:MAX_CELL_CHARS]] for i, c in enumerate(nb.cells, 1)
                 if c.cell_type == "code" and c.source.strip()][:MAX_CELLS]
    sub.exercise = exercise_of(nb)
    sub.imports = frozenset(notebook_imports(nb))
    if not sub.exercise:
        sub.problem = "no learnkit exercise found (no `from checkers.<course>.<exercise> import` line)"
    else:
        try:
            load_exercise(sub.exercise)
        except (UnknownExercise, BrokenChecker) as e:
            sub.problem = str(e)
    return sub
