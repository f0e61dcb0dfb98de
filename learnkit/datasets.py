"""Course datasets: find them offline first, check them, and stand in for them when they are missing.

``path('spotify')`` looks for the file, in this order:

1. the ``data_dir`` argument;
2. ``LEARNKIT_DATA`` (one directory, or several joined with ``os.pathsep``);
3. Kaggle: ``../input/dl-course-data`` (relative to the working directory), then
   ``/kaggle/input/dl-course-data``;
4. the user cache: ``LEARNKIT_CACHE``, else ``$XDG_CACHE_HOME/learnkit/data``, else
   ``~/.cache/learnkit/data``.

The first file found is checked against the registry's sha256. A file with the wrong hash is
never used: :class:`DatasetChecksumError` says which file, both hashes, and what to do.
If nothing is found and downloads are allowed (``download=True``, or ``LEARNKIT_DOWNLOAD`` is not
``"0"``), the file is downloaded from its public upstream URL (or from ``LEARNKIT_DATA_URL`` +
file name, a mirror) into the cache, checked, and renamed into place. Otherwise
:class:`DatasetNotFound` lists every place looked in and how to fix it.

Stand-ins: :func:`standin` makes a synthetic frame with the same columns and dtypes, and
:func:`materialize_standins` writes such files into a directory (plus a
``learnkit-standins.json`` manifest) that ``LEARNKIT_DATA`` can point at. Files listed in that
manifest are accepted by :func:`path` with a loud :class:`StandinDataWarning`.
"""
from __future__ import annotations

import difflib
import gzip
import hashlib
import http.client
import json
import os
import shutil
import struct
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from learnkit.i18n import _

__all__ = [
    "Dataset", "REGISTRY", "DatasetError", "DatasetNotFound", "DatasetChecksumError",
    "StandinDataWarning", "UnverifiedDataWarning", "names", "info", "path", "load", "load_array",
    "standin", "load_or_standin", "materialize_standins", "status", "cache_dir", "search_dirs",
    "KAGGLE_DIRS", "MANIFEST", "clear_hash_cache",
]

#: Kaggle mounts ``dl-course-data`` here; the relative one is resolved against the working directory.
KAGGLE_DIRS: tuple[str, ...] = ("../input/dl-course-data", "/kaggle/input/dl-course-data")
KAGGLE_DATASET = "ryanholbrook/dl-course-data"
#: Written by :func:`materialize_standins`; lists the generated files of a directory.
MANIFEST = "learnkit-standins.json"
DEFAULT_TIMEOUT = 20.0


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------

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
    kind: str = "csv"                           # "csv" or "idx" (gzipped IDX arrays)
    kaggle: bool = False                        # part of Kaggle's dl-course-data
    aliases: tuple[str, ...] = ()
    also_accept: tuple[tuple[str, int], ...] = ()  # other known-good (sha256, size)
    source: str = ""

    @property
    def accepted(self) -> dict[str, int]:
        return {self.sha256: self.size, **dict(self.also_accept)}


_RSOUZA = "https://raw.githubusercontent.com/rsouza/NeuralNetworks_Course/55968fd5072fcb14504532d9d2a2c018bacb0d2b/"
_YOUNGSOUL = "https://raw.githubusercontent.com/youngsoul/intro_to_keras/59f490f5dd40e292e82136e3c61afee781535ff1/"
_WILLASSAD = "https://raw.githubusercontent.com/willassad/forestfires/3c5790717f8f8d31feacb7e295b4235bbe8586a4/"

_SPOTIFY_NUM = ("danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
                "instrumentalness", "liveness", "valence", "tempo", "duration_ms")

