"""The course's data files: one :class:`Dataset` record per file (sha256, size, shape, columns,
public URL, read options, the stand-in generator), read from ``registry.toml`` (data, not code: a course
author adds a file there), and the lookup of a name, alias or file name."""
from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Mapping

from learnkit.i18n import _

__all__ = ["Dataset", "REGISTRY", "KAGGLE_DATASET", "names", "info"]

#: The Kaggle dataset that holds the ``kaggle=True`` files.
KAGGLE_DATASET = "ryanholbrook/dl-course-data"


@dataclass(frozen=True)
class Dataset:
    name: str
    file: str                                   # relative to a data directory
    sha256: str
    size: int
    shape: tuple[int, ...] | None
    columns: tuple[Any, ...] | None             # CSVs only, as ``load`` returns them
    url: str | None                             # None: no public copy with these bytes
    read_csv: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "csv"                           # "csv", "idx" (gzipped IDX arrays), "npz" or "text"
    kaggle: bool = False                        # part of Kaggle's dl-course-data
    aliases: tuple[str, ...] = ()
    also_accept: tuple[tuple[str, int], ...] = ()  # other known-good (sha256, size)
    source: str = ""
    #: ``"module:function"`` of the stand-in generator, ``f(rng, n)`` -> the frame (CSV), the array
    #: (IDX), ``{name: array}`` (NPZ) or the text of ``n`` lines (text); imported only when a stand-in is made, so the course's module may be absent.
    generator: str = ""

    @property
    def accepted(self) -> dict[str, int]:
        return {self.sha256: self.size, **dict(self.also_accept)}


def _record(name: str, t: dict[str, Any]) -> Dataset:
    """One table of registry.toml as a :class:`Dataset` (the file's comment says what each key means)."""
    t = dict(t)
    columns = tuple(range(t.pop("integer_columns"))) if "integer_columns" in t else t.pop("columns", None)
    read_csv = dict(t.pop("read_csv", {}))
    if t.pop("no_header", False):
        read_csv["header"] = None
    return Dataset(
        name, t.pop("file"), t.pop("sha256"), t.pop("size"),
        tuple(t.pop("shape")) if "shape" in t else None,
        tuple(columns) if columns is not None else None,
        t.pop("url", None), read_csv=read_csv,
        aliases=tuple(t.pop("aliases", ())),
        also_accept=tuple((sha, size) for sha, size in t.pop("also_accept", ())),
        **t)


def _load() -> list[Dataset]:
    with resources.files("learnkit.data").joinpath("registry.toml").open("rb") as f:
        tables = tomllib.load(f)
    records = []
    for name, table in tables.items():
        try:
            records.append(_record(name, table))
        except (KeyError, TypeError) as e:  # a missing or unknown key: say which table of the file
            raise ValueError(f"learnkit/data/registry.toml, [{name}]: {type(e).__name__}: {e}") from None
    return records


_DATASETS = _load()

REGISTRY: dict[str, Dataset] = {d.name: d for d in _DATASETS}


def _key(text: str) -> str:
    return text.strip().lower().replace("_", "-")


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for d in _DATASETS:
        base = d.file.rsplit("/", 1)[-1]
        for k in (d.name, *d.aliases, d.file, base, base.split(".", 1)[0]):
            index.setdefault(_key(k), d.name)
    return index


_INDEX = _build_index()


def names() -> list[str]:
    return list(REGISTRY)


def info(name_or_file: str | Dataset) -> Dataset:
    """The registry entry for a name, alias or file name (``'hourly_wages'``, ``'spotify.csv'``)."""
    if isinstance(name_or_file, Dataset):
        return name_or_file
    text = os.fspath(name_or_file)
    for candidate in (text, text.replace("\\", "/").rsplit("/", 1)[-1]):
        found = _INDEX.get(_key(candidate))
        if found:
            return REGISTRY[found]
    close = difflib.get_close_matches(_key(text), list(_INDEX), n=3)
    hint = _(" Did you mean: {0}?").format(", ".join(close)) if close else ""
    raise ValueError(_("Unknown dataset {name!r}. Known: {known}.{hint}").format(
        name=text, known=", ".join(REGISTRY), hint=hint))

