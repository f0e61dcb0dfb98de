"""learnkit.data: offline-first resolution, sha256 checks, downloads from a local HTTP server,
stand-ins. Real files come from the shared data directory (LEARNKIT_DATA, as the Makefile sets it,
or ../shared/data beside the checkout); tests that need them are skipped when it is absent.
Nothing here contacts any host but 127.0.0.1."""
from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import warnings
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from learnkit import data as D
from learnkit.data import fetch, locate
from repo import ROOT  # noqa: E402


def _find_real() -> Path | None:
    candidates = [os.environ.get("LEARNKIT_DATA", ""), str(ROOT.parent / "shared" / "data")]
    for c in candidates:
        if c and (Path(c) / "concrete.csv").is_file() and (Path(c) / "spotify.csv").is_file():
            return Path(c)
    return None


REAL = _find_real()  # read before the fixtures below clear LEARNKIT_DATA
needs_real = pytest.mark.skipif(
    REAL is None, reason="real course data not found: set LEARNKIT_DATA to the shared data directory "
                         "(../shared/data beside the checkout holds it in CI)")
CSV_NAMES = [d.name for d in D.REGISTRY.values() if d.kind == "csv"]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(autouse=True)
def env(tmp_path, monkeypatch):
    """A machine with no data anywhere: private cache, cwd with an empty ../input, fake /kaggle,
    downloads off, and an empty in-memory hash cache."""
    for var in ("LEARNKIT_DATA", "LEARNKIT_DATA_URL", "LEARNKIT_VERIFY", "LEARNKIT_DOWNLOAD_TIMEOUT",
                "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LEARNKIT_DOWNLOAD", "0")
    monkeypatch.setenv("LEARNKIT_CACHE", str(tmp_path / "cache"))
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    kaggle_abs = tmp_path / "kaggle" / "input" / "dl-course-data"
    monkeypatch.setattr(locate, "KAGGLE_DIRS", ("../input/dl-course-data", str(kaggle_abs)))
    D.clear_hash_cache()
    return SimpleNamespace(tmp=tmp_path, cache=tmp_path / "cache", kaggle_rel=tmp_path / "input" / "dl-course-data",
                           kaggle_abs=kaggle_abs)


@pytest.fixture(autouse=True)
def only_localhost(monkeypatch):
    """Fail any test that would open a URL on a host other than 127.0.0.1."""
    real_get = fetch._http_get
    opened = []

    def guarded(url, output, timeout):
        host = urllib.parse.urlsplit(url).hostname
        assert host == "127.0.0.1", f"test tried to contact {url}"
        opened.append(url)
        return real_get(url, output, timeout)

    monkeypatch.setattr(fetch, "_http_get", guarded)
    return opened


@pytest.fixture
def sample(monkeypatch):
    """``(name, file, bytes)`` of a small file the registry accepts: the real concrete.csv when
    available, else a generated one registered under 'concrete' for the test's duration."""
    if REAL is not None:
        return SimpleNamespace(name="concrete", file="concrete.csv", data=(REAL / "concrete.csv").read_bytes())
    data = D.standin("concrete", rows=60).to_csv(index=False).encode()
    entry = dataclasses.replace(D.REGISTRY["concrete"], sha256=_sha(data), size=len(data), also_accept=())
    monkeypatch.setitem(D.REGISTRY, "concrete", entry)
    return SimpleNamespace(name="concrete", file="concrete.csv", data=data)


def _put(directory: Path, file: str, data: bytes) -> Path:
    p = directory / file
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


def _corrupt(data: bytes, at: int = 200) -> bytes:
    b = bytearray(data)
    b[at] = ord("8") if b[at] != ord("8") else ord("7")
    return bytes(b)


def _files(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()] if directory.exists() else []


# --------------------------------------------------------------------------------------------
# Real data
# --------------------------------------------------------------------------------------------

@needs_real
def test_registry_hashes_and_sizes_match_the_shared_files():
    for ds in D.REGISTRY.values():
        p = REAL / ds.file
        assert p.is_file(), p
        assert _sha(p.read_bytes()) == ds.sha256, ds.name
        assert p.stat().st_size == ds.size, ds.name


