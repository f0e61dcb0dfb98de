"""Every grading kernel in its own sandbox: one home for the policy (bubblewrap + Linux namespaces).

A ``Sandbox`` describes what ONE kernel may see and do; ``argv(command)`` turns it into a
``bwrap`` command line. Cold kernels run that command line directly (the kernelspec's argv).
Prepared kernels (``learnkit.runner.forkserver``) are forked from a server that already
imported TensorFlow, so they cannot be exec'd through bwrap: the server's child starts bwrap
only to BUILD the file-system view (a short-lived "holder" process), joins its mount and user
namespaces (``enter``), takes fresh PID/network/IPC/UTS namespaces and a private copy of the
mounts, forks the kernel as pid 1 of its PID namespace, mounts its /proc and drops every
capability. Both ways a kernel gets:

* no network at all (an empty network namespace; the kernel talks to the grader over ZMQ ``ipc``
  sockets in its private folder), its own PID, IPC and UTS namespaces;
* a file system of read-only binds: ``/usr`` (``/bin``, ``/lib``, ``/lib64`` are symlinks or binds
  of it), ``/etc``, the interpreter's prefixes and site-packages, the ``learnkit``/``checkers``
  package folders of an editable install (not the rest of the checkout), the datasets; a fresh
  ``/dev`` (null, zero, random, urandom, tty, full) and ``/proc`` of its own PID namespace;
  NOTHING else of the host (submissions, the grader's ``--out``, the gradebook, other kernels,
  the host's ``/tmp``, home folders). Folders named in ``hide`` that fall under a visible bind
  are covered with an empty tmpfs;
* writable: ``/tmp``, ``/dev/shm`` and its working folder, each a tmpfs of ``quota_mb``; and its
  private run folder (connection file, ipc sockets, the runner's ticket/results), the one folder
  on the host's disk it can write, where every file is capped at ``quota_mb`` (RLIMIT_FSIZE).
  The root, ``/dev`` and everything else are read-only;
* no capabilities (``--cap-drop ALL`` / capset + bounding set), no new privileges;
* death with its parent: bwrap ``--die-with-parent``; prepared kernels PR_SET_PDEATHSIG chains
  (grader → fork server → kernel); and when a kernel (or its pid 1) dies, the kernel kills every
  process left in its PID namespace, ``setsid`` daemons included.

``available()`` says whether this machine can do it (checked once per process, by running bwrap).
"""
from __future__ import annotations

import ctypes
import functools
import os
import shutil
import site
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from learnkit.runner import scratch

DEFAULT_QUOTA_MB = 1024
INSTALL_HINT = ("install bubblewrap (as root: `apt-get install -y bubblewrap`; dnf/pacman: `bubblewrap`) and make sure "
                "user namespaces are enabled (sysctl kernel.unprivileged_userns_clone=1 / user.max_user_namespaces > 0), "
                "or grade with --no-sandbox (kernels then run as the grader's user, NOT SANDBOXED)")
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
IPC_PATH_MAX = 107  # bytes of a unix socket's path (sun_path, less its NUL)
DEVICES_GPU = ("/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia-modeset")


class SandboxUnavailable(RuntimeError):
    pass


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


