"""Stand-ins: generated data with the real files' columns and dtypes, for when the course's data
cannot be had (a demo, CI, a first look). Every use of one is loud.

The generators live beside the course content they serve (``checkers/<course>/standins.py``);
each registry entry names its own (``Dataset.generator``, ``"module:function"``), imported only
when a stand-in is made. When it cannot be imported, :class:`StandinUnavailable` says so, and
everything else (finding, checking, loading real files) works as before.

:func:`standin` makes a frame; :func:`materialize_standins` writes such files into a directory,
plus a ``learnkit-standins.json`` manifest, that ``LEARNKIT_DATA`` can point at; files listed in
that manifest are accepted by ``path`` with a :class:`StandinDataWarning`.
"""
from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import warnings
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from learnkit.data.errors import (DatasetError, DatasetNotFound, StandinDataWarning, StandinUnavailable,
                                  UnverifiedDataWarning)
from learnkit.data.formats import csv_bytes, idx_bytes, npz_bytes, read_csv, read_manifest, text_bytes, write_manifest
from learnkit.data.locate import resolve, standin_found_message
from learnkit.data.registry import REGISTRY, Dataset, info
from learnkit.files import atomic_open, write_atomic
from learnkit.i18n import _

__all__ = ["standin", "load_or_standin", "materialize_standins"]


def _generator(ds: Dataset) -> Callable:
    """The registered generator of ``ds``, imported now."""
    if not ds.generator:
        raise StandinUnavailable(_("No stand-in for {name}: no generator is registered for it.").format(name=ds.name))
    module, _sep, attr = ds.generator.partition(":")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as e:
        raise StandinUnavailable(_(
            "No stand-in for {name}: its generator {target} cannot be loaded ({error}). "
            "Set LEARNKIT_DATA to a directory containing the course's {file} instead."
        ).format(name=ds.name, target=ds.generator, error=e, file=ds.file)) from None


def _shape(ds: Dataset) -> tuple[int, ...]:
    """The registry's shape of ``ds``; a stand-in cannot be made for a file registered without one."""
    if ds.shape is None:
        raise StandinUnavailable(_("No stand-in for {name}: no generator is registered for it.").format(name=ds.name))
    return ds.shape


def _rows(ds: Dataset, rows: int | None) -> int:
    n = _shape(ds)[0] if rows is None else int(rows)
    if n < 1:
        raise ValueError("rows must be at least 1")
    return n


def _generated(ds: Dataset, expected, got) -> None:
    """Refuses what a generator made unless it has the registry's columns (or array shape)."""
    if expected != got:
        raise StandinUnavailable(_("The stand-in generator {target} of {name} made {got}; the "
                                   "registry says {expected}.").format(
            target=ds.generator, name=ds.name, got=got, expected=expected))


def standin(name: str, rows: int | None = None, seed: int = 0) -> pd.DataFrame:
    """A synthetic frame with the real file's columns and dtypes (as ``load`` returns them) and
    plausible values. ``rows`` defaults to the real row count. Deterministic for a given seed."""
    ds = info(name)
    if ds.kind != "csv":
        raise ValueError(_("No stand-in for {name}: it is not a CSV file (materialize_standins can "
                           "write one).").format(name=ds.name))
    n = _rows(ds, rows)
    df = _generator(ds)(np.random.default_rng(seed), n)
    _generated(ds, ds.columns, tuple(df.columns))
    return df


def _looked_summary(err: DatasetNotFound) -> str:
    return "; ".join(err.looked_in) + "; " + _("download: {0}").format(err.download_note)