@needs_real
def test_path_spotify_resolves_and_verifies(monkeypatch):
    monkeypatch.setenv("LEARNKIT_DATA", str(REAL))
    assert D.path("spotify") == REAL / "spotify.csv"
    assert D.path("spotify.csv") == REAL / "spotify.csv"
    row = next(r for r in D.status() if r["name"] == "spotify")
    assert row["found"] == str(REAL / "spotify.csv") and row["verified"] and row["where"] == "LEARNKIT_DATA"
    assert not row["standin"] and row["problem"] is None


@needs_real
@pytest.mark.parametrize("name", CSV_NAMES)
def test_load_gives_registry_shape_and_columns(monkeypatch, name):
    monkeypatch.setenv("LEARNKIT_DATA", str(REAL))
    df = D.load(name)
    ds = D.info(name)
    assert df.shape == ds.shape
    assert tuple(df.columns) == ds.columns


@needs_real
def test_course_shapes(monkeypatch):
    monkeypatch.setenv("LEARNKIT_DATA", str(REAL))
    assert D.load("concrete").shape == (1030, 9)
    ion = D.load("ion")
    assert ion.shape == (351, 35) and ion["Class"].value_counts().to_dict() == {"good": 225, "bad": 126}
    mnist = D.load("mnist-first1000")
    assert mnist.shape == (1000, 785)
    assert mnist[0].value_counts().sort_index().tolist() == [85, 126, 116, 107, 110, 87, 87, 99, 89, 94]
    assert len(D.load("spotify").dropna()) == 32828


@needs_real
def test_titanic_columns(monkeypatch):
    monkeypatch.setenv("LEARNKIT_DATA", str(REAL))
    df = D.load("titanic")
    assert list(df.columns) == ["survived", "pclass", "age", "sibsp", "parch", "fare", "male",
                                "age_was_missing", "embarked_from_cherbourg", "embarked_from_queenstown",
                                "embarked_from_southampton"]
    assert df["age_was_missing"].dtype == bool and df.shape == (891, 11)


@needs_real
def test_mnist_idx_arrays_match_the_csv(monkeypatch):
    monkeypatch.setenv("LEARNKIT_DATA", str(REAL))
    images, labels = D.load_array("mnist-images"), D.load_array("mnist-labels")
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,)
    csv = D.load("mnist-first1000").to_numpy()
    np.testing.assert_array_equal(csv[:, 0], labels[:1000])
    np.testing.assert_array_equal(csv[:, 1:], images[:1000].reshape(1000, 784))
    with pytest.raises(TypeError, match="load_array"):
        D.load("mnist-images")


@needs_real
def test_flat_directory_is_accepted_for_files_in_subfolders(env):
    flat = env.tmp / "flat"
    _put(flat, "mnist_test_first1000.csv", (REAL / "mnist" / "mnist_test_first1000.csv").read_bytes())
    assert D.path("mnist-first1000", data_dir=flat) == flat / "mnist_test_first1000.csv"


@needs_real
def test_aliases_and_file_names(monkeypatch):
    monkeypatch.setenv("LEARNKIT_DATA", str(REAL))
    expected = REAL / "hourly_wages.csv"
    for name in ("hourly-wages", "hourly_wages", "hourly_wages.csv", "HOURLY_WAGES"):
        assert D.path(name) == expected
    assert D.path("titanic_all_numeric.csv") == D.path("titanic") == REAL / "titanic_all_numeric.csv"


def test_unknown_name_suggests_close_matches():
    with pytest.raises(ValueError, match="Unknown dataset 'spotfy'.*spotify"):
        D.path("spotfy")


# --------------------------------------------------------------------------------------------
# Order of precedence
# --------------------------------------------------------------------------------------------

