"""Course data: find it offline first, check it, fetch it, and stand in for it when it is missing.

``learnkit.data.path('spotify')`` is the verified local path of a course file; ``load`` reads a CSV
with the registry's options, ``load_array`` an IDX array, ``load_npz`` an ``.npz``, ``load_text`` a text. The modules:

- :mod:`~learnkit.data.registry`: the :class:`Dataset` records (sha256, size, columns, URL, the
  stand-in generator) and the lookup of names, aliases and file names;
- :mod:`~learnkit.data.locate`: the search order (``data_dir``, ``LEARNKIT_DATA``, Kaggle, the
  cache), sha256 checks, ``path``/``load``/``load_array``/``status``;
- :mod:`~learnkit.data.fetch`: downloads into the user cache on pooch (mirror, retries);
- :mod:`~learnkit.data.classics`: Keras's and d2l's loaders on the registered files (Boston housing's
  404 / 102 split, the Time Machine corpus), offline;
- :mod:`~learnkit.data.formats`: CSV read options, IDX arrays, the stand-in manifest;
- :mod:`~learnkit.data.standins`: stand-ins from the generators the courses register;
- :mod:`~learnkit.data.synth`: building blocks for those generators;
- :mod:`~learnkit.data.errors`: the errors and warnings.
"""
from __future__ import annotations

from learnkit.data.errors import (DatasetChecksumError, DatasetError, DatasetNotFound, StandinDataWarning,
                                  StandinUnavailable, UnverifiedDataWarning)
from learnkit.data.fetch import cache_dir
from learnkit.data.formats import MANIFEST
from learnkit.data.locate import clear_hash_cache, load, load_array, load_npz, load_text, path, search_dirs, status
from learnkit.data.classics import boston_housing, char_vocab, time_machine_chars, time_machine_lines
from learnkit.data.registry import REGISTRY, Dataset, info, names
from learnkit.data.standins import load_or_standin, materialize_standins, standin

__all__ = [
    "Dataset", "REGISTRY", "DatasetError", "DatasetNotFound", "DatasetChecksumError", "StandinUnavailable",
    "StandinDataWarning", "UnverifiedDataWarning", "names", "info", "path", "load", "load_array", "load_npz", "load_text",
    "boston_housing", "time_machine_lines", "time_machine_chars", "char_vocab",
    "standin", "load_or_standin", "materialize_standins", "status", "cache_dir", "search_dirs",
    "MANIFEST", "clear_hash_cache",
]
