"""`learnkit grade --keras-backend jax`: the same 2 small submissions get the same verdicts as with
TensorFlow (real kernels, no training; ~1 minute on 2 cores)."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from test_grading_dask import LIMITS, write_small  # noqa: E402

pytestmark = pytest.mark.slow


def verdicts(out: Path) -> dict:
    with open(out / "grades.csv", newline="") as f:
        return {(r["student"], r["question"]): (r["status"], r["points"], r["max_points"]) for r in csv.DictReader(f)}


def grade_cli(subs: Path, out: Path, backend: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "learnkit.cli", "grade", str(subs), "--out", str(out),
                           "--workers", "2", "--keras-backend", backend,
                           "--cell-timeout", str(LIMITS["cell_timeout"]), "--timeout", str(LIMITS["timeout"]),
                           "--memory", str(LIMITS["memory_mb"])], capture_output=True, text=True, timeout=600)
    assert "graded 3 submissions" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-3000:]
    return verdicts(out)


def test_jax_verdicts_equal_tensorflow(tmp_path):
    subs = write_small(tmp_path / "subs", names=["ann", "bob"])
    jax = grade_cli(subs, tmp_path / "jax", "jax")
    tf = grade_cli(subs, tmp_path / "tf", "tensorflow")
    assert jax == tf
    assert jax[("ann", "q_1")][0] == "correct" and jax[("bob", "q_1")][0] == "incorrect"


def test_jax_backend_really_used(tmp_path):
    """The kernels ran Keras on JAX: a cell printing keras.backend.backend() says so."""
    import nbformat
    from grading_fixtures.crafted import SETUP, notebook
    from learnkit.grading.grade import Options, grade
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(notebook([SETUP, "print('BACKEND=' + keras.backend.backend())"]), subs / "probe.ipynb")
    batch = grade([subs], tmp_path / "out", Options(workers=1, keras_backend="jax", **LIMITS), console=False)
    assert batch.outcomes[0].status == "ok", batch.outcomes[0].reason
    text = next((tmp_path / "out" / "executed").glob("*.ipynb")).read_text()
    assert "BACKEND=jax" in text


def test_jax_kernels_share_a_compilation_cache(tmp_path):
    """With jax, kernels of one batch point at one compilation cache, and training fills it."""
    import nbformat
    from grading_fixtures.crafted import FIT_SPOTIFY, Q1_OK, SETUP, notebook
    from learnkit.grading.grade import Options, grade, jax_cache_dir
    subs = tmp_path / "subs"
    subs.mkdir()
    probe = "import os\nprint('CACHE=' + os.environ.get('JAX_COMPILATION_CACHE_DIR', ''))"
    for name in ("ann", "bob"):
        nbformat.write(notebook([SETUP, Q1_OK, FIT_SPOTIFY, probe]), subs / f"{name}.ipynb")
    batch = grade([subs], tmp_path / "out", Options(workers=1, keras_backend="jax", **LIMITS), console=False)
    assert all(o.status == "ok" for o in batch.outcomes), [o.reason for o in batch.outcomes]
    for nb in (tmp_path / "out" / "executed").glob("*.ipynb"):
        assert f"CACHE={jax_cache_dir()}" in nb.read_text()
    assert any(jax_cache_dir().iterdir())  # compiled programs were written for the next kernels


def test_compilation_cache_only_for_jax_and_the_user_setting_wins(tmp_path, monkeypatch):
    from learnkit.grading.grade import base_kernel_env, jax_cache_dir
    monkeypatch.delenv("JAX_COMPILATION_CACHE_DIR", raising=False)
    assert "JAX_COMPILATION_CACHE_DIR" not in base_kernel_env(None, tmp_path, 1, "tensorflow")
    assert "JAX_COMPILATION_CACHE_DIR" not in base_kernel_env(None, tmp_path, 1, "jax", jax_cache=False)
    assert base_kernel_env(None, tmp_path, 1, "jax")["JAX_COMPILATION_CACHE_DIR"] == str(jax_cache_dir())
    monkeypatch.setenv("JAX_COMPILATION_CACHE_DIR", "/elsewhere")
    assert base_kernel_env(None, tmp_path, 1, "jax")["JAX_COMPILATION_CACHE_DIR"] == "/elsewhere"
