"""Prepared kernels: start the next kernels while the current ones run, with the heavy imports done.

A ``KernelPool`` keeps up to ``ahead`` kernels ready in the background. Each is a fresh
process started in its own empty working folder with the batch's environment, which has
already imported the modules the exercise needs (TensorFlow/Keras, pandas, the checker
module…) in a silent cell that leaves the user namespace untouched. ``take()`` hands one
kernel to exactly one submission; it is shut down after that run and never reused, so
no state passes between students. Kernel start and import leave the critical path
whenever a core is free to prepare the next kernel while the current one runs.

``run_notebook(..., kernel=pool.take())`` runs a notebook on a prepared kernel; what
differs between submissions (language, working folder) is set by the preamble cell
before any student cell. See docs/performance.md for what this saves and its limits.
"""
from __future__ import annotations

import ast
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jupyter_core.utils import run_sync

from learnkit.runner import scratch

if TYPE_CHECKING:
    from jupyter_client.manager import AsyncKernelManager

    from learnkit.runner.sandbox import Sandbox

# run silently in a fresh dict: the user namespace stays untouched; a module that fails is skipped
WARMUP = "exec(\"import importlib\\nfor n in {names!r}:\\n    try:\\n        importlib.import_module(n)\\n    except BaseException:\\n        pass\", {{}})"
MAX_PRELOAD = 40
MAX_FAILURES = 2


@dataclass
class PreparedKernel:
    """A started kernel (``km``) in its own working folder (``work``), imports done, not used yet."""
    km: AsyncKernelManager
    spec_dir: Path
    work: Path
    env: dict
    pid: int | None = None
    sandbox: Sandbox | None = None  # its folders are removed with the kernel

    def host_path(self, path) -> Path:
        """Where the grader writes ``path`` of the kernel's working folder (inside a sandbox: its own tmpfs)."""
        if self.sandbox is None:
            return Path(path)
        from learnkit.runner.sandbox import host_path, inside_pid
        return host_path(inside_pid(self.pid), path)

    def alive(self) -> bool:
        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:
            return False

    def discard(self) -> None:
        """Stop the kernel and remove its folders (a kernel nobody used)."""
        from learnkit.runner.manager import stop_kernel
        stop_kernel(self.km)
        shutil.rmtree(self.spec_dir, ignore_errors=True)
        shutil.rmtree(self.work, ignore_errors=True)
        if self.sandbox is not None:
            self.sandbox.cleanup()


