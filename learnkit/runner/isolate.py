"""Run a student function on a check's inputs in a short-lived child process (grading kernels).

The child is forked from the kernel, so it sees the student's functions and globals and lives
in the kernel's sandbox; it gets a time limit and an address-space budget, runs the one call
(``learnkit.core.facts.run_in_process``), writes the encoded outcome to a pipe and exits. A
function that loops forever, allocates without end or kills its process costs one recorded
outcome ("did not return within 10 s"), never the kernel, and never the grader.
"""
from __future__ import annotations

import json
import os
import resource
import select
import signal
import time

from learnkit.core import facts

CALL_TIMEOUT = 10.0          # seconds one call of a student function may take
CALL_MEMORY = 2 << 30        # bytes of address space a call may add to the kernel's
MAX_OUTCOME = 64 << 20       # bytes of encoded outcome read back


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
        outcome = facts.run_in_process(fn, args, kwargs)
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
        return {"timeout": timeout, "message": f"`{name}(…)` did not return within {timeout:g} s"}
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