_DATASETS = [
    Dataset(
        "spotify", "spotify.csv",
        "9902920cfe4940f0914ebb6716801a42f7f19ac88fbd6693eaae7e2822b16845", 7971379, (32833, 23),
        ("track_id", "track_name", "track_artist", "track_popularity", "track_album_id",
         "track_album_name", "track_album_release_date", "playlist_name", "playlist_id",
         "playlist_genre", "playlist_subgenre") + _SPOTIFY_NUM,
        None, kaggle=True,
        source="TidyTuesday 2020-01-21 'Spotify Songs' (member of a zip on GitHub: no direct URL)"),
    Dataset(
        "concrete", "concrete.csv",
        "901749b7e40a90657777fb0a88489638f2d9f80546e72b28cf720a2fdd778a76", 48486, (1030, 9),
        ("Cement", "BlastFurnaceSlag", "FlyAsh", "Water", "Superplasticizer", "CoarseAggregate",
         "FineAggregate", "Age", "CompressiveStrength"),
        None, kaggle=True,
        source="UCI Concrete Compressive Strength, via CRAN AppliedPredictiveModeling (regenerated)"),
    Dataset(
        "red-wine", "red-wine.csv",
        "d6a0d9bd24806944818795f22500c46cb6424cbff517aacda36595d3ed9b2daa", 100951, (1599, 12),
        ("fixed acidity", "volatile acidity", "citric acid", "residual sugar", "chlorides",
         "free sulfur dioxide", "total sulfur dioxide", "density", "pH", "sulphates", "alcohol",
         "quality"),
        _RSOUZA + "data/winequality-red.csv", kaggle=True,
        source="UCI Wine Quality (red), Cortez et al. 2009"),
    Dataset(
        "hotel", "hotel.csv",
        "7c2ae42a7353905ea136e5c2287f17c92c5435826598bfbb8491c6f0c7b1fc06", 16855599, (119390, 32),
        ("hotel", "is_canceled", "lead_time", "arrival_date_year", "arrival_date_month",
         "arrival_date_week_number", "arrival_date_day_of_month", "stays_in_weekend_nights",
         "stays_in_week_nights", "adults", "children", "babies", "meal", "country",
         "market_segment", "distribution_channel", "is_repeated_guest", "previous_cancellations",
         "previous_bookings_not_canceled", "reserved_room_type", "assigned_room_type",
         "booking_changes", "deposit_type", "agent", "company", "days_in_waiting_list",
         "customer_type", "adr", "required_car_parking_spaces", "total_of_special_requests",
         "reservation_status", "reservation_status_date"),
        None, kaggle=True,
        source="Hotel booking demand, Antonio et al. 2019 (member of a zip on GitHub: no direct URL)"),
    Dataset(
        "ion", "ion.csv",
        "b4d79463764f2eea7b77228100a5b687577717fc35aacf2e72575bcfd4cddec7", 80563, (351, 35),
        tuple(f"V{i}" for i in range(1, 35)) + ("Class",),
        _RSOUZA + "data/ion.csv", read_csv={"index_col": 0}, kaggle=True,
        source="UCI Ionosphere, Sigillito et al. 1989"),
    Dataset(
        "fuel", "fuel.csv",
        "e77dab14b79907232a373d0e94cd73670dd7b65d83d106ca7cf1962f8f73d9f7", 91996, (1107, 14),
        ("EngDispl", "NumCyl", "Transmission", "FE", "AirAspirationMethod", "NumGears",
         "TransLockup", "TransCreeperGear", "DriveDesc", "IntakeValvePerCyl",
         "ExhaustValvesPerCyl", "CarlineClassDesc", "VarValveTiming", "VarValveLift"),
        None, kaggle=True,
        # Kaggle's own file has the same rows and values but other number formatting.
        also_accept=(("0b030fa9d256830c7d99313e76c4084eaf73d6b40200358a989d5cdfbc03d736", 92128),),
        source="fueleconomy.gov 2010, via CRAN AppliedPredictiveModeling cars2010 (regenerated)"),
    Dataset(
        "forestfires", "forestfires.csv",
        "0d6586a1fa52f55bef48578aef14eb97273f1e9330e1a53423df497a77065253", 25478, (517, 13),
        ("X", "Y", "month", "day", "FFMC", "DMC", "DC", "ISI", "temp", "RH", "wind", "rain", "area"),
        _WILLASSAD + "data/forestfires.csv", kaggle=True,
        source="UCI Forest Fires, Cortez & Morais 2007"),
    Dataset(
        "hourly-wages", "hourly_wages.csv",
        "0fd55080ae8e67ffe534e5ffba1f0e3a6b41e60c93da32f31d92c01318cf5a22", 13436, (534, 10),
        ("wage_per_hour", "union", "education_yrs", "experience_yrs", "age", "female", "marr",
         "south", "manufacturing", "construction"),
        None, aliases=("hourly_wages", "wages"),
        source="CPS 1985 wages (DataCamp); reassembled from two files, so no direct URL"),
    Dataset(
        "titanic", "titanic_all_numeric.csv",
        "e2c355b01a882117f8ca504d9a007eaab58d77cde3378b2fd3bf55e36349566e", 31707, (891, 11),
        ("survived", "pclass", "age", "sibsp", "parch", "fare", "male", "age_was_missing",
         "embarked_from_cherbourg", "embarked_from_queenstown", "embarked_from_southampton"),
        _YOUNGSOUL + "data/titanic.csv", aliases=("titanic_all_numeric",),
        source="Kaggle Titanic train set in DataCamp's all-numeric encoding"),
    Dataset(
        "mnist-first1000", "mnist/mnist_test_first1000.csv",
        "99a58afba456d4232242778c5cf76a2d16bc9cd7f3db87f51fcf1e31ecf4512c", 1812248, (1000, 785),
        tuple(range(785)), None, read_csv={"header": None}, aliases=("mnist",),
        source="first 1000 MNIST test images, label then 784 pixels (derived, so no direct URL)"),
    Dataset(
        "mnist-images", "mnist/t10k-images-idx3-ubyte.gz",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1648877, (10000, 28, 28),
        None, _RSOUZA + "data/MNIST/raw/t10k-images-idx3-ubyte.gz", kind="idx",
        source="MNIST test images (LeCun, Cortes & Burges)"),
    Dataset(
        "mnist-labels", "mnist/t10k-labels-idx1-ubyte.gz",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542, (10000,),
        None, _RSOUZA + "data/MNIST/raw/t10k-labels-idx1-ubyte.gz", kind="idx",
        source="MNIST test labels (LeCun, Cortes & Burges)"),
]

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


# --------------------------------------------------------------------------------------------
# Errors and warnings
# --------------------------------------------------------------------------------------------

class DatasetError(Exception):
    """Base class of this module's errors."""


class DatasetNotFound(DatasetError, FileNotFoundError):
    """No usable copy anywhere. ``.file``, ``.looked_in`` and ``.download_note`` hold the details."""

    def __init__(self, message: str, file: str = "", looked_in: tuple[str, ...] = (),
                 download_note: str = ""):
        super().__init__(message)
        self.file, self.looked_in, self.download_note = file, looked_in, download_note

    def __str__(self) -> str:
        return self.args[0] if self.args else ""


class DatasetChecksumError(DatasetError, ValueError):
    """A file (on disk or just downloaded) whose sha256 is not the course's."""

    def __init__(self, message: str, path: str = "", expected: str = "", actual: str = ""):
        super().__init__(message)
        self.path, self.expected, self.actual = path, expected, actual


class StandinDataWarning(UserWarning):
    """The data is generated, not the course's: numbers will not match."""


class UnverifiedDataWarning(UserWarning):
    """``LEARNKIT_VERIFY=0`` let a file with an unexpected sha256 through."""


# --------------------------------------------------------------------------------------------
# Where to look
# --------------------------------------------------------------------------------------------

