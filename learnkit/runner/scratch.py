"""One scratch folder per process for every temporary folder learnkit's grading creates.

Kernels' working folders hold copies of students' notebooks; a grader that is killed (SIGKILL,
the OOM killer, a lost machine) cannot remove them. So every such folder (``learnkit-grade-*``,
``learnkit-run-*``, ``learnkit-kspec-*``, ``learnkit-sandbox-*``, ``learnkit-forkserver-*``, the JAX
cache, Dask workers' copies) is made inside ONE folder per process::

    <tempdir>/learnkit-<uid>/<pid>-<start>/        (both mode 0700; <start>: the process's start
                                                    time, /proc/<pid>/stat field 22)

``root()`` makes it on first use and removes it when the process exits normally (atexit), which
includes a KeyboardInterrupt; ``terminate_as_interrupt()`` turns SIGTERM into one. What a killed
process leaves is removed by the next batch: ``sweep()`` removes the roots of processes that are
gone (no such pid, or the pid now belongs to a process started at another time), never a live
one's. It assumes the processes sharing the temp folder share this PID namespace; a root made in
another PID namespace (its ``pidns`` file says which) is left alone.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from pathlib import Path

ROOT_NAME = re.compile(r"^(\d+)-(\d+)$")
PIDNS_FILE = "pidns"

_lock = threading.Lock()
_roots: dict[tuple[int, str], Path] = {}  # (pid, temp folder) -> root
_registered_for: int | None = None  # the pid whose atexit removes its roots


def start_time(pid: int) -> str | None:
    """When ``pid`` started (clock ticks since boot, /proc/<pid>/stat field 22; without /proc, psutil's
    create time), or None when there is no such process. PermissionError: it cannot be told."""
    if not os.path.isdir("/proc/self"):
        import psutil
        try:
            return str(int(psutil.Process(pid).create_time() * 100))
        except psutil.NoSuchProcess:
            return None
        except psutil.Error as e:
            raise PermissionError(str(e)) from None
    try:
        data = Path(f"/proc/{pid}/stat").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return None
    except OSError as e:  # e.g. a /proc mounted with hidepid
        raise PermissionError(str(e)) from None
    fields = data[data.rindex(b")") + 2:].split()  # after "pid (comm) ": comm may hold spaces and parens
    return fields[19].decode()  # field 22 of proc(5): fields[0] is field 3


def _own_start() -> str:
    return start_time(os.getpid()) or "0"


def _pidns() -> str:
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""


def base(tmp: str | os.PathLike | None = None) -> Path:
    """``<tempdir>/learnkit-<uid>``: where every process of this user keeps its root."""
    return Path(tmp or tempfile.gettempdir()) / f"learnkit-{os.getuid()}"


def _private_dir(path: Path) -> bool:
    """``path`` is a real folder (not a link) of ours that nobody else can enter; made so when new."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
        return False  # someone else's, or a link planted in a shared /tmp: never write there
    if st.st_mode & 0o077:
        os.chmod(path, 0o700)
    return True


def root() -> Path:
    """This process's scratch folder under the current temp folder (made on first use, mode 0700).

    Give it as ``dir=`` to every ``tempfile.mkdtemp`` of grading. Removed at normal exit."""
    global _registered_for
    pid, tmp = os.getpid(), tempfile.gettempdir()
    with _lock:
        made = _roots.get((pid, tmp))
        if made is not None and made.is_dir():
            return made
        parent = base(tmp)
        if _private_dir(parent):
            made = parent / f"{pid}-{_own_start()}"
            if not _private_dir(made):
                made = Path(tempfile.mkdtemp(prefix=f"learnkit-{os.getuid()}-", dir=tmp))
        else:  # the shared name is taken by someone else: a private folder of our own (not swept by others)
            made = Path(tempfile.mkdtemp(prefix=f"learnkit-{os.getuid()}-", dir=tmp))
        ns = made / PIDNS_FILE
        if not ns.exists():
            ns.write_text(_pidns())
        _roots[(pid, tmp)] = made
        if _registered_for != pid:  # once per process (a forked child registers its own)
            atexit.register(cleanup)
            _registered_for = pid
    return made


def cleanup() -> None:
    """Remove this process's roots (atexit; a forked child never removes its parent's)."""
    pid = os.getpid()
    with _lock:
        mine = [(k, r) for k, r in _roots.items() if k[0] == pid]
        for k, _r in mine:
            del _roots[k]
    for _k, r in mine:
        remove(r)


def remove(path: str | os.PathLike) -> None:
    """``rm -rf path``, also through folders a notebook made read-only (never following links)."""
    path = Path(path)
    shutil.rmtree(path, ignore_errors=True)
    if not os.path.lexists(path):
        return
    for folder, dirs, _files in os.walk(path):  # top-down: each folder is opened after it is fixed
        for d in dirs:
            p = os.path.join(folder, d)
            try:
                if not os.path.islink(p):
                    os.chmod(p, 0o700)
            except OSError:
                pass
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    shutil.rmtree(path, ignore_errors=True)


def _gone(pid: int, started: str) -> bool:
    """True only when ``pid``/``started`` is certainly not a running process."""
    try:
        now = start_time(pid)
    except PermissionError:
        return False  # cannot tell: keep it
    return now is None or now != started


def sweep(tmp: str | os.PathLike | None = None) -> list[Path]:
    """Remove the roots left by processes that are gone (killed before they could clean up).

    Never this process's, never a live one's, never one made in another PID namespace, never
    anything but ``<pid>-<start>`` folders of ours. Returns what was removed."""
    parent = base(tmp)
    try:
        st = os.lstat(parent)
    except OSError:
        return []
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
        return []
    mine, ns = f"{os.getpid()}-{_own_start()}", _pidns()
    removed = []
    for entry in sorted(os.listdir(parent)):
        m = ROOT_NAME.match(entry)
        path = parent / entry
        if not m or entry == mine or path.is_symlink() or not path.is_dir():
            continue
        try:
            theirs = (path / PIDNS_FILE).read_text()
        except OSError:
            theirs = ns  # killed before it wrote it: a moment after it was made
        if theirs != ns or not _gone(int(m.group(1)), m.group(2)):
            continue
        remove(path)
        removed.append(path)
    return removed


@contextlib.contextmanager
def terminate_as_interrupt(signals=(signal.SIGTERM,)):
    """While inside: SIGTERM raises KeyboardInterrupt in the main thread, so a batch stops as on
    Ctrl-C (finished runs saved, kernels killed) and the process exits through atexit, which removes
    its scratch root. A second SIGTERM during that shutdown is ignored. The previous handlers are
    restored on the way out. Outside the main thread it does nothing (Python handles signals there only).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired: list[int] = []

    def handler(signum, _frame):
        if fired:
            return
        fired.append(signum)
        raise KeyboardInterrupt(f"{signal.Signals(signum).name}: stopping the batch")

    old = {}
    try:
        for s in signals:
            old[s] = signal.signal(s, handler)
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)
