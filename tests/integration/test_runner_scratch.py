"""learnkit.runner.scratch: every temp folder of grading in one root per process; a killed grader's
root is swept by the next batch, a terminated one removes its own (real `learnkit grade` processes).

Each CLI test gives the graders a private, short TMPDIR (the kernels' ipc socket paths live under it).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from learnkit.runner import sandbox, scratch

from test_kernel_pool import ANSWER, SETUP  # noqa: E402

# --- the module itself (no kernels) ------------------------------------------------------------


@pytest.fixture
def tmp(tmp_path, monkeypatch):
    """tempfile's folder moved to a private one for this test (scratch follows it)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    yield tmp_path
    scratch.remove(scratch.base(tmp_path))


def test_root_is_private_and_per_process(tmp):
    r = scratch.root()
    assert r.parent == tmp / f"learnkit-{os.getuid()}"
    assert r.name == f"{os.getpid()}-{scratch.start_time(os.getpid())}"
    assert stat.S_IMODE(r.stat().st_mode) == 0o700 and stat.S_IMODE(r.parent.stat().st_mode) == 0o700
    assert scratch.root() == r
    d = Path(tempfile.mkdtemp(prefix="learnkit-grade-", dir=scratch.root()))
    assert d.parent == r


def test_a_root_name_taken_by_a_link_is_not_used(tmp):
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    (tmp / f"learnkit-{os.getuid()}").symlink_to(elsewhere)
    r = scratch.root()
    assert r.parent == tmp and r.name.startswith(f"learnkit-{os.getuid()}-") and not list(elsewhere.iterdir())


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_sweep_removes_the_roots_of_dead_processes_only(tmp):
    mine = scratch.root()
    base = mine.parent
    ns = os.readlink("/proc/self/ns/pid")
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        made = {
            "dead": f"{_dead_pid()}-12345",
            "reused": f"{os.getppid()}-999999999999",  # a live pid, another start time: its process is gone
            "live": f"{live.pid}-{scratch.start_time(live.pid)}",
            "other_ns": f"{_dead_pid()}-777",
        }
        for key, name in made.items():
            (base / name / "learnkit-grade-x").mkdir(parents=True)
            (base / name / "learnkit-grade-x" / "copy.ipynb").write_text("{}")
            (base / name / scratch.PIDNS_FILE).write_text("pid:[1]" if key == "other_ns" else ns)
        locked = base / made["dead"] / "learnkit-grade-x" / "ro"  # a notebook made its folder read-only
        locked.mkdir()
        (locked / "f").write_text("x")
        locked.chmod(0o500)
        target = tmp / "not-ours"
        target.mkdir(mode=0o755)
        (target / "keep").write_text("keep")
        mode = stat.S_IMODE(target.stat().st_mode)
        (base / made["dead"] / "link").symlink_to(target)
        (base / "notes").mkdir()  # not a root's name: left alone
        removed = scratch.sweep()
        assert sorted(p.name for p in removed) == sorted([made["dead"], made["reused"]])
        left = sorted(p.name for p in base.iterdir())
        assert left == sorted([mine.name, made["live"], made["other_ns"], "notes"])
        assert (target / "keep").read_text() == "keep" and stat.S_IMODE(target.stat().st_mode) == mode  # links: not followed
    finally:
        live.kill()
        live.wait()
    assert made["live"] in [p.name for p in scratch.sweep()]  # now it is gone too


def test_cleanup_at_exit_removes_the_root(tmp):
    code = ("import tempfile; from learnkit.runner import scratch; "
            "print(tempfile.mkdtemp(prefix='learnkit-run-', dir=scratch.root()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "TMPDIR": str(tmp)}).stdout.strip()
    assert out.startswith(str(tmp / f"learnkit-{os.getuid()}") + "/")
    assert not Path(out).parent.exists()


def test_terminate_as_interrupt_raises_keyboardinterrupt_once_and_restores_the_handler():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        with scratch.terminate_as_interrupt():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler runs at once; this is never reached in full
    assert signal.getsignal(signal.SIGTERM) is before
    with scratch.terminate_as_interrupt():  # a second SIGTERM during the orderly shutdown is ignored
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.1)
        except KeyboardInterrupt:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.1)
    assert signal.getsignal(signal.SIGTERM) is before
    seen = []
    t = threading.Thread(target=lambda: seen.append(scratch.terminate_as_interrupt().__enter__() is None))
    t.start()
    t.join()
    assert seen == [True] and signal.getsignal(signal.SIGTERM) is before  # not the main thread: nothing


# --- real `learnkit grade` processes ----------------------------------------------------------

CONFIGS = {  # where the notebook copy lives: cold / unsandboxed kernels: on disk; prepared sandboxed: in a tmpfs
    "cold": (["--cold-kernels"], True),
    "prepared_unsandboxed": (["--no-sandbox"], True),
    "prepared_sandboxed": ([], False),
}
SANDBOXED = {"cold", "prepared_sandboxed"}


@pytest.fixture
def short_tmp():
    d = Path(tempfile.mkdtemp(prefix="lk-", dir="/tmp"))
    yield d
    scratch.remove(d)


def _config(name):
    if name in SANDBOXED and not sandbox.available():
        pytest.skip(f"no sandbox here: {sandbox.check()[1]}")
    return CONFIGS[name]


