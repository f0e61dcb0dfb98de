"""What an instructor sees in the terminal: the batch's progress and the summary table."""
from __future__ import annotations

from learnkit.core.result import RunStatus

from learnkit.grading.gradebook import Gradebook
from learnkit.grading.kernels import Outcome
from learnkit.grading.submissions import Submission


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
        self.failed, self.running = 0, []

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


def summary_table(gradebook_path, title: str = "grades"):
    """A rich renderable: a table (student, points, one status column per question), then each run's note."""
    from rich.console import Group
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text
    gb = Gradebook(gradebook_path)
    try:
        runs = [(run, gb.results(run["id"])) for run in gb.current_runs()]
        unsandboxed = gb.not_sandboxed()
    finally:
        gb.close()
    questions = sorted({r["question"] for _, rs in runs for r in rs} - {"*"})
    table = Table(title=title)
    table.add_column("student", overflow="fold", min_width=8)
    table.add_column("points", no_wrap=True)
    for q in questions:
        table.add_column(q, no_wrap=True)
    notes = []
    for run, rs in runs:
        by_q = {r["question"]: r["status"] for r in rs}
        pts = f"{sum(r['points'] for r in rs):g}/{sum(r['max_points'] for r in rs):g}"
        cells = [f"[{STATUS_STYLE.get(by_q[q], 'default')}]{escape(by_q[q])}[/]" if q in by_q
                 else ("[red]error[/]" if "*" in by_q else "") for q in questions]
        table.add_row(escape(run["student"]), pts, *cells)
        if run["reason"]:
            notes.append(Text(f"  {run['student']}: {run['reason'][:160]}", style="dim" if run["status"] == "ok"
                              else "red"))
    if unsandboxed:
        notes.append(Text(f"NOT SANDBOXED: {len(unsandboxed)} run(s) graded with --no-sandbox (see NOT-SANDBOXED.txt)",
                          style="bold red"))
    return Group(table, *([Text("notes:")] + notes if notes else []))
