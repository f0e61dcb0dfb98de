"""The Gradescope autograder: a zip Gradescope builds its image from, grading with ``learnkit grade``.

``build_zip(exercise, out)`` writes a zip holding (Gradescope copies it to ``/autograder/source``):

* ``setup.sh``: run once when Gradescope builds the image: installs bubblewrap (for the sandbox)
  and learnkit — from the wheel or sdist put in the zip (``--wheel``), else from the pip spec
  (``--pip``, default ``learnkit==<this version>``);
* ``run_autograder``: run for every submission: ``python3 -m learnkit.cli gradescope run``, which
  grades the notebook in ``/autograder/submission`` with the same grader as ``learnkit grade``
  (its own kernel, in its own sandbox, the grader judging facts) and writes
  ``/autograder/results/results.json`` (``learnkit.grading.gradescope``);
* ``learnkit-autograder.json``: the exercise and the limits.

Every path is settable by environment, so the zip is tested locally: ``LEARNKIT_AUTOGRADER_SOURCE``
(the unzipped folder, default ``/autograder/source``), ``LEARNKIT_SUBMISSION``
(``/autograder/submission``), ``LEARNKIT_RESULTS`` (``/autograder/results/results.json``),
``LEARNKIT_PYTHON`` (``python3``). ``LEARNKIT_SANDBOX`` = ``auto`` (default: sandboxed when
bubblewrap works there, else graded without one and the results say NOT SANDBOXED), ``yes`` or ``no``.
"""
from __future__ import annotations

import json
import shlex
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from learnkit.files import atomic_open, write_atomic

CONFIG = "learnkit-autograder.json"

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
cd "$(dirname "$0")"
apt-get update && apt-get install -y --no-install-recommends bubblewrap python3-pip || true
shopt -s nullglob
packages=(./*.whl ./*.tar.gz)
if (( ${#packages[@]} )); then
    pip3 install "${packages[0]}"
else
    pip3 install %(pip)s
fi
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission; it must leave results.json.
set -u
SOURCE="${LEARNKIT_AUTOGRADER_SOURCE:-/autograder/source}"
SUBMISSION="${LEARNKIT_SUBMISSION:-/autograder/submission}"
RESULTS="${LEARNKIT_RESULTS:-/autograder/results/results.json}"
exec "${LEARNKIT_PYTHON:-python3}" -m learnkit.cli gradescope run "$SUBMISSION" \\
    --results "$RESULTS" --config "$SOURCE/%(config)s"
"""


class AutograderProblem(ValueError):
    """The autograder cannot be built as asked (one line for the command)."""


@dataclass
class Settings:
    exercise: str
    cell_timeout: float = 600
    timeout: float = 1800
    memory_mb: float = 4096

    @classmethod
    def read(cls, path: Path) -> "Settings":
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(**{k: raw[k] for k in ("exercise", "cell_timeout", "timeout", "memory_mb") if k in raw})


def build_zip(exercise: str, out: Path, *, wheel: Path | None = None, pip: str | None = None,
              settings: Settings | None = None) -> Path:
    """Write the autograder zip for ``exercise`` (a checker module name, e.g. ``deep_learning_intro.ex5``)."""
    from learnkit import __version__
    from learnkit.core.exercise import load_exercise
    try:
        load_exercise(exercise)
    except Exception as e:  # UnknownExercise, BrokenChecker: say which, nothing written
        raise AutograderProblem(f"cannot load the exercise {exercise!r}: {e}") from None
    if wheel is not None and not (wheel.is_file() and wheel.name.endswith((".whl", ".tar.gz"))):
        raise AutograderProblem(f"{wheel}: not a wheel (.whl) or sdist (.tar.gz) file")
    settings = settings or Settings(exercise)
    spec = pip or f"learnkit=={__version__}"
    with atomic_open(out, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
        scripts = (("setup.sh", SETUP % {"pip": shlex.quote(spec)}), ("run_autograder", RUN % {"config": CONFIG}))
        for name, text in scripts:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o100755 << 16  # executable, as Gradescope wants them
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
        info = zipfile.ZipInfo(CONFIG, date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = 0o100644 << 16
        z.writestr(info, json.dumps(settings.__dict__, indent=1) + "\n")
        if wheel is not None:
            z.write(wheel, wheel.name)
    return Path(out)


def _sandbox(mode: str) -> bool:
    from learnkit.runner import sandbox
    if mode in ("yes", "1", "true"):
        return True
    if mode in ("no", "0", "false"):
        return False
    return sandbox.available()


def run(submission: Path, results_path: Path, settings: Settings, sandbox_mode: str = "auto") -> dict:
    """Grade the one notebook in ``submission`` and write Gradescope's results.json; never raises
    for a bad submission (the results say what went wrong, score 0)."""
    from learnkit.grading import gradescope
    from learnkit.grading.grade import BatchProblem, Options, grade
    from learnkit.grading.gradebook import Gradebook
    from learnkit.grading.standing import standing
    t0 = time.monotonic()
    notebooks = sorted(p for p in Path(submission).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        data = gradescope.failed_results(f"No notebook (.ipynb) in the submission: upload your {settings.exercise} "
                                         "notebook.")
    elif len(notebooks) > 1:
        data = gradescope.failed_results("The submission holds several notebooks (" + ", ".join(
            p.name for p in notebooks) + "): upload only the exercise's notebook.")
    else:
        sandboxed = _sandbox(sandbox_mode)
        opts = Options(workers=1, cell_timeout=settings.cell_timeout, timeout=settings.timeout or None,
                       memory_mb=settings.memory_mb or None, sandbox=sandboxed, save_notebooks=False)
        with tempfile.TemporaryDirectory(prefix="learnkit-gs-") as tmp:
            try:
                grade(notebooks, Path(tmp) / "out", opts)
                with Gradebook(Path(tmp) / "out" / "gradebook.sqlite") as gb:
                    entries = standing(gb).entries
                entry = entries[0]
                if entry.exercise != settings.exercise:
                    data = gradescope.failed_results(
                        f"This notebook is the exercise {entry.exercise or '(unknown)'!r}, not {settings.exercise!r}: "
                        "upload the right notebook.")
                else:
                    data = gradescope.results(entry)
            except BatchProblem as e:
                data = gradescope.failed_results(f"The autograder could not grade: {e}")
    data["execution_time"] = round(time.monotonic() - t0, 3)
    write_atomic(results_path, json.dumps(data, indent=1) + "\n")
    return data
