"""`learnkit grade --dask`: the same small ex5 submissions graded by the local pool and by a real
Dask LocalCluster of 2 worker processes give identical gradebook rows (grades.csv, totals.csv).

Real kernels, a real cluster; no training (setup + model definitions only), ~1-2 minutes on 2 cores.
"""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grading_fixtures.crafted import Q1_OK, Q1_STARTER, Q1_WRONG, Q3_BN_AFTER, Q3_OK, SETUP, notebook  # noqa: E402

from learnkit.grading.grade import Options, grade  # noqa: E402

pytestmark = pytest.mark.slow

SMALL = {
    "ann": [SETUP, Q1_OK, Q3_OK],
    "bob": [SETUP, Q1_WRONG, Q3_BN_AFTER],
    "cat": [SETUP, Q1_STARTER, "q_3.check()"],
    "dan": [SETUP, Q1_OK, "raise ValueError('oops')", Q3_BN_AFTER],
}
EXPECTED = {
    "ann": {"q_1": "correct", "q_3": "correct"},
    "bob": {"q_1": "incorrect", "q_3": "incorrect"},
    "cat": {"q_1": "unattempted", "q_3": "unattempted"},
    "dan": {"q_1": "correct", "q_3": "incorrect"},
}
LIMITS = dict(cell_timeout=120, timeout=300, memory_mb=3000)


def write_small(folder: Path, names=SMALL) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        nbformat.write(notebook(SMALL[name]), folder / f"{name}.ipynb")
    (folder / "broken.ipynb").write_text("{not json")  # an error row that never reaches a worker
    return folder


def rows(out: Path, name: str) -> list[dict]:
    with open(out / name, newline="") as f:
        return sorted(csv.DictReader(f), key=lambda r: tuple(r.values()))


@pytest.fixture(scope="module")
def subs(tmp_path_factory) -> Path:
    return write_small(tmp_path_factory.mktemp("dask") / "subs")


@pytest.fixture(scope="module")
def local_out(subs) -> Path:
    out = subs.parent / "local"
    batch = grade([subs], out, Options(workers=2, **LIMITS), console=False)
    assert len(batch.outcomes) == len(SMALL) + 1
    return out


def test_local_pool_verdicts(local_out):
    got = {}
    for r in rows(local_out, "grades.csv"):
        got.setdefault(r["student"], {})[r["question"]] = r["status"]
    for name, want in EXPECTED.items():
        for q, status in want.items():
            assert got[name][q] == status, (name, q, got[name])
    assert got["broken"] == {"*": "error"}


def test_dask_local_cluster_matches_local_pool(subs, local_out):
    out = subs.parent / "dask"
    proc = subprocess.run([sys.executable, "-m", "learnkit.cli", "grade", str(subs), "--out", str(out),
                           "--dask", "local:2", "--cell-timeout", str(LIMITS["cell_timeout"]),
                           "--timeout", str(LIMITS["timeout"]), "--memory", str(LIMITS["memory_mb"])],
                          capture_output=True, text=True, timeout=600)
    assert "graded 5 submissions" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert rows(out, "grades.csv") == rows(local_out, "grades.csv")
    assert rows(out, "totals.csv") == rows(local_out, "totals.csv")
    executed = sorted(p.name.split("-")[0] for p in (out / "executed").glob("*.ipynb"))
    assert executed == sorted(SMALL)  # the executed notebooks came back to the coordinator


def test_dask_pool_ships_bytes_not_paths(subs, tmp_path):
    """A worker never reads the coordinator's path: the file is gone by the time the task runs."""
    from learnkit.grading.distributed import DaskPool
    from learnkit.grading.grade import execute, inspect

    src = tmp_path / "ann.ipynb"
    src.write_bytes((subs / "ann.ipynb").read_bytes())
    sub = inspect(src)
    sub.path = tmp_path / "elsewhere" / "ann.ipynb"  # not on any worker's disk
    pool = DaskPool("local:1")
    try:
        with open(src, "rb") as f:
            data = f.read()
        sub.path.parent.mkdir()
        sub.path.write_bytes(data)
        fut = pool.submit(execute, sub, Options(workers=1, **LIMITS))
        sub.path.unlink()  # read by submit already; the worker has only the bytes
        outcome, nb = fut.result(timeout=300)
    finally:
        pool.shutdown(cancel_futures=True)
    assert outcome.status == "ok", outcome.reason
    assert outcome.submission.path == sub.path
    assert {r["question"]: r["status"] for r in outcome.results}["q_1"] == "correct"
    assert nb is not None
