"""Where each student stands: the gradebook's current runs with the instructor's rules applied.

``standing(gradebook)`` is the one typed view every export, report and console table reads:

- **who**: each submission's student id, as the batch identified it (a manifest, the roster, the
  file or folder name; a notebook's own metadata only ever as a flagged claim);
- **which counts**: when a student has several current submissions for one exercise, the newest
  by submission time counts (ties: the last path); every one of them is flagged;
- **overrides**: an instructor's points for a question replace the grader's, with the comment,
  author and time, whatever the regrades (``learnkit override``);
- **lateness**: the stored late policy's penalty on the counted submission's total;
- **missing / unknown**: roster students without a submission, submissions matching nobody;
- **similarity** and **solutions viewed**: flags for a human; they never change a grade.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from learnkit.grading.gradebook import Gradebook

if TYPE_CHECKING:
    from learnkit.grading.lateness import Lateness, LatePolicy
    from learnkit.grading.roster import Roster

MISSING = "missing"


@dataclass
class Override:
    points: float
    comment: str
    author: str
    at: float
    stale: bool = False  # made while another content of the submission was current

    def describe(self) -> str:
        when = datetime.fromtimestamp(self.at).astimezone().strftime("%Y-%m-%d %H:%M")
        note = " (made on an earlier submission)" if self.stale else ""
        return f"{self.points:g} points set by {self.author} on {when}: {self.comment}{note}"


@dataclass
class QuestionGrade:
    question: str
    status: str
    points: float          # the grader's
    max_points: float
    message: str = ""
    diagnosis: str = ""
    solution_cell: int | None = None   # notebook cell number of the first q_N.solution() call
    correct_cell: int | None = None    # notebook cell number where the question first turned correct
    override: Override | None = None

    @property
    def final(self) -> float:
        return self.override.points if self.override is not None else self.points

    @property
    def solution_first(self) -> bool:
        """The notebook showed this question's solution before (or in the cell where) it turned correct."""
        return self.solution_cell is not None and (self.correct_cell is None or self.solution_cell <= self.correct_cell)


@dataclass
class Entry:
    """One current submission (a path's latest graded content)."""
    run_id: int
    path: str
    sha256: str
    student: str
    exercise: str
    status: str
    reason: str
    duration: float | None
    sandboxed: bool | None
    name: str = ""
    identified_by: str = ""
    claimed: str = ""
    submitted: datetime | None = None
    submitted_source: str = ""
    questions: list[QuestionGrade] = field(default_factory=list)
    counted: bool = True
    others: list[str] = field(default_factory=list)   # the student's other current submissions (same exercise)
    lateness: Lateness | None = None
    similar: list[str] = field(default_factory=list)  # similarity notes naming the other student
    flags: list[str] = field(default_factory=list)    # everything an instructor should look at
    cells: list = field(default_factory=list)         # [[cell number, source], ...] of its code cells

    @property
    def points(self) -> float:
        """Points after overrides, before any late penalty."""
        return sum(q.final for q in self.questions)

    @property
    def auto_points(self) -> float:
        return sum(q.points for q in self.questions)

    @property
    def max_points(self) -> float:
        return sum(q.max_points for q in self.questions)

    @property
    def penalty_percent(self) -> float:
        return float(getattr(self.lateness, "penalty_percent", 0.0) or 0.0)

    @property
    def total(self) -> float:
        """What the student gets: points after overrides, less the late penalty."""
        return max(0.0, self.points * (1 - self.penalty_percent / 100))

    @property
    def solutions_viewed(self) -> list[str]:
        return [q.question for q in self.questions if q.solution_first]

    @property
    def overridden(self) -> list[QuestionGrade]:
        return [q for q in self.questions if q.override is not None]


@dataclass
class Standing:
    entries: list[Entry]
    missing: list = field(default_factory=list)    # (exercise, roster Student) without a submission
    unknown: list[Entry] = field(default_factory=list)  # submissions the roster does not know (roster given)
    similarity: list = field(default_factory=list)  # learnkit.grading.similarity.Flag
    policy: LatePolicy | None = None
    roster: Roster | None = None

    @property
    def counted(self) -> list[Entry]:
        return [e for e in self.entries if e.counted]

    @property
    def not_sandboxed(self) -> list[str]:
        return [e.path for e in self.entries if e.sandboxed is False]


def load_roster(gb: Gradebook):
    from learnkit.grading.roster import Roster, Student
    raw = gb.setting("roster")
    if not raw:
        return None
    return Roster([Student(s["id"], s.get("name", ""), tuple(s.get("aliases", ())), dict(s.get("extra", {})))
                   for s in raw])


def save_roster(gb: Gradebook, roster) -> None:
    gb.put_setting("roster", None if roster is None else [
        {"id": s.id, "name": s.name, "aliases": list(s.aliases), "extra": dict(s.extra)} for s in roster.students])