def test_precedence_data_dir_env_kaggle_cache(env, sample, monkeypatch):
    explicit, from_env = env.tmp / "explicit", env.tmp / "env"
    places = [explicit, from_env, env.kaggle_rel, env.kaggle_abs, env.cache]
    for d in places:
        _put(d, sample.file, sample.data)
    monkeypatch.setenv("LEARNKIT_DATA", str(from_env))

    assert D.path(sample.name, data_dir=explicit) == explicit / sample.file
    assert D.path(sample.name) == from_env / sample.file
    monkeypatch.delenv("LEARNKIT_DATA")
    got = D.path(sample.name)
    assert got.resolve() == (env.kaggle_rel / sample.file).resolve()
    assert str(got).startswith(str(Path.cwd() / ".." / "input"))       # found through ../input
    (env.kaggle_rel / sample.file).unlink()
    assert D.path(sample.name) == env.kaggle_abs / sample.file
    (env.kaggle_abs / sample.file).unlink()
    assert D.path(sample.name) == env.cache / sample.file
    (env.cache / sample.file).unlink()
    with pytest.raises(D.DatasetNotFound):
        D.path(sample.name)


def test_learnkit_data_may_list_several_directories(env, sample, monkeypatch):
    first, second = env.tmp / "a", env.tmp / "b"
    first.mkdir()
    _put(second, sample.file, sample.data)
    monkeypatch.setenv("LEARNKIT_DATA", os.pathsep.join([str(first), str(second)]))
    assert D.path(sample.name) == second / sample.file


def test_xdg_cache_home_is_used_without_learnkit_cache(env, sample, monkeypatch):
    monkeypatch.delenv("LEARNKIT_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(env.tmp / "xdg"))
    _put(env.tmp / "xdg" / "learnkit" / "data", sample.file, sample.data)
    assert D.cache_dir() == env.tmp / "xdg" / "learnkit" / "data"
    assert D.path(sample.name) == env.tmp / "xdg" / "learnkit" / "data" / sample.file


# --------------------------------------------------------------------------------------------
# Corrupted files
# --------------------------------------------------------------------------------------------

def test_corrupted_copy_is_refused_with_both_hashes(env, sample, monkeypatch):
    bad = _put(env.tmp / "bad", sample.file, _corrupt(sample.data))
    _put(env.tmp / "good", sample.file, sample.data)
    monkeypatch.setenv("LEARNKIT_DATA", str(env.tmp / "good"))     # a good copy later in the order
    with pytest.raises(D.DatasetChecksumError) as info:
        D.path(sample.name, data_dir=env.tmp / "bad")
    msg = str(info.value)
    assert "sha256" in msg and str(bad) in msg
    assert D.info(sample.name).sha256 in msg and _sha(bad.read_bytes()) in msg
    assert "LEARNKIT_VERIFY=0" in msg
    with pytest.raises(D.DatasetChecksumError):
        D.load(sample.name, data_dir=env.tmp / "bad")
    with pytest.raises(D.DatasetChecksumError):      # a corrupt file is not a reason for a stand-in
        D.load_or_standin(sample.name, data_dir=env.tmp / "bad")


def test_hash_is_cached_and_a_later_edit_is_caught(env, sample, monkeypatch):
    calls = []
    real_hash = locate._sha256_file
    monkeypatch.setattr(locate, "_sha256_file", lambda p: calls.append(p) or real_hash(p))
    p = _put(env.tmp / "d", sample.file, sample.data)
    for _ in range(3):
        assert D.path(sample.name, data_dir=p.parent) == p
    assert len(calls) == 1
    p.write_bytes(_corrupt(sample.data))
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    with pytest.raises(D.DatasetChecksumError, match="sha256"):
        D.path(sample.name, data_dir=p.parent)
    assert len(calls) == 2


def test_verify_opt_out_warns_instead(env, sample, monkeypatch):
    bad = _put(env.tmp / "bad", sample.file, _corrupt(sample.data))
    monkeypatch.setenv("LEARNKIT_VERIFY", "0")
    with pytest.warns(D.UnverifiedDataWarning, match="sha256"):
        assert D.path(sample.name, data_dir=bad.parent) == bad


# --------------------------------------------------------------------------------------------
# Missing everywhere
# --------------------------------------------------------------------------------------------

def test_missing_everywhere_lists_places_and_fixes(env, monkeypatch):
    monkeypatch.setenv("LEARNKIT_DATA", str(env.tmp / "nothing-here"))
    with pytest.raises(D.DatasetNotFound) as info:
        D.path("red-wine", data_dir=env.tmp / "explicit")
    err = info.value
    assert isinstance(err, FileNotFoundError)
    msg = str(err)
    for text in ("red-wine.csv", str(env.tmp / "explicit"), str(env.tmp / "nothing-here"),
                 "../input/dl-course-data", str(env.kaggle_abs), str(env.cache), "LEARNKIT_DATA",
                 "downloads are off", D.REGISTRY["red-wine"].url, "dl-course-data"):
        assert text in msg, text
    assert len(err.looked_in) == 5 and err.file == "red-wine.csv"


def test_missing_file_without_public_url_says_so(env, monkeypatch):
    monkeypatch.setenv("LEARNKIT_DATA", "")            # the Makefile exports it empty without data
    monkeypatch.setenv("LEARNKIT_DOWNLOAD", "1")       # allowed, but there is nothing to download
    with pytest.raises(D.DatasetNotFound) as info:
        D.path("spotify")
    msg = str(info.value)
    assert "spotify.csv" in msg and "LEARNKIT_DATA (not set)" in msg
    assert "no public download exists for this file; ask your instructor" in msg


def test_download_false_argument_beats_environment(env, sample, monkeypatch, only_localhost):
    monkeypatch.setenv("LEARNKIT_DOWNLOAD", "1")
    monkeypatch.setenv("LEARNKIT_DATA_URL", "http://127.0.0.1:9/")
    with pytest.raises(D.DatasetNotFound, match="downloads are off"):
        D.path(sample.name, download=False)
    assert only_localhost == []


# --------------------------------------------------------------------------------------------
# Downloads from a local HTTP server
# --------------------------------------------------------------------------------------------

@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    requests: list[str] = []
    gets: list[str] = []                   # one entry per GET (requests has one per log line)
    failing = {"left": 0, "status": 503}   # the next ``left`` GETs get ``status``

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self):
            gets.append(self.path)
            if failing["left"] > 0:
                failing["left"] -= 1
                self.send_error(failing["status"])
                return
            super().do_GET()

        def log_message(self, fmt, *args):
            requests.append(self.path)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(root=root, url=f"http://127.0.0.1:{httpd.server_address[1]}/mirror/",
                              requests=requests, gets=gets, failing=failing)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def _serve_at(server, file: str, data: bytes, monkeypatch):
    _put(server.root / "mirror", file, data)
    monkeypatch.setenv("LEARNKIT_DATA_URL", server.url)


