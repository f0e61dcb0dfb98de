"""Headless Chromium for tests that look at the HTML we write, as a person would.

``chromium()`` returns the path of Debian's ``chromium``, installing it with apt-get when it is
missing and we are root (the machines and CI run as root and reach Debian's packages), or calls
``pytest.skip`` with the reason when that is impossible. Installation is serialized with a file
lock so parallel test workers (pytest-xdist) do not run apt-get twice.

``dump_dom(url)`` and ``screenshot(url, png)`` run it with every flag that keeps it offline: no
background networking, component updates, sync or QUIC — the pages under test are
self-contained and there is no network.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
LOCK = Path(tempfile.gettempdir()) / "learnkit-chromium-install.lock"
INSTALL_TIMEOUT = 900  # seconds; a fresh install downloads ~100 MB of .debs
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars"]

#: Seconds the last installation took (None: nothing was installed in this process).
install_seconds: float | None = None


def find() -> str | None:
    for path in CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("chromium")


def _install() -> str | None:
    """apt-get install chromium; return why it could not be done, or None."""
    global install_seconds
    if os.name != "posix" or os.geteuid() != 0:
        return "chromium is not installed and installing it needs root (apt-get install -y chromium)"
    if not shutil.which("apt-get"):
        return "chromium is not installed and there is no apt-get to install it with"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    start = time.monotonic()
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
        except subprocess.TimeoutExpired:
            return f"`{' '.join(cmd)}` did not finish in {INSTALL_TIMEOUT} s"
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            return f"`{' '.join(cmd)}` failed ({proc.returncode}): " + " / ".join(tail)
    install_seconds = time.monotonic() - start
    return None


def chromium() -> str:
    """Path of a chromium binary; installs it if possible, else skips the calling test."""
    path = find()
    if path:
        return path
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be installing it right now
        try:
            path = find()
            if path:
                return path
            why = _install()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    path = find()
    if path:
        return path
    pytest.skip(why or "chromium was installed but no `chromium` binary was found")


def _run(url: str, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="learnkit-chromium-") as profile:
        cmd = [chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, url]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env=dict(os.environ, HOME=profile))


def dump_dom(url: str) -> str:
    """The DOM after the page loaded, serialized as HTML."""
    proc = _run(url, "--dump-dom")
    assert proc.returncode == 0, f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}"
    return proc.stdout


def screenshot(url: str, png: Path, width: int = 1200, height: int = 2000) -> Path:
    png = Path(png)
    proc = _run(url, f"--screenshot={png}", f"--window-size={width},{height}")
    assert proc.returncode == 0 and png.exists(), f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}"
    return png
