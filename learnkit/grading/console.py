"""What an instructor sees in the terminal: the batch's progress and the summary table."""
from __future__ import annotations

from learnkit.core.result import RunStatus
from learnkit.grading.gradebook import Gradebook
from learnkit.grading.kernels import Outcome
from learnkit.grading.submissions import Submission
from learnkit.i18n import _n


class BatchProgress:
    """A rich progress bar (done/total, failures, ETA) plus one line per graded submission."""

    def __init__(self, total: int, console=None):
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)
        self.quiet = console is False
        self.progress = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("[red]{task.fields[failed]} failed"), TimeElapsedColumn(),
                                 TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.fields[now]}"),
                                 console=None if self.quiet else console, disable=self.quiet)
        self.task = self.progress.add_task("grading", total=total, failed=0, now="")
        self.failed = 0
        self.running: list[str] = []  # the students being graded now

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)

    def started(self, sub: Submission) -> None:
        self.running.append(sub.student)
        self.progress.update(self.task, now=", ".join(self.running[-3:]))

    def done(self, o: Outcome) -> None:
        if o.submission.student in self.running:
            self.running.remove(o.submission.student)
        self.failed += o.status is not RunStatus.OK
        self.progress.update(self.task, advance=1, failed=self.failed, now=", ".join(self.running[-3:]))
        if not self.quiet:
            from rich.markup import escape
            got, of = o.points
            note = f"[red]{o.status}: {escape(o.reason)}[/red]" if o.status is not RunStatus.OK else ""
            self.progress.console.print(f"{escape(o.submission.student)}: {got:g}/{of:g} points, "
                                        f"{o.duration:.0f} s {note}", highlight=False)


STATUS_STYLE = {"correct": "green", "incorrect": "yellow", "unattempted": "dim", "error": "red",
                "timeout": "magenta", "killed": "magenta"}
SYMBOL = {"correct": "✔", "incorrect": "✘", "unattempted": "–", "error": "!", "timeout": "◷", "killed": "✖"}


def summary_table(gradebook_path, title: str = "grades", width: int | None = None):
    """A rich renderable: per exercise a table (student, points, one status per question), then the
    instructor's notes: failed runs, duplicates and other flags, missing and unknown students.

    ``width``: the terminal's columns; when the words do not fit, statuses become symbols (with a
    legend) so that the student column always keeps its room."""
    from rich.console import Group, RenderableType
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from learnkit.grading.standing import standing
    gb = Gradebook(gradebook_path)
    try:
        st = standing(gb)
    finally:
        gb.close()
    parts: list[RenderableType] = []
    compact_any = False
    for exercise in sorted({e.exercise for e in st.entries}):
        entries = [e for e in st.entries if e.exercise == exercise]
        questions = sorted({q.question for e in entries for q in e.questions} - {"*"}, key=_natural)
        name_w = min(24, max([len("student")] + [len(e.student) + (0 if e.counted else 2) for e in entries]))
        words_w = name_w + 14 + sum(max(len(q), 11) + 3 for q in questions) + 4
        compact = width is not None and words_w > width
        compact_any |= compact
        table = Table(title=f"{title}: {exercise}" if exercise else title)
        table.add_column("student", overflow="fold", min_width=min(name_w, 12), ratio=None)
        table.add_column("points", no_wrap=True)
        for q in questions:
            table.add_column(q.replace("q_", "") if compact else q, no_wrap=True, justify="center" if compact else "left")
        for e in entries:
            by_q = {q.question: q for q in e.questions}
            cells = []
            for q in questions:
                if q not in by_q:
                    cells.append("[red]![/]" if "*" in by_q else "")
                    continue
                g = by_q[q]
                word = SYMBOL.get(g.status, "?") if compact else g.status
                mark = "*" if g.override is not None else ""
                cells.append(f"[{STATUS_STYLE.get(g.status, 'default')}]{escape(word)}{mark}[/]")
            pts = f"{e.total:g}/{e.max_points:g}" + ("*" if e.overridden or e.penalty_percent else "")
            who = escape(e.student) if e.counted else f"[dim]({escape(e.student)})[/]"
            table.add_row(who, pts, *cells)
        parts.append(table)
    if compact_any:
        parts.append(Text("  ".join(f"{sym} {word}" for word, sym in SYMBOL.items()) + "  (columns: question numbers)",
                          style="dim"))
    notes = []
    for e in st.entries:
        if e.reason:
            notes.append(Text(f"  {e.student}: {e.reason[:160]}", style="dim" if e.status == "ok" else "red"))
        for flag in e.flags:
            notes.append(Text(f"  {e.student}: {flag}", style="yellow"))
        for qg in e.overridden:
            if qg.override is not None:
                notes.append(Text(f"  {e.student} {qg.question}: override, {qg.override.describe()}", style="cyan"))
        if e.lateness is not None and e.penalty_percent:
            notes.append(Text(f"  {e.student}: {e.lateness.note}", style="yellow"))
    if st.missing:
        notes.append(Text("  on the roster, no submission: " + ", ".join(
            f"{s.id}" + (f" ({s.name})" if s.name else "") for _, s in st.missing), style="yellow"))
    if st.unknown:
        notes.append(Text("  not on the roster: " + ", ".join(e.student for e in st.unknown), style="yellow"))
    if st.not_sandboxed:
        n = len(st.not_sandboxed)
        notes.append(Text(_n("NOT SANDBOXED: {n} run graded with --no-sandbox (see NOT-SANDBOXED.txt)",
                             "NOT SANDBOXED: {n} runs graded with --no-sandbox (see NOT-SANDBOXED.txt)", n).format(n=n),
                          style="bold red"))
    return Group(*parts, *([Text("notes (* = overridden or late penalty; (name) = not counted):")] + notes
                           if notes else []))


def _natural(s: str) -> list:
    import re
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]