def _installed(top: str) -> bool:
    """A top-level module importable from the grader's own interpreter (site-packages or stdlib),
    never a file that sits next to a submission."""
    if top in sys.builtin_module_names:
        return True
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    roots = {str(Path(p).resolve()) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    origins = [spec.origin] if spec.origin and spec.origin not in ("built-in", "frozen") else []
    origins += list(spec.submodule_search_locations or [])
    if not origins:
        return spec.origin in ("built-in", "frozen")
    return all(any(str(Path(o).resolve()).startswith(r + "/") for r in roots) for o in origins)


def notebook_imports(nb) -> set[str]:
    """Modules a notebook imports at the top level of its code cells (``import a.b``, ``from a.b import c``)."""
    found: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        src = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
    return found


def preload_for(import_sets, exercise: str | None = None, extra=()) -> list[str]:
    """What a prepared kernel should import: the checker module, ``extra`` (an exercise's own
    ``preload``), and every installed module at least half of the notebooks import
    (``import_sets``: one ``notebook_imports`` set per notebook)."""
    counts: dict[str, int] = {}
    n = 0
    for names in import_sets:
        n += 1
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    common = sorted(m for m, c in counts.items() if 2 * c >= n and m.split(".")[0] not in ("checkers", "learnkit")
                    and _installed(m.split(".")[0]))
    names = list(extra) + common + (["checkers." + exercise] if exercise else [])
    return list(dict.fromkeys(names))[:MAX_PRELOAD]


class KernelPool:
    """Keeps up to ``ahead`` prepared kernels ready; at most ``limit`` are ever started.

    ``env_for(work)`` gives the environment of a kernel whose working folder is ``work``. Up to
    ``ahead`` kernels are prepared at once, in background threads; ``take()`` waits for the next
    one. A kernel that died while waiting is replaced. ``close()`` stops every kernel not handed out.
    """

    def __init__(self, env_for, preload: list[str], *, ahead: int = 1, limit: int | None = None,
                 startup_timeout: float = 120, prefix: str = "learnkit-grade-", server=None, sandbox: dict | None = None):
        self.server = server  # a learnkit.runner.forkserver.ForkServer: fork kernels instead of starting them
        self.sandbox = sandbox  # keyword arguments of learnkit.runner.sandbox.Sandbox.create: one sandbox per kernel
        self.env_for = env_for
        self.preload = list(preload)
        self.ahead = max(1, ahead)
        self.limit = limit
        self.startup_timeout = startup_timeout
        self.prefix = prefix
        self.started = 0
        self.errors: list[str] = []
        self._ready: list[PreparedKernel] = []
        self._preparing = 0
        self._failures = 0  # consecutive: after MAX_FAILURES the pool gives up (cold kernels instead)
        self._cond = threading.Condition()
        self._closed = False
        self._threads = [threading.Thread(target=self._loop, name=f"learnkit-kernel-pool-{i}", daemon=True)
                         for i in range(self.ahead)]  # kernels are prepared in parallel, like cold ones start
        for t in self._threads:
            t.start()

    # -- background preparation
    def _wanted(self) -> bool:
        if self._closed or self._failures >= MAX_FAILURES or (self.limit is not None and self.started >= self.limit):
            return False
        return len(self._ready) + self._preparing < self.ahead

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._wanted():
                    if self._closed or self._failures >= MAX_FAILURES:
                        return
                    self._cond.wait()
                self.started += 1
                self._preparing += 1
            try:
                pk = self.prepare()
            except Exception as e:  # counted; take() falls back to a cold kernel
                with self._cond:
                    self._preparing -= 1
                    self._failures += 1
                    self.errors.append(f"{type(e).__name__}: {e}"[:300])
                    self._cond.notify_all()
                continue
            with self._cond:
                self._preparing -= 1
                self._failures = 0
                if self._closed:
                    pk.discard()
                    return
                self._ready.append(pk)
                self._cond.notify_all()

    def prepare(self) -> PreparedKernel:
        """Start one kernel and run the silent import cell (in the calling thread)."""
        from learnkit.runner.limits import kernel_pid
        from learnkit.runner.manager import kernel_manager

        box = None
        if self.sandbox is not None:
            from learnkit.runner.sandbox import Sandbox
            box = Sandbox.create(prefix=self.prefix, **self.sandbox)
        work = box.work if box is not None else Path(tempfile.mkdtemp(prefix=self.prefix, dir=scratch.root()))
        work.mkdir(exist_ok=True)
        env = self.env_for(work)
        km, spec_dir = kernel_manager(env, box)
        pk = PreparedKernel(km=km, spec_dir=spec_dir, work=work, env=env, sandbox=box)
        if self.server is not None:
            from learnkit.runner.forkserver import ForkProvisioner
            km.kernel_id = str(uuid.uuid4())
            km.provisioner = ForkProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
            km.provisioner.server = self.server
            km.provisioner.sandbox = box
        try:
            run_sync(km.start_kernel)(env=env, cwd=str(work), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            pk.pid = kernel_pid(km)
            # a forked kernel starts with the server's imports: just wait until it answers
            run_sync(self._warm)(km, [] if self.server is not None else self.preload)
        except BaseException:
            pk.discard()
            raise
        return pk

    async def _warm(self, km, names: list[str]) -> None:
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=self.startup_timeout)
            if names:
                await kc.execute_interactive(WARMUP.format(names=names), silent=True, store_history=False,
                                             timeout=self.startup_timeout, output_hook=lambda msg: None)
        finally:
            kc.stop_channels()

    # -- handing out
    def take(self, timeout: float | None = None) -> PreparedKernel | None:
        """The next prepared kernel (each is handed out once), or None when none can be had."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._cond:
                while not self._ready:
                    if self._closed or (not self._preparing and not self._wanted()):
                        return None  # nothing ready and nothing coming: the caller starts a cold kernel
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        return None
                    self._cond.wait(left if left is not None else 1.0)
                pk = self._ready.pop(0)
                self._cond.notify_all()
            if pk.alive():
                return pk
            pk.discard()  # died while waiting (e.g. killed from outside): prepare another
            with self._cond:
                if self.limit is not None:
                    self.limit += 1
                self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            ready, self._ready = self._ready, []
            self._cond.notify_all()
        for pk in ready:
            pk.discard()
        for t in self._threads:
            t.join(timeout=self.startup_timeout)
        if self.server is not None:
            self.server.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
