"""Gradescope's ``results.json``, one per submission, from the typed standing view.

The format is Gradescope's autograder output (its "Autograder Specifications"): a top-level
``score`` (the student's total after overrides and the late penalty), ``execution_time`` (seconds),
``output`` (text shown above the tests: the run's status and reason when it failed, the late
penalty, flags), and ``tests``, one per question, each with ``name``, ``number``, ``score``,
``max_score``, ``status`` (``passed``/``failed``), ``output`` (the checker's message) and
``visibility``. ``tests/support/lms/gradescope_results.schema.json`` is the JSON Schema the tests hold these to.

``learnkit export OUT --format gradescope`` writes ``OUT/gradescope/<student>-<file>/results.json``
for every current submission; the autograder (``learnkit.grading.autograder``) writes the one of
the submission it graded to ``/autograder/results/results.json``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from learnkit.files import write_atomic
from learnkit.grading.standing import Entry, Standing

FOLDER = "gradescope"
VISIBILITY = "visible"  # Gradescope: visible, hidden, after_due_date, after_published


def _number(x: float) -> float:
    return round(float(x), 6)


def output_text(e: Entry) -> str:
    lines = []
    if e.status and e.status != "ok":
        lines.append(f"The notebook's run ended '{e.status}': {e.reason}".rstrip(": "))
    elif e.reason:
        lines.append(e.reason)
    if e.sandboxed is False:
        lines.append("NOT SANDBOXED: graded with --no-sandbox.")
    if e.penalty_percent:
        note = getattr(e.lateness, "note", "") or ""
        before = f"{_number(e.points):g} points before the penalty"
        lines.append(f"Late: {e.penalty_percent:g}% off ({before}). {note}".strip())
    for q in e.overridden:
        if q.override is not None:
            lines.append(f"{q.question}: {q.override.describe()}")
    return "\n".join(lines)


def results(e: Entry) -> dict:
    """Gradescope's results.json for one submission."""
    tests = []
    for i, q in enumerate(e.questions, 1):
        if q.question == "*":  # the file could not be graded: said in the top-level output
            continue
        message = q.message
        if q.override is not None:
            message = f"{message}\n{q.override.describe()}".strip()
        tests.append({"name": q.question, "number": str(i), "score": _number(q.final),
                      "max_score": _number(q.max_points), "status": "passed" if q.status == "correct" else "failed",
                      "output": message, "visibility": VISIBILITY})
    out = output_text(e)
    if not tests and not out:
        out = e.reason or "nothing was graded"
    return {"score": _number(e.total), "execution_time": _number(e.duration or 0.0), "output": out,
            "visibility": VISIBILITY, "stdout_visibility": "hidden", "tests": tests}


def failed_results(message: str, execution_time: float = 0.0) -> dict:
    """A results.json for a submission that could not be graded at all (no notebook, a crash)."""
    return {"score": 0.0, "execution_time": _number(execution_time), "output": message,
            "visibility": VISIBILITY, "stdout_visibility": "hidden", "tests": []}


def folder_name(e: Entry) -> str:
    stem = Path(e.path).stem
    name = e.student if e.student == stem else f"{e.student}-{stem}"
    return re.sub(r"[^\w.-]", "_", name)[:100] + f"-{e.sha256[:8]}"


def write_gradescope(st: Standing, out_dir: Path) -> list[Path]:
    """``OUT/gradescope/<student>-<file>-<sha>/results.json`` for every current submission."""
    written = []
    for e in st.entries:
        path = Path(out_dir) / FOLDER / folder_name(e) / "results.json"
        write_atomic(path, json.dumps(results(e), indent=1) + "\n")
        written.append(path)
    return written
