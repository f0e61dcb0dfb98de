"""Every grading kernel in its own sandbox (learnkit.runner.sandbox): real kernels, real attempts.

Each hostile notebook below also answers q_1 correctly: the sandbox must stop what it tries and
still let it (and its honest neighbours) get their marks. Evidence is taken from the HOST side
wherever possible (the TCP listener's accept count, psutil's process list after the batch).
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from learnkit.grading.exports import NOT_SANDBOXED_FILE
from learnkit.grading.gradebook import Gradebook
from learnkit.grading.standing import standing
from learnkit.grading.grade import Options, grade
from learnkit.runner import sandbox

from test_kernel_pool import ANSWER, SETUP  # noqa: E402
from repo import ROOT  # noqa: E402

needs_sandbox = pytest.mark.skipif(not sandbox.available(), reason=f"no sandbox here: {sandbox.check()[1]}")
QUOTA_MB = 64

PROBE = r'''import glob as _g, json as _j, os as _o, socket as _s, sys as _sys, time as _t
_r = {"pid": _o.getpid(), "ppid": _o.getppid(), "cwd": _o.getcwd(),
      "procs": sorted(int(p) for p in _o.listdir("/proc") if p.isdigit())}
try:
    _s.create_connection(("127.0.0.1", PORT), timeout=3).close()
    _r["tcp"] = "connected"
except OSError as e:
    _r["tcp"] = type(e).__name__
_r["visible"] = {p: _o.path.exists(p) for p in PATHS}
_r["tmp"] = sorted(_g.glob("/tmp/**", recursive=True))
_r["runs"] = sorted(_g.glob("/tmp/**/run", recursive=True))  # its private run folder (in the grader's scratch root)
_r["grader_proc"] = _o.path.exists("/proc/GRADER")
try:
    _o.kill(GRADER, 0)
    _r["kill_grader"] = "sent"
except OSError as e:
    _r["kill_grader"] = type(e).__name__
_p = _o.fork()
if _p == 0:  # a daemon: double fork + setsid
    _o.setsid()
    if _o.fork() == 0:
        _o.execv(_sys.executable, [_sys.executable, "-c", "import time; time.sleep(DAEMON_S)", "MARKER"])
    _o._exit(0)
_o.waitpid(_p, 0)
_t.sleep(1)
def _cmd(p):
    try:
        return open(f"/proc/{p}/cmdline").read()
    except OSError:
        return ""
_r["daemon_inside"] = any("MARKER" in _cmd(p) for p in _o.listdir("/proc") if p.isdigit())
for _w in [".", "/tmp"] + _r["runs"]:
    try:
        with open(_o.path.join(_w, "big"), "wb") as _f:
            for _i in range(2 * QUOTA):
                _f.write(b"x" * 2**20)
        _r["write " + _w] = "ok"
    except OSError as e:
        _r["write " + _w] = e.errno
    try:
        _o.remove(_o.path.join(_w, "big"))
    except OSError:
        pass
print("PROBE" + _j.dumps(_r))
'''


def _probe(port: int, paths: list[str], marker: str, daemon_s: int = 300) -> str:
    return (PROBE.replace("PORT", str(port)).replace("PATHS", repr(paths)).replace("GRADER", str(os.getpid()))
            .replace("MARKER", marker).replace("DAEMON_S", str(daemon_s)).replace("QUOTA", str(QUOTA_MB)))


def _write(folder: Path, name: str, first: str, answer: str = ANSWER) -> Path:
    nb = new_notebook(cells=[new_code_cell(first), new_code_cell(SETUP), new_code_cell(answer)])
    nb.metadata["learnkit"] = {"exercise": "nn_from_scratch.ex1"}
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{name}.ipynb")
    return folder / f"{name}.ipynb"


class Listener:
    """A TCP listener on the host's 127.0.0.1 that counts the connections it accepts."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.accepted += 1
                conn.close()
            except OSError:
                pass

    def close(self):
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


def _marked(marker: str) -> list[psutil.Process]:
    found = []
    for p in psutil.process_iter(["cmdline"]):
        try:
            if marker in " ".join(p.info["cmdline"] or []) and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p)
        except psutil.Error:
            pass
    return found


def _owned(probe: dict) -> list[str]:
    """A kernel's own folders: its working folder and its sandbox's (the parent of its run folder)."""
    return [probe["cwd"]] + [str(Path(r).parent) for r in probe["runs"]]


def _probes(out: Path) -> dict[str, dict]:
    seen = {}
    for f in (out / "executed").glob("*.ipynb"):
        nb = nbformat.read(f, as_version=4)
        text = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.get("output_type") == "stream")
        line = [ln for ln in text.splitlines() if ln.startswith("PROBE")]
        seen[f.stem.split("-")[0]] = json.loads(line[0][5:]) if line else {"outputs": nb.cells[0].outputs}
    return seen


