"""A fork server for kernels: import TensorFlow/Keras once, then fork one fresh kernel per submission.

Importing TensorFlow costs ~6 s of CPU in every kernel. A ``ForkServer`` is a small process
(``python -m learnkit.runner.forkserver``) that imports the exercise's modules once and
never runs student code. For each kernel it forks a child that becomes a brand-new
IPython kernel: its own session and process group, its own working folder and
environment, fresh random seeds, standard streams on /dev/null. Each child serves one
submission and is then killed; no student state can reach another student, because
students only ever run in children, and a child's memory is its own copy.

``ForkProvisioner`` is the jupyter_client provisioner that launches through the server, so
nbclient drives these kernels exactly like ordinary ones (interrupt, kill, liveness).
Limits (documented in docs/performance.md): POSIX only; modules imported by the server are
the ones the children start with, so a student who sets ``KERAS_BACKEND`` inside the notebook
does not switch backend (the grader's ``--keras-backend`` does).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import psutil
from jupyter_client.provisioning import LocalProvisioner


class ForkServerError(RuntimeError):
    pass


class ForkServer:
    """The grader's handle on one fork-server process (thread-safe ``spawn``)."""

    def __init__(self, preload: list[str], env: dict, cwd: str, timeout: float = 180):
        self.preload = list(preload)
        self.proc = subprocess.Popen([sys.executable, "-m", "learnkit.runner.forkserver"], env=env, cwd=cwd,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, bufsize=1, start_new_session=True)
        self.lock = threading.Lock()
        self.proc.stdin.write(json.dumps({"preload": self.preload}) + "\n")
        self.proc.stdin.flush()
        self._read(timeout)  # the server answers once its imports are done
        self.pid = self.proc.pid

    def _read(self, timeout: float) -> dict:
        box: list = []
        reader = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not box or not box[0]:
            self.close()
            raise ForkServerError("the kernel fork server did not answer" if not box else
                                  "the kernel fork server exited")
        return json.loads(box[0])

    def spawn(self, connection_file: str, env: dict, cwd: str, timeout: float = 30) -> int:
        """Fork a kernel that reads ``connection_file``; returns its pid."""
        with self.lock:
            if self.proc.poll() is not None:
                raise ForkServerError(f"the kernel fork server has exited (code {self.proc.returncode})")
            self.proc.stdin.write(json.dumps({"connection_file": connection_file, "env": env, "cwd": cwd}) + "\n")
            self.proc.stdin.flush()
            answer = self._read(timeout)
        if "pid" not in answer:
            raise ForkServerError(answer.get("error", "the fork server could not start a kernel"))
        return int(answer["pid"])

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        """Stop the server (kernels it forked notice their parent is gone and exit; the pool kills them)."""
        try:
            self.proc.stdin.close()
        except Exception:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class ForkedProcess:
    """The ``subprocess.Popen`` surface jupyter_client uses, for a kernel forked by the server."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._proc = psutil.Process(pid)
        except psutil.Error:
            self._proc, self.returncode = None, -signal.SIGKILL

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                gone = not self._proc.is_running() or self._proc.status() == psutil.STATUS_ZOMBIE
            except psutil.Error:
                gone = True
            if gone:
                self.returncode = -signal.SIGKILL  # reaped by the server: the code is not ours to read
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                self._proc.send_signal(signum)
            except psutil.Error:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """Launches the kernel by asking a ``ForkServer`` (set as ``server``) to fork it."""

    server: ForkServer | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs):
        connection_file = cmd[cmd.index("-f") + 1]
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        pid = self.server.spawn(connection_file, env, cwd)
        self.process = ForkedProcess(pid)
        self.pid, self.pgid = pid, pid  # the child calls setsid(): its own process group
        self.cwd = cwd
        return self.connection_info


# -- the server process -------------------------------------------------------------------------

def _child(req: dict, server_pid: int) -> None:
    """In the forked child: become a fresh kernel for one submission (never returns)."""
    code = 0
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the server ignores it; students' subprocesses need it
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.close(devnull)
        os.environ.clear()
        os.environ.update(req["env"])
        os.environ["JPY_PARENT_PID"] = str(server_pid)  # exit if the server dies
        os.chdir(req["cwd"])
        import random
        random.seed()  # fresh entropy, as in a newly started interpreter
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        sys.argv = [sys.executable, "-f", req["connection_file"]]
        from ipykernel import kernelapp
        kernelapp.launch_new_instance(argv=["-f", req["connection_file"]])
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 0
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def serve() -> None:
    """The server loop: first line {"preload": [...]}, then one {"connection_file", "env", "cwd"} per kernel."""
    import importlib
    out = sys.stdout
    first = json.loads(sys.stdin.readline() or "{}")
    for name in list(first.get("preload", [])) + ["ipykernel.kernelapp"]:
        try:
            importlib.import_module(name)
        except BaseException:  # a kernel imports it (or fails to) like any cold kernel would
            pass
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    me = os.getpid()
    for line in sys.stdin:
        try:
            req = json.loads(line)
            pid = os.fork()
        except Exception as e:
            out.write(json.dumps({"error": f"{type(e).__name__}: {e}"}) + "\n")
            out.flush()
            continue
        if pid == 0:
            _child(req, me)
        out.write(json.dumps({"pid": pid}) + "\n")
        out.flush()


if __name__ == "__main__":
    serve()
