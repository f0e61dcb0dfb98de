"""The ``learnkit`` command: a thin layer over the authoring, runner and grading packages."""
from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Auto-graded deep-learning exercises: build, test and grade notebooks.")
console = Console()


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
def data():
    """Show where each dataset is found (and whether its sha256 matches)."""
    from learnkit import datasets
    table = Table(title="learnkit datasets")
    for col in ("name", "file", "found at", "verified"):
        table.add_column(col, overflow="fold")
    for row in datasets.status():
        table.add_row(row["name"], row["file"], str(row.get("where") or "-"), "yes" if row.get("verified") else "no")
    console.print(table)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
