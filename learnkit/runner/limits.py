"""Resource limits for grading kernels: a memory cap watched from a thread, and kill-on-interrupt.

``KernelWatch(limit_mb)`` is handed to ``run_notebook(on_kernel_start=...)``: it polls the
kernel's resident memory plus that of its children with psutil and kills the whole tree
when it goes over the cap; ``reason`` then says why. Every live watch is registered, so
an interrupted grader can kill the kernels it started (``kill_all``).
"""
from __future__ import annotations

import os
import signal
import threading

import psutil

DEFAULT_MEMORY_MB = 4096
DEFAULT_OUTPUT_MB = 5.0
POLL_SECONDS = 0.1

_live: set["KernelWatch"] = set()
_live_lock = threading.Lock()


def kernel_pid(km) -> int | None:
    prov = getattr(km, "provisioner", None)
    proc = getattr(prov, "process", None)
    pid = getattr(proc, "pid", None) or getattr(prov, "pid", None)
    return int(pid) if pid else None


def tree_rss(proc: psutil.Process) -> tuple[int, list[psutil.Process]]:
    """Resident bytes of ``proc`` and all its descendants (vanished processes count 0)."""
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0, []
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total, procs


def kill_tree(procs: list[psutil.Process]) -> None:
    """Kill ``procs`` (parents before their children, as ``tree_rss`` lists them) and their descendants.

    Every process is stopped (SIGSTOP) first, parents first, then all are killed (SIGKILL): no
    process of the tree runs between the first signal and its death, so a parent never sees a
    child die (a kernel whose subprocess dies would go on; a process that waits for its child would
    exit 0), and a child forked before its parent was stopped is found and killed too.
    """
    stopped: list[psutil.Process] = []
    seen: set[int] = set()
    todo = list(procs)
    while todo:
        p = todo.pop(0)
        if p.pid in seen:
            continue
        seen.add(p.pid)
        try:
            p.suspend()
        except psutil.Error:
            continue
        stopped.append(p)
        try:  # stopped, it forks no more: its children now are all it will ever have
            todo.extend(p.children())
        except psutil.Error:
            pass
    for p in stopped:
        try:
            p.kill()
        except psutil.Error:
            pass


class KernelWatch:
    """Watches one kernel process tree; kills it when over ``limit_mb`` (None: no cap)."""

    def __init__(self, limit_mb: float | None = None, interval: float = POLL_SECONDS):
        self.limit_mb = limit_mb
        self.interval = interval
        self.reason = ""
        self.peak_mb = 0.0
        self._procs: list[psutil.Process] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._proc: psutil.Process | None = None

    def __call__(self, km) -> "KernelWatch":
        """The ``on_kernel_start`` hook: start watching ``km``'s process."""
        return self.watch(kernel_pid(km))

    def watch(self, pid: int | None) -> "KernelWatch":
        if pid is None:
            return self
        try:
            self._proc = psutil.Process(pid)
        except psutil.Error:
            return self
        with _live_lock:
            _live.add(self)
        self._thread = threading.Thread(target=self._loop, name=f"learnkit-memwatch-{pid}", daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            if self._proc is None:
                return
            rss, procs = tree_rss(self._proc)
            if procs:
                self._procs = procs
            self.peak_mb = max(self.peak_mb, rss / 2**20)
            if self.limit_mb and rss > self.limit_mb * 2**20:
                self.reason = f"used more than {self.limit_mb:g} MB of memory"
                kill_tree(procs)
                return
            if not procs:
                return

    def kill(self) -> None:
        """Kill the kernel and every process it started that is still alive."""
        if self._proc is None:
            return
        _, procs = tree_rss(self._proc)
        if _alive(self._proc):
            try:
                if os.getpgid(self._proc.pid) == self._proc.pid:  # the kernel's own session
                    os.killpg(self._proc.pid, signal.SIGKILL)
            except OSError:
                pass
        kill_tree(procs or self._procs)

    def stop(self) -> None:
        """Stop watching; leftovers of the kernel's tree (student subprocesses) are killed."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._proc is not None:
            kill_tree([p for p in self._procs if p.pid != self._proc.pid and _alive(p)])
        with _live_lock:
            _live.discard(self)


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def kill_all() -> int:
    """Kill every kernel still being watched (the grader is interrupted). Returns how many."""
    with _live_lock:
        watches = list(_live)
    for w in watches:
        w.kill()
    return len(watches)
