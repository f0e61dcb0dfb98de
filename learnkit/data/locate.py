"""Finding a course file offline first, checking its sha256, and loading it.

``path('spotify')`` looks for the file, in this order:

1. the ``data_dir`` argument;
2. ``LEARNKIT_DATA`` (one directory, or several joined with ``os.pathsep``);
3. Kaggle: ``../input/dl-course-data`` (relative to the working directory), then
   ``/kaggle/input/dl-course-data``;
4. the user cache (:func:`learnkit.data.fetch.cache_dir`).

The first file found is checked against the registry's sha256 (cached per path, size and mtime).
A file with the wrong hash is never used: :class:`DatasetChecksumError` says which file, both
hashes, and what to do. A file listed in its folder's stand-in manifest is accepted with a loud
:class:`StandinDataWarning`. If nothing is found and downloads are allowed (``download=True``, or
``LEARNKIT_DOWNLOAD`` is not ``"0"``), the file is downloaded into the cache
(:mod:`learnkit.data.fetch`). Otherwise :class:`DatasetNotFound` lists every place looked in and
how to fix it.
"""
from __future__ import annotations

import hashlib
import http.client
import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from learnkit.data import fetch
from learnkit.data.errors import (DatasetChecksumError, DatasetNotFound, StandinDataWarning,
                                  UnverifiedDataWarning)
from learnkit.data.formats import MANIFEST, read_csv, read_idx, read_manifest, read_npz, read_text
from learnkit.data.registry import KAGGLE_DATASET, REGISTRY, Dataset, info
from learnkit.i18n import _

__all__ = ["KAGGLE_DIRS", "search_dirs", "clear_hash_cache", "resolve", "Found", "path", "load",
           "load_array", "load_npz", "load_text", "status", "standin_found_message"]

#: Kaggle mounts ``dl-course-data`` here; the relative one is resolved against the working directory.
KAGGLE_DIRS: tuple[str, ...] = ("../input/dl-course-data", "/kaggle/input/dl-course-data")


def search_dirs(data_dir: str | os.PathLike | None = None) -> list[tuple[str, Path | None]]:
    """The places :func:`path` looks, in order, as ``(label, directory)``; None when unset."""
    out: list[tuple[str, Path | None]] = []
    if data_dir is not None:
        out.append(("data_dir argument", Path(data_dir).expanduser()))
    env = os.environ.get("LEARNKIT_DATA", "")
    parts = [p for p in env.split(os.pathsep) if p.strip()]
    if parts:
        out.extend(("LEARNKIT_DATA", Path(p.strip()).expanduser()) for p in parts)
    else:
        out.append(("LEARNKIT_DATA", None))
    for k in KAGGLE_DIRS:
        p = Path(k)
        out.append(("Kaggle", p if p.is_absolute() else Path.cwd() / p))
    out.append(("cache", fetch.cache_dir()))
    return out


def _candidates(ds: Dataset, directory: Path) -> list[Path]:
    paths = [directory / ds.file]
    base = ds.file.rsplit("/", 1)[-1]
    if base != ds.file:
        paths.append(directory / base)  # also accept a flat directory
    return paths


def _show(p: Path) -> str:
    """Relative Kaggle directories keep their ``../input`` form, with the absolute path after it."""
    for k in KAGGLE_DIRS:
        if not Path(k).is_absolute() and p == Path.cwd() / k:
            return f"{k} (= {p.resolve()})"
    return str(p)


# --------------------------------------------------------------------------------------------
# Hashing (cached per path, size and mtime)
# --------------------------------------------------------------------------------------------

_hash_cache: dict[tuple[str, int, int], str] = {}
_hash_lock = threading.Lock()


