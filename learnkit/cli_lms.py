"""The ``learnkit`` commands that meet learning-management systems: Canvas and Gradescope exports,
the Gradescope autograder, and assignments imported from nbgrader and otter (registered by ``learnkit.cli``)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

console = Console(soft_wrap=True)
gradescope_app = typer.Typer(help="Gradescope: the autograder zip, and the command it runs.")
import_app = typer.Typer(help="Bring an assignment over from nbgrader or otter as a learnkit exercise.")


def _fail(message: str, code: int = 2):
    console.print(f"[red]{escape(message)}[/red]")
    raise typer.Exit(code)


def export_lms(db: Path, fmt: str, roster: Optional[Path], assignment: Optional[str]) -> None:
    """``learnkit export OUT --format canvas|gradescope`` (called by ``learnkit.cli.export_cmd``)."""
    from learnkit.grading.gradebook import Gradebook
    from learnkit.grading.standing import standing
    if fmt == "gradescope":
        from learnkit.grading.gradescope import write_gradescope
        with Gradebook(db) as gb:
            paths = write_gradescope(standing(gb), db.parent)
        for path in paths:
            console.print(f"wrote {path}")
        return
    from learnkit.grading.canvas import CanvasProblem, write_canvas
    from learnkit.grading.roster import Roster, RosterError
    if roster is None:
        _fail("--format canvas needs --roster: your course's gradebook exported from Canvas "
              "(Grades > Export > Export Entire Gradebook)")
    try:
        class_roster = Roster.read(roster)
        with Gradebook(db) as gb:
            paths, unmatched = write_canvas(standing(gb), class_roster, db.parent, assignment)
    except (RosterError, CanvasProblem) as e:
        _fail(str(e))
    for path in paths:
        console.print(f"wrote {path}")
    if unmatched:
        console.print(f"[red]{len(unmatched)} submission(s) match no student of {escape(str(roster))}[/red] "
                      f"(not in the Canvas file; listed in {escape(str(paths[-1]))}):")
        for u in unmatched:
            console.print(f"  {escape(u.student)} ({escape(u.exercise)}): {u.total:g} points, {escape(u.path)}")


@gradescope_app.command("autograder")
def autograder_cmd(exercise: str = typer.Argument(..., help="The exercise, e.g. deep_learning_intro.ex5"),
                   out: Path = typer.Option(Path("autograder.zip"), "--out", "-o", help="The zip to write"),
                   wheel: Optional[Path] = typer.Option(None, "--wheel", help="A learnkit wheel or sdist to put in "
                                                        "the zip; setup.sh installs it"),
                   pip: Optional[str] = typer.Option(None, "--pip", help="What setup.sh pip-installs when no wheel "
                                                     "is given (default: learnkit==<this version>)"),
                   cell_timeout: float = typer.Option(600, "--cell-timeout", help="Seconds one cell may run"),
                   timeout: float = typer.Option(1800, "--timeout", help="Seconds the notebook may run"),
                   memory: float = typer.Option(4096, "--memory", help="MB the kernel may use (0: no cap)")):
    """Build the autograder zip to upload to a Gradescope programming assignment."""
    from learnkit.grading.autograder import AutograderProblem, Settings, build_zip
    try:
        path = build_zip(exercise, out, wheel=wheel, pip=pip,
                         settings=Settings(exercise, cell_timeout, timeout, memory))
    except AutograderProblem as e:
        _fail(str(e))
    how = f"installs {wheel.name} from the zip" if wheel else f"pip-installs {pip or 'learnkit (this version)'}"
    console.print(f"wrote {path} (setup.sh {escape(how)})")


@gradescope_app.command("run")
def run_cmd(submission: Path = typer.Argument(..., help="The submission folder (/autograder/submission)"),
            results: Path = typer.Option(..., "--results", help="Where results.json goes"),
            config: Path = typer.Option(..., "--config", help="learnkit-autograder.json of the zip")):
    """Grade a Gradescope submission and write results.json (what the zip's run_autograder calls)."""
    from learnkit.grading.autograder import Settings, run
    try:
        settings = Settings.read(config)
    except (OSError, ValueError, TypeError) as e:
        _fail(f"{config}: not an autograder configuration ({e})")
    data = run(submission, results, settings, os.environ.get("LEARNKIT_SANDBOX", "auto").lower())
    console.print(f"score {data['score']:g}; wrote {results}")


def _import(fmt: str, source: Path, course: Optional[str], exercise: Optional[str], root: Path) -> None:
    from learnkit.importers import ImportProblem, import_assignment
    try:
        report = import_assignment(fmt, source, root=root, course=course, exercise=exercise)
    except ImportProblem as e:
        _fail(str(e))
    for path in report.written:
        console.print(f"wrote {path}")
    console.print(f"{len(report.questions)} question(s), {report.points:g} points")
    for note in report.not_carried:
        console.print(f"[yellow]not carried[/yellow]: {escape(note)}")


COURSE = typer.Option(None, "--course", help="Course folder name (default: imported)")
EXERCISE = typer.Option(None, "--exercise", help="Exercise name (default: from the file name)")
ROOT = typer.Option(Path("."), "--root", help="Where notebooks/ and checkers/ are (default: here)")


@import_app.command("nbgrader")
def import_nbgrader(source: Path = typer.Argument(..., help="nbgrader's source notebook (with the solutions)"),
                    course: Optional[str] = COURSE, exercise: Optional[str] = EXERCISE, root: Path = ROOT):
    """Import an nbgrader assignment: notebooks/<course>/<exercise>.py and checkers/<course>/<exercise>.py."""
    _import("nbgrader", source, course, exercise, root)


@import_app.command("otter")
def import_otter(source: Path = typer.Argument(..., help="otter-assign's master notebook"),
                 course: Optional[str] = COURSE, exercise: Optional[str] = EXERCISE, root: Path = ROOT):
    """Import an otter-grader assignment: notebooks/<course>/<exercise>.py and checkers/<course>/<exercise>.py."""
    _import("otter", source, course, exercise, root)
