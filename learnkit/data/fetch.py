"""Downloading a course file into the cache, on pooch.

The cache is ``LEARNKIT_CACHE`` when set (pooch's environment override), else the platform's
user cache folder (platformdirs: ``$XDG_CACHE_HOME/learnkit/data`` or ``~/.cache/learnkit/data``
on Linux). A file comes from ``LEARNKIT_DATA_URL`` + its name (a mirror) when that is set, else
from the registry's public URL. pooch streams it into a temporary file beside its place, checks
the registry's sha256 and only then moves it in; a failed connection, a timeout or a server error
(5xx) is tried again :data:`RETRIES` times. A wrong file (a sha256 that is not a known-good one, or
more bytes than the file has) and a missing one (4xx) are refused at once, with nothing saved.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import urllib.parse
from pathlib import Path

import platformdirs

from learnkit.data.errors import DatasetChecksumError
from learnkit.data.registry import Dataset
from learnkit.files import atomic_open
from learnkit.i18n import _

__all__ = ["cache_dir", "download_url", "fetch", "RETRIES", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 20.0
#: How many times pooch tries a download again after a failed connection, a timeout or a 5xx.
RETRIES = 2
_CACHE_ENV = "LEARNKIT_CACHE"


def _store(registry: dict | None = None, urls: dict | None = None):
    import pooch  # imported when needed: a notebook that finds its data never loads requests
    return pooch.create(path=Path(platformdirs.user_cache_dir("learnkit", appauthor=False)) / "data",
                        base_url="", env=_CACHE_ENV, registry=registry, urls=urls,
                        retry_if_failed=RETRIES)


def cache_dir() -> Path:
    """``LEARNKIT_CACHE``, else the user cache folder's ``learnkit/data`` (platformdirs)."""
    return Path(_store().abspath)


def download_url(ds: Dataset) -> str | None:
    """Where ``ds`` is downloaded from: the ``LEARNKIT_DATA_URL`` mirror, else its public URL."""
    base = os.environ.get("LEARNKIT_DATA_URL", "").strip()
    if base:
        return base.rstrip("/") + "/" + urllib.parse.quote(ds.file)
    return ds.url


def _timeout() -> float:
    try:
        return float(os.environ.get("LEARNKIT_DOWNLOAD_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def _http_get(url: str, output, timeout: float) -> None:
    """pooch's HTTP download of ``url`` into ``output``: every URL opened goes through here."""
    import pooch
    pooch.HTTPDownloader(timeout=timeout, headers={"User-Agent": "learnkit-data"})(url, output, None)


class _Stop(Exception):
    """Ends a download without pooch's retries (which retry any ValueError or requests error)."""

    def __init__(self, error: Exception | None, sha256: str = ""):
        super().__init__(str(error))
        self.error, self.sha256 = error, sha256


class _Sink:
    """The temporary file pooch gives, written through a size cap and a running sha256."""

    def __init__(self, ds: Dataset, url: str, path: str):
        self.ds, self.url, self.limit = ds, url, max(ds.accepted.values())
        self.sha, self.size = hashlib.sha256(), 0
        self.file = open(path, "wb")

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise _Stop(DatasetChecksumError(_(
                "{url} sent more than the {size} bytes of {file}; nothing was saved."
            ).format(url=self.url, size=self.limit, file=self.ds.file), path=self.url, expected=self.ds.sha256))
        self.sha.update(chunk)
        self.file.write(chunk)

    def flush(self) -> None:
        self.file.flush()


class _Downloader:
    """A pooch downloader: ``(url, output_file, pooch)``."""

    def __init__(self, ds: Dataset, dest: Path):
        self.ds, self.dest = ds, dest

    def __call__(self, url: str, output_file: str, _pooch=None, check_only: bool = False) -> None:
        import requests
        sink = _Sink(self.ds, url, output_file)
        try:
            _http_get(url, sink, _timeout())
        except requests.HTTPError as e:
            if e.response is not None and e.response.status_code < 500:
                raise _Stop(e) from None        # 404 and the like: asking again will not help
            raise
        finally:
            sink.file.close()
        actual = sink.sha.hexdigest()
        if actual == self.ds.sha256:
            return                              # pooch checks it again and moves it into place
        if actual in self.ds.accepted:          # another known-good version, which pooch cannot know
            with open(output_file, "rb") as src, atomic_open(self.dest, "wb") as out:
                shutil.copyfileobj(src, out)
            raise _Stop(None, actual)
        raise _Stop(DatasetChecksumError(_(
            "Downloaded {file} from {url}, but its sha256 does not match; nothing was saved.\n"
            "  expected sha256: {expected}\n  actual sha256:   {actual} ({size} bytes)\n"
            "The server sent a different file. Get {file} elsewhere and set LEARNKIT_DATA."
        ).format(file=self.ds.file, url=url, expected=self.ds.sha256, actual=actual, size=sink.size),
            path=url, expected=self.ds.sha256, actual=actual))


def fetch(ds: Dataset, url: str) -> tuple[Path, str]:
    """Download ``ds`` from ``url`` into the cache; ``(path, sha256)`` of the checked file.

    Raises :class:`DatasetChecksumError` for a wrong file, ``OSError`` (requests' errors are
    ``OSError``) when the download fails after its retries."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise OSError(f"unsupported URL scheme {scheme!r}")
    store = _store(registry={ds.file: "sha256:" + ds.sha256}, urls={ds.file: url})
    dest = Path(store.abspath) / ds.file
    try:
        store.fetch(ds.file, downloader=_Downloader(ds, dest))
        sha256 = ds.sha256
    except _Stop as stop:
        if stop.error is not None:
            raise stop.error from None
        sha256 = stop.sha256
    os.chmod(dest, 0o644)                       # pooch's temporary file was private to this user
    return dest, sha256
