"""Prepared kernels (learnkit.runner.pool + forkserver): faster, and still one fresh process per student.

Real kernels on the numpy course (no TensorFlow), so the batch takes seconds.
"""
from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from learnkit.grading.grade import Options, base_kernel_env, execute, grade, inspect
from learnkit.runner.execute import kernel_env
from learnkit.runner.forkserver import ForkServer, ForkServerError
from learnkit.runner.pool import KernelPool, notebook_imports, preload_for

SETUP = "from learnkit.core import binder\nbinder.bind(globals())\nfrom checkers.nn_from_scratch.ex1 import *\n" \
        "import numpy as np\nimport xml.dom.minidom  # preloaded in prepared kernels (learnkit never imports it)"
ANSWER = "input_data = np.array([3, 5])\nweights = {'node_0': np.array([2, 4]), 'node_1': np.array([4, -5]), " \
         "'output': np.array([2, 7])}\nnode_0_value = (input_data * weights['node_0']).sum()\n" \
         "node_1_value = (input_data * weights['node_1']).sum()\nhidden_layer_outputs = np.array([node_0_value, " \
         "node_1_value])\noutput = (hidden_layer_outputs * weights['output']).sum()\nq_1.check()"
PROBE = """import json as _j, os as _o, sys as _s, random as _r
_first = {{"pid": _o.getpid(), "cwd": _o.getcwd(), "files": sorted(_o.listdir('.')),
          "leak_before": hasattr(_j, "LEARNKIT_LEAK"), "preloaded": "xml.dom.minidom" in _s.modules,
          "learnkit_names": sorted(n for n in globals() if "learnkit" in n),
          "lang": _o.environ.get("LEARNKIT_LANG"), "random": _r.random(), "ppid": _o.getppid(),
          "parent": open(f"/proc/{{_o.getppid()}}/cmdline", "rb").read().decode().replace("\\0", " ")}}
_j.LEARNKIT_LEAK = True  # a student's change to a shared module must not reach the next student
open({out!r}, "w").write(_j.dumps(_first))"""


def _submission(folder: Path, name: str, out: Path, lang: str | None = None, answer: str = ANSWER) -> Path:
    nb = new_notebook(cells=[new_code_cell(PROBE.format(out=str(out))), new_code_cell(SETUP), new_code_cell(answer)])
    nb.metadata["learnkit"] = {"exercise": "nn_from_scratch.ex1", **({"lang": lang} if lang else {})}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _kernels_left() -> list[int]:
    return [p.pid for p in psutil.Process().children(recursive=True)
            if any(k in " ".join(p.cmdline()) for k in ("ipykernel", "forkserver"))]


def _batch(tmp_path: Path, prepared: bool, n: int = 4, sandbox: bool = False):
    """(unsandboxed: the probe reads its parent's command line; tests/integration/test_sandbox.py covers sandboxed kernels)"""
    subs = tmp_path / "subs"
    subs.mkdir()
    probes = {}
    for i in range(n):
        probes[f"s{i}"] = tmp_path / f"probe-{i}.json"
        _submission(subs, f"s{i}", probes[f"s{i}"], lang="zh-TW" if i == 1 else None)
    batch = grade([subs], tmp_path / "out", Options(workers=2, prepared_kernels=prepared, cell_timeout=60,
                                                    timeout=120, sandbox=sandbox), console=False)
    seen = {k: json.loads(p.read_text()) for k, p in probes.items()}
    return batch, seen


@pytest.mark.slow
@pytest.mark.xdist_group("kernel_pool")
def test_prepared_kernels_are_fresh_processes_one_per_student(tmp_path):
    batch, seen = _batch(tmp_path, prepared=True)
    assert all(o.status == "ok" for o in batch.outcomes), [o.reason for o in batch.outcomes]
    assert {r["question"]: r["status"] for o in batch.outcomes for r in o.results}["q_1"] == "correct"
    pids = [s["pid"] for s in seen.values()]
    assert len(set(pids)) == len(pids) and os.getpid() not in pids
    assert len({s["ppid"] for s in seen.values()}) == 1  # all forked by the batch's one server
    assert all("learnkit.runner.forkserver" in s["parent"] for s in seen.values())
    assert not any(s["leak_before"] for s in seen.values())  # nothing one student did reached another
    assert all(s["preloaded"] for s in seen.values())  # imported before the first student cell
    assert all(s["learnkit_names"] == [] for s in seen.values())  # the warm-up left no names behind
    assert len({s["random"] for s in seen.values()}) == len(seen)  # reseeded, not one inherited state
    for name, s in seen.items():  # each runs in its own folder, next to its own copy of the notebook
        assert f"{name}.ipynb" in s["files"], s
    assert len({s["cwd"] for s in seen.values()}) == len(seen)
    assert seen["s1"]["lang"] == "zh-TW" and seen["s0"]["lang"] == "en"
    time.sleep(1.5)  # forked kernels notice a stopped server within a second
    assert _kernels_left() == []