@functools.lru_cache(maxsize=1)
def check() -> tuple[bool, str]:
    """(True, "") when a sandbox can be set up here, else (False, what is missing and how to fix it)."""
    if not sys.platform.startswith("linux"):
        return False, f"sandboxed kernels need Linux (this is {sys.platform})"
    exe = bwrap_path()
    if exe is None:
        return False, "bubblewrap (`bwrap`) is not installed: " + INSTALL_HINT
    try:
        proc = subprocess.run([exe, "--unshare-all", "--unshare-user", "--die-with-parent", "--cap-drop", "ALL",
                               *_system_binds(), "--proc", "/proc", "--dev", "/dev", "--size", str(2**20),
                               "--tmpfs", "/tmp", "--", "true"],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, f"bubblewrap could not run ({type(e).__name__}: {e}): " + INSTALL_HINT
    if proc.returncode != 0:
        return False, f"bubblewrap cannot create namespaces here ({proc.stderr.strip()[:300]}): " + INSTALL_HINT
    return True, ""


def available() -> bool:
    return check()[0]


def require() -> None:
    ok, why = check()
    if not ok:
        raise SandboxUnavailable(why)


def _system_binds() -> list[str]:
    args: list[str] = []
    for p in SYSTEM:
        if os.path.islink(p):  # merged /usr: /bin -> usr/bin
            args += ["--symlink", os.readlink(p), p]
        elif os.path.isdir(p):
            args += ["--ro-bind", p, p]
    return args


def _package_dirs() -> list[str]:
    """learnkit's and checkers' folders (an editable install points into a checkout: only these are shown)."""
    out = []
    for name in ("learnkit", "checkers"):
        try:
            mod = __import__(name)
        except Exception:
            continue
        for p in list(getattr(mod, "__path__", []) or []):
            out.append(str(Path(p).resolve()))
    return out


def interpreter_paths() -> list[str]:
    """Folders the kernel's interpreter needs, read-only: prefixes, site-packages, learnkit's packages."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    paths |= {os.path.realpath(p) for p in list(paths)}
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    try:
        paths |= set(site.getsitepackages())
    except AttributeError:
        pass
    paths |= {os.path.realpath(p) for p in list(paths)}
    paths |= set(_package_dirs())
    return _outermost(p for p in paths if p and os.path.isdir(p))


def _outermost(paths) -> list[str]:
    """Drop paths inside another one of the list (one bind shows both); sorted."""
    out: list[str] = []
    for p in sorted(set(map(os.path.normpath, paths))):
        if not any(p == q or p.startswith(q.rstrip("/") + "/") for q in out):
            out.append(p)
    return out


def _under(path: str, roots) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


@dataclass
class Sandbox:
    """What one kernel may see and write. ``root`` is a fresh host folder holding ``work`` (the
    kernel's working folder) and ``run`` (the runner's private folder); ``cleanup()`` removes it."""
    root: Path
    work_dir: Path | None = None  # a host folder to work in (its files shown read-only); default root/work
    data: tuple[str, ...] = ()  # dataset folders, read-only
    hide: tuple[str, ...] = ()  # host folders that must stay invisible (submissions, --out…)
    shared: tuple[str, ...] = ()  # host folders shared read-write by the batch's kernels (JAX cache)
    quota_mb: float = DEFAULT_QUOTA_MB
    extra_ro: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def create(cls, prefix: str = "learnkit-sandbox-", work: Path | None = None, **kw) -> "Sandbox":
        root = Path(tempfile.mkdtemp(prefix=prefix, dir=scratch.root()))
        (root / "run").mkdir(mode=0o700)
        if work is None:
            (root / "work").mkdir()
        return cls(root=root, work_dir=Path(work).resolve() if work is not None else None, **kw)

    @property
    def work(self) -> Path:
        """The kernel's working folder (a tmpfs of ``quota_mb`` inside; the host folder's files are shown read-only)."""
        return self.work_dir or self.root / "work"

    @property
    def run(self) -> Path:
        """The runner's private folder: connection file, ipc sockets, ticket, results (writable, on the host)."""
        return self.root / "run"

    @property
    def quota_bytes(self) -> int:
        return int(self.quota_mb * 2**20)

    def env_overrides(self) -> dict[str, str | None]:
        """Environment changes inside (None: unset). JPY_PARENT_PID: the grader's pid does not exist in
        the kernel's PID namespace (ipykernel would shut down at once); parent death is handled by the OS."""
        return {"HOME": str(self.work), "TMPDIR": "/tmp", "JPY_PARENT_PID": None, "MPLCONFIGDIR": "/tmp/matplotlib",
                "IPYTHONDIR": "/tmp/ipython"}

    def argv(self, command: list[str], *, bind_work_files: bool = True) -> list[str]:
        """The bwrap command line that runs ``command`` in this sandbox.

        ``bind_work_files``: show the host working folder's current files (the notebook copy) inside,
        read-only, on top of the tmpfs; a prepared kernel's folder is filled later (``host_path``)."""
        exe = bwrap_path()
        if exe is None:
            raise SandboxUnavailable(check()[1] or "bubblewrap is not installed")
        q = str(self.quota_bytes)
        args = [exe, "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
        args += _system_binds()
        # fresh /proc, /dev and /tmp first: the binds below may lie under /tmp (data, the kernel's own folders)
        args += ["--proc", "/proc", "--dev", "/dev", "--size", q, "--tmpfs", "/dev/shm"]
        for dev in DEVICES_GPU + tuple(f"/dev/nvidia{i}" for i in range(16)):
            if os.path.exists(dev):
                args += ["--dev-bind", dev, dev]
        args += ["--size", q, "--tmpfs", "/tmp"]
        visible = [p for p in SYSTEM if os.path.isdir(p) and not os.path.islink(p)]
        ro = interpreter_paths() + [str(Path(p).resolve()) for p in (*self.data, *self.extra_ro) if p and os.path.isdir(p)]
        for p in _outermost(p for p in ro if not _under(p, visible)):
            args += ["--ro-bind", p, p]
            visible.append(p)
        for p in self.shared:
            if os.path.isdir(p):
                args += ["--bind", p, p]
        for p in self.hide:  # a hidden folder under a visible bind: cover it
            real = os.path.realpath(p)
            if os.path.isdir(real) and _under(real, visible):
                args += ["--tmpfs", real, "--remount-ro", real]
        args += ["--size", q, "--tmpfs", str(self.work)]
        if bind_work_files and self.work_dir is not None:
            for f in sorted(self.work_dir.iterdir()):
                args += ["--ro-bind", str(f), str(f)]
        args += ["--bind", str(self.run), str(self.run), "--remount-ro", "/dev", "--remount-ro", "/"]
        for k, v in self.env_overrides().items():
            args += ["--unsetenv", k] if v is None else ["--setenv", k, v]
        args += ["--chdir", str(self.work), "--"]
        prlimit = shutil.which("prlimit")
        if prlimit:
            args += [prlimit, f"--fsize={q}"]
        return args + list(command)

    def kernel_command(self) -> list[str]:
        return self.argv([sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"])

    def configure(self, km) -> None:
        """Make ``km`` (a jupyter_client KernelManager) talk over ipc sockets in the private folder."""
        longest = str(self.run / "k") + "-99999"
        if len(longest.encode()) > IPC_PATH_MAX:
            raise SandboxUnavailable(f"the kernel's sockets would be too long a path ({longest}): "
                                     "set TMPDIR to a shorter folder")
        km.transport = "ipc"
        km.ip = str(self.run / "k")
        km.connection_file = str(self.run / "kernel.json")

    def to_dict(self) -> dict:
        return {"holder": self.argv(["sh", "-c", "echo ready && exec sleep 86400"], bind_work_files=False),
                "quota": self.quota_bytes, "env": self.env_overrides(), "work": str(self.work)}

    def cleanup(self) -> None:
        scratch.remove(self.root)  # also through folders the notebook made read-only in its run folder


def inside_pid(pid: int | None) -> int | None:
    """``pid`` or its first descendant that lives in another mount namespace (bwrap's sandboxed process)."""
    if not pid:
        return None
    import psutil
    try:
        mine = os.readlink("/proc/self/ns/mnt")
        for p in [pid] + [c.pid for c in psutil.Process(pid).children(recursive=True)]:
            try:
                if os.readlink(f"/proc/{p}/ns/mnt") != mine:
                    return p
            except OSError:
                continue
    except (OSError, psutil.Error):
        pass
    return pid


def host_path(pid: int | None, path: str | Path) -> Path:
    """Where the host reaches ``path`` of the sandbox whose process is ``pid`` (its own tmpfs)."""
    return Path(f"/proc/{pid}/root{Path(path)}") if pid else Path(path)


# -- prepared kernels: the fork server's child enters a sandbox (Linux only) -----------------------

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38
MS_NOSUID, MS_NODEV, MS_NOEXEC = 2, 4, 8


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def die_with_parent(parent: int | None = None) -> None:
    """PR_SET_PDEATHSIG(SIGKILL); exit at once if the expected parent is already gone."""
    import signal
    _check(_libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def enter(spec: dict) -> None:
    """In a single-threaded child of the fork server: join a freshly built sandbox file system, then
    take new PID/network/IPC/UTS namespaces. The NEXT fork is pid 1 of the new PID namespace; it
    must call ``finish_inside`` before running anything else."""
    import select
    import signal
    libc = _libc()
    holder = subprocess.Popen(spec["holder"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env={"PATH": "/usr/bin:/bin"})
    assert holder.stdout is not None and holder.stderr is not None  # (pipes, asked for above)
    try:
        ready, _, _ = select.select([holder.stdout], [], [], 20)
        line = holder.stdout.readline() if ready else b""
        target = inside_pid(holder.pid) if line.strip() == b"ready" else None
        if target == holder.pid:
            target = None
        if target is None:
            holder.kill()
            err = holder.stderr.read(400).decode(errors="replace") if not ready or not line else ""
            raise OSError(f"bubblewrap could not build the sandbox {err.strip()}")
        fds = {ns: os.open(f"/proc/{target}/ns/{ns}", os.O_RDONLY) for ns in ("mnt", "user")}
        _check(libc.setns(fds["mnt"], CLONE_NEWNS), "setns(mnt)")
        _check(libc.setns(fds["user"], CLONE_NEWUSER), "setns(user)")
        for fd in fds.values():
            os.close(fd)
    finally:
        if holder.poll() is None:
            holder.send_signal(signal.SIGKILL)
        holder.wait()
    _check(libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")


def finish_inside(spec: dict) -> None:
    """In pid 1 of the new PID namespace: its own /proc, limits, environment, no capabilities."""
    import resource
    libc = _libc()
    _check(libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None), "mount(/proc)")
    q = int(spec["quota"])
    resource.setrlimit(resource.RLIMIT_FSIZE, (q, q))
    for k, v in spec["env"].items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    drop_capabilities()


def drop_capabilities() -> None:
    libc = _libc()
    last = 63
    try:
        last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    except (OSError, ValueError):
        pass
    for cap in range(last + 1):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    data = (Data * 2)()
    _check(libc.capset(ctypes.byref(Header(0x20080522, 0)), data), "capset")
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