def cache_dir() -> Path:
    """``LEARNKIT_CACHE``, else ``$XDG_CACHE_HOME/learnkit/data``, else ``~/.cache/learnkit/data``."""
    explicit = os.environ.get("LEARNKIT_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "learnkit" / "data"


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
    out.append(("cache", cache_dir()))
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


def _file_sha256(p: Path) -> str:
    st = p.stat()
    key = (str(p.resolve()), st.st_size, st.st_mtime_ns)
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


def _read_manifest(directory: Path) -> dict:
    try:
        return json.loads((directory / MANIFEST).read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError, AttributeError):
        return {}


# --------------------------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------------------------

@dataclass
class _Found:
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


def _timeout() -> float:
    try:
        return float(os.environ.get("LEARNKIT_DOWNLOAD_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def _download_url(ds: Dataset) -> str | None:
    base = os.environ.get("LEARNKIT_DATA_URL", "").strip()
    if base:
        return base.rstrip("/") + "/" + urllib.parse.quote(ds.file)
    return ds.url


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


def _check(ds: Dataset, p: Path, where: str, root: Path) -> _Found:
    actual = _file_sha256(p)
    if actual in ds.accepted:
        return _Found(p, where, True)
    entry = _read_manifest(root).get(ds.file)
    if isinstance(entry, dict) and entry.get("sha256") == actual:
        return _Found(p, where, False, standin=True)
    err = _checksum_error(ds, p, actual, where)
    if not _env_flag("LEARNKIT_VERIFY"):
        return _Found(p, where, False, note=str(err))
    raise err


def _open_url(url: str, timeout: float):
    """Indirection so tests can check that nothing but 127.0.0.1 is contacted."""
    req = urllib.request.Request(url, headers={"User-Agent": "learnkit-datasets"})
    return urllib.request.urlopen(req, timeout=timeout)


def _download(ds: Dataset, url: str, dest: Path) -> Path:
    """Stream ``url`` into a temp file beside ``dest``, check it, rename. Checksum errors raise;
    network and disk errors propagate as OSError / HTTPException for the caller to report."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https", "file"):
        raise urllib.error.URLError(f"unsupported URL scheme {scheme!r}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    limit = max(ds.accepted.values())
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        h, n = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out, _open_url(url, _timeout()) as resp:
            while True:
                chunk = resp.read(1 << 16)
                if not chunk:
                    break
                n += len(chunk)
                if n > limit:
                    raise DatasetChecksumError(_(
                        "{url} sent more than the {size} bytes of {file}; nothing was saved."
                    ).format(url=url, size=limit, file=ds.file), path=url, expected=ds.sha256)
                h.update(chunk)
                out.write(chunk)
        actual = h.hexdigest()
        if actual not in ds.accepted:
            raise DatasetChecksumError(_(
                "Downloaded {file} from {url}, but its sha256 does not match; nothing was saved.\n"
                "  expected sha256: {expected}\n  actual sha256:   {actual} ({size} bytes)\n"
                "The server sent a different file. Get {file} elsewhere and set LEARNKIT_DATA."
            ).format(file=ds.file, url=url, expected=ds.sha256, actual=actual, size=n),
                path=url, expected=ds.sha256, actual=actual)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
        st = dest.stat()
        with _hash_lock:
            _hash_cache[(str(dest.resolve()), st.st_size, st.st_mtime_ns)] = actual
        return dest
    finally:
        if tmp.exists():
            tmp.unlink()


def _resolve(name_or_file, data_dir=None, download=None) -> _Found:
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
    url = _download_url(ds)
    dest = cache_dir() / ds.file
    if url is None:
        note = _("no public download exists for this file")
    elif not download:
        note = _("downloads are off (download=False or LEARNKIT_DOWNLOAD=0); it is at {url}").format(url=url)
    else:
        try:
            return _Found(_download(ds, url, dest), "download", True)
        except (OSError, http.client.HTTPException) as e:  # URLError, HTTPError, timeouts, disk
            reason = getattr(e, "reason", None) or e
            note = _("downloading {url} failed: {reason}").format(url=url, reason=reason)
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


def _standin_found_message(ds: Dataset, p: Path) -> str:
    return _("STAND-IN DATA: {path} is generated data (listed in {manifest}), not the course's "
             "{file}. Numbers will not match the course.").format(path=p, manifest=MANIFEST, file=ds.file)


def path(name_or_file: str, data_dir: str | os.PathLike | None = None,
         download: bool | None = None) -> Path:
    """The verified local path of a course file (see the module docstring for the search order).

    Raises :class:`DatasetNotFound` (a FileNotFoundError) or :class:`DatasetChecksumError`.
    """
    found = _resolve(name_or_file, data_dir, download)
    _warn_found(info(name_or_file), found)
    return found.path


def _warn_found(ds: Dataset, found: _Found, stacklevel: int = 3) -> None:
    if found.standin:
        warnings.warn(_standin_found_message(ds, found.path), StandinDataWarning, stacklevel=stacklevel)
    elif found.note:
        warnings.warn(found.note, UnverifiedDataWarning, stacklevel=stacklevel)


def load(name: str, data_dir: str | os.PathLike | None = None, download: bool | None = None,
         **read_csv_overrides) -> pd.DataFrame:
    """``pd.read_csv`` of the verified file with the registry's options (overridable)."""
    ds = info(name)
    if ds.kind != "csv":
        raise TypeError(_("{name} is not a CSV file; use datasets.load_array({name!r}).").format(name=ds.name))
    found = _resolve(ds, data_dir, download)
    _warn_found(ds, found)
    return pd.read_csv(found.path, **{**ds.read_csv, **read_csv_overrides})


def _read_idx(p: Path) -> np.ndarray:
    with gzip.open(p, "rb") as f:
        raw = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{p} is not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_array(name: str, data_dir: str | os.PathLike | None = None,
               download: bool | None = None) -> np.ndarray:
    """The MNIST IDX files as uint8 arrays: images (10000, 28, 28), labels (10000,)."""
    ds = info(name)
    if ds.kind != "idx":
        raise TypeError(_("{name} is a CSV file; use datasets.load({name!r}).").format(name=ds.name))
    found = _resolve(ds, data_dir, download)
    _warn_found(ds, found)
    return _read_idx(found.path)


# --------------------------------------------------------------------------------------------
# Stand-ins
# --------------------------------------------------------------------------------------------

_ALPHANUM = np.array(list("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), dtype="<U1")
_SYLLABLES = np.array(["ka", "lo", "mi", "ra", "ne", "to", "vi", "sa", "du", "ren", "mar", "lin", "ko",
                       "zel", "an", "bri", "ta", "mo", "el", "quin", "ro", "sha", "den", "fi", "gu",
                       "ly", "na", "pe", "tor", "xa", "yo", "ber"])


def _ids(rng, n: int, length: int = 22) -> np.ndarray:
    chars = _ALPHANUM[rng.integers(0, len(_ALPHANUM), (n, length))]
    return np.ascontiguousarray(chars).view(f"<U{length}").ravel().astype(object)


def _words(rng, n: int, max_words: int = 2) -> np.ndarray:
    k = rng.integers(1, max_words + 1, n)
    syl = _SYLLABLES[rng.integers(0, len(_SYLLABLES), (n, max_words, 2))]
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = " ".join((a + b).capitalize() for a, b in syl[i, :k[i]])
    return out


def _clip_round(x, lo, hi, decimals=None):
    x = np.clip(x, lo, hi)
    return x if decimals is None else np.round(x, decimals)


def _z(x):
    x = np.asarray(x, dtype=float)
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def _choice(rng, labels, weights, n):
    w = np.asarray(weights, dtype=float)
    return np.asarray(labels, dtype=object)[rng.choice(len(labels), n, p=w / w.sum())]


_SPOTIFY_GENRES = {
    "edm": ("electro house", "big room", "pop edm", "progressive electro house"),
    "latin": ("tropical", "latin pop", "reggaeton", "latin hip hop"),
    "pop": ("dance pop", "post-teen pop", "electropop", "indie poptimism"),
    "r&b": ("urban contemporary", "hip pop", "new jack swing", "neo soul"),
    "rap": ("hip hop", "southern hip hop", "gangster rap", "trap"),
    "rock": ("album rock", "classic rock", "permanent wave", "hard rock"),
}
# danceability, energy, loudness, speechiness, acousticness, valence, tempo, duration_ms, popularity shift
_SPOTIFY_PROFILE = np.array([
    (0.66, 0.80, -5.4, 0.09, 0.08, 0.40, 126, 222000, -8),
    (0.71, 0.71, -6.3, 0.10, 0.21, 0.61, 119, 213000, 5),
    (0.64, 0.70, -6.3, 0.07, 0.17, 0.50, 121, 217000, 6),
    (0.67, 0.59, -7.9, 0.12, 0.26, 0.53, 114, 238000, -1),
    (0.72, 0.65, -7.0, 0.20, 0.19, 0.51, 120, 215000, 1),
    (0.52, 0.73, -7.6, 0.06, 0.15, 0.54, 125, 249000, -1),
])


def _standin_spotify(rng, n):
    genres = np.array(list(_SPOTIFY_GENRES), dtype=object)
    n_art = max(6, n // 3)
    artist_names = _words(rng, n_art)
    artist_genre = rng.integers(0, 6, n_art)
    w = 1.0 / np.arange(1, n_art + 1) ** 0.5          # a few prolific artists, many with one track
    art = rng.choice(n_art, n, p=w / w.sum())
    g = np.where(rng.random(n) < 0.85, artist_genre[art], rng.integers(0, 6, n))
    g[: min(n, 6)] = np.arange(min(n, 6))                 # every genre present
    prof = _SPOTIFY_PROFILE[g]

    def beta(mean, k):
        return rng.beta(mean * k, (1 - mean) * k)

    dance = _clip_round(beta(prof[:, 0], 12), 0.0, 0.983, 3)
    energy = _clip_round(beta(prof[:, 1], 8), 0.000175, 1.0, 3)
    key = rng.integers(0, 12, n)
    loud = _clip_round(prof[:, 2] + 10 * (energy - prof[:, 1]) + rng.normal(0, 2.0, n), -46.448, 1.275, 3)
    mode = (rng.random(n) < 0.566).astype(np.int64)
    speech = _clip_round(prof[:, 3] * rng.lognormal(-0.25, 0.7, n), 0.0224, 0.918, 4)
    acoustic = _clip_round(beta(prof[:, 4], 2.5), 0.0, 0.994, 4)
    instr = np.where(rng.random(n) < 0.75, np.round(rng.exponential(2e-5, n), 7),
                     np.round(rng.beta(0.4, 1.6, n), 4)).clip(0, 0.994)
    live = _clip_round(0.015 + rng.gamma(2.2, 0.08, n), 0.0, 0.996, 4)
    valence = _clip_round(beta(prof[:, 5], 4.5), 0.0, 0.991, 3)
    tempo = _clip_round(rng.normal(prof[:, 6], 25), 55.0, 239.44, 3)
    duration = np.clip(rng.normal(prof[:, 7], 55000), 30000, 517810).astype(np.int64)
    popularity = (42 + prof[:, 8] + 6 * _z(dance) - 5 * _z(energy) + 4 * _z(loud) + 4 * _z(acoustic)
                  - 6 * _z(instr) - 6 * _z(duration) + 3 * _z(valence)
                  + rng.normal(0, 8, n_art)[art] + rng.normal(0, 15, n))
    popularity = np.clip(np.round(popularity), 0, 100).astype(np.int64)

    albums, album_of = np.unique(art * 3 + rng.integers(0, 3, n), return_inverse=True)
    n_alb = len(albums)
    year = np.clip(np.round(2020 - rng.gamma(1.3, 5.0, n_alb)), 1957, 2020).astype(int)
    month, day = rng.integers(1, 13, n_alb), rng.integers(1, 29, n_alb)
    full = np.char.add(np.char.add(year.astype(str), "-"),
                       np.char.add(np.char.zfill(month.astype(str), 2),
                                   np.char.add("-", np.char.zfill(day.astype(str), 2))))
    release = np.where(rng.random(n_alb) < 0.94, full, year.astype(str)).astype(object)

    n_pl = max(6, min(450, n // 70))
    pl_genre = np.arange(n_pl) % 6
    pl_sub = rng.integers(0, 4, n_pl)
    pl_names = np.array([f"{_SPOTIFY_GENRES[genres[pg]][ps].title()} {w}" for pg, ps, w in
                         zip(pl_genre, pl_sub, _words(rng, n_pl, 1))], dtype=object)
    pl_ids = _ids(rng, n_pl)
    pl = np.empty(n, dtype=int)
    pick = rng.random(n)
    for k in range(6):
        rows, options = g == k, np.flatnonzero(pl_genre == k)
        pl[rows] = options[(pick[rows] * len(options)).astype(int)]
    subgenre = np.array([_SPOTIFY_GENRES[genres[pl_genre[i]]][pl_sub[i]] for i in pl], dtype=object)

    track_name, artist, album_name = _words(rng, n, 3), artist_names[art], _words(rng, n_alb, 3)[album_of]
    missing = rng.choice(n, int(round(n * 5 / 32833)), replace=False)   # like the 5 incomplete rows
    for col in (track_name, artist, album_name):
        col[missing] = np.nan
    return pd.DataFrame({
        "track_id": _ids(rng, n), "track_name": track_name, "track_artist": artist,
        "track_popularity": popularity, "track_album_id": _ids(rng, n_alb)[album_of],
        "track_album_name": album_name, "track_album_release_date": release[album_of],
        "playlist_name": pl_names[pl], "playlist_id": pl_ids[pl], "playlist_genre": genres[g],
        "playlist_subgenre": subgenre, "danceability": dance, "energy": energy, "key": key,
        "loudness": loud, "mode": mode, "speechiness": speech, "acousticness": acoustic,
        "instrumentalness": instr, "liveness": live, "valence": valence, "tempo": tempo,
        "duration_ms": duration})


_CONCRETE_AGES = ([1, 3, 7, 14, 28, 56, 90, 91, 100, 120, 180, 270, 360, 365],
                  [2, 134, 126, 62, 425, 91, 54, 22, 52, 3, 26, 13, 6, 14])


def _standin_concrete(rng, n):
    cement = _clip_round(rng.lognormal(np.log(265), 0.35, n), 102.0, 540.0, 1)
    slag = np.where(rng.random(n) < 0.46, 0.0, _clip_round(rng.uniform(11, 359.4, n), 11, 359.4, 1))
    fly = np.where(rng.random(n) < 0.55, 0.0, _clip_round(rng.uniform(24.5, 200.1, n), 24.5, 200.1, 1))
    sp = np.where(rng.random(n) < 0.37, 0.0, _clip_round(rng.gamma(3, 3.3, n), 1.7, 32.2, 1))
    water = _clip_round(rng.normal(192, 17, n) - 1.1 * sp, 121.8, 247.0, 1)
    coarse = _clip_round(rng.normal(973, 78, n), 801.0, 1145.0, 1)
    fine = _clip_round(rng.normal(774, 80, n), 594.0, 992.6, 1)
    age = np.asarray(_choice(rng, *_CONCRETE_AGES, n), dtype=np.int64)
    # Abrams' law on the water/binder ratio, ACI maturity curve for age, plus noise.
    binder = cement + 0.6 * slag + 0.35 * fly
    strength = 140 * 0.08 ** (water / binder) * age / (4 + 0.85 * age) + 0.25 * sp
    strength = _clip_round(strength * rng.lognormal(0, 0.12, n), 2.33, 82.6, 2)
    return pd.DataFrame({"Cement": cement, "BlastFurnaceSlag": slag, "FlyAsh": fly, "Water": water,
                         "Superplasticizer": sp, "CoarseAggregate": coarse, "FineAggregate": fine,
                         "Age": age, "CompressiveStrength": strength})


def _standin_red_wine(rng, n):
    fixed = _clip_round(rng.normal(8.32, 1.74, n), 4.6, 15.9, 1)
    volatile = _clip_round(rng.normal(0.528, 0.179, n), 0.12, 1.58, 3)
    citric = _clip_round(0.09 * (fixed - 8.32) + rng.normal(0.27, 0.15, n), 0.0, 1.0, 2)
    sugar = _clip_round(rng.lognormal(np.log(2.2), 0.35, n), 0.9, 15.5, 1)
    chlorides = _clip_round(rng.lognormal(np.log(0.08), 0.3, n), 0.012, 0.611, 3)
    free = _clip_round(rng.lognormal(np.log(13), 0.6, n), 1.0, 72.0, 0)
    total = _clip_round(free * 2.4 + rng.lognormal(np.log(12), 0.7, n), 6.0, 289.0, 0)
    alcohol = _clip_round(8.4 + rng.gamma(2.2, 0.9, n), 8.4, 14.9, 1)
    density = _clip_round(0.9967 + 0.00065 * (fixed - 8.32) - 0.0007 * (alcohol - 10.42)
                          + rng.normal(0, 0.0009, n), 0.99007, 1.00369, 5)
    ph = _clip_round(3.31 - 0.06 * (fixed - 8.32) + rng.normal(0, 0.11, n), 2.74, 4.01, 2)
    sulphates = _clip_round(rng.lognormal(np.log(0.64), 0.22, n), 0.33, 2.0, 2)
    quality = (5.64 + 0.35 * (alcohol - 10.42) - 1.1 * (volatile - 0.528) + 0.9 * (sulphates - 0.658)
               + rng.normal(0, 0.55, n))
    quality = np.clip(np.round(quality), 3, 8).astype(np.int64)
    return pd.DataFrame({"fixed acidity": fixed, "volatile acidity": volatile, "citric acid": citric,
                         "residual sugar": sugar, "chlorides": chlorides, "free sulfur dioxide": free,
                         "total sulfur dioxide": total, "density": density, "pH": ph,
                         "sulphates": sulphates, "alcohol": alcohol, "quality": quality})


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_HOTEL_CATS = {
    "meal": (["BB", "HB", "SC", "Undefined", "FB"], [92310, 14463, 10650, 1169, 798]),
    "market_segment": (["Online TA", "Offline TA/TO", "Groups", "Direct", "Corporate", "Complementary",
                        "Aviation"], [56477, 24219, 19811, 12606, 5295, 743, 237]),
    "distribution_channel": (["TA/TO", "Direct", "Corporate", "GDS", "Undefined"], [97870, 14645, 6677, 193, 5]),
    "reserved_room_type": (list("ADEFGBCHPL"), [85994, 19201, 6535, 2897, 2094, 1118, 932, 601, 12, 6]),
    "deposit_type": (["No Deposit", "Non Refund", "Refundable"], [104641, 14587, 162]),
    "customer_type": (["Transient", "Transient-Party", "Contract", "Group"], [89613, 25124, 4076, 577]),
    "country": (["PRT", "GBR", "FRA", "ESP", "DEU", "ITA", "IRL", "BEL", "BRA", "NLD", "USA", "CHE",
                 "CN", "AUT", "SWE", "POL", "CHN", "ISR", "RUS", "NOR"],
                [48590, 12129, 10415, 8568, 7287, 3766, 3375, 2342, 2224, 2104, 2097, 1730, 1279, 1263,
                 1024, 919, 999, 669, 632, 607]),
}


def _standin_hotel(rng, n):
    hotel = _choice(rng, ["City Hotel", "Resort Hotel"], [79330, 40060], n)
    start = np.datetime64("2015-07-01")
    arrival = start + rng.integers(0, 793, n).astype("timedelta64[D]")      # to 2017-08-31
    arr = pd.DatetimeIndex(arrival)
    lead = np.clip(np.round(rng.gamma(0.9, 115, n)), 0, 737).astype(np.int64)
    weekend = np.clip(rng.poisson(0.93, n), 0, 19).astype(np.int64)
    week = np.clip(rng.poisson(2.5, n), 0, 50).astype(np.int64)
    adults = np.asarray(_choice(rng, [2, 1, 3, 0], [75, 19, 5, 1], n), dtype=np.int64)
    children = np.asarray(_choice(rng, [0.0, 1.0, 2.0, 3.0], [930, 40, 29, 1], n), dtype=float)
    children[rng.choice(n, int(round(n * 4 / 119390)), replace=False)] = np.nan
    babies = np.asarray(_choice(rng, [0, 1, 2], [9920, 77, 3], n), dtype=np.int64)
    cats = {k: _choice(rng, v, w, n) for k, (v, w) in _HOTEL_CATS.items()}
    cats["country"][rng.random(n) < 488 / 119390] = np.nan
    assigned = np.where(rng.random(n) < 0.87, cats["reserved_room_type"],
                        _choice(rng, list("ADEFGCBHIK"), [74, 25, 8, 4, 3, 2, 2, 1, 1, 1], n))
    repeated = (rng.random(n) < 0.032).astype(np.int64)
    prev_cancel = np.where(rng.random(n) < 0.05, rng.poisson(1.2, n) + 1, 0).astype(np.int64)
    prev_ok = np.where(repeated == 1, rng.poisson(3, n), 0).astype(np.int64)
    changes = np.clip(rng.poisson(0.22, n), 0, 21).astype(np.int64)
    agent = np.where(rng.random(n) < 16340 / 119390, np.nan,
                     _choice(rng, [9.0, 240.0, 1.0, 14.0, 7.0, 6.0, 250.0, 241.0, 28.0, 8.0],
                             [31961, 13922, 7191, 3640, 3539, 3290, 2870, 1721, 1666, 1514], n).astype(float))
    company = np.where(rng.random(n) < 112593 / 119390, np.nan, rng.integers(6, 544, n).astype(float))
    waiting = np.where(rng.random(n) < 0.97, 0, np.round(rng.gamma(1.5, 30, n))).clip(0, 391).astype(np.int64)
    season = np.isin(arr.month, [6, 7, 8]).astype(float)
    adr = _clip_round(rng.normal(95, 35, n) + 40 * season * (hotel == "Resort Hotel")
                      + 15 * np.nan_to_num(children), -6.38, 5400.0, 2)
    parking = (rng.random(n) < 0.062).astype(np.int64)
    requests = np.clip(rng.poisson(0.57, n), 0, 5).astype(np.int64)
    logit = (-1.4 + 0.006 * lead + 3.5 * (cats["deposit_type"] == "Non Refund") + 0.8 * prev_cancel
             - 0.7 * requests - 4.0 * parking - 1.0 * repeated)
    canceled = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    status = np.where(canceled == 1, _choice(rng, ["Canceled", "No-Show"], [97, 3], n), "Check-Out").astype(object)
    stay = (weekend + week).astype("timedelta64[D]")
    before = np.round(rng.uniform(0, 1, n) * lead).astype("timedelta64[D]")
    status_date = np.where(canceled == 1, arrival - before, arrival + stay).astype("datetime64[D]").astype(str)
    return pd.DataFrame({
        "hotel": hotel, "is_canceled": canceled, "lead_time": lead,
        "arrival_date_year": arr.year.to_numpy().astype(np.int64),
        "arrival_date_month": np.array(_MONTHS, dtype=object)[arr.month.to_numpy() - 1],
        "arrival_date_week_number": arr.isocalendar().week.to_numpy().astype(np.int64),
        "arrival_date_day_of_month": arr.day.to_numpy().astype(np.int64),
        "stays_in_weekend_nights": weekend, "stays_in_week_nights": week, "adults": adults,
        "children": children, "babies": babies, "meal": cats["meal"], "country": cats["country"],
        "market_segment": cats["market_segment"], "distribution_channel": cats["distribution_channel"],
        "is_repeated_guest": repeated, "previous_cancellations": prev_cancel,
        "previous_bookings_not_canceled": prev_ok, "reserved_room_type": cats["reserved_room_type"],
        "assigned_room_type": assigned.astype(object), "booking_changes": changes,
        "deposit_type": cats["deposit_type"], "agent": agent, "company": company,
        "days_in_waiting_list": waiting, "customer_type": cats["customer_type"], "adr": adr,
        "required_car_parking_spaces": parking, "total_of_special_requests": requests,
        "reservation_status": status, "reservation_status_date": status_date.astype(object)})


def _standin_ion(rng, n):
    good = rng.random(n) < 225 / 351
    cols: dict[str, Any] = {
        "V1": np.where(good, 1, rng.random(n) < 0.7).astype(np.int64),
        "V2": np.zeros(n, dtype=np.int64),
    }
    for j in range(3, 35):
        if j % 2:   # real part of the pulse: high and smooth for good returns
            signal = rng.normal(0.85 - 0.015 * (j - 3), 0.25, n)
        else:       # imaginary part
            signal = rng.normal(0.0, 0.35, n)
        noise = rng.uniform(-1, 1, n)
        v = np.where(good, signal, noise)
        v = np.where(rng.random(n) < 0.06, np.sign(v), v)      # the real data has many exact +-1
        cols[f"V{j}"] = _clip_round(v, -1.0, 1.0, 5)
    cols["Class"] = np.where(good, "good", "bad").astype(object)
    return pd.DataFrame(cols, index=pd.Index(np.arange(1, n + 1, dtype=np.int64)))


_FUEL_TRANS = (["S6", "M6", "A4", "A6", "A5", "M5", "A7", "AV", "S5", "S7", "S4", "AVS6", "AM6", "S8",
                "Other", "AM7"], [213, 167, 143, 126, 114, 101, 59, 55, 48, 22, 13, 13, 11, 11, 6, 5])
_FUEL_CLASS = (["SpecialPurposeVehicleSUV4WD", "CompactCars", "MidsizeCars", "SpecialPurposeVehicleSUV2WD",
                "SubcompactCars", "LargeCars", "SmallStationWagons", "2Seaters", "MinicompactCars",
                "SmallPickupTrucks2WD", "StandardPickupTrucks4WD", "StandardPickupTrucks2WD",
                "SmallPickupTrucks4WD", "SpecialPurposeVehicleminivan2WD", "VansCargoTypes", "Other",
                "VansPassengerType"],
               [170, 145, 135, 133, 116, 75, 68, 67, 49, 33, 29, 27, 22, 15, 10, 9, 4])


def _standin_fuel(rng, n):
    displ = _clip_round(rng.lognormal(np.log(3.3), 0.33, n), 1.0, 8.4, 1)
    cyl = np.select([displ < 1.5, displ < 2.6, displ < 4.3, displ < 6.6], [3, 4, 6, 8], 12).astype(np.int64)
    cyl = np.where(rng.random(n) < 0.04, np.clip(cyl + rng.choice([-1, 2], n), 2, 16), cyl).astype(np.int64)
    trans = _choice(rng, *_FUEL_TRANS, n)
    digits = np.array([int(t[-1]) if t[-1].isdigit() else (1 if t == "AV" else 5) for t in trans], dtype=np.int64)
    aspiration = _choice(rng, ["NaturallyAspirated", "Turbocharged", "Supercharged"], [921, 168, 18], n)
    drive = _choice(rng, ["TwoWheelDriveFront", "TwoWheelDriveRear", "AllWheelDrive", "FourWheelDrive",
                          "ParttimeFourWheelDrive"], [382, 350, 205, 159, 11], n)
    manual = np.array([t.startswith("M") for t in trans])
    fe = (72 * np.exp(-0.2 * displ) * np.where(manual, 1.05, 1.0)
          * np.where(np.isin(drive, ["AllWheelDrive", "FourWheelDrive", "ParttimeFourWheelDrive"]), 0.93, 1.0)
          * np.where(aspiration == "Turbocharged", 1.06, 1.0) * rng.lognormal(0, 0.08, n))
    return pd.DataFrame({
        "EngDispl": displ, "NumCyl": cyl, "Transmission": trans, "FE": _clip_round(fe, 17.5, 69.6404, 4),
        "AirAspirationMethod": aspiration, "NumGears": digits,
        "TransLockup": np.where(manual, rng.random(n) < 0.1, rng.random(n) < 0.85).astype(np.int64),
        "TransCreeperGear": (rng.random(n) < 0.05).astype(np.int64), "DriveDesc": drive,
        "IntakeValvePerCyl": np.asarray(_choice(rng, [2, 1, 0, 3], [954, 150, 2, 1], n), dtype=np.int64),
        "ExhaustValvesPerCyl": np.asarray(_choice(rng, [2, 1, 0], [929, 176, 2], n), dtype=np.int64),
        "CarlineClassDesc": _choice(rng, *_FUEL_CLASS, n),
        "VarValveTiming": (rng.random(n) < 0.82).astype(np.int64),
        "VarValveLift": (rng.random(n) < 0.17).astype(np.int64)})


def _standin_forestfires(rng, n):
    month = _choice(rng, ["aug", "sep", "mar", "jul", "feb", "jun", "oct", "apr", "dec", "jan", "may", "nov"],
                    [184, 172, 54, 32, 20, 17, 15, 9, 9, 2, 2, 1], n)
    summer = np.isin(month, ["jul", "aug", "sep"])
    temp = _clip_round(rng.normal(np.where(summer, 21, 13), 5, n), 2.2, 33.3, 1)
    area = np.where(rng.random(n) < 0.48, 0.0,
                    _clip_round(rng.lognormal(np.log(6) + 0.03 * (temp - 19), 1.6, n), 0.09, 1090.84, 2))
    return pd.DataFrame({
        "X": rng.integers(1, 10, n).astype(np.int64), "Y": rng.integers(2, 10, n).astype(np.int64),
        "month": month,
        "day": _choice(rng, ["sun", "fri", "sat", "mon", "tue", "thu", "wed"], [95, 85, 84, 74, 64, 61, 54], n),
        "FFMC": _clip_round(96.2 - rng.gamma(1.5, 4, n), 18.7, 96.2, 1),
        "DMC": _clip_round(rng.gamma(2.5, 44, n), 1.1, 291.3, 1),
        "DC": _clip_round(np.where(summer, rng.normal(650, 120, n), rng.normal(300, 200, n)), 7.9, 860.6, 1),
        "ISI": _clip_round(rng.gamma(2.2, 4.1, n), 0.0, 56.1, 1), "temp": temp,
        "RH": np.clip(np.round(rng.normal(44, 16, n)), 15, 100).astype(np.int64),
        "wind": _clip_round(rng.normal(4, 1.8, n), 0.4, 9.4, 1),
        "rain": np.where(rng.random(n) < 0.985, 0.0, _clip_round(rng.uniform(0.2, 6.4, n), 0.2, 6.4, 1)),
        "area": area})


def _standin_hourly_wages(rng, n):
    edu = np.clip(np.round(rng.normal(13, 2.6, n)), 2, 18).astype(np.int64)
    age = np.clip(np.round(18 + rng.gamma(2.2, 8.6, n)), 18, 64).astype(np.int64)
    exp_ = np.clip(age - edu - 6, 0, 55).astype(np.int64)
    union = (rng.random(n) < 0.18).astype(np.int64)
    female = (rng.random(n) < 0.46).astype(np.int64)
    south = (rng.random(n) < 0.29).astype(np.int64)
    sector = rng.random(n)
    manufacturing = (sector < 0.185).astype(np.int64)
    construction = ((sector >= 0.185) & (sector < 0.23)).astype(np.int64)
    wage = np.exp(0.75 + 0.08 * edu + 0.025 * exp_ - 0.0004 * exp_ ** 2 + 0.2 * union - 0.22 * female
                  - 0.1 * south + 0.1 * manufacturing + rng.normal(0, 0.42, n))
    return pd.DataFrame({"wage_per_hour": _clip_round(wage, 1.0, 44.5, 2), "union": union,
                         "education_yrs": edu, "experience_yrs": exp_, "age": age, "female": female,
                         "marr": (rng.random(n) < 0.66).astype(np.int64), "south": south,
                         "manufacturing": manufacturing, "construction": construction})


def _standin_titanic(rng, n):
    pclass = np.asarray(_choice(rng, [1, 2, 3], [216, 184, 491], n), dtype=np.int64)
    male = (rng.random(n) < 0.65).astype(np.int64)
    missing = rng.random(n) < 177 / 891
    age = _clip_round(rng.normal(np.select([pclass == 1, pclass == 2], [38, 30], 25), 14), 0.42, 80.0, 0)
    age = np.where(missing, 29.69911764705882, age)   # DataCamp filled missing ages with the mean
    fare = _clip_round(rng.lognormal(np.log(np.select([pclass == 1, pclass == 2], [60, 15], 9)), 0.5), 0.0, 512.3292, 4)
    port = rng.choice(3, n, p=[0.19, 0.087, 0.723])
    logit = 1.2 - 2.5 * male - 0.9 * (pclass - 2) - 0.02 * (age - 30)
    return pd.DataFrame({
        "survived": (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64), "pclass": pclass,
        "age": age, "sibsp": np.asarray(_choice(rng, [0, 1, 2, 3, 4, 5, 8], [608, 209, 28, 16, 18, 5, 7], n), dtype=np.int64),
        "parch": np.asarray(_choice(rng, [0, 1, 2, 3, 4, 5, 6], [678, 118, 80, 5, 4, 5, 1], n), dtype=np.int64),
        "fare": fare, "male": male, "age_was_missing": missing,
        "embarked_from_cherbourg": (port == 0).astype(np.int64),
        "embarked_from_queenstown": (port == 1).astype(np.int64),
        "embarked_from_southampton": (port == 2).astype(np.int64)})


def _digit_images(rng, labels) -> np.ndarray:
    """Fake 28x28 'digits': one fixed smooth stroke per class, shifted and scaled per image."""
    proto_rng = np.random.default_rng(2024)          # the same ten shapes whatever the seed
    yy, xx = np.mgrid[0:28, 0:28]
    protos = np.zeros((10, 28, 28))
    for d in range(10):
        pts = proto_rng.uniform(7, 21, (4, 2))
        for a, b in zip(pts[:-1], pts[1:]):
            for t in np.linspace(0, 1, 12):
                cy, cx = a + t * (b - a)
                protos[d] += np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * 1.3 ** 2))
        protos[d] /= protos[d].max()
    out = np.empty((len(labels), 28, 28), dtype=np.uint8)
    shifts = rng.integers(-2, 3, (len(labels), 2))
    gain = rng.uniform(0.8, 1.2, len(labels))
    for i, lab in enumerate(labels):
        img = np.roll(protos[lab], tuple(shifts[i]), axis=(0, 1)) * gain[i]
        out[i] = np.clip(np.round(255 * (1.4 * img - 0.25)), 0, 255).astype(np.uint8)
    return out


def _standin_mnist_first1000(rng, n):
    labels = rng.integers(0, 10, n)
    pixels = _digit_images(rng, labels).reshape(n, 784).astype(np.int64)
    return pd.DataFrame(np.column_stack([labels.astype(np.int64), pixels]))


_STANDINS = {
    "spotify": _standin_spotify, "concrete": _standin_concrete, "red-wine": _standin_red_wine,
    "hotel": _standin_hotel, "ion": _standin_ion, "fuel": _standin_fuel,
    "forestfires": _standin_forestfires, "hourly-wages": _standin_hourly_wages,
    "titanic": _standin_titanic, "mnist-first1000": _standin_mnist_first1000,
}


def standin(name: str, rows: int | None = None, seed: int = 0) -> pd.DataFrame:
    """A synthetic frame with the real file's columns and dtypes (as :func:`load` returns them) and
    plausible values. ``rows`` defaults to the real row count. Deterministic for a given seed."""
    ds = info(name)
    if ds.name not in _STANDINS:
        raise ValueError(_("No stand-in for {name}: it is not a CSV file (materialize_standins can "
                           "write one).").format(name=ds.name))
    n = ds.shape[0] if rows is None else int(rows)
    if n < 1:
        raise ValueError("rows must be at least 1")
    df = _STANDINS[ds.name](np.random.default_rng(seed), n)
    assert tuple(df.columns) == ds.columns, ds.name
    return df


def _looked_summary(err: DatasetNotFound) -> str:
    return "; ".join(err.looked_in) + "; " + _("download: {0}").format(err.download_note)


def load_or_standin(name: str, rows: int | None = None, seed: int = 0, *,
                    data_dir: str | os.PathLike | None = None, download: bool | None = None,
                    **read_csv_overrides) -> tuple[pd.DataFrame, bool, str]:
    """``(frame, is_standin, message)``: the real data when it can be found, else a stand-in with a
    loud message (also issued as a :class:`StandinDataWarning`). A corrupt file still raises."""
    ds = info(name)
    try:
        found = _resolve(ds, data_dir, download)
    except DatasetNotFound as e:
        msg = _("STAND-IN DATA: {file} was not found (looked in: {looked}). Using generated data with "
                "the same columns; numbers will not match the course. To use the real file, set "
                "LEARNKIT_DATA to a directory containing {file}.").format(file=ds.file, looked=_looked_summary(e))
        warnings.warn(msg, StandinDataWarning, stacklevel=2)
        return standin(ds.name, rows=rows, seed=seed), True, msg
    if found.note:
        warnings.warn(found.note, UnverifiedDataWarning, stacklevel=2)
    df = pd.read_csv(found.path, **{**ds.read_csv, **read_csv_overrides})
    if found.standin:
        msg = _standin_found_message(ds, found.path)
        warnings.warn(msg, StandinDataWarning, stacklevel=2)
        return df, True, msg
    return df, False, _("{file}: the course's data, from {path} (sha256 checked).").format(
        file=ds.file, path=found.path) if found.verified else found.note


def _idx_bytes(arr: np.ndarray) -> bytes:
    header = struct.pack(">HBB", 0, 0x08, arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    buf = tempfile.SpooledTemporaryFile()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write(header + np.ascontiguousarray(arr, dtype=np.uint8).tobytes())
    buf.seek(0)
    return buf.read()


def _standin_bytes(ds: Dataset, rows: int | None, seed: int) -> bytes:
    if ds.kind == "idx":
        n = ds.shape[0] if rows is None else int(rows)
        labels = np.random.default_rng(seed).integers(0, 10, n)   # same labels for both files
        if ds.name == "mnist-labels":
            return _idx_bytes(labels.astype(np.uint8))
        return _idx_bytes(_digit_images(np.random.default_rng(seed + 1), labels))
    df = standin(ds.name, rows=rows, seed=seed)
    if ds.read_csv.get("header", "infer") is None:
        text = df.to_csv(header=False, index=False)
    else:
        text = df.to_csv(index=ds.read_csv.get("index_col") is not None)
    return text.encode("utf-8")


def _write_atomic(dest: Path, data: bytes) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def materialize_standins(directory: str | os.PathLike, names: list[str] | None = None, *,
                         rows: int | None = None, seed: int = 0, use_real: bool = True,
                         download: bool | None = None) -> list[str]:
    """Fill ``directory`` so that ``LEARNKIT_DATA=directory`` finds every dataset in ``names``
    (default: all). Real verified files are copied when they can be found (``use_real``); the
    others are generated and listed in ``directory/learnkit-standins.json``, which makes
    :func:`path` accept them with a :class:`StandinDataWarning`. Returns the names generated."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(root)
    generated: list[str] = []
    for name in (list(REGISTRY) if names is None else [names] if isinstance(names, str) else names):
        ds = info(name)
        dest = root / ds.file
        found = None
        if use_real:
            try:
                found = _resolve(ds, None, download)
            except DatasetError:
                found = None
            if found is not None and not found.verified:
                found = None            # a stand-in elsewhere, or an unverified file: regenerate
        if found is not None:
            if not (dest.exists() and os.path.samefile(found.path, dest)):
                dest.parent.mkdir(parents=True, exist_ok=True)
                tmp = dest.with_name(f".{dest.name}.copy")
                shutil.copyfile(found.path, tmp)
                os.replace(tmp, dest)
            manifest.pop(ds.file, None)
            continue
        data = _standin_bytes(ds, rows, seed)
        _write_atomic(dest, data)
        manifest[ds.file] = {"name": ds.name, "sha256": hashlib.sha256(data).hexdigest(),
                             "rows": rows, "seed": seed, "generator": "learnkit.datasets.standin"}
        generated.append(ds.name)
    _write_atomic(root / MANIFEST, json.dumps(
        {"note": "Generated stand-in data, NOT the course's files. Numbers will not match the course.",
         "files": manifest}, indent=2, sort_keys=True).encode("utf-8"))
    return generated


# --------------------------------------------------------------------------------------------
# Status
# --------------------------------------------------------------------------------------------

def status(data_dir: str | os.PathLike | None = None) -> list[dict]:
    """One row per dataset, offline (never downloads): name, file, found (path or None), where
    (which search place), verified, standin, downloadable and problem (an error message or None)."""
    rows = []
    for ds in _DATASETS:
        row = {"name": ds.name, "file": ds.file, "found": None, "where": None, "verified": False,
               "standin": False, "downloadable": _download_url(ds) is not None, "problem": None}
        try:
            found = _resolve(ds, data_dir, download=False)
            row.update(found=str(found.path), where=found.where, verified=found.verified,
                       standin=found.standin, problem=found.note or None)
        except DatasetChecksumError as e:
            row.update(found=e.path, problem=str(e))
        except DatasetNotFound:
            pass
        rows.append(row)
    return rows
