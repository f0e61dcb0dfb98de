"""The ``learnkit`` command: a thin layer over the authoring, runner and grading packages."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional, Protocol, TypeGuard

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from learnkit.i18n import _n

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Auto-graded deep-learning exercises: build, test and grade notebooks.")
console = Console(soft_wrap=True)  # never break file paths across lines


@app.command()
def build(paths: List[Path] = typer.Argument(None, help="Exercise sources or folders (default: notebooks/)"),
          check: bool = typer.Option(False, "--check", help="Fail if a committed notebook is out of date")):
    """Write each exercise's exercise and solution notebooks from its text source."""
    from learnkit.authoring import build as do_build
    report = do_build(paths or [Path("notebooks")], check=check)
    for p in report.written:
        console.print(f"wrote {p}")
    for p in report.stale:
        console.print(f"[red]out of date:[/red] {p} (run `learnkit build` and commit it)")
    if check and report.ok:
        console.print(f"{len(report.unchanged)} notebooks up to date")
    raise typer.Exit(0 if report.ok else 1)


@app.command("test")
def test_cmd(paths: List[Path] = typer.Argument(None, help="Sources, notebooks or folders (default: notebooks/)"),
             workers: int = typer.Option(os.cpu_count() or 2, "--workers", "-j", help="Notebooks run in parallel"),
             keras_backend: Optional[str] = typer.Option(None, "--keras-backend", help="tensorflow or jax"),
             data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Where the datasets are (LEARNKIT_DATA)")):
    """Run author tests, solution notebooks (all correct) and exercise notebooks (all unattempted)."""
    from learnkit.authoring.testing import run_all

    def done(check):
        mark = "[green]PASS[/green]" if check.ok else "[red]FAIL[/red]"
        console.print(f"{mark} {check.name} ({check.variant}, {check.duration:.0f} s)")

    checks = run_all(paths or [Path("notebooks")], workers=workers, keras_backend=keras_backend,
                     data_dir=str(data_dir) if data_dir else None, on_done=done)
    table = Table(title="learnkit test")
    for col in ("notebook", "variant", "question", "status", "expected", "message"):
        table.add_column(col, overflow="fold")
    for c in checks:
        for r in c.rows:
            style = "" if r.ok else "red"
            table.add_row(Path(c.name).name, c.variant, r.question, r.status, r.expected, r.message[:120], style=style)
    console.print(table)
    failed = [c for c in checks if not c.ok]
    for c in failed:
        for f in c.failures():
            console.print(f"[red]FAILED[/red] {c.name}: {f}")
    console.print(f"{len(checks) - len(failed)} passed, {len(failed)} failed")
    raise typer.Exit(1 if failed else 0)


@app.command()
def demo(rebuild_examples: bool = typer.Option(False, "--rebuild-examples",
                                               help="Write the example submissions again from the exercise "
                                               "notebook (nothing is graded)")):
    """Grade the bundled ex5 example submissions into demo-out/, like an instructor would."""
    from learnkit import demo as the_demo
    if rebuild_examples:
        for p in the_demo.build_examples():
            console.print(f"wrote {p}")
        raise typer.Exit(0)
    raise typer.Exit(the_demo.run(console))


@app.command()
def data():
    """Show where each dataset is found (and whether its sha256 matches)."""
    from learnkit.data import status
    table = Table(title="learnkit datasets")
    for col in ("name", "file", "found at", "verified"):
        table.add_column(col, overflow="fold")
    for row in status():
        table.add_row(row["name"], row["file"], str(row.get("where") or "-"), "yes" if row.get("verified") else "no")
    console.print(table)


@app.command("grade")
def grade_cmd(submissions: List[Path] = typer.Argument(..., help="Notebooks, or folders searched for *.ipynb"),
              out: Path = typer.Option(..., "--out", "-o", help="Output folder: gradebook.sqlite, grades.csv, reports"),
              workers: int = typer.Option(os.cpu_count() or 2, "--workers", "-j", help="Kernels run in parallel"),
              cell_timeout: float = typer.Option(600, "--cell-timeout", help="Seconds one cell may run"),
              timeout: float = typer.Option(1800, "--timeout", help="Seconds one notebook may run"),
              memory: float = typer.Option(4096, "--memory", help="MB one kernel may use, children included (0: no cap)"),
              max_output: float = typer.Option(5, "--max-output", help="MB of outputs kept per notebook"),
              force: bool = typer.Option(False, "--force", help="Regrade submissions already graded"),
              keras_backend: Optional[str] = typer.Option(None, "--keras-backend", help="tensorflow or jax"),
              data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Where the datasets are (LEARNKIT_DATA)"),
              dask: Optional[str] = typer.Option(None, "--dask", help="Run on a Dask cluster: tcp://host:8786, or "
                                                 "local:N for a LocalCluster of N worker processes"),
              prepared: bool = typer.Option(True, "--prepared-kernels/--cold-kernels",
                                            help="Start the next kernels ahead, with the exercise's imports done "
                                            "(each still serves one submission only)"),
              jax_cache: bool = typer.Option(True, "--jax-cache/--no-jax-cache",
                                             help="With --keras-backend jax: kernels share compiled XLA programs"),
              gpu_memory: float = typer.Option(0, "--gpu-memory", help="MB of GPU memory per kernel (0: the GPU's "
                                               "memory / the kernels placed on it, minus a reserve)"),
              sandbox: bool = typer.Option(True, "--sandbox/--no-sandbox",
                                           help="Each kernel in its own sandbox (bubblewrap: no network, only its "
                                           "own folder writable, quotas); --no-sandbox marks the runs NOT SANDBOXED"),
              roster: Optional[Path] = typer.Option(None, "--roster", help="CSV of the class (id, name, aliases): "
                                                    "maps file names to students; lists missing and unknown ones"),
              manifest: Optional[Path] = typer.Option(None, "--manifest", help="CSV file,submitted[,student]: the "
                                                      "submission times (else each file's modification time)"),
              due: Optional[str] = typer.Option(None, "--due", help="Deadline, e.g. 2026-12-01T23:59 (local time "
                                                "unless it names a zone)"),
              late_penalty: float = typer.Option(0, "--late-penalty", help="Percent off per day late (any part of "
                                                 "a day counts)"),
              late_cap: float = typer.Option(100, "--late-cap", help="At most this percent off"),
              zero_after: Optional[str] = typer.Option(None, "--zero-after", help="Submissions after this time get 0"),
              extensions: Optional[Path] = typer.Option(None, "--extensions", help="CSV student,due or student,days: "
                                                        "personal deadlines")):
    """Grade submissions, each in a fresh kernel, into OUT/gradebook.sqlite; export grades.csv and reports."""
    from learnkit.core.result import RunStatus
    from learnkit.grading.grade import BatchProblem, Options, grade, summary_table
    from learnkit.runner import gpu
    try:
        policy = _late_policy(due, late_penalty, late_cap, zero_after, extensions)
        class_roster, times = _class_files(roster, manifest)
    except ValueError as e:  # RosterError, PolicyError: a clear line, nothing graded
        console.print(f"[red]{escape(str(e))}[/red]")
        raise typer.Exit(2)
    try:
        gpus = gpu.gpus()
    except ValueError as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(2)
    if gpus and not dask:  # (on Dask each worker machine places its own kernels)
        console.print(gpu.describe(max(1, workers), gpu_memory or None))
    opts = Options(workers=max(1, workers), cell_timeout=cell_timeout, timeout=timeout or None,
                   memory_mb=memory or None, max_output_mb=max_output, force=force, keras_backend=keras_backend,
                   data_dir=str(data_dir) if data_dir else None, prepared_kernels=prepared,
                   jax_cache=jax_cache, gpu_memory_mb=gpu_memory or None, sandbox=sandbox,
                   roster=class_roster, manifest=times, late_policy=policy)
    from learnkit.runner import sandbox as sandbox_mod
    if not sandbox:
        console.print("[bold red]NOT SANDBOXED[/bold red]: --no-sandbox: the notebooks' kernels run as your user, "
                      "with the network and your files within reach; the runs are marked NOT SANDBOXED")
    elif not dask and not sandbox_mod.available():
        console.print(f"[red]cannot sandbox the kernels[/red]: {sandbox_mod.check()[1]}")
        raise typer.Exit(2)
    from learnkit.runner import scratch
    try:
        with scratch.terminate_as_interrupt():  # SIGTERM stops the batch as Ctrl-C does: runs saved, nothing left
            if dask:
                from learnkit.grading.distributed import grade_on_dask
                batch = grade_on_dask(submissions, out, opts, dask, console=console)
            else:
                batch = grade(submissions, out, opts, console=console)
    except BatchProblem as e:
        console.print(f"[red]cannot grade[/red]: {escape(str(e))}")
        raise typer.Exit(2)
    if not batch.outcomes and not batch.skipped:
        console.print("[red]no notebooks found[/red] in " + ", ".join(map(str, submissions)))
        raise typer.Exit(2)
    console.print(summary_table(batch.gradebook, title="grades", width=console.width))
    console.print(f"gradebook: {batch.gradebook}")
    failed = sum(o.status is not RunStatus.OK for o in batch.outcomes)
    console.print(_n("graded {n} submission in {s:.0f} s ({failed} with a failed run)",
                     "graded {n} submissions in {s:.0f} s ({failed} with a failed run)",
                     len(batch.outcomes)).format(n=len(batch.outcomes), s=batch.wall, failed=failed))
    if batch.skipped:
        console.print(f"{len(batch.skipped)} skipped (already graded; --force regrades them)")
    for path in batch.exported:
        console.print(f"wrote {path}")
    if batch.report:
        console.print(f"report: {batch.report}")
    if batch.interrupted:
        console.print("[red]interrupted[/red]: the finished runs are saved; run the same command again to finish")
        raise typer.Exit(130)


def _late_policy(due, percent, cap, zero_after, extensions):
    from learnkit.grading.lateness import LatePolicy, PolicyError, parse_when, read_extensions
    if due is None and zero_after is None and extensions is None:
        if percent:
            raise PolicyError("--late-penalty needs --due")
        return None
    when = parse_when(due) if due else None
    return LatePolicy(due=when, percent_per_day=percent, cap_percent=cap,
                      zero_after=parse_when(zero_after) if zero_after else None,
                      extensions=read_extensions(extensions, when) if extensions else {})


def _class_files(roster, manifest):
    from learnkit.grading.lateness import read_manifest
    from learnkit.grading.roster import Roster
    return (Roster.read(roster) if roster else None), (read_manifest(manifest) if manifest else None)


def _gradebook_path(out: Path) -> Path:
    db = out if out.suffix == ".sqlite" else out / "gradebook.sqlite"
    if not db.is_file():
        console.print(f"[red]no gradebook at {escape(str(db))}[/red]: run `learnkit grade ... --out {escape(str(out))}` "
                      "first")
        raise typer.Exit(2)
    return db


@app.command("export")
def export_cmd(out: Path = typer.Argument(..., help="A grading output folder (holding gradebook.sqlite)"),
               fmt: str = typer.Option("csv", "--format", help="csv (grades.csv + totals.csv), json (grades.json), "
                                       "canvas (canvas.csv to import) or gradescope (results.json per submission)"),
               roster: Optional[Path] = typer.Option(None, "--roster", help="canvas: the gradebook exported from Canvas"),
               assignment: Optional[str] = typer.Option(None, "--assignment", help="canvas: the column, e.g. "
                                                        "\"Exercise 5 (1234)\" (default: one per exercise)")):
    """Export the gradebook of a grading folder again (overrides, lateness, roster and flags included)."""
    from learnkit.grading.exports import FORMATS, export
    from learnkit.grading.gradebook import Gradebook
    if fmt not in FORMATS:
        console.print(f"[red]unknown format {escape(fmt)!r}[/red]: use {', '.join(FORMATS)}")
        raise typer.Exit(2)
    db = _gradebook_path(out)
    if fmt in ("canvas", "gradescope"):
        from learnkit.cli_lms import export_lms
        return export_lms(db, fmt, roster, assignment)
    with Gradebook(db) as gb:
        paths = export(gb, db.parent, fmt)
    for path in paths:
        console.print(f"wrote {path}")


@app.command("override")
def override_cmd(out: Path = typer.Argument(..., help="A grading output folder (holding gradebook.sqlite)"),
                 student: str = typer.Argument(..., help="The student id, as in grades.csv"),
                 question: str = typer.Argument(..., help="q_1, q_2, … (or 1, 2, …)"),
                 points: Optional[float] = typer.Argument(None, help="The points this question gets"),
                 comment: str = typer.Option("", "--comment", "-m", help="Why (shown to the student and in exports)"),
                 exercise: Optional[str] = typer.Option(None, "--exercise", help="When the student has several"),
                 by: Optional[str] = typer.Option(None, "--by", help="Who decides (default: your user name)"),
                 remove: bool = typer.Option(False, "--remove", help="Remove the override: the grader's points again")):
    """Set a question's points by hand, with a comment; kept across regrades; the reports and exports follow."""
    import getpass

    from learnkit.grading.overrides import OverrideProblem, apply_override
    db = _gradebook_path(out)
    try:
        text = apply_override(db, student, question, points, comment, exercise=exercise,
                              author=by or getpass.getuser(), remove=remove)
    except OverrideProblem as e:
        console.print(f"[red]{escape(str(e))}[/red]")
        raise typer.Exit(2)
    console.print(text)


from learnkit.cli_lms import gradescope_app, import_app  # noqa: E402  (Canvas, Gradescope, nbgrader, otter)

app.add_typer(gradescope_app, name="gradescope")
app.add_typer(import_app, name="import")

i18n_app = typer.Typer(help="Maintain the message catalogs (framework and course content).")
app.add_typer(i18n_app, name="i18n")


@i18n_app.command("update")
def i18n_update(lang: str = typer.Argument("zh-TW")):
    """Add new messages to the .po catalogs of LANG (and drop obsolete ones)."""
    from learnkit import i18n_tools
    for domain, n in i18n_tools.update(lang).items():
        console.print(f"{i18n_tools.po_path(domain, lang)}: "
                      + _n("{n} new message to translate", "{n} new messages to translate", n).format(n=n))


@i18n_app.command("compile")
def i18n_compile(lang: str = typer.Argument("zh-TW")):
    """Compile the .po catalogs of LANG into the .mo files used at run time."""
    from learnkit import i18n_tools
    for path in i18n_tools.compile_all(lang):
        console.print(f"wrote {path}")


@i18n_app.command("check")
def i18n_check(lang: str = typer.Argument("zh-TW")):
    """Fail if a framework message has no translation in LANG."""
    from learnkit import i18n_tools
    missing = i18n_tools.check(lang)
    for domain, ids in missing.items():
        for m in ids:
            console.print(f"[red]untranslated[/red] ({domain}): {m!r}")
    total = sum(len(v) for v in missing.values())
    console.print(_n("{n} untranslated message", "{n} untranslated messages", total).format(n=total))
    raise typer.Exit(1 if total else 0)


class _ClickError(Protocol):
    """What a click exception offers (a UsageError also names its ``ctx``)."""
    exit_code: int

    def format_message(self) -> str: ...

    def show(self) -> None: ...


def _is_click_error(e: BaseException) -> TypeGuard[_ClickError]:
    """Known by its public surface: recent typer releases carry their own copy of click."""
    return callable(getattr(e, "format_message", None)) and callable(getattr(e, "show", None)) \
        and isinstance(getattr(e, "exit_code", None), int)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; a wrong command, option or argument is one line on stderr (exit 2)."""
    try:
        code = app(args=argv, prog_name="learnkit", standalone_mode=False)
    except typer.Abort:  # Ctrl-C at a prompt
        typer.echo("Aborted!", err=True)
        sys.exit(1)
    except Exception as e:
        if not _is_click_error(e):
            raise  # a bug: its traceback
        ctx = getattr(e, "ctx", None)
        if ctx is None or type(e).__name__ == "NoArgsIsHelpError":  # e.g. `learnkit` alone: the help
            e.show()
            sys.exit(e.exit_code)
        where = escape(ctx.command_path)
        Console(stderr=True, soft_wrap=True, highlight=False).print(
            f"[red]{where}: {escape(e.format_message())}[/red] (see `{where} --help`)")
        sys.exit(e.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
