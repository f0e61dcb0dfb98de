"""``learnkit demo`` (``make demo``): grade the bundled ex5 example submissions like an instructor would.

Runs ``learnkit grade examples/submissions/ex5 --out demo-out`` (fresh kernels, 60 s cell limit,
memory cap), prints the class summary and where the report is, and checks every example got
the statuses it was written to get. When a real dataset cannot be found it generates a stand-in
with the same columns and says so loudly (and the summary and report say so too).

The examples are student notebooks built from the exercise notebook (``learnkit demo --rebuild-examples``);
they train for fewer epochs than the course asks, so the demo takes a few minutes on 2 cores.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

ROOT = Path(__file__).resolve().parent.parent
NEEDED = ["spotify", "concrete"]
EXAMPLES_DIR = ROOT / "examples" / "submissions" / "ex5"
EXERCISE_NB = ROOT / "notebooks" / "deep_learning_intro" / "ex5.ipynb"

Q1 = """model = keras.Sequential([
    layers.Dense(128, activation='relu', input_shape=input_shape),
    layers.Dropout({rate}),
    layers.Dense(64, activation='relu'),
    layers.Dropout({rate}),
    layers.Dense(1){after}
])
q_1.check()"""
def _q3(bn_first: bool) -> str:
    """q_3's Concrete model: BatchNormalization before every Dense (the answer), or after each hidden one."""
    first = "layers.BatchNormalization(input_shape=input_shape)" if bn_first else \
        "layers.Dense(512, activation='relu', input_shape=input_shape)"
    middle = ["layers.Dense(512, activation='relu')", "layers.BatchNormalization()"] * 3
    rows = [first] + (middle if bn_first else middle[1:]) + ["layers.Dense(1)"]
    return "model = keras.Sequential([\n" + "".join(f"    {r},\n" for r in rows) + "])\nq_3.check()"


Q3, Q3_BN_AFTER = _q3(True), _q3(False)

TRAIN_FOREVER = """# keep training until the validation loss stops improving... (it never stops)
model.compile(optimizer='adam', loss='mae')
while True:
    history = model.fit(X_train, y_train, validation_data=(X_valid, y_valid), batch_size=512, epochs=1, verbose=0)"""
PAIRWISE = """# compare every song with every other song (a 24000 x 24000 matrix: about 4.6 GB)
import numpy as np
X = np.asarray(X_train, dtype='float64')
distances = np.abs(X[:, None, 0] - X[None, :, 0])"""
CRASH = """import os
os._exit(1)  # "restart the kernel" the hard way"""

OK = "correct"
# student: (what the notebook does, q_1 cell, q_3 cell, extra cell after q_1's check, expected statuses).
# q_2/q_4 diagnose a run of q_1's/q_3's model: a run of a wrong model is an attempt, incorrect with the
# reason (learnkit.keras.provenance), not "not attempted".
EXAMPLES = {
    "ada": ("correct answers", Q1.format(rate=0.3, after=""), Q3, None, [OK, OK, OK, OK]),
    "ben": ("dropout rate 0.5", Q1.format(rate=0.5, after=""), Q3, None, ["incorrect", "incorrect", OK, OK]),
    "cy": ("BatchNormalization after each Dense", Q1.format(rate=0.3, after=""), Q3_BN_AFTER, None,
           [OK, OK, "incorrect", "incorrect"]),
    "dee": ("Dropout after the output layer", Q1.format(rate=0.3, after=",\n    layers.Dropout(0.3)"), Q3, None,
            ["incorrect", "incorrect", OK, OK]),
    "eve": ("the untouched starter notebook", None, None, None, ["unattempted"] * 4),
    "fay": ("trains forever (cell time limit)", Q1.format(rate=0.3, after=""), Q3, TRAIN_FOREVER,
            [OK, "timeout", "timeout", "timeout"]),
    "gus": ("a 4.6 GB matrix (memory cap)", Q1.format(rate=0.3, after=""), Q3, PAIRWISE,
            [OK, "killed", "killed", "killed"]),
    "hal": ("exits the kernel with os._exit(1)", Q1.format(rate=0.3, after=""), Q3, CRASH,
            [OK, "killed", "killed", "killed"]),
}
CELL_TIMEOUT, TIMEOUT, MEMORY_MB = 60, 600, 3000  # seconds per cell, seconds per notebook, MB per kernel


