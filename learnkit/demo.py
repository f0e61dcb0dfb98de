"""``make demo``: the main job on a fresh machine.

Runs the ex5 solution and exercise notebooks in fresh kernels and prints each question's
verdict. When a real dataset cannot be found (no ``LEARNKIT_DATA``, no Kaggle input, no
cache, no network) it generates a stand-in with the same columns and says so loudly.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
NEEDED = ["spotify", "concrete"]


def prepare_data(out: Path, console: Console) -> tuple[str, list[str]]:
    """A data directory holding every needed dataset: the real one, or a loud stand-in."""
    from learnkit import datasets
    missing = []
    for name in NEEDED:
        try:
            datasets.path(name, download=False)
        except FileNotFoundError:
            missing.append(name)
    if not missing:
        return os.environ.get("LEARNKIT_DATA", ""), []
    standin_dir = out / "standin-data"
    standin_dir.mkdir(parents=True, exist_ok=True)
    for name in NEEDED:
        try:  # real files stay real; only the missing ones are generated
            src = datasets.path(name, download=False)
            (standin_dir / src.name).write_bytes(src.read_bytes())
        except FileNotFoundError:
            pass
    datasets.materialize_standins(standin_dir, missing)
    console.print(Panel.fit(
        f"STAND-IN DATA: {', '.join(missing)} could not be found (set LEARNKIT_DATA to a folder holding the "
        f"course's CSV files, see `learnkit data`).\nThe demo uses GENERATED data with the same columns in "
        f"{standin_dir}; the numbers will NOT match the course.", style="bold yellow"))
    return str(standin_dir), missing


def main() -> int:
    from learnkit.authoring.testing import check_notebook
    console = Console()
    out = ROOT / "demo-out"
    out.mkdir(exist_ok=True)
    data_dir, standins = prepare_data(out, console)
    nb_dir = ROOT / "notebooks" / "deep_learning_intro"
    ok = True
    for name in ("ex5_solution.ipynb", "ex5.ipynb"):
        console.print(f"running {name} in a fresh kernel…")
        check = check_notebook(nb_dir / name, data_dir=data_dir or None)
        table = Table(title=f"{name} ({check.variant} notebook, {check.duration:.0f} s)"
                      + (" [STAND-IN DATA]" if standins else ""))
        for col in ("question", "status", "expected", "message"):
            table.add_column(col, overflow="fold")
        for r in check.rows:
            table.add_row(r.question, r.status, r.expected, r.message, style=None if r.ok else "red")
        console.print(table)
        for problem in check.problems:
            console.print(f"[red]{problem}[/red]")
        ok &= check.ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