def test_download_into_cache_and_reuse(env, sample, server, monkeypatch):
    _serve_at(server, sample.file, sample.data, monkeypatch)
    p = D.path(sample.name, download=True)
    assert p == env.cache / sample.file and p.read_bytes() == sample.data
    assert server.requests == ["/mirror/" + sample.file]
    assert _files(env.cache) == [p]                                  # no temp files left
    monkeypatch.setenv("LEARNKIT_DOWNLOAD", "0")
    assert D.path(sample.name) == p                                  # offline from now on
    assert len(server.requests) == 1


def test_download_allowed_by_environment(env, sample, server, monkeypatch):
    _serve_at(server, sample.file, sample.data, monkeypatch)
    monkeypatch.setenv("LEARNKIT_DOWNLOAD", "1")
    assert D.load(sample.name).shape[1] == 9


def test_download_of_tampered_file_leaves_nothing(env, sample, server, monkeypatch):
    _serve_at(server, sample.file, _corrupt(sample.data), monkeypatch)
    with pytest.raises(D.DatasetChecksumError) as info:
        D.path(sample.name, download=True)
    msg = str(info.value)
    assert "sha256" in msg and server.url in msg and "nothing was saved" in msg
    assert _files(env.cache) == []


def test_download_of_oversized_file_is_cut_off(env, sample, server, monkeypatch):
    _serve_at(server, sample.file, sample.data + b"0" * 100_000, monkeypatch)
    with pytest.raises(D.DatasetChecksumError, match="more than"):
        D.path(sample.name, download=True)
    assert _files(env.cache) == []


def test_download_404_is_not_found(env, sample, server, monkeypatch):
    monkeypatch.setenv("LEARNKIT_DATA_URL", server.url)
    with pytest.raises(D.DatasetNotFound) as info:
        D.path(sample.name, download=True)
    msg = str(info.value)
    assert "404" in msg and server.url + sample.file in msg and "LEARNKIT_DATA" in msg
    assert _files(env.cache) == []