def _sha256_file(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _hash_key(p: Path) -> tuple[str, int, int]:
    st = p.stat()
    return str(p.resolve()), st.st_size, st.st_mtime_ns


def _file_sha256(p: Path) -> str:
    key = _hash_key(p)
    with _hash_lock:
        cached = _hash_cache.get(key)
    if cached is None:
        cached = _sha256_file(p)
        with _hash_lock:
            _hash_cache[key] = cached
    return cached


def clear_hash_cache() -> None:
    with _hash_lock:
        _hash_cache.clear()


# --------------------------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------------------------

@dataclass
class Found:
    path: Path
    where: str                   # label of the search place, or "download"
    verified: bool               # the sha256 is a known-good one
    standin: bool = False        # listed in a stand-in manifest
    note: str = ""


def _env_flag(name: str, default: bool = True) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in ("0", "false", "no", "off")


def _checksum_error(ds: Dataset, p: Path, actual: str, where: str) -> DatasetChecksumError:
    if where == "cache":
        fix = _("Delete it ({path}); the next call downloads a fresh copy when a download exists.")
    else:
        fix = _("Replace it with the course's file, or delete it so that the next place is used.")
    msg = _(
        "{file} at {path} is not the course's file: its sha256 does not match.\n"
        "  expected sha256: {expected}{others}\n"
        "  actual sha256:   {actual} ({size} bytes, expected {esize})\n"
        "It may be truncated, edited or a different version. {fix}\n"
        "If you are sure this file is right, set LEARNKIT_VERIFY=0 to use it anyway."
    ).format(file=ds.file, path=p, expected=ds.sha256,
             others="".join(_(" or {0}").format(h) for h, _s in ds.also_accept),
             actual=actual, size=p.stat().st_size, esize=ds.size,
             fix=fix.format(path=p))
    return DatasetChecksumError(msg, path=str(p), expected=ds.sha256, actual=actual)


def _check(ds: Dataset, p: Path, where: str, root: Path) -> Found:
    actual = _file_sha256(p)
    if actual in ds.accepted:
        return Found(p, where, True)
    entry = read_manifest(root).get(ds.file)
    if isinstance(entry, dict) and entry.get("sha256") == actual:
        return Found(p, where, False, standin=True)
    err = _checksum_error(ds, p, actual, where)
    if not _env_flag("LEARNKIT_VERIFY"):
        return Found(p, where, False, note=str(err))
    raise err


def resolve(name_or_file, data_dir=None, download=None) -> Found:
    """Where the file is and what it is (see the module docstring); raises :class:`DatasetNotFound`
    or :class:`DatasetChecksumError`. Warns of nothing: :func:`path` and the loaders do."""
    ds = info(name_or_file)
    looked: list[str] = []
    for label, directory in search_dirs(data_dir):
        if directory is None:
            looked.append(_("{label} (not set)").format(label=label))
            continue
        for p in _candidates(ds, directory):
            if p.is_file():
                return _check(ds, p, label, directory)
        suffix = "" if directory.is_dir() else _(" (no such directory)")
        looked.append(f"{label}: {_show(directory)}{suffix}")

    if download is None:
        download = _env_flag("LEARNKIT_DOWNLOAD")
    url = fetch.download_url(ds)
    dest = fetch.cache_dir() / ds.file
    if url is None:
        note = _("no public download exists for this file")
    elif not download:
        note = _("downloads are off (download=False or LEARNKIT_DOWNLOAD=0); it is at {url}").format(url=url)
    else:
        try:
            got, sha256 = fetch.fetch(ds, url)
        except (OSError, http.client.HTTPException) as e:  # requests' errors, timeouts, disk
            reason = getattr(e, "reason", None) or e
            note = _("downloading {url} failed: {reason}").format(url=url, reason=reason)
        else:
            with _hash_lock:
                _hash_cache[_hash_key(got)] = sha256
            return Found(got, "download", True)
    raise _not_found(ds, looked, note, url, dest)


def _not_found(ds: Dataset, looked: list[str], note: str, url: str | None, dest: Path) -> DatasetNotFound:
    base = ds.file.rsplit("/", 1)[-1]
    steps = [_("set LEARNKIT_DATA=/path/to/dir containing {file} (in a notebook: "
               "import os; os.environ['LEARNKIT_DATA'] = '/path/to/dir'), or pass data_dir=...")
             .format(file=ds.file if base == ds.file else f"{ds.file} (or {base})")]
    if ds.kaggle:
        steps.append(_("on Kaggle, add the dataset {kaggle} to the notebook (Add Input); it appears "
                       "in ../input/dl-course-data/").format(kaggle=KAGGLE_DATASET))
    if url:
        steps.append(_("download it from {url} into {dest}").format(url=url, dest=dest))
    else:
        steps.append(_("no public download exists for this file; ask your instructor for {file}")
                     .format(file=base))
    msg = _("{file} was not found. Looked in:\n{looked}\nDownload: {note}.\nTo fix it, do one of:\n{steps}").format(
        file=ds.file, looked="\n".join(f"  - {x}" for x in looked), note=note,
        steps="\n".join(f"  {i}. {s}" for i, s in enumerate(steps, 1)))
    return DatasetNotFound(msg, file=ds.file, looked_in=tuple(looked), download_note=note)


def standin_found_message(ds: Dataset, p: Path) -> str:
    return _("STAND-IN DATA: {path} is generated data (listed in {manifest}), not the course's "
             "{file}. Numbers will not match the course.").format(path=p, manifest=MANIFEST, file=ds.file)


def _warn_found(ds: Dataset, found: Found, stacklevel: int = 3) -> None:
    if found.standin:
        warnings.warn(standin_found_message(ds, found.path), StandinDataWarning, stacklevel=stacklevel)
    elif found.note:
        warnings.warn(found.note, UnverifiedDataWarning, stacklevel=stacklevel)


# --------------------------------------------------------------------------------------------
# The public calls
# --------------------------------------------------------------------------------------------

def path(name_or_file: str, data_dir: str | os.PathLike | None = None,
         download: bool | None = None) -> Path:
    """The verified local path of a course file (see the module docstring for the search order).

    Raises :class:`DatasetNotFound` (a FileNotFoundError) or :class:`DatasetChecksumError`.
    """
    found = resolve(name_or_file, data_dir, download)
    _warn_found(info(name_or_file), found)
    return found.path


_LOADERS = {"csv": "load", "idx": "load_array", "npz": "load_npz", "text": "load_text"}


def _resolve_kind(name: str, kind: str, data_dir, download) -> tuple[Dataset, Path]:
    """The verified path of ``name``, which must be a ``kind`` file (else a TypeError naming its loader)."""
    ds = info(name)
    if ds.kind != kind:
        raise TypeError(_("{name} is a {kind} file; use learnkit.data.{loader}({name!r}).").format(
            name=ds.name, kind=ds.kind, loader=_LOADERS.get(ds.kind, "path")))
    found = resolve(ds, data_dir, download)
    _warn_found(ds, found, stacklevel=4)
    return ds, found.path


def load(name: str, data_dir: str | os.PathLike | None = None, download: bool | None = None,
         **read_csv_overrides) -> pd.DataFrame:
    """``pd.read_csv`` of the verified file with the registry's options (overridable)."""
    ds, p = _resolve_kind(name, "csv", data_dir, download)
    return read_csv(ds, p, **read_csv_overrides)


def load_array(name: str, data_dir: str | os.PathLike | None = None,
               download: bool | None = None) -> np.ndarray:
    """The MNIST IDX files as uint8 arrays: images (10000, 28, 28), labels (10000,)."""
    return read_idx(_resolve_kind(name, "idx", data_dir, download)[1])


def load_npz(name: str, data_dir: str | os.PathLike | None = None,
             download: bool | None = None) -> dict[str, np.ndarray]:
    """The arrays of a verified ``.npz`` file by name, e.g. ``load_npz('boston-housing')['x']``."""
    return read_npz(_resolve_kind(name, "npz", data_dir, download)[1])


def load_text(name: str, data_dir: str | os.PathLike | None = None, download: bool | None = None) -> str:
    """A verified text file as one string (``load_text('timemachine')``)."""
    return read_text(_resolve_kind(name, "text", data_dir, download)[1])


def status(data_dir: str | os.PathLike | None = None) -> list[dict]:
    """One row per dataset, offline (never downloads): name, file, found (path or None), where
    (which search place), verified, standin, downloadable and problem (an error message or None)."""
    rows = []
    for ds in REGISTRY.values():
        row = {"name": ds.name, "file": ds.file, "found": None, "where": None, "verified": False,
               "standin": False, "downloadable": fetch.download_url(ds) is not None, "problem": None}
        try:
            found = resolve(ds, data_dir, download=False)
            row.update(found=str(found.path), where=found.where, verified=found.verified,
                       standin=found.standin, problem=found.note or None)
        except DatasetChecksumError as e:
            row.update(found=e.path, problem=str(e))
        except DatasetNotFound:
            pass
        rows.append(row)
    return rows
