"""GPU machines (learnkit.runner.gpu): each kernel's GPU, memory budget and framework variables.

There is no GPU here: GPUs are faked with LEARNKIT_GPUS (or a fake ``nvidia-smi``), and what is
tested is the environment each kernel gets, up to real kernels reading it from ``os.environ``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from typer.testing import CliRunner

from learnkit.grading.grade import Options, grade, grading_env
from learnkit.runner import gpu
from learnkit.runner.execute import run_notebook

TWO = "0:81920,1:81920"
GPU_VARS = {"CUDA_DEVICE_ORDER", "CUDA_VISIBLE_DEVICES", "LEARNKIT_GPU_MEMORY_MB", "XLA_PYTHON_CLIENT_PREALLOCATE",
            "XLA_PYTHON_CLIENT_MEM_FRACTION", "TF_FORCE_GPU_ALLOW_GROWTH"}


@pytest.fixture(autouse=True)
def _no_real_gpu_settings(monkeypatch):
    """Tests see only the GPUs they fake, never the machine's or the caller's settings."""
    for var in GPU_VARS | {"LEARNKIT_GPUS", "XLA_CLIENT_MEM_FRACTION"}:
        monkeypatch.delenv(var, raising=False)
    gpu._discover.cache_clear()  # nvidia-smi is asked once per process; these tests change its answer
    yield
    gpu._discover.cache_clear()


def test_two_gpus_five_workers_alternate_and_split_each_gpu(monkeypatch):
    monkeypatch.setenv("LEARNKIT_GPUS", TWO)
    envs = [gpu.slot_env(i, 5) for i in range(5)]
    assert [e["CUDA_VISIBLE_DEVICES"] for e in envs] == ["0", "1", "0", "1", "0"]
    # GPU 0 holds slots 0, 2, 4: 81920 // 3 = 27306 - 512 reserve; GPU 1 holds 1, 3: 40960 - 512
    assert [e["LEARNKIT_GPU_MEMORY_MB"] for e in envs] == ["26794", "40448", "26794", "40448", "26794"]
    assert [e["XLA_PYTHON_CLIENT_MEM_FRACTION"] for e in envs] == ["0.327", "0.493", "0.327", "0.493", "0.327"]
    for e in envs:
        assert set(e) == GPU_VARS
        assert e["XLA_PYTHON_CLIENT_PREALLOCATE"] == "false" and e["TF_FORCE_GPU_ALLOW_GROWTH"] == "true"
        assert e["CUDA_DEVICE_ORDER"] == "PCI_BUS_ID"  # CUDA numbers GPUs as nvidia-smi does
        # the budgets of the kernels on one GPU never add up to more than the GPU
    for g in ("0", "1"):
        assert sum(float(e["XLA_PYTHON_CLIENT_MEM_FRACTION"]) for e in envs if e["CUDA_VISIBLE_DEVICES"] == g) <= 1


def test_the_issue_machine_one_big_gpu_eight_workers(monkeypatch):
    monkeypatch.setenv("LEARNKIT_GPUS", "0:143771")
    envs = [gpu.slot_env(i, 8) for i in range(8)]
    assert {e["CUDA_VISIBLE_DEVICES"] for e in envs} == {"0"}
    assert {e["LEARNKIT_GPU_MEMORY_MB"] for e in envs} == {str(143771 // 8 - 512)}
    assert {e["XLA_PYTHON_CLIENT_MEM_FRACTION"] for e in envs} == {"0.121"}  # 17459 / 143771, rounded down
    assert gpu.describe(8) == "GPU: GPU 0 (143771 MB): 8 kernels of 17459 MB"
    assert gpu.describe(1).endswith(": 1 kernel of 143259 MB")  # counted words, no "kernel(s)"


def test_explicit_gpu_memory_wins_and_is_capped_at_the_gpu(monkeypatch):
    monkeypatch.setenv("LEARNKIT_GPUS", TWO)
    envs = [gpu.slot_env(i, 5, memory_mb=4000) for i in range(5)]
    assert {e["LEARNKIT_GPU_MEMORY_MB"] for e in envs} == {"4000"}
    assert {e["XLA_PYTHON_CLIENT_MEM_FRACTION"] for e in envs} == {"0.048"}  # 4000 / 81920 = 0.0488
    assert gpu.slot_env(0, 1, memory_mb=10 ** 6)["XLA_PYTHON_CLIENT_MEM_FRACTION"] == "1.000"


def test_small_gpu_reserve_is_at_most_a_tenth_of_the_share(monkeypatch):
    monkeypatch.setenv("LEARNKIT_GPUS", "0:4096")
    assert gpu.slot_env(0, 8)["LEARNKIT_GPU_MEMORY_MB"] == str(512 - 51)


@pytest.mark.parametrize("setting", ["none", "", None])
def test_no_gpu_means_no_gpu_variables_at_all(monkeypatch, tmp_path, setting):
    if setting is None:  # nothing faked and no nvidia-smi on the PATH
        monkeypatch.setenv("PATH", str(tmp_path))
    else:
        monkeypatch.setenv("LEARNKIT_GPUS", setting)
    assert gpu.gpus() == []
    assert gpu.slot_env(0, 4) == {} and gpu.base_env() == {} and gpu.describe(4) == ""
    lease = gpu.lease(0, 4, 4, memory_mb=2000)
    assert lease.env == {}
    lease.release()
    env = grading_env(Options(workers=4), tmp_path)
    assert not GPU_VARS & set(env), GPU_VARS & set(env)


def test_grading_env_of_a_gpu_machine_disables_preallocation_for_every_kernel(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNKIT_GPUS", TWO)
    env = grading_env(Options(workers=4), tmp_path)  # prepared kernels and the fork server start with this
    assert env["XLA_PYTHON_CLIENT_PREALLOCATE"] == "false" and env["TF_FORCE_GPU_ALLOW_GROWTH"] == "true"
    assert "CUDA_VISIBLE_DEVICES" not in env  # the slot's GPU is set per run (execute), not per kernel start


def test_nvidia_smi_is_parsed_and_the_graders_own_cuda_visible_devices_respected(monkeypatch, tmp_path):
    smi = tmp_path / "nvidia-smi"
    smi.write_text("#!/bin/sh\necho '0, 81559, GPU-aaaa'\necho '1, 81559, GPU-bbbb'\necho '2, [N/A], GPU-cccc'\n")
    smi.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    assert gpu.gpus() == [gpu.Gpu(0, 81559, "GPU-aaaa"), gpu.Gpu(1, 81559, "GPU-bbbb")]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    assert [g.index for g in gpu.gpus()] == [1]
    assert {gpu.slot_env(i, 3)["CUDA_VISIBLE_DEVICES"] for i in range(3)} == {"1"}
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "GPU-aaaa")
    assert [g.index for g in gpu.gpus()] == [0]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    assert gpu.gpus() == []


def test_leases_hand_out_distinct_slots_and_take_them_back(monkeypatch):
    monkeypatch.setenv("LEARNKIT_GPUS", TWO)
    held = [gpu.lease(10, 3, 6) for _ in range(3)]  # a Dask worker owning slots 10..12 of a machine's 6
    assert sorted(h.slot for h in held) == [10, 11, 12]
    assert [h.env["CUDA_VISIBLE_DEVICES"] for h in held] == ["0", "1", "0"]
    held[1].release()
    again = gpu.lease(10, 3, 6)
    assert again.slot == 11
    for h in held[::2] + [again]:
        h.release()


def test_apply_drops_the_new_jax_name_jaxlib_refuses_both(monkeypatch):
    monkeypatch.setenv("LEARNKIT_GPUS", TWO)
    env = gpu.apply({"XLA_CLIENT_MEM_FRACTION": ".9", "PATH": "/bin"}, gpu.slot_env(0, 2))
    assert "XLA_CLIENT_MEM_FRACTION" not in env and env["XLA_PYTHON_CLIENT_MEM_FRACTION"] == "0.993"
    assert gpu.apply({"XLA_CLIENT_MEM_FRACTION": ".9"}, {}) == {"XLA_CLIENT_MEM_FRACTION": ".9"}  # no GPU: untouched


def test_malformed_override_is_refused_by_the_cli(monkeypatch, tmp_path):
    from learnkit.cli import app
    monkeypatch.setenv("LEARNKIT_GPUS", "0=80GB")
    with pytest.raises(ValueError):
        gpu.gpus()
    assert gpu.lease(0, 2, 2).env == {}  # a worker thread never raises on it
    res = CliRunner().invoke(app, ["grade", str(tmp_path), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and "LEARNKIT_GPUS" in res.output


def _fake_tf(calls: list, n_gpus: int = 1):
    config = types.SimpleNamespace(
        list_physical_devices=lambda kind: [f"PhysicalDevice:{kind}:{i}" for i in range(n_gpus)],
        set_logical_device_configuration=lambda dev, confs: calls.append((dev, confs)),
        LogicalDeviceConfiguration=lambda memory_limit: ("limit", memory_limit))
    return types.SimpleNamespace(config=config)


def test_tensorflow_limit_when_tensorflow_is_already_imported(monkeypatch):
    calls: list = []
    monkeypatch.setitem(sys.modules, "tensorflow", _fake_tf(calls, n_gpus=2))
    assert gpu.apply_tensorflow_limit({}) is None and calls == []  # no budget: nothing
    assert gpu.apply_tensorflow_limit({"LEARNKIT_GPU_MEMORY_MB": "17459"}) == 2
    assert calls == [("PhysicalDevice:GPU:0", [("limit", 17459)]), ("PhysicalDevice:GPU:1", [("limit", 17459)])]


def test_tensorflow_limit_is_applied_right_after_a_later_import(tmp_path):
    """TF installed but not imported yet (a cold kernel): the limit follows the student's import."""
    pkg = tmp_path / "tensorflow"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        "import types\ncalls = []\nconfig = types.SimpleNamespace(\n"
        "    list_physical_devices=lambda kind: ['GPU:0'],\n"
        "    set_logical_device_configuration=lambda d, c: calls.append((d, c)),\n"
        "    LogicalDeviceConfiguration=lambda memory_limit: memory_limit)\n")
    code = ("import sys\nfrom learnkit.runner.gpu import apply_tensorflow_limit\n"
            "assert apply_tensorflow_limit() is None and 'tensorflow' not in sys.modules\n"
            "import tensorflow\nprint(tensorflow.calls)\n"
            "assert not any(type(f).__name__ == '_AfterTensorflowImport' for f in sys.meta_path)\n")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "LEARNKIT_GPU_MEMORY_MB": "9000"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[('GPU:0', [9000])]"