@pytest.mark.slow
@pytest.mark.xdist_group("kernel_pool")
def test_cold_kernels_import_nothing_ahead(tmp_path):
    batch, seen = _batch(tmp_path, prepared=False, n=2)
    assert all(o.status == "ok" for o in batch.outcomes)
    assert not any(s["preloaded"] for s in seen.values())
    assert not any(s["leak_before"] for s in seen.values())
    assert not any("forkserver" in s["parent"] for s in seen.values())


@pytest.mark.slow
@pytest.mark.xdist_group("kernel_pool")
def test_a_dead_fork_server_falls_back_to_cold_kernels_and_loses_nothing(tmp_path):
    sub = inspect(_submission(tmp_path, "s0", tmp_path / "probe.json"))
    opts = Options(workers=1, cell_timeout=60, timeout=120)
    home = tmp_path / "server"
    home.mkdir()
    env_for = lambda work: kernel_env(base_kernel_env(None, work, 1), work)  # noqa: E731
    server = ForkServer(["numpy"], env_for(home), str(home))
    server.close()
    with pytest.raises(ForkServerError, match="exited"):
        server.spawn(str(tmp_path / "c.json"), {}, str(tmp_path))
    pool = KernelPool(env_for, ["numpy"], ahead=1, limit=1, server=server)
    try:
        outcome, _ = execute(sub, opts, kernels=pool)
    finally:
        pool.close()
    assert pool.errors and "fork server" in pool.errors[0]
    assert outcome.status == "ok"
    assert {r["question"]: r["status"] for r in outcome.results}["q_1"] == "correct"


@pytest.mark.slow
@pytest.mark.xdist_group("kernel_pool")
def test_a_prepared_kernel_that_died_while_waiting_is_replaced(tmp_path):
    env_for = lambda work: kernel_env(base_kernel_env(None, work, 1), work)  # noqa: E731
    pool = KernelPool(env_for, ["json"], ahead=1, limit=1)
    try:
        deadline = time.monotonic() + 120
        while not pool._ready:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        first = pool._ready[0]
        os.kill(first.pid, signal.SIGKILL)
        psutil.Process(first.pid).wait(10) if psutil.pid_exists(first.pid) else None
        pk = pool.take(timeout=120)
        assert pk is not None and pk.pid != first.pid and pk.alive()
        assert pool.take(timeout=1) is None  # the limit holds: no more kernels than submissions
        pk.discard()
    finally:
        pool.close()


def test_preload_is_what_most_notebooks_import_from_installed_packages(tmp_path):
    def nb(*cells):
        return new_notebook(cells=[new_code_cell(c) for c in cells])
    (tmp_path / "mymod.py").write_text("")
    nbs = [nb("import numpy as np\nimport pandas", "%matplotlib inline\nfrom sklearn.model_selection import KFold",
              "from . import x"),
           nb("import numpy\nimport mymod", "from sklearn.model_selection import KFold"),
           nb("import numpy", "import json, os.path", "def f(:\n  pass")]
    assert notebook_imports(nbs[0]) == {"numpy", "pandas", "sklearn.model_selection"}
    got = preload_for([notebook_imports(nb) for nb in nbs], "nn_from_scratch.ex1", extra=["keras"])
    assert got[0] == "keras" and got[-1] == "checkers.nn_from_scratch.ex1"
    assert "numpy" in got and "sklearn.model_selection" in got
    assert "pandas" not in got  # one notebook in three
    assert "mymod" not in got  # not an installed package (and here not even importable)


@pytest.mark.slow
def test_a_batch_leaves_no_fork_server_folder_behind(tmp_path, monkeypatch):
    import tempfile

    from learnkit.grading.kernels import kernel_pool
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    pool = kernel_pool(Options(workers=1, sandbox=False, preload=("json",)), limit=1, ahead=1)
    assert [p.name for p in tmp_path.rglob("learnkit-forkserver-*")], "the server works in its own folder"
    pool.close()
    assert not list(tmp_path.rglob("learnkit-forkserver-*"))
