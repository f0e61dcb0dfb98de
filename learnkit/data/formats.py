"""The files' formats: CSV with the registry's read options, gzipped IDX arrays (MNIST), NumPy
``.npz`` archives (Keras's datasets), UTF-8 text, and the ``learnkit-standins.json`` manifest that lists the generated files of a folder."""
from __future__ import annotations

import gzip
import io
import json
import struct
from pathlib import Path

import numpy as np
import pandas as pd

from learnkit.data.registry import Dataset
from learnkit.files import write_atomic

__all__ = ["MANIFEST", "read_csv", "csv_bytes", "read_idx", "idx_bytes", "read_npz", "npz_bytes", "read_text",
           "text_bytes", "read_manifest", "write_manifest"]

#: Written by ``materialize_standins``; lists the generated files of a directory.
MANIFEST = "learnkit-standins.json"


def read_csv(ds: Dataset, p: Path, **overrides) -> pd.DataFrame:
    """``pd.read_csv`` with the registry's options for ``ds`` (``overrides`` win)."""
    return pd.read_csv(p, **{**ds.read_csv, **overrides})


def csv_bytes(ds: Dataset, df: pd.DataFrame) -> bytes:
    """``df`` written so that :func:`read_csv` gives it back (header and index as the file has them)."""
    if ds.read_csv.get("header", "infer") is None:
        text = df.to_csv(header=False, index=False)
    else:
        text = df.to_csv(index=ds.read_csv.get("index_col") is not None)
    return text.encode("utf-8")


def read_idx(p: Path) -> np.ndarray:
    """A gzipped unsigned-byte IDX file as a uint8 array of its shape."""
    with gzip.open(p, "rb") as f:
        raw = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{p} is not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def idx_bytes(arr: np.ndarray) -> bytes:
    """``arr`` as a gzipped unsigned-byte IDX file (the same bytes for the same array)."""
    header = struct.pack(">HBB", 0, 0x08, arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write(header + np.ascontiguousarray(arr, dtype=np.uint8).tobytes())
    return buf.getvalue()


def read_npz(p: Path) -> dict[str, np.ndarray]:
    """The arrays of a ``.npz`` archive, by name (no pickles: Keras's files hold plain arrays)."""
    with np.load(p, allow_pickle=False) as f:
        return {name: f[name] for name in f.files}


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """``arrays`` as an uncompressed ``.npz`` archive, as ``np.savez`` writes it."""
    buf = io.BytesIO()
    np.savez(buf, **{k: np.asarray(v) for k, v in arrays.items()})  # type: ignore[arg-type]
    return buf.getvalue()


def read_text(p: Path) -> str:
    """A UTF-8 text file as one string (newlines as written)."""
    with open(p, encoding="utf-8", newline="") as f:
        return f.read()


def text_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def read_manifest(directory: Path) -> dict:
    """``{file: {"name", "sha256", ...}}`` of the generated files of ``directory``; {} when none."""
    try:
        return json.loads((directory / MANIFEST).read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError, AttributeError):
        return {}


def write_manifest(directory: Path, files: dict) -> None:
    write_atomic(directory / MANIFEST, json.dumps(
        {"note": "Generated stand-in data, NOT the course's files. Numbers will not match the course.",
         "files": files}, indent=2, sort_keys=True).encode("utf-8"))
