"""Writing a file so that a reader sees the old content or the new one, never half of it.

Every file learnkit writes for someone else to read (exports, reports, datasets, stand-ins,
built notebooks) goes through :func:`atomic_open` or :func:`write_atomic`: the data goes to a
hidden temporary file in the same folder, which replaces the target only once it is complete.
A grader killed mid-write leaves the previous file, and no ``.tmp`` litter.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_open", "write_atomic"]


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", *, encoding: str | None = "utf-8",
                newline: str | None = None, permissions: int = 0o644) -> Iterator[IO[Any]]:
    """Open ``path`` for writing (``"w"`` or ``"wb"``); the file appears when the block ends
    without an exception. The parent folder is created when missing."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes whole files: mode 'w' or 'wb', not {mode!r}")
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        binary = "b" in mode
        with os.fdopen(fd, mode, encoding=None if binary else encoding,
                       newline=None if binary else newline) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, permissions)
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_atomic(path: str | os.PathLike, data: str | bytes, *, encoding: str = "utf-8",
                 permissions: int = 0o644) -> Path:
    """Write ``data`` (text or bytes) to ``path`` atomically; returns the path."""
    with atomic_open(path, "wb" if isinstance(data, bytes) else "w", encoding=encoding,
                     permissions=permissions) as f:
        f.write(data)
    return Path(path)