def example_notebook(student: str, q1: str | None, q3: str | None, extra: str | None = None,
                     epochs: tuple[int, int] = (10, 20)):
    """The exercise notebook as ``student`` handed it in: answers, an extra cell, shorter training."""
    import nbformat
    nb = nbformat.read(EXERCISE_NB, as_version=4)
    nb.metadata.setdefault("learnkit", {}).pop("variant", None)
    nb.metadata["learnkit"]["student"] = student
    cells = []
    for cell in nb.cells:
        src = cell.source
        if cell.cell_type == "code":
            src = re.sub(r"epochs=50\b", f"epochs={epochs[0]}", src)
            src = re.sub(r"(epochs=|EPOCHS = )100\b", rf"\g<1>{epochs[1]}", src)
            if "YOUR CODE HERE: Add two 30% dropout" in src and q1:
                src = "# YOUR CODE HERE: Add two 30% dropout layers, one after 128 and one after 64\n" + q1
            elif "YOUR CODE HERE: Add a BatchNormalization" in src and q3:
                src = "# YOUR CODE HERE: Add a BatchNormalization layer before each Dense layer\n" + q3
        cell.source = src
        cells.append(cell)
        if extra and "q_1.check()" in src:
            cells.append(nbformat.v4.new_code_cell(extra))
    for cell in cells:
        cell.pop("id", None)
    nb.cells = cells
    nb.nbformat_minor = 4  # no cell ids: stable files
    return nb


def build_examples(folder: Path = EXAMPLES_DIR) -> list[Path]:
    import nbformat
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for student, (_what, q1, q3, extra, _expected) in EXAMPLES.items():
        paths.append(folder / f"{student}.ipynb")
        nbformat.write(example_notebook(student, q1, q3, extra), paths[-1])
    return paths


def prepare_data(out: Path, console: Console) -> tuple[str, list[str]]:
    """A data directory holding every needed dataset: the real one, or a loud stand-in."""
    from learnkit import data
    from learnkit.files import write_atomic
    missing = []
    for name in NEEDED:
        try:
            data.path(name, download=False)
        except FileNotFoundError:
            missing.append(name)
    if not missing and os.environ.get("LEARNKIT_DATA"):
        return os.environ["LEARNKIT_DATA"], []
    # found elsewhere (a user cache a sandboxed kernel cannot see) or missing: one folder with them all
    standin_dir = out / "standin-data"
    standin_dir.mkdir(parents=True, exist_ok=True)
    for name in NEEDED:
        try:  # real files stay real; only the missing ones are generated
            src = data.path(name, download=False)
            write_atomic(standin_dir / src.name, src.read_bytes())
        except FileNotFoundError:
            pass
    if not missing:
        return str(standin_dir), []
    data.materialize_standins(standin_dir, missing)
    console.print(Panel.fit(
        f"STAND-IN DATA: {', '.join(missing)} could not be found (set LEARNKIT_DATA to a folder holding the "
        f"course's CSV files, see `learnkit data`).\nThe demo uses GENERATED data with the same columns in "
        f"{standin_dir}; the numbers will NOT match the course.", style="bold yellow"))
    return str(standin_dir), missing


def run(console: Console | None = None) -> int:
    """Grade the examples into ``demo-out/``, print the summary and the report's place; 1 when an
    example did not get the statuses it was written to get (or the batch was interrupted), else 0."""
    from learnkit.data import DatasetError
    from learnkit.grading.grade import Options, grade, summary_table
    console = console or Console(soft_wrap=True)
    out = ROOT / "demo-out"
    out.mkdir(exist_ok=True)
    try:
        data_dir, standins = prepare_data(out, console)
    except DatasetError as e:  # e.g. a stand-in generator that cannot be imported: say so, no traceback
        console.print(f"[red]{escape(str(e))}[/red]")
        return 2
    note = f"STAND-IN DATA for {', '.join(standins)}: generated, not the course's datasets" if standins else None
    console.print(f"grading {len(EXAMPLES)} example submissions in {EXAMPLES_DIR.relative_to(ROOT)} "
                  f"(cell limit {CELL_TIMEOUT} s, memory cap {MEMORY_MB} MB)…")
    for student, (what, *_rest) in EXAMPLES.items():
        console.print(f"  {student}: {what}")
    opts = Options(workers=os.cpu_count() or 2, force=True, data_dir=data_dir or None, standin_note=note,
                   cell_timeout=CELL_TIMEOUT, timeout=TIMEOUT, memory_mb=MEMORY_MB)
    batch = grade([EXAMPLES_DIR], out, opts, console=console)
    title = "ex5 example submissions" + (" [STAND-IN DATA]" if note else "")
    console.print(summary_table(batch.gradebook, title=title))
    wrong = []
    for o in batch.outcomes:
        expected = EXAMPLES.get(o.submission.student, (None,) * 5)[4]
        got = [r["status"] for r in o.results]
        if expected is not None and got != expected:
            wrong.append(f"{o.submission.student}: expected {expected}, got {got} ({o.reason})")
    for line in wrong:
        console.print(f"[red]NOT AS EXPECTED[/red] {line}")
    if not wrong:
        console.print(f"[green]every example got the statuses it was written to get[/green] ({batch.wall:.0f} s)")
    for path in batch.exported:
        console.print(f"wrote {path}")
    console.print(f"report: {batch.report}")
    if note:
        console.print(Panel.fit(note, style="bold yellow"))
    return 1 if wrong or batch.interrupted else 0
