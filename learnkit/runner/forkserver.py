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
With a sandbox (``learnkit.runner.sandbox``) the child does not become the kernel itself: it
enters a freshly built sandbox file system, takes new PID/network/IPC/UTS namespaces and forks
the kernel as pid 1 of its PID namespace (``sandbox.enter``/``finish_inside``), then waits for
it. Every link dies with the one above: kernel -> child (PR_SET_PDEATHSIG), child -> server
(PR_SET_PDEATHSIG), server -> grader (the server exits when its stdin closes).
Limits (documented in docs/performance.md): POSIX only; modules imported by the server are
the ones the children start with, so a student who sets ``KERAS_BACKEND`` inside the notebook
does not switch backend (the grader's ``--keras-backend`` does).
"""
from __future__ import annotations

import json
import os
import shutil
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

    def __init__(self, preload: list[str], env: dict, cwd: str, timeout: float = 180, own_cwd: bool = False):
        """``own_cwd``: ``cwd`` is the server's own folder, removed when it is closed."""
        self.preload = list(preload)
        self.home = cwd if own_cwd else None
        self.proc = subprocess.Popen([sys.executable, "-m", "learnkit.runner.forkserver"], env=env, cwd=cwd,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, bufsize=1, start_new_session=True)
        assert self.proc.stdin is not None and self.proc.stdout is not None  # (pipes, asked for above)
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        self.lock = threading.Lock()
        self.stdin.write(json.dumps({"preload": self.preload}) + "\n")
        self.stdin.flush()
        self._read(timeout)  # the server answers once its imports are done
        self.pid = self.proc.pid

    def _read(self, timeout: float) -> dict:
        box: list = []
        reader = threading.Thread(target=lambda: box.append(self.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not box or not box[0]:
            self.close()
            raise ForkServerError("the kernel fork server did not answer" if not box else
                                  "the kernel fork server exited")
        return json.loads(box[0])

    def spawn(self, connection_file: str, env: dict, cwd: str, timeout: float = 30, sandbox: dict | None = None) -> int:
        """Fork a kernel that reads ``connection_file`` (in ``sandbox``: ``Sandbox.to_dict()``); returns its pid."""
        with self.lock:
            if self.proc.poll() is not None:
                raise ForkServerError(f"the kernel fork server has exited (code {self.proc.returncode})")
            self.stdin.write(json.dumps({"connection_file": connection_file, "env": env, "cwd": cwd,
                                              "sandbox": sandbox}) + "\n")
            self.stdin.flush()
            answer = self._read(timeout)
        if "pid" not in answer:
            raise ForkServerError(answer.get("error", "the fork server could not start a kernel"))
        return int(answer["pid"])

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        """Stop the server (kernels it forked notice their parent is gone and exit; the pool kills them)."""
        try:
            self.stdin.close()
        except Exception:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)


class ForkedProcess:
    """The ``subprocess.Popen`` surface jupyter_client uses, for a kernel forked by the server."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._proc: psutil.Process | None = None
        try:
            self._proc = psutil.Process(pid)
        except psutil.Error:
            self.returncode = -signal.SIGKILL

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                gone = (self._proc is None or not self._proc.is_running()
                        or self._proc.status() == psutil.STATUS_ZOMBIE)
            except psutil.Error:
                gone = True
            if gone:
                self.returncode = -signal.SIGKILL  # reaped by the server: the code is not ours to read
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0.0)
            time.sleep(0.05)
        return code

    def send_signal(self, signum: int) -> None:
        if self.poll() is None and self._proc is not None:
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
    sandbox = None  # a learnkit.runner.sandbox.Sandbox, or None

    async def launch_kernel(self, cmd: list[str], **kwargs):
        connection_file = cmd[cmd.index("-f") + 1]
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        if self.server is None:
            raise ForkServerError("no fork server to launch the kernel with")
        pid = self.server.spawn(connection_file, env, cwd,
                                sandbox=self.sandbox.to_dict() if self.sandbox is not None else None)
        self.process = ForkedProcess(pid)  # type: ignore[assignment]  # a Popen by the surface jupyter_client uses
        self.pid, self.pgid = pid, pid  # the kernel calls setsid(): its own process group
        self.cwd = cwd
        return self.connection_info


# -- the server process -------------------------------------------------------------------------

def _report(fd: int, answer: dict) -> None:
    os.write(fd, (json.dumps(answer) + "\n").encode())
    os.close(fd)


def _child(req: dict, server_pid: int, report: int) -> None:
    """In the forked child: become a fresh kernel for one submission (never returns).

    ``report``: a pipe to the server, which gets {"pid": <the kernel's pid>} or {"error": ...}
    once the kernel is set up (in a sandbox: once it is inside, without capabilities)."""
    from learnkit.runner import sandbox
    code = 0
    try:
        sandbox.die_with_parent(server_pid)  # the server has gone: so must this kernel
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the server ignores it; students' subprocesses need it
        box = req.get("sandbox")
        if box:
            sandbox.enter(box)
            r, w = os.pipe()
            pid = os.fork()  # pid 1 of the new PID namespace: the kernel
            if pid:
                os.close(w)
                said = os.read(r, 4096)
                if said != b"ok":
                    os.kill(pid, signal.SIGKILL)
                    raise OSError(said.decode(errors="replace") or "the sandboxed kernel died while starting")
                _report(report, {"pid": pid})
                _wait_for(pid)
            os.close(r)
            os.close(report)
            report = w  # this kernel's own setup is what is reported
            sandbox.die_with_parent()
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.close(devnull)
        os.environ.clear()
        os.environ.update(req["env"])
        os.environ.pop("JPY_PARENT_PID", None)  # parent death: PR_SET_PDEATHSIG, not ipykernel's poller
        if box:
            sandbox.finish_inside(box)  # its /proc, write limit, environment; no capabilities
        os.chdir(req["cwd"])
        import random
        random.seed()  # fresh entropy, as in a newly started interpreter
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        sys.argv = [sys.executable, "-f", req["connection_file"]]
        if box:
            os.write(report, b"ok")
            os.close(report)
        else:
            _report(report, {"pid": os.getpid()})
        report = -1
        from ipykernel import kernelapp
        kernelapp.launch_new_instance(argv=["-f", req["connection_file"], "--IPKernelApp.parent_handle=0"])
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 0
    except BaseException as e:
        if report >= 0:
            try:  # the server (or, in a sandbox, the kernel's parent) says why
                os.write(report, (json.dumps({"error": f"{type(e).__name__}: {e}"[:500]}) + "\n").encode())
            except OSError:
                pass
        code = 1
    finally:
        os._exit(code)


def _wait_for(pid: int) -> None:
    """The sandboxed kernel's parent (outside its namespaces): wait, then exit with its status."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(0)
        os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


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
            r, w = os.pipe()
            pid = os.fork()
        except Exception as e:
            out.write(json.dumps({"error": f"{type(e).__name__}: {e}"}) + "\n")
            out.flush()
            continue
        if pid == 0:
            os.close(r)
            _child(req, me, w)
        os.close(w)
        out.write(json.dumps(_answer(r, pid)) + "\n")
        out.flush()


def _answer(r: int, pid: int, timeout: float = 25) -> dict:
    """The child's report: the kernel's pid, or why it could not start one."""
    import select
    data, deadline = b"", time.monotonic() + timeout
    try:
        while not data.endswith(b"\n"):
            ready, _, _ = select.select([r], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(r, 4096) if ready else b""
            if not chunk:
                break
            data += chunk
    finally:
        os.close(r)
    try:
        return json.loads(data)
    except ValueError:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        return {"error": "the forked kernel did not start (no answer from the fork server's child)"}


if __name__ == "__main__":
    serve()
