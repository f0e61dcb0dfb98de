"""What is checked before a batch starts, so that nothing is graded on a false footing.

- every path named exists, and ``--out`` is (or can become) a folder;
- ``--out`` is not in use by another ``learnkit grade`` (an exclusive lock, released at exit
  or when the process dies);
- the data each exercise declares (``Exercise(datasets=...)``) is found, with the right sha256,
  in the folders its kernels will search (``--data-dir``, else LEARNKIT_DATA). Without it every
  correct notebook would fail its data cell and be graded 0.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import warnings
from pathlib import Path

LOCK_FILE = ".learnkit-grade.lock"


class BatchProblem(ValueError):
    """A batch that must not start; the message says what to do."""


def check_paths(paths, out_dir: Path) -> None:
    missing = [str(p) for p in map(Path, paths) if not p.exists()]
    if missing:
        raise BatchProblem("no such file or folder: " + ", ".join(missing))
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise BatchProblem(f"--out {out_dir} is a file; give a folder (it will hold gradebook.sqlite, "
                           "grades.csv and the reports)")
    for parent in out_dir.parents:
        if parent.exists():
            if not parent.is_dir():
                raise BatchProblem(f"--out {out_dir}: {parent} is a file, not a folder")
            break


@contextlib.contextmanager
def output_lock(out_dir: Path):
    """Hold OUT for one ``learnkit grade`` at a time; a second one is refused with who holds it."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_FILE
    f = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            raise BatchProblem(f"{out_dir} is being graded by another `learnkit grade` ({holder}); wait for it to "
                               "finish, or give another --out") from None
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()}")
        f.flush()
        yield
    finally:
        f.close()  # closing releases the lock; the kernel releases it too when the process dies


def data_dirs(data_dir: str | None) -> list[str]:
    return [d for d in (data_dir or os.environ.get("LEARNKIT_DATA") or "").split(os.pathsep) if d.strip()]


@contextlib.contextmanager
def _only(folder: str):
    """Look in ``folder`` alone, as a kernel given it does (not the grader's own LEARNKIT_DATA or cache)."""
    saved = {k: os.environ.get(k) for k in ("LEARNKIT_DATA", "LEARNKIT_CACHE")}
    os.environ["LEARNKIT_DATA"] = folder
    os.environ["LEARNKIT_CACHE"] = os.path.join(folder, ".learnkit-no-cache")
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def check_data(exercises, data_dir: str | None) -> list[str]:
    """For each exercise (``Exercise`` objects), what of its declared data its kernels would not find."""
    from learnkit import data
    dirs = data_dirs(data_dir)
    problems = []
    for ex in exercises:
        for name in getattr(ex, "datasets", ()):
            file = data.info(name).file
            if not dirs:
                problems.append(f"{ex.id} needs {file}, but no data folder is set")
                continue
            found: Path | bool | None = None  # False: found, but not the right file (reported)
            for d in dirs:
                try:
                    with warnings.catch_warnings(), _only(d):
                        warnings.simplefilter("ignore")  # stand-ins are announced once, by the batch
                        found = data.path(name, data_dir=d, download=False)
                    break
                except data.DatasetChecksumError as e:
                    problems.append(f"{ex.id} needs {file}: {str(e).splitlines()[0]}")
                    found = False
                    break
                except data.DatasetError:
                    continue
            if found is None:
                problems.append(f"{ex.id} needs {file}: not found in " + ", ".join(dirs))
    return problems


def require_data(exercises, data_dir: str | None) -> None:
    problems = check_data(exercises, data_dir)
    if problems:
        raise BatchProblem("the course data is not where the kernels will look, so every notebook would fail its "
                           "data cell:\n  " + "\n  ".join(problems) +
                           "\nGive --data-dir FOLDER (the folder holding the course's files) or set LEARNKIT_DATA.")