def test_download_timeout_is_not_found(env, sample, monkeypatch):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)                       # accepts the connection, never answers
    try:
        monkeypatch.setenv("LEARNKIT_DATA_URL", f"http://127.0.0.1:{silent.getsockname()[1]}/")
        monkeypatch.setenv("LEARNKIT_DOWNLOAD_TIMEOUT", "0.5")
        start = time.monotonic()
        with pytest.raises(D.DatasetNotFound, match="timed out"):
            D.path(sample.name, download=True)
        assert time.monotonic() - start < 10
    finally:
        silent.close()
    assert _files(env.cache) == []


def test_download_is_retried_after_server_errors(env, sample, server, monkeypatch):
    _serve_at(server, sample.file, sample.data, monkeypatch)
    assert fetch.RETRIES >= 1
    server.failing.update(left=fetch.RETRIES, status=503)   # fails all but the last try
    p = D.path(sample.name, download=True)
    assert p == env.cache / sample.file and p.read_bytes() == sample.data
    assert server.gets == ["/mirror/" + sample.file] * (fetch.RETRIES + 1)
    assert _files(env.cache) == [p]
    assert p.stat().st_mode & 0o777 == 0o644


def test_download_gives_up_after_its_retries(env, sample, server, monkeypatch):
    _serve_at(server, sample.file, sample.data, monkeypatch)
    server.failing.update(left=fetch.RETRIES + 1, status=503)
    with pytest.raises(D.DatasetNotFound, match="503") as info:
        D.path(sample.name, download=True)
    assert "downloading " + server.url + sample.file + " failed" in str(info.value)
    assert len(server.gets) == fetch.RETRIES + 1
    assert _files(env.cache) == []


def test_wrong_file_and_missing_file_are_not_asked_again(env, sample, server, monkeypatch):
    _serve_at(server, sample.file, _corrupt(sample.data), monkeypatch)
    with pytest.raises(D.DatasetChecksumError, match="nothing was saved"):
        D.path(sample.name, download=True)
    assert len(server.gets) == 1
    server.failing.update(left=1, status=404)
    with pytest.raises(D.DatasetNotFound, match="404"):
        D.path(sample.name, download=True)
    assert len(server.gets) == 2 and _files(env.cache) == []


def test_download_of_another_known_good_version_is_kept(env, sample, server, monkeypatch):
    """A mirror of Kaggle's files serves fuel.csv as Kaggle formats it: a sha256 in ``also_accept``."""
    other = sample.data.replace(b"\n", b"\r\n")
    entry = dataclasses.replace(D.REGISTRY[sample.name], also_accept=((_sha(other), len(other)),))
    monkeypatch.setitem(D.REGISTRY, sample.name, entry)
    _serve_at(server, sample.file, other, monkeypatch)
    p = D.path(sample.name, download=True)
    assert p == env.cache / sample.file and p.read_bytes() == other
    assert _files(env.cache) == [p] and len(server.gets) == 1
    monkeypatch.setenv("LEARNKIT_DOWNLOAD", "0")
    assert D.path(sample.name) == p


@needs_real
def test_download_of_file_in_subfolder(env, server, monkeypatch):
    _serve_at(server, "mnist/t10k-labels-idx1-ubyte.gz",
              (REAL / "mnist" / "t10k-labels-idx1-ubyte.gz").read_bytes(), monkeypatch)
    labels = D.load_array("mnist-labels", download=True)
    assert labels.shape == (10000,) and labels[:3].tolist() == [7, 2, 1]
    assert (env.cache / "mnist" / "t10k-labels-idx1-ubyte.gz").is_file()


# --------------------------------------------------------------------------------------------
# Stand-ins
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", CSV_NAMES)
def test_standin_has_the_real_columns_and_dtypes(name):
    ds = D.info(name)
    df = D.standin(name, rows=300)
    assert df.shape == (300, len(ds.columns))
    assert tuple(df.columns) == ds.columns
    assert df.notna().any().all()
    if REAL is not None:
        real = pd.read_csv(REAL / ds.file, **ds.read_csv)
        assert list(df.columns) == list(real.columns)
        assert df.dtypes.astype(str).to_dict() == real.dtypes.astype(str).to_dict()
        assert df.index.dtype == real.index.dtype