def load_or_standin(name: str, rows: int | None = None, seed: int = 0, *,
                    data_dir: str | os.PathLike | None = None, download: bool | None = None,
                    **read_csv_overrides) -> tuple[pd.DataFrame, bool, str]:
    """``(frame, is_standin, message)``: the real data when it can be found, else a stand-in with a
    loud message (also issued as a :class:`StandinDataWarning`). A corrupt file still raises, and
    so does a missing file without a stand-in (:class:`StandinUnavailable`, saying both)."""
    ds = info(name)
    try:
        found = resolve(ds, data_dir, download)
    except DatasetNotFound as e:
        try:
            df = standin(ds.name, rows=rows, seed=seed)
        except StandinUnavailable as no:
            raise StandinUnavailable(f"{e}\n{no}") from None
        msg = _("STAND-IN DATA: {file} was not found (looked in: {looked}). Using generated data with "
                "the same columns; numbers will not match the course. To use the real file, set "
                "LEARNKIT_DATA to a directory containing {file}.").format(file=ds.file, looked=_looked_summary(e))
        warnings.warn(msg, StandinDataWarning, stacklevel=2)
        return df, True, msg
    if found.note:
        warnings.warn(found.note, UnverifiedDataWarning, stacklevel=2)
    df = read_csv(ds, found.path, **read_csv_overrides)
    if found.standin:
        msg = standin_found_message(ds, found.path)
        warnings.warn(msg, StandinDataWarning, stacklevel=2)
        return df, True, msg
    return df, False, _("{file}: the course's data, from {path} (sha256 checked).").format(
        file=ds.file, path=found.path) if found.verified else found.note


def _standin_bytes(ds: Dataset, rows: int | None, seed: int) -> bytes:
    if ds.kind == "idx":
        arr = np.asarray(_generator(ds)(np.random.default_rng(seed), _rows(ds, rows)))
        _generated(ds, tuple(_shape(ds)[1:]), tuple(arr.shape[1:]))
        return idx_bytes(arr)
    if ds.kind == "npz":   # {name: array}; the widest array has the registry's shape (rows may differ)
        arrays = {k: np.asarray(v) for k, v in dict(_generator(ds)(np.random.default_rng(seed), _rows(ds, rows))).items()}
        widest = max(arrays.values(), key=np.ndim, default=np.zeros(0))
        _generated(ds, tuple(_shape(ds)[1:]), tuple(widest.shape[1:]))
        return npz_bytes(arrays)
    if ds.kind == "text":  # the text of ``rows`` lines
        text = str(_generator(ds)(np.random.default_rng(seed), _rows(ds, rows)))
        return text_bytes(text)
    return csv_bytes(ds, standin(ds.name, rows=rows, seed=seed))


def materialize_standins(directory: str | os.PathLike, names: list[str] | None = None, *,
                         rows: int | None = None, seed: int = 0, use_real: bool = True,
                         download: bool | None = None) -> list[str]:
    """Fill ``directory`` so that ``LEARNKIT_DATA=directory`` finds every dataset in ``names``
    (default: all). Real verified files are copied when they can be found (``use_real``); the
    others are generated and listed in ``directory/learnkit-standins.json``, which makes
    ``path`` accept them with a :class:`StandinDataWarning`. Returns the names generated."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(root)
    generated: list[str] = []
    for name in (list(REGISTRY) if names is None else [names] if isinstance(names, str) else names):
        ds = info(name)
        dest = root / ds.file
        found = None
        if use_real:
            try:
                found = resolve(ds, None, download)
            except DatasetError:
                found = None
            if found is not None and not found.verified:
                found = None            # a stand-in elsewhere, or an unverified file: regenerate
        if found is not None:
            if not (dest.exists() and os.path.samefile(found.path, dest)):
                with open(found.path, "rb") as src, atomic_open(dest, "wb") as out:
                    shutil.copyfileobj(src, out)
            manifest.pop(ds.file, None)
            continue
        data = _standin_bytes(ds, rows, seed)
        write_atomic(dest, data)
        manifest[ds.file] = {"name": ds.name, "sha256": hashlib.sha256(data).hexdigest(),
                             "rows": rows, "seed": seed, "generator": ds.generator}
        generated.append(ds.name)
    write_manifest(root, manifest)
    return generated