@pytest.mark.slow
def test_tensorflow_limit_on_a_machine_without_gpu_is_harmless():
    pytest.importorskip("tensorflow")
    code = ("import tensorflow as tf\nfrom learnkit.runner.gpu import apply_tensorflow_limit\n"
            "print(apply_tensorflow_limit({'LEARNKIT_GPU_MEMORY_MB': '1000'}))\n"
            "print(len(tf.config.list_logical_devices('CPU')) >= 1)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "CUDA_VISIBLE_DEVICES": ""})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["0", "True"]


# -- real kernels --------------------------------------------------------------------------------

SHOW = "import json, os\nprint(json.dumps({k: os.environ.get(k) for k in %r}))" % sorted(GPU_VARS)


def _notebook(path: Path) -> Path:
    nb = new_notebook(cells=[new_code_cell("from learnkit.core import binder\nbinder.bind(globals())\n"
                                           "from checkers.nn_from_scratch.ex1 import *"), new_code_cell(SHOW)])
    nb.metadata["learnkit"] = {"exercise": "nn_from_scratch.ex1"}
    nbformat.write(nb, path)
    return path


def _seen(nb) -> dict:
    text = "".join(o.get("text", "") for o in nb.cells[1].outputs if o.get("output_type") == "stream")
    return json.loads(text)


@pytest.mark.slow
def test_a_kernel_started_by_the_runner_sees_its_slot_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNKIT_GPUS", TWO)
    want = gpu.slot_env(3, 5)
    run = run_notebook(_notebook(tmp_path / "nb.ipynb"), cwd=tmp_path, env=gpu.apply(dict(os.environ), want),
                       cell_timeout=120, timeout=300)
    assert run.ok and not run.cell_errors, (run.reason, run.cell_errors)
    assert _seen(run.notebook) == want


@pytest.mark.slow
@pytest.mark.xdist_group("kernel_pool")
@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "cold"])
def test_learnkit_grade_gives_each_running_kernel_its_own_slot(monkeypatch, tmp_path, prepared):
    """Through ``grade``: two workers on two GPUs run side by side, one per GPU; prepared kernels
    (forked before the slot is known) get the slot's variables from the preamble, before student code."""
    monkeypatch.setenv("LEARNKIT_GPUS", TWO)
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(2):
        _notebook(subs / f"s{i}.ipynb")
    batch = grade([subs], tmp_path / "out", Options(workers=2, prepared_kernels=prepared, cell_timeout=120,
                                                    timeout=300, gpu_memory_mb=None), console=False)
    assert [o.status for o in batch.outcomes] == ["ok", "ok"], [o.reason for o in batch.outcomes]
    seen = [_seen(nbformat.read(p, as_version=4)) for p in sorted((tmp_path / "out" / "executed").glob("*.ipynb"))]
    assert sorted(s["CUDA_VISIBLE_DEVICES"] for s in seen) == ["0", "1"]
    for s in seen:
        assert s == gpu.slot_env(int(s["CUDA_VISIBLE_DEVICES"]), 2)  # slot i is on GPU i here
        assert s["XLA_PYTHON_CLIENT_MEM_FRACTION"] == "0.993" and s["LEARNKIT_GPU_MEMORY_MB"] == "81408"


@pytest.mark.slow
def test_dask_workers_on_one_machine_share_its_gpus():
    distributed = pytest.importorskip("distributed")
    from learnkit.grading.distributed import machine_slots

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c, \
            distributed.Client(c) as client:
        addresses = sorted(client.scheduler_info()["workers"])
        got = [client.submit(machine_slots, workers=[a], pure=False).result(timeout=60) for a in addresses]
    assert got == [(0, 1, 2), (1, 1, 2)]