@needs_sandbox
@pytest.mark.slow
@pytest.mark.xdist_group("sandbox")
@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "cold"])
def test_hostile_notebooks_are_confined_and_honest_ones_still_get_their_marks(tmp_path, prepared):
    marker = f"learnkit-sandbox-daemon-{uuid.uuid4().hex}"
    subs, out = tmp_path / "subs", tmp_path / "out"
    host_tmp = Path("/tmp") / f"learnkit-test-host-secret-{uuid.uuid4().hex}"
    host_tmp.write_text("secret")
    listener = Listener()
    try:
        paths = [str(subs), str(out), str(out / "gradebook.sqlite"), str(host_tmp),
                 str(Path(__file__).resolve()), str(ROOT / "examples"),
                 str(ROOT / "Makefile")]  # the checkout: only its packages are shown
        for i in range(3):
            _write(subs, f"evil{i}", _probe(listener.port, paths, marker))
        _write(subs, "honest", "x = 1")
        batch = grade([subs], out, Options(workers=2, prepared_kernels=prepared, cell_timeout=60, timeout=120,
                                           write_quota_mb=QUOTA_MB), console=False)
    finally:
        listener.close()
        host_tmp.unlink()
    marks = {o.submission.student: ({r["question"]: r["status"] for r in o.results}, o.status, o.reason)
             for o in batch.outcomes}
    assert all(m[0]["q_1"] == "correct" and m[1] == "ok" for m in marks.values()), marks
    assert all(o.sandboxed for o in batch.outcomes)
    assert listener.accepted == 0  # seen from the host: no connection ever arrived
    seen = {k: v for k, v in _probes(out).items() if k != "honest"}
    assert set(seen) == {"evil0", "evil1", "evil2"}, seen
    cwds = {name: s["cwd"] for name, s in seen.items()}
    assert len(set(cwds.values())) == 3
    for name, s in seen.items():
        assert s["tcp"] in ("OSError", "ConnectionRefusedError"), s["tcp"]  # network unreachable: no route at all
        assert not any(s["visible"].values()), s["visible"]  # submissions, --out, gradebook, host /tmp, the checkout
        assert s["ppid"] in (0, 1) and s["pid"] in (1, 2)  # its own PID namespace: the grader is not there
        assert max(s["procs"]) < 10 and os.getpid() not in s["procs"] and not s["grader_proc"]
        assert s["kill_grader"] == "ProcessLookupError"
        assert s["daemon_inside"]  # the daemon did start...
        # in /tmp: its own working folder and private run folder, the folders above them, nothing else
        assert len(s["runs"]) == 1, s["runs"]
        mine = _owned(s)
        above = {str(a) for m in mine for a in Path(m).parents}
        assert all(p in above or any(p == m or p.startswith(m + "/") for m in mine)
                   for p in s["tmp"] if p.startswith("/tmp/learnkit-")), s["tmp"]
        others = [m for n, o in seen.items() if n != name for m in _owned(o)]
        assert not any(p == c or p.startswith(c + "/") for c in others for p in s["tmp"]), s["tmp"]
        writes = {k: v for k, v in s.items() if k.startswith("write ")}
        assert len(writes) == 3, writes  # the working folder, /tmp and the private run folder
        assert all(v in (27, 28) for v in writes.values()), writes  # EFBIG / ENOSPC: the quota, not the disk
    time.sleep(1)
    assert _marked(marker) == []  # ...and died with its kernel
    with Gradebook(out / "gradebook.sqlite") as gb:
        assert standing(gb).not_sandboxed == []
    assert not (out / NOT_SANDBOXED_FILE).exists()


@needs_sandbox
@pytest.mark.slow
@pytest.mark.xdist_group("sandbox")
@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "cold"])
def test_memory_cap_counts_a_setsid_daemon(tmp_path, prepared):
    """A daemon (double fork + setsid) holding 900 MB is still inside the sandbox's process tree."""
    marker = f"learnkit-sandbox-hog-{uuid.uuid4().hex}"
    hog = (f"import os, sys, time\n_p = os.fork()\nif _p == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
           f"        os.execv(sys.executable, [sys.executable, '-c', 'import time; b = b\"x\" * (900 << 20); "
           f"time.sleep(120)', {marker!r}])\n    os._exit(0)\nos.waitpid(_p, 0)\ntime.sleep(20)\n")
    _write(tmp_path / "subs", "hog", hog)
    _write(tmp_path / "subs", "honest", "x = 1")
    batch = grade([tmp_path / "subs"], tmp_path / "out",
                  Options(workers=2, prepared_kernels=prepared, cell_timeout=60, timeout=120, memory_mb=700),
                  console=False)
    got = {o.submission.student: o for o in batch.outcomes}
    assert got["hog"].status == "killed" and "memory" in got["hog"].reason, got["hog"].reason
    assert {r["question"]: r["status"] for r in got["honest"].results}["q_1"] == "correct"
    time.sleep(1)
    assert _marked(marker) == []