def load_policy(gb: Gradebook):
    from learnkit.grading.lateness import LatePolicy
    raw = gb.setting("late_policy")
    return LatePolicy.from_json(raw) if raw else None


def save_policy(gb: Gradebook, policy) -> None:
    gb.put_setting("late_policy", None if policy is None else policy.to_json())


def _entry(gb: Gradebook, run, overrides: dict) -> Entry:
    submitted = (datetime.fromtimestamp(run["submitted"], timezone.utc).astimezone()
                 if run["submitted"] is not None else None)
    e = Entry(run["id"], run["path"], run["sha256"], run["student"], run["exercise"] or "", run["status"] or "",
              run["reason"] or "", run["duration"], None if run["sandboxed"] is None else bool(run["sandboxed"]),
              name=run["name"] or "", identified_by=run["identified_by"] or "", claimed=run["claimed"] or "",
              submitted=submitted, submitted_source=run["submitted_source"] or "",
              cells=json.loads(run["cells"]) if run["cells"] else [])
    for r in gb.results(run["id"]):
        o = overrides.get((e.student, e.exercise, r["question"]))
        e.questions.append(QuestionGrade(
            r["question"], r["status"], r["points"], r["max_points"], r["message"], r["diagnosis"],
            r["solution_cell"], r["correct_cell"],
            Override(o["points"], o["comment"], o["author"], o["at"], bool(o["sha256"]) and o["sha256"] != e.sha256)
            if o is not None else None))
    return e


def _choose(entries: list[Entry]) -> None:
    """One counted submission per student and exercise: the newest; all of them flagged."""
    groups: dict[tuple[str, str], list[Entry]] = {}
    for e in entries:
        groups.setdefault((e.student, e.exercise), []).append(e)
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda e: (e.submitted.timestamp() if e.submitted else float("-inf"), e.path))
        keep = group[-1]
        for e in group:
            e.others = [Path(o.path).name for o in group if o is not e]
            e.counted = e is keep
            e.flags.append(f"{len(group)} submissions for {e.student}: counted {Path(keep.path).name} (the newest)"
                           if e is keep else f"not counted: {Path(keep.path).name} is newer")


def _similarity(entries: list[Entry]) -> list:
    from learnkit.grading import similarity
    by_ex: dict[str, list[Entry]] = {}
    for e in entries:
        if e.counted and e.cells:
            by_ex.setdefault(e.exercise, []).append(e)
    found = []
    for exercise, group in by_ex.items():
        if len(group) < 2:
            continue
        number = {e.student: [c[0] for c in e.cells] for e in group}
        subs = [similarity.Sub(e.student, tuple(c[1] for c in e.cells), e.sha256) for e in group]
        given = similarity.starter_cells(exercise, "solution") or ()  # the published answers are never evidence
        for flag in similarity.flags(subs, similarity.starter_cells(exercise), known=given):
            found.append(flag)
            a, b = flag.students
            for me, other in ((a, b), (b, a)):
                entry = next(e for e in group if e.student == me)
                if flag.kind == "identical":
                    entry.similar.append(f"identical to {other}'s submission")
                else:
                    side = 0 if me == a else 1
                    mine = ", ".join(str(number[me][pair[side]]) for pair in flag.cells
                                     if pair[side] < len(number[me]))
                    entry.similar.append(f"cell(s) {mine} near-identical to {other}'s ({flag.ratio:.0%})")
    return found


def standing(gb: Gradebook) -> Standing:
    overrides = gb.overrides()
    entries = [_entry(gb, run, overrides) for run in gb.current_runs()]
    roster, policy = load_roster(gb), load_policy(gb)
    _choose(entries)
    for e in entries:
        if e.claimed and e.claimed != e.student and e.identified_by != "notebook metadata" and not (
                roster is not None and roster.get(e.student) is not None
                and roster.match(e.claimed).student == roster.get(e.student)):
            e.flags.append(f"the notebook's metadata names {e.claimed!r}, the file is {e.student}'s")
        if e.identified_by == "notebook metadata":
            e.flags.append("identified only by the notebook's metadata (the student's own claim)")
        if policy is not None and e.counted:
            e.lateness = policy.assess(e.student, e.submitted)
        for q in e.overridden:
            if q.override is not None and q.override.stale:
                e.flags.append(f"{q.question}: override made on an earlier submission")
    found = _similarity(entries)
    for e in entries:
        e.flags += [f"similar: {s}" for s in e.similar]
        if e.solutions_viewed:
            e.flags.append("solution viewed before correct: " + ", ".join(e.solutions_viewed))
    st = Standing(entries, similarity=found, policy=policy, roster=roster)
    if roster is not None:
        for exercise in sorted({e.exercise for e in entries}) or [""]:
            st.missing += [(exercise, s) for s in roster.missing({e.student for e in entries if e.exercise == exercise})]
        st.unknown = [e for e in entries if roster.get(e.student) is None]
        for e in st.unknown:
            e.flags.append("not on the roster")
    return st
