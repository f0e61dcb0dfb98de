"""``learnkit override``: an instructor's points for one question, with a comment.

Overrides live in the gradebook per student, exercise and question (not per run), so a regrade,
``--force`` or a resubmission keeps them; an override made on content that has since changed is
flagged in the reports. After every change the exports and reports of the folder are written
again, so the files in OUT never disagree with the gradebook.
"""
from __future__ import annotations

import re
from pathlib import Path

from learnkit.grading.gradebook import Gradebook
from learnkit.grading.standing import standing


class OverrideProblem(ValueError):
    """An override that cannot be made; the message says why and what is possible."""


def _question(name: str) -> str:
    name = name.strip()
    return f"q_{name}" if re.fullmatch(r"\d+", name) else re.sub(r"^q(\d+)$", r"q_\1", name)


def apply_override(db: Path, student: str, question: str, points: float | None, comment: str, *,
                   exercise: str | None = None, author: str = "", remove: bool = False) -> str:
    """Set (or ``remove``) an override; returns one line saying what now holds."""
    question = _question(question)
    with Gradebook(db) as gb:
        st = standing(gb)
        mine = [e for e in st.counted if e.student == student]
        if not mine:
            known = sorted({e.student for e in st.counted})
            raise OverrideProblem(f"no graded submission for student {student!r}; students in this gradebook: "
                                  + (", ".join(known[:20]) + (" …" if len(known) > 20 else "") if known else "none"))
        if exercise is not None:
            mine = [e for e in mine if e.exercise == exercise]
            if not mine:
                raise OverrideProblem(f"{student} has no graded submission for exercise {exercise!r}")
        if len(mine) > 1:
            raise OverrideProblem(f"{student} has submissions for several exercises; add --exercise with one of: "
                                  + ", ".join(e.exercise for e in mine))
        entry = mine[0]
        grade = next((q for q in entry.questions if q.question == question), None)
        if grade is None:
            raise OverrideProblem(f"{entry.exercise} has no question {question!r}; its questions: "
                                  + ", ".join(q.question for q in entry.questions))
        if remove:
            if not gb.remove_override(student, entry.exercise, question):
                raise OverrideProblem(f"{student} {question} has no override to remove")
            line = f"removed the override of {student} {question}: {grade.points:g}/{grade.max_points:g} (the grader's)"
        else:
            if points is None:
                raise OverrideProblem("give the points (or --remove)")
            if not 0 <= points <= grade.max_points:
                raise OverrideProblem(f"{question} is worth {grade.max_points:g} points; give 0 to {grade.max_points:g}")
            if not comment.strip():
                raise OverrideProblem("say why with --comment (the student and the exports see it)")
            gb.set_override(student, entry.exercise, question, points, comment.strip(), author or "instructor",
                            entry.sha256)
            line = (f"{student} {question}: {points:g}/{grade.max_points:g} (the grader gave {grade.points:g}), "
                    f"by {author or 'instructor'}: {comment.strip()}")
        refresh(gb, Path(db).parent)
    return line


def refresh(gb: Gradebook, out_dir: Path) -> None:
    """Write the folder's exports and reports again from the gradebook."""
    from learnkit.grading.exports import export
    from learnkit.grading.report import write_reports
    st = standing(gb)
    export(gb, out_dir, st=st)
    if (out_dir / "index.html").exists():
        write_reports(gb, out_dir, standin_note=gb.setting("report_note"), st=st)