def test_standin_default_rows_and_determinism():
    a = D.standin("concrete")
    assert a.shape == (1030, 9)
    pd.testing.assert_frame_equal(a, D.standin("concrete"))
    assert not a.equals(D.standin("concrete", seed=1))
    with pytest.raises(ValueError, match="not a CSV"):
        D.standin("mnist-images")


def test_spotify_standin_fits_the_course_pipeline():
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GroupShuffleSplit
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    spotify = D.standin("spotify")
    assert set(spotify["playlist_genre"]) == {"edm", "latin", "pop", "r&b", "rap", "rock"}
    assert spotify["track_popularity"].between(0, 100).all()
    X = spotify.copy().dropna()
    assert 0 < len(spotify) - len(X) < 20
    y = X.pop("track_popularity")
    artists = X["track_artist"]
    assert artists.value_counts().max() > 5                    # artists repeat
    features_num = ["danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
                    "instrumentalness", "liveness", "valence", "tempo", "duration_ms"]
    preprocessor = make_column_transformer((StandardScaler(), features_num), (OneHotEncoder(), ["playlist_genre"]))
    train, valid = next(GroupShuffleSplit(train_size=0.75, random_state=0).split(X, y, groups=artists))
    assert not set(artists.iloc[train]) & set(artists.iloc[valid])
    X_train = preprocessor.fit_transform(X.iloc[train])
    X_valid = preprocessor.transform(X.iloc[valid])
    assert X_train.shape[1] == X_valid.shape[1] == 18
    model = Ridge().fit(X_train, y.iloc[train] / 100)
    assert model.score(X_valid, y.iloc[valid] / 100) > 0.2     # there is something to learn


def test_concrete_standin_keeps_the_raw_scale_and_is_learnable():
    from sklearn.linear_model import LinearRegression

    df = D.standin("concrete")
    assert df["Cement"].between(102, 540).all() and df["Cement"].std() > 50
    assert df["CoarseAggregate"].between(801, 1145).all() and df["Water"].between(121.8, 247).all()
    assert df["Age"].isin([1, 3, 7, 14, 28, 56, 90, 91, 100, 120, 180, 270, 360, 365]).all()
    assert df["CompressiveStrength"].between(2.33, 82.6).all() and 25 < df["CompressiveStrength"].mean() < 45
    X, y = df.drop(columns="CompressiveStrength"), df["CompressiveStrength"]
    model = LinearRegression().fit(X[:800], y[:800])
    assert model.score(X[800:], y[800:]) > 0.5


def test_load_or_standin_without_data_is_loud(env):
    with pytest.warns(D.StandinDataWarning, match=r"STAND-IN DATA: spotify\.csv was not found") as record:
        df, is_standin, message = D.load_or_standin("spotify", rows=500)
    assert is_standin and df.shape == (500, 23)
    assert str(record[0].message) == message
    for text in ("looked in", str(env.cache), "../input/dl-course-data",
                 "Using generated data with the same columns; numbers will not match the course"):
        assert text in message, text


@needs_real
def test_load_or_standin_with_data_is_quiet(monkeypatch):
    monkeypatch.setenv("LEARNKIT_DATA", str(REAL))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df, is_standin, message = D.load_or_standin("ion")
    assert not is_standin and df.shape == (351, 35) and "sha256 checked" in message


def test_materialized_standins_are_found_with_a_warning(env, monkeypatch):
    out = env.tmp / "demo-data"
    generated = D.materialize_standins(out, rows=120)
    assert generated == D.names()
    assert (out / D.MANIFEST).is_file()
    monkeypatch.setenv("LEARNKIT_DATA", str(out))
    for name in CSV_NAMES:
        with pytest.warns(D.StandinDataWarning, match="STAND-IN DATA"):
            df = D.load(name)
        pd.testing.assert_frame_equal(df, D.standin(name, rows=120), check_exact=False, rtol=1e-12,
                                      check_column_type=False)
    with pytest.warns(D.StandinDataWarning):
        images = D.load_array("mnist-images")
    with pytest.warns(D.StandinDataWarning):
        labels = D.load_array("mnist-labels")
    assert images.shape == (120, 28, 28) and labels.shape == (120,) and images.max() > 0
    with pytest.warns(D.StandinDataWarning):
        _, is_standin, message = D.load_or_standin("concrete")
    assert is_standin and "STAND-IN DATA" in message
    rows = {r["name"]: r for r in D.status()}
    assert all(r["standin"] and not r["verified"] for r in rows.values())