def _submission(folder: Path, name: str, marker: str | None) -> Path:
    cells = [SETUP, ANSWER] + ([f"# {marker}\nimport time\ntime.sleep(600)"] if marker else [])
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["learnkit"] = {"exercise": "nn_from_scratch.ex1"}
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{name}.ipynb")
    return folder / f"{name}.ipynb"


def _files(top: Path):
    for folder, _dirs, files in os.walk(top):
        for f in files:
            p = Path(folder) / f
            if stat.S_ISREG(p.lstat().st_mode):
                yield p


def _holding(top: Path, marker: str) -> list[Path]:
    return [p for p in _files(top) if marker.encode() in p.read_bytes()]


def _facts(top: Path) -> list[Path]:
    return [p for p in _files(top) if re.match(r"facts-\w+\.jsonl$", p.name)]


def _finished(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return con.execute("SELECT COUNT(*) FROM runs WHERE finished IS NOT NULL").fetchone()[0]
    except sqlite3.Error:
        return 0


def _wait(condition, what: str, proc: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, f"the grader ended before {what}"
        assert time.monotonic() < deadline, f"not in time: {what}"
        time.sleep(0.2)


def _grader(args: list, tmp: Path, **kw) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmp), "LEARNKIT_LANG": "en"}
    return subprocess.Popen([sys.executable, *map(str, args)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, **kw)


def _gone(procs: list[psutil.Process], seconds: float = 15) -> list[psutil.Process]:
    deadline = time.monotonic() + seconds
    while True:
        left = [p for p in procs if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.xdist_group("scratch")
@pytest.mark.parametrize("config", list(CONFIGS))
def test_a_killed_graders_leftovers_are_swept_by_the_next_batch(tmp_path, short_tmp, config):
    flags, copy_on_disk = _config(config)
    marker = f"learnkit-scratch-{uuid.uuid4().hex}"
    subs = tmp_path / "subs"
    _submission(subs, "slow", marker)
    base = short_tmp / f"learnkit-{os.getuid()}"
    grader = _grader(["-m", "learnkit.cli", "grade", subs, "--out", tmp_path / "out", "--workers", "1", *flags],
                     short_tmp, start_new_session=True)
    tree: list[psutil.Process] = []
    try:  # the kernel ran the student's first cells: their facts are on disk; it is now in the long cell
        _wait(lambda: _facts(short_tmp), "a kernel ran the notebook", grader)
        tree = psutil.Process(grader.pid).children(recursive=True)
    finally:
        os.killpg(grader.pid, signal.SIGKILL)
        grader.wait()
    assert _gone(tree) == []  # its kernels and fork server die with it (tests/integration/test_sandbox.py)
    [left] = [p for p in base.iterdir() if p.name.startswith(f"{grader.pid}-")] if base.is_dir() else [short_tmp]
    assert _facts(left)
    if copy_on_disk:
        assert any(p.suffix == ".ipynb" for p in _holding(left, marker)), "the notebook copy was left"
    else:
        assert _holding(short_tmp, marker) == []  # a prepared sandboxed kernel's copy lived in its tmpfs
    # the next batch (another submission, another output folder) sweeps it
    nxt = _grader(["-m", "learnkit.cli", "grade", _submission(tmp_path / "subs2", "honest", None),
                   "--out", tmp_path / "out2", "--workers", "1", *flags], short_tmp)
    assert nxt.wait(timeout=300) == 0
    assert _holding(short_tmp, marker) == [] and _facts(short_tmp) == []
    assert list(base.iterdir()) == []  # the killed grader's root swept, the second's removed at its exit
    assert list(short_tmp.iterdir()) == [base]  # and nothing of grading was made outside it


@pytest.mark.slow
@pytest.mark.xdist_group("scratch")
@pytest.mark.parametrize("config", list(CONFIGS))
def test_a_terminated_grader_saves_its_finished_runs_and_leaves_nothing(tmp_path, short_tmp, config):
    """SIGTERM (a service stop, a batch scheduler) is an orderly interruption, as Ctrl-C is. The
    grader is the plain `learnkit grade` command."""
    flags, _copy_on_disk = _config(config)
    marker = f"learnkit-scratch-{uuid.uuid4().hex}"
    subs = tmp_path / "subs"
    _submission(subs, "a_quick", None)
    _submission(subs, "b_slow", marker)
    out = tmp_path / "out"
    base = short_tmp / f"learnkit-{os.getuid()}"
    grader = _grader(["-m", "learnkit.cli", "grade", subs, "--out", out, "--workers", "1", *flags], short_tmp)
    tree: list[psutil.Process] = []
    try:  # a_quick is recorded and b_slow's kernel has run its first cells (a_quick's folders are gone by then)
        _wait(lambda: _finished(out / "gradebook.sqlite") == 1 and _facts(short_tmp),
              "one run finished and the next one started", grader)
        tree = psutil.Process(grader.pid).children(recursive=True)
        grader.send_signal(signal.SIGTERM)
        rc = grader.wait(timeout=120)
    finally:
        if grader.poll() is None:
            grader.kill()
            grader.wait()
    assert rc != 0  # interrupted: 130
    assert _gone(tree) == []
    assert _finished(out / "gradebook.sqlite") == 1  # the finished run is saved (b_slow is redone next time)
    grades = (out / "grades.csv").read_text()
    assert "a_quick" in grades and "b_slow" not in grades
    assert _holding(short_tmp, marker) == [] and _facts(short_tmp) == []
    assert list(base.iterdir()) == [] and list(short_tmp.iterdir()) == [base]
