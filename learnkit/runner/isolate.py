"""Run a student function on a check's inputs in a short-lived child process (grading kernels).

The child is forked from the kernel, so it sees the student's functions and globals and lives
in the kernel's sandbox; it gets a time limit and an address-space budget, runs the one call
(``learnkit.core.facts.run_in_process``), writes the encoded outcome to a pipe and exits. A
function that loops forever, allocates without end or kills its process costs one recorded
outcome ("did not return within 5 s"), never the kernel, and never the grader.

The time limit is the problem's ``call_timeout`` (``collect`` passes it down with every call), the
same setting that limits the call in the student's own kernel, where it runs in-process.

A forked child only has the thread that forked it: a runtime whose thread pools are running in the
kernel (TensorFlow's and JAX's XLA once they have computed anything) waits forever in the child for
threads that are not there. ``run_call``, what grading kernels use, therefore runs the call in the
kernel itself, as the student's own kernel does (``facts.run_in_process``: the same time limit, the
same deep-copied arguments, the state put back), while ``fork_unsafe`` names such a runtime.
"""
from __future__ import annotations

import json
import os
import sys
import resource
import select
import signal
import time

from learnkit.core import facts

CALL_TIMEOUT = facts.DEFAULT_CALL_TIMEOUT  # seconds one call may take when the caller does not say
CALL_MEMORY = 2 << 30        # bytes of address space a call may add to the kernel's
MAX_OUTCOME = 64 << 20       # bytes of encoded outcome read back


#: the names (Linux ``/proc/self/task/*/comm``) that the threads of a runtime that does not survive
#: ``fork()`` start with: TensorFlow's and XLA's pools (both name theirs ``tf_…``, e.g. ``tf_Compute``,
#: ``tf_XLAEigen``) and XLA's compiler (``llvm-worker-0``). They only exist once the runtime has
#: computed something: importing TensorFlow or JAX starts none of them, and a child forked then works.
FORK_UNSAFE_THREADS = {"tf_": "TensorFlow/XLA", "llvm-worker": "XLA"}
FORK_UNSAFE_MODULES = ("jax", "tensorflow", "torch")  # without /proc: imported is enough to count


def fork_unsafe() -> str | None:
    """The runtime whose running threads would make a forked child hang (None: forking is safe)."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:  # not Linux: any such runtime that is imported may be running
        return next((m for m in FORK_UNSAFE_MODULES if m in sys.modules), None)
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/comm", encoding="utf-8", errors="replace") as f:
                name = f.read()
        except OSError:  # the thread ended meanwhile
            continue
        for prefix, runtime in FORK_UNSAFE_THREADS.items():
            if name.startswith(prefix):
                return runtime
    return None


def run_call(fn, args: tuple, kwargs: dict, timeout: float = CALL_TIMEOUT, memory: int = CALL_MEMORY) -> dict:
    """A student call as a grading kernel runs it: in a forked child (``run_isolated``), or, while a
    runtime that does not survive ``fork()`` is running here (``fork_unsafe``), in this process under
    the in-process time limit with its state put back (``facts.run_in_process``): no memory budget
    then, and C code (a Keras model's call) is only stopped when it returns."""
    if fork_unsafe():
        return facts.run_in_process(fn, args, kwargs, timeout=timeout)
    return run_isolated(fn, args, kwargs, timeout=timeout, memory=memory)


def _vm_size() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(fn, args, kwargs, w: int, memory: int) -> None:
    try:
        if memory:
            limit = _vm_size() + memory
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        outcome = facts.run_in_process(fn, args, kwargs, timeout=None)  # the parent enforces the limit
        data = json.dumps(outcome, allow_nan=False).encode()
    except MemoryError:
        data = json.dumps({"raised": "MemoryError", "message": "the function used too much memory"}).encode()
    except BaseException as e:  # noqa: BLE001 - anything at all must become an outcome
        data = json.dumps({"raised": facts.exception_name(e), "message": str(e)[:2000]}).encode()
    view = memoryview(data)
    while view:
        n = os.write(w, view)
        view = view[n:]


def run_isolated(fn, args: tuple, kwargs: dict, timeout: float = CALL_TIMEOUT, memory: int = CALL_MEMORY) -> dict:
    """The outcome of ``fn(*args, **kwargs)`` run in a forked child (see ``facts.run_in_process``)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into the kernel
        code = 0
        try:
            os.close(r)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            _child(fn, args, kwargs, w, memory)
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(w)
    chunks, size, deadline, timed_out = [], 0, time.monotonic() + timeout, False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([r], [], [], left)
            if not ready:
                continue
            chunk = os.read(r, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_OUTCOME:
                break
            chunks.append(chunk)
    finally:
        os.close(r)
        if timed_out or size > MAX_OUTCOME:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status = os.waitpid(pid, 0)
    name = getattr(fn, "__name__", "the function")
    if timed_out:
        return facts.timed_out(fn, timeout)
    if size > MAX_OUTCOME:
        return {"raised": "MemoryError", "message": f"`{name}(…)` returned a result too large to check"}
    try:
        outcome = json.loads(b"".join(chunks))
        if isinstance(outcome, dict):
            return outcome
    except ValueError:
        pass
    why = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit code {os.waitstatus_to_exitcode(status)}"
    return {"raised": "SystemError", "message": f"`{name}(…)` crashed its process ({why})"}


# --------------------------------------------------------------------------- the same call, cell after cell
MAX_CACHED = 4000
_SCALARS = (type(None), bool, int, float, complex, str, bytes)


def _code_names(code, depth: int = 0) -> set[str]:
    names = set(code.co_names)
    if depth < 4:
        for const in code.co_consts:
            if hasattr(const, "co_names"):
                names |= _code_names(const, depth + 1)
    return names


def _state(value, depth: int, seen: set):
    """What a call's outcome may depend on in ``value``, or raise ``LookupError`` (do not cache)."""
    import types

    import numpy as np
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, types.ModuleType):
        return ("module", value.__name__)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufc" or value.nbytes > 16 << 20:
            raise LookupError
        return ("nd", value.dtype.str, value.shape, hash(value.tobytes()))
    if isinstance(value, types.FunctionType):
        return _signature(value, depth + 1, seen)
    if isinstance(value, (list, tuple, dict)) and len(value) <= 1000:
        return facts.call_key((value,), {})
    if isinstance(value, type) or callable(value) and type(value).__module__.split(".")[0] in ("numpy", "builtins", "math"):
        return ("obj", id(value))  # classes and library functions: by identity
    raise LookupError