def test_manifest_does_not_excuse_an_edited_file(env, monkeypatch):
    out = env.tmp / "demo-data"
    D.materialize_standins(out, ["concrete"], rows=50)
    p = out / "concrete.csv"
    p.write_bytes(_corrupt(p.read_bytes(), at=150))
    with pytest.raises(D.DatasetChecksumError):
        D.path("concrete", data_dir=out)


@needs_real
def test_materialize_copies_real_files_when_available(env, monkeypatch):
    monkeypatch.setenv("LEARNKIT_DATA", str(REAL))
    out = env.tmp / "demo-data"
    assert D.materialize_standins(out, ["concrete", "ion", "mnist-labels"]) == []
    for name in ("concrete", "ion", "mnist-labels"):
        f = D.info(name).file
        assert (out / f).read_bytes() == (REAL / f).read_bytes()
    monkeypatch.delenv("LEARNKIT_DATA")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert D.load("ion", data_dir=out).shape == (351, 35)


def test_generators_are_imported_only_for_a_stand_in():
    code = ("import sys, learnkit.data as d; d.status(); d.info('spotify'); "
            "assert not [m for m in sys.modules if m.startswith('checkers')], sorted(sys.modules)")
    here = str(Path(D.__file__).resolve().parents[2])  # the learnkit this test imports, wherever it runs from
    subprocess.run([sys.executable, "-c", code], check=True, cwd=here,
                   env={**os.environ, "LEARNKIT_DOWNLOAD": "0", "PYTHONPATH": here})


def test_a_missing_generator_module_is_a_clear_message(env, sample, monkeypatch):
    gone = dataclasses.replace(D.REGISTRY[sample.name], generator="checkers.no_such_course.standins:concrete")
    monkeypatch.setitem(D.REGISTRY, sample.name, gone)
    with pytest.raises(D.StandinUnavailable) as info:
        D.standin(sample.name)
    msg = str(info.value)
    assert "No stand-in for concrete" in msg and "checkers.no_such_course.standins:concrete" in msg
    assert "No module named 'checkers.no_such_course'" in msg and "LEARNKIT_DATA" in msg
    with pytest.raises(D.StandinUnavailable) as info:          # nothing found, and nothing to stand in
        D.load_or_standin(sample.name)
    assert "concrete.csv was not found. Looked in:" in str(info.value) and "No stand-in for" in str(info.value)
    with pytest.raises(D.StandinUnavailable):
        D.materialize_standins(env.tmp / "out", [sample.name])
    _put(env.tmp / "real", sample.file, sample.data)           # the real file needs no generator
    assert D.load(sample.name, data_dir=env.tmp / "real").shape[1] == 9
    monkeypatch.setenv("LEARNKIT_DATA", str(env.tmp / "real"))
    assert D.materialize_standins(env.tmp / "copy", [sample.name]) == []
    assert (env.tmp / "copy" / sample.file).read_bytes() == sample.data


def test_a_generator_with_other_columns_is_refused(env, monkeypatch):
    wrong = dataclasses.replace(D.REGISTRY["concrete"], generator="checkers.deep_learning_intro.standins:ion")
    monkeypatch.setitem(D.REGISTRY, "concrete", wrong)
    with pytest.raises(D.StandinUnavailable, match="made .*the registry says"):
        D.standin("concrete", rows=10)


def test_status_without_data(env):
    rows = D.status()
    assert [r["name"] for r in rows] == D.names()
    for r in rows:
        assert set(r) >= {"name", "file", "found", "verified"}
        assert r["found"] is None and r["verified"] is False
    assert {r["name"] for r in rows if r["downloadable"]} == {
        "red-wine", "ion", "forestfires", "titanic", "mnist-images", "mnist-labels",
        "boston-housing", "timemachine"}  # Keras's and d2l's own download URLs (same bytes, their hashes)