@needs_sandbox
@pytest.mark.slow
@pytest.mark.xdist_group("sandbox")
def test_a_grader_killed_with_sigkill_leaves_no_kernel_server_or_daemon(tmp_path):
    marker = f"learnkit-sandbox-orphan-{uuid.uuid4().hex}"
    subs = tmp_path / "subs"
    for i in range(2):
        _write(subs, f"slow{i}", _probe(9, [], marker, daemon_s=600) + "\nimport time\ntime.sleep(120)\n")
    env = dict(os.environ, LEARNKIT_LANG="en")
    grader = subprocess.Popen([sys.executable, "-m", "learnkit.cli", "grade", str(subs), "--out", str(tmp_path / "out"),
                               "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(_marked(marker)) < 2:  # both kernels are running student code (and their daemons)
            assert grader.poll() is None and time.monotonic() < deadline, "the kernels never started"
            time.sleep(0.3)
        tree = psutil.Process(grader.pid).children(recursive=True)
        assert any("forkserver" in " ".join(p.cmdline()) for p in tree)  # prepared kernels: a fork server
    finally:
        grader.send_signal(signal.SIGKILL)
        grader.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        left = [p for p in tree if _alive(p)] + _marked(marker)
        if not left:
            break
        time.sleep(0.2)
    assert left == [], [(p.pid, p.cmdline()) for p in left if _alive(p)]


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


@pytest.mark.slow
@pytest.mark.xdist_group("sandbox")
def test_no_sandbox_runs_are_marked_not_sandboxed(tmp_path):
    _write(tmp_path / "subs", "s0", "x = 1")
    batch = grade([tmp_path / "subs"], tmp_path / "out", Options(workers=1, prepared_kernels=False, sandbox=False,
                                                                 cell_timeout=60, timeout=120), console=False)
    assert [o.sandboxed for o in batch.outcomes] == [False]
    warning = tmp_path / "out" / NOT_SANDBOXED_FILE
    assert warning in batch.exported and "NOT SANDBOXED" in warning.read_text()
    assert "NOT SANDBOXED" in (tmp_path / "out" / "index.html").read_text()


def test_grading_refuses_without_a_sandbox_and_says_how_to_get_one(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from learnkit.cli import app
    monkeypatch.setattr(sandbox, "check", lambda: (False, "bubblewrap (`bwrap`) is not installed: " +
                                                   sandbox.INSTALL_HINT))
    _write(tmp_path / "subs", "s0", "x = 1")
    with pytest.raises(sandbox.SandboxUnavailable):
        grade([tmp_path / "subs"], tmp_path / "out", Options(workers=1), console=False)
    result = CliRunner().invoke(app, ["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out2")])
    assert result.exit_code == 2
    assert "apt-get install -y bubblewrap" in result.output and "--no-sandbox" in result.output
    assert not (tmp_path / "out2" / "gradebook.sqlite").exists()


@needs_sandbox
def test_the_policy_shows_only_what_a_kernel_needs(tmp_path):
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "a.ipynb").write_text("{}")
    box = sandbox.Sandbox.create(data=(str(tmp_path),), hide=(str(tmp_path / "subs"),))
    try:
        argv = box.argv(["true"])
        ro = {argv[i + 1] for i, a in enumerate(argv) if a == "--ro-bind"}
        rw = {argv[i + 1] for i, a in enumerate(argv) if a == "--bind"}
        assert rw == {str(box.run)}  # the one host folder it may write
        assert str(tmp_path) in ro and str(Path(sandbox.__file__).resolve().parents[1]) in ro
        assert not any(p == "/" or p == "/root" or p == "/home" or p == "/work/main" for p in ro)
        assert "--unshare-all" in argv and "--die-with-parent" in argv and argv[argv.index("--cap-drop") + 1] == "ALL"
        assert argv[argv.index(str(tmp_path / "subs")) - 1] == "--tmpfs"  # hidden although its parent is shown
        assert subprocess.run(argv, timeout=30).returncode == 0
        inside = subprocess.run(box.argv(["ls", "-A", str(tmp_path), str(tmp_path / "subs")]), timeout=30,
                                capture_output=True, text=True)
        assert "subs" in inside.stdout and "a.ipynb" not in inside.stdout, inside
    finally:
        box.cleanup()