def _signature(fn, depth: int = 0, seen: set | None = None):
    import types
    if not isinstance(fn, types.FunctionType) or depth > 3:
        raise LookupError
    seen = set() if seen is None else seen
    if id(fn) in seen:
        return ("fn", id(fn))
    seen.add(id(fn))
    g = fn.__globals__
    parts: list[object] = [("fn", id(fn), id(fn.__code__))]
    for name in sorted(_code_names(fn.__code__)):
        if name in g:
            parts.append((name, _state(g[name], depth, seen)))
    for cell in fn.__closure__ or ():
        try:
            parts.append(_state(cell.cell_contents, depth, seen))
        except ValueError:  # an empty cell
            parts.append(None)
    for default in (fn.__defaults__ or ()) + tuple((fn.__kwdefaults__ or {}).values()):
        parts.append(_state(default, depth, seen))
    return tuple(parts)


class CallCache:
    """``run_call`` that remembers outcomes while nothing the function can read has changed.

    The key is the function object and code, the state of every global name its code (and the code
    nested in it) reads, of its closure and defaults (array contents included), and the arguments.
    A function that reads anything else (a library object's state, files, the clock) is run again
    every time; the cache only saves forks of functions whose inputs are plain data and code.
    """

    def __init__(self, run=run_call):
        self.run, self.memo = run, {}

    def __call__(self, fn, args: tuple, kwargs: dict, timeout: float = CALL_TIMEOUT) -> dict:
        try:
            if isinstance(fn, facts.Swapped):  # the same function with checker functions for some globals
                state = ("swap", tuple(sorted((n, id(r)) for n, r in fn.replacements.items())), _signature(fn.fn))
            else:
                state = _signature(fn)
            key = (state, facts.call_key(args, kwargs), timeout)
        except (LookupError, RecursionError, TypeError, ValueError):
            return self.run(fn, args, kwargs, timeout=timeout)
        hit = self.memo.get(key)
        if hit is not None:
            return hit[1]
        outcome = self.run(fn, args, kwargs, timeout=timeout)
        if len(self.memo) >= MAX_CACHED:
            self.memo.clear()
        self.memo[key] = (fn, outcome)  # keeps fn alive: its id cannot be reused while cached
        return outcome
