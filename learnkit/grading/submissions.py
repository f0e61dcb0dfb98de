"""Finding and inspecting submissions: hash, student id, exercise, and why a file cannot be graded."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from learnkit.core.exercise import BrokenChecker, UnknownExercise, load_exercise
from learnkit.runner.execute import NotebookProblem, exercise_of, read_notebook
from learnkit.runner.pool import notebook_imports


@dataclass
class Submission:
    path: Path
    sha256: str = ""
    student: str = ""
    exercise: str | None = None
    problem: str = ""  # why it cannot be run: it becomes one error row
    imports: frozenset = frozenset()  # modules its code cells import (what prepared kernels preload)
    id: int = 0


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


def inspect(path: Path) -> Submission:
    """Hash, student id and exercise of one file; ``problem`` says why it cannot be graded."""
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
        sub.student = str(meta["student"]).strip()[:200]
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
